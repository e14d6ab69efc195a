from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _lazy


class AssignmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assignments"
    verbose_name = _lazy("Assignments")
