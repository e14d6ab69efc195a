"""A client's request recorded, and the brief: what the client announced, per dimension."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from partners.models import ClientOrganisation, ProviderFirm
from partners.validators import is_single_line

from .. import access
from ..exceptions import Refused
from ..models import Assignment, BriefItem, Dimension, Opportunity, TransitionRecord
from .business import opportunity_link_assignment
from .common import require
from .freshness import dashboard_changed


def assignment_check_new(
    *,
    user: Any,
    firm: ProviderFirm,
    client: ClientOrganisation,
    client_contact: Any,
    director: Any,
) -> None:
    """Refuse a new assignment whose people do not fit: the director must be one of the
    firm's, the client one of the firm's clients, the contact one of the client's."""
    director_profile = getattr(director, "director_profile", None)
    if director_profile is None:
        raise Refused(_("%(director)s is not an assignment director.") % {"director": director})
    require(
        director_profile.firm_id == firm.pk,
        _("%(director)s is not a director of %(firm)s.") % {"director": director, "firm": firm},
    )
    if not access.is_admin(user):
        own = getattr(user, "director_profile", None)
        if own is None or own.firm_id != firm.pk:
            raise PermissionDenied(_("Only a director of the firm may record its assignments."))
    require(
        firm.clients.filter(pk=client.pk).exists(),
        _("%(client)s is not among %(firm)s's client organisations.")
        % {"client": client, "firm": firm},
    )
    contact = getattr(client_contact, "client_profile", None)
    require(
        contact is not None and contact.organisation_id == client.pk,
        _("%(client_contact)s is not a contact of %(client)s.")
        % {"client_contact": client_contact, "client": client},
    )


def assignment_create(
    *,
    user: Any,
    firm: ProviderFirm,
    client: ClientOrganisation,
    client_contact: Any,
    title: str,
    summary: str = "",
    director: Any = None,
    cadence: int | None = None,
    opportunity: Opportunity | None = None,
) -> Assignment:
    """A director records a new client request; the brief starts empty and the history
    with the creation. From a won lead (`opportunity`), the lead records the assignment it
    started, in the same transaction."""
    director = director or user
    assignment_check_new(
        user=user, firm=firm, client=client, client_contact=client_contact, director=director
    )
    require(
        is_single_line(title),
        _("The title must be a single line: remove its line breaks and control characters."),
    )
    with transaction.atomic():
        assignment = Assignment.objects.create(
            title=title,
            summary=summary,
            firm=firm,
            client=client,
            director=director,
            client_contact=client_contact,
            review_cadence_days=cadence or settings.REVIEW_CADENCE_DAYS,
        )
        BriefItem.objects.bulk_create(
            BriefItem(assignment=assignment, dimension=d) for d in Dimension.values
        )
        TransitionRecord.objects.create(
            assignment=assignment,
            transition=TransitionRecord.CREATION,
            from_state="",
            to_state=assignment.state,
            by=user if user and user.is_authenticated else None,
            at=assignment.created_at,
        )
        if opportunity is not None:
            opportunity_link_assignment(opportunity, assignment, user)
        dashboard_changed(assignment)
    return assignment


def brief_update(
    *, assignment: Assignment, user: Any, statements: dict[str, str], summary: str | None = None
) -> None:
    """Record what the client announced, per dimension."""
    access.check("edit_brief", assignment, user)
    unknown = set(statements) - set(Dimension.values)
    require(
        not unknown, _("Unknown dimension(s): %(names)s.") % {"names": ", ".join(sorted(unknown))}
    )
    with transaction.atomic():
        # One statement per dimension, written in one upsert rather than a read and a write
        # per dimension.
        BriefItem.objects.bulk_create(
            [
                BriefItem(assignment=assignment, dimension=d, statement=(s or "").strip())
                for d, s in statements.items()
            ],
            update_conflicts=True,
            unique_fields=["assignment", "dimension"],
            update_fields=["statement"],
        )
        if summary is not None:
            assignment.summary = summary
            assignment.save(update_fields=["summary"])
