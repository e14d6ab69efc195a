"""The demo cast: firms, clients, skills and accounts, created only where missing."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone

from partners.models import (
    ClientContact,
    ClientOrganisation,
    DirectorProfile,
    ExchangeRate,
    ManagerProfile,
    ProviderFirm,
    Skill,
    User,
)

from .data import CLIENTS, EXCHANGE_RATES, FIRMS, PASSWORD, PEOPLE, SKILLS


def demo_people():
    """Get or create the demo organisations and accounts: {"firms", "clients", "by_email"}."""
    firms = _named(
        ProviderFirm,
        [{"name": n, "country": c, "reporting_currency": r} for n, c, r in FIRMS],
    )
    clients = _named(
        ClientOrganisation, [{"name": n, "sector": s, "country": c} for n, s, c in CLIENTS]
    )
    skills = dict(zip(SKILLS, _named(Skill, [{"name": n} for n in SKILLS]), strict=True))
    # Both firms work with both clients: the demo crosses them, and so does --scale.
    for firm in firms:
        firm.clients.add(*clients)
    cast = {"firms": firms, "clients": clients, "by_email": {}}
    # One slow hash for every demo account (they share the documented password).
    hashed = make_password(PASSWORD)
    # The accounts already there, read once with their profiles.
    known = {
        user.email: user
        for user in User.objects.filter(email__in=[p[0] for p in PEOPLE]).select_related(
            "director_profile", "manager_profile", "client_profile"
        )
    }
    for email, name, org, role, extra in PEOPLE:
        user = known.get(email) or User.objects.create(
            email=email,
            password=hashed,
            full_name=name,
            is_staff=role == "admin",
            is_superuser=role == "admin",
        )
        cast["by_email"][email] = user
        if role not in PROFILES or (email in known and _has(user, PROFILES[role])):
            continue
        if role == "director":
            DirectorProfile.objects.create(user=user, firm=firms[org])
        elif role == "manager":
            profile = ManagerProfile.objects.create(
                user=user,
                day_rate=Decimal(extra["rate"]),
                day_rate_max=Decimal(extra["rate_max"]) if "rate_max" in extra else None,
                currency=extra.get("currency", "EUR"),
                languages=extra["languages"],
                countries=extra["countries"],
                cv_summary=extra["cv"],
                headline=f"Interim executive – {', '.join(extra['skills'])}",
                available_from=timezone.localdate(),
            )
            profile.firms.add(*(firms[i] for i in org))
            profile.skills.add(*(skills[s] for s in extra["skills"]))
        else:
            ClientContact.objects.create(
                user=user, organisation=clients[org], job_title=extra["title"]
            )
    return cast


PROFILES = {
    "director": "director_profile",
    "manager": "manager_profile",
    "client": "client_profile",
}


def demo_exchange_rates():
    """Get or create the rate table's rows for the start of last month and of this one."""
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    days = (last_month, this_month)
    found = set(
        ExchangeRate.objects.filter(valid_on__in=days).values_list(
            "currency", "quote_currency", "valid_on"
        )
    )
    ExchangeRate.objects.bulk_create(
        ExchangeRate(currency=currency, quote_currency=quote, rate=Decimal(rate), valid_on=day)
        for currency, quote, *rates in EXCHANGE_RATES
        for day, rate in zip(days, rates, strict=True)
        if (currency, quote, day) not in found
    )


def _named(model, rows):
    """The rows of `model` with these names, in this order: read in one query, the missing
    ones created."""
    found = {o.name: o for o in model.objects.filter(name__in=[row["name"] for row in rows])}
    return [found.get(row["name"]) or model.objects.create(**row) for row in rows]


def _has(user, profile):
    """Whether a user read with their profiles has this one (no query: it was selected)."""
    try:
        getattr(user, profile)
    except ObjectDoesNotExist:
        return False
    return True
