"""A mail queue that cannot be poisoned: titles and names stay single-line, a message that
fails to send is retried with back-off a bounded number of times and never holds back the
others, and the admin sees and retries the failed ones."""

import socket
import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from assignments import services
from assignments.constants import Delivery
from assignments.forms import AssignmentCreateForm, MilestoneForm
from assignments.models import Assignment, Notification
from assignments.services.notifications import (
    notification_email,
    notifications_email_retry,
    send_digests,
    send_pending_emails,
)
from partners.forms import FirmClientForm, UserCreationForm
from partners.models import User
from tests.factories import ClientContactFactory, UserFactory

EVIL = "Evil\r\nBcc: victim@example.com"
MAX_ATTEMPTS = 3


# --- 1. Titles and names that reach e-mail headers are single-line ------------------------


def test_the_new_assignment_form_refuses_a_title_with_a_line_break(client, director, firm):
    contact = ClientContactFactory().user
    firm.clients.add(contact.client_profile.organisation)
    client.force_login(director)
    response = client.post(
        reverse("assignments:create"),
        {"title": EVIL, "client_contact": contact.pk, "review_cadence_days": 28},
    )
    assert response.status_code == 200
    assert "single line" in response.context["form"].errors["title"][0]
    assert not Assignment.objects.filter(title__contains="Bcc").exists()


def test_the_service_refuses_a_title_with_a_line_break(director, firm):
    contact = ClientContactFactory().user
    firm.clients.add(contact.client_profile.organisation)
    with pytest.raises(services.Refused, match="single line"):
        services.assignment_create(
            user=director,
            firm=firm,
            client=contact.client_profile.organisation,
            client_contact=contact,
            title=EVIL,
        )
    assert not Assignment.objects.filter(title__contains="Bcc").exists()


@pytest.mark.parametrize("text", [EVIL, "Line\nbreak", "Carriage\rreturn", "Sep\u2028arator"])
def test_the_model_refuses_a_title_on_more_than_one_line(assignment, text):
    assignment.title = text
    with pytest.raises(ValidationError) as refused:
        assignment.full_clean(exclude=["state"])
    assert "title" in refused.value.message_dict


def test_names_that_reach_headers_are_single_line(firm, assignment, director):
    for obj, field in [
        (director, "full_name"),
        (firm, "name"),
        (assignment.client, "name"),
    ]:
        setattr(obj, field, EVIL)
        with pytest.raises(ValidationError) as refused:
            obj.full_clean()
        assert field in refused.value.message_dict


def test_the_forms_for_names_and_milestones_refuse_line_breaks(db):
    password = "x8!kQz#pL2"
    fields = {"email": "n@example.test", "full_name": EVIL}
    people = UserCreationForm(fields | {"password1": password, "password2": password})
    assert "full_name" in people.errors
    assert "name" in FirmClientForm({"name": EVIL}).errors
    milestone = MilestoneForm({"title": EVIL, "owner": "Maya", "due_date": "2099-01-01"})
    assert "title" in milestone.errors
    assert not User.objects.filter(email="n@example.test").exists()
    form = AssignmentCreateForm({"title": "Turnaround"}, contacts=User.objects.none())
    assert "title" not in form.errors


def test_a_stored_subject_with_line_breaks_is_sent_on_one_line(director):
    note = Notification.objects.create(recipient=director, key="legacy", subject=EVIL, body="b")
    message = notification_email(note)
    assert message.subject == "[Interim] Evil Bcc: victim@example.com"
    sent = message.message()
    assert sent["Bcc"] is None and message.recipients() == [director.email]


# --- 2. One failing message never blocks the others ---------------------------------------


def poisoned_recipient():
    """A person recorded before addresses were checked: the address header would break."""
    user = UserFactory(full_name="Legacy Person")
    User.objects.filter(pk=user.pk).update(email="legacy@example.test\r\nBcc: victim@example.com")
    return User.objects.get(pk=user.pk)


@pytest.fixture
def queue(director, manager, settings):
    """A legacy notification that cannot be sent, first in the queue, and two good ones."""
    settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS = MAX_ATTEMPTS
    now = timezone.now()
    bad = Notification.objects.create(
        recipient=poisoned_recipient(),
        key="bad",
        subject=EVIL,
        body="b",
        created_at=now - timedelta(minutes=3),
    )
    good = [
        Notification.objects.create(
            recipient=person,
            key=f"good-{i}",
            subject="Fine",
            body="b",
            created_at=now - timedelta(minutes=2 - i),
        )
        for i, person in enumerate([director, manager])
    ]
    mail.outbox.clear()
    return bad, good


def test_a_message_that_fails_is_marked_failed_and_the_others_are_sent(queue):
    bad, good = queue
    assert send_pending_emails() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(n.recipient.email for n in good)
    bad.refresh_from_db()
    assert bad.emailed_at is None and bad.email_attempts == 1
    assert "BadHeaderError" in bad.email_error and "newlines" in bad.email_error
    assert bad.email_failed_at is not None
    assert bad.email_retry_at == bad.email_failed_at + timedelta(minutes=5)
    assert all(n.emailed_at for n in Notification.objects.filter(key__startswith="good"))


