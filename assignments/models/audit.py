"""The situational audit: what the manager found, per dimension. Versioned."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ..constants import CRITICAL_LEVEL, Dimension, GapLevel

User = settings.AUTH_USER_MODEL


class AuditReport(models.Model):
    """The manager's situational audit: what was really found, per dimension. Versioned."""

    class Status(models.TextChoices):
        DRAFT = "draft", _lazy("Draft")
        SUBMITTED = "submitted", _lazy("Submitted")
        ACCEPTED = "accepted", _lazy("Accepted")
        RETURNED = "returned", _lazy("Returned for revision")

    assignment = models.ForeignKey(
        "assignments.Assignment", on_delete=models.CASCADE, related_name="audit_reports"
    )
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="audit_reports")
    summary = models.TextField(blank=True)
    drift_score = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _lazy("audit report")
        verbose_name_plural = _lazy("audit reports")
        ordering = ["assignment", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "version"], name="unique_audit_report_version"
            )
        ]

    def __str__(self):
        return _("Audit report v%(version)s – %(assignment)s") % {
            "version": self.version,
            "assignment": self.assignment,
        }

    @property
    def is_editable(self):
        return self.status == self.Status.DRAFT

    @property
    def is_submitted(self):
        return self.status == self.Status.SUBMITTED

    @property
    def is_returned(self):
        return self.status == self.Status.RETURNED

    @property
    def levels(self):
        return {f.dimension: f.gap_level for f in self.findings.all()}


class AuditFinding(models.Model):
    """What the audit found about one dimension, and how far it is from the brief."""

    report = models.ForeignKey(
        "assignments.AuditReport", on_delete=models.CASCADE, related_name="findings"
    )
    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    finding = models.TextField()
    gap_level = models.PositiveSmallIntegerField(choices=GapLevel.choices)

    class Meta:
        verbose_name = _lazy("audit finding")
        verbose_name_plural = _lazy("audit findings")
        ordering = ["report", "dimension"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "dimension"], name="one_finding_per_dimension"
            ),
            models.CheckConstraint(
                condition=Q(gap_level__lte=CRITICAL_LEVEL), name="finding_gap_level_0_3"
            ),
        ]

    def __str__(self):
        return _("%(dimension)s: level %(level)s") % {
            "dimension": self.get_dimension_display(),
            "level": self.gap_level,
        }
