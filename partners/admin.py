from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import UserChangeForm, UserCreationForm
from .models import (
    ClientContact,
    ClientOrganisation,
    DirectorProfile,
    ExchangeRate,
    ManagerProfile,
    ProviderFirm,
    Skill,
    User,
)
from .validators import currency_normalised


class DirectorProfileInline(admin.StackedInline):
    model = DirectorProfile
    extra = 0


class ManagerProfileInline(admin.StackedInline):
    model = ManagerProfile
    extra = 0
    filter_horizontal = ("skills", "firms")
    fields = (
        "headline",
        "cv_summary",
        "skills",
        "languages",
        "countries",
        "available_from",
        ("day_rate", "day_rate_max", "currency"),
        "firms",
    )


class ClientContactInline(admin.StackedInline):
    model = ClientContact
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "full_name", "role_list", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "full_name")
    list_select_related = ("director_profile", "manager_profile", "client_profile")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name",)}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    inlines = (DirectorProfileInline, ManagerProfileInline, ClientContactInline)

    @admin.display(description=_("roles"))
    def role_list(self, obj):
        return ", ".join(str(role.label) for role in obj.roles) or "–"


@admin.register(ProviderFirm)
class ProviderFirmAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "reporting_currency")
    list_filter = ("country",)
    search_fields = ("name",)
    filter_horizontal = ("clients",)


class ExchangeRateForm(forms.ModelForm):
    """Codes as typed (" gbp") are codes as stored ("GBP"), before the model's checks."""

    class Meta:
        model = ExchangeRate
        fields = ("currency", "quote_currency", "rate", "valid_on")

    def clean_currency(self):
        return currency_normalised(self.cleaned_data.get("currency"))

    def clean_quote_currency(self):
        return currency_normalised(self.cleaned_data.get("quote_currency"))


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    """The table partners.money converts with: one row per pair and day it starts to hold."""

    form = ExchangeRateForm
    list_display = ("valid_on", "currency", "quote_currency", "rate")
    list_filter = ("currency", "quote_currency")
    date_hierarchy = "valid_on"
    search_fields = ("currency", "quote_currency")
    ordering = ("-valid_on", "currency", "quote_currency")


@admin.register(ClientOrganisation)
class ClientOrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "sector", "country")
    list_filter = ("sector", "country")
    search_fields = ("name", "sector")


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(DirectorProfile)
class DirectorProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "firm", "title")
    list_filter = ("firm",)
    search_fields = ("user__full_name", "user__email")
    list_select_related = ("user", "firm")
    autocomplete_fields = ("user",)


@admin.register(ManagerProfile)
class ManagerProfileAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "headline",
        "day_rate",
        "day_rate_max",
        "currency",
        "available_from",
        "languages",
        "countries",
    )
    list_filter = ("firms", "skills", "currency")
    search_fields = ("user__full_name", "user__email", "headline", "cv_summary")
    list_select_related = ("user",)
    filter_horizontal = ("skills", "firms")
    autocomplete_fields = ("user",)
    fieldsets = (
        (None, {"fields": ("user", "headline", "cv_summary", "skills")}),
        (_("Where and when"), {"fields": ("languages", "countries", "available_from")}),
        (_("Day rate"), {"fields": ("day_rate", "day_rate_max", "currency")}),
        (_("Pools"), {"fields": ("firms",)}),
    )


@admin.register(ClientContact)
class ClientContactAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "job_title")
    list_filter = ("organisation",)
    search_fields = ("user__full_name", "user__email")
    list_select_related = ("user", "organisation")
    autocomplete_fields = ("user",)
