"""The periodic sweeps: reminders, escalations and the flags nobody asked for in time.

Each selects due rows in bulk from dates in the database and records every flag and
notification once per key (the thing and the period it is about), so a retry, a
redelivery, two beats or a run by hand records nothing twice. The tasks in `tasks.py`
call these; a new reminder goes here, into `tasks.py` and into the beat schedule.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from ..constants import OVERLOADED, RUNNING_STATES
from ..models import (
    ActionPlan,
    Assignment,
    AuditReport,
    ClientCommitment,
    Flag,
    ProgressMeeting,
    State,
)
from .drift import SUBMITTED_STATUSES
from .flags import Found, merge, record
from .notifications import ROLE_REASONS, notification_for

# What a meeting's "direction changes" field holds when there were none.
NO_CHANGE_WORDS = {"", "none", "no", "nil", "n/a", "na", "-", "nothing", "no change", "no changes"}


def _days(n: int) -> str:
    return "1 day" if abs(n) == 1 else f"{abs(n)} days"


def _when(day: date, today: date) -> str:
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    return f"in {_days((day - today).days)}, on {day:%A %d %B}"


def review_reminders_send(*, today: date | None = None) -> Found:
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
            notes += [
                notification_for(a, role, key, subject, body, anchor="meetings")
                for role in ROLE_REASONS
            ]
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
                notification_for(
                    a,
                    "director",
                    key,
                    f"Progress review overdue – {a.title}",
                    message,
                    anchor="meetings",
                )
            )
    return record(flags=flags, notes=notes)


def audit_reminders_send(*, today: date | None = None) -> Found:
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
                notification_for(
                    a,
                    "manager",
                    key,
                    f"Audit report due {_when(due, today)} – {a.title}",
                    f"Your situational audit of “{a.title}” is due {_when(due, today)}. Submit "
                    "the report with a finding and a gap level for each of the six dimensions, "
                    "so the director can compare reality with the brief.",
                    anchor="audit",
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
            notes.append(
                notification_for(
                    a,
                    "director",
                    key,
                    f"Audit report overdue – {a.title}",
                    message,
                    anchor="audit",
                )
            )
    return record(flags=flags, notes=notes)


def _digest(text: str) -> str:
    return hashlib.sha1(text.strip().lower().encode(), usedforsecurity=False).hexdigest()[:10]


def commitments_sweep(*, today: date | None = None) -> Found:
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
        notes.append(
            notification_for(
                a,
                "director",
                key,
                f"Client commitment overdue – {a.title}",
                message,
                anchor="plan",
            )
        )
    found = record(flags=flags, notes=notes)
    return merge(found, latest_meetings_sweep())


def _says_something(text: str) -> bool:
    return (text or "").strip().strip(".!").strip().lower() not in NO_CHANGE_WORDS


def latest_meetings_sweep() -> Found:
    """`direction_change` when the latest held meeting records a change of direction by the
    principal; `manager_strain` when it rates the manager's strain at MANAGER_STRAIN_LEVEL
    or more, or the workload at its maximum (overloaded). Once per meeting."""
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
            Q(manager_strain__gte=level)
            | Q(manager_workload__gte=OVERLOADED)
            | ~Q(direction_changes="")
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
            notes.append(
                notification_for(
                    a, "director", key, f"Change of direction – {a.title}", message, anchor="flags"
                )
            )
        strained = (m.manager_strain or 0) >= level or (m.manager_workload or 0) >= OVERLOADED
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
            notes.append(
                notification_for(
                    a,
                    "director",
                    key,
                    f"Manager under strain – {a.title}",
                    message,
                    anchor="flags",
                )
            )
    return record(flags=flags, notes=notes)
