from django.utils.functional import SimpleLazyObject

from . import selectors


def notifications(request):
    """The unread count of the navigation bar, counted only if a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: selectors.unread_count(user))}
