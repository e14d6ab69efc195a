"""The close-out's forms, one per part: they validate and hand `service_data()` to the
part's service; they never save."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .access import CloseoutPart
from .constants import RATING_CHOICES
from .models import Achievement, Cause

ENGAGE_CHOICES = [("yes", _lazy("Yes")), ("no", _lazy("No"))]


class CloseoutReviewForm(forms.Form):
    """The director's review: per dimension a result and a comment, per milestone of the
    last confirmed plan its final status, the review and the cause when it went wrong."""

    part = CloseoutPart.REVIEW

    review = forms.CharField(
        label=_lazy("Overall review"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_lazy("How the assignment ended, against what the client asked for."),
    )
    cause = forms.ChoiceField(
        label=_lazy("What went wrong"),
        choices=[("", _lazy("Nothing: it went well")), *Cause.choices],
        required=False,
    )
    cause_detail = forms.CharField(
        label=_lazy("The cause, in a few words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_lazy("Needed when the cause is “Other”."),
    )

    def __init__(self, *args, dimensions, milestones, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimension_rows = []
        for row in dimensions:
            d = row["dimension"]
            self.fields[f"result_{d}"] = forms.ChoiceField(
                label=_("%(dimension)s: the outcome") % {"dimension": row["label"]},
                choices=Achievement.choices,
            )
            self.fields[f"comment_{d}"] = forms.CharField(
                label=_("%(dimension)s: comment") % {"dimension": row["label"]},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.dimension_rows.append((row, self[f"result_{d}"], self[f"comment_{d}"]))
        self.milestone_rows = []
        self.milestone_ids = []
        for row in milestones:
            m = row["milestone"]
            self.fields[f"milestone_{m.pk}"] = forms.ChoiceField(
                label=_("%(milestone)s: final status") % {"milestone": m.title},
                choices=Achievement.choices,
            )
            self.fields[f"milestone_{m.pk}_comment"] = forms.CharField(
                label=_("%(milestone)s: comment") % {"milestone": m.title},
                required=False,
                widget=forms.Textarea(attrs={"rows": 1}),
            )
            self.milestone_ids.append(m.pk)
            self.milestone_rows.append(
                (row, self[f"milestone_{m.pk}"], self[f"milestone_{m.pk}_comment"])
            )
        self.dimension_values = [row["dimension"] for row in dimensions]

    def clean(self):
        data = super().clean()
        if data.get("cause") == Cause.OTHER and not (data.get("cause_detail") or "").strip():
            self.add_error("cause_detail", _("Say in a few words what the other cause was."))
        return data

    def service_data(self):
        data = self.cleaned_data
        return {
            "dimensions": {
                d: (data[f"result_{d}"], data.get(f"comment_{d}", ""))
                for d in self.dimension_values
            },
            "milestones": {
                pk: (data[f"milestone_{pk}"], data.get(f"milestone_{pk}_comment", ""))
                for pk in self.milestone_ids
            },
            "review": data["review"],
            "cause": data.get("cause", ""),
            "cause_detail": data.get("cause_detail", ""),
        }


class ClientEvaluationForm(forms.Form):
    """The client's evaluation of the interim manager, for the provider only."""

    part = CloseoutPart.CLIENT

    delivery = forms.TypedChoiceField(
        label=_lazy("The manager's delivery"),
        choices=RATING_CHOICES,
        coerce=int,
        help_text=_lazy("1 poor – 5 excellent"),
    )
    posture = forms.TypedChoiceField(
        label=_lazy("The manager's posture"),
        choices=RATING_CHOICES,
        coerce=int,
        help_text=_lazy("1 poor – 5 excellent"),
    )
    would_engage_again = forms.TypedChoiceField(
        label=_lazy("Would you engage this manager again?"),
        choices=ENGAGE_CHOICES,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_lazy("Comment")
    )

    def service_data(self):
        return dict(self.cleaned_data)


class ManagerEvaluationForm(forms.Form):
    """The manager's evaluation of the conditions, for the provider only."""

    part = CloseoutPart.MANAGER

    commitments_kept = forms.TypedChoiceField(
        label=_lazy("The client's commitments kept"),
        choices=RATING_CHOICES,
        coerce=int,
        help_text=_lazy("1 none – 5 all"),
    )
    provider_support = forms.TypedChoiceField(
        label=_lazy("Support from the provider"),
        choices=RATING_CHOICES,
        coerce=int,
        help_text=_lazy("1 none – 5 full"),
    )
    comment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_lazy("Comment")
    )

    def service_data(self):
        return dict(self.cleaned_data)


def closeout_form(part, data=None, *, context):
    """The form of `part`, bound to `data` (a POST) or blank."""
    if part == CloseoutPart.REVIEW:
        return CloseoutReviewForm(
            data, dimensions=context["dimensions"], milestones=context["milestones"]
        )
    if part == CloseoutPart.CLIENT:
        return ClientEvaluationForm(data)
    return ManagerEvaluationForm(data)
