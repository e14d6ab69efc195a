from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from assignments.health import healthz
from assignments.urls import notification_patterns, opportunity_patterns
from assignments.views import calendar as calendar_views
from assignments.views import pool as pool_views
from assignments.views.home import home
from partners import views as partner_views


def favicon(request):
    """The site's icon for browsers that ask /favicon.ico (admin pages, JSON answers)."""
    return redirect(static("favicon.svg"))


urlpatterns = [
    path("", home, name="home"),
    # Before Django's own: the same address and name, the e-mail sent in the background.
    path(
        "accounts/password_reset/",
        partner_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/role/", partner_views.switch_role, name="switch_role"),
    path("accounts/calendar/", calendar_views.calendar_settings, name="calendar_settings"),
    path("accounts/calendar/create/", calendar_views.calendar_create, name="calendar_create"),
    path("accounts/calendar/rotate/", calendar_views.calendar_rotate, name="calendar_rotate"),
    path("accounts/calendar/revoke/", calendar_views.calendar_revoke, name="calendar_revoke"),
    # A person's private feed: the token in the address is its only credential.
    path("calendar/<str:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
    path("i18n/setlang/", partner_views.set_language, name="set_language"),
    path("api/", include("assignments.api.urls")),
    path("firm/clients/", partner_views.firm_clients, name="firm_clients"),
    path(
        "firm/clients/<int:organisation_id>/remove/",
        partner_views.firm_client_remove,
        name="firm_client_remove",
    ),
    path("managers/", pool_views.manager_list, name="managers"),
    path("managers/new/", pool_views.manager_add, name="manager_add"),
    path("managers/<int:manager_id>/", pool_views.manager_profile, name="manager_profile"),
    path("managers/<int:manager_id>/edit/", pool_views.manager_edit, name="manager_edit"),
    path("managers/<int:manager_id>/remove/", pool_views.manager_remove, name="manager_remove"),
    path("assignments/", include("assignments.urls")),
    path("notifications/", include(notification_patterns)),
    path("opportunities/", include(opportunity_patterns)),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
]
