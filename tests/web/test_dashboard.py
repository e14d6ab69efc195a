"""The director's dashboard on the demo world after the sweeps: what needs attention."""

import re
from datetime import date, timedelta

from django.core.management import call_command
from django.utils import timezone

from assignments import selectors
from assignments.models import Assignment, Flag, ProgressMeeting, State
from partners.models import User
from tests.factories import AssignmentFactory, FlagFactory


def test_the_dashboard_shows_what_needs_attention(client, db):
    call_command("seed_demo")
    call_command("run_sweeps")
    director = User.objects.get(email="director@demo.test")
    firm = director.director_profile.firm
    client.force_login(director)
    page = client.get("/").content.decode()

    open_flags = Flag.objects.filter(assignment__firm=firm, resolved_at=None).count()
    assert open_flags > 0
    assert re.search(rf'data-testid="open-flags">{open_flags}<', page)
    active = Assignment.objects.filter(
        firm=firm,
        state__in=[State.AUDIT, State.ACTION_PLAN, State.IN_PROGRESS, State.REALIGNMENT],
    ).count()
    assert re.search(rf'data-testid="active-count">{active}<', page)
    attention = page.split('id="needs-attention"')[1]
    for expected in (
        "Interim Plant Manager – Lyon site",  # review overdue
        "Interim COO – plant turnaround",  # audit due soon
        "Interim HR Director – reorganisation",  # plan awaiting the client
        "Assign two full-time analysts",  # commitment overdue
        "Fuse risk",
    ):
        assert expected in attention, expected
    # Another firm's flags never show.
    other = Flag.objects.exclude(assignment__firm=firm).select_related("assignment").first()
    if other is not None:
        assert other.assignment.title not in page


def test_the_dashboard_links_each_item_to_where_it_is_acted_on(client, db):
    call_command("seed_demo")
    client.force_login(User.objects.get(email="director@demo.test"))
    page = client.get("/").content.decode()
    late = Assignment.objects.get(title="Interim Plant Manager – Lyon site")
    assert f'href="/assignments/{late.pk}/#meetings"' in page
    plan = Assignment.objects.get(title="Interim HR Director – reorganisation")
    assert f'href="/assignments/{plan.pk}/#plan"' in page


# --- the figures agree with the data ---------------------------------------------------

TODAY = date(2026, 6, 10)


def meeting(assignment, scheduled, status="scheduled", held=None):
    return ProgressMeeting.objects.create(
        assignment=assignment,
        scheduled_for=TODAY + timedelta(days=scheduled),
        status=status,
        held_on=None if held is None else TODAY + timedelta(days=held),
    )


def test_reviews_on_time_count_the_meetings_due_in_the_last_90_days(director, assignment):
    meeting(assignment, -60, "held", held=-60)  # on time
    meeting(assignment, -30, "held", held=-31)  # held early: on time
    meeting(assignment, -20, "held", held=-18)  # late
    meeting(assignment, -15, "missed")  # missed
    meeting(assignment, -3)  # overdue
    meeting(assignment, 5, "held", held=-1)  # held ahead of its date: on time
    meeting(assignment, 0)  # due today: not late yet
    meeting(assignment, 4)  # not due yet
    meeting(assignment, -120, "held", held=-121)  # before the window
    other = AssignmentFactory()  # another firm's
    meeting(other, -10, "missed")
    figures = selectors.director_dashboard(director, today=TODAY)
    assert (figures["reviews_on_time"], figures["reviews_due"]) == (3, 6)
    assert figures["reviews_on_time_pct"] == 50


def test_the_demo_dashboard_counts_its_held_meetings(client, db):
    call_command("seed_demo")
    call_command("run_sweeps")
    director = User.objects.get(email="director@demo.test")
    today = timezone.localdate()
    since = today - timedelta(days=90)
    mine = ProgressMeeting.objects.filter(assignment__director=director)
    held = [m for m in mine.filter(status="held") if since <= min(m.held_on, m.scheduled_for)]
    due = (
        len(held)
        + mine.filter(status="scheduled", scheduled_for__range=(since, today))
        .exclude(scheduled_for=today)
        .count()
    )
    on_time = sum(m.held_on <= m.scheduled_for for m in held)
    assert len(held) == 6
    assert 0 < on_time < due
    client.force_login(director)
    page = client.get("/").content.decode()
    assert f"{round(100 * on_time / due)}%" in page
    assert f"{on_time} of {due} due" in page


def attention_lines(page):
    attention = page.split('id="needs-attention"')[1].split("Overdue reviews")[0]
    return [
        " ".join(re.sub(r"<[^>]+>", " ", li).split())
        for li in re.findall(r"<li>(.*?)</li>", attention, flags=re.S)
    ]


def test_open_flags_show_one_line_per_assignment_and_kind_the_most_urgent_first(
    client, director, assignment
):
    now = timezone.now()
    second = AssignmentFactory(firm=assignment.firm, director=director, title="Second role")
    for days, kind, a in (
        (9, Flag.Kind.GAP_DRIFT, assignment),
        (8, Flag.Kind.GAP_DRIFT, assignment),
        (5, Flag.Kind.GAP_DRIFT, second),
        (7, Flag.Kind.FUSE_RISK, assignment),
        (2, Flag.Kind.REVIEW_OVERDUE, second),
    ):
        FlagFactory(assignment=a, kind=kind, raised_at=now - timedelta(days=days))
    client.force_login(director)
    lines = attention_lines(client.get("/").content.decode())
    assert [line.split(" (")[0] for line in lines] == [
        f"Fuse risk – {assignment.title}",
        "Gap drift – Second role",
        f"Gap drift – {assignment.title}",
        "Review overdue – Second role",
    ]
    assert "2 open, latest raised" in lines[2]


def test_the_demo_dashboard_has_one_line_per_flagged_assignment_and_kind(client, db):
    call_command("seed_demo")
    call_command("run_sweeps")
    client.force_login(User.objects.get(email="director@demo.test"))
    lines = attention_lines(client.get("/").content.decode())
    heads = [line.split(" (")[0] for line in lines]
    assert len(heads) == len(set(heads))
    assert "Gap drift – Interim Plant Manager – Lyon site" in heads


def test_overdue_reviews_show_one_line_per_assignment(client, director, assignment):
    today = timezone.localdate()
    for days in (10, 3):
        ProgressMeeting.objects.create(
            assignment=assignment, scheduled_for=today - timedelta(days=days)
        )
    client.force_login(director)
    page = client.get("/").content.decode()
    overdue = page.split("Overdue reviews")[1].split("Audit reports due")[0]
    assert overdue.count(assignment.title) == 1
    assert "2 meetings" in overdue
