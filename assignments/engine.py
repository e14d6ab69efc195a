"""The background engine's writes: reminders, escalations, flags and their e-mails.

Tasks (`tasks.py`) are thin and call these. Every function here is idempotent: a
notification is recorded once per (recipient, key) and a flag once per key, where the key
names the thing and the period it is about, so a retry, a redelivery, two beats or a sweep
run by hand records and sends nothing twice. The sweeps read due rows from dates in the
database in a few bulk queries, whatever the size of the portfolio.
"""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from .models import (
    FINAL_STATES,
    RUNNING_STATES,
    ActionPlan,
    Assignment,
    AuditReport,
    ClientCommitment,
    Dimension,
    DriftReading,
    Flag,
    GapLevel,
    Notification,
    ProgressMeeting,
    State,
)
from .services import audit_report_record_drift, flag_raise

logger = logging.getLogger(__name__)

SUBMITTED_STATUSES = (AuditReport.Status.SUBMITTED, AuditReport.Status.ACCEPTED)
# What a meeting's "direction changes" field holds when there were none.
NO_CHANGE_WORDS = {"", "none", "no", "nil", "n/a", "na", "-", "nothing", "no change", "no changes"}


# --- Enqueuing ----------------------------------------------------------------------------


def enqueue(task, *args):
    """Publish `task` (after a commit). A broker that is down fails fast and is logged: the
    request that triggered it still succeeds, and a periodic sweep catches the work up."""
    try:
        task.delay(*args)
    except BrokerUnavailable:
        logger.warning("Broker unavailable: %s%s not enqueued; a sweep will catch up.", task, args)
        return False
    return True


# --- Recording notifications and flags once -----------------------------------------------


def assignment_url(assignment_id):
    try:
        return reverse("assignments:detail", args=[assignment_id])
    except NoReverseMatch:
        return f"/assignments/{assignment_id}/"


ROLE_REASONS = {
    "director": "You are the director of “{title}”.",
    "manager": "You are the interim manager on “{title}”.",
    "client": "You are the client contact for “{title}”.",
}


def _note(assignment, role, key, subject, body):
    recipient_id = {
        "director": assignment.director_id,
        "manager": assignment.interim_manager_id,
        "client": assignment.client_contact_id,
    }[role]
    if recipient_id is None:
        return None
    return Notification(
        recipient_id=recipient_id,
        assignment_id=assignment.pk,
        key=key,
        subject=subject[:200],
        body=body,
        reason=ROLE_REASONS[role].format(title=assignment.title)[:200],
        url=assignment_url(assignment.pk),
    )


def record(*, flags=(), notes=()):
    """Insert the flags and notifications not recorded yet; return how many were new.

    One query finds the keys already there and one inserts the rest, so a sweep costs the
    same few queries for ten rows or ten thousand. The unique constraints settle a race
    with a concurrent run (ignore_conflicts), so each row exists once whatever happens."""
    flags = list({f.key: f for f in flags if f is not None}.values())
    notes = list({(n.recipient_id, n.key): n for n in notes if n is not None}.values())
    new_flags = new_notes = []
    with transaction.atomic():
        if flags:
            known = set(
                Flag.objects.filter(key__in=[f.key for f in flags]).values_list("key", flat=True)
            )
            new_flags = [f for f in flags if f.key not in known]
            Flag.objects.bulk_create(new_flags, batch_size=500, ignore_conflicts=True)
        if notes:
            known = set(
                Notification.objects.filter(key__in={n.key for n in notes}).values_list(
                    "recipient_id", "key"
                )
            )
            new_notes = [n for n in notes if (n.recipient_id, n.key) not in known]
            Notification.objects.bulk_create(new_notes, batch_size=500, ignore_conflicts=True)
    return {"flags": len(new_flags), "notifications": len(new_notes)}


def _merge(*counts):
    total = {"flags": 0, "notifications": 0}
    for count in counts:
        for name in total:
            total[name] += count.get(name, 0)
    return total


# --- E-mail -------------------------------------------------------------------------------


