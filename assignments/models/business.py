"""New business: an opportunity noted at a progress meeting becomes a lead of the firm's
pipeline. Provider-only: the client and the manager never see it."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy

from partners.models import ClientOrganisation, ProviderFirm
from partners.validators import currency_code, positive_amount

User = settings.AUTH_USER_MODEL


class Opportunity(models.Model):
    """One lead of a firm's pipeline, from a meeting or noted directly."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("lead status", "Open")
        QUALIFIED = "qualified", pgettext_lazy("lead status", "Qualified")
        WON = "won", pgettext_lazy("lead status", "Won")
        LOST = "lost", pgettext_lazy("lead status", "Lost")

    firm = models.ForeignKey(ProviderFirm, on_delete=models.CASCADE, related_name="opportunities")
    client = models.ForeignKey(
        ClientOrganisation, on_delete=models.PROTECT, related_name="opportunities"
    )
    description = models.TextField()
    estimated_value = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[positive_amount]
    )
    currency = models.CharField(max_length=3, default="EUR", validators=[currency_code])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="opportunities")
    next_step = models.CharField(max_length=300, blank=True)
    next_step_on = models.DateField(_lazy("next step by"), null=True, blank=True)
    source_meeting = models.ForeignKey(
        "assignments.ProgressMeeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
    )
    # The assignment a won lead started.
    started_assignment = models.OneToOneField(
        "assignments.Assignment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="from_opportunity",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _lazy("opportunity")
        verbose_name_plural = _lazy("opportunities")
        verbose_name_plural = _lazy("opportunities")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                "firm", "status", models.F("created_at").desc(), name="opportunity_firm_status"
            )
        ]
        constraints = [
            # A meeting's noted opportunity becomes one lead, however often it is recorded.
            models.UniqueConstraint(
                fields=["source_meeting"],
                condition=models.Q(source_meeting__isnull=False),
                name="one_lead_per_meeting",
            )
        ]

    def __str__(self):
        return f"{self.client}: {self.description[:60]}"

    @property
    def is_closed(self):
        return self.status in (self.Status.WON, self.Status.LOST)
