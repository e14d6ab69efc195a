"""The provider's early warnings, and the messages to people."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..constants import FlagKind

User = settings.AUTH_USER_MODEL


class Flag(models.Model):
    """A warning about the partnership, open until someone resolves it."""

    Kind = FlagKind

    assignment = models.ForeignKey(
        "assignments.Assignment", on_delete=models.CASCADE, related_name="flags"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(
        max_length=200, unique=True, help_text="The thing and period this flag is about."
    )
    message = models.TextField()
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["assignment", "resolved_at"])]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.assignment}"

    @property
    def is_open(self):
        return self.resolved_at is None


class Notification(models.Model):
    """One message to one person, shown in-app and e-mailed; recorded once per key."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    assignment = models.ForeignKey(
        "assignments.Assignment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    key = models.CharField(max_length=200, help_text="The thing, recipient and period.")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    reason = models.CharField(max_length=200, blank=True, help_text="Why this person got it.")
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], name="one_notification_per_recipient_key"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(
                fields=["created_at"],
                condition=Q(emailed_at__isnull=True),
                name="notification_unsent",
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.recipient}"
