"""The assignment page's edges: its meeting charts and their tables, the reasons and the
outcome where everyone reads them, the history's labels, long texts, the confirmation of
what cannot be undone, and the flags a closed assignment leaves behind."""

import json
import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from assignments import services
from assignments.drift import DIMENSIONS
from assignments.models import (
    Assignment,
    AuditReport,
    BriefItem,
    DriftReading,
    Flag,
    ProgressMeeting,
    State,
    TransitionRecord,
)
from tests.factories import FlagFactory

# The same questions as on the transition's own page.
COMPLETE_CONFIRM = (
    "Complete this assignment? It closes for good: nothing on it can be changed afterwards."
)
CANCEL_CONFIRM = "Cancel this assignment? It closes for good and cannot be reopened."


def page(client, user, a):
    client.force_login(user)
    response = client.get(f"/assignments/{a.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def section(html, element_id):
    """The markup of the element with this id, up to the first closing tag of its kind
    (whole for the page's <header> and <section>s, which do not nest)."""
    start = html.index(f'id="{element_id}"')
    tag = html.rfind("<", 0, start)
    name = re.match(r"<(\w+)", html[tag:]).group(1)
    return html[tag : html.index(f"</{name}>", start)]


def charts_of(html):
    found = re.search(r'<script id="assignment-charts"[^>]*>(.*?)</script>', html)
    return json.loads(found.group(1))


def form_tag(html, a, name):
    action = f"/assignments/{a.pk}/transition/{name}/"
    return re.search(rf'<form[^>]*action="{action}"[^>]*>', html).group(0)


def at_noon(day):
    return timezone.make_aware(datetime.combine(day, time(12)))


# --- The meeting charts ---------------------------------------------------------------------


@pytest.fixture
def three_meetings(walker):
    """In progress for two months after an audit submitted ten weeks ago, with three
    meetings held, the last today; the second had been moved a month ahead and was held
    early anyway, so the order of the scheduled dates is not the order of the meetings."""
    today = timezone.localdate()
    a, director = walker.a, walker.director
    walker.to_action_plan()
    walker.confirm_all(walker.draft_plan())
    services.assignment_start_progress(
        assignment=a, user=director, today=today - timedelta(days=60)
    )
    held_days = [today - timedelta(days=40), today - timedelta(days=20), today]
    for n, held_on in enumerate(held_days):
        meeting = a.meetings.get(status="scheduled")
        if n == 1:
            meeting = services.meeting_schedule(
                assignment=a, user=director, scheduled_for=today + timedelta(days=30)
            )
        services.meeting_record(
            meeting=meeting,
            user=director,
            held_on=held_on,
            ratings={d: min(3, n + i % 2) for i, d in enumerate(DIMENSIONS)},
            summary=f"Meeting {n + 1}.",
        )
    audit_day = today - timedelta(days=70)
    report = a.audit_reports.get()
    AuditReport.objects.filter(pk=report.pk).update(submitted_at=at_noon(audit_day))
    DriftReading.objects.filter(audit_report=report).update(recorded_at=at_noon(audit_day))
    held = list(ProgressMeeting.objects.filter(assignment=a, status="held").order_by("held_on"))
    assert sorted(held, key=lambda m: m.scheduled_for) != held
    return {
        "audit_day": audit_day,
        "audit_score": DriftReading.objects.get(audit_report=report).score,
        "held": held,
    }


def test_both_meeting_charts_run_oldest_first_dated_by_the_meeting(client, walker, three_meetings):
    held = three_meetings["held"]
    charts = charts_of(page(client, walker.director, walker.a))

    assert [m["date"] for m in charts["meetings"]] == [m.held_on.isoformat() for m in held]
    assert [m["levels"][0] for m in charts["meetings"]] == [m.levels["objectives"] for m in held]
    assert [(r["date"], r["score"]) for r in charts["drift"]] == [
        (three_meetings["audit_day"].isoformat(), three_meetings["audit_score"]),
        *[(m.held_on.isoformat(), m.drift_score) for m in held],
    ]
    assert [r["source"] for r in charts["drift"]] == ["Audit report v1"] + 3 * ["Progress meeting"]


def test_the_timeline_lists_meetings_in_the_order_they_were_held(client, walker, three_meetings):
    html = section(page(client, walker.director, walker.a), "meetings")
    shown = [int(pk) for pk in re.findall(r'data-meeting="(\d+)"', html)]
    upcoming = ProgressMeeting.objects.get(assignment=walker.a, status="scheduled")
    assert shown == [m.pk for m in three_meetings["held"]] + [upcoming.pk]


def test_each_chart_has_a_table_of_its_data_and_a_label(client, walker, three_meetings):
    html = section(page(client, walker.director, walker.a), "meetings")
    held = three_meetings["held"]
    for canvas in ("ratings-chart", "drift-chart"):
        tag = re.search(rf'<canvas id="{canvas}"[^>]*>', html).group(0)
        assert 'role="img"' in tag and "oldest first" in tag and "table below" in tag

    ratings_table = html.split('data-chart-table="ratings"')[1].split("</details>")[0]
    rows = re.findall(r'<th scope="row">([^<]+)</th>', ratings_table)
    assert rows == [f"{m.held_on:%d %b %Y}" for m in held]
    first = ratings_table.split('<th scope="row">')[1]
    assert re.findall(r"<td>(\d)</td>", first.split("</tr>")[0]) == [
        str(held[0].levels[d]) for d in DIMENSIONS
    ]

    drift_table = html.split('data-chart-table="drift"')[1].split("</details>")[0]
    assert re.findall(r'<th scope="row">([^<]+)</th>', drift_table) == [
        f"{three_meetings['audit_day']:%d %b %Y}",
        *[f"{m.held_on:%d %b %Y}" for m in held],
    ]
    assert "Audit report v1" in drift_table
    assert f"<td>{held[-1].drift_score}</td>" in drift_table


# --- Reasons, outcome and history -----------------------------------------------------------


def test_creating_an_assignment_records_it_in_the_history(client, director, client_contact):
    client.force_login(director)
    client.post(
        "/assignments/new/",
        {"title": "Interim CFO", "client_contact": client_contact.pk, "review_cadence_days": 28},
    )
    a = Assignment.objects.get(title="Interim CFO")
    record = a.history.get()
    assert (record.transition, record.from_state, record.to_state, record.by) == (
        "create",
        "",
        State.BRIEF,
        director,
    )
    assert record.at == a.created_at

    history = section(page(client, director, a), "history")
    assert "<strong>Created</strong>" in history
    assert "in Brief" in history and "Dana Director" in history
    assert "create" not in history.replace('data-history="create"', "")


def test_the_creation_record_comes_first_and_transitions_show_their_labels(
    client, director, client_contact
):
    firm = director.director_profile.firm
    a = services.assignment_create(
        user=director,
        firm=firm,
        client=client_contact.client_profile.organisation,
        client_contact=client_contact,
        title="Interim CFO",
    )
    services.brief_update(
        assignment=a, user=director, statements=dict.fromkeys(DIMENSIONS, "Stated.")
    )
    services.assignment_open_selection(assignment=a, user=director, comment="Go")
    assert list(a.history.values_list("transition", flat=True)) == ["create", "open_selection"]

    history = section(page(client, director, a), "history")
    created = history.index("<strong>Created</strong>")
    assert created < history.index("<strong>Open selection</strong>")
    assert "Brief → Selection" in history and "“Go”" in history
    assert "open_selection" not in history.replace('data-history="open_selection"', "")


def test_a_realignment_shows_since_when_and_why_in_the_header_and_history(client, walker):
    walker.to_realignment()
    a = walker.a
    since = a.history.get(transition="start_realignment").at
    for user in (walker.director, walker.manager, walker.client):
        html = page(client, user, a)
        header = section(html, "header")
        assert f"Realigning since {timezone.localtime(since):%d %b %Y}:" in header
        assert "Resources missing." in header
        history = section(html, "history")
        assert "<strong>Start realignment</strong>" in history
        assert "reason: Resources missing." in history


def test_a_completed_assignment_shows_its_outcome_in_the_header_and_history(client, walker):
    walker.to_in_progress()
    services.assignment_complete(
        assignment=walker.a, user=walker.director, outcome="Successor hired, delivery at 96%."
    )
    walker.a.refresh_from_db()
    for user in (walker.director, walker.client):
        html = page(client, user, walker.a)
        header = section(html, "header")
        closed = timezone.localtime(walker.a.closed_at)
        assert f"Completed on {closed:%d %b %Y}:" in header
        assert "Successor hired, delivery at 96%." in header
        history = section(html, "history")
        assert "<strong>Complete</strong>" in history
        assert "outcome: Successor hired, delivery at 96%." in history


def test_a_cancelled_assignment_shows_its_reason_in_the_header_and_history(client, walker):
    walker.to_selection()
    services.assignment_cancel(
        assignment=walker.a, user=walker.director, reason="The client sold the plant."
    )
    html = page(client, walker.client, walker.a)
    assert "Cancelled on " in section(html, "header")
    assert "The client sold the plant." in section(html, "header")
    history = section(html, "history")
    assert "<strong>Cancel assignment</strong>" in history
    assert "reason: The client sold the plant." in history


def test_only_the_latest_realignment_carries_the_reason_the_assignment_keeps(client, walker):
    walker.to_realignment()
    first = walker.a.history.get(transition="start_realignment")
    TransitionRecord.objects.create(
        assignment=walker.a,
        transition="start_realignment",
        from_state=State.IN_PROGRESS,
        to_state=State.REALIGNMENT,
        by=walker.director,
        at=first.at - timedelta(days=30),
    )
    history = section(page(client, walker.director, walker.a), "history")
    assert history.count("<strong>Start realignment</strong>") == 2
    assert history.count("reason: Resources missing.") == 1


def test_the_admin_lists_the_creation_record(client, admin_user, director, client_contact):
    a = services.assignment_create(
        user=director,
        firm=director.director_profile.firm,
        client=client_contact.client_profile.organisation,
        client_contact=client_contact,
        title="Interim CFO",
    )
    client.force_login(admin_user)
    listing = client.get("/admin/assignments/transitionrecord/")
    assert listing.status_code == 200 and "Interim CFO" in listing.content.decode()
    record = a.history.get()
    change = client.get(f"/admin/assignments/transitionrecord/{record.pk}/change/")
    assert change.status_code == 200
    assert client.get(f"/admin/assignments/assignment/{a.pk}/change/").status_code == 200


# --- Long texts -----------------------------------------------------------------------------


def test_long_texts_are_marked_for_clamping_and_the_script_is_loaded(client, walker):
    long = "Very long outcome. " * 530
    assert len(long) > 10_000
    walker.to_in_progress()
    services.assignment_complete(assignment=walker.a, user=walker.director, outcome=long)
    Assignment.objects.filter(pk=walker.a.pk).update(summary="A long summary. " * 400)
    BriefItem.objects.filter(assignment=walker.a, dimension="context").update(
        statement="A long context. " * 400
    )
    html = page(client, walker.director, walker.a)

    assert re.search(r"<script src=\"/static/js/clamp\.js\"></script>", html)
    note = re.search(r'<p class="mb-0" data-clamp data-testid="state-note">', html)
    assert note and html.index(long.strip()) > note.start()
    brief = section(html, "brief")
    assert re.search(r"<p data-clamp>A long summary\.", brief)
    assert brief.count("<div data-clamp>") == 6
    assert section(html, "history").count("data-clamp") >= 5


def test_the_stylesheet_has_one_block_for_long_texts():
    from pathlib import Path

    css = (Path(__file__).parents[2] / "static" / "css" / "interim.css").read_text()
    assert css.count("/* Long texts */") == 1
    block = css.split("/* Long texts */")[1]
    assert "line-clamp" in block and "[data-clamp].clamped" in block


# --- Confirming what cannot be undone -------------------------------------------------------


def test_complete_and_cancel_forms_ask_for_confirmation(client, walker):
    walker.to_in_progress()
    html = page(client, walker.director, walker.a)
    assert f'data-confirm="{COMPLETE_CONFIRM}"' in form_tag(html, walker.a, "complete")
    assert f'data-confirm="{CANCEL_CONFIRM}"' in form_tag(html, walker.a, "cancel")
    assert "data-confirm" not in form_tag(html, walker.a, "start_realignment")
    # The forms ask, with a sentence: no button carries a bare transition name to ask with.
    actions = html.split('id="transitions"')[1].split("</header>")[0]
    assert not re.search(r"<button[^>]*data-confirm=", actions)


def test_reversible_transitions_do_not_ask(client, walker):
    walker.fill_brief()
    html = page(client, walker.director, walker.a)
    assert "data-confirm" not in form_tag(html, walker.a, "open_selection")
    assert f'data-confirm="{CANCEL_CONFIRM}"' in form_tag(html, walker.a, "cancel")


# --- Closing resolves the flags -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fields", "why"),
    [
        ("complete", {"outcome": "Successor hired."}, "completed"),
        ("cancel", {"reason": "The client sold the plant."}, "cancelled"),
    ],
)
def test_closing_resolves_the_open_flags_and_they_leave_the_dashboard(
    client, walker, name, fields, why, django_capture_on_commit_callbacks
):
    walker.to_in_progress()
    a = walker.a
    open_flags = [
        FlagFactory(assignment=a, kind=Flag.Kind.FUSE_RISK, key="fuse:edges"),
        FlagFactory(assignment=a, kind=Flag.Kind.MANAGER_STRAIN, key="strain:edges"),
    ]
    earlier = FlagFactory(
        assignment=a,
        kind=Flag.Kind.GAP_DRIFT,
        key="drift:edges",
        resolved_at=timezone.now() - timedelta(days=3),
        resolved_by=walker.director,
        resolution="Discussed with the client.",
    )
    client.force_login(walker.director)
    dashboard = client.get("/")
    assert 'data-testid="open-flags">2<' in dashboard.content.decode()
    attention = dashboard.content.decode().split('id="needs-attention"')[1]
    assert f'href="/assignments/{a.pk}/#flags"' in attention

    with django_capture_on_commit_callbacks(execute=True):  # the dashboard's version moves
        response = client.post(
            f"/assignments/{a.pk}/transition/{name}/", {**fields, "seen_state": a.state}
        )
    assert response.status_code == 302
    record = a.history.get(transition=name)
    for flag in open_flags:
        flag.refresh_from_db()
        assert flag.resolved_at is not None and flag.resolved_at >= record.at
        assert flag.resolved_by_id == walker.director.pk
        assert flag.resolution == f"Closed with the assignment ({why})."
    earlier.refresh_from_db()
    assert earlier.resolution == "Discussed with the client."

    dashboard = client.get("/")
    assert 'data-testid="open-flags">0<' in dashboard.content.decode()
    attention = dashboard.content.decode().split('id="needs-attention"')[1]
    assert f'href="/assignments/{a.pk}/#flags"' not in attention
    history = section(page(client, walker.director, a), "history")
    assert history.count(f"Closed with the assignment ({why}).") == 2
