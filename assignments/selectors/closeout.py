"""The close-out of one assignment as one party may see it: the page and the documents
render from `closeout_context`, in a fixed number of queries."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .. import access
from ..access import CloseoutPart
from ..constants import Dimension, GapLevel
from ..models import (
    ActionPlan,
    Assignment,
    AuditFinding,
    AuditReport,
    BriefItem,
    ClientEvaluation,
    Closeout,
    CloseoutMilestone,
    ManagerEvaluation,
)

NO_CLOSEOUT = _lazy(
    "This assignment has no close-out: it opens when the assignment is completed, or "
    "cancelled after its audit."
)


class NoCloseout(Http404):
    """The assignment has no close-out (yet, or ever): a 404 that says why."""


def _evaluation(closeout: Closeout, name: str) -> Any:
    try:
        return getattr(closeout, name)
    except (ClientEvaluation.DoesNotExist, ManagerEvaluation.DoesNotExist):
        return None


def closeout_of(assignment: Assignment) -> Closeout:
    """The close-out with its parts and their authors (or 404 with the reason)."""
    closeout = (
        Closeout.objects.select_related(
            "reviewed_by", "client_evaluation__by", "manager_evaluation__by"
        )
        .prefetch_related(
            "dimensions",
            Prefetch("milestones", queryset=CloseoutMilestone.objects.select_related("milestone")),
        )
        .filter(assignment=assignment)
        .first()
    )
    if closeout is None:
        raise NoCloseout(str(NO_CLOSEOUT))
    closeout.assignment = assignment
    return closeout


def closeout_context(assignment: Assignment, user: Any, today: date | None = None) -> dict:
    """What `user` may see of `assignment`'s close-out (404 for anyone not on it, or when
    there is none): the parts they may read, and for the review the dimension rows (what
    the brief announced, what the audit found, the result), the milestones of the last
    confirmed plan with their final status, and the drift history summarised.

    Keys: assignment, closeout, window_open, closes_on, parts (one dict per part the user
    may see: part, label, given, mine, may_give), mine (the parts the user gives),
    missing (labels of the visible parts still missing), review (the closeout when the
    user may read the review, else None), dimensions, plan, milestones, drift (dict or
    None), client_evaluation, manager_evaluation (each None when not given or not the
    user's to read)."""
    if not access.can_see_closeout(assignment, user):
        raise Http404(_("No such assignment."))
    closeout = closeout_of(assignment)
    today = today or timezone.localdate()
    is_open = today <= closeout.closes_on
    records = {
        CloseoutPart.REVIEW: closeout if closeout.is_reviewed else None,
        CloseoutPart.CLIENT: _evaluation(closeout, "client_evaluation"),
        CloseoutPart.MANAGER: _evaluation(closeout, "manager_evaluation"),
    }
    mine = access.closeout_parts_of(assignment, user)
    parts = []
    for part, label in CloseoutPart.LABELS.items():
        if not access.can_see_closeout_part(assignment, user, part):
            continue
        given = records[part] is not None
        parts.append(
            {
                "part": part,
                "label": label,
                "given": given,
                "record": records[part],
                "mine": part in mine,
                "may_give": part in mine and not given and is_open,
            }
        )
    visible = {p["part"] for p in parts}
    context: dict[str, Any] = {
        "assignment": assignment,
        "closeout": closeout,
        "window_open": is_open,
        "closes_on": closeout.closes_on,
        "parts": parts,
        "mine": mine,
        "missing": [p["label"] for p in parts if not p["given"]],
        "review": None,
        "dimensions": [],
        "plan": None,
        "milestones": [],
        "drift": None,
        "client_evaluation": records[CloseoutPart.CLIENT]
        if CloseoutPart.CLIENT in visible
        else None,
        "manager_evaluation": records[CloseoutPart.MANAGER]
        if CloseoutPart.MANAGER in visible
        else None,
    }
    if CloseoutPart.REVIEW in visible:
        context.update(_review_context(assignment, closeout))
    return context


def _review_context(assignment: Assignment, closeout: Closeout) -> dict[str, Any]:
    """The review and what it is read against: brief, accepted audit, last confirmed plan."""
    brief = dict(
        BriefItem.objects.filter(assignment=assignment).values_list("dimension", "statement")
    )
    findings = {
        f.dimension: f
        for f in AuditFinding.objects.filter(
            report__assignment=assignment, report__status=AuditReport.Status.ACCEPTED
        ).order_by("report__version")
    }
    plan = ActionPlan.objects.prefetch_related("milestones").last_confirmed(assignment)
    results = {d.dimension: d for d in closeout.dimensions.all()}
    dimensions = []
    for value, label in Dimension.choices:
        finding = findings.get(value)
        result = results.get(value)
        dimensions.append(
            {
                "dimension": value,
                "label": label,
                "announced": brief.get(value, ""),
                "found": finding.finding if finding else "",
                "audit_level": finding.gap_level if finding else None,
                "audit_level_label": GapLevel(finding.gap_level).label if finding else "",
                "result": result.result if result else None,
                "result_label": result.get_result_display() if result else "",
                "comment": result.comment if result else "",
            }
        )
    finals = {m.milestone_id: m for m in closeout.milestones.all()}
    if closeout.is_reviewed:
        # What the review recorded, even for a plan superseded since (it never is, once
        # the assignment has ended, but the record is the review's own).
        milestones = [
            {
                "milestone": m.milestone,
                "planned_status": m.milestone.get_status_display(),
                "status": m.status,
                "status_label": m.get_status_display(),
                "comment": m.comment,
            }
            for m in finals.values()
        ]
    else:
        milestones = [
            {
                "milestone": m,
                "planned_status": m.get_status_display(),
                "status": None,
                "status_label": "",
                "comment": "",
            }
            for m in (plan.milestones.all() if plan else [])
        ]
    return {
        "review": closeout,
        "dimensions": dimensions,
        "plan": plan,
        "milestones": milestones,
        "drift": {
            "at_audit": closeout.drift_at_audit,
            "at_close": closeout.drift_at_close,
            "summary": closeout.drift_summary,
        },
    }


def closeout_card(assignment: Assignment, user: Any, today: date | None = None) -> dict | None:
    """The assignment page's card: the close-out (None when there is none), and which
    parts are awaited — every part for the provider, only their own for the others. Reads
    the close-out and its evaluations selected with the assignment (no query)."""
    try:
        closeout = assignment.closeout
    except Closeout.DoesNotExist:
        return None
    if not access.can_see_closeout(assignment, user):
        return None
    given = {
        CloseoutPart.REVIEW: closeout.is_reviewed,
        CloseoutPart.CLIENT: _evaluation(closeout, "client_evaluation") is not None,
        CloseoutPart.MANAGER: _evaluation(closeout, "manager_evaluation") is not None,
    }
    mine = access.closeout_parts_of(assignment, user)
    shown = [p for p in CloseoutPart.LABELS if access.can_see_closeout_part(assignment, user, p)]
    return {
        "closeout": closeout,
        "window_open": (today or timezone.localdate()) <= closeout.closes_on,
        "awaited": [CloseoutPart.LABELS[p] for p in shown if not given[p]],
        "mine_awaited": [CloseoutPart.LABELS[p] for p in mine if not given[p]],
    }
