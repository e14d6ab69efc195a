"""The firm's pipeline of new business: the leads, filtered and exported, a lead noted or
moved on, and a won lead starting a new assignment. For the firm's directors (and admins)
only: anyone else signed in is refused the list (403) and learns nothing of a lead (404)."""

import csv
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from partners import money
from partners.models import ClientOrganisation, ProviderFirm, User
from partners.validators import currency_code, currency_normalised

from .. import access, services
from ..exceptions import Refused, message_of
from ..forms import date_input
from ..models import Opportunity
from ..selectors import business as pipeline
from ..services.business import opportunity_start_refusal
from .common import _posted

PER_PAGE = 25
EXPORT_CHUNK = 500


def _pipeline_user(request):
    if not access.can_see_pipeline(request.user):
        raise PermissionDenied(_("The pipeline of new business is for the firm's directors."))


# --- Forms ------------------------------------------------------------------------------------


def _person(user):
    return user.full_name or user.email


class OpportunityFilterForm(forms.Form):
    """The list's and the export's query string."""

    q = forms.CharField(required=False, max_length=200, strip=True, label=_lazy("Search"))
    status = forms.ChoiceField(
        required=False,
        choices=[("", _lazy("Any")), *Opportunity.Status.choices],
        label=_lazy("Status"),
    )
    client = forms.ModelChoiceField(required=False, queryset=None, label=_lazy("Client"))
    owner = forms.ModelChoiceField(required=False, queryset=None, label=_lazy("Owner"))
    firm = forms.ModelChoiceField(required=False, queryset=None, label=_lazy("Firm"))
    created_from = forms.DateField(required=False, label=_lazy("Created from"))
    created_to = forms.DateField(required=False, label=_lazy("Created to"))
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, data, *, user, **kwargs):
        super().__init__(data, **kwargs)
        choices = pipeline.pipeline_filter_choices(user)
        self.fields["client"].queryset = choices["clients"]
        self.fields["owner"].queryset = choices["owners"]
        self.fields["owner"].label_from_instance = _person
        self.fields["firm"].queryset = choices["firms"]
        self.every_firm = access.is_admin(user)
        if not self.every_firm:
            del self.fields["firm"]

    def clean(self):
        data = super().clean()
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", _("The end of the period comes before its start."))
        return data

    def problems(self):
        """A sentence per filter that could not be read (that filter is then left out)."""
        self.is_valid()
        return [
            f"{self.fields[name].label or name.capitalize()}: {' '.join(errors)}"
            for name, errors in self.errors.items()
            if name in self.fields and name != "page"
        ]

    def filters(self):
        """Each parameter's valid value, or its empty value when absent or invalid."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        found = {
            "q": data.get("q", ""),
            "status": data.get("status") or None,
            "client": data.get("client"),
            "owner": data.get("owner"),
            "created_from": data.get("created_from"),
            "created_to": data.get("created_to"),
        }
        if self.every_firm:
            found["firm"] = data.get("firm")
        return found

    def page_number(self):
        self.is_valid()
        return self.cleaned_data.get("page") or 1


class OpportunityForm(forms.Form):
    """A lead as a director writes it; the services check it again."""

    firm = forms.ModelChoiceField(queryset=None, label=_lazy("Firm"))
    client = forms.ModelChoiceField(queryset=None, label=_lazy("Client organisation"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label=_lazy("The need")
    )
    estimated_value = forms.DecimalField(
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        label=_lazy("Estimated value"),
    )
    currency = forms.CharField(max_length=3, initial="EUR", label=_lazy("Currency"))
    status = forms.ChoiceField(choices=Opportunity.Status.choices, label=_lazy("Status"))
    owner = forms.ModelChoiceField(queryset=None, label=_lazy("Owner"))
    next_step = forms.CharField(required=False, max_length=300, label=_lazy("Next step"))
    next_step_on = forms.DateField(
        required=False, widget=date_input(), label=_lazy("Next step by")
    )

    def __init__(self, *args, user, lead=None, **kwargs):
        if lead is not None:
            kwargs.setdefault(
                "initial",
                {
                    "client": lead.client_id,
                    "description": lead.description,
                    "estimated_value": lead.estimated_value,
                    "currency": lead.currency,
                    "status": lead.status,
                    "owner": lead.owner_id,
                    "next_step": lead.next_step,
                    "next_step_on": lead.next_step_on,
                },
            )
        super().__init__(*args, **kwargs)
        firm_id = lead.firm_id if lead is not None else access.director_firm_id(user)
        if firm_id is None:  # an admin noting a lead: for any firm
            self.fields["firm"].queryset = ProviderFirm.objects.order_by("name")
            clients = ClientOrganisation.objects.order_by("name")
            owners = User.objects.filter(director_profile__isnull=False)
        else:
            del self.fields["firm"]
            clients = ClientOrganisation.objects.filter(provider_firms__pk=firm_id).order_by(
                "name"
            )
            owners = User.objects.filter(director_profile__firm_id=firm_id)
        self.fields["client"].queryset = clients
        self.fields["owner"].queryset = owners.order_by("full_name")
        self.fields["owner"].label_from_instance = _person
        if lead is None:
            self.fields["owner"].initial = user.pk if firm_id is not None else None

    def clean_currency(self):
        value = currency_normalised(self.cleaned_data.get("currency"))
        currency_code(value)
        return value


def _refusal_to_form(form, exc):
    """A service's refusal under the fields it names (or above the form)."""
    for field, errors in getattr(exc, "error_dict", {None: [exc]}).items():
        for error in errors:
            text = " ".join(getattr(error, "messages", [str(error)]))
            form.add_error(field if field in form.fields else None, text)


