from decimal import Decimal

from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .codes import countries_normalised, country_choices, language_choices, languages_normalised
from .models import Skill, User, country_code
from .validators import currency_code, currency_normalised, single_line


class UserCreationForm(auth_forms.UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class FirmClientForm(forms.Form):
    """A client organisation for the firm's list (an existing one is found by its name)."""

    name = forms.CharField(max_length=150, label=_lazy("Organisation"), validators=[single_line])
    sector = forms.CharField(label=_lazy("Sector"), max_length=100, required=False)
    country = forms.CharField(
        label=_lazy("Country"),
        max_length=2,
        required=False,
        help_text=_lazy("Two-letter ISO code, e.g. FR (for a new organisation)."),
    )

    def clean_country(self):
        country = self.cleaned_data["country"].upper()
        if country:
            country_code(country)
        return country


def _clean_currency(value):
    currency = currency_normalised(value)
    currency_code(currency)
    return currency


def _money_field(label, *, required, help_text=""):
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=9,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=help_text,
    )


def _date_field(label):
    # A browser's date picker sends and shows ISO 8601, whatever the page's language.
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": _lazy("Enter the date as YYYY-MM-DD.")},
    )


class PoolFilterForm(forms.Form):
    """The pool's query string: a search, a skill, a language, a country, a date by which
    the manager is available."""

    q = forms.CharField(label=_lazy("Search"), required=False, max_length=200, strip=True)
    skill = forms.ModelChoiceField(
        label=_lazy("Skill"),
        queryset=Skill.objects.all(),
        required=False,
        empty_label=_lazy("Any"),
        error_messages={
            "invalid_choice": _lazy("That skill is not known: choose one of the list.")
        },
    )
    # Named in the page's language, and sorted by those names, each time they are listed.
    language = forms.ChoiceField(
        label=_lazy("Language"),
        required=False,
        choices=language_choices,
        error_messages={"invalid_choice": _lazy("“%(value)s” is not an ISO 639-1 language code.")},
    )
    country = forms.ChoiceField(
        label=_lazy("Country"),
        required=False,
        choices=country_choices,
        error_messages={"invalid_choice": _lazy("“%(value)s” is not an ISO 3166 country code.")},
    )
    available_by = _date_field(_lazy("Available by"))
    page = forms.IntegerField(label=_lazy("Page"), required=False, min_value=1)

    def __init__(self, data=None, **kwargs):
        if data is not None:
            data = data.copy()
            # Codes as people type them in the address bar: " FR " or "EN".
            for name, case in (("language", str.lower), ("country", str.upper)):
                if data.get(name):
                    data[name] = case(data[name].strip())
        super().__init__(data, **kwargs)

    def filters(self):
        """Every parameter's valid value (an invalid one is left out, and shown as an
        error on the page)."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": data.get("q", ""),
            "skill": data.get("skill"),
            "language": data.get("language", ""),
            "country": data.get("country", ""),
            "available_by": data.get("available_by"),
        }

    def page_number(self):
        self.is_valid()
        return self.cleaned_data.get("page") or 1


class ManagerAddForm(forms.Form):
    """A manager for the firm's pool, found by e-mail; the name and the day rate are asked
    only of someone who has no manager profile yet."""

    email = forms.EmailField(label=_lazy("E-mail address"))
    full_name = forms.CharField(
        label=_lazy("Full name"),
        max_length=150,
        required=False,
        validators=[single_line],
        help_text=_lazy("Needed for a person new to Interim."),
    )
    day_rate = _money_field(
        _lazy("Day rate from"),
        required=False,
        help_text=_lazy("Needed for a new manager profile."),
    )
    currency = forms.CharField(label=_lazy("Currency"), max_length=3, initial="EUR")

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_currency(self):
        return _clean_currency(self.cleaned_data["currency"])


class ManagerProfileForm(forms.Form):
    """A manager's profile as their firm's directors keep it."""

    headline = forms.CharField(
        label=_lazy("Headline"), max_length=200, required=False, validators=[single_line]
    )
    cv_summary = forms.CharField(
        label=_lazy("CV summary"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    skills = forms.ModelMultipleChoiceField(
        label=_lazy("Skills"),
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_skills = forms.CharField(
        label=_lazy("Other skills"),
        required=False,
        max_length=500,
        help_text=_lazy("Skills not in the list, separated by commas."),
    )
    languages = forms.CharField(
        label=_lazy("Languages"),
        max_length=200,
        required=False,
        help_text=_lazy("ISO 639-1 codes separated by commas, e.g. en, fr, de."),
    )
    countries = forms.CharField(
        label=_lazy("Countries"),
        max_length=200,
        required=False,
        help_text=_lazy("Where they work: ISO 3166 codes separated by commas, e.g. FR, BE, CH."),
    )
    day_rate = _money_field(_lazy("Day rate from"), required=True)
    day_rate_max = _money_field(
        _lazy("Day rate up to"),
        required=False,
        help_text=_lazy("Leave empty for a single day rate."),
    )
    currency = forms.CharField(label=_lazy("Currency"), max_length=3)
    available_from = _date_field(_lazy("Available from"))

    def clean_new_skills(self):
        names = []
        for part in self.cleaned_data["new_skills"].split(","):
            name = " ".join(part.split())
            if not name:
                continue
            if len(name) > 100:
                raise forms.ValidationError(_("A skill's name has at most 100 characters."))
            if name.lower() not in {n.lower() for n in names}:
                names.append(name)
        return names

    def clean_languages(self):
        return languages_normalised(self.cleaned_data["languages"])

    def clean_countries(self):
        return countries_normalised(self.cleaned_data["countries"])

    def clean_currency(self):
        return _clean_currency(self.cleaned_data["currency"])

    def clean(self):
        data = super().clean()
        low, high = data.get("day_rate"), data.get("day_rate_max")
        if low is not None and high is not None and high < low:
            self.add_error(
                "day_rate_max", _("The day rate up to must be at least the day rate from.")
            )
        return data
