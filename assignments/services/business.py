"""New business: the leads of a firm's pipeline, from the opportunities noted at progress
meetings or noted directly by a director, and the assignment a won lead starts."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from partners.models import ProviderFirm
from partners.validators import currency_normalised

from .. import access
from ..constants import NotificationKind
from ..exceptions import Refused
from ..models import Assignment, Opportunity, ProgressMeeting
from . import events
from .common import require
from .freshness import dashboards_changed
from .notifications import day, said

# What a director may write on a lead (the firm, the source meeting and the assignment it
# started are the services' own).
OPPORTUNITY_FIELDS = (
    "client",
    "description",
    "estimated_value",
    "currency",
    "status",
    "owner",
    "next_step",
    "next_step_on",
)
CLOSED = (Opportunity.Status.WON, Opportunity.Status.LOST)


def lead_url(opportunity: Opportunity) -> str:
    return reverse("opportunities:edit", args=[opportunity.pk])


def opportunity_from_meeting(meeting: ProgressMeeting) -> Opportunity | None:
    """The opportunity noted at a held meeting becomes a lead of the firm (once per
    meeting); recorded again, its text replaces the lead's while the lead is still open.
    The lead's owner, the assignment's director, is told unless they recorded it. Part of
    recording the meeting: the recorder's right to record is the meeting's to check."""
    text = (meeting.opportunities or "").strip()
    if not text:
        return None
    a = meeting.assignment
    now = timezone.now()
    with transaction.atomic():
        lead = Opportunity.objects.select_for_update().filter(source_meeting=meeting).first()
        if lead is None:
            lead = Opportunity.objects.create(
                firm_id=a.firm_id,
                client_id=a.client_id,
                description=text,
                owner_id=a.director_id,
                source_meeting=meeting,
                created_at=now,
                updated_at=now,
            )
        elif lead.status == Opportunity.Status.OPEN and lead.description != text:
            lead.description = text
            lead.updated_at = now
            lead.save(update_fields=["description", "updated_at"])
        else:
            return lead
        _lead_noted(lead, meeting, text)
        dashboards_changed(firms=[lead.firm_id])
    return lead


def _lead_noted(lead: Opportunity, meeting: ProgressMeeting, text: str) -> int:
    a = meeting.assignment
    # One notice per text: the same words recorded twice are no news.
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    held = day(meeting.held_on) if meeting.held_on else _lazy("a recent meeting")
    return events.tell(
        a,
        [],
        people=[lead.owner_id],
        kind=NotificationKind.MEETING,
        key=f"lead-from-meeting:{meeting.pk}:{digest}",
        subject=said(_lazy("New business noted – %(client)s"), client=str(a.client)),
        body=said(
            _lazy(
                "At the progress meeting of %(held)s on “%(title)s”, this opportunity was "
                "noted:\n\n%(text)s\n\nIt is a lead of your firm's pipeline: qualify it, give "
                "it a value and a next step."
            ),
            held=held,
            title=a.title,
            text=text,
        ),
        url=lead_url(lead),
        exclude=[meeting.recorded_by_id],
        reason=said(_lazy("You own this lead of %(firm)s's pipeline."), firm=str(a.firm)),
    )


def _firm_for_new(user: Any, data: Mapping[str, Any]) -> ProviderFirm:
    """The firm a new lead is noted for: the director's own; an admin's choice (or the
    owner's firm)."""
    own = access.director_firm_id(user)
    firm = data.get("firm")
    if firm is None and own is not None:
        firm = ProviderFirm.objects.get(pk=own)
    if firm is None and access.is_admin(user):
        owner_profile = getattr(data.get("owner"), "director_profile", None)
        if owner_profile is not None:
            firm = owner_profile.firm
    if firm is None:
        if access.is_admin(user):
            raise Refused(_("Choose the firm the lead belongs to."))
        raise PermissionDenied(_("Only a director of the firm may note a lead of its pipeline."))
    return firm


def _check(lead: Opportunity, firm: ProviderFirm) -> None:
    """The lead's own rules, field by field: every problem at once, under its field."""
    lead.currency = currency_normalised(lead.currency)
    lead.description = (lead.description or "").strip()
    lead.next_step = (lead.next_step or "").strip()
    errors: dict[str, list[str]] = {}
    try:
        lead.full_clean(exclude=["firm", "client", "owner", "source_meeting"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if lead.client_id is None:
        errors.setdefault("client", []).append(_("Choose the client organisation."))
    elif not firm.clients.filter(pk=lead.client_id).exists():
        errors.setdefault("client", []).append(
            _("%(client)s is not among %(firm)s's client organisations.")
            % {"client": lead.client, "firm": firm}
        )
    owner_profile = getattr(lead.owner, "director_profile", None) if lead.owner_id else None
    if owner_profile is None or owner_profile.firm_id != firm.pk:
        errors.setdefault("owner", []).append(
            _("The owner must be a director of %(firm)s.") % {"firm": firm}
        )
    if errors:
        raise Refused(errors)


def _set_status(lead: Opportunity, status: str, was: str | None, now: Any) -> None:
    """Closed when won or lost (from the moment it became so), open again when reopened."""
    lead.status = status
    if status not in CLOSED:
        lead.closed_at = None
    elif was != status or lead.closed_at is None:
        lead.closed_at = now


def opportunity_create(user: Any, data: Mapping[str, Any]) -> Opportunity:
    """A director notes a lead directly, for one of the firm's client organisations."""
    if not access.can_see_pipeline(user):
        raise PermissionDenied(_("Only a director of the firm may note a lead of its pipeline."))
    firm = _firm_for_new(user, data)
    if not access.can_manage_opportunity(user, firm.pk):
        raise PermissionDenied(_("Only a director of the firm may note a lead of its pipeline."))
    unknown = set(data) - {*OPPORTUNITY_FIELDS, "firm"}
    require(not unknown, _("Unknown field(s): %(names)s.") % {"names": ", ".join(sorted(unknown))})
    now = timezone.now()
    lead = Opportunity(firm=firm, created_at=now, updated_at=now)
    values = {k: v for k, v in data.items() if k in OPPORTUNITY_FIELDS}
    values.setdefault("owner", user if access.director_firm_id(user) == firm.pk else None)
    status = values.pop("status", None) or Opportunity.Status.OPEN
    for name, value in values.items():
        setattr(lead, name, value)
    lead.currency = lead.currency or "EUR"
    _set_status(lead, status, None, now)
    _check(lead, firm)
    with transaction.atomic():
        lead.save()
        dashboards_changed(firms=[firm.pk])
    return lead


def opportunity_update(
    opportunity: Opportunity, user: Any, data: Mapping[str, Any]
) -> Opportunity:
    """A director qualifies a lead, moves it on, or closes it as won or lost (and may open
    it again, unless it has started an assignment)."""
    if not access.can_manage_opportunity(user, opportunity.firm_id):
        raise PermissionDenied(_("Only a director of the firm may change a lead of its pipeline."))
    unknown = set(data) - set(OPPORTUNITY_FIELDS)
    require(not unknown, _("Unknown field(s): %(names)s.") % {"names": ", ".join(sorted(unknown))})
    now = timezone.now()
    with transaction.atomic():
        # Only the lead's row is locked: PostgreSQL locks no row on the nullable side of
        # the outer join to the owner's director profile.
        lead = (
            Opportunity.objects.select_for_update(of=("self",))
            .select_related("firm", "client", "owner__director_profile")
            .get(pk=opportunity.pk)
        )
        was = lead.status
        status = data.get("status") or was
        require(
            lead.started_assignment_id is None or status == Opportunity.Status.WON,
            _("This lead started an assignment: it stays won."),
        )
        for name in OPPORTUNITY_FIELDS:
            if name in data and name != "status":
                setattr(lead, name, data[name])
        lead.currency = lead.currency or "EUR"
        _set_status(lead, status, was, now)
        _check(lead, lead.firm)
        lead.updated_at = now
        lead.save()
        dashboards_changed(firms=[lead.firm_id])
    opportunity.refresh_from_db()
    return opportunity


def opportunity_start_refusal(opportunity: Opportunity, user: Any) -> Exception | None:
    """Why `user` may not start an assignment from this lead (None when they may)."""
    if not access.can_manage_opportunity(user, opportunity.firm_id):
        return PermissionDenied(
            _("Only a director of the firm may start an assignment from a lead.")
        )
    if access.director_firm_id(user) != opportunity.firm_id:
        return PermissionDenied(_("Only a director of the firm may record its assignments."))
    if opportunity.status != Opportunity.Status.WON:
        return Refused(_("Only a won lead starts an assignment: mark it won first."))
    if opportunity.started_assignment_id is not None:
        return Refused(_("This lead has already started an assignment."))
    return None


def opportunity_start_check(opportunity: Opportunity, user: Any) -> None:
    """Refuse unless this lead may start a new assignment now."""
    reason = opportunity_start_refusal(opportunity, user)
    if reason is not None:
        raise reason


def opportunity_link_assignment(
    opportunity: Opportunity, assignment: Assignment, user: Any
) -> Opportunity:
    """Inside the new assignment's transaction: the won lead records the assignment it
    started (refused if it may not start one, or is for another firm or client)."""
    lead = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    opportunity_start_check(lead, user)
    require(
        lead.firm_id == assignment.firm_id,
        _("This lead belongs to another firm's pipeline."),
    )
    require(
        lead.client_id == assignment.client_id,
        _("This lead is for %(client)s: record the assignment for that client.")
        % {"client": lead.client},
    )
    lead.started_assignment = assignment
    lead.updated_at = timezone.now()
    lead.save(update_fields=["started_assignment", "updated_at"])
    dashboards_changed(firms=[lead.firm_id])
    return lead
