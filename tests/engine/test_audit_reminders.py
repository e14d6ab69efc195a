from datetime import timedelta

import pytest
from django.core import mail

from assignments.models import Flag, Notification
from assignments.tasks import send_audit_reminders
from tests.factories import FULL_FINDINGS

from .conftest import at, counts, with_emails


def run():
    return with_emails(send_audit_reminders)


def test_nothing_before_the_reminder_window(auditing):
    with at(auditing.audit_due_date - timedelta(days=4)):
        assert run() == {"flags": 0, "notifications": 0, "emailed": 0}


@pytest.mark.parametrize("days_before", [3, 0], ids=["due-soon", "due-today"])
def test_an_audit_due_soon_reminds_the_manager_once(auditing, days_before):
    with at(auditing.audit_due_date - timedelta(days=days_before)):
        assert run() == {"flags": 0, "notifications": 1, "emailed": 1}
        assert run() == {"flags": 0, "notifications": 0, "emailed": 0}
    note = Notification.objects.get()
    assert note.recipient == auditing.interim_manager
    assert note.reason == f"You are the interim manager on “{auditing.title}”."
    assert [m.to for m in mail.outbox] == [[auditing.interim_manager.email]]


@pytest.mark.parametrize("days_late", [1, 45], ids=["overdue", "long-overdue"])
def test_an_overdue_audit_is_flagged_to_the_director_once(auditing, days_late):
    with at(auditing.audit_due_date + timedelta(days=days_late)):
        assert run() == {"flags": 1, "notifications": 1, "emailed": 1}
        assert run() == {"flags": 0, "notifications": 0, "emailed": 0}
    flag = Flag.objects.get()
    assert flag.kind == Flag.Kind.AUDIT_OVERDUE
    assert Notification.objects.get().recipient == auditing.director


def test_a_submitted_audit_is_not_chased(auditing, walker):
    walker.submitted_report(FULL_FINDINGS)
    with at(auditing.audit_due_date + timedelta(days=2)):
        assert run() == {"flags": 0, "notifications": 0, "emailed": 0}
    assert counts() == (0, 0)
