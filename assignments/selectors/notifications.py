"""A person's notifications."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from interim.caching import cached

from ..models import Notification


def notifications_for(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient_id=user.pk).select_related("assignment")


def unread_key(user_id: int) -> str:
    return f"interim:unread:{user_id}"


def unread_count(user: Any) -> int:
    """The navigation bar's count, cached until a notification of theirs is recorded or
    read (`services.freshness.unread_changed`)."""
    if not user.is_authenticated:
        return 0
    return cached(
        unread_key(user.pk),
        lambda: Notification.objects.filter(recipient_id=user.pk, read_at=None).count(),
        settings.UNREAD_CACHE_SECONDS,
    )