# --- Pages ------------------------------------------------------------------------------------


def _filtered(request):
    form = OpportunityFilterForm(request.GET, user=request.user)
    return form, pipeline.opportunity_list(request.user, **form.filters())


@login_required
def opportunity_list(request):
    """The firm's leads, filtered; the estimated value per currency of what the filters keep."""
    _pipeline_user(request)
    form, leads = _filtered(request)
    for problem in form.problems():
        messages.warning(request, _("A filter was left out. %(problem)s") % {"problem": problem})
    page = Paginator(leads, PER_PAGE).get_page(form.page_number())
    current = {k: getattr(v, "pk", v) for k, v in form.filters().items()}
    query = urlencode({k: v for k, v in current.items() if v not in (None, "")})
    reporting = pipeline.reporting_currency_for(request.user, form.filters().get("firm"))
    value = pipeline.pipeline_value(leads, reporting)
    return render(
        request,
        "opportunities/list.html",
        {
            "page": page,
            "form": form,
            "current": current,
            "query": query,
            "statuses": Opportunity.Status.choices,
            "clients": form.fields["client"].queryset,
            "owners": form.fields["owner"].queryset,
            "firms": form.fields["firm"].queryset if form.every_firm else [],
            "every_firm": form.every_firm,
            "value": value,
            "totals": value.totals,
            "can_note": access.director_firm_id(request.user) is not None
            or access.is_admin(request.user),
        },
    )


