"""The action plan: versions, milestones, the client's commitments, confirmations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

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
        DRAFT = "draft", "Draft"
        CONFIRMED = "confirmed", "Confirmed by all three"
        SUPERSEDED = "superseded", "Superseded"

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
        return f"Action plan v{self.version} – {self.assignment}"

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT

    @property
    def missing_parties(self):
        confirmed = {c.party for c in self.confirmations.all()}
        return [p for p in Party.values if p not in confirmed]


class Milestone(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        AT_RISK = "at_risk", "At risk"

    plan = models.ForeignKey(
        "assignments.ActionPlan", on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(max_length=200)
    owner = models.CharField(max_length=100, help_text="Who delivers it.")
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        ordering = ["plan", "due_date", "id"]

    def __str__(self):
        return self.title


class ClientCommitment(models.Model):
    """Resources, means or schedule the client promised, with a due date."""

    class Kind(models.TextChoices):
        RESOURCES = "resources", "Resources"
        MEANS = "means", "Means"
        SCHEDULE = "schedule", "Schedule"

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
        ordering = ["plan", "at"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "party"], name="one_confirmation_per_party")
        ]

    def __str__(self):
        return f"{self.get_party_display()} confirmed v{self.plan.version}"
