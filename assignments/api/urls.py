from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import actions, views

app_name = "api"

router = DefaultRouter()
router.register("assignments", views.AssignmentViewSet, basename="assignment")
# An assignment's records, under it: each view fetches it as the web does (404 outside).
# The URL keywords are the web's (`pk` the assignment, `<record>_id` the record).
ASSIGNMENT = r"assignments/(?P<pk>\d+)"
router.register(f"{ASSIGNMENT}/candidacies", views.CandidacyViewSet, basename="candidacy")
router.register(f"{ASSIGNMENT}/audit-reports", views.AuditReportViewSet, basename="audit-report")
router.register(f"{ASSIGNMENT}/action-plans", views.ActionPlanViewSet, basename="action-plan")
router.register(f"{ASSIGNMENT}/meetings", views.ProgressMeetingViewSet, basename="meeting")
router.register(f"{ASSIGNMENT}/flags", views.FlagViewSet, basename="flag")
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    # Its page keeps drf-spectacular's few style rules in a file (templates/api/).
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    # The writes, each a web action's twin (actions.py): before the router, whose detail
    # routes would take "start", "schedule" or "read-all" for an id.
    *[path(route, view.as_view(), name=name) for route, view, name in actions.ROUTES],
    path("", include(router.urls)),
]
