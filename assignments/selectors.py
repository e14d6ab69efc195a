"""Every read scoped to a user. Lists start here; one helper fetches and authorises."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Avg, Case, Count, Exists, F, OuterRef, Prefetch, Q, Value, When
from django.http import Http404
from django.utils import timezone

from .models import (
    ACTIVE_STATES,
    RUNNING_STATES,
    ActionPlan,
    Assignment,
    AuditReport,
    Candidacy,
    ClientCommitment,
    Flag,
    Notification,
    Party,
    PlanConfirmation,
    ProgressMeeting,
    State,
    TransitionRecord,
    is_admin,
    parties_of,
)

FULL = "full"
SUMMARY = "summary"


def lifecycle_order():
    """An expression ordering assignments by the phase they are in, brief first."""
    return Case(
        *(When(state=value, then=Value(i)) for i, value in enumerate(State.values)),
        default=Value(len(State.values)),
    )


def _profile(user, name):
    return getattr(user, name, None) if user.is_authenticated else None


def full_access_q(user):
    """Assignments the user sees in full: firm's (director), own (manager), org's (client)."""
    if is_admin(user):
        return Q(pk__isnull=False)  # a bare Q() would vanish when OR-ed with another Q
    q = Q(pk__in=[])
    director = _profile(user, "director_profile")
    if director is not None:
        q |= Q(firm_id=director.firm_id)
    if _profile(user, "manager_profile") is not None:
        q |= Q(interim_manager_id=user.pk)
    contact = _profile(user, "client_profile")
    if contact is not None:
        q |= Q(client_id=contact.organisation_id)
    return q


def candidate_only_q(user):
    """Assignments where the user is merely a candidate: they see a brief summary."""
    if _profile(user, "manager_profile") is None:
        return Q(pk__in=[])
    return Q(pk__in=Candidacy.objects.filter(manager_id=user.pk).values("assignment_id"))


def assignments_for_user(user):
    """Every assignment the user may see in full."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    return Assignment.objects.filter(full_access_q(user))


def get_assignment_for_user(user, pk, *, summary_ok=False, queryset=None):
    """The assignment if the user may see it (in full, unless summary_ok), else 404."""
    queryset = queryset if queryset is not None else Assignment.objects.all()
    visible = full_access_q(user)
    if summary_ok:
        visible |= candidate_only_q(user)
    try:
        assignment = queryset.select_related(
            "firm", "client", "director", "client_contact", "interim_manager"
        ).get(visible, pk=pk)
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such assignment.") from None
    assignment.access = FULL if is_admin(user) or parties_of(assignment, user) else SUMMARY
    return assignment


def get_child_or_404(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No such {queryset.model._meta.verbose_name}.") from None


# --- The assignment page --------------------------------------------------------------


def assignment_page(user, pk):
    """Everything the assignment page shows, in a fixed number of queries."""
    base = Assignment.objects.prefetch_related(
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
            .order_by("scheduled_for", "id"),
        ),
        Prefetch("flags", queryset=Flag.objects.select_related("resolved_by")),
        Prefetch("history", queryset=TransitionRecord.objects.select_related("by")),
        "drift_readings",
    )
    return get_assignment_for_user(user, pk, summary_ok=True, queryset=base)


def candidacies_visible_to(user, assignment):
    """Directors see every candidate; clients only those presented to them; a manager
    only their own candidacy."""
    candidacies = list(assignment.candidacies.all())
    parties = parties_of(assignment, user)
    if is_admin(user) or Party.DIRECTOR in parties:
        return candidacies
    if Party.CLIENT in parties:
        shown = (Candidacy.Status.PRESENTED, Candidacy.Status.SELECTED, Candidacy.Status.DECLINED)
        return [c for c in candidacies if c.status in shown and c.presented_at]
    return [c for c in candidacies if c.manager_id == user.pk]


# --- Lists and homes ----------------------------------------------------------------------


def assignment_list(user, *, state=None, client=None, manager=None, director=None, flag=None):
    qs = (
        assignments_for_user(user)
        .select_related("client", "firm", "director", "interim_manager")
        .annotate(
            open_flags=Count("flags", filter=Q(flags__resolved_at__isnull=True), distinct=True)
        )
    )
    if state:
        qs = qs.filter(state=state)
    if client:
        qs = qs.filter(client_id=client)
    if manager:
        qs = qs.filter(interim_manager_id=manager)
    if director:
        qs = qs.filter(director_id=director)
    if flag:
        qs = qs.filter(
            Exists(Flag.objects.filter(assignment=OuterRef("pk"), kind=flag, resolved_at=None))
        )
    return qs


def director_dashboard(user, today=None):
    today = today or timezone.localdate()
    mine = assignments_for_user(user)
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
            assignment__state__in=[State.ACTION_PLAN, State.REALIGNMENT],
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
        "today": today,
    }


def manager_home(user, today=None):
    today = today or timezone.localdate()
    mine = (
        Assignment.objects.filter(interim_manager_id=user.pk)
        .select_related("client", "firm", "director")
        .order_by(lifecycle_order(), "-created_at")
    )
    assignments = list(mine[:50])
    active = [a for a in assignments if a.state not in (State.COMPLETED, State.CANCELLED)]
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


def client_home(user, today=None):
    today = today or timezone.localdate()
    contact = _profile(user, "client_profile")
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
            assignment__state__in=[State.ACTION_PLAN, State.REALIGNMENT],
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


def notifications_for(user):
    return Notification.objects.filter(recipient_id=user.pk).select_related("assignment")


def unread_count(user):
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at=None).count()
