"""The close-out: opened when an assignment ends with something to review, its three parts
each given once by its own party within the window, reminders of the missing ones."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assignments import services
from assignments.access import CloseoutPart
from assignments.drift import DIMENSIONS
from assignments.exceptions import Refused
from assignments.models import (
    ClientEvaluation,
    Closeout,
    CloseoutDimension,
    CloseoutMilestone,
    ManagerEvaluation,
    Notification,
)
from assignments.services.closeout import closeout_reminders_send
from assignments.tasks import send_closeout_reminders
from tests.factories import AssignmentFactory, ManagerFactory, Walker

from .conftest import at


def complete(a):
    services.assignment_complete(assignment=a, user=a.director, outcome="Objectives met.")
    a.refresh_from_db()
    return Closeout.objects.select_related("assignment").get(assignment=a)


@pytest.fixture
def closed(walker):
    """A completed assignment and its close-out, opened today."""
    return complete(walker.walk_to("in_progress"))


def review_data(closeout, **overrides):
    milestones = closeout.assignment.action_plans.get(status="confirmed").milestones.all()
    data = {
        "dimensions": {d: ("achieved", f"Fine on {d}.") for d in DIMENSIONS},
        "milestones": {m.pk: ("partly", "Half done.") for m in milestones},
        "review": "A sound assignment, late on the timeline.",
        "cause": "",
        "cause_detail": "",
    }
    return {**data, **overrides}


CLIENT_DATA = {
    "delivery": 4,
    "posture": 5,
    "would_engage_again": True,
    "comment": "The client says the manager was a steady hand.",
}
MANAGER_DATA = {
    "commitments_kept": 2,
    "provider_support": 4,
    "comment": "The manager says the analysts never came.",
}


def opening_notes(closeout):
    return Notification.objects.filter(key__startswith=f"closeout-opened:{closeout.pk}:")


# --- Opening --------------------------------------------------------------------------------


def test_completing_opens_the_closeout_for_the_window_with_the_drift_snapshot(closed, settings):
    assert closed.closes_on == timezone.localdate() + timedelta(days=settings.CLOSEOUT_WINDOW_DAYS)
    assert closed.drift_at_audit == 33  # every dimension at 1
    assert closed.drift_at_close == 33
    assert closed.drift_summary == "Audit 33; 0 meetings; 33 at close."
    assert not closed.is_reviewed


def test_the_drift_summary_tells_the_history_from_the_audit_to_the_close(walker):
    a = walker.walk_to("in_progress")
    for levels in ((3, 3, 3, 2, 2, 2), (0, 0, 0, 0, 0, 1)):
        services.meeting_record(
            meeting=a.meetings.get(status="scheduled"),
            user=a.director,
            held_on=timezone.localdate(),
            ratings=dict(zip(DIMENSIONS, levels, strict=True)),
        )
    closeout = complete(a)
    assert closeout.drift_at_audit == 33
    assert closeout.drift_at_close == 6
    assert closeout.drift_summary == "Audit 33; 2 meetings; lowest 6, highest 83; 6 at close."


def test_cancelling_after_the_audit_opens_a_closeout(walker):
    a = walker.walk_to("action_plan")
    services.assignment_cancel(assignment=a, user=a.director, reason="The plant is sold.")
    closeout = Closeout.objects.get(assignment=a)
    assert closeout.drift_at_audit == 33


@pytest.mark.parametrize("state", ["brief", "selection", "audit"])
def test_cancelling_before_the_audit_was_accepted_opens_none(walker, state):
    a = walker.walk_to(state)
    services.assignment_cancel(assignment=a, user=a.director, reason="The client changed plans.")
    a.refresh_from_db()
    assert a.state == "cancelled"
    assert not Closeout.objects.filter(assignment=a).exists()


def test_opening_asks_each_party_for_their_part_with_a_link_to_the_closeout(closed):
    a = closed.assignment
    notes = {n.recipient_id: n for n in opening_notes(closed)}
    assert set(notes) == {a.director_id, a.interim_manager_id, a.client_contact_id}
    assert all(n.kind == "reminder" for n in notes.values())
    assert all(n.url == f"/assignments/{a.pk}/closeout/" for n in notes.values())
    assert "close-out review" in notes[a.director_id].subject
    assert "evaluation of the interim manager" in notes[a.client_contact_id].subject
    assert "evaluation of the conditions" in notes[a.interim_manager_id].subject


def test_a_refused_completion_opens_nothing(walker):
    a = walker.walk_to("in_progress")
    with pytest.raises(Refused):
        services.assignment_complete(assignment=a, user=a.director, outcome="  ")
    assert not Closeout.objects.exists()


# --- The director's review -----------------------------------------------------------------


def test_the_review_is_written_dimension_by_dimension_and_milestone_by_milestone(closed):
    services.closeout_review_submit(
        closeout=closed,
        user=closed.assignment.director,
        data=review_data(closed, cause="information_withheld"),
    )
    closed.refresh_from_db()
    assert closed.is_reviewed and closed.reviewed_by == closed.assignment.director
    assert closed.cause == "information_withheld"
    assert sorted(CloseoutDimension.objects.values_list("dimension", flat=True)) == sorted(
        DIMENSIONS
    )
    final = CloseoutMilestone.objects.get()
    assert (final.milestone.title, final.status) == ("Diagnostic", "partly")


def test_a_submitted_review_is_final(closed):
    director = closed.assignment.director
    services.closeout_review_submit(closeout=closed, user=director, data=review_data(closed))
    with pytest.raises(Refused, match="was given already"):
        services.closeout_review_submit(
            closeout=closed, user=director, data=review_data(closed, review="Another text.")
        )
    closed.refresh_from_db()
    assert closed.review == "A sound assignment, late on the timeline."
    assert CloseoutDimension.objects.count() == 6


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"dimensions": dict.fromkeys(DIMENSIONS[:5], ("achieved", ""))}, "a result for"),
        ({"dimensions": dict.fromkeys(DIMENSIONS, ("maybe", ""))}, "a result for"),
        ({"milestones": {}}, "a final status for “Diagnostic”"),
        ({"review": "  "}, "overall review"),
        ({"cause": "bad_luck"}, "a cause from the list"),
        ({"cause": "other"}, "what the other cause was"),
    ],
    ids=[
        "a-dimension-missing",
        "unknown-result",
        "a-milestone-missing",
        "no-review",
        "bad-cause",
        "other-without-detail",
    ],
)
def test_an_incomplete_review_is_refused_and_writes_nothing(closed, overrides, message):
    with pytest.raises(Refused, match=message):
        services.closeout_review_submit(
            closeout=closed, user=closed.assignment.director, data=review_data(closed, **overrides)
        )
    closed.refresh_from_db()
    assert not closed.is_reviewed
    assert not CloseoutDimension.objects.exists() and not CloseoutMilestone.objects.exists()


def test_other_cause_with_its_detail_is_taken(closed):
    services.closeout_review_submit(
        closeout=closed,
        user=closed.assignment.director,
        data=review_data(closed, cause="other", cause_detail="A flood at the plant."),
    )
    closed.refresh_from_db()
    assert (closed.cause, closed.cause_detail) == ("other", "A flood at the plant.")


# --- Who gives what, and when --------------------------------------------------------------


@pytest.mark.parametrize(
    "who, part",
    [
        ("manager", CloseoutPart.REVIEW),
        ("client", CloseoutPart.REVIEW),
        ("director", CloseoutPart.CLIENT),
        ("manager", CloseoutPart.CLIENT),
        ("client", CloseoutPart.MANAGER),
        ("director", CloseoutPart.MANAGER),
        ("admin", CloseoutPart.REVIEW),
        ("other_director", CloseoutPart.REVIEW),
        ("director_and_client", CloseoutPart.REVIEW),
        ("manager_and_client", CloseoutPart.MANAGER),
    ],
)
def test_a_part_is_given_only_by_its_own_party(closed, cast, who, part):
    data = {
        CloseoutPart.REVIEW: review_data(closed),
        CloseoutPart.CLIENT: CLIENT_DATA,
        CloseoutPart.MANAGER: MANAGER_DATA,
    }[part]
    with pytest.raises(PermissionDenied):
        services.CLOSEOUT_SUBMIT[part](closeout=closed, user=cast[who], data=data)
    closed.refresh_from_db()
    assert not closed.is_reviewed
    assert not ClientEvaluation.objects.exists() and not ManagerEvaluation.objects.exists()


def test_a_director_and_client_gives_the_clients_evaluation(closed, cast):
    services.client_evaluation_submit(
        closeout=closed, user=cast["director_and_client"], data=CLIENT_DATA
    )
    assert ClientEvaluation.objects.get().by == cast["director_and_client"]


@pytest.mark.parametrize("part", [CloseoutPart.REVIEW, CloseoutPart.CLIENT, CloseoutPart.MANAGER])
def test_a_part_is_taken_on_the_last_day_of_the_window(closed, cast, part):
    who, data = {
        CloseoutPart.REVIEW: ("director", review_data(closed)),
        CloseoutPart.CLIENT: ("client", CLIENT_DATA),
        CloseoutPart.MANAGER: ("manager", MANAGER_DATA),
    }[part]
    services.CLOSEOUT_SUBMIT[part](
        closeout=closed, user=cast[who], data=data, today=closed.closes_on
    )
    closed.refresh_from_db()
    given = {
        CloseoutPart.REVIEW: closed.is_reviewed,
        CloseoutPart.CLIENT: ClientEvaluation.objects.filter(closeout=closed).exists(),
        CloseoutPart.MANAGER: ManagerEvaluation.objects.filter(closeout=closed).exists(),
    }
    assert given[part]


@pytest.mark.parametrize("part", [CloseoutPart.REVIEW, CloseoutPart.CLIENT, CloseoutPart.MANAGER])
def test_a_part_is_refused_the_day_after_the_window(closed, cast, part):
    who, data = {
        CloseoutPart.REVIEW: ("director", review_data(closed)),
        CloseoutPart.CLIENT: ("client", CLIENT_DATA),
        CloseoutPart.MANAGER: ("manager", MANAGER_DATA),
    }[part]
    with pytest.raises(Refused, match="window has ended"):
        services.CLOSEOUT_SUBMIT[part](
            closeout=closed,
            user=cast[who],
            data=data,
            today=closed.closes_on + timedelta(days=1),
        )


def test_an_evaluation_is_final(closed, cast):
    services.client_evaluation_submit(closeout=closed, user=cast["client"], data=CLIENT_DATA)
    services.manager_evaluation_submit(closeout=closed, user=cast["manager"], data=MANAGER_DATA)
    with pytest.raises(Refused, match="given already"):
        services.client_evaluation_submit(
            closeout=closed, user=cast["client"], data={**CLIENT_DATA, "delivery": 1}
        )
    with pytest.raises(Refused, match="given already"):
        services.manager_evaluation_submit(
            closeout=closed, user=cast["manager"], data={**MANAGER_DATA, "provider_support": 1}
        )
    assert ClientEvaluation.objects.get().delivery == 4
    assert ManagerEvaluation.objects.get().provider_support == 4


@pytest.mark.parametrize(
    "data, message",
    [
        ({**CLIENT_DATA, "delivery": 6}, "Rate the manager's delivery"),
        ({**CLIENT_DATA, "posture": None}, "Rate the manager's posture"),
        ({**CLIENT_DATA, "would_engage_again": None}, "would engage this manager again"),
    ],
)
def test_a_bad_client_evaluation_is_refused(closed, cast, data, message):
    with pytest.raises(Refused, match=message):
        services.client_evaluation_submit(closeout=closed, user=cast["client"], data=data)
    assert not ClientEvaluation.objects.exists()


def test_the_assignment_stays_completed_whatever_arrives(closed):
    closeout_reminders_send(today=closed.closes_on + timedelta(days=1))
    closed.assignment.refresh_from_db()
    assert closed.assignment.state == "completed"


# --- Who is told of an evaluation ------------------------------------------------------------


def told(closeout, part):
    return Notification.objects.filter(key__startswith=f"closeout-evaluation:{closeout.pk}:{part}")


def test_the_director_is_told_of_the_clients_evaluation_and_the_manager_never(closed, cast):
    a = closed.assignment
    services.client_evaluation_submit(closeout=closed, user=cast["client"], data=CLIENT_DATA)
    notes = list(told(closed, CloseoutPart.CLIENT))
    assert [n.recipient_id for n in notes] == [a.director_id]
    assert CLIENT_DATA["comment"] not in notes[0].body
    assert (
        not Notification.objects.filter(recipient=a.interim_manager, body__contains="evaluation")
        .exclude(key__startswith="closeout-opened")
        .exists()
    )


def test_the_director_is_told_of_the_managers_evaluation_and_the_client_never(closed, cast):
    a = closed.assignment
    services.manager_evaluation_submit(closeout=closed, user=cast["manager"], data=MANAGER_DATA)
    notes = list(told(closed, CloseoutPart.MANAGER))
    assert [n.recipient_id for n in notes] == [a.director_id]
    assert MANAGER_DATA["comment"] not in notes[0].body
    assert (
        not Notification.objects.filter(recipient=a.client_contact)
        .exclude(key__startswith="closeout-opened")
        .exclude(key__startswith="transition:")
        .exists()
    )


# --- Reminders ------------------------------------------------------------------------------


def reminders():
    return Notification.objects.filter(key__startswith="closeout-reminder:")


def opened(closeout):
    return timezone.localdate(closeout.opened_at)


def test_no_reminder_in_the_first_period(closed, settings):
    with at(opened(closed) + timedelta(days=settings.CLOSEOUT_REMINDER_DAYS - 1)):
        assert send_closeout_reminders() == {"flags": 0, "notifications": 0}


def test_each_missing_part_is_reminded_once_per_period(closed, settings, cast):
    a = closed.assignment
    every = settings.CLOSEOUT_REMINDER_DAYS
    with at(opened(closed) + timedelta(days=every)):
        assert send_closeout_reminders() == {"flags": 0, "notifications": 3}
        assert send_closeout_reminders() == {"flags": 0, "notifications": 0}
    assert {n.recipient_id for n in reminders()} == {
        a.director_id,
        a.interim_manager_id,
        a.client_contact_id,
    }
    assert all(n.url == f"/assignments/{a.pk}/closeout/" for n in reminders())
    with at(opened(closed) + timedelta(days=every + 1)):
        assert send_closeout_reminders()["notifications"] == 0
    services.client_evaluation_submit(closeout=closed, user=cast["client"], data=CLIENT_DATA)
    services.closeout_review_submit(closeout=closed, user=a.director, data=review_data(closed))
    with at(opened(closed) + timedelta(days=2 * every)):
        assert send_closeout_reminders()["notifications"] == 1
    assert reminders().filter(key__endswith=":2").get().recipient_id == a.interim_manager_id


def test_reminders_stop_once_every_part_is_given(closed, settings, cast):
    a = closed.assignment
    services.closeout_review_submit(closeout=closed, user=a.director, data=review_data(closed))
    services.client_evaluation_submit(closeout=closed, user=cast["client"], data=CLIENT_DATA)
    services.manager_evaluation_submit(closeout=closed, user=cast["manager"], data=MANAGER_DATA)
    with at(opened(closed) + timedelta(days=settings.CLOSEOUT_REMINDER_DAYS)):
        assert send_closeout_reminders()["notifications"] == 0


def test_reminders_stop_after_the_window(closed):
    with at(closed.closes_on + timedelta(days=1)):
        assert send_closeout_reminders()["notifications"] == 0
    with at(closed.closes_on):
        assert send_closeout_reminders()["notifications"] == 3


def grow(firm, n):
    for _ in range(n):
        manager = ManagerFactory(firms=[firm]).user
        a = Walker(AssignmentFactory(firm=firm), manager).walk_to("in_progress")
        services.assignment_complete(assignment=a, user=a.director, outcome="Done.")


def reminder_cost(firm, n, day):
    grow(firm, n - Closeout.objects.count())
    reminders().delete()
    with CaptureQueriesContext(connection) as ctx:
        found = closeout_reminders_send(today=day)
    assert found["notifications"] == 3 * n
    return len(ctx.captured_queries)


def test_the_reminder_sweep_costs_the_same_queries_for_three_times_the_closeouts(firm, settings):
    day = timezone.localdate() + timedelta(days=settings.CLOSEOUT_REMINDER_DAYS)
    assert reminder_cost(firm, 2, day) == reminder_cost(firm, 6, day)
