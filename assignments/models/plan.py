"""The action plan: versions, milestones, the client's commitments, confirmations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from ..constants import Party

User = settings.AUTH_USER_MODEL


class ActionPlanQuerySet(models.QuerySet):
    def last_confirmed(self, assignment):
        """The plan the assignment last ran on: its latest version confirmed by all three
        and not yet superseded (None if it never had one)."""
        return (
            self.filter(assignment=assignment, status=ActionPlan.Status.CONFIRMED)
            .order_by("-version")
            .first()
        )


class ActionPlan(models.Model):
    """The jointly confirmed plan. Versioned; a confirmed version is never edited."""

    class Status(models.TextChoices):
        DRAFT = "draft", _lazy("Draft")
        CONFIRMED = "confirmed", _lazy("Confirmed by all three")
        SUPERSEDED = "superseded", _lazy("Superseded")

    assignment = models.ForeignKey(
        "assignments.Assignment", on_delete=models.CASCADE, related_name="action_plans"
    )
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _lazy("action plan")
        verbose_name_plural = _lazy("action plans")
        ordering = ["assignment", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "version"], name="unique_action_plan_version"
            )
        ]
        # The few drafts awaiting confirmation, oldest first, among every version ever made.
        indexes = [
            models.Index(fields=["created_at"], condition=Q(status="draft"), name="plan_drafts")
        ]

    def __str__(self):
        return _("Action plan v%(version)s – %(assignment)s") % {
            "version": self.version,
            "assignment": self.assignment,
        }

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT

    @property
    def missing_parties(self):
        confirmed = {c.party for c in self.confirmations.all()}
        return [p for p in Party.values if p not in confirmed]


class Milestone(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _lazy("Planned")
        IN_PROGRESS = "in_progress", _lazy("In progress")
        DONE = "done", _lazy("Done")
        AT_RISK = "at_risk", _lazy("At risk")

    plan = models.ForeignKey(
        "assignments.ActionPlan", on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(max_length=200)
    owner = models.CharField(max_length=100, help_text=_lazy("Who delivers it."))
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        verbose_name = _lazy("milestone")
        verbose_name_plural = _lazy("milestones")
        ordering = ["plan", "due_date", "id"]

    def __str__(self):
        return self.title


class ClientCommitment(models.Model):
    """Resources, means or schedule the client promised, with a due date."""

    class Kind(models.TextChoices):
        RESOURCES = "resources", _lazy("Resources")
        MEANS = "means", _lazy("Means")
        SCHEDULE = "schedule", pgettext_lazy("commitment kind", "Schedule")

    plan = models.ForeignKey(
        "assignments.ActionPlan", on_delete=models.CASCADE, related_name="commitments"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RESOURCES)
    description = models.CharField(max_length=300)
    due_date = models.DateField()
    delivered_on = models.DateField(null=True, blank=True)
    delivered_marked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _lazy("client commitment")
        verbose_name_plural = _lazy("client commitments")
        ordering = ["plan", "due_date", "id"]
        indexes = [models.Index(fields=["due_date", "delivered_on"])]

    def __str__(self):
        return self.description

    @property
    def delivered(self):
        return self.delivered_on is not None


class PlanConfirmation(models.Model):
    """One party's confirmation of one plan version."""

    plan = models.ForeignKey(
        "assignments.ActionPlan", on_delete=models.CASCADE, related_name="confirmations"
    )
    party = models.CharField(max_length=10, choices=Party.choices)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _lazy("plan confirmation")
        verbose_name_plural = _lazy("plan confirmations")
        ordering = ["plan", "at"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "party"], name="one_confirmation_per_party")
        ]

    def __str__(self):
        return _("%(party)s confirmed v%(version)s") % {
            "party": self.get_party_display(),
            "version": self.plan.version,
        }
