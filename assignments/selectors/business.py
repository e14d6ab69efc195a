"""The firm's pipeline of new business, as its directors (and admins) read it: the leads
they may see, filtered, and their estimated value per currency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from partners import money
from partners.models import ClientOrganisation, ProviderFirm, User

from .. import access
from ..models import Opportunity


def opportunities_for(user: Any) -> QuerySet[Opportunity]:
    """Every lead `user` may see: their firm's (a director), every firm's (an admin),
    none (anyone else)."""
    qs = Opportunity.objects.all()
    if access.is_admin(user):
        return qs
    firm_id = access.director_firm_id(user)
    return qs.filter(firm_id=firm_id) if firm_id is not None else qs.none()


def get_opportunity_for_user(user: Any, pk: int | str) -> Opportunity:
    """One lead with what its page shows, or 404 for whoever may not manage it."""
    lead = (
        opportunities_for(user)
        .select_related(
            "firm", "client", "owner", "source_meeting__assignment", "started_assignment"
        )
        .filter(pk=pk)
        .first()
    )
    if lead is None or not access.can_manage_opportunity(user, lead.firm_id):
        raise Http404(_("No such lead."))
    return lead


def opportunity_list(
    user: Any,
    *,
    status: str | None = None,
    client: ClientOrganisation | None = None,
    owner: User | None = None,
    firm: ProviderFirm | None = None,
    created_from: date | None = None,
    created_to: date | None = None,
    q: str = "",
) -> QuerySet[Opportunity]:
    """The leads the user sees, filtered (the newest first); `created_to` is inclusive."""
    qs = opportunities_for(user).select_related(
        "firm", "client", "owner", "source_meeting__assignment"
    )
    if status:
        qs = qs.filter(status=status)
    if client is not None:
        qs = qs.filter(client=client)
    if owner is not None:
        qs = qs.filter(owner=owner)
    if firm is not None:
        qs = qs.filter(firm=firm)
    # By the local day of creation, computed by the database: any date typed is a bound.
    if created_from is not None:
        qs = qs.filter(created_at__date__gte=created_from)
    if created_to is not None:
        qs = qs.filter(created_at__date__lte=created_to)
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(description__icontains=q)
            | Q(next_step__icontains=q)
            | Q(client__name__icontains=q)
            | Q(owner__full_name__icontains=q)
            | Q(source_meeting__assignment__title__icontains=q)
        )
    return qs.order_by("-created_at", "-id")


@dataclass(frozen=True)
class PipelineValue:
    """The leads' estimated value: per currency as typed, and all of it converted into the
    reporting currency (open leads at the rates of `on`, today; won and lost leads at the
    rates of the day they closed, when their value stopped being a forecast)."""

    totals: list[dict[str, Any]]
    converted: money.ConvertedTotal
    on: date

    @property
    def currency(self) -> str:
        return self.converted.total.currency

    @property
    def needs_conversion(self) -> bool:
        return any(t["currency"] != self.currency for t in self.totals if t["valued"])


def pipeline_value(
    leads: QuerySet[Opportunity], reporting_currency: str, on: date | None = None
) -> PipelineValue:
    """The estimated value of the leads per currency and converted into
    `reporting_currency`, in two queries whatever the number of leads: one sum per currency
    and closing day, and the rates those need."""
    on = on or timezone.localdate()
    rows = list(
        leads.order_by()
        .values("currency", closed_on=TruncDate("closed_at"))
        .annotate(
            total=Sum("estimated_value"),
            valued=Count("pk", filter=Q(estimated_value__isnull=False)),
            n=Count("pk"),
        )
        .order_by("currency", "closed_on")
    )
    totals: dict[str, dict[str, Any]] = {}
    for row in rows:
        t = totals.setdefault(
            row["currency"], {"currency": row["currency"], "total": None, "valued": 0, "n": 0}
        )
        if row["total"] is not None:
            t["total"] = (t["total"] or Decimal(0)) + row["total"]
        t["valued"] += row["valued"]
        t["n"] += row["n"]
    items = [
        (row["total"], row["currency"], row["closed_on"] or on)
        for row in rows
        if row["total"] is not None
    ]
    return PipelineValue(
        totals=list(totals.values()),
        converted=money.convert_total(items, reporting_currency),
        on=on,
    )


def reporting_currency_for(user: Any, firm: ProviderFirm | None = None) -> str:
    """The currency the user's pipeline figures are converted into: their firm's, the
    filtered firm's for an admin, else the installation's (setting REPORTING_CURRENCY)."""
    if firm is not None:
        return firm.reporting_currency
    firm_id = access.director_firm_id(user)
    if firm_id is not None:
        found = ProviderFirm.objects.filter(pk=firm_id).values_list(
            "reporting_currency", flat=True
        )
        return found.first() or settings.REPORTING_CURRENCY
    return settings.REPORTING_CURRENCY


def pipeline_filter_choices(user: Any) -> dict[str, QuerySet[Any]]:
    """The clients, owners and firms the user's filters offer: their firm's, or every
    firm's for an admin."""
    if access.is_admin(user):
        return {
            "clients": ClientOrganisation.objects.order_by("name"),
            "owners": User.objects.filter(director_profile__isnull=False).order_by("full_name"),
            "firms": ProviderFirm.objects.order_by("name"),
        }
    firm_id = access.director_firm_id(user) or 0
    return {
        "clients": ClientOrganisation.objects.filter(provider_firms__pk=firm_id).order_by("name"),
        "owners": User.objects.filter(director_profile__firm_id=firm_id).order_by("full_name"),
        "firms": ProviderFirm.objects.none(),
    }
