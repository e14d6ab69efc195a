"""The provider's early warnings, and the messages to people."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ..constants import RATING_MAX, RATING_MIN, Delivery, FlagKind, NotificationKind

User = settings.AUTH_USER_MODEL


class Flag(models.Model):
    """A warning about the partnership, open until someone resolves it."""

    Kind = FlagKind

    assignment = models.ForeignKey(
        "assignments.Assignment", on_delete=models.CASCADE, related_name="flags"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(
        max_length=200, unique=True, help_text=_lazy("The thing and period this flag is about.")
    )
    message = models.TextField()
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution = models.TextField(blank=True)

    class Meta:
        verbose_name = _lazy("flag")
        verbose_name_plural = _lazy("flags")
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
    key = models.CharField(max_length=200, help_text=_lazy("The thing, recipient and period."))
    subject = models.CharField(max_length=200)
    body = models.TextField()
    reason = models.CharField(
        max_length=200, blank=True, help_text=_lazy("Why this person got it.")
    )
    url = models.CharField(max_length=300, blank=True)
    kind = models.CharField(
        max_length=20, choices=NotificationKind.choices, default=NotificationKind.REMINDER
    )
    delivery = models.CharField(
        max_length=10,
        choices=Delivery.choices,
        default=Delivery.IMMEDIATE,
        help_text=_lazy("How it reaches the recipient, from their choice when it was recorded."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # A message that could not be sent is tried again later, a bounded number of times
    # (NOTIFICATION_EMAIL_MAX_ATTEMPTS), so that it never holds back the others.
    email_attempts = models.PositiveSmallIntegerField(
        default=0, help_text=_lazy("Failed attempts to e-mail it.")
    )
    email_error = models.TextField(blank=True, help_text=_lazy("Why the last attempt failed."))
    email_failed_at = models.DateTimeField(
        null=True, blank=True, help_text=_lazy("When the last attempt failed (empty once sent).")
    )
    email_retry_at = models.DateTimeField(
        null=True, blank=True, help_text=_lazy("Not tried again before this; empty once given up.")
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _lazy("notification")
        verbose_name_plural = _lazy("notifications")
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
            models.Index(
                fields=["delivery", "created_at"],
                condition=Q(emailed_at__isnull=True),
                name="notification_unsent_delivery",
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.recipient}"


class NotificationPreference(models.Model):
    """How one person wants one kind of notification: at once, in a digest, or in-app only."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        verbose_name = _lazy("notification preference")
        verbose_name_plural = _lazy("notification preferences")
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_user_kind")
        ]

    def __str__(self):
        return f"{self.user}: {self.get_kind_display()} – {self.get_delivery_display()}"


class ChannelNote(models.Model):
    """A note in the private thread between the director and the manager of an assignment:
    never shown to the client. A manager may ask for support (which raises a flag for the
    director) and record their own confidential strain (1 serene – 5 worn out)."""

    assignment = models.ForeignKey(
        "assignments.Assignment", on_delete=models.CASCADE, related_name="channel_notes"
    )
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(blank=True)
    needs_support = models.BooleanField(default=False)
    strain = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
        help_text=_lazy("The manager's own strain: 1 serene – 5 worn out."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _lazy("channel note")
        verbose_name_plural = _lazy("channel notes")
        ordering = ["assignment", "created_at", "id"]
        indexes = [models.Index(fields=["assignment", "created_at"])]

    def __str__(self):
        return _("Note by %(author)s on %(assignment)s") % {
            "author": self.author,
            "assignment": self.assignment,
        }
