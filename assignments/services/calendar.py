"""A person's private calendar feed: its secret address made, replaced, withdrawn, read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..exceptions import Refused
from ..models import CalendarFeed
from ..models.calendar import new_token
from .common import require

# The feed's last reading is kept to the hour: a calendar application polling every few
# minutes writes once an hour, not at every poll.
READ_PRECISION = timedelta(hours=1)


def calendar_feed_create(*, user: Any) -> CalendarFeed:
    """Give `user` a private calendar address (the one they have, if they have one)."""
    require(user.is_authenticated, _("Sign in to have a calendar address."))
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_rotate(*, user: Any) -> CalendarFeed:
    """Replace `user`'s calendar address with a new one: the old one stops working at once
    (the address was shared or leaked; the calendar must be subscribed to again)."""
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
        if feed is None:
            raise Refused(_("You have no calendar address to replace: create one."))
        feed.token = new_token()
        feed.rotated_at = timezone.now()
        feed.last_read_at = None
        feed.save(update_fields=["token", "rotated_at", "last_read_at"])
    return feed


def calendar_feed_revoke(*, user: Any) -> bool:
    """Withdraw `user`'s calendar address: nothing answers at it any more. True when there
    was one."""
    deleted, _rows = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


def calendar_feed_mark_read(*, feed: CalendarFeed, now: Any = None) -> None:
    """Note that a calendar application read the feed (at most one write an hour)."""
    now = now or timezone.now()
    CalendarFeed.objects.filter(
        Q(last_read_at__isnull=True) | Q(last_read_at__lt=now - READ_PRECISION), pk=feed.pk
    ).update(last_read_at=now)
