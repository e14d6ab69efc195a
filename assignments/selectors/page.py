"""The assignment page: everything it shows, fetched in a fixed number of queries and
filtered by what the user may see on this assignment (`access`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access
from ..constants import State
from ..drift import DIMENSIONS
from ..models import (
    ActionPlan,
    Assignment,
    AuditReport,
    Candidacy,
    Dimension,
    DriftReading,
    Flag,
    Opportunity,
    Party,
    PlanConfirmation,
    ProgressMeeting,
    TransitionRecord,
)
from .channel import channel_summary
from .closeout import closeout_card
from .records import candidacy_track_records
from .scoping import SUMMARY, get_assignment_for_user
from .suggestions import report_suggestions


def assignment_page(user: Any, pk: int | str) -> Assignment:
    """The assignment with every record its page shows, prefetched (or 404)."""
    lead_of_meeting = Opportunity.objects.filter(source_meeting=OuterRef("pk")).values("pk")[:1]
    # The close-out's card reads the close-out and whether each evaluation arrived.
    base = Assignment.objects.select_related(
        "closeout__client_evaluation", "closeout__manager_evaluation"
    ).prefetch_related(
        "brief_items",
        Prefetch(
            "candidacies",
            queryset=Candidacy.objects.select_related("manager").prefetch_related("rounds"),
        ),
        Prefetch(
            "audit_reports",
            queryset=AuditReport.objects.select_related("author", "reviewed_by")
            .prefetch_related("findings")
            .order_by("version"),
        ),
        Prefetch(
            "action_plans",
            queryset=ActionPlan.objects.prefetch_related(
                "milestones",
                "commitments",
                Prefetch(
                    "confirmations", queryset=PlanConfirmation.objects.select_related("user")
                ),
            ).order_by("version"),
        ),
        Prefetch(
            "meetings",
            queryset=ProgressMeeting.objects.select_related("recorded_by")
            .prefetch_related("ratings")
            # The lead a meeting's opportunity became, in the same query.
            .annotate(lead_id=Subquery(lead_of_meeting))
            .order_by("scheduled_for", "id"),
        ),
        Prefetch("flags", queryset=Flag.objects.select_related("resolved_by")),
        Prefetch("history", queryset=TransitionRecord.objects.select_related("by")),
        Prefetch(
            "drift_readings",
            queryset=DriftReading.objects.select_related("audit_report").order_by(
                "recorded_at", "id"
            ),
        ),
    )
    return get_assignment_for_user(user, pk, summary_ok=True, queryset=base)


def candidacies_visible_to(user: Any, assignment: Assignment) -> list[Candidacy]:
    """Directors see every candidate; clients only those presented to them; a manager
    only their own candidacy."""
    candidacies = list(assignment.candidacies.all())
    if access.is_director_side(assignment, user):
        return candidacies
    if access.is_client_contact(assignment, user):
        shown = (Candidacy.Status.PRESENTED, Candidacy.Status.SELECTED, Candidacy.Status.DECLINED)
        return [c for c in candidacies if c.status in shown and c.presented_at]
    return [c for c in candidacies if c.manager_id == user.pk]


def drift_points(readings: list[DriftReading], meetings: list[ProgressMeeting]) -> list[dict]:
    """The drift history oldest first, each point dated by the day of what it measures: the
    meeting's held date, or the audit report's submission."""
    held = {m.pk: m.held_on for m in meetings}
    points = []
    for r in readings:
        report = r.audit_report
        if r.meeting_id is not None:
            day = held.get(r.meeting_id) or timezone.localdate(r.recorded_at)
            source = _("Progress meeting")
        else:
            day = timezone.localdate((report.submitted_at if report else None) or r.recorded_at)
            source = (
                _("Audit report v%(version)s") % {"version": report.version}
                if report
                else _("Audit report")
            )
        points.append(((day, r.pk), {"date": day, "score": r.score, "source": source}))
    return [point for _order, point in sorted(points, key=lambda p: p[0])]


def transition_history(a: Assignment) -> list[TransitionRecord]:
    """The assignment's transition records, each with its label and, for the latest of
    each, the reason or outcome the assignment keeps for it."""
    names = access.transition_names(a)
    labels = {name: access.transition_meta(a, name)["label"] for name in names}
    # The history's name for the row that records the assignment's creation.
    labels[TransitionRecord.CREATION] = _("Created")
    why = {
        "start_realignment": a.realignment_reason,
        "complete": a.outcome,
        "cancel": a.cancel_reason,
    }
    records = list(a.history.all())
    latest = {r.transition: r for r in records}
    for r in records:
        r.label = labels.get(r.transition, r.transition)  # type: ignore[attr-defined]
        # The assignment stores one reason per kind: the latest record's.
        r.why = why.get(r.transition, "") if latest[r.transition] is r else ""  # type: ignore[attr-defined]
    return records


@dataclass
class Page:
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def assignment_page_context(user: Any, pk: int | str, today: date | None = None) -> Page:
    """What the assignment page renders for `user`: the summary a mere candidate sees, or
    the whole page with only what this party may see and booleans for what they may do."""
    a = assignment_page(user, pk)
    if a.access == SUMMARY:  # type: ignore[attr-defined]
        own = [c for c in a.candidacies.all() if c.manager_id == user.pk]
        return Page("assignments/summary.html", {"assignment": a, "candidacy": own[0]})
    today = today or timezone.localdate()
    can = access.abilities(a, user)
    brief = {i.dimension: i.statement for i in a.brief_items.all()}
    reports = list(a.audit_reports.all())
    shown = access.visible_report_statuses(a, user)
    shown_report = next((r for r in reversed(reports) if r.status in shown), None)
    draft_report = next((r for r in reports if r.is_editable), None)
    found = {f.dimension: f for f in shown_report.findings.all()} if shown_report else {}
    comparison: list[dict[str, Any]] = [
        {
            "dimension": value,
            "label": label,
            "announced": brief.get(value, ""),
            "found": found[value].finding if value in found else "",
            "level": found[value].gap_level if value in found else None,
        }
        for value, label in Dimension.choices
    ]
    # The second opinion on the shown report's levels: the provider's only, never the client's.
    suggestions = (
        report_suggestions(a, shown_report)
        if shown_report and access.can_see_gap_suggestions(a, user, shown_report)
        else None
    )
    for row in comparison:
        row["suggestion"] = suggestions.dimensions.get(row["dimension"]) if suggestions else None
    plans = list(a.action_plans.all())
    plan = plans[-1] if plans else None
    # In the order they happened: a meeting held early sits where it was held, not where
    # it had been scheduled.
    meetings = sorted(a.meetings.all(), key=lambda m: (m.held_on or m.scheduled_for, m.pk))
    flags = list(a.flags.all()) if can["see_flags"] else []
    for f in flags:
        f.resolvable = f.is_open and access.can_resolve_flag(a, user, f.kind)  # type: ignore[attr-defined]
    readings = [
        r
        for r in a.drift_readings.all()
        if can["see_unaccepted_audit"]
        or r.meeting_id is not None
        or (r.audit_report is not None and r.audit_report.status == AuditReport.Status.ACCEPTED)
    ]
    charts = {
        "dimensions": [label for _, label in Dimension.choices],
        "audit": [row["level"] for row in comparison],
        "meetings": [
            {
                "date": m.held_on,
                "levels": [m.levels.get(d) for d in DIMENSIONS],
                "drift": m.drift_score if can["see_drift"] else None,
            }
            for m in meetings
            if m.is_held and m.held_on
        ],
        "drift": drift_points(readings, meetings) if can["see_drift"] else [],
    }
    records = transition_history(a)
    history = sorted(
        [("transition", r.at, r) for r in records]
        + [("flag", f.resolved_at, f) for f in flags if f.resolved_at],
        key=lambda row: row[1],
    )
    latest = {r.transition: r for r in records}
    parties = access.parties_of(a, user)
    candidacies = candidacies_visible_to(user, a)
    candidacy_track_records(a, user, candidacies)
    context = {
        "assignment": a,
        "can": can,
        "drift": a.gap_drift if can["see_drift"] else None,
        "audit_due": a.audit_due_date if a.state == State.AUDIT else None,
        "realigning": a.state == State.REALIGNMENT,
        "realigning_since": latest["start_realignment"].at
        if a.state == State.REALIGNMENT and "start_realignment" in latest
        else None,
        "brief": comparison,
        "candidacies": candidacies,
        "shown_report": shown_report,
        "draft_report": draft_report,
        "may_start_report": can["write_audit"]
        and draft_report is None
        and (shown_report is None or shown_report.is_returned),
        "comparison": comparison,
        "suggestions": suggestions,
        "plan": plan,
        "plans": plans,
        "plan_missing": [Party(p).label for p in plan.missing_parties] if plan else [],
        "my_parties_to_confirm": [
            p
            for p in parties
            if can["confirm_plan"] and plan and plan.is_editable and p in plan.missing_parties
        ],
        "meetings": meetings,
        "next_meeting": next((m for m in meetings if m.is_scheduled), None),
        "flags": flags,
        "open_flags": [f for f in flags if f.is_open],
        "channel": channel_summary(a, user),
        "closeout_card": closeout_card(a, user, today),
        "transitions": access.transition_options(a, user),
        "charts": charts,
        "history": history,
        "today": today,
    }
    return Page("assignments/detail.html", context)
