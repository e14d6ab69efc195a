from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _lazy


class PartnersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partners"
    verbose_name = _lazy("People and organisations")
