"""The demo cast: firms, clients, skills and accounts, created only where missing."""

from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from partners.models import (
    ClientContact,
    ClientOrganisation,
    DirectorProfile,
    ManagerProfile,
    ProviderFirm,
    Skill,
    User,
)

from .data import CLIENTS, FIRMS, PASSWORD, PEOPLE, SKILLS


def demo_people():
    """Get or create the demo organisations and accounts: {"firms", "clients", "by_email"}."""
    firms = [
        ProviderFirm.objects.get_or_create(name=n, defaults={"country": c})[0] for n, c in FIRMS
    ]
    clients = [
        ClientOrganisation.objects.get_or_create(name=n, defaults={"sector": s, "country": c})[0]
        for n, s, c in CLIENTS
    ]
    skills = {n: Skill.objects.get_or_create(name=n)[0] for n in SKILLS}
    # Both firms work with both clients: the demo crosses them, and so does --scale.
    for firm in firms:
        firm.clients.add(*clients)
    cast = {"firms": firms, "clients": clients, "by_email": {}}
    # One slow hash for every demo account (they share the documented password).
    hashed = make_password(PASSWORD)
    for email, name, org, role, extra in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create(
                email=email,
                password=hashed,
                full_name=name,
                is_staff=role == "admin",
                is_superuser=role == "admin",
            )
        if role == "director":
            DirectorProfile.objects.get_or_create(user=user, defaults={"firm": firms[org]})
        elif role == "manager":
            profile, created = ManagerProfile.objects.get_or_create(
                user=user,
                defaults={
                    "day_rate": Decimal(extra["rate"]),
                    "currency": "EUR",
                    "languages": "en, fr",
                    "headline": f"Interim executive – {', '.join(extra['skills'])}",
                    "available_from": timezone.localdate(),
                },
            )
            if created:
                profile.firms.set([firms[i] for i in org])
                profile.skills.set([skills[s] for s in extra["skills"]])
        elif role == "client":
            ClientContact.objects.get_or_create(
                user=user, defaults={"organisation": clients[org], "job_title": extra["title"]}
            )
        cast["by_email"][email] = user
    return cast
