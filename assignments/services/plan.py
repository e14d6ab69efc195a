"""The action plan: versioned drafts, the three confirmations, the client's commitments."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access
from ..exceptions import Refused
from ..models import ActionPlan, Assignment, ClientCommitment, Milestone, Party, PlanConfirmation
from . import events
from .common import lock, require
from .freshness import dashboard_changed


def action_plan_draft(*, assignment: Assignment, user: Any, summary: str = "") -> ActionPlan:
    """Start a new plan version (the first, or a revision copying the current one)."""
    access.check("draft_plan", assignment, user)
    with transaction.atomic():
        lock(assignment)
        current = (
            assignment.action_plans.order_by("-version")
            .prefetch_related("milestones", "commitments")
            .first()
        )
        require(
            current is None or current.status != ActionPlan.Status.DRAFT,
            _("Action plan v%(version)s is still a draft: edit it.")
            % {"version": current.version if current else 0},
        )
        plan = ActionPlan.objects.create(
            assignment=assignment,
            version=(current.version + 1) if current else 1,
            summary=summary or (current.summary if current else ""),
            created_by=user,
        )
        if current:
            Milestone.objects.bulk_create(
                Milestone(
                    plan=plan, title=m.title, owner=m.owner, due_date=m.due_date, status=m.status
                )
                for m in current.milestones.all()
            )
            ClientCommitment.objects.bulk_create(
                ClientCommitment(
                    plan=plan,
                    kind=c.kind,
                    description=c.description,
                    due_date=c.due_date,
                    delivered_on=c.delivered_on,
                    delivered_marked_by_id=c.delivered_marked_by_id,
                )
                for c in current.commitments.all()
            )
        dashboard_changed(assignment)
    return plan


def plan_known_due_dates(plan: ActionPlan) -> dict[str, set[date]]:
    """The due dates a draft already holds, per kind of row (`milestones`, `commitments`):
    those saved on it and those of the version before it, which a revision copies. They
    stay accepted once past; a date that is new or changed may not be."""
    versions = plan.assignment.action_plans.filter(version__in=(plan.version, plan.version - 1))
    return {
        "milestones": set(
            Milestone.objects.filter(plan__in=versions).values_list("due_date", flat=True)
        ),
        "commitments": set(
            ClientCommitment.objects.filter(plan__in=versions).values_list("due_date", flat=True)
        ),
    }


def due_date_refusal(due_date: date, *, known: set[date], today: date | None = None) -> str:
    """Why `due_date` cannot be set on a plan row ("" when it can): a new or changed due
    date is not in the past."""
    today = today or timezone.localdate()
    if due_date < today and due_date not in known:
        return _("A new due date cannot be in the past: choose today or a later day.")
    return ""


def action_plan_update(
    *,
    plan: ActionPlan,
    user: Any,
    summary: str,
    milestones: list[dict[str, Any]],
    commitments: list[dict[str, Any]],
    today: date | None = None,
) -> ActionPlan:
    """Rewrite a draft plan. Any confirmation already given is withdrawn: it was for
    the text as it was. `milestones` and `commitments` are lists of field dicts; a
    delivered commitment stays as it was. `today` is the day of the change (the demo's
    back-story passes its own)."""
    access.check("draft_plan", plan.assignment, user)
    with transaction.atomic():
        locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        require(
            locked.is_editable,
            _("Action plan v%(version)s is confirmed and is never edited: draft a revision.")
            % {"version": locked.version},
        )
        known = plan_known_due_dates(locked)
        for kind, rows in (("milestones", milestones), ("commitments", commitments)):
            for row in rows:
                due = row.get("due_date")
                problem = due_date_refusal(due, known=known[kind], today=today) if due else ""
                name = row.get("title") or row.get("description")
                require(
                    not problem, _("%(name)s: %(problem)s") % {"name": name, "problem": problem}
                )
        locked.summary = summary
        locked.save(update_fields=["summary"])
        # The only rows the app deletes: a draft's own, rewritten from the form. Nobody has
        # relied on a draft yet (a confirmation given to it is withdrawn and asked again),
        # a delivered commitment is kept, and a confirmed version is never touched here.
        withdrawn = locked.confirmations.all().delete()[0] > 0
        locked.milestones.all().delete()
        locked.commitments.filter(delivered_on__isnull=True).delete()
        Milestone.objects.bulk_create(Milestone(plan=locked, **m) for m in milestones)
        ClientCommitment.objects.bulk_create(
            ClientCommitment(plan=locked, **c) for c in commitments
        )
        if milestones:
            # Ready for confirmation: asked once per draft, and again when a change
            # withdrew confirmations already given.
            round_key = f"withdrawn-{timezone.now().timestamp()}" if withdrawn else "ready"
            events.plan_to_confirm(locked, user, round_key=round_key, confirmed=())
        dashboard_changed(plan.assignment)
    plan.refresh_from_db()
    return plan


def action_plan_confirm(*, plan: ActionPlan, user: Any) -> ActionPlan:
    """One party confirms the plan; with the third confirmation the version is locked."""
    assignment = plan.assignment
    access.check("confirm_plan", assignment, user)
    parties = access.parties_of(assignment, user)
    with transaction.atomic():
        locked = ActionPlan.objects.select_for_update().get(pk=plan.pk)
        require(
            locked.is_editable,
            _("Action plan v%(version)s is already confirmed.") % {"version": locked.version},
        )
        require(
            locked.milestones.exists(), _("A plan needs at least one milestone to be confirmed.")
        )
        latest = assignment.action_plans.order_by("-version").values_list("version", flat=True)[0]
        require(locked.version == latest, _("Only the latest plan version can be confirmed."))
        done = set(locked.confirmations.values_list("party", flat=True))
        todo = [p for p in parties if p not in done]
        require(todo, _("You have already confirmed this plan version."))
        try:
            with transaction.atomic():
                PlanConfirmation.objects.bulk_create(
                    PlanConfirmation(plan=locked, party=p, user=user) for p in todo
                )
        except IntegrityError as exc:
            raise Refused(_("This plan version was confirmed meanwhile.")) from exc
        if done | set(todo) >= set(Party.values):
            locked.status = ActionPlan.Status.CONFIRMED
            locked.confirmed_at = timezone.now()
            locked.save(update_fields=["status", "confirmed_at"])
            assignment.action_plans.filter(
                status=ActionPlan.Status.CONFIRMED, version__lt=locked.version
            ).update(status=ActionPlan.Status.SUPERSEDED)
            events.plan_confirmed(locked)
        dashboard_changed(assignment)  # one more confirmation, or the plan confirmed
    plan.refresh_from_db()
    return plan


def commitment_mark_delivered(
    *, commitment: ClientCommitment, user: Any, delivered_on: date | None = None
) -> ClientCommitment:
    """Record that the client delivered what it promised."""
    access.check("mark_delivered", commitment.plan.assignment, user)
    require(not commitment.delivered, _("This commitment is already marked delivered."))
    delivered_on = delivered_on or timezone.localdate()
    require(delivered_on <= timezone.localdate(), _("A delivery date cannot be in the future."))
    commitment.delivered_on = delivered_on
    commitment.delivered_marked_by = user
    with transaction.atomic():
        commitment.save(update_fields=["delivered_on", "delivered_marked_by"])
        dashboard_changed(commitment.plan.assignment)
    return commitment
