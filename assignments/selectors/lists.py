"""The assignment list: filtered and sorted only by what the user may see on each row."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q, QuerySet

from partners.models import ClientOrganisation, User

from .. import access
from ..models import Assignment, Flag
from .scoping import (
    LONG_TEXTS,
    assignments_for_user,
    lifecycle_order,
    provider_side_q,
    with_open_flags,
    with_visible_drift,
)

SORTS: dict[str, Any] = {
    "newest": "-created_at",
    "oldest": "created_at",
    "title": "title",
    "client": "client__name",
    "state": lifecycle_order(),
    # NULLs (drift not visible to this user, or not measured yet) sort last.
    "drift": F("visible_drift").desc(nulls_last=True),
}


def sees_flags_somewhere(user: Any) -> bool:
    """Whether the user is the provider's side of any assignment (the flag filter and
    column are theirs); a client contact alone never is."""
    return (
        access.is_admin(user)
        or hasattr(user, "director_profile")
        or hasattr(user, "manager_profile")
    )


def assignment_list(
    user: Any,
    *,
    state: str | None = None,
    client: ClientOrganisation | None = None,
    manager: User | None = None,
    director: User | None = None,
    flag: str | None = None,
    q: str = "",
    sort: str = "newest",
) -> QuerySet[Assignment]:
    """The assignments the user sees, filtered; a flag filter only ever matches rows where
    the user is the provider's side, so it tells a client contact nothing."""
    qs = with_open_flags(
        with_visible_drift(
            assignments_for_user(user)
            .select_related("client", "firm", "director", "interim_manager")
            .defer(*LONG_TEXTS),
            user,
        ),
        user,
    )
    if state:
        qs = qs.filter(state=state)
    if client:
        qs = qs.filter(client=client)
    if manager:
        qs = qs.filter(interim_manager=manager)
    if director:
        qs = qs.filter(director=director)
    if flag:
        open_flag = Flag.objects.filter(resolved_at=None, kind=flag).values("assignment_id")
        qs = qs.filter(provider_side_q(user), pk__in=open_flag)
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(title__icontains=q)
            | Q(client__name__icontains=q)
            | Q(interim_manager__full_name__icontains=q)
            | Q(director__full_name__icontains=q)
        )
    return qs.order_by(SORTS.get(sort, SORTS["newest"]), "-id")


def list_filter_choices(user: Any) -> dict[str, QuerySet[Any]]:
    """The clients, managers and directors of the assignments the user sees."""
    visible = assignments_for_user(user)
    return {
        "clients": ClientOrganisation.objects.filter(pk__in=visible.values("client_id")),
        "managers": User.objects.filter(pk__in=visible.values("interim_manager_id")),
        "directors": User.objects.filter(pk__in=visible.values("director_id")),
    }
