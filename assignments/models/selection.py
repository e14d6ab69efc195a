"""Selection and intermediation: the director's vetting of candidates, and the
day-rate negotiation."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from partners.validators import currency_code, positive_amount

from ..constants import RATING_MAX, RATING_MIN

User = settings.AUTH_USER_MODEL


class Candidacy(models.Model):
    """The director's vetting of one manager for one assignment."""

    class Status(models.TextChoices):
        SHORTLISTED = "shortlisted", _lazy("Shortlisted")
        PRESENTED = "presented", _lazy("Presented to the client")
        SELECTED = "selected", _lazy("Selected")
        DECLINED = "declined", _lazy("Not retained")
        WITHDRAWN = "withdrawn", _lazy("Withdrawn")

    VETTING_FIELDS = (
        "vetted_experience",
        "vetted_references",
        "vetted_availability",
        "vetted_motivation",
        "vetted_conflicts",
    )
    # What the director's vetting form may change.
    VETTING_EDITABLE = (
        *VETTING_FIELDS,
        "fit_rating",
        "fit_rationale",
        "oversell_note",
        "internal_notes",
        "proposed_day_rate",
        "currency",
    )

    assignment = models.ForeignKey(
        "assignments.Assignment", on_delete=models.CASCADE, related_name="candidacies"
    )
    manager = models.ForeignKey(User, on_delete=models.PROTECT, related_name="candidacies")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SHORTLISTED)
    vetted_experience = models.BooleanField(_lazy("experience questioned"), default=False)
    vetted_references = models.BooleanField(_lazy("references checked"), default=False)
    vetted_availability = models.BooleanField(_lazy("availability confirmed"), default=False)
    vetted_motivation = models.BooleanField(
        _lazy("motivation questioned (no oversell)"), default=False
    )
    vetted_conflicts = models.BooleanField(_lazy("conflicts of interest checked"), default=False)
    fit_rating = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(RATING_MIN), MaxValueValidator(RATING_MAX)],
    )
    fit_rationale = models.TextField(blank=True)
    oversell_note = models.TextField(_lazy("oversell risk"), blank=True)
    low_fit_justification = models.TextField(blank=True)
    internal_notes = models.TextField(_lazy("internal vetting notes"), blank=True)
    proposed_day_rate = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True, validators=[positive_amount]
    )
    agreed_day_rate = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True, validators=[positive_amount]
    )
    currency = models.CharField(max_length=3, default="EUR", validators=[currency_code])
    presented_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _lazy("candidacy")
        verbose_name_plural = _lazy("candidacies")
        verbose_name_plural = _lazy("candidacies")
        ordering = ["assignment", "created_at", "id"]
        # A manager's candidacies, newest first (their home), however many they have had.
        indexes = [
            models.Index("manager", models.F("created_at").desc(), name="candidacy_manager_newest")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "manager"], name="one_candidacy_per_manager"
            ),
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status="selected"),
                name="one_selected_candidacy_per_assignment",
            ),
            models.CheckConstraint(
                condition=Q(fit_rating__isnull=True)
                | Q(fit_rating__gte=RATING_MIN, fit_rating__lte=RATING_MAX),
                name="fit_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return _("%(manager)s for %(assignment)s") % {
            "manager": self.manager,
            "assignment": self.assignment,
        }

    @property
    def vetting_complete(self):
        return all(getattr(self, name) for name in self.VETTING_FIELDS) and bool(
            self.fit_rating and self.fit_rationale.strip()
        )

    @property
    def missing_vetting(self):
        missing = [
            str(self._meta.get_field(name).verbose_name)
            for name in self.VETTING_FIELDS
            if not getattr(self, name)
        ]
        if not self.fit_rating:
            missing.append(_("fit rating"))
        if not self.fit_rationale.strip():
            missing.append(_("fit rationale"))
        return missing

    @property
    def is_shortlisted(self):
        return self.status == self.Status.SHORTLISTED

    @property
    def is_presented(self):
        return self.status == self.Status.PRESENTED

    @property
    def is_open(self):
        """Still in play: shortlisted or presented, so it can be vetted and negotiated."""
        return self.status in (self.Status.SHORTLISTED, self.Status.PRESENTED)

    @property
    def is_selectable(self):
        return (
            self.status == self.Status.PRESENTED
            and self.vetting_complete
            and self.agreed_day_rate is not None
        )


class NegotiationRound(models.Model):
    """One offer in the day-rate negotiation of a candidacy."""

    class Side(models.TextChoices):
        FIRM = "firm", _lazy("Provider firm")
        CLIENT = "client", _lazy("Client")
        MANAGER = "manager", _lazy("Manager")

    candidacy = models.ForeignKey(
        "assignments.Candidacy", on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField()
    offered_by = models.CharField(max_length=10, choices=Side.choices)
    day_rate = models.DecimalField(max_digits=9, decimal_places=2, validators=[positive_amount])
    # The offer's own currency: the candidacy's when it was made, so that a later change of
    # the candidacy's currency does not relabel the offers already on record.
    currency = models.CharField(max_length=3, default="EUR", validators=[currency_code])
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _lazy("negotiation round")
        verbose_name_plural = _lazy("negotiation rounds")
        ordering = ["candidacy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["candidacy", "number"], name="unique_round_number")
        ]

    def __str__(self):
        return _("Round %(number)s: %(rate)s %(currency)s") % {
            "number": self.number,
            "rate": self.day_rate,
            "currency": self.currency,
        }
