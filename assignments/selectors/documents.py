"""The documents: what the print-ready pages and their PDFs show, behind the walls of
the pages they come from. A document may leave the provider (the client receives the
plan), so it carries nothing provider-only: no flags, vetting, rates, opportunities or
strain."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from ..constants import Party
from ..models import ActionPlan, PlanConfirmation
from .closeout import closeout_context
from .scoping import get_assignment_for_user, get_child_or_404


def plan_document(user: Any, pk: int | str, plan_id: int | str) -> dict[str, Any]:
    """One version of an assignment's action plan as a document: for whoever sees the
    plan on the assignment page (its three parties and admins; 404 for anyone else, and
    for a plan of another assignment). Its confirmations come in the parties' order, each
    with who gave it and when; `missing` names the parties a draft still waits for."""
    a = get_assignment_for_user(user, pk)
    plan = get_child_or_404(
        ActionPlan.objects.prefetch_related(
            "milestones",
            "commitments",
            Prefetch("confirmations", queryset=PlanConfirmation.objects.select_related("user")),
        ),
        pk=plan_id,
        assignment=a,
    )
    given = {c.party: c for c in plan.confirmations.all()}
    return {
        "assignment": a,
        "plan": plan,
        "milestones": list(plan.milestones.all()),
        "commitments": list(plan.commitments.all()),
        "confirmations": [
            {"party": label, "confirmation": given.get(value)} for value, label in Party.choices
        ],
        "missing": [label for value, label in Party.choices if value not in given],
        "generated_on": timezone.localdate(),
    }


def plan_filename(document: dict[str, Any]) -> str:
    return f"action-plan-{document['assignment'].pk}-v{document['plan'].version}.pdf"


def closeout_document(user: Any, pk: int | str) -> dict[str, Any]:
    """The close-out report: exactly what the close-out page shows `user` (`closeout_context`:
    the director the review, the milestones' final status, the drift and both evaluations;
    the client and the manager their own evaluation only), and the outcome; 404 where the
    page is."""
    a = get_assignment_for_user(user, pk)
    return {**closeout_context(a, user), "generated_on": timezone.localdate()}


def closeout_filename(document: dict[str, Any]) -> str:
    return f"closeout-report-{document['assignment'].pk}.pdf"
