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
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext_lazy

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
from .notifications import ROLE_REASONS, day, notification_for, said

# What a meeting's "direction changes" field holds when there were none.
NO_CHANGE_WORDS = {"", "none", "no", "nil", "n/a", "na", "-", "nothing", "no change", "no changes"}


def _days(n: int) -> str:
    return said(ngettext_lazy("%(n)s day", "%(n)s days", "n"), n=abs(n))


def _when(due: date, today: date) -> str | Promise:
    if due == today:
        return _lazy("today")
    if due == today + timedelta(days=1):
        return _lazy("tomorrow")
    return said(
        _lazy("in %(days)s, on %(day)s"), days=_days((due - today).days), day=day(due, "l d F")
    )


# A choice's label, lower-cased in the reader's language.
_lowered = lazy(lambda label: str(label).lower(), str)


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
        due = meeting.scheduled_for
        if due >= today:
            key = f"review_reminder:{meeting.pk}:{due.isoformat()}"
            subject = said(
                _lazy("Progress review %(when)s – %(title)s"),
                when=_when(due, today),
                title=a.title,
            )
            body = said(
                _lazy(
                    "The progress review of “%(title)s” is due %(when)s. Bring milestone "
                    "progress, the client's commitments, the six ratings (objectives, context, "
                    "skills, resources, expectations, timeline) and how the interim manager is "
                    "holding up."
                ),
                title=a.title,
                when=_when(due, today),
            )
            notes += [
                notification_for(a, role, key, subject, body, anchor="meetings")
                for role in ROLE_REASONS
            ]
        else:
            key = f"review_overdue:{meeting.pk}:{due.isoformat()}"
            message = said(
                _lazy(
                    "The progress review of “%(title)s” was due on %(day)s and has not been "
                    "recorded: %(late)s overdue. Hold it, record it, or mark it missed."
                ),
                title=a.title,
                day=day(due),
                late=_days((today - due).days),
            )
            flags.append(
                Flag(assignment=a, kind=Flag.Kind.REVIEW_OVERDUE, key=key, message=message)
            )
            notes.append(
                notification_for(
                    a,
                    "director",
                    key,
                    said(_lazy("Progress review overdue – %(title)s"), title=a.title),
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
                    said(
                        _lazy("Audit report due %(when)s – %(title)s"),
                        when=_when(due, today),
                        title=a.title,
                    ),
                    said(
                        _lazy(
                            "Your situational audit of “%(title)s” is due %(when)s. Submit the "
                            "report with a finding and a gap level for each of the six "
                            "dimensions, so the director can compare reality with the brief."
                        ),
                        title=a.title,
                        when=_when(due, today),
                    ),
                    anchor="audit",
                )
            )
        else:
            key = f"audit_overdue:{a.pk}:{due.isoformat()}"
            message = said(
                _lazy(
                    "The audit report of “%(title)s” was due on %(day)s and has not been "
                    "submitted: %(late)s overdue."
                ),
                title=a.title,
                day=day(due),
                late=_days((today - due).days),
            )
            flags.append(
                Flag(assignment=a, kind=Flag.Kind.AUDIT_OVERDUE, key=key, message=message)
            )
            notes.append(
                notification_for(
                    a,
                    "director",
                    key,
                    said(_lazy("Audit report overdue – %(title)s"), title=a.title),
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
        message = said(
            _lazy(
                "The client promised “%(promise)s” (%(kind)s) by %(day)s; it has not come, "
                "%(late)s late. Without it the interim manager risks becoming the client's "
                "fuse: step in."
            ),
            promise=c.description,
            kind=_lowered(ClientCommitment.Kind(c.kind).label),
            day=day(c.due_date),
            late=_days((today - c.due_date).days),
        )
        flags.append(Flag(assignment=a, kind=Flag.Kind.FUSE_RISK, key=key, message=message))
        notes.append(
            notification_for(
                a,
                "director",
                key,
                said(_lazy("Client commitment overdue – %(title)s"), title=a.title),
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
        held = day(m.held_on) if m.held_on else _lazy("the last meeting")
        if _says_something(m.direction_changes):
            key = f"direction_change:meeting:{m.pk}"
            message = said(
                _lazy(
                    "At the progress review of %(held)s the principal changed direction: "
                    "%(changes)s Check that the plan, the resources and the manager's mandate "
                    "still match."
                ),
                held=held,
                changes=m.direction_changes.strip(),
            )
            flags.append(
                Flag(assignment=a, kind=Flag.Kind.DIRECTION_CHANGE, key=key, message=message)
            )
            notes.append(
                notification_for(
                    a,
                    "director",
                    key,
                    said(_lazy("Change of direction – %(title)s"), title=a.title),
                    message,
                    anchor="flags",
                )
            )
        strained = (m.manager_strain or 0) >= level or (m.manager_workload or 0) >= OVERLOADED
        if strained:
            key = f"manager_strain:meeting:{m.pk}"
            message = said(
                _lazy(
                    "At the progress review of %(held)s, %(who)s's strain was rated "
                    "%(strain)s/5 and workload %(workload)s/5. Talk to the manager and "
                    "re-establish roles and resources before it breaks."
                )
                if a.interim_manager
                else _lazy(
                    "At the progress review of %(held)s, the interim manager's strain was "
                    "rated %(strain)s/5 and workload %(workload)s/5. Talk to the manager and "
                    "re-establish roles and resources before it breaks."
                ),
                held=held,
                who=a.interim_manager.full_name if a.interim_manager else "",
                strain=m.manager_strain or "–",
                workload=m.manager_workload or "–",
            )
            flags.append(
                Flag(assignment=a, kind=Flag.Kind.MANAGER_STRAIN, key=key, message=message)
            )
            notes.append(
                notification_for(
                    a,
                    "director",
                    key,
                    said(_lazy("Manager under strain – %(title)s"), title=a.title),
                    message,
                    anchor="flags",
                )
            )
    return record(flags=flags, notes=notes)
