"""The gap drift's history: readings from audits and meetings, the assignment's current
drift, and the flags a drift (or a worsening trend) raises."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _lazy

from ..constants import CRITICAL_LEVEL, FINAL_STATES, NotificationKind
from ..drift import gap_drift
from ..models import (
    Assignment,
    AuditReport,
    Dimension,
    DriftReading,
    Flag,
    GapLevel,
    Notification,
)
from .common import drift_weights
from .flags import Found, record
from .freshness import dashboards_changed
from .notifications import day, joined, notification_for, said

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
    dashboards_changed(assignments=[reading.assignment_id])  # the average drift
    return True


def _levels_text(levels: dict[str, int]) -> str:
    return joined(
        "\n",
        *(
            said(
                _lazy("- %(dimension)s: %(level)s"),
                dimension=Dimension(d).label,
                level=_level_name(GapLevel(levels[d]).label),
            )
            for d in Dimension.values
            if d in levels
        ),
    )


# A gap level's label is "2 – significant": the name alone, in the reader's language.
_level_name = lazy(lambda label: str(label).split("–")[-1].strip(), str)
_lowered = lazy(lambda label: str(label).lower(), str)


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


def drift_readings_unchecked(
    readings: QuerySet[DriftReading], *, skip_locked: bool = False
) -> list[DriftReading]:
    """Lock and load the readings of `readings` not checked yet, with what their flags and
    notifications say: the assignment, the meeting, the audit report and its findings. An
    audit's reading waits while its report is not submitted (or accepted)."""
    return list(
        readings.filter(checked_at__isnull=True)
        .filter(Q(audit_report__isnull=True) | Q(audit_report__status__in=SUBMITTED_STATUSES))
        .select_for_update(of=("self",), skip_locked=skip_locked)
        .select_related("assignment", "audit_report", "meeting")
        .prefetch_related("audit_report__findings")
        .order_by("recorded_at", "id")
    )


