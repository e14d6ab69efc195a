from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assignments import services
from assignments.models import Flag, Notification
from assignments.services.sweeps import review_reminders_send
from assignments.tasks import send_review_reminders

from .conftest import at, counts, with_emails


def run():
    return with_emails(send_review_reminders)


def test_nothing_before_the_reminder_window(meeting):
    with at(meeting.scheduled_for - timedelta(days=4)):
        assert run() == {"flags": 0, "notifications": 0, "emailed": 0}


@pytest.mark.parametrize("days_before", [3, 1, 0], ids=["due-soon", "tomorrow", "due-today"])
def test_a_review_due_soon_reminds_director_manager_and_client_once(meeting, days_before):
    a = meeting.assignment
    with at(meeting.scheduled_for - timedelta(days=days_before)):
        assert run() == {"flags": 0, "notifications": 3, "emailed": 3}
    notes = Notification.objects.order_by("recipient_id")
    assert {n.recipient_id for n in notes} == {
        a.director_id,
        a.interim_manager_id,
        a.client_contact_id,
    }
    assert {n.reason for n in notes} == {
        f"You are the director of “{a.title}”.",
        f"You are the interim manager on “{a.title}”.",
        f"You are the client contact for “{a.title}”.",
    }
    assert all(n.url == f"/assignments/{a.pk}/#meetings" and n.emailed_at for n in notes)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [a.director.email, a.interim_manager.email, a.client_contact.email]
    )
    assert not Flag.objects.exists()


def test_reminding_twice_sends_nothing_twice(meeting):
    with at(meeting.scheduled_for - timedelta(days=2)):
        run()
        before = counts()
        assert run() == {"flags": 0, "notifications": 0, "emailed": 0}
    with at(meeting.scheduled_for - timedelta(days=1)):
        assert run() == {"flags": 0, "notifications": 0, "emailed": 0}
    assert counts() == before
    assert len(mail.outbox) == 3


def test_an_overdue_review_is_flagged_and_escalated_to_the_director_once(meeting):
    a = meeting.assignment
    with at(meeting.scheduled_for + timedelta(days=1)):
        assert run() == {"flags": 1, "notifications": 1, "emailed": 1}
        assert run() == {"flags": 0, "notifications": 0, "emailed": 0}
    flag = Flag.objects.get()
    assert flag.kind == Flag.Kind.REVIEW_OVERDUE and flag.assignment == a
    assert "1 day overdue" in flag.message
    note = Notification.objects.get()
    assert note.recipient == a.director and note.key == flag.key


def test_a_long_overdue_review_is_still_escalated_only_once(meeting):
    for days in (1, 7, 30, 90):
        with at(meeting.scheduled_for + timedelta(days=days)):
            run()
    assert Flag.objects.filter(kind=Flag.Kind.REVIEW_OVERDUE).count() == 1
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_resolved_overdue_flag_is_not_raised_again_for_the_same_meeting(meeting, director):
    with at(meeting.scheduled_for + timedelta(days=2)):
        run()
        services.flag_resolve(flag=Flag.objects.get(), user=director, comment="Moved by phone.")
        run()
    assert Flag.objects.count() == 1


def test_a_moved_meeting_is_a_new_period(meeting, director):
    with at(meeting.scheduled_for - timedelta(days=1)):
        run()
        services.meeting_schedule(
            assignment=meeting.assignment,
            user=director,
            scheduled_for=meeting.scheduled_for + timedelta(days=1),
        )
        assert run()["notifications"] == 3


def test_recorded_and_closed_assignments_get_no_reminder(meeting, director):
    services.assignment_complete(assignment=meeting.assignment, user=director, outcome="Done.")
    with at(meeting.scheduled_for):
        assert run() == {"flags": 0, "notifications": 0, "emailed": 0}


def test_the_sweep_costs_the_same_queries_for_one_meeting_or_four(meeting, make_running):
    day = meeting.scheduled_for

    def queries():
        Notification.objects.all().delete()
        Flag.objects.all().delete()
        with at(day - timedelta(days=1)), CaptureQueriesContext(connection) as ctx:
            review_reminders_send()
        return len(ctx.captured_queries)

    one = queries()
    for _ in range(3):
        make_running()
    assert queries() == one
