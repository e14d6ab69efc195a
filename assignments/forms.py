"""Forms validate input and hand cleaned data to services; they never save models."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from partners.validators import currency_code, currency_normalised, single_line

from .constants import (
    RATING_CHOICES,
    RATING_MAX,
    Dimension,
    FlagKind,
    GapLevel,
    State,
)
from .models import AuditReport, Candidacy, ClientCommitment, Milestone, NegotiationRound
from .models.lifecycle import default_review_cadence
from .selectors import SORTS, list_filter_choices, sees_flags_somewhere
from .services.meetings import held_on_refusal, scheduled_for_refusal
from .services.plan import due_date_refusal


class AssignmentFilterForm(forms.Form):
    """The list's query string. A value that does not validate is ignored, as if absent:
    whatever is typed into the address bar, the list answers."""

    q = forms.CharField(required=False, max_length=200, strip=True)
    state = forms.ChoiceField(required=False, choices=State.choices)
    client = forms.ModelChoiceField(required=False, queryset=None)
    manager = forms.ModelChoiceField(required=False, queryset=None)
    director = forms.ModelChoiceField(required=False, queryset=None)
    flag = forms.ChoiceField(required=False, choices=FlagKind.choices)
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS])
    page = forms.IntegerField(required=False, min_value=1)

    def __init__(self, data, *, user, **kwargs):
        super().__init__(data, **kwargs)
        choices = list_filter_choices(user)
        self.fields["client"].queryset = choices["clients"]
        self.fields["manager"].queryset = choices["managers"]
        self.fields["director"].queryset = choices["directors"]
        # Flags are the provider's early warnings: no filter for who never sees one.
        self.show_flags = sees_flags_somewhere(user)
        if not self.show_flags:
            del self.fields["flag"]

    def filters(self):
        """Every parameter's valid value, or its empty value when absent or invalid."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": data.get("q", ""),
            "state": data.get("state") or None,
            "client": data.get("client"),
            "manager": data.get("manager"),
            "director": data.get("director"),
            "flag": data.get("flag") or None,
            "sort": data.get("sort") or "newest",
        }

    def page_number(self):
        self.is_valid()
        return self.cleaned_data.get("page") or 1


class TransitionForm(forms.Form):
    """The fields a transition needs (DESIGN.md: comment, candidacy, report, reason, outcome)."""

    comment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_lazy("Comment")
    )

    def __init__(self, *args, assignment, name, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        self.name = name
        if name == "select_manager":
            self.fields["candidacy"] = forms.ModelChoiceField(
                # Only those the client can choose now: presented, at an agreed day rate.
                queryset=assignment.candidacies.filter(
                    status=Candidacy.Status.PRESENTED, agreed_day_rate__isnull=False
                ).select_related("manager"),
                label=_("Chosen candidate"),
                error_messages={
                    "invalid_choice": _(
                        "Choose one of the presented candidates whose day rate is agreed."
                    )
                },
            )
        elif name == "accept_audit":
            # The page's prefetched reports when there are (no query of its own).
            waiting = sorted(
                (r for r in assignment.audit_reports.all() if r.is_submitted),
                key=lambda r: r.version,
            )
            self.fields["report"] = forms.ModelChoiceField(
                queryset=assignment.audit_reports.filter(status=AuditReport.Status.SUBMITTED),
                label=_("Audit report"),
                # The report under review is the one accepted: nothing to pick from a blank.
                initial=waiting[-1].pk if waiting else None,
                empty_label=None,
                widget=forms.HiddenInput if len(waiting) <= 1 else forms.Select,
                error_messages={"invalid_choice": _("Choose a submitted audit report.")},
            )
            self.fields["comment"].label = _("Comment (optional, shared with the client)")
            self.fields["comment"].help_text = _(
                "The client sees this comment with the accepted audit report."
            )
        elif name in ("start_realignment", "cancel"):
            self.fields["reason"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 3}), label=_("Reason")
            )
        elif name == "complete":
            self.fields["outcome"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 3}), label=_("Outcome")
            )
        self.order_fields([f for f in self.fields if f != "comment"] + ["comment"])

    def service_kwargs(self):
        data = self.cleaned_data
        kwargs = {"comment": data.get("comment", "")}
        for name in ("candidacy", "report", "reason", "outcome"):
            if name in self.fields:
                kwargs[name] = data[name]
        return kwargs


# --- Step forms ---------------------------------------------------------------------------


