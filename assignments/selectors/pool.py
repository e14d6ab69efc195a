"""The manager pool: the list a director shortlists from, and one manager's profile with
what the person looking at it may see of it (`access.profile_view`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from partners.codes import code_pattern
from partners.models import ManagerProfile, Skill

from .. import access
from ..models import Candidacy


def pool_for_user(user: Any) -> QuerySet[ManagerProfile]:
    """The managers `user` shortlists from: their firm's pool (every manager for an admin),
    with what a row of the list shows."""
    profiles = ManagerProfile.objects.select_related("user").prefetch_related("skills")
    if access.is_admin(user):
        return profiles.prefetch_related("firms")
    firm_id = access.director_firm_id(user)
    if firm_id is None:
        return profiles.none()
    return profiles.filter(firms=firm_id)


def pool_list(
    user: Any,
    *,
    q: str = "",
    skill: Skill | None = None,
    language: str = "",
    country: str = "",
    available_by: date | None = None,
) -> QuerySet[ManagerProfile]:
    """The pool searched by name, headline and CV, and filtered by a skill, a language
    (ISO 639-1), a country (ISO 3166) and availability on or before a date; by name."""
    profiles = pool_for_user(user)
    for word in q.split():
        profiles = profiles.filter(
            Q(user__full_name__icontains=word)
            | Q(headline__icontains=word)
            | Q(cv_summary__icontains=word)
        )
    if skill is not None:
        profiles = profiles.filter(skills=skill)
    if language:
        profiles = profiles.filter(languages__iregex=code_pattern(language))
    if country:
        profiles = profiles.filter(countries__iregex=code_pattern(country))
    if available_by is not None:
        profiles = profiles.filter(available_from__lte=available_by)
    return profiles.order_by("user__full_name", "pk")


@dataclass
class Offer:
    """A day rate the firm offered the viewer's organisation for this manager."""

    assignment_title: str
    day_rate: Any
    currency: str
    agreed: bool


@dataclass
class ProfilePage:
    """One manager's profile as `view` (an `access.ProfileView`) shows it."""

    profile: ManagerProfile
    view: str
    pool_firm_ids: set[int]
    offers: list[Offer] = field(default_factory=list)

    @property
    def manager(self) -> Any:
        return self.profile.user

    @property
    def full(self) -> bool:
        return self.view == access.ProfileView.FULL

    @property
    def shows_rate_range(self) -> bool:
        return self.view in (access.ProfileView.FULL, access.ProfileView.OWN)


def _presented_to(user: Any, manager_id: int) -> list[Candidacy]:
    """The candidacies of the manager presented on assignments of `user`'s organisation
    (none when `user` is no client contact)."""
    contact = getattr(user, "client_profile", None) if user.is_authenticated else None
    if contact is None:
        return []
    return list(
        Candidacy.objects.filter(
            manager_id=manager_id,
            presented_at__isnull=False,
            assignment__client_id=contact.organisation_id,
        )
        .select_related("assignment")
        .only(
            "proposed_day_rate",
            "agreed_day_rate",
            "currency",
            "presented_at",
            "assignment",
            "assignment__title",
            "assignment__state",  # read by the state machine when the row loads
        )
        .order_by("presented_at", "pk")
    )


def get_profile_for_user(user: Any, manager_id: int) -> ProfilePage:
    """Manager `manager_id`'s profile as `user` may see it, or 404: to an outsider it is as
    unknown as a manager who does not exist."""
    profile = (
        ManagerProfile.objects.select_related("user")
        .prefetch_related("skills")
        .filter(user_id=manager_id)
        .first()
    )
    if profile is None:
        raise Http404(_("No such manager."))
    pool_firm_ids = set(profile.firms.values_list("pk", flat=True))
    candidacy_firm_ids = set(
        Candidacy.objects.filter(manager_id=manager_id)
        .values_list("assignment__firm_id", flat=True)
        .distinct()
    )
    presented = _presented_to(user, manager_id)
    view = access.profile_view(
        user,
        manager_id,
        pool_firm_ids=pool_firm_ids,
        candidacy_firm_ids=candidacy_firm_ids,
        presented_to_client=bool(presented),
    )
    if view is None:
        raise Http404(_("No such manager."))
    page = ProfilePage(profile=profile, view=view, pool_firm_ids=pool_firm_ids)
    if view == access.ProfileView.CANDIDATE:
        page.offers = [
            Offer(
                assignment_title=c.assignment.title,
                day_rate=c.agreed_day_rate or c.proposed_day_rate,
                currency=c.currency,
                agreed=c.agreed_day_rate is not None,
            )
            for c in presented
            if (c.agreed_day_rate or c.proposed_day_rate) is not None
        ]
    return page
