"""Selection and intermediation: shortlist, vet, present, negotiate the day rate."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.validators import currency_code, currency_normalised

from .. import access
from ..exceptions import Refused
from ..models import Assignment, Candidacy, NegotiationRound
from . import events
from .common import require
from .freshness import dashboard_changed

OPEN_CANDIDACY = (Candidacy.Status.SHORTLISTED, Candidacy.Status.PRESENTED)


def candidacy_add(*, assignment: Assignment, user: Any, manager: Any) -> Candidacy:
    """Shortlist a manager from the firm's pool for this assignment."""
    access.check("shortlist", assignment, user)
    profile = getattr(manager, "manager_profile", None)
    if profile is None:
        raise Refused(_("%(manager)s is not an interim manager.") % {"manager": manager})
    require(
        profile.firms.filter(pk=assignment.firm_id).exists(),
        _("%(manager)s is not in %(firm)s's pool.")
        % {"manager": manager, "firm": assignment.firm},
    )
    require(
        not assignment.candidacies.filter(manager=manager).exists(),
        _("%(manager)s is already a candidate for this assignment.") % {"manager": manager},
    )
    return Candidacy.objects.create(
        assignment=assignment,
        manager=manager,
        proposed_day_rate=profile.day_rate,
        currency=profile.currency,
    )


def candidacy_vet(*, candidacy: Candidacy, user: Any, **fields: Any) -> Candidacy:
    """Record the director's questioning of a candidate."""
    access.check("vet", candidacy.assignment, user)
    require(
        candidacy.status in OPEN_CANDIDACY,
        _("Only a shortlisted or presented candidacy can be vetted."),
    )
    unknown = set(fields) - set(Candidacy.VETTING_EDITABLE)
    require(
        not unknown,
        _("Unknown vetting field(s): %(names)s.") % {"names": ", ".join(sorted(unknown))},
    )
    if "currency" in fields:
        fields["currency"] = currency_normalised(fields["currency"])
        _require_valid(currency_code, fields["currency"])
        # The agreed rate is an amount of the currency it was agreed in: relabelling it
        # would change what was agreed.
        require(
            candidacy.agreed_day_rate is None or fields["currency"] == candidacy.currency,
            _("The day rate is agreed in %(currency)s: its currency can no longer change.")
            % {"currency": candidacy.currency},
        )
    if fields.get("proposed_day_rate") is not None:
        fields["proposed_day_rate"] = _money(fields["proposed_day_rate"])
    for name, value in fields.items():
        setattr(candidacy, name, value)
    try:
        candidacy.full_clean()
    except ValidationError as exc:
        raise Refused(" ".join(exc.messages)) from exc
    candidacy.save()
    if candidacy.presented_at is not None:
        dashboard_changed(candidacy.assignment)  # the mirror counts its fit rating
    return candidacy


def _require_valid(validator: Any, value: Any) -> None:
    try:
        validator(value)
    except ValidationError as exc:
        raise Refused(" ".join(exc.messages)) from exc


def _money(value: Decimal | str | int) -> Decimal:
    """A day rate as a positive amount, or a refusal saying so."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise Refused(_("“%(value)s” is not an amount of money.") % {"value": value}) from exc
    require(amount.is_finite() and amount > 0, _("A day rate must be positive."))
    return amount


def candidacy_present(*, candidacy: Candidacy, user: Any, justification: str = "") -> Candidacy:
    """Present a fully vetted candidate to the client; a low fit needs a justification."""
    access.check("present", candidacy.assignment, user)
    require(
        candidacy.status == Candidacy.Status.SHORTLISTED,
        _("%(manager)s is %(status)s, not shortlisted.")
        % {"manager": candidacy.manager, "status": candidacy.get_status_display().lower()},
    )
    missing = candidacy.missing_vetting
    require(
        not missing,
        _("The vetting of %(manager)s is incomplete: %(names)s.")
        % {"manager": candidacy.manager, "names": ", ".join(missing)},
    )
    justification = (justification or "").strip()
    if (candidacy.fit_rating or 0) < settings.LOW_FIT_RATING:
        require(
            justification,
            _(
                "%(manager)s's fit rating is %(fit_rating)s/5: presenting a low-fit candidate "
                "needs a written justification."
            )
            % {"manager": candidacy.manager, "fit_rating": candidacy.fit_rating},
        )
    candidacy.status = Candidacy.Status.PRESENTED
    candidacy.presented_at = timezone.now()
    candidacy.low_fit_justification = justification
    candidacy.save(update_fields=["status", "presented_at", "low_fit_justification"])
    dashboard_changed(candidacy.assignment)  # the mirror counts the presentations
    events.candidate_presented(candidacy, user)
    return candidacy


def negotiation_round_record(
    *,
    candidacy: Candidacy,
    user: Any,
    offered_by: str,
    day_rate: Decimal | str | int,
    note: str = "",
    agreed: bool = False,
) -> NegotiationRound:
    """Record one offer of the day-rate negotiation; `agreed` settles the rate."""
    access.check("negotiate", candidacy.assignment, user)
    require(candidacy.status in OPEN_CANDIDACY, _("The negotiation is closed for this candidacy."))
    day_rate = _money(day_rate)
    require(offered_by in NegotiationRound.Side.values, _("Say who made the offer."))
    with transaction.atomic():
        Candidacy.objects.select_for_update().filter(pk=candidacy.pk).exists()
        number = candidacy.rounds.count() + 1
        negotiation = NegotiationRound.objects.create(
            candidacy=candidacy,
            number=number,
            offered_by=offered_by,
            day_rate=day_rate,
            currency=candidacy.currency,
            note=note,
        )
        if agreed:
            candidacy.agreed_day_rate = day_rate
            candidacy.save(update_fields=["agreed_day_rate"])
    return negotiation