def _audit_warning(reading: DriftReading) -> tuple[Flag | None, Notification | None]:
    report = reading.audit_report
    assert report is not None  # an audit's reading
    a = reading.assignment
    levels = report.levels
    score = reading.score
    threshold = settings.GAP_DRIFT_THRESHOLD
    critical = [_lowered(Dimension(d).label) for d, lvl in levels.items() if lvl == CRITICAL_LEVEL]
    flagged = score >= threshold or bool(critical)
    flag = None
    message = ""
    if flagged:
        message = said(
            _lazy(
                "The audit report v%(version)s of “%(title)s” finds a gap drift of %(score)s "
                "(the threshold is %(threshold)s) and a critical gap on %(critical)s: reality "
                "is far from the brief. Review the audit with the client before the action plan."
            )
            if critical
            else _lazy(
                "The audit report v%(version)s of “%(title)s” finds a gap drift of %(score)s "
                "(the threshold is %(threshold)s): reality is far from the brief. Review the "
                "audit with the client before the action plan."
            ),
            version=report.version,
            title=a.title,
            score=score,
            threshold=threshold,
            critical=joined(", ", *critical),
        )
        key = f"gap_drift:audit:{report.pk}"
        flag = Flag(assignment=a, kind=Flag.Kind.GAP_DRIFT, key=key, message=message)
    subject = (
        said(_lazy("Gap drift flagged (%(score)s) – %(title)s"), score=score, title=a.title)
        if flagged
        else said(
            _lazy("Audit report v%(version)s submitted: gap drift %(score)s – %(title)s"),
            version=report.version,
            score=score,
            title=a.title,
        )
    )
    body = said(
        _lazy(
            "The interim manager submitted audit report v%(version)s of “%(title)s”. Its gap "
            "drift is %(score)s of 100 (flag at %(threshold)s).\n\nGap per dimension:\n"
            "%(levels)s\n\n%(message)s%(next)s"
        ),
        version=report.version,
        title=a.title,
        score=score,
        threshold=threshold,
        levels=_levels_text(levels),
        message=joined("", message, "\n\n") if flagged else "",
        next=_lazy("Review the report, then accept it or return it for revision.")
        if report.status == AuditReport.Status.SUBMITTED
        else _lazy("The report is accepted; this score starts the assignment's drift history."),
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
    return flag, note


def _meeting_warning(
    reading: DriftReading, previous: list[int]
) -> tuple[Flag | None, Notification | None]:
    if not drift_worsening(reading.score, previous):
        return None, None
    a = reading.assignment
    meeting = reading.meeting
    assert meeting is not None  # a meeting's reading
    key = f"gap_drift:meeting:{meeting.pk}"
    trend = " → ".join(str(s) for s in [*reversed(previous), reading.score])
    held = meeting.held_on or meeting.scheduled_for
    message = said(
        _lazy(
            "The gap drift of “%(title)s” is worsening: %(trend)s at the progress review of "
            "%(day)s. Plan and reality are drifting apart: consider a realignment."
        ),
        title=a.title,
        trend=trend,
        day=day(held),
    )
    flag = Flag(assignment=a, kind=Flag.Kind.GAP_DRIFT, key=key, message=message)
    note = notification_for(
        a,
        "director",
        key,
        said(_lazy("Gap drift worsening – %(title)s"), title=a.title),
        message,
        anchor="flags",
    )
    return flag, note


def drift_readings_check(readings: list[DriftReading]) -> Found:
    """Look at locked, unchecked readings (from `drift_readings_unchecked`) for flags, all at
    once: an audit's reading tells the director its drift and flags it at
    GAP_DRIFT_THRESHOLD or with a critical dimension; a meeting's flags a worsening trend.
    Each assignment whose latest reading is among them stores it as its drift. The readings
    are then checked, those of assignments closed meanwhile too (nothing left to warn
    about). The same few queries for one reading or thousands; the on-event tasks and the
    catch-up share it, so they cannot disagree."""
    if not readings:
        return {"flags": 0, "notifications": 0}
    now = timezone.now()
    live = [r for r in readings if not r.assignment.is_final]
    # Each assignment's history in order: a meeting's trend is read against the readings
    # just before it, and the latest reading is the assignment's drift.
    history: dict[int, list[tuple[int, int]]] = {}
    for assignment_id, pk, score in (
        DriftReading.objects.filter(assignment_id__in={r.assignment_id for r in live})
        .order_by("assignment_id", "recorded_at", "id")
        .values_list("assignment_id", "id", "score")
    ):
        history.setdefault(assignment_id, []).append((pk, score))
    flags: list[Flag | None] = []
    notes: list[Notification | None] = []
    for r in live:
        if r.audit_report_id is not None:
            flag, note = _audit_warning(r)
        else:
            points = history[r.assignment_id]
            at = [pk for pk, _score in points].index(r.pk)
            flag, note = _meeting_warning(r, [score for _pk, score in reversed(points[:at])][:2])
        flags.append(flag)
        notes.append(note)
    checked = {r.pk for r in live}
    latest_checked = [a for a, points in history.items() if points[-1][0] in checked]
    if latest_checked:
        latest = DriftReading.objects.filter(assignment_id=OuterRef("pk")).order_by(
            "-recorded_at", "-id"
        )
        Assignment.objects.filter(pk__in=latest_checked).update(
            gap_drift=Subquery(latest.values("score")[:1]), gap_drift_at=now
        )
        dashboards_changed(assignments=latest_checked)  # the average drift
    found = record(flags=flags, notes=notes)
    DriftReading.objects.filter(pk__in=[r.pk for r in readings]).update(checked_at=now)
    return found


def audit_drift_flag(audit_report_id: int) -> Found | dict[str, int]:
    """Compute a submitted audit report's gap drift, store it on the assignment and in its
    history, flag it at GAP_DRIFT_THRESHOLD or with a critical dimension, and tell the
    director. Returns what was recorded ({} when already done or nothing to do)."""
    report = (
        AuditReport.objects.filter(pk=audit_report_id, status__in=SUBMITTED_STATUSES)
        .prefetch_related("findings")
        .first()
    )
    if report is None:
        return {}
    with transaction.atomic():
        audit_report_record_drift(report=report)
        readings = drift_readings_unchecked(DriftReading.objects.filter(audit_report=report))
        found = drift_readings_check(readings)
    if not readings or readings[0].assignment.is_final:
        return {}
    return found


def meeting_drift_check(meeting_id: int) -> Found | dict[str, int]:
    """Look at a recorded meeting's drift against the history; a worsening trend raises a
    `gap_drift` flag and tells the director. Once per meeting."""
    with transaction.atomic():
        readings = drift_readings_unchecked(DriftReading.objects.filter(meeting_id=meeting_id))
        found = drift_readings_check(readings)
    if not readings or readings[0].assignment.is_final:
        return {}
    return found


def audit_readings_create(reports: list[AuditReport]) -> None:
    """`audit_report_record_drift` for many reports at once (their findings prefetched)."""
    scores = {
        r.pk: gap_drift(r.levels, drift_weights()) if r.drift_score is None else r.drift_score
        for r in reports
    }
    unscored = [r for r in reports if r.drift_score is None]
    for r in unscored:
        r.drift_score = scores[r.pk]
    if unscored:
        AuditReport.objects.bulk_update(unscored, ["drift_score"])
    now = timezone.now()
    DriftReading.objects.bulk_create(
        [
            DriftReading(
                assignment_id=r.assignment_id,
                audit_report=r,
                score=scores[r.pk],
                recorded_at=r.submitted_at or now,
            )
            for r in reports
        ],
        ignore_conflicts=True,  # a late on-event task made it meanwhile
    )


def drift_catch_up() -> Found:
    """Do the drift work that an on-event task should have done and did not (the broker was
    down, or a worker lost it): submitted reports without a reading, and readings not yet
    checked for flags, of the last GAP_DRIFT_CATCH_UP_DAYS. Derived from the state of the
    database, so nothing is lost between a commit and a publish; all of it at once, in the
    same few queries for one reading or thousands (a restored backup, a bulk load). A
    reading an on-event task holds is left to it."""
    since = timezone.now() - timedelta(days=settings.GAP_DRIFT_CATCH_UP_DAYS)
    with transaction.atomic():
        reports = list(
            AuditReport.objects.filter(
                status__in=SUBMITTED_STATUSES, submitted_at__gte=since, reading__isnull=True
            )
            .exclude(assignment__state__in=FINAL_STATES)
            .prefetch_related("findings")
            .order_by("submitted_at", "id")
        )
        if reports:
            audit_readings_create(reports)
        readings = drift_readings_unchecked(
            DriftReading.objects.filter(recorded_at__gte=since).exclude(
                assignment__state__in=FINAL_STATES
            ),
            skip_locked=True,
        )
        return drift_readings_check(readings)