@login_required
def opportunity_create(request):
    """A director notes a lead directly (new business heard outside a meeting)."""
    _pipeline_user(request)
    form = OpportunityForm(_posted(request), user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                lead = services.opportunity_create(request.user, form.cleaned_data)
            except Refused as exc:
                _refusal_to_form(form, exc)
            else:
                messages.success(
                    request, _("Lead noted for %(client)s.") % {"client": lead.client}
                )
                return redirect("opportunities:list")
    return render(
        request,
        "opportunities/form.html",
        {"form": form, "title": _("New lead"), "submit": _("Note the lead"), "lead": None},
        status=status,
    )


@login_required
def opportunity_edit(request, opportunity_id):
    """One lead: GET shows it, POST qualifies it, moves it on or closes it."""
    lead = pipeline.get_opportunity_for_user(request.user, opportunity_id)
    form = OpportunityForm(_posted(request), user=request.user, lead=lead)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.opportunity_update(lead, request.user, form.cleaned_data)
            except Refused as exc:
                _refusal_to_form(form, exc)
            else:
                messages.success(request, _("Lead saved."))
                return redirect("opportunities:edit", opportunity_id=lead.pk)
    return render(
        request,
        "opportunities/form.html",
        {
            "form": form,
            "title": _("Lead: %(client)s") % {"client": lead.client},
            "submit": _("Save the lead"),
            "lead": lead,
            "may_start": opportunity_start_refusal(lead, request.user) is None,
        },
        status=status,
    )


@login_required
@require_POST
def opportunity_start(request, opportunity_id):
    """A won lead starts a new assignment: the assignment form, pre-filled with its client."""
    lead = pipeline.get_opportunity_for_user(request.user, opportunity_id)
    try:
        services.opportunity_start_check(lead, request.user)
    except Refused as exc:
        messages.error(request, message_of(exc))
        return redirect("opportunities:edit", opportunity_id=lead.pk)
    query = urlencode({"client": lead.client_id, "opportunity": lead.pk})
    return redirect(f"{reverse('assignments:create')}?{query}")


# --- The export -------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "id",
    "client",
    "description",
    "status",
    "estimated_value",
    "currency",
    "owner",
    "next_step",
    "next_step_on",
    "source_meeting_date",
    "source_assignment_title",
    "created_at",
    "closed_at",
    # The estimated value in the firm's reporting currency, at the rates of the day named
    # (today for an open lead, the closing day for a won or lost one), as on the list.
    "converted_value",
    "converted_currency",
    "converted_at_rates_of",
)
# A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Spreadsheets take a file without a byte order mark for their local code page: with it,
# accents and currency signs open as written.
BOM = "\ufeff"


def csv_cell(value):
    """A value as a CSV cell that no spreadsheet runs as a formula."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Line:
    """csv.writer's file: hands back each line it writes."""

    def write(self, line):
        return line


def _export_rows(leads, reporting):
    writer = csv.writer(_Line())
    yield BOM + writer.writerow(EXPORT_COLUMNS)
    today = timezone.localdate()
    rates = money.RateBook(None, today)  # the whole table up to today: one query
    for lead in leads.iterator(chunk_size=EXPORT_CHUNK):
        meeting = lead.source_meeting
        on = timezone.localdate(lead.closed_at) if lead.closed_at else today
        converted = (
            rates.convert(lead.estimated_value, lead.currency, reporting, on)
            if lead.estimated_value is not None
            else None
        )
        row = (
            lead.pk,
            lead.client.name,
            lead.description,
            lead.status,
            lead.estimated_value,
            lead.currency,
            _person(lead.owner),
            lead.next_step,
            lead.next_step_on,
            meeting.held_on if meeting else None,
            meeting.assignment.title if meeting else None,
            timezone.localtime(lead.created_at).isoformat(timespec="seconds"),
            timezone.localtime(lead.closed_at).isoformat(timespec="seconds")
            if lead.closed_at
            else None,
            converted.rounded().amount if converted else None,
            reporting if converted else None,
            on if converted else None,
        )
        yield writer.writerow([csv_cell(v) for v in row])


@login_required
def opportunity_export(request):
    """The filtered leads as CSV (every row the filters keep, not one page), UTF-8 with a
    byte order mark, streamed."""
    _pipeline_user(request)
    form, leads = _filtered(request)
    reporting = pipeline.reporting_currency_for(request.user, form.filters().get("firm"))
    response = StreamingHttpResponse(
        _export_rows(leads, reporting), content_type="text/csv; charset=utf-8"
    )
    name = f"opportunities-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