def date_input():
    # The browser's date picker speaks ISO 8601 whatever the display locale.
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class AssignmentCreateForm(forms.Form):
    title = forms.CharField(max_length=200, validators=[single_line], label=_lazy("Title"))
    client_contact = forms.ModelChoiceField(
        queryset=None,
        label=_lazy("Client contact"),
        help_text=_lazy("The person at the client who speaks for the organisation."),
    )
    summary = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_lazy("The request")
    )
    review_cadence_days = forms.IntegerField(
        min_value=1,
        max_value=365,
        initial=default_review_cadence,
        label=_lazy("Review cadence (days)"),
    )

    # A won lead of the firm's pipeline that this assignment starts.
    opportunity = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, contacts, lead=None, client=None, **kwargs):
        """`lead` (a won opportunity) or `client` (an organisation) pre-fill the form:
        the client's first contact, and the lead's need as the request."""
        super().__init__(*args, **kwargs)
        client_id = lead.client_id if lead is not None else getattr(client, "pk", None)
        if lead is not None:
            # The assignment a lead starts is for the lead's client.
            contacts = contacts.filter(client_profile__organisation_id=client_id)
            self.fields["opportunity"].initial = lead.pk
            self.fields["summary"].initial = lead.description
        self.fields["client_contact"].queryset = contacts
        self.fields["client_contact"].label_from_instance = lambda u: (
            f"{u.full_name} – {u.client_profile.organisation}"
        )
        if client_id is not None:
            first = next(
                (u for u in contacts if u.client_profile.organisation_id == client_id), None
            )
            self.fields["client_contact"].initial = first.pk if first else None


class BriefForm(forms.Form):
    """One statement per dimension: what the client announced."""

    summary = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_lazy("The request")
    )

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        current = {i.dimension: i.statement for i in assignment.brief_items.all()}
        self.fields["summary"].initial = assignment.summary
        for value, label in Dimension.choices:
            self.fields[value] = forms.CharField(
                label=label,
                required=False,
                initial=current.get(value, ""),
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=BRIEF_HELP[value],
            )

    def statements(self):
        return {d: self.cleaned_data[d] for d in Dimension.values}


BRIEF_HELP = {
    "objectives": _lazy("The objectives the client announces."),
    "context": _lazy("The situation as the client describes it."),
    "skills": _lazy("The skills the client asks for."),
    "resources": _lazy("The resources and means the client announces."),
    "expectations": _lazy("What the client expects, and of whom."),
    "timeline": _lazy("The implementation schedule."),
}


class CandidacyAddForm(forms.Form):
    manager = forms.ModelChoiceField(queryset=None, label=_lazy("Manager from the firm's pool"))

    def __init__(self, *args, pool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = pool


class VettingForm(forms.ModelForm):
    """The director's questioning of a candidate; money is positive, the currency an
    ISO 4217 code however it is typed (" eur" is EUR)."""

    def clean_currency(self):
        currency = currency_normalised(self.cleaned_data.get("currency"))
        currency_code(currency)
        return currency

    def clean_proposed_day_rate(self):
        rate = self.cleaned_data.get("proposed_day_rate")
        if rate is not None and rate <= 0:
            raise forms.ValidationError(_("A day rate must be positive."))
        return rate

    class Meta:
        model = Candidacy
        fields = Candidacy.VETTING_EDITABLE
        labels = {
            "fit_rating": _lazy("Fit rating"),
            "fit_rationale": _lazy("Fit rationale"),
            "proposed_day_rate": _lazy("Proposed day rate"),
            "currency": _lazy("Currency"),
        }
        widgets = {
            "fit_rationale": forms.Textarea(attrs={"rows": 2}),
            "oversell_note": forms.Textarea(attrs={"rows": 2}),
            "internal_notes": forms.Textarea(attrs={"rows": 2}),
            "fit_rating": forms.Select(
                choices=[("", "–")] + [(n, f"{n}/{RATING_MAX}") for n, _label in RATING_CHOICES]
            ),
        }


class PresentForm(forms.Form):
    justification = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_lazy("Justification"),
        help_text=_lazy("Needed when the fit rating is low."),
    )


class NegotiationRoundForm(forms.Form):
    offered_by = forms.ChoiceField(
        choices=NegotiationRound.Side.choices, label=_lazy("Offered by")
    )
    day_rate = forms.DecimalField(
        max_digits=9,
        decimal_places=2,
        min_value=Decimal("0.01"),
        label=_lazy("Day rate"),
        error_messages={"min_value": _lazy("A day rate must be positive.")},
    )
    note = forms.CharField(required=False, max_length=500, label=_lazy("Note"))
    agreed = forms.BooleanField(required=False, label=_lazy("Both sides agree on this rate"))


class AuditReportForm(forms.Form):
    summary = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_lazy("Summary")
    )

    def __init__(self, *args, report, brief, **kwargs):
        super().__init__(*args, **kwargs)
        found = {f.dimension: f for f in report.findings.all()}
        self.fields["summary"].initial = report.summary
        self.dimension_fields = []
        for value, label in Dimension.choices:
            existing = found.get(value)
            self.fields[f"{value}_finding"] = forms.CharField(
                label=_("%(dimension)s: what you found") % {"dimension": label},
                required=False,
                initial=existing.finding if existing else "",
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("The brief said: %(statement)s")
                % {"statement": brief.get(value) or _("(nothing)")},
            )
            self.fields[f"{value}_level"] = forms.TypedChoiceField(
                label=_("%(dimension)s: gap level") % {"dimension": label},
                choices=GapLevel.choices,
                coerce=int,
                initial=existing.gap_level if existing else 0,
            )
            self.dimension_fields.append((f"{value}_finding", f"{value}_level"))

    def findings(self):
        return {
            d: (self.cleaned_data[f"{d}_finding"], self.cleaned_data[f"{d}_level"])
            for d in Dimension.values
        }


class ReturnReportForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=_lazy("What should be revised")
    )


class PlanForm(forms.Form):
    summary = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_lazy("Summary")
    )


class PlanRowForm(forms.Form):
    """A row of a plan draft. A due date new to the draft is not in the past; one it
    already holds (a revision copies the previous version's) stays accepted."""

    def __init__(self, *args, known_dates=(), today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_dates = set(known_dates)
        self.today = today

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        problem = due_date_refusal(due, known=self.known_dates, today=self.today)
        if problem:
            raise forms.ValidationError(problem)
        return due


class MilestoneForm(PlanRowForm):
    title = forms.CharField(max_length=200, validators=[single_line], label=_lazy("Title"))
    owner = forms.CharField(max_length=100, label=_lazy("Owner"))
    due_date = forms.DateField(widget=date_input(), label=_lazy("Due date"))
    status = forms.ChoiceField(
        choices=Milestone.Status.choices, initial="planned", label=_lazy("Status")
    )


class CommitmentForm(PlanRowForm):
    # The select shows its first choice: as the initial, a blank row is not "changed".
    kind = forms.ChoiceField(
        choices=ClientCommitment.Kind.choices,
        initial=ClientCommitment.Kind.RESOURCES,
        label=_lazy("Kind"),
    )
    description = forms.CharField(max_length=300, label=_lazy("Description"))
    due_date = forms.DateField(widget=date_input(), label=_lazy("Due date"))


# Blank extra rows are optional (empty_permitted): left untouched, they never block a save.
MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=1, can_delete=True)
CommitmentFormSet = forms.formset_factory(CommitmentForm, extra=1, can_delete=True)


def formset_rows(formset):
    return [
        {k: v for k, v in f.cleaned_data.items() if k != "DELETE"}
        for f in formset.forms
        if f.has_changed() and f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


class MeetingScheduleForm(forms.Form):
    scheduled_for = forms.DateField(
        widget=date_input(),
        label=_lazy("Scheduled for"),
        help_text=_lazy("Today or later; any day, weekends included."),
    )
    starts_at = forms.TimeField(
        required=False,
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
        label=_lazy("Starts at"),
    )
    duration_minutes = forms.IntegerField(
        required=False, min_value=15, max_value=600, initial=60, label=_lazy("Duration (minutes)")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The hour is read in the installation's time zone, which the form names.
        self.fields["starts_at"].help_text = _(
            "Optional, %(zone)s time. Without an hour, calendars show the meeting on the "
            "whole day."
        ) % {"zone": settings.TIME_ZONE}

    def clean_scheduled_for(self):
        day = self.cleaned_data["scheduled_for"]
        problem = scheduled_for_refusal(day)
        if problem:
            raise forms.ValidationError(problem)
        return day


class MeetingRecordForm(forms.Form):
    held_on = forms.DateField(widget=date_input(), label=_lazy("Held on"))
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_lazy("Summary"))
    milestone_progress = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_lazy("Milestone progress"),
    )
    commitments_review = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_lazy("Client commitments: delivered or not"),
    )
    manager_workload = forms.TypedChoiceField(
        choices=RATING_CHOICES,
        coerce=int,
        label=_lazy("Manager workload"),
        help_text=_lazy("1 light – 5 overloaded"),
    )
    manager_strain = forms.TypedChoiceField(
        choices=RATING_CHOICES,
        coerce=int,
        label=_lazy("Manager strain"),
        help_text=_lazy("1 serene – 5 worn out"),
    )
    direction_changes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_lazy("Changes of direction by the principal"),
    )
    realignment_actions = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_lazy("Realignment actions"),
    )
    opportunities = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_lazy("New business opportunities"),
    )

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        for value, label in Dimension.choices:
            self.fields[f"rating_{value}"] = forms.TypedChoiceField(
                label=_("%(dimension)s: plan vs reality") % {"dimension": label},
                choices=GapLevel.choices,
                coerce=int,
            )

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if self.meeting is not None:
            problem = held_on_refusal(self.meeting.assignment, held_on, meeting=self.meeting)
            if problem:
                raise forms.ValidationError(problem)
        return held_on

    def ratings(self):
        return {d: self.cleaned_data[f"rating_{d}"] for d in Dimension.values}

    def meeting_fields(self):
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if not k.startswith("rating_") and k != "held_on"
        }


class ResolveFlagForm(forms.Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=_lazy("How it was resolved")
    )


class DeliveredForm(forms.Form):
    delivered_on = forms.DateField(
        required=False, widget=date_input(), label=_lazy("Delivered on")
    )
