"""The private channel between the firm's director and the selected manager, as read by
one of them: the whole thread for its page, its last notes for the assignment page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Window

from .. import access
from ..models import Assignment, ChannelNote

CARD_NOTES = 3


def channel_notes_for(assignment: Assignment, user: Any) -> list[ChannelNote]:
    """The thread with its authors, oldest first ([] for anyone who may not read it)."""
    if not access.can_see_channel(assignment, user):
        return []
    return list(
        ChannelNote.objects.filter(assignment=assignment)
        .select_related("author")
        .order_by("created_at", "id")
    )


@dataclass
class ChannelSummary:
    count: int = 0
    latest: Sequence[ChannelNote] = ()  # oldest first


def channel_summary(assignment: Assignment, user: Any) -> ChannelSummary | None:
    """How many notes the thread holds and its last few, in one query (None for anyone who
    may not read it)."""
    if not access.can_see_channel(assignment, user):
        return None
    latest = list(
        ChannelNote.objects.filter(assignment=assignment)
        .select_related("author")
        .annotate(total=Window(Count("id")))
        .order_by("-created_at", "-id")[:CARD_NOTES]
    )
    return ChannelSummary(
        count=latest[0].total if latest else 0,
        latest=latest[::-1],
    )
