"""What a person's calendar shows: the progress meetings and audit due dates of the
assignments they see, each as the party they are on it.

Two queries whatever the number of assignments: the assignments (`assignments_for_user`,
the same scope as every list) and their meetings. What each event may say is asked of
`access`, per assignment, like the assignment page does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access
from ..constants import State
from ..models import Assignment, AuditReport, ProgressMeeting
from .scoping import assignments_for_user

# How far back the feed reaches: a calendar keeps what it has already read, and a long
# history would make every poll heavier for nothing.
PAST_DAYS = 180

# Reports that end the wait for an audit: once one is in, the due date is met.
SUBMITTED = (AuditReport.Status.SUBMITTED, AuditReport.Status.ACCEPTED)

# The meetings that did not take place stay in the feed, cancelled: a calendar that read
# them as planned learns they are off (an event that vanishes is not removed by every
# application).
NOT_HELD = (ProgressMeeting.Status.MISSED, ProgressMeeting.Status.CANCELLED)


@dataclass(frozen=True)
class CalendarEvent:
    """One event of a calendar: a whole day when `starts_at` is None, else an hour in
    settings.TIME_ZONE."""

    uid: str
    summary: str
    description: str
    path: str  # the exact place on the assignment page
    day: date
    starts_at: time | None = None
    duration_minutes: int = 60
    cancelled: bool = False


def meeting_event(meeting: ProgressMeeting, assignment: Assignment) -> CalendarEvent:
    """A progress meeting as an event: on the day it was held, else the day planned."""
    names = {"title": assignment.title, "client": assignment.client.name}
    status = str(meeting.get_status_display())
    if meeting.status == ProgressMeeting.Status.MISSED:
        summary = _("Missed: progress meeting – %(title)s") % names
    elif meeting.status == ProgressMeeting.Status.CANCELLED:
        summary = _("Cancelled: progress meeting – %(title)s") % names
    else:
        summary = _("Progress meeting – %(title)s") % names
    description = _("Progress meeting of the assignment “%(title)s” for %(client)s.") % names
    return CalendarEvent(
        uid=f"meeting-{meeting.pk}@interim",
        summary=summary,
        description=f"{description}\n{status}",
        path=f"{reverse('assignments:detail', args=[assignment.pk])}#meeting-{meeting.pk}",
        day=meeting.held_on or meeting.scheduled_for,
        starts_at=meeting.starts_at,
        duration_minutes=meeting.duration_minutes,
        cancelled=meeting.status in NOT_HELD,
    )


def audit_due_event(assignment: Assignment) -> CalendarEvent:
    assert assignment.audit_due_date is not None  # shows_audit_due asked first
    names = {"title": assignment.title, "client": assignment.client.name}
    return CalendarEvent(
        uid=f"audit-due-{assignment.pk}-{assignment.audit_due_date:%Y%m%d}@interim",
        summary=_("Audit report due – %(title)s") % names,
        description=_("The situational audit of “%(title)s” for %(client)s is due.") % names,
        path=f"{reverse('assignments:detail', args=[assignment.pk])}#audit",
        day=assignment.audit_due_date,
    )


def shows_audit_due(assignment: Assignment, user: Any) -> bool:
    """The audit's due date, while it is awaited. The provider's side stops waiting when a
    report is submitted; the client, who does not see a report before it is accepted, sees
    the due date as long as the page does (the whole audit phase): its disappearing would
    tell them of a report they may not see yet."""
    if assignment.state != State.AUDIT or assignment.audit_due_date is None:
        return False
    if access.can_see_unaccepted_audit(assignment, user):
        return not assignment.audit_submitted  # type: ignore[attr-defined]  # annotated by calendar_events
    return True


def calendar_events(user: Any, *, today: date | None = None) -> list[CalendarEvent]:
    """The events of `user`'s calendar, oldest first, from PAST_DAYS ago on."""
    since = (today or timezone.localdate()) - timedelta(days=PAST_DAYS)
    scope = assignments_for_user(user)
    submitted = AuditReport.objects.filter(assignment=OuterRef("pk"), status__in=SUBMITTED)
    assignments = {
        a.pk: a
        for a in scope.select_related("client")
        .only(
            "pk",
            "title",
            "state",
            "firm_id",
            "client_id",
            "client__name",
            "interim_manager_id",
            "audit_due_date",
        )
        .annotate(audit_submitted=Exists(submitted))
    }
    meetings = (
        ProgressMeeting.objects.filter(assignment__in=scope.values("pk"))
        .filter(Q(held_on__gte=since) | Q(held_on__isnull=True, scheduled_for__gte=since))
        .only(
            "pk",
            "assignment_id",
            "status",
            "scheduled_for",
            "held_on",
            "starts_at",
            "duration_minutes",
        )
        .order_by()
    )
    events = [
        meeting_event(m, assignments[m.assignment_id])
        for m in meetings
        if m.assignment_id in assignments
    ]
    events += [
        audit_due_event(a)
        for a in assignments.values()
        if shows_audit_due(a, user) and (a.audit_due_date or since) >= since
    ]
    return sorted(events, key=lambda e: (e.day, e.starts_at or time.min, e.uid))