def notification_email(notification):
    """The templated message (plain text and HTML) for one notification."""
    context = {
        "notification": notification,
        "recipient": notification.recipient,
        "link": settings.SITE_URL.rstrip("/") + (notification.url or "/"),
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject=f"[Interim] {notification.subject}",
        body=render_to_string("notifications/email.txt", context),
        to=[notification.recipient.email],
    )
    message.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    return message


def send_pending_emails(*, batch=200):
    """E-mail the notifications not e-mailed yet, each at most once.

    A batch is claimed (emailed_at set, committed) before it is sent, and whatever could
    not be sent is released for the next run; a worker that dies mid-send may lose an
    e-mail (the in-app notification stays) but never sends one twice."""
    cutoff = timezone.now() - timedelta(hours=settings.NOTIFICATION_EMAIL_MAX_AGE_HOURS)
    sent = 0
    while True:
        with transaction.atomic():
            rows = list(
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(emailed_at__isnull=True, created_at__gte=cutoff)
                .select_related("recipient")
                .order_by("created_at", "id")[:batch]
            )
            if not rows:
                return sent
            Notification.objects.filter(pk__in=[n.pk for n in rows]).update(
                emailed_at=timezone.now()
            )
        with get_connection() as connection:
            for position, notification in enumerate(rows):
                try:
                    connection.send_messages([notification_email(notification)])
                except Exception:
                    Notification.objects.filter(pk__in=[n.pk for n in rows[position:]]).update(
                        emailed_at=None
                    )
                    raise
                sent += 1


# --- Progress reviews ---------------------------------------------------------------------


def _days(n):
    return "1 day" if abs(n) == 1 else f"{abs(n)} days"


def _when(day, today):
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    return f"in {_days((day - today).days)}, on {day:%A %d %B}"


def review_reminders_send(*, today=None):
    """Remind the three parties of each progress review due within REVIEW_REMINDER_DAYS;
    flag each overdue review and escalate it to the director, once per scheduled date."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.REVIEW_REMINDER_DAYS)
    meetings = (
        ProgressMeeting.objects.filter(
            status=ProgressMeeting.Status.SCHEDULED,
            scheduled_for__lte=horizon,
            assignment__state__in=RUNNING_STATES,
        )
        .select_related("assignment")
        .order_by("scheduled_for", "id")
    )
    flags, notes = [], []
    for meeting in meetings:
        a = meeting.assignment
        day = meeting.scheduled_for
        if day >= today:
            key = f"review_reminder:{meeting.pk}:{day.isoformat()}"
            subject = f"Progress review {_when(day, today)} – {a.title}"
            body = (
                f"The progress review of “{a.title}” is due {_when(day, today)}. "
                "Bring milestone progress, the client's commitments, the six ratings "
                "(objectives, context, skills, resources, expectations, timeline) and how "
                "the interim manager is holding up."
            )
            notes += [_note(a, role, key, subject, body) for role in ROLE_REASONS]
        else:
            key = f"review_overdue:{meeting.pk}:{day.isoformat()}"
            late = (today - day).days
            message = (
                f"The progress review of “{a.title}” was due on {day:%d %B %Y} and has not been "
                f"recorded: {_days(late)} overdue. Hold it, record it, or mark it missed."
            )
            flags.append(
                Flag(assignment=a, kind=Flag.Kind.REVIEW_OVERDUE, key=key, message=message)
            )
            notes.append(
                _note(a, "director", key, f"Progress review overdue – {a.title}", message)
            )
    return record(flags=flags, notes=notes)


# --- Audit reports ------------------------------------------------------------------------


def audit_reminders_send(*, today=None):
    """Remind the manager of an audit report due within AUDIT_REMINDER_DAYS; flag an
    overdue one to the director, once per due date."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.AUDIT_REMINDER_DAYS)
    submitted = AuditReport.objects.filter(
        assignment=OuterRef("pk"), status__in=SUBMITTED_STATUSES
    )
    assignments = (
        Assignment.objects.filter(
            state=State.AUDIT, audit_due_date__lte=horizon, interim_manager__isnull=False
        )
        .filter(~Exists(submitted))
        .order_by("audit_due_date", "id")
    )
    flags, notes = [], []
    for a in assignments:
        due = a.audit_due_date
        if due >= today:
            key = f"audit_reminder:{a.pk}:{due.isoformat()}"
            notes.append(
                _note(
                    a,
                    "manager",
                    key,
                    f"Audit report due {_when(due, today)} – {a.title}",
                    f"Your situational audit of “{a.title}” is due {_when(due, today)}. Submit "
                    "the report with a finding and a gap level for each of the six dimensions, "
                    "so the director can compare reality with the brief.",
                )
            )
        else:
            key = f"audit_overdue:{a.pk}:{due.isoformat()}"
            message = (
                f"The audit report of “{a.title}” was due on {due:%d %B %Y} and has not been "
                f"submitted: {_days((today - due).days)} overdue."
            )
            flags.append(
                Flag(assignment=a, kind=Flag.Kind.AUDIT_OVERDUE, key=key, message=message)
            )
            notes.append(_note(a, "director", key, f"Audit report overdue – {a.title}", message))
    return record(flags=flags, notes=notes)


