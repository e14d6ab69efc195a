"""Beat's scheduler: the database one, seeded from CELERY_BEAT_SCHEDULE."""

from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler


class SeededDatabaseScheduler(DatabaseScheduler):
    """django-celery-beat's scheduler, except that the settings only create the entries
    that are missing: a schedule an admin changed (or disabled) in Django admin stays as
    the admin left it across restarts."""

    def update_from_dict(self, mapping):
        existing = set(
            PeriodicTask.objects.filter(name__in=list(mapping)).values_list("name", flat=True)
        )
        missing = {name: entry for name, entry in mapping.items() if name not in existing}
        super().update_from_dict(missing)
