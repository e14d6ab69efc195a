"""A person's private calendar feed: one secret address their calendar application reads."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    """A fresh secret: 32 random bytes, 43 URL-safe characters."""
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The address of one person's feed. The token in it is the credential (calendar
    applications send no session), so it is long, random, and replaced on rotation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    rotated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When a calendar application last read it (to the hour): tells the owner whether
    # the address is in use, or read by something they did not expect.
    last_read_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(_("Calendar feed of %(user)s") % {"user": self.user})

    @property
    def changed_at(self):
        """When the current address was made: created, or last rotated."""
        return self.rotated_at or self.created_at