# --- Client commitments and the latest meeting records ------------------------------------


def _digest(text):
    return hashlib.sha1(text.strip().lower().encode(), usedforsecurity=False).hexdigest()[:10]


def commitments_sweep(*, today=None):
    """Flag client commitments past due and not delivered (the manager is becoming the
    client's fuse), and what the latest meeting records say about direction and strain."""
    today = today or timezone.localdate()
    commitments = (
        ClientCommitment.objects.filter(
            delivered_on__isnull=True,
            due_date__lt=today,
            plan__status=ActionPlan.Status.CONFIRMED,
            plan__assignment__state__in=RUNNING_STATES,
        )
        .select_related("plan__assignment")
        .order_by("due_date", "id")
    )
    flags, notes = [], []
    for c in commitments:
        a = c.plan.assignment
        # The promise, not the row: a plan revision copies it and must not raise it again;
        # a revision that moves its due date starts a new period.
        key = f"fuse_risk:{a.pk}:{c.due_date.isoformat()}:{_digest(c.description)}"
        message = (
            f"The client promised “{c.description}” ({c.get_kind_display().lower()}) by "
            f"{c.due_date:%d %B %Y}; it has not come, {_days((today - c.due_date).days)} late. "
            "Without it the interim manager risks becoming the client's fuse: step in."
        )
        flags.append(Flag(assignment=a, kind=Flag.Kind.FUSE_RISK, key=key, message=message))
        notes.append(_note(a, "director", key, f"Client commitment overdue – {a.title}", message))
    found = record(flags=flags, notes=notes)
    return _merge(found, latest_meetings_sweep())


def _says_something(text):
    return (text or "").strip().strip(".!").strip().lower() not in NO_CHANGE_WORDS


def latest_meetings_sweep():
    """`direction_change` when the latest held meeting records a change of direction by the
    principal; `manager_strain` when it rates the manager's strain at MANAGER_STRAIN_LEVEL
    or more, or the workload at 5 (overloaded). Once per meeting."""
    level = settings.MANAGER_STRAIN_LEVEL
    latest = (
        ProgressMeeting.objects.filter(
            assignment=OuterRef("assignment_id"), status=ProgressMeeting.Status.HELD
        )
        .order_by("-held_on", "-id")
        .values("pk")[:1]
    )
    meetings = (
        ProgressMeeting.objects.filter(
            status=ProgressMeeting.Status.HELD, assignment__state__in=RUNNING_STATES
        )
        .filter(
            Q(manager_strain__gte=level) | Q(manager_workload__gte=5) | ~Q(direction_changes="")
        )
        .filter(pk=Subquery(latest))
        .select_related("assignment__interim_manager")
        .order_by("id")
    )
    flags, notes = [], []
    for m in meetings:
        a = m.assignment
        held = f"{m.held_on:%d %B %Y}" if m.held_on else "the last meeting"
        if _says_something(m.direction_changes):
            key = f"direction_change:meeting:{m.pk}"
            message = (
                f"At the progress review of {held} the principal changed direction: "
                f"{m.direction_changes.strip()} Check that the plan, the resources and the "
                "manager's mandate still match."
            )
            flags.append(
                Flag(assignment=a, kind=Flag.Kind.DIRECTION_CHANGE, key=key, message=message)
            )
            notes.append(_note(a, "director", key, f"Change of direction – {a.title}", message))
        strained = (m.manager_strain or 0) >= level or (m.manager_workload or 0) >= 5
        if strained:
            key = f"manager_strain:meeting:{m.pk}"
            who = a.interim_manager.full_name if a.interim_manager else "The interim manager"
            message = (
                f"At the progress review of {held}, {who}'s strain was rated "
                f"{m.manager_strain or '–'}/5 and workload {m.manager_workload or '–'}/5. "
                "Talk to the manager and re-establish roles and resources before it breaks."
            )
            flags.append(
                Flag(assignment=a, kind=Flag.Kind.MANAGER_STRAIN, key=key, message=message)
            )
            notes.append(_note(a, "director", key, f"Manager under strain – {a.title}", message))
    return record(flags=flags, notes=notes)


