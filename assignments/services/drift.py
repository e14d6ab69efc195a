"""The gap drift's history: readings from audits and meetings, the assignment's current
drift, and the flags a drift (or a worsening trend) raises."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..constants import CRITICAL_LEVEL, FINAL_STATES, NotificationKind
from ..drift import gap_drift
from ..models import Assignment, AuditReport, Dimension, DriftReading, Flag, GapLevel
from .common import drift_weights
from .flags import Found, merge, record
from .notifications import notification_for

SUBMITTED_STATUSES = (AuditReport.Status.SUBMITTED, AuditReport.Status.ACCEPTED)


def audit_report_record_drift(*, report: AuditReport) -> DriftReading:
    """Compute and store the report's gap drift and its history point (idempotent)."""
    if report.drift_score is None:
        report.drift_score = gap_drift(report.levels, drift_weights())
        AuditReport.objects.filter(pk=report.pk).update(drift_score=report.drift_score)
    reading, _created = DriftReading.objects.get_or_create(
        audit_report=report,
        defaults={
            "assignment_id": report.assignment_id,
            "score": report.drift_score,
            "recorded_at": report.submitted_at or timezone.now(),
        },
    )
    return reading


def drift_store_on_assignment(reading: DriftReading) -> bool:
    """The assignment's drift is its latest reading's: the one place it is written.
    Returns whether `reading` is the latest (and so was stored)."""
    newer = DriftReading.objects.filter(assignment_id=reading.assignment_id).filter(
        Q(recorded_at__gt=reading.recorded_at)
        | Q(recorded_at=reading.recorded_at, pk__gt=reading.pk)
    )
    if newer.exists():
        return False
    Assignment.objects.filter(pk=reading.assignment_id).update(
        gap_drift=reading.score, gap_drift_at=timezone.now()
    )
    return True


def _levels_text(levels: dict[str, int]) -> str:
    labels = dict(Dimension.choices)
    names = dict(GapLevel.choices)
    return "\n".join(
        f"- {labels[d]}: {names[levels[d]].split('–')[-1].strip()}"
        for d in Dimension.values
        if d in levels
    )


def audit_drift_flag(audit_report_id: int) -> Found | dict[str, int]:
    """Compute a submitted audit report's gap drift, store it on the assignment and in its
    history, flag it at GAP_DRIFT_THRESHOLD or with a critical dimension, and tell the
    director. Returns what was recorded ({} when already done or nothing to do)."""
    report = (
        AuditReport.objects.select_related("assignment")
        .filter(pk=audit_report_id, status__in=SUBMITTED_STATUSES)
        .first()
    )
    if report is None:
        return {}
    with transaction.atomic():
        audit_report_record_drift(report=report)
        reading = DriftReading.objects.select_for_update().get(audit_report=report)
        if reading.checked_at is not None:
            return {}
        a = report.assignment
        if a.is_final:  # closed meanwhile: nothing left to warn about
            DriftReading.objects.filter(pk=reading.pk).update(checked_at=timezone.now())
            return {}
        levels = report.levels
        score = reading.score
        threshold = settings.GAP_DRIFT_THRESHOLD
        critical = [
            Dimension(d).label.lower() for d, lvl in levels.items() if lvl == CRITICAL_LEVEL
        ]
        drift_store_on_assignment(reading)
        flagged = score >= threshold or bool(critical)
        flags = []
        message = ""
        if flagged:
            why = [f"a gap drift of {score} (the threshold is {threshold})"]
            if critical:
                why.append(f"a critical gap on {', '.join(critical)}")
            message = (
                f"The audit report v{report.version} of “{a.title}” finds {' and '.join(why)}: "
                "reality is far from the brief. Review the audit with the client before "
                "the action plan."
            )
            flags.append(
                Flag(
                    assignment=a,
                    kind=Flag.Kind.GAP_DRIFT,
                    key=f"gap_drift:audit:{report.pk}",
                    message=message,
                )
            )
        subject = f"Audit report v{report.version} submitted: gap drift {score} – {a.title}"
        if flagged:
            subject = f"Gap drift flagged ({score}) – {a.title}"
        body = (
            f"The interim manager submitted audit report v{report.version} of “{a.title}”. "
            f"Its gap drift is {score} of 100 (flag at {threshold}).\n\n"
            f"Gap per dimension:\n{_levels_text(levels)}\n\n"
            + (f"{message}\n\n" if flagged else "")
            + (
                "Review the report, then accept it or return it for revision."
                if report.status == AuditReport.Status.SUBMITTED
                else "The report is accepted; this score starts the assignment's drift history."
            )
        )
        note = notification_for(
            a,
            "director",
            f"audit_submitted:{report.pk}",
            subject,
            body,
            kind=NotificationKind.AUDIT,
            anchor="audit",  # where the director compares it with the brief, accepts or returns
        )
        found = record(flags=flags, notes=[note])
        DriftReading.objects.filter(pk=reading.pk).update(checked_at=timezone.now())
    return found


