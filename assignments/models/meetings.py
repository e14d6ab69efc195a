"""Progress meetings, their six ratings, and the gap-drift history."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ..constants import CRITICAL_LEVEL, RATING_MAX, RATING_MIN, Dimension, GapLevel

User = settings.AUTH_USER_MODEL


class ProgressMeeting(models.Model):
    """A progress review of the assignment: the partnership's regular check."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _lazy("Scheduled")
        HELD = "held", _lazy("Held")
        MISSED = "missed", _lazy("Missed")
        # Closing an assignment keeps the meeting it had scheduled, as a record that it
        # was planned and did not take place.
        CANCELLED = "cancelled", _lazy("Cancelled with the assignment")

    assignment = models.ForeignKey(
        "assignments.Assignment", on_delete=models.CASCADE, related_name="meetings"
    )
    scheduled_for = models.DateField(db_index=True)
    # The hour it starts, in settings.TIME_ZONE (the firm's): a calendar shows a meeting
    # without one as lasting the whole day.
    starts_at = models.TimeField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(15), MaxValueValidator(600)]
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    held_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    milestone_progress = models.TextField(blank=True)
    commitments_review = models.TextField(blank=True)
    manager_workload = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
        help_text=_lazy("1 light – 5 overloaded"),
    )
    manager_strain = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
        help_text=_lazy("1 serene – 5 worn out"),
    )
    direction_changes = models.TextField(
        blank=True,
        help_text=_lazy("Changes of direction by the principal, and under what pressure."),
    )
    realignment_actions = models.TextField(blank=True)
    opportunities = models.TextField(_lazy("new business opportunities"), blank=True)
    drift_score = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _lazy("progress meeting")
        verbose_name_plural = _lazy("progress meetings")
        ordering = ["assignment", "scheduled_for", "id"]
        indexes = [
            models.Index(fields=["status", "scheduled_for"]),
            # Each assignment's latest held meeting, read by a sweep for every held one:
            # one index probe each, with or without planner statistics.
            models.Index(
                "assignment",
                models.F("held_on").desc(),
                models.F("id").desc(),
                condition=Q(status="held"),
                name="meeting_held_latest",
            ),
            # The newest held meetings of a firm or a client (recent meetings, new business):
            # walked in order until the first few in scope, whatever the history's length.
            models.Index(
                models.F("held_on").desc(), condition=Q(status="held"), name="meeting_held_newest"
            ),
            # An assignment's next meeting (homes, dashboard, reminders): one probe per
            # assignment, instead of intersecting it with every scheduled meeting's row.
            models.Index(
                "assignment",
                "scheduled_for",
                condition=Q(status="scheduled"),
                name="meeting_scheduled_next",
            ),
        ]

    def __str__(self):
        return _("Progress meeting %(date)s – %(assignment)s") % {
            "date": self.scheduled_for,
            "assignment": self.assignment,
        }

    @property
    def is_scheduled(self):
        return self.status == self.Status.SCHEDULED

    @property
    def is_held(self):
        return self.status == self.Status.HELD

    @property
    def is_missed(self):
        return self.status == self.Status.MISSED

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def levels(self):
        return {r.dimension: r.level for r in self.ratings.all()}


class MeetingRating(models.Model):
    """Plan versus reality for one dimension, as rated at a progress meeting."""

    meeting = models.ForeignKey(
        "assignments.ProgressMeeting", on_delete=models.CASCADE, related_name="ratings"
    )
    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    level = models.PositiveSmallIntegerField(choices=GapLevel.choices)

    class Meta:
        verbose_name = _lazy("meeting rating")
        verbose_name_plural = _lazy("meeting ratings")
        ordering = ["meeting", "dimension"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "dimension"], name="one_rating_per_dimension"
            ),
            models.CheckConstraint(
                condition=Q(level__lte=CRITICAL_LEVEL), name="rating_level_0_3"
            ),
        ]

    def __str__(self):
        return _("%(dimension)s: level %(level)s") % {
            "dimension": self.get_dimension_display(),
            "level": self.level,
        }


class DriftReading(models.Model):
    """One point of the assignment's gap-drift history (an audit or a meeting)."""

    assignment = models.ForeignKey(
        "assignments.Assignment", on_delete=models.CASCADE, related_name="drift_readings"
    )
    score = models.PositiveSmallIntegerField()
    audit_report = models.OneToOneField(
        "assignments.AuditReport",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reading",
    )
    meeting = models.OneToOneField(
        "assignments.ProgressMeeting",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reading",
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    # Set by the drift service once it has looked at this reading for flags; a reading left
    # unchecked (the broker was down) is caught up by a periodic sweep.
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _lazy("drift reading")
        verbose_name_plural = _lazy("drift readings")
        ordering = ["assignment", "recorded_at", "id"]
        indexes = [
            models.Index(
                fields=["recorded_at"],
                condition=Q(checked_at__isnull=True),
                name="drift_reading_unchecked",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(audit_report__isnull=False, meeting__isnull=True)
                | Q(audit_report__isnull=True, meeting__isnull=False),
                name="reading_from_audit_or_meeting",
            )
        ]

    def __str__(self):
        return _("Drift %(score)s on %(date)s") % {
            "score": self.score,
            "date": f"{self.recorded_at:%Y-%m-%d}",
        }