# --- Gap drift ----------------------------------------------------------------------------


def _levels_text(levels):
    labels = dict(Dimension.choices)
    names = dict(GapLevel.choices)
    return "\n".join(
        f"- {labels[d]}: {names[levels[d]].split('–')[-1].strip()}"
        for d in Dimension.values
        if d in levels
    )


def _store_on_assignment(reading):
    """The assignment's drift is its latest reading's."""
    newer = DriftReading.objects.filter(assignment_id=reading.assignment_id).filter(
        Q(recorded_at__gt=reading.recorded_at)
        | Q(recorded_at=reading.recorded_at, pk__gt=reading.pk)
    )
    if not newer.exists():
        Assignment.objects.filter(pk=reading.assignment_id).update(
            gap_drift=reading.score, gap_drift_at=timezone.now()
        )


def audit_drift_flag(audit_report_id):
    """Compute a submitted audit report's gap drift, store it on the assignment and in its
    history, flag it at GAP_DRIFT_THRESHOLD or with a critical dimension, and tell the
    director. Returns what was recorded ({} when already done or nothing to do)."""
    report = (
        AuditReport.objects.select_related("assignment")
        .filter(pk=audit_report_id, status__in=SUBMITTED_STATUSES)
        .first()
    )
    if report is None:
        return {}
    with transaction.atomic():
        audit_report_record_drift(report=report)
        reading = DriftReading.objects.select_for_update().get(audit_report=report)
        if reading.checked_at is not None:
            return {}
        a = report.assignment
        if a.is_final:  # closed meanwhile: nothing left to warn about
            DriftReading.objects.filter(pk=reading.pk).update(checked_at=timezone.now())
            return {}
        levels = report.levels
        score = reading.score
        threshold = settings.GAP_DRIFT_THRESHOLD
        critical = [Dimension(d).label.lower() for d, lvl in levels.items() if lvl == 3]
        _store_on_assignment(reading)
        flagged = score >= threshold or bool(critical)
        found = {"flags": 0, "notifications": 0}
        if flagged:
            why = [f"a gap drift of {score} (the threshold is {threshold})"]
            if critical:
                why.append(f"a critical gap on {', '.join(critical)}")
            message = (
                f"The audit report v{report.version} of “{a.title}” finds {' and '.join(why)}: "
                "reality is far from the brief. Review the audit with the client before "
                "the action plan."
            )
            _flag, created = flag_raise(
                assignment=a,
                kind=Flag.Kind.GAP_DRIFT,
                key=f"gap_drift:audit:{report.pk}",
                message=message,
            )
            found["flags"] += int(created)
        subject = f"Audit report v{report.version} submitted: gap drift {score} – {a.title}"
        if flagged:
            subject = f"Gap drift flagged ({score}) – {a.title}"
        body = (
            f"The interim manager submitted audit report v{report.version} of “{a.title}”. "
            f"Its gap drift is {score} of 100 (flag at {threshold}).\n\n"
            f"Gap per dimension:\n{_levels_text(levels)}\n\n"
            + (f"{message}\n\n" if flagged else "")
            + (
                "Review the report, then accept it or return it for revision."
                if report.status == AuditReport.Status.SUBMITTED
                else "The report is accepted; this score starts the assignment's drift history."
            )
        )
        found = _merge(
            found,
            record(notes=[_note(a, "director", f"audit_submitted:{report.pk}", subject, body)]),
        )
        DriftReading.objects.filter(pk=reading.pk).update(checked_at=timezone.now())
    return found


