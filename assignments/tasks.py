"""Celery tasks: the stable names beat and the services enqueue; thin, idempotent, taking
ids. The work is in `services`.

The periodic ones are scheduled in settings (CELERY_BEAT_SCHEDULE). A task that records
notifications hands their e-mail to `send_pending_emails`, a task of its own, so that a
mail server that is down delays e-mails and never makes a sweep or a drift task retry. A
transient failure (database or mail server unreachable) is retried with exponential
backoff; a retry repeats nothing, because every row is recorded once per key.
"""

import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .services import closeout, drift, notifications, sweeps
from .services.background import enqueue, enqueue_emails
from .services.flags import Found

TRANSIENT = (
    OperationalError,
    InterfaceError,
    smtplib.SMTPException,
    ConnectionError,
    TimeoutError,
)
RETRY = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
}


def _and_email(found: Found | dict[str, int]) -> Found | dict[str, int]:
    if found.get("notifications"):
        enqueue_emails()
    return found


@shared_task(**RETRY)
def send_review_reminders():
    """Remind the parties of progress reviews due soon; flag and escalate overdue ones."""
    return _and_email(sweeps.review_reminders_send())


@shared_task(**RETRY)
def send_audit_reminders():
    """Remind managers of audit reports due soon; flag overdue ones to the director."""
    return _and_email(sweeps.audit_reminders_send())


@shared_task(**RETRY)
def sweep_commitments():
    """Fuse risk from overdue client commitments; direction changes and manager strain."""
    return _and_email(sweeps.commitments_sweep())


@shared_task(**RETRY)
def send_closeout_reminders():
    """Remind each party whose part of an open close-out is still missing."""
    return _and_email(closeout.closeout_reminders_send())


@shared_task(**RETRY)
def flag_gap_drift(audit_report_id):
    """A submitted audit report: compute and store its gap drift, flag it, tell the director."""
    return _and_email(drift.audit_drift_flag(audit_report_id))


@shared_task(**RETRY)
def check_meeting_drift(meeting_id):
    """A recorded progress meeting: flag a worsening drift trend."""
    return _and_email(drift.meeting_drift_check(meeting_id))


@shared_task(**RETRY)
def catch_up_drift():
    """The drift work that on-event tasks missed (the broker was down when it happened)."""
    return _and_email(drift.drift_catch_up())


# E-mails one run sends at most: a run lasts about a second, so the worker is never held
# long by a backlog (thousands after a sweep over a large portfolio) and other tasks wait
# no longer than that; a full batch hands the rest to the next run at once.
EMAIL_BATCH = 200


@shared_task(**RETRY)
def send_pending_emails():
    """E-mail the notifications not e-mailed yet (each at most once), one batch per run."""
    sent = notifications.send_pending_emails(batch=EMAIL_BATCH, batches=1)
    if notifications.emails_waiting():
        enqueue("send_pending_emails")
    return {"emailed": sent}


@shared_task(**RETRY)
def send_digests():
    """The daily digest: one e-mail per person with the notifications they chose to
    receive that way (each in one digest at most)."""
    return {"digests": notifications.send_digests()}


# What `run_sweeps` runs, in this order: the drift first, and the e-mails last, so that
# everything the sweeps recorded is e-mailed in the same run.
PERIODIC = (
    catch_up_drift,
    send_review_reminders,
    send_audit_reminders,
    sweep_commitments,
    send_closeout_reminders,
    send_pending_emails,
    send_digests,
)
