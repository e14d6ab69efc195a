from django import forms
from django.contrib.auth import forms as auth_forms

from .models import User, country_code
from .validators import single_line


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

    name = forms.CharField(max_length=150, label="Organisation", validators=[single_line])
    sector = forms.CharField(max_length=100, required=False)
    country = forms.CharField(
        max_length=2,
        required=False,
        help_text="Two-letter ISO code, e.g. FR (for a new organisation).",
    )

    def clean_country(self):
        country = self.cleaned_data["country"].upper()
        if country:
            country_code(country)
        return country
