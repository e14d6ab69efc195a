"""Which assignments a user may see, as SQL: the list-sized forms of `access`'s rules.

Every list starts from one of these; `get_assignment_for_user` fetches and authorises in
one step (404 for anyone who may not see the assignment). A person with two roles sees
each assignment as the party they are on it: the provider's side of one firm's
assignments, the client's side of their organisation's.
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from .. import access
from ..models import Assignment, AuditReport, Candidacy, Flag
from ..models.lifecycle import lifecycle_order as lifecycle_order  # the order lists share

# The long texts of an assignment, which no list shows: a list leaves them in the database
# (its `state`, read by the FSM's concurrency check, stays loaded).
LONG_TEXTS = ("summary", "realignment_reason", "outcome", "cancel_reason")

FULL = "full"
SUMMARY = "summary"
NOTHING = Q(pk__in=[])
EVERYTHING = Q(pk__isnull=False)  # a bare Q() would vanish when OR-ed with another Q


def _profile(user: Any, name: str) -> Any:
    return getattr(user, name, None) if user.is_authenticated else None


def director_q(user: Any, via: str = "") -> Q:
    """The assignments of the user's firm (every assignment for an admin). With `via` (say
    "assignment__"), the rows whose assignment that is, as a join: the planner then walks a
    table's own index in order and stops at the first rows in scope, where an
    `assignment IN (SELECT …)` would read and sort the whole firm's."""
    if access.is_admin(user):
        return EVERYTHING
    director = _profile(user, "director_profile")
    if director is None:
        return NOTHING
    return Q(**{f"{via}firm_id": director.firm_id})


def provider_side_q(user: Any) -> Q:
    """Where the user is the provider's side: director of the firm, the selected manager,
    or an admin (`access.is_provider_side`)."""
    q = director_q(user)
    if _profile(user, "manager_profile") is not None:
        q |= Q(interim_manager_id=user.pk)
    return q


def client_q(user: Any) -> Q:
    contact = _profile(user, "client_profile")
    return Q(client_id=contact.organisation_id) if contact is not None else NOTHING


def full_access_q(user: Any) -> Q:
    """Assignments the user sees in full: firm's (director), own (manager), org's (client)."""
    return provider_side_q(user) | client_q(user)


def candidate_only_q(user: Any) -> Q:
    """Assignments where the user is merely a candidate: they see a brief summary."""
    if _profile(user, "manager_profile") is None:
        return NOTHING
    return Q(pk__in=Candidacy.objects.filter(manager_id=user.pk).values("assignment_id"))


def assignments_for_user(user: Any) -> QuerySet[Assignment]:
    """Every assignment the user may see in full."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    return Assignment.objects.filter(full_access_q(user))


def firm_assignments(user: Any) -> QuerySet[Assignment]:
    """The assignments the user directs as their firm's director (all for an admin)."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    return Assignment.objects.filter(director_q(user))


def with_visible_drift(queryset: QuerySet[Assignment], user: Any) -> QuerySet[Assignment]:
    """Annotate `visible_drift`: the gap drift where the user may see it
    (`access.can_see_drift`), else NULL, so that neither the column nor a sort by it tells
    a client anything about an audit not yet accepted."""
    accepted = AuditReport.objects.filter(
        assignment=OuterRef("pk"), status=AuditReport.Status.ACCEPTED
    )
    return queryset.annotate(
        visible_drift=Case(
            When(provider_side_q(user), then=F("gap_drift")),
            When(Exists(accepted), then=F("gap_drift")),
            default=None,
            output_field=IntegerField(),
        )
    )


def with_open_flags(queryset: QuerySet[Assignment], user: Any) -> QuerySet[Assignment]:
    """Annotate `open_flags` (a count) where the user may see flags, else NULL."""
    counts = (
        Flag.objects.filter(assignment=OuterRef("pk"), resolved_at=None)
        .order_by()
        .values("assignment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        open_flags=Case(
            When(provider_side_q(user), then=Coalesce(Subquery(counts), 0)),
            default=None,
            output_field=IntegerField(),
        )
    )


def get_assignment_for_user(
    user: Any,
    pk: int | str,
    *,
    summary_ok: bool = False,
    queryset: QuerySet[Assignment] | None = None,
) -> Assignment:
    """The assignment if the user may see it (in full, unless summary_ok), else 404."""
    queryset = queryset if queryset is not None else Assignment.objects.all()
    if not user.is_authenticated:
        raise Http404(_("No such assignment."))
    visible = full_access_q(user)
    if summary_ok:
        visible |= candidate_only_q(user)
    try:
        assignment = queryset.select_related(
            "firm", "client", "director", "client_contact", "interim_manager"
        ).get(visible, pk=pk)
    except (Assignment.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such assignment.")) from None
    # What this user sees of it: the whole page, or a candidate's summary.
    assignment.access = FULL if access.is_party(assignment, user) else SUMMARY  # type: ignore[union-attr]
    return assignment


def get_child_or_404(queryset: QuerySet[Any], **lookup: Any) -> Any:
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(
            _("No such %(thing)s.") % {"thing": queryset.model._meta.verbose_name}
        ) from None
