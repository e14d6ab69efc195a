"""The situational audit: the manager's report, per dimension, and the director's review."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access
from ..constants import GapLevel
from ..models import Assignment, AuditFinding, AuditReport, Dimension
from . import events
from .background import enqueue_on_commit
from .common import lock, require


def audit_report_start(*, assignment: Assignment, user: Any) -> AuditReport:
    """The selected manager starts a (new version of the) audit report."""
    access.check("write_audit", assignment, user)
    with transaction.atomic():
        lock(assignment)
        reports = list(assignment.audit_reports.order_by("version").prefetch_related("findings"))
        require(
            not any(
                r.status in (AuditReport.Status.DRAFT, AuditReport.Status.SUBMITTED)
                for r in reports
            ),
            _("A draft or submitted audit report already exists."),
        )
        previous = reports[-1] if reports else None
        report = AuditReport.objects.create(
            assignment=assignment,
            version=(previous.version + 1) if previous else 1,
            author=user,
            summary=previous.summary if previous else "",
        )
        if previous:
            AuditFinding.objects.bulk_create(
                AuditFinding(
                    report=report, dimension=f.dimension, finding=f.finding, gap_level=f.gap_level
                )
                for f in previous.findings.all()
            )
    return report


def audit_report_update(
    *, report: AuditReport, user: Any, summary: str, findings: dict[str, tuple[str, int]]
) -> AuditReport:
    """Write the draft report: `findings` maps dimension → (finding, gap level)."""
    access.check("write_audit", report.assignment, user)
    require(
        report.is_editable,
        _(
            "Audit report v%(version)s is %(status)s and can no longer be edited: start a new "
            "version."
        )
        % {"version": report.version, "status": report.get_status_display().lower()},
    )
    unknown = set(findings) - set(Dimension.values)
    require(
        not unknown, _("Unknown dimension(s): %(names)s.") % {"names": ", ".join(sorted(unknown))}
    )
    for dimension, (_text, level) in findings.items():
        require(
            level in GapLevel.values,
            _("The gap level for %(dimension)s must be 0, 1, 2 or 3.") % {"dimension": dimension},
        )
    with transaction.atomic():
        locked = AuditReport.objects.select_for_update().get(pk=report.pk)
        require(locked.is_editable, _("This audit report was submitted meanwhile."))
        locked.summary = summary
        locked.save(update_fields=["summary"])
        # One finding per dimension, written in one upsert rather than a read and a write
        # per dimension.
        AuditFinding.objects.bulk_create(
            [
                AuditFinding(
                    report=locked, dimension=d, finding=(text or "").strip(), gap_level=level
                )
                for d, (text, level) in findings.items()
            ],
            update_conflicts=True,
            unique_fields=["report", "dimension"],
            update_fields=["finding", "gap_level"],
        )
    report.refresh_from_db()
    return report


def audit_report_submit(*, report: AuditReport, user: Any) -> AuditReport:
    """The manager submits the audit; the gap drift is computed in the background."""
    access.check("write_audit", report.assignment, user)
    with transaction.atomic():
        locked = AuditReport.objects.select_for_update().get(pk=report.pk)
        require(
            locked.is_editable,
            _("Audit report v%(version)s was already submitted.") % {"version": locked.version},
        )
        found = {f.dimension: f for f in locked.findings.all()}
        missing = [
            str(label)
            for value, label in Dimension.choices
            if value not in found or not found[value].finding.strip()
        ]
        require(
            not missing,
            _("The audit report has no finding for: %(names)s.") % {"names": ", ".join(missing)},
        )
        locked.status = AuditReport.Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.save(update_fields=["status", "submitted_at"])
        # The worker scores it and raises the flag; a sweep catches up if it is lost.
        enqueue_on_commit("flag_gap_drift", locked.pk)
    report.refresh_from_db()
    return report


def audit_report_return(*, report: AuditReport, user: Any, comment: str) -> AuditReport:
    """The director sends the audit back for revision, saying why."""
    access.check("review_audit", report.assignment, user)
    comment = (comment or "").strip()
    require(comment, _("Say what the manager should revise."))
    with transaction.atomic():
        locked = AuditReport.objects.select_for_update().get(pk=report.pk)
        require(
            locked.status == AuditReport.Status.SUBMITTED,
            _("Audit report v%(version)s is %(status)s, not submitted.")
            % {"version": locked.version, "status": locked.get_status_display().lower()},
        )
        locked.status = AuditReport.Status.RETURNED
        locked.reviewed_at = timezone.now()
        locked.reviewed_by = user
        locked.review_comment = comment
        locked.save(update_fields=["status", "reviewed_at", "reviewed_by", "review_comment"])
        events.audit_returned(locked, user, comment)
    report.refresh_from_db()
    return report
