"""A firm's pool of interim managers: a manager added by e-mail, a profile kept up to date,
a manager taken off the pool (the person and their profile stay: other firms' pools and
past assignments still hold them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from partners.codes import countries_normalised, languages_normalised
from partners.models import ManagerProfile, Skill, User
from partners.validators import currency_code, currency_normalised, one_line

from .. import access
from ..exceptions import Refused


class Added:
    """What adding someone to a pool did."""

    ALREADY = "already"  # they were in this firm's pool already
    JOINED = "joined"  # an existing profile joined this firm's pool
    NEW_PROFILE = "new_profile"  # a person with another role became a manager too
    NEW_PERSON = "new_person"  # someone new to Interim


@dataclass(frozen=True)
class PoolAddition:
    profile: ManagerProfile
    outcome: str
    other_pools: int  # how many other firms' pools share the profile


def _pool_firm_id(user: Any) -> int:
    firm_id = access.director_firm_id(user)
    if not access.can_manage_pool(user, firm_id):
        raise PermissionDenied(
            _("Only an assignment director adds managers to their firm's pool.")
        )
    assert firm_id is not None
    return firm_id


def manager_pool_add(
    *,
    user: Any,
    email: str,
    full_name: str = "",
    day_rate: Decimal | None = None,
    currency: str = "EUR",
) -> PoolAddition:
    """Add the person using `email` to the director's firm's pool: their manager profile if
    they have one (shared with the other firms' pools), else a new profile, and a new
    account first for someone new to Interim (without a password: they choose one with
    "Forgot your password?")."""
    firm_id = _pool_firm_id(user)
    email = (email or "").strip().lower()
    full_name = " ".join(one_line(full_name or "").split())
    try:
        with transaction.atomic():
            return _add(firm_id, email, full_name, day_rate, currency_normalised(currency))
    except IntegrityError as exc:
        # Someone added the same person at the same moment: their write won.
        raise Refused(
            _("%(email)s was added meanwhile: look them up in the pool.") % {"email": email}
        ) from exc


def _add(
    firm_id: int, email: str, full_name: str, day_rate: Decimal | None, currency: str
) -> PoolAddition:
    person = User.objects.select_for_update().filter(email__iexact=email).first()
    profile = ManagerProfile.objects.filter(user=person).first() if person else None
    if profile is not None:
        pools = set(profile.firms.values_list("pk", flat=True))
        if firm_id in pools:
            return PoolAddition(profile, Added.ALREADY, len(pools) - 1)
        profile.firms.add(firm_id)
        return PoolAddition(profile, Added.JOINED, len(pools))
    errors = {}
    if person is None and not full_name:
        errors["full_name"] = _("Give the full name of this person: they are new to Interim.")
    if day_rate is None:
        errors["day_rate"] = _("Give the day rate they work from: their profile is new.")
    if errors or day_rate is None:
        raise ValidationError(errors)
    outcome = Added.NEW_PROFILE
    if person is None:
        person = User(email=email, full_name=full_name)
        person.set_unusable_password()
        person.full_clean()
        person.save()
        outcome = Added.NEW_PERSON
    profile = ManagerProfile(user=person, day_rate=day_rate, currency=currency)
    profile.full_clean()
    profile.save()
    profile.firms.add(firm_id)
    return PoolAddition(profile, outcome, 0)


def pool_firm_ids(profile: ManagerProfile) -> set[int]:
    """The firms whose pools hold this profile."""
    return set(profile.firms.values_list("pk", flat=True))


def _skills_named(names: Iterable[str]) -> list[Skill]:
    """The skills of these names: an existing one whatever its case, else a new one."""
    wanted: dict[str, str] = {}
    for name in names:
        name = " ".join(one_line(name).split())[:100]
        if name:
            wanted.setdefault(name.lower(), name)
    if not wanted:
        return []
    known = {
        s.lowered: s
        for s in Skill.objects.annotate(lowered=Lower("name")).filter(lowered__in=list(wanted))
    }
    new = [Skill(name=name) for key, name in wanted.items() if key not in known]
    return [*known.values(), *Skill.objects.bulk_create(new)]


def manager_profile_update(
    *,
    user: Any,
    profile: ManagerProfile,
    day_rate: Decimal,
    currency: str,
    headline: str = "",
    cv_summary: str = "",
    skills: Iterable[Skill] = (),
    new_skills: Iterable[str] = (),
    languages: str = "",
    countries: str = "",
    day_rate_max: Decimal | None = None,
    available_from: date | None = None,
) -> ManagerProfile:
    """Keep a manager's profile up to date: what they offer, where, from when, at what rates
    (one profile, shared by every pool that holds them)."""
    if not access.can_edit_profile(user, pool_firm_ids(profile)):
        raise PermissionDenied(
            _("Only a director of a firm whose pool holds this manager may edit their profile.")
        )
    if day_rate_max is not None and day_rate is not None and day_rate_max < day_rate:
        raise ValidationError(
            {"day_rate_max": _("The day rate up to must be at least the day rate from.")}
        )
    currency = currency_normalised(currency)
    currency_code(currency)
    try:
        return _update(
            profile,
            headline=headline,
            cv_summary=cv_summary,
            skills=skills,
            new_skills=new_skills,
            languages=languages,
            countries=countries,
            day_rate=day_rate,
            day_rate_max=day_rate_max,
            currency=currency,
            available_from=available_from,
        )
    except IntegrityError as exc:
        # A new skill of the same name created at the same moment by someone else.
        raise Refused(_("The profile changed meanwhile: reload the page and try again.")) from exc


def _update(profile: ManagerProfile, **fields: Any) -> ManagerProfile:
    skills, new_skills = fields.pop("skills"), fields.pop("new_skills")
    with transaction.atomic():
        profile = ManagerProfile.objects.select_for_update().get(pk=profile.pk)
        profile.headline = " ".join(one_line(fields["headline"] or "").split())
        profile.cv_summary = (fields["cv_summary"] or "").strip()
        profile.languages = languages_normalised(fields["languages"])
        profile.countries = countries_normalised(fields["countries"])
        for name in ("day_rate", "day_rate_max", "currency", "available_from"):
            setattr(profile, name, fields[name])
        profile.full_clean(exclude=["user"])
        profile.save()
        chosen = {s.pk: s for s in [*skills, *_skills_named(new_skills)]}
        profile.skills.set(list(chosen.values()))
    return profile


def manager_pool_remove(*, user: Any, profile: ManagerProfile) -> None:
    """Take a manager off the director's firm's pool: they can no longer be shortlisted by
    it; their account, their profile and the firm's assignments they are on stay."""
    firm_id = access.director_firm_id(user)
    if not access.can_manage_pool(user, firm_id) or firm_id not in pool_firm_ids(profile):
        raise PermissionDenied(
            _("Only a director of a firm whose pool holds this manager may take them off it.")
        )
    profile.firms.remove(firm_id)
