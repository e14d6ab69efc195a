"""The close-out: the director's review of how the assignment ended, and the two
evaluations the provider collects, each seen by the provider and never by the other party.
Opened when an assignment completes (or is cancelled after its audit), open for a window
(`CLOSEOUT_WINDOW_DAYS`); each part, once submitted, is never edited."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ..constants import RATING_MAX, RATING_MIN, Dimension

User = settings.AUTH_USER_MODEL

rating = [MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)]


class Cause(models.TextChoices):
    """Why an assignment went wrong, in the white paper's words."""

    OVERSELL = "oversell", _lazy("Oversell: the manager was not the right person for the job")
    INFORMATION_WITHHELD = "information_withheld", _lazy("Information withheld by the client")
    FUSE = "fuse", _lazy("The manager used as a fuse")
    DIRECTION_CHANGE = "direction_change", _lazy("A change of direction under pressure")
    MANAGER_POSTURE = "manager_posture", _lazy("The manager's own skills or posture")
    CLIENT_ORGANISATION = (
        "client_organisation",
        _lazy("A client organisation unable to host the assignment"),
    )
    OTHER = "other", _lazy("Other")


class Achievement(models.TextChoices):
    ACHIEVED = "achieved", _lazy("Achieved")
    PARTLY = "partly", _lazy("Partly achieved")
    NOT_ACHIEVED = "not_achieved", _lazy("Not achieved")


class Closeout(models.Model):
    """One assignment's close-out, and the director's review once given."""

    assignment = models.OneToOneField(
        "assignments.Assignment", on_delete=models.CASCADE, related_name="closeout"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    # The last day a part is taken; reminders stop after it.
    closes_on = models.DateField()
    # Snapshots taken when the close-out opens, so that a track record reads them off one
    # row: the drift the accepted audit found, the last reading, and the history in words.
    drift_at_audit = models.PositiveSmallIntegerField(null=True, blank=True)
    drift_at_close = models.PositiveSmallIntegerField(null=True, blank=True)
    drift_summary = models.TextField(blank=True)
    # The director's review.
    review = models.TextField(_lazy("overall review"), blank=True)
    cause = models.CharField(
        _lazy("what went wrong"),
        max_length=30,
        choices=Cause.choices,
        blank=True,
        help_text=_lazy("Leave empty when the assignment went well."),
    )
    cause_detail = models.TextField(_lazy("cause, in a few words"), blank=True)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _lazy("close-out")
        verbose_name_plural = _lazy("close-outs")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["closes_on"], name="closeout_closes_on")]

    def __str__(self):
        return _("Close-out of %(assignment)s") % {"assignment": self.assignment}

    @property
    def is_reviewed(self):
        return self.reviewed_at is not None


class CloseoutDimension(models.Model):
    """The director's reading of one dimension: the outcome against the brief, the audit
    and the last confirmed plan."""

    closeout = models.ForeignKey(Closeout, on_delete=models.CASCADE, related_name="dimensions")
    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    result = models.CharField(max_length=12, choices=Achievement.choices)
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _lazy("close-out dimension")
        verbose_name_plural = _lazy("close-out dimensions")
        ordering = ["closeout", "dimension"]
        constraints = [
            models.UniqueConstraint(
                fields=["closeout", "dimension"], name="one_closeout_reading_per_dimension"
            )
        ]

    def __str__(self):
        return f"{self.get_dimension_display()}: {self.get_result_display()}"


class CloseoutMilestone(models.Model):
    """The final status of one milestone of the last confirmed plan."""

    closeout = models.ForeignKey(Closeout, on_delete=models.CASCADE, related_name="milestones")
    milestone = models.ForeignKey(
        "assignments.Milestone", on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Achievement.choices)
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _lazy("close-out milestone")
        verbose_name_plural = _lazy("close-out milestones")
        ordering = ["closeout", "milestone__due_date", "milestone_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["closeout", "milestone"], name="one_final_status_per_milestone"
            )
        ]

    def __str__(self):
        return f"{self.milestone}: {self.get_status_display()}"


class ClientEvaluation(models.Model):
    """The client's evaluation of the manager: for the provider, never for the manager."""

    closeout = models.OneToOneField(
        Closeout, on_delete=models.CASCADE, related_name="client_evaluation"
    )
    delivery = models.PositiveSmallIntegerField(
        validators=rating, help_text=_lazy("1 poor – 5 excellent")
    )
    posture = models.PositiveSmallIntegerField(
        validators=rating, help_text=_lazy("1 poor – 5 excellent")
    )
    would_engage_again = models.BooleanField(_lazy("would engage this manager again"))
    comment = models.TextField(blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _lazy("client evaluation")
        verbose_name_plural = _lazy("client evaluations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(delivery__gte=RATING_MIN, delivery__lte=RATING_MAX)
                & models.Q(posture__gte=RATING_MIN, posture__lte=RATING_MAX),
                name="client_evaluation_1_to_5",
            )
        ]

    def __str__(self):
        return _("Client evaluation of %(assignment)s") % {"assignment": self.closeout.assignment}


class ManagerEvaluation(models.Model):
    """The manager's evaluation of the conditions: for the provider, never for the client."""

    closeout = models.OneToOneField(
        Closeout, on_delete=models.CASCADE, related_name="manager_evaluation"
    )
    commitments_kept = models.PositiveSmallIntegerField(
        _lazy("the client's commitments kept"),
        validators=rating,
        help_text=_lazy("1 none – 5 all"),
    )
    provider_support = models.PositiveSmallIntegerField(
        _lazy("support from the provider"), validators=rating, help_text=_lazy("1 none – 5 full")
    )
    comment = models.TextField(blank=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _lazy("manager evaluation")
        verbose_name_plural = _lazy("manager evaluations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    commitments_kept__gte=RATING_MIN, commitments_kept__lte=RATING_MAX
                )
                & models.Q(provider_support__gte=RATING_MIN, provider_support__lte=RATING_MAX),
                name="manager_evaluation_1_to_5",
            )
        ]

    def __str__(self):
        return _("Manager evaluation of %(assignment)s") % {"assignment": self.closeout.assignment}
