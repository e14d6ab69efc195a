"""Progress meetings: scheduled at the assignment's cadence, recorded with six ratings."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from .. import access
from ..drift import gap_drift
from ..models import Assignment, Dimension, DriftReading, MeetingRating, ProgressMeeting
from .background import enqueue_on_commit
from .common import drift_weights, require
from .drift import drift_store_on_assignment

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


def schedule_next_meeting(assignment: Assignment, *, after: date) -> ProgressMeeting | None:
    """The next review, one cadence after `after`, unless one is scheduled already."""
    if assignment.meetings.filter(status=ProgressMeeting.Status.SCHEDULED).exists():
        return None
    return ProgressMeeting.objects.create(
        assignment=assignment,
        scheduled_for=after + timedelta(days=assignment.review_cadence_days),
    )


def meeting_schedule(*, assignment: Assignment, user: Any, scheduled_for: date) -> ProgressMeeting:
    """Set (or move) the next progress meeting."""
    access.check("schedule_meeting", assignment, user)
    with transaction.atomic():
        meeting = assignment.meetings.filter(status=ProgressMeeting.Status.SCHEDULED).first()
        if meeting:
            meeting.scheduled_for = scheduled_for
            meeting.save(update_fields=["scheduled_for"])
        else:
            meeting = ProgressMeeting.objects.create(
                assignment=assignment, scheduled_for=scheduled_for
            )
    return meeting


def meeting_record(
    *, meeting: ProgressMeeting, user: Any, held_on: date, ratings: dict[str, int], **fields: Any
) -> ProgressMeeting:
    """Record a held progress meeting with its six ratings; the next one is scheduled."""
    assignment = meeting.assignment
    access.check("record_meeting", assignment, user)
    unknown = set(fields) - set(MEETING_FIELDS)
    require(not unknown, f"Unknown meeting field(s): {', '.join(sorted(unknown))}.")
    require(held_on <= timezone.localdate(), "A meeting cannot be recorded as held in future.")
    missing = [label for value, label in Dimension.choices if value not in ratings]
    require(not missing, f"Rate every dimension; missing: {', '.join(missing)}.")
    score = gap_drift(ratings, drift_weights())
    with transaction.atomic():
        locked = ProgressMeeting.objects.select_for_update().get(pk=meeting.pk)
        require(
            locked.status == ProgressMeeting.Status.SCHEDULED,
            f"This meeting is already {locked.get_status_display().lower()}.",
        )
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
        schedule_next_meeting(assignment, after=held_on)
        # The worker looks at the trend; a sweep catches up if it is lost.
        enqueue_on_commit("check_meeting_drift", locked.pk)
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
            f"This meeting is already {locked.get_status_display().lower()}.",
        )
        locked.status = ProgressMeeting.Status.MISSED
        locked.save(update_fields=["status"])
        schedule_next_meeting(assignment, after=timezone.localdate())
    meeting.refresh_from_db()
    return meeting
