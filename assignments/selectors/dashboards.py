"""The homes of the three parties: the director's dashboard, the manager's and the
client's pages. Each is scoped to the party the user is on each assignment."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from .. import access
from ..constants import ACTIVE_STATES, FINAL_STATES, PLANNING_STATES, RUNNING_STATES
from ..models import (
    ActionPlan,
    Assignment,
    Candidacy,
    ClientCommitment,
    Flag,
    Party,
    ProgressMeeting,
    State,
)
from .scoping import firm_assignments, lifecycle_order


def director_dashboard(user: Any, today: date | None = None) -> dict[str, Any]:
    """The firm's portfolio: pipeline, what needs attention, meetings, new business."""
    today = today or timezone.localdate()
    # The firm's assignments only: a director who is also a client contact elsewhere sees
    # that organisation's assignments as the client, not here.
    mine = firm_assignments(user)
    in_scope = Q(assignment__in=mine.values("pk"))
    active = mine.filter(state__in=ACTIVE_STATES)
    pipeline_rows = dict(mine.values_list("state").annotate(n=Count("pk")).order_by())
    pipeline = [(value, label, pipeline_rows.get(value, 0)) for value, label in State.choices]
    flags = list(
        Flag.objects.filter(in_scope, resolved_at=None)
        .select_related("assignment__client")
        .order_by("raised_at")[:15]
    )
    flag_counts = dict(
        Flag.objects.filter(in_scope, resolved_at=None)
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    meetings = ProgressMeeting.objects.filter(in_scope, status=ProgressMeeting.Status.SCHEDULED)
    overdue_reviews = list(
        meetings.filter(scheduled_for__lt=today)
        .select_related("assignment__client")
        .order_by("scheduled_for")[:10]
    )
    upcoming = list(
        meetings.filter(scheduled_for__gte=today, scheduled_for__lte=today + timedelta(days=14))
        .select_related("assignment__client", "assignment__interim_manager")
        .order_by("scheduled_for")[:15]
    )
    audits_due = list(
        mine.filter(
            state=State.AUDIT,
            audit_due_date__lte=today + timedelta(days=settings.AUDIT_REMINDER_DAYS),
        )
        .select_related("client", "interim_manager")
        .order_by("audit_due_date")[:10]
    )
    awaiting = list(
        ActionPlan.objects.filter(
            in_scope,
            status=ActionPlan.Status.DRAFT,
            assignment__state__in=PLANNING_STATES,
        )
        .annotate(n_confirmed=Count("confirmations"))
        .select_related("assignment__client")
        .order_by("created_at")[:10]
    )
    commitments = list(
        ClientCommitment.objects.filter(
            plan__assignment__in=mine.filter(state__in=RUNNING_STATES).values("pk"),
            plan__status__in=[ActionPlan.Status.CONFIRMED, ActionPlan.Status.DRAFT],
            delivered_on=None,
            due_date__lt=today,
        )
        .select_related("plan__assignment__client")
        .order_by("due_date")[:10]
    )
    opportunities = list(
        ProgressMeeting.objects.filter(in_scope, status=ProgressMeeting.Status.HELD)
        .exclude(opportunities="")
        .select_related("assignment__client")
        .order_by("-held_on")[:8]
    )
    since = today - timedelta(days=90)
    reviews = ProgressMeeting.objects.filter(
        in_scope, scheduled_for__gte=since, scheduled_for__lt=today
    ).aggregate(
        due=Count("pk"),
        on_time=Count(
            "pk",
            filter=Q(status=ProgressMeeting.Status.HELD, held_on__lte=F("scheduled_for")),
        ),
    )
    figures = active.aggregate(active=Count("pk"), drift=Avg("gap_drift"))
    return {
        "pipeline": pipeline,
        "flags": flags,
        "flag_counts": [(k, label, flag_counts.get(k, 0)) for k, label in Flag.Kind.choices],
        "open_flag_total": sum(flag_counts.values()),
        "overdue_reviews": overdue_reviews,
        "upcoming": upcoming,
        "audits_due": audits_due,
        "awaiting": awaiting,
        "commitments": commitments,
        "opportunities": opportunities,
        "active_count": figures["active"],
        "average_drift": round(figures["drift"]) if figures["drift"] is not None else None,
        "reviews_due": reviews["due"],
        "reviews_on_time": reviews["on_time"],
        "reviews_on_time_pct": round(100 * reviews["on_time"] / reviews["due"])
        if reviews["due"]
        else None,
        # An admin without a firm of their own sees every firm's portfolio.
        "every_firm": access.is_admin(user),
        "today": today,
    }


def manager_home(user: Any, today: date | None = None) -> dict[str, Any]:
    """The assignments the user manages, audits due, next meetings, their candidacies."""
    today = today or timezone.localdate()
    mine = (
        Assignment.objects.filter(interim_manager_id=user.pk)
        .select_related("client", "firm", "director")
        .order_by(lifecycle_order(), "-created_at")
    )
    assignments = list(mine[:50])
    active = [a for a in assignments if a.state not in FINAL_STATES]
    meetings = list(
        ProgressMeeting.objects.filter(
            assignment__interim_manager_id=user.pk,
            status=ProgressMeeting.Status.SCHEDULED,
            assignment__state__in=RUNNING_STATES,
        )
        .select_related("assignment__client")
        .order_by("scheduled_for")[:10]
    )
    candidacies = list(
        Candidacy.objects.filter(manager_id=user.pk)
        .exclude(status=Candidacy.Status.SELECTED)
        .select_related("assignment__client", "assignment__firm")
        .order_by("-created_at")[:20]
    )
    return {
        "assignments": assignments,
        "active": active,
        "audits": [a for a in active if a.state == State.AUDIT],
        "meetings": meetings,
        "candidacies": candidacies,
        "today": today,
    }


def client_home(user: Any, today: date | None = None) -> dict[str, Any]:
    """The organisation's assignments, candidates to choose, plans to confirm, meetings."""
    today = today or timezone.localdate()
    contact = getattr(user, "client_profile", None)
    org_id = contact.organisation_id if contact else None
    mine = (
        Assignment.objects.filter(client_id=org_id)
        .select_related("firm", "director", "interim_manager")
        .order_by(lifecycle_order(), "-created_at")
    )
    presented = list(
        Candidacy.objects.filter(
            assignment__client_id=org_id,
            assignment__state=State.SELECTION,
            status=Candidacy.Status.PRESENTED,
        )
        .select_related("manager", "assignment")
        .order_by("assignment_id", "presented_at")[:20]
    )
    awaiting = list(
        ActionPlan.objects.filter(
            assignment__client_id=org_id,
            status=ActionPlan.Status.DRAFT,
            assignment__state__in=PLANNING_STATES,
        )
        .exclude(confirmations__party=Party.CLIENT)
        .select_related("assignment")
        .order_by("created_at")[:10]
    )
    recent = list(
        ProgressMeeting.objects.filter(
            assignment__client_id=org_id, status=ProgressMeeting.Status.HELD
        )
        .select_related("assignment")
        .order_by("-held_on")[:8]
    )
    return {
        "organisation": contact.organisation if contact else None,
        "assignments": list(mine[:50]),
        "presented": presented,
        "awaiting": awaiting,
        "recent": recent,
        "today": today,
    }
