"""The homes of the three parties: the director's dashboard, the manager's and the
client's pages. Each is scoped to the party the user is on each assignment."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from partners.models import ProviderFirm

from .. import access
from ..constants import ACTIVE_STATES, FINAL_STATES, PLANNING_STATES, RUNNING_STATES
from ..models import (
    ActionPlan,
    Assignment,
    Candidacy,
    ClientCommitment,
    Flag,
    Opportunity,
    Party,
    PlanConfirmation,
    ProgressMeeting,
    State,
)
from .records import firm_mirror
from .scoping import LONG_TEXTS, firm_assignments, lifecycle_order

# The order in which a director reads open flags: the manager used as a fuse by the
# client and a manager worn out come before a drifting brief, and late paperwork last.
FLAG_URGENCY = [
    Flag.Kind.FUSE_RISK,
    Flag.Kind.MANAGER_STRAIN,
    Flag.Kind.GAP_DRIFT,
    Flag.Kind.DIRECTION_CHANGE,
    Flag.Kind.REVIEW_OVERDUE,
    Flag.Kind.AUDIT_OVERDUE,
]
REVIEW_WINDOW_DAYS = 90


def review_punctuality(meetings: QuerySet[ProgressMeeting], today: date) -> dict[str, int]:
    """Progress meetings due in the last 90 days, and how many were held on time.

    A meeting is due on its scheduled date, or on the day it was held if that came first;
    one still scheduled counts once that date is past (it is overdue). It is on time when it
    was held no later than its scheduled date; late, missed and overdue ones are not. One
    cancelled with its assignment was never due.
    """
    held = ProgressMeeting.Status.HELD
    due_on = Case(
        When(status=held, held_on__lt=F("scheduled_for"), then=F("held_on")),
        default=F("scheduled_for"),
        output_field=DateField(),
    )
    return (
        meetings.annotate(due_on=due_on)
        .filter(due_on__gte=today - timedelta(days=REVIEW_WINDOW_DAYS), due_on__lte=today)
        .exclude(status=ProgressMeeting.Status.SCHEDULED, scheduled_for__gte=today)
        .exclude(status=ProgressMeeting.Status.CANCELLED)
        .aggregate(
            due=Count("pk"),
            on_time=Count("pk", filter=Q(status=held, held_on__lte=F("scheduled_for"))),
        )
    )


def dashboard_version(user: Any, today: date | None = None) -> dict[str, Any]:
    """What names the current copy of the user's dashboard, in one query: the version of
    their firm's (of every firm's, for an admin), and the day. The services move the version
    on after every change the dashboard shows (`services.freshness`)."""
    today = today or timezone.localdate()
    if access.is_admin(user):
        # Any firm's change, a firm added or removed: the sum, count or top id moves.
        row = ProviderFirm.objects.aggregate(
            v=Coalesce(Sum("dashboard_version"), 0), n=Count("pk"), top=Max("pk")
        )
        scope, name = f"all:{row['n']}:{row['top']}:{row['v']}", None
    else:
        director = getattr(user, "director_profile", None)
        firm_id = director.firm_id if director is not None else None
        firm = ProviderFirm.objects.filter(pk=firm_id or 0)
        name, version = firm.values_list("name", "dashboard_version").first() or (None, 0)
        scope = f"firm:{firm_id}:{version}"
    # One copy per language too: the body is rendered in the viewer's.
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = f"interim:dashboard:{scope}:{today.isoformat()}:{language}"
    return {"key": key, "firm_name": name}


def director_dashboard(user: Any, today: date | None = None) -> dict[str, Any]:
    """The firm's portfolio: pipeline, what needs attention, meetings, new business."""
    today = today or timezone.localdate()
    # The firm's assignments only: a director who is also a client contact elsewhere sees
    # that organisation's assignments as the client, not here.
    mine = firm_assignments(user)
    # The rows of the firm's assignments as `assignment IN (SELECT …)`: measured at 10,000
    # assignments, as fast as a join with planner statistics and up to 40 times faster
    # without them (right after a bulk load), where a join may probe the firm's index once
    # per candidate row (BENCHMARKS.md).
    in_scope = Q(assignment__in=mine.values("pk"))
    active = mine.filter(state__in=ACTIVE_STATES)
    pipeline_rows = dict(mine.values_list("state").annotate(n=Count("pk")).order_by())
    pipeline = [(value, label, pipeline_rows.get(value, 0)) for value, label in State.choices]
    open_flags = Flag.objects.filter(in_scope, resolved_at=None)
    # One line per assignment and kind of flag (two overdue commitments are one fuse risk
    # to act on), the most urgent kind first and, within a kind, the newest first.
    urgency = Case(
        *(When(kind=kind, then=Value(rank)) for rank, kind in enumerate(FLAG_URGENCY)),
        default=Value(len(FLAG_URGENCY)),
        output_field=IntegerField(),
    )
    flag_rows = list(
        open_flags.values("assignment_id", "assignment__title", "assignment__client__name", "kind")
        .annotate(n=Count("pk"), latest=Max("raised_at"), urgency=urgency)
        .order_by("urgency", "-latest", "assignment_id")[:15]
    )
    kind_labels = dict(Flag.Kind.choices)
    flags = [{**row, "label": kind_labels.get(row["kind"], row["kind"])} for row in flag_rows]
    # Per kind: open flags, and the assignments they are on (what the list filter shows).
    flag_counts = {
        row["kind"]: (row["n"], row["assignments"])
        for row in open_flags.values("kind")
        .annotate(n=Count("pk"), assignments=Count("assignment", distinct=True))
        .order_by()
    }
    meetings = ProgressMeeting.objects.filter(in_scope, status=ProgressMeeting.Status.SCHEDULED)
    # One line per assignment, the longest overdue first.
    overdue_reviews = list(
        meetings.filter(scheduled_for__lt=today)
        .values("assignment_id", "assignment__title", "assignment__client__name")
        .annotate(due=Min("scheduled_for"), n=Count("pk"))
        .order_by("due", "assignment_id")[:10]
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
    # A count per row as a subquery: no GROUP BY over every draft's columns.
    confirmations = Coalesce(
        Subquery(
            PlanConfirmation.objects.filter(plan=OuterRef("pk"))
            .order_by()
            .values("plan")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        0,
    )
    awaiting = list(
        ActionPlan.objects.filter(
            in_scope,
            status=ActionPlan.Status.DRAFT,
            assignment__state__in=PLANNING_STATES,
        )
        .annotate(n_confirmed=confirmations)
        .select_related("assignment__client")
        .order_by("created_at")[:10]
    )
    commitments = list(
        ClientCommitment.objects.filter(
            plan__in=ActionPlan.objects.filter(
                in_scope,
                assignment__state__in=RUNNING_STATES,
                status__in=[ActionPlan.Status.CONFIRMED, ActionPlan.Status.DRAFT],
            ).values("pk"),
            delivered_on=None,
            due_date__lt=today,
        )
        .select_related("plan__assignment__client")
        .order_by("due_date", "pk")[:10]
    )
    opportunities = list(
        ProgressMeeting.objects.filter(in_scope, status=ProgressMeeting.Status.HELD)
        .exclude(opportunities="")
        .select_related("assignment__client")
        # The lead each opportunity became, in the same query.
        .annotate(
            lead_id=Subquery(
                Opportunity.objects.filter(source_meeting=OuterRef("pk")).values("pk")[:1]
            )
        )
        .order_by("-held_on")[:8]
    )
    reviews = review_punctuality(ProgressMeeting.objects.filter(in_scope), today)
    figures = active.aggregate(active=Count("pk"), drift=Avg("gap_drift"))
    return {
        "pipeline": pipeline,
        "flags": flags,
        "flag_counts": [(k, label, *flag_counts.get(k, (0, 0))) for k, label in Flag.Kind.choices],
        "open_flag_total": sum(n for n, _ in flag_counts.values()),
        "overdue_reviews": overdue_reviews,
        "upcoming": upcoming,
        "audits_due": audits_due,
        "awaiting": awaiting,
        "commitments": commitments,
        "opportunities": opportunities,
        "active_count": figures["active"],
        "average_drift": round(figures["drift"]) if figures["drift"] is not None else None,
        "review_window_days": REVIEW_WINDOW_DAYS,
        "mirror": firm_mirror(mine, today),
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
        .defer(*LONG_TEXTS)
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
        .defer(*LONG_TEXTS)
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
