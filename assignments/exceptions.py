"""The refusals every layer shares: services raise them, views and admin show them."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _lazy


class Refused(ValidationError):
    """A rule of the trade refuses this action; the message says which and why."""


class AssignmentChanged(Exception):
    """Someone changed the assignment between the user's read and this write."""

    message = _lazy("This assignment changed meanwhile: reload the page and try again.")

    def __str__(self) -> str:
        return str(self.message)


def message_of(exc: Exception) -> str:
    """The sentence to show for a refusal of any kind."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)
