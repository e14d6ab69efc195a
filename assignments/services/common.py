"""What every service shares: refusing with a sentence, locking an assignment."""

from __future__ import annotations

from django.conf import settings

from ..exceptions import Refused
from ..models import Assignment


def require(condition: object, message: str) -> None:
    """Refuse with `message` unless `condition` holds."""
    if not condition:
        raise Refused(message)


def lock(assignment: Assignment) -> None:
    """Take the assignment's row lock for the rest of the transaction: writes to one
    assignment's records happen one at a time."""
    Assignment.objects.select_for_update().filter(pk=assignment.pk).exists()


def drift_weights() -> dict[str, float]:
    return dict(settings.GAP_DRIFT_WEIGHTS)
