from datetime import timedelta

from django.core import mail

from assignments import services
from assignments.drift import DIMENSIONS
from assignments.models import ClientCommitment, Flag, Notification
from assignments.services import events
from assignments.tasks import sweep_commitments

from .conftest import at, counts, today, with_emails


def run():
    return with_emails(sweep_commitments)


def commitment(a):
    return ClientCommitment.objects.get(plan__assignment=a, plan__status="confirmed")


def test_a_commitment_not_yet_due_raises_nothing(running):
    with at(commitment(running).due_date):
        assert run() == {"flags": 0, "notifications": 0, "emailed": 0}


def test_an_overdue_commitment_raises_fuse_risk_to_the_director_once(running):
    c = commitment(running)
    for days in (1, 2, 40):
        with at(c.due_date + timedelta(days=days)):
            run()
    flag = Flag.objects.get()
    assert flag.kind == Flag.Kind.FUSE_RISK and c.description in flag.message
    assert Notification.objects.get().recipient == running.director
    assert len(mail.outbox) == 1


def test_a_delivered_commitment_raises_nothing(running, director):
    c = commitment(running)
    services.commitment_mark_delivered(commitment=c, user=director)
    with at(c.due_date + timedelta(days=3)):
        assert run()["flags"] == 0


def test_a_plan_revision_copying_the_promise_does_not_raise_it_again(running, walker):
    c = commitment(running)
    with at(c.due_date + timedelta(days=1)):
        run()
    services.assignment_start_realignment(assignment=running, user=walker.director, reason="x")
    plan = services.action_plan_draft(assignment=running, user=walker.director)
    walker.confirm_all(plan)
    services.assignment_resume_progress(assignment=running, user=walker.director)
    with at(c.due_date + timedelta(days=2)):
        run()
    assert ClientCommitment.objects.filter(plan__assignment=running).count() == 2
    assert Flag.objects.count() == 1


def record_meeting(a, user, **fields):
    """Record the scheduled meeting, quietly: the tests here count what the sweep finds."""
    meeting = a.meetings.get(status="scheduled")
    with events.quiet():
        return services.meeting_record(
            meeting=meeting,
            user=user,
            held_on=today(),
            ratings=dict.fromkeys(DIMENSIONS, 1),
            **fields,
        )


def test_a_direction_change_at_the_latest_meeting_is_flagged_once(running, director):
    record_meeting(running, director, direction_changes="The CEO wants a sale, not a turnaround.")
    assert run() == {"flags": 1, "notifications": 1, "emailed": 1}
    assert run() == {"flags": 0, "notifications": 0, "emailed": 0}
    flag = Flag.objects.get()
    assert flag.kind == Flag.Kind.DIRECTION_CHANGE and "a sale" in flag.message


def test_none_written_as_a_direction_change_is_no_change(running, director):
    record_meeting(running, director, direction_changes="None.")
    assert run()["flags"] == 0


def test_an_older_meeting_no_longer_counts(running, director):
    record_meeting(running, director, direction_changes="Scope doubled.", manager_strain=5)
    record_meeting(running, director, manager_strain=2)
    assert run()["flags"] == 0


def test_manager_strain_at_the_latest_meeting_is_flagged_once(running, director):
    record_meeting(running, director, manager_strain=4, manager_workload=3)
    assert run() == {"flags": 1, "notifications": 1, "emailed": 1}
    assert run()["flags"] == 0
    assert Flag.objects.get().kind == Flag.Kind.MANAGER_STRAIN


def test_an_overloaded_manager_is_flagged(running, director):
    record_meeting(running, director, manager_strain=2, manager_workload=5)
    assert Flag.objects.count() == 0
    run()
    assert Flag.objects.get().kind == Flag.Kind.MANAGER_STRAIN


def test_a_calm_meeting_raises_nothing(running, director):
    record_meeting(running, director, manager_strain=2, manager_workload=3)
    assert run() == {"flags": 0, "notifications": 0, "emailed": 0}
    assert counts() == (0, 0)