def drift_worsening(score, previous):
    """Whether a meeting's drift `score` shows a worsening trend against the earlier
    readings `previous` (newest first): GAP_DRIFT_WORSENING points or more above the
    previous reading, or two rises in a row adding up to that much."""
    step = settings.GAP_DRIFT_WORSENING
    if not previous:
        return False
    if score - previous[0] >= step:
        return True
    return len(previous) >= 2 and score > previous[0] > previous[1] and score - previous[1] >= step


def meeting_drift_check(meeting_id):
    """Look at a recorded meeting's drift against the history; a worsening trend raises a
    `gap_drift` flag and tells the director. Once per meeting."""
    with transaction.atomic():
        reading = (
            DriftReading.objects.select_for_update(of=("self",))
            .select_related("assignment", "meeting")
            .filter(meeting_id=meeting_id)
            .first()
        )
        if reading is None or reading.checked_at is not None:
            return {}
        if reading.assignment.is_final:  # closed meanwhile: nothing left to warn about
            DriftReading.objects.filter(pk=reading.pk).update(checked_at=timezone.now())
            return {}
        previous = list(
            DriftReading.objects.filter(assignment_id=reading.assignment_id)
            .filter(
                Q(recorded_at__lt=reading.recorded_at)
                | Q(recorded_at=reading.recorded_at, pk__lt=reading.pk)
            )
            .order_by("-recorded_at", "-id")
            .values_list("score", flat=True)[:2]
        )
        found = {"flags": 0, "notifications": 0}
        _store_on_assignment(reading)
        if drift_worsening(reading.score, previous):
            a = reading.assignment
            key = f"gap_drift:meeting:{meeting_id}"
            trend = " → ".join(str(s) for s in [*reversed(previous), reading.score])
            held = reading.meeting.held_on or reading.meeting.scheduled_for
            message = (
                f"The gap drift of “{a.title}” is worsening: {trend} at the progress review of "
                f"{held:%d %B %Y}. Plan and reality are drifting apart: consider a realignment."
            )
            _flag, created = flag_raise(
                assignment=a, kind=Flag.Kind.GAP_DRIFT, key=key, message=message
            )
            found["flags"] += int(created)
            found = _merge(
                found,
                record(
                    notes=[_note(a, "director", key, f"Gap drift worsening – {a.title}", message)]
                ),
            )
        DriftReading.objects.filter(pk=reading.pk).update(checked_at=timezone.now())
    return found


def drift_catch_up():
    """Do the drift work that an on-event task should have done and did not (the broker was
    down, or a worker lost it): submitted reports without a reading, and readings not yet
    checked for flags, of the last GAP_DRIFT_CATCH_UP_DAYS. Derived from the state of the
    database, so nothing is lost between a commit and a publish."""
    since = timezone.now() - timedelta(days=settings.GAP_DRIFT_CATCH_UP_DAYS)
    report_ids = list(
        AuditReport.objects.filter(
            status__in=SUBMITTED_STATUSES, submitted_at__gte=since, reading__isnull=True
        )
        .exclude(assignment__state__in=FINAL_STATES)
        .order_by("submitted_at", "id")
        .values_list("pk", flat=True)
    )
    unchecked = list(
        DriftReading.objects.filter(checked_at__isnull=True, recorded_at__gte=since)
        .exclude(assignment__state__in=FINAL_STATES)
        .order_by("recorded_at", "id")
        .values_list("audit_report_id", "meeting_id")
    )
    found = {"flags": 0, "notifications": 0}
    for report_id in report_ids:
        found = _merge(found, audit_drift_flag(report_id))
    for report_id, meeting_id in unchecked:
        if report_id is not None and report_id not in report_ids:
            found = _merge(found, audit_drift_flag(report_id))
        elif meeting_id is not None:
            found = _merge(found, meeting_drift_check(meeting_id))
    return found
