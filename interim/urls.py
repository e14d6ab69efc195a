from django.contrib import admin
from django.urls import include, path

from assignments import views as assignment_views
from assignments.health import healthz
from assignments.urls import notification_patterns
from partners import views as partner_views

urlpatterns = [
    path("", assignment_views.home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/role/", partner_views.switch_role, name="switch_role"),
    path("assignments/", include("assignments.urls")),
    path("notifications/", include(notification_patterns)),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
