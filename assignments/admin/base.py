"""What the admin modules share: read-only records, and actions that call a service."""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from ..exceptions import AssignmentChanged, message_of

# What a service raises to refuse (Refused is a ValidationError).
REFUSALS = (ValidationError, PermissionDenied, AssignmentChanged)


class RecordAdmin(admin.ModelAdmin):
    """History the services write: shown, never added or edited here."""

    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RecordInline(admin.TabularInline):
    """History rows shown on their parent's page, read-only."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def run_service(
    request: Any,
    rows: Iterable[Any],
    call: Callable[[Any], object],
    *,
    done: Callable[[int], str],
) -> int:
    """Call a service once per selected row; each refusal is reported with its row, then
    how many went through (`done` says it for a count)."""
    count = 0
    for row in rows:
        try:
            call(row)
        except REFUSALS as exc:
            messages.error(
                request, _("%(row)s: %(refusal)s") % {"row": row, "refusal": message_of(exc)}
            )
        else:
            count += 1
    if count:
        messages.success(request, done(count))
    return count