def test_a_failed_message_is_retried_after_its_back_off_and_at_most_max_attempts(queue):
    bad, _ = queue
    send_pending_emails()
    assert send_pending_emails() == 0  # still within its back-off: not tried again
    bad.refresh_from_db()
    assert bad.email_attempts == 1
    delays = []
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(MAX_ATTEMPTS + 2):
            bad.refresh_from_db()
            if bad.email_retry_at:
                delays.append(bad.email_retry_at - bad.email_failed_at)
                traveller.move_to(bad.email_retry_at + timedelta(seconds=1))
            else:
                traveller.shift(timedelta(hours=6))
            assert send_pending_emails() == 0
    bad.refresh_from_db()
    assert bad.email_attempts == MAX_ATTEMPTS
    assert delays == [timedelta(minutes=5), timedelta(minutes=10)]
    assert bad.email_retry_at is None and bad.email_failed_at and bad.emailed_at is None
    assert len(mail.outbox) == 2  # the good ones, once each


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_mail_server_out_of_reach_releases_the_batch_without_charging_attempts(queue, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    with pytest.raises(ConnectionError):
        send_pending_emails()
    notes = Notification.objects.all()
    assert all(n.emailed_at is None and n.email_attempts == 0 for n in notes)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_pending_emails() == 2


class HangsUpAfterOneMessage(threading.Thread):
    """A mail server on this machine that accepts one message, then hangs up."""

    def __init__(self):
        super().__init__(daemon=True)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]

    def run(self):
        connection, _ = self.listener.accept()
        with connection, self.listener, connection.makefile("rwb") as stream:

            def reply(line):
                stream.write(line + b"\r\n")
                stream.flush()

            reply(b"220 ready")
            in_data = False
            while line := stream.readline():
                if in_data:
                    if line == b".\r\n":
                        reply(b"250 queued")
                        return
                elif line[:4].upper() == b"DATA":
                    reply(b"354 go on")
                    in_data = True
                else:
                    reply(b"250 ok")


def test_a_mail_server_lost_mid_batch_releases_the_rest_without_charging_attempts(queue, settings):
    bad, (first, second) = queue
    server = HangsUpAfterOneMessage()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    with pytest.raises(OSError):  # smtplib's errors are OSErrors
        send_pending_emails()
    server.join(5)
    for n in (bad, first, second):
        n.refresh_from_db()
    assert first.emailed_at is not None and first.email_attempts == 0
    assert second.emailed_at is None and second.email_attempts == 0 and not second.email_error
    assert bad.email_attempts == 1  # its own fault, found before the server was asked
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_pending_emails() == 1 and [m.to for m in mail.outbox] == [[second.recipient.email]]


def test_a_digest_that_fails_does_not_hold_back_the_other_digests(director, settings):
    settings.NOTIFICATION_EMAIL_MAX_ATTEMPTS = MAX_ATTEMPTS
    bad = Notification.objects.create(
        recipient=poisoned_recipient(), key="bad", subject="s", body="b", delivery=Delivery.DIGEST
    )
    Notification.objects.create(
        recipient=director, key="d-good", subject="s", body="b", delivery=Delivery.DIGEST
    )
    mail.outbox.clear()
    assert send_digests() == 1
    assert [m.to for m in mail.outbox] == [[director.email]]
    bad.refresh_from_db()
    assert bad.email_attempts == 1 and "BadHeaderError" in bad.email_error
    assert send_digests() == 0


# --- 3. The admin lists failed e-mails and retries them -----------------------------------


def test_the_admin_lists_failed_emails_with_their_error_and_retries_them(
    queue, client, admin_user
):
    bad, _ = queue
    send_pending_emails()
    client.force_login(admin_user)
    url = reverse("admin:assignments_notification_changelist")
    page = client.get(url, {"email_failed": "yes"})
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [Notification.objects.get(pk=bad.pk)]
    assert "e-mail failed" in page.content.decode()
    assert "newlines" in page.content.decode()
    # Given up, then retried by an admin once the address is corrected.
    Notification.objects.filter(pk=bad.pk).update(email_attempts=MAX_ATTEMPTS, email_retry_at=None)
    User.objects.filter(pk=bad.recipient_id).update(email="legacy@example.test")
    response = client.post(
        url, {"action": "retry_email", "_selected_action": [bad.pk]}, follow=True
    )
    assert "1 e-mail(s) will be tried again" in response.content.decode()
    bad.refresh_from_db()
    assert bad.email_attempts == 0 and bad.email_retry_at is None
    assert send_pending_emails() == 1
    bad.refresh_from_db()
    assert bad.emailed_at and bad.email_failed_at is None
    assert client.get(url, {"email_failed": "yes"}).context["cl"].result_count == 0


def test_only_an_admin_retries_emails(queue, director):
    with pytest.raises(PermissionDenied):
        notifications_email_retry(notifications=Notification.objects.all(), user=director)


def test_a_backlog_is_sent_one_bounded_batch_per_run_each_run_handing_on_the_rest(
    director, assignment
):
    """A run of the task sends one batch and queues the next run itself, so that thousands
    of e-mails never hold the worker for long, and none is left behind."""
    from assignments.tasks import EMAIL_BATCH
    from assignments.tasks import send_pending_emails as task
    from tests.queued_tasks import drop_queued_tasks, run_queued_tasks

    drop_queued_tasks()
    Notification.objects.bulk_create(
        Notification(recipient=director, assignment=assignment, key=f"backlog:{n}", subject="s")
        for n in range(EMAIL_BATCH + 30)
    )
    assert task() == {"emailed": EMAIL_BATCH}
    assert len(mail.outbox) == EMAIL_BATCH
    assert run_queued_tasks() == ["assignments.tasks.send_pending_emails"]
    assert len(mail.outbox) == EMAIL_BATCH + 30
    assert run_queued_tasks() == []  # the last run found nothing more: no further run queued
    assert len({m.subject for m in mail.outbox}) == 1
    assert not Notification.objects.filter(emailed_at=None).exists()