def drift_worsening(score: int, previous: list[int]) -> bool:
    """Whether a meeting's drift `score` shows a worsening trend against the earlier
    readings `previous` (newest first): GAP_DRIFT_WORSENING points or more above the
    previous reading, or two rises in a row adding up to that much."""
    step = settings.GAP_DRIFT_WORSENING
    if not previous:
        return False
    if score - previous[0] >= step:
        return True
    return len(previous) >= 2 and score > previous[0] > previous[1] and score - previous[1] >= step


def meeting_drift_check(meeting_id: int) -> Found | dict[str, int]:
    """Look at a recorded meeting's drift against the history; a worsening trend raises a
    `gap_drift` flag and tells the director. Once per meeting."""
    with transaction.atomic():
        reading = (
            DriftReading.objects.select_for_update(of=("self",))
            .select_related("assignment", "meeting")
            .filter(meeting_id=meeting_id)
            .first()
        )
        if reading is None or reading.checked_at is not None:
            return {}
        if reading.assignment.is_final:  # closed meanwhile: nothing left to warn about
            DriftReading.objects.filter(pk=reading.pk).update(checked_at=timezone.now())
            return {}
        previous = list(
            DriftReading.objects.filter(assignment_id=reading.assignment_id)
            .filter(
                Q(recorded_at__lt=reading.recorded_at)
                | Q(recorded_at=reading.recorded_at, pk__lt=reading.pk)
            )
            .order_by("-recorded_at", "-id")
            .values_list("score", flat=True)[:2]
        )
        found = {"flags": 0, "notifications": 0}
        drift_store_on_assignment(reading)
        if drift_worsening(reading.score, previous):
            a = reading.assignment
            key = f"gap_drift:meeting:{meeting_id}"
            trend = " → ".join(str(s) for s in [*reversed(previous), reading.score])
            meeting = reading.meeting
            assert meeting is not None  # a meeting's reading
            held = meeting.held_on or meeting.scheduled_for
            message = (
                f"The gap drift of “{a.title}” is worsening: {trend} at the progress review of "
                f"{held:%d %B %Y}. Plan and reality are drifting apart: consider a realignment."
            )
            found = record(
                flags=[Flag(assignment=a, kind=Flag.Kind.GAP_DRIFT, key=key, message=message)],
                notes=[
                    notification_for(
                        a,
                        "director",
                        key,
                        f"Gap drift worsening – {a.title}",
                        message,
                        anchor="flags",
                    )
                ],
            )
        DriftReading.objects.filter(pk=reading.pk).update(checked_at=timezone.now())
    return found


def drift_catch_up() -> Found:
    """Do the drift work that an on-event task should have done and did not (the broker was
    down, or a worker lost it): submitted reports without a reading, and readings not yet
    checked for flags, of the last GAP_DRIFT_CATCH_UP_DAYS. Derived from the state of the
    database, so nothing is lost between a commit and a publish."""
    since = timezone.now() - timedelta(days=settings.GAP_DRIFT_CATCH_UP_DAYS)
    report_ids = list(
        AuditReport.objects.filter(
            status__in=SUBMITTED_STATUSES, submitted_at__gte=since, reading__isnull=True
        )
        .exclude(assignment__state__in=FINAL_STATES)
        .order_by("submitted_at", "id")
        .values_list("pk", flat=True)
    )
    unchecked = list(
        DriftReading.objects.filter(checked_at__isnull=True, recorded_at__gte=since)
        .exclude(assignment__state__in=FINAL_STATES)
        .order_by("recorded_at", "id")
        .values_list("audit_report_id", "meeting_id")
    )
    found = {"flags": 0, "notifications": 0}
    for report_id in report_ids:
        found = merge(found, audit_drift_flag(report_id))
    for report_id, meeting_id in unchecked:
        if report_id is not None and report_id not in report_ids:
            found = merge(found, audit_drift_flag(report_id))
        elif meeting_id is not None:
            found = merge(found, meeting_drift_check(meeting_id))
    return found
