"""The assignment list and a new assignment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from partners.models import User

from .. import selectors, services
from ..constants import FlagKind, State
from ..exceptions import message_of
from ..forms import AssignmentCreateForm, AssignmentFilterForm
from ..selectors.business import get_opportunity_for_user
from .common import _posted

PER_PAGE = 25


@login_required
def assignment_list(request):
    """The assignments the user sees, filtered, searched and sorted by the query string."""
    form = AssignmentFilterForm(request.GET, user=request.user)
    filters = form.filters()
    qs = selectors.assignment_list(request.user, **filters)
    page = Paginator(qs, PER_PAGE).get_page(form.page_number())
    # The selected values as the options carry them, and the query string the pages keep.
    current = {k: getattr(v, "pk", v) for k, v in filters.items()}
    query = urlencode({k: v for k, v in current.items() if v not in (None, "")})
    return render(
        request,
        "assignments/list.html",
        {
            "page": page,
            "states": State.choices,
            "flag_kinds": FlagKind.choices,
            "clients": form.fields["client"].queryset,
            "managers": form.fields["manager"].queryset,
            "directors": form.fields["director"].queryset,
            "sorts": list(selectors.SORTS),
            "current": current,
            "query": query,
            "can_create": hasattr(request.user, "director_profile"),
            "show_flags": form.show_flags,
        },
    )


def _prefill(request, firm):
    """The won lead (`opportunity`) or the client organisation (`client`) a new assignment
    starts from, as the address or the form carries them: a lead of another firm is 404,
    a client the firm does not work with is ignored."""
    data = request.POST if request.method == "POST" else request.GET
    lead_id, client_id = data.get("opportunity", ""), request.GET.get("client", "")
    lead = None
    if lead_id:
        if not lead_id.isdigit():
            raise Http404(_("No such lead."))
        lead = get_opportunity_for_user(request.user, lead_id)
        if lead.firm_id != firm.pk:
            raise Http404(_("No such lead."))
    client = firm.clients.filter(pk=client_id).first() if client_id.isdigit() else None
    return lead, client


@login_required
def assignment_create(request):
    """A director records a client's request for one of the firm's client organisations."""
    profile = getattr(request.user, "director_profile", None)
    if profile is None:
        raise PermissionDenied(_("Only an assignment director may record a new assignment."))
    contacts = User.objects.filter(
        client_profile__organisation__in=profile.firm.clients.all()
    ).select_related("client_profile__organisation")
    lead, client = _prefill(request, profile.firm)
    form = AssignmentCreateForm(_posted(request), contacts=contacts, lead=lead, client=client)
    if request.method == "POST" and form.is_valid():
        contact = form.cleaned_data["client_contact"]
        try:
            assignment = services.assignment_create(
                user=request.user,
                firm=profile.firm,
                client=contact.client_profile.organisation,
                client_contact=contact,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                cadence=form.cleaned_data["review_cadence_days"],
                opportunity=lead,
            )
        except services.Refused as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, _("Assignment recorded: now write the brief."))
            return redirect("assignments:brief", pk=assignment.pk)
    return render(
        request,
        "assignments/create.html",
        {"form": form, "title": _("New assignment"), "submit": _("Record the request")},
    )
