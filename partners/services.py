"""The writes of the partners app: a firm's list of the client organisations it works with,
and the e-mails that reset a password."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import ADMIN_PERMISSION, ClientOrganisation, ProviderFirm, User


def may_manage_clients(user: Any, firm: ProviderFirm) -> bool:
    """A director of the firm, or an admin."""
    if user.is_authenticated and user.is_staff and user.has_perm(ADMIN_PERMISSION):
        return True
    profile = getattr(user, "director_profile", None) if user.is_authenticated else None
    return profile is not None and profile.firm_id == firm.pk


def _check(user: Any, firm: ProviderFirm) -> None:
    if not may_manage_clients(user, firm):
        raise PermissionDenied(_("Only a director of the firm may manage its client list."))


def firm_client_add(
    *, user: Any, firm: ProviderFirm, name: str, sector: str = "", country: str = ""
) -> ClientOrganisation:
    """Add a client organisation to the firm's list: the one of that name if it is known
    already (its sector and country are then its own), else a new one."""
    _check(user, firm)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Give the organisation's name."))
    with transaction.atomic():
        organisation = ClientOrganisation.objects.filter(name__iexact=name).first()
        if organisation is None:
            organisation = ClientOrganisation(name=name, sector=sector.strip(), country=country)
            organisation.full_clean()
            organisation.save()
        firm.clients.add(organisation)
    return organisation


def firm_client_remove(*, user: Any, firm: ProviderFirm, organisation: ClientOrganisation) -> None:
    """Take an organisation off the firm's list: no new request can be recorded for it;
    the assignments already there carry on."""
    _check(user, firm)
    firm.clients.remove(organisation)


def password_reset_send(*, email: str, domain: str, use_https: bool) -> None:
    """E-mail a link to choose a new password to each active account using `email`
    (Django's reset e-mail and token); nothing when none does."""
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(domain_override=domain, use_https=use_https)


def user_language_set(*, user: Any, language: str) -> None:
    """Keep the language a person chose on their account: their pages and e-mails follow it
    on every device. Anything but one of LANGUAGES is ignored."""
    if user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=user.pk).update(language=language)
