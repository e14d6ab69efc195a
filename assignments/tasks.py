"""Celery tasks: thin, idempotent, taking ids. The work is in `engine.py`.

The periodic ones are scheduled in settings (CELERY_BEAT_SCHEDULE); each sweep ends by
e-mailing what it recorded. A transient failure (database or mail server unreachable) is
retried with exponential backoff; a retry repeats nothing, because every row is recorded
once per key.
"""

import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import engine

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


def _and_email(found):
    return {**found, "emailed": engine.send_pending_emails()}


@shared_task(**RETRY)
def send_review_reminders():
    """Remind the parties of progress reviews due soon; flag and escalate overdue ones."""
    return _and_email(engine.review_reminders_send())


@shared_task(**RETRY)
def send_audit_reminders():
    """Remind managers of audit reports due soon; flag overdue ones to the director."""
    return _and_email(engine.audit_reminders_send())


@shared_task(**RETRY)
def sweep_commitments():
    """Fuse risk from overdue client commitments; direction changes and manager strain."""
    return _and_email(engine.commitments_sweep())


@shared_task(**RETRY)
def flag_gap_drift(audit_report_id):
    """A submitted audit report: compute and store its gap drift, flag it, tell the director."""
    return _and_email(engine.audit_drift_flag(audit_report_id))


@shared_task(**RETRY)
def check_meeting_drift(meeting_id):
    """A recorded progress meeting: flag a worsening drift trend."""
    return _and_email(engine.meeting_drift_check(meeting_id))


@shared_task(**RETRY)
def catch_up_drift():
    """The drift work that on-event tasks missed (the broker was down when it happened)."""
    return _and_email(engine.drift_catch_up())


@shared_task(**RETRY)
def send_pending_emails():
    """E-mail the notifications that could not be e-mailed before."""
    return {"emailed": engine.send_pending_emails()}


# What `run_sweeps` runs, in this order: the drift first, so its flags are e-mailed with
# the others.
PERIODIC = (
    catch_up_drift,
    send_review_reminders,
    send_audit_reminders,
    sweep_commitments,
    send_pending_emails,
)
