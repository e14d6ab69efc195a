"""Progress meetings: scheduled at the assignment's cadence, recorded with six ratings."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .. import access
from ..drift import gap_drift
from ..models import (
    Assignment,
    Dimension,
    DriftReading,
    MeetingRating,
    ProgressMeeting,
    TransitionRecord,
)
from . import events
from .background import enqueue_on_commit
from .business import opportunity_from_meeting
from .common import drift_weights, require
from .drift import drift_store_on_assignment
from .freshness import dashboard_changed

MEETING_FIELDS = (
    "summary",
    "milestone_progress",
    "commitments_review",
    "manager_workload",
    "manager_strain",
    "direction_changes",
    "realignment_actions",
    "opportunities",
)


SATURDAY = 5
# A meeting's length when none is given (the model's default).
DEFAULT_DURATION_MINUTES = 60


def working_day(day: date) -> date:
    """`day`, or the Monday after it when it falls on a weekend: the parties meet on
    working days."""
    if day.weekday() >= SATURDAY:
        return day + timedelta(days=7 - day.weekday())
    return day


def next_meeting_date(assignment: Assignment, *, after: date) -> date:
    """One cadence after `after`, on a working day."""
    return working_day(after + timedelta(days=assignment.review_cadence_days))


def schedule_next_meeting(
    assignment: Assignment, *, after: date, like: ProgressMeeting | None = None
) -> ProgressMeeting | None:
    """The next review, one cadence after `after`, unless one is scheduled already; at the
    hour and for the length of `like` (the meeting it follows), when there is one."""
    if assignment.meetings.filter(status=ProgressMeeting.Status.SCHEDULED).exists():
        return None
    hour = {"starts_at": like.starts_at, "duration_minutes": like.duration_minutes} if like else {}
    return ProgressMeeting.objects.create(
        assignment=assignment, scheduled_for=next_meeting_date(assignment, after=after), **hour
    )


def assignment_started_on(assignment: Assignment) -> date | None:
    """The day the assignment started running: its start date, or else the day of its
    `start_progress` transition."""
    if assignment.started_on:
        return assignment.started_on
    at = (
        TransitionRecord.objects.filter(assignment=assignment, transition="start_progress")
        .order_by("at")
        .values_list("at", flat=True)
        .first()
    )
    return timezone.localdate(at) if at else None


def held_on_refusal(
    assignment: Assignment,
    held_on: date,
    *,
    meeting: ProgressMeeting | None = None,
    today: date | None = None,
) -> str:
    """Why `held_on` is not a plausible day for a meeting of this assignment ("" when it
    is): not in the future, not before the assignment started, not before the last
    meeting held."""
    today = today or timezone.localdate()
    if held_on > today:
        return _("A meeting cannot be recorded as held in the future.")
    started = assignment_started_on(assignment)
    if started and held_on < started:
        return _(
            "A meeting cannot be held before the assignment started (%(day)s): check the date."
        ) % {"day": date_format(started, "d M Y")}
    held = assignment.meetings.filter(status=ProgressMeeting.Status.HELD, held_on__isnull=False)
    if meeting is not None:
        held = held.exclude(pk=meeting.pk)
    previous = held.order_by("-held_on").values_list("held_on", flat=True).first()
    if previous and held_on < previous:
        return _("A meeting cannot be held before the previous one (%(day)s): check the date.") % {
            "day": date_format(previous, "d M Y")
        }
    return ""


def scheduled_for_refusal(scheduled_for: date, *, today: date | None = None) -> str:
    """Why `scheduled_for` cannot be given to a meeting ("" when it can): not in the past."""
    today = today or timezone.localdate()
    if scheduled_for < today:
        return _("A meeting cannot be scheduled in the past: choose today or a later day.")
    return ""


def meeting_schedule(
    *,
    assignment: Assignment,
    user: Any,
    scheduled_for: date,
    starts_at: time | None = None,
    duration_minutes: int | None = None,
    today: date | None = None,
) -> ProgressMeeting:
    """Set (or move) the next progress meeting: its day, and its hour (in TIME_ZONE) and
    length if known. The day is the user's choice, weekends included; `today` is the day
    it is decided (the demo's back-story passes its own)."""
    access.check("schedule_meeting", assignment, user)
    problem = scheduled_for_refusal(scheduled_for, today=today)
    require(not problem, problem)
    when = {
        "scheduled_for": scheduled_for,
        "starts_at": starts_at,
        "duration_minutes": duration_minutes or DEFAULT_DURATION_MINUTES,
    }
    with transaction.atomic():
        meeting = assignment.meetings.filter(status=ProgressMeeting.Status.SCHEDULED).first()
        if meeting:
            for name, value in when.items():
                setattr(meeting, name, value)
            meeting.save(update_fields=list(when))
        else:
            meeting = ProgressMeeting.objects.create(assignment=assignment, **when)
        dashboard_changed(assignment)
    return meeting


def meeting_record(
    *,
    meeting: ProgressMeeting,
    user: Any,
    held_on: date,
    ratings: dict[str, int],
    today: date | None = None,
    **fields: Any,
) -> ProgressMeeting:
    """Record a held progress meeting with its six ratings; the next one is scheduled.
    `today` is the day it is recorded (the demo's back-story passes its own)."""
    assignment = meeting.assignment
    access.check("record_meeting", assignment, user)
    unknown = set(fields) - set(MEETING_FIELDS)
    require(
        not unknown,
        _("Unknown meeting field(s): %(names)s.") % {"names": ", ".join(sorted(unknown))},
    )
    missing = [str(label) for value, label in Dimension.choices if value not in ratings]
    require(
        not missing, _("Rate every dimension; missing: %(names)s.") % {"names": ", ".join(missing)}
    )
    score = gap_drift(ratings, drift_weights())
    with transaction.atomic():
        locked = ProgressMeeting.objects.select_for_update().get(pk=meeting.pk)
        require(
            locked.status == ProgressMeeting.Status.SCHEDULED,
            _("This meeting is already %(status)s.")
            % {"status": locked.get_status_display().lower()},
        )
        problem = held_on_refusal(assignment, held_on, meeting=locked, today=today)
        require(not problem, problem)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.status = ProgressMeeting.Status.HELD
        locked.held_on = held_on
        locked.recorded_by = user
        locked.drift_score = score
        locked.full_clean()
        locked.save()
        MeetingRating.objects.bulk_create(
            MeetingRating(meeting=locked, dimension=d, level=lvl) for d, lvl in ratings.items()
        )
        reading = DriftReading.objects.create(
            assignment=assignment, meeting=locked, score=score, recorded_at=timezone.now()
        )
        drift_store_on_assignment(reading)
        schedule_next_meeting(assignment, after=held_on, like=locked)
        # The worker looks at the trend; a sweep catches up if it is lost.
        enqueue_on_commit("check_meeting_drift", locked.pk)
        events.meeting_recorded(locked, user)
        # New business noted at the meeting becomes a lead of the firm's pipeline.
        opportunity_from_meeting(locked)
        dashboard_changed(assignment)
    meeting.refresh_from_db()
    return meeting


def meeting_mark_missed(*, meeting: ProgressMeeting, user: Any) -> ProgressMeeting:
    """Record that a scheduled meeting did not take place; the next one is scheduled."""
    assignment = meeting.assignment
    access.check("mark_meeting_missed", assignment, user)
    with transaction.atomic():
        locked = ProgressMeeting.objects.select_for_update().get(pk=meeting.pk)
        require(
            locked.status == ProgressMeeting.Status.SCHEDULED,
            _("This meeting is already %(status)s.")
            % {"status": locked.get_status_display().lower()},
        )
        locked.status = ProgressMeeting.Status.MISSED
        locked.save(update_fields=["status"])
        schedule_next_meeting(assignment, after=timezone.localdate(), like=locked)
        dashboard_changed(assignment)
    meeting.refresh_from_db()
    return meeting
