"""A person's notifications."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ..models import Notification


def notifications_for(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient_id=user.pk).select_related("assignment")


def unread_count(user: Any) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at=None).count()
