"""The workflow's forms and services at their edges: plausible dates, working days, money
and currencies, blank plan rows, a choice not possible yet, one accept control, and the
confirmations asked before irreversible actions."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assignments import services
from assignments.drift import DIMENSIONS
from assignments.exceptions import Refused
from assignments.forms import TransitionForm
from assignments.models import (
    ActionPlan,
    Assignment,
    AuditReport,
    Candidacy,
    ClientCommitment,
    DriftReading,
    Flag,
    Milestone,
    NegotiationRound,
    ProgressMeeting,
    State,
)
from assignments.services.meetings import working_day

TODAY = timezone.localdate


def as_(client, user):
    client.force_login(user)
    return client


def text(response):
    return response.content.decode()


def url(a, tail=""):
    return f"/assignments/{a.pk}/{tail}"


def ratings(level=1):
    return dict.fromkeys(DIMENSIONS, level)


def meeting_data(held_on, **extra):
    data = {
        "held_on": held_on.isoformat(),
        "summary": "Typed by the director",
        "manager_workload": 3,
        "manager_strain": 2,
    }
    return data | {f"rating_{d}": 1 for d in DIMENSIONS} | extra


def started(walker, days_ago):
    """Walk the assignment to in progress, started `days_ago` days ago."""
    walker.to_action_plan()
    walker.confirm_all(walker.draft_plan())
    services.assignment_start_progress(
        assignment=walker.a, user=walker.director, today=TODAY() - timedelta(days=days_ago)
    )
    walker.a.refresh_from_db()
    return walker.a


def scheduled(a):
    return a.meetings.get(status=ProgressMeeting.Status.SCHEDULED)


# --- 1. Plausible dates -----------------------------------------------------------------


def test_a_meeting_held_in_1990_is_refused_on_the_form_with_the_input_kept(client, walker):
    a = started(walker, 10)
    meeting = scheduled(a)
    response = as_(client, walker.director).post(
        url(a, f"meetings/{meeting.pk}/record/"), meeting_data(date(1990, 1, 1))
    )
    assert response.status_code == 200
    page = text(response)
    assert "cannot be held before the assignment started" in page
    assert "Typed by the director" in page and 'value="1990-01-01"' in page
    meeting.refresh_from_db()
    assert meeting.status == ProgressMeeting.Status.SCHEDULED
    assert not DriftReading.objects.filter(meeting__assignment=a).exists()
    assert a.meetings.count() == 1
    assert not Flag.objects.filter(assignment=a).exists()


def test_the_service_refuses_a_meeting_held_before_the_start(walker):
    a = started(walker, 10)
    with pytest.raises(Refused, match="before the assignment started"):
        services.meeting_record(
            meeting=scheduled(a),
            user=walker.director,
            held_on=TODAY() - timedelta(days=11),
            ratings=ratings(),
            summary="Too early",
        )
    assert scheduled(a).held_on is None


def test_without_a_start_date_the_start_transitions_day_is_the_limit(walker):
    a = started(walker, 0)
    Assignment.objects.filter(pk=a.pk).update(started_on=None)
    a.refresh_from_db()
    with pytest.raises(Refused, match="before the assignment started"):
        services.meeting_record(
            meeting=scheduled(a),
            user=walker.director,
            held_on=TODAY() - timedelta(days=1),
            ratings=ratings(),
            summary="Before the start transition",
        )


def test_a_meeting_held_before_the_previous_one_is_refused(walker):
    a = started(walker, 60)
    services.meeting_record(
        meeting=scheduled(a),
        user=walker.director,
        held_on=TODAY() - timedelta(days=20),
        ratings=ratings(),
        summary="First",
    )
    with pytest.raises(Refused, match="before the previous one"):
        services.meeting_record(
            meeting=scheduled(a),
            user=walker.director,
            held_on=TODAY() - timedelta(days=30),
            ratings=ratings(3),
            summary="Out of order",
        )
    assert DriftReading.objects.filter(meeting__assignment=a).count() == 1


def test_a_meeting_held_on_the_start_day_and_then_today_is_accepted(walker):
    a = started(walker, 30)
    for held_on in (a.started_on, TODAY()):
        services.meeting_record(
            meeting=scheduled(a),
            user=walker.director,
            held_on=held_on,
            ratings=ratings(),
            summary="Held",
        )
    assert a.meetings.filter(status=ProgressMeeting.Status.HELD).count() == 2


def test_a_meeting_scheduled_in_the_past_is_refused_on_the_form(client, walker):
    a = started(walker, 0)
    before = scheduled(a).scheduled_for
    yesterday = TODAY() - timedelta(days=1)
    response = as_(client, walker.director).post(
        url(a, "meetings/schedule/"), {"scheduled_for": yesterday.isoformat()}
    )
    assert response.status_code == 200
    assert "cannot be scheduled in the past" in text(response)
    assert f'value="{yesterday.isoformat()}"' in text(response)
    assert scheduled(a).scheduled_for == before
    with pytest.raises(Refused, match="cannot be scheduled in the past"):
        services.meeting_schedule(assignment=a, user=walker.director, scheduled_for=yesterday)
    assert scheduled(a).scheduled_for == before


def test_a_weekend_chosen_explicitly_is_kept(walker):
    a = started(walker, 0)
    saturday = TODAY() + timedelta(days=(5 - TODAY().weekday()) % 7 or 7)
    assert saturday.weekday() == 5
    services.meeting_schedule(assignment=a, user=walker.director, scheduled_for=saturday)
    assert scheduled(a).scheduled_for == saturday


def plan_data(milestones=(), commitments=(), summary="Plan"):
    """The plan form as posted: the given rows, then one untouched blank row of each."""
    data = {"summary": summary}
    for prefix, rows, blank in (
        ("milestones", milestones, {"status": "planned"}),
        ("commitments", commitments, {"kind": "resources"}),
    ):
        for i, row in enumerate([*rows, blank]):
            data |= {f"{prefix}-{i}-{k}": v for k, v in row.items()}
        data |= {f"{prefix}-TOTAL_FORMS": len(rows) + 1, f"{prefix}-INITIAL_FORMS": len(rows)}
    return data


def milestone(title, due, status="planned"):
    return {"title": title, "owner": "Manager", "due_date": due.isoformat(), "status": status}


def commitment(description, due, kind="means"):
    return {"kind": kind, "description": description, "due_date": due.isoformat()}


def test_a_new_milestone_due_in_the_past_is_refused_on_the_form(client, walker):
    walker.to_action_plan()
    plan = walker.draft_plan()
    past = TODAY() - timedelta(days=3)
    response = as_(client, walker.director).post(
        url(walker.a, f"plan/{plan.pk}/"),
        plan_data([milestone("Backdated", past)], [commitment("Analysts", TODAY())]),
    )
    assert response.status_code == 400
    assert "A new due date cannot be in the past" in text(response)
    assert "Backdated" in text(response)
    assert list(plan.milestones.values_list("title", flat=True)) == ["Diagnostic"]


def test_a_new_commitment_due_in_the_past_is_refused_by_the_service(walker):
    walker.to_action_plan()
    plan = walker.draft_plan()
    with pytest.raises(Refused, match="Late budget: A new due date cannot be in the past"):
        services.action_plan_update(
            plan=plan,
            user=walker.director,
            summary="Plan",
            milestones=[{"title": "M", "owner": "O", "due_date": TODAY()}],
            commitments=[
                {
                    "kind": "means",
                    "description": "Late budget",
                    "due_date": TODAY() - timedelta(days=1),
                }
            ],
        )
    assert plan.commitments.get().description == "Two analysts"


def revision_with_past_dates(walker):
    """A confirmed v1 whose dates have passed since, and its revision v2 (a copy)."""
    walker.to_action_plan()
    v1 = walker.confirm_all(walker.draft_plan())
    past = TODAY() - timedelta(days=5)
    Milestone.objects.filter(plan=v1).update(due_date=past)
    ClientCommitment.objects.filter(plan=v1).update(due_date=past)
    v2 = services.action_plan_draft(assignment=walker.a, user=walker.director)
    return v2, past


def test_a_revision_keeps_the_past_dates_it_copied(client, walker):
    v2, past = revision_with_past_dates(walker)
    response = as_(client, walker.director).post(
        url(walker.a, f"plan/{v2.pk}/"),
        plan_data(
            [milestone("Diagnostic", past, "done")],
            [commitment("Two analysts", past, "resources")],
            summary="Revised",
        ),
    )
    assert response.status_code == 302
    v2.refresh_from_db()
    assert v2.summary == "Revised"
    assert list(v2.milestones.values_list("due_date", "status")) == [(past, "done")]


def test_a_revision_refuses_a_changed_date_in_the_past(client, walker):
    v2, past = revision_with_past_dates(walker)
    response = as_(client, walker.director).post(
        url(walker.a, f"plan/{v2.pk}/"),
        plan_data(
            [milestone("Diagnostic", past - timedelta(days=1))],
            [commitment("Two analysts", past, "resources")],
        ),
    )
    assert response.status_code == 400
    assert "A new due date cannot be in the past" in text(response)
    assert v2.milestones.get().due_date == past


# --- 2. Working days ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 12, 25), date(2026, 12, 25)),  # Friday
        (date(2026, 12, 26), date(2026, 12, 28)),  # Saturday → Monday
        (date(2026, 12, 27), date(2026, 12, 28)),  # Sunday → Monday
        (date(2026, 12, 28), date(2026, 12, 28)),  # Monday
    ],
)
def test_a_weekend_day_moves_to_the_next_monday(day, expected):
    assert working_day(day) == expected


@pytest.mark.parametrize("start", [date(2026, 11, 28), date(2026, 11, 29)])
def test_the_first_meeting_is_never_scheduled_on_a_weekend(walker, start):
    walker.to_action_plan()
    walker.confirm_all(walker.draft_plan())
    services.assignment_start_progress(assignment=walker.a, user=walker.director, today=start)
    # Saturday or Sunday 28 days on: the Monday after, 28 December.
    assert scheduled(walker.a).scheduled_for == date(2026, 12, 28)


def test_the_meeting_after_a_recorded_one_is_on_a_working_day(walker):
    a = started(walker, 40)
    saturday = TODAY() - timedelta(days=(TODAY().weekday() - 5) % 7)
    assert saturday.weekday() == 5 and saturday >= a.started_on
    services.meeting_record(
        meeting=scheduled(a), user=walker.director, held_on=saturday, ratings=ratings()
    )
    nxt = scheduled(a).scheduled_for
    assert nxt == saturday + timedelta(days=30)  # Saturday + 28 → the Monday after
    assert nxt.weekday() == 0


# --- 3. Money and currencies ------------------------------------------------------------


def vetting_data(**extra):
    return {
        "vetted_experience": "on",
        "vetted_references": "on",
        "vetted_availability": "on",
        "vetted_motivation": "on",
        "vetted_conflicts": "on",
        "fit_rating": "4",
        "fit_rationale": "Two turnarounds.",
        "oversell_note": "",
        "internal_notes": "",
        "proposed_day_rate": "1300",
        "currency": "EUR",
    } | extra


@pytest.fixture
def shortlisted(walker):
    walker.to_selection()
    return services.candidacy_add(
        assignment=walker.a, user=walker.director, manager=walker.manager
    )


def test_a_lower_case_currency_is_normalised_on_the_vetting_form(client, walker, shortlisted):
    response = as_(client, walker.director).post(
        url(walker.a, f"candidates/{shortlisted.pk}/vet/"), vetting_data(currency=" eur ")
    )
    assert response.status_code == 302
    shortlisted.refresh_from_db()
    assert shortlisted.currency == "EUR"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("proposed_day_rate", "-900", "A day rate must be positive"),
        ("proposed_day_rate", "0", "A day rate must be positive"),
        ("currency", "ZZZ", "is not an ISO 4217 currency code"),
        ("currency", "EU", "is not an ISO 4217 currency code"),
    ],
)
def test_the_vetting_form_refuses_bad_money_and_keeps_the_input(
    client, walker, shortlisted, field, value, message
):
    response = as_(client, walker.director).post(
        url(walker.a, f"candidates/{shortlisted.pk}/vet/"),
        vetting_data(**{field: value, "fit_rationale": "Kept as typed."}),
    )
    assert response.status_code == 200
    assert message in text(response) and "Kept as typed." in text(response)
    shortlisted.refresh_from_db()
    assert (shortlisted.proposed_day_rate, shortlisted.currency) == (Decimal("1200.00"), "EUR")
    assert shortlisted.fit_rationale == ""


def test_the_vetting_service_normalises_the_currency_and_refuses_a_negative_rate(
    walker, shortlisted
):
    services.candidacy_vet(candidacy=shortlisted, user=walker.director, currency="chf ")
    assert Candidacy.objects.get(pk=shortlisted.pk).currency == "CHF"
    with pytest.raises(Refused, match="A day rate must be positive"):
        services.candidacy_vet(
            candidacy=shortlisted, user=walker.director, proposed_day_rate=Decimal("-1")
        )
    with pytest.raises(Refused, match="ISO 4217"):
        services.candidacy_vet(candidacy=shortlisted, user=walker.director, currency="XYZ")
    shortlisted.refresh_from_db()
    assert (shortlisted.proposed_day_rate, shortlisted.currency) == (Decimal("1200.00"), "CHF")


def test_a_negotiation_round_refuses_a_negative_or_unreadable_rate(client, walker, shortlisted):
    response = as_(client, walker.director).post(
        url(walker.a, f"candidates/{shortlisted.pk}/negotiate/"),
        {"offered_by": "client", "day_rate": "-1000", "note": "Kept note"},
    )
    assert response.status_code == 200
    assert "A day rate must be positive" in text(response) and "Kept note" in text(response)
    for rate in ("-5", "abc", "NaN"):
        with pytest.raises(Refused):
            services.negotiation_round_record(
                candidacy=shortlisted, user=walker.director, offered_by="client", day_rate=rate
            )
    assert not NegotiationRound.objects.filter(candidacy=shortlisted).exists()


def test_the_manager_profiles_money_is_checked_by_its_model(manager):
    profile = manager.manager_profile
    profile.day_rate, profile.currency = Decimal("-10"), "ABC"
    with pytest.raises(ValidationError) as caught:
        profile.full_clean()
    assert set(caught.value.message_dict) == {"day_rate", "currency"}
    profile.day_rate, profile.currency = Decimal("950"), "GBP"
    profile.full_clean()


# --- 4. Blank plan rows -----------------------------------------------------------------


def test_untouched_blank_rows_never_block_saving_the_plan(client, walker):
    walker.to_action_plan()
    c = as_(client, walker.manager)
    c.post(url(walker.a, "plan/new/"))
    plan = ActionPlan.objects.get(assignment=walker.a)
    due = TODAY() + timedelta(days=20)
    data = plan_data([milestone("Diagnostic", due)])
    assert data["commitments-0-kind"] == "resources" and "commitments-0-description" not in data
    response = c.post(url(walker.a, f"plan/{plan.pk}/"), data)
    assert response.status_code == 302
    assert (plan.milestones.count(), plan.commitments.count()) == (1, 0)


def test_several_rows_are_saved_at_once(client, walker):
    walker.to_action_plan()
    plan = walker.draft_plan()
    due = TODAY() + timedelta(days=9)
    response = as_(client, walker.director).post(
        url(walker.a, f"plan/{plan.pk}/"),
        plan_data(
            [milestone("One", due), milestone("Two", due), milestone("Three", due)],
            [commitment("Budget", due), commitment("Room", due)],
        ),
    )
    assert response.status_code == 302
    assert plan.milestones.count() == 3 and plan.commitments.count() == 2


def test_the_plan_form_offers_add_buttons_and_a_labelled_empty_row(client, walker):
    walker.to_action_plan()
    plan = walker.draft_plan()
    page = text(as_(client, walker.director).get(url(walker.a, f"plan/{plan.pk}/")))
    for prefix, label in (("milestones", "Add a milestone"), ("commitments", "Add a commitment")):
        assert f'data-formset-add="{prefix}"' in page and label in page
        template = re.search(
            rf'<template data-formset-empty="{prefix}">(.*?)</template>', page, re.S
        )
        assert template, prefix
        assert f'for="id_{prefix}-__prefix__-due_date"' in template.group(1)
        assert f'id="id_{prefix}-__prefix__-due_date"' in template.group(1)


def test_editing_a_revision_keeps_a_delivered_commitment(client, walker):
    walker.to_action_plan()
    v1 = walker.confirm_all(walker.draft_plan())
    ClientCommitment.objects.filter(plan=v1).update(delivered_on=TODAY())
    v2 = services.action_plan_draft(assignment=walker.a, user=walker.director)
    due = TODAY() + timedelta(days=5)
    response = as_(client, walker.director).post(
        url(walker.a, f"plan/{v2.pk}/"),
        plan_data([milestone("Diagnostic", due)], [commitment("A meeting room", due)]),
    )
    assert response.status_code == 302
    assert sorted(v2.commitments.values_list("description", "delivered_on")) == [
        ("A meeting room", None),
        ("Two analysts", TODAY()),
    ]


# --- 5. A choice not possible yet ---------------------------------------------------------


def test_the_client_is_told_the_day_rate_is_still_being_agreed(client, walker):
    walker.to_selection()
    pending = walker.ready_candidacy(agree=False)
    page = text(as_(client, walker.client).get(url(walker.a)))
    assert "The day rate is still being agreed" in page
    assert f'data-choose="{pending.pk}"' not in page
    assert f'data-choice-pending="{pending.pk}"' in page


def test_the_client_chooses_a_candidate_whose_rate_is_agreed(client, walker):
    walker.to_selection()
    ready = walker.ready_candidacy()
    page = text(as_(client, walker.client).get(url(walker.a)))
    assert f'data-choose="{ready.pk}"' in page
    assert "The day rate is still being agreed" not in page


def test_a_candidate_without_an_agreed_rate_is_not_offered_and_cannot_be_chosen(client, walker):
    walker.to_selection()
    pending = walker.ready_candidacy(agree=False)
    form = as_(client, walker.client).get(url(walker.a, "transition/select_manager/"))
    assert f'value="{pending.pk}"' not in text(form)
    response = client.post(
        url(walker.a, "transition/select_manager/"),
        {"candidacy": pending.pk, "seen_state": "selection"},
    )
    assert response.status_code == 400
    assert "whose day rate is agreed" in text(response)
    walker.a.refresh_from_db()
    assert walker.a.state == State.SELECTION


def test_a_refused_transition_is_a_409_page_with_a_sentence_and_a_way_back(client, walker):
    walker.to_action_plan()
    walker.draft_plan()  # not confirmed by anyone yet
    response = as_(client, walker.director).post(
        url(walker.a, "transition/start_progress/"), {"seen_state": "action_plan"}
    )
    assert response.status_code == 409
    page = text(response)
    refusal = re.search(r"<div[^>]*data-refused[^>]*>(.*?)</div>", page, re.S)
    assert refusal and "confirm" in refusal.group(1).lower()
    assert f'href="/assignments/{walker.a.pk}/"' in refusal.group(1)
    walker.a.refresh_from_db()
    assert walker.a.state == State.ACTION_PLAN


# --- 6. One accept control ----------------------------------------------------------------


def test_the_audit_is_accepted_from_one_control_with_the_report_preselected(client, walker):
    walker.to_audit()
    report = walker.submitted_report()
    page = text(as_(client, walker.director).get(url(walker.a)))
    assert page.count(f'action="/assignments/{walker.a.pk}/transition/accept_audit/"') == 1
    assert f'name="report" value="{report.pk}"' in page
    assert "shared with the client" in page


def test_the_accept_audit_page_preselects_the_only_report(client, walker):
    walker.to_audit()
    report = walker.submitted_report()
    page = text(as_(client, walker.director).get(url(walker.a, "transition/accept_audit/")))
    assert "---------" not in page
    assert re.search(rf'<input type="hidden" name="report" value="{report.pk}"', page)
    assert "shared with the client" in page


def test_with_two_submitted_reports_the_latest_is_preselected(walker):
    walker.to_audit()
    first = walker.submitted_report()
    AuditReport.objects.filter(pk=first.pk).update(status=AuditReport.Status.RETURNED)
    second = walker.submitted_report()
    AuditReport.objects.filter(pk=first.pk).update(status=AuditReport.Status.SUBMITTED)
    form = TransitionForm(assignment=walker.a, name="accept_audit")
    html = str(form["report"])
    assert "---------" not in html
    assert re.search(rf'<option value="{second.pk}" selected>', html)


# --- 7. Confirmations asked before irreversible actions -----------------------------------


def test_irreversible_forms_carry_their_confirmation_sentence(client, walker):
    walker.to_selection()
    ready = walker.ready_candidacy()
    page = text(as_(client, walker.client).get(url(walker.a)))
    choose = re.search(rf"<form[^>]*>(?:(?!</form>).)*data-choose=\"{ready.pk}\"", page, re.S)
    assert choose and 'data-confirm="Choose ' in choose.group(0)
    assert str(ready.manager) in choose.group(0)

    walker.a.refresh_from_db()
    services.assignment_select_manager(assignment=walker.a, user=walker.client, candidacy=ready)
    report = services.audit_report_start(assignment=walker.a, user=walker.manager)
    page = text(as_(client, walker.manager).get(url(walker.a, f"audit/{report.pk}/")))
    assert 'data-confirm="Submit audit report v1?' in page
    assert re.search(r'name="save"[^>]*data-skip-confirm', page)


@pytest.mark.parametrize("name", ["complete", "cancel"])
def test_the_closing_transition_pages_ask_for_confirmation(client, walker, name):
    walker.to_in_progress()
    page = text(as_(client, walker.director).get(url(walker.a, f"transition/{name}/")))
    form = re.search(r"<form[^>]*>", page.split("<main", 1)[1], re.S).group(0)
    assert "data-confirm=" in form and "closes for good" in form
