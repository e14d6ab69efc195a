"""The page of a sign-in paused by django-axes, saying when it may be tried again."""

from axes.helpers import (
    get_client_username,
    get_cool_off,
    get_cool_off_iso8601,
    get_failure_limit,
)
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone


def lockout_response(request, original_response=None, credentials=None):
    """Axes' own lockout page, with `locked_at` and `retry_at` as well.

    Axes passes the cool-off as a duration only. It runs from the latest failed attempt
    (each attempt during a lockout restarts it), and this page answers that attempt."""
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
    }
    cool_off = get_cool_off(request)
    if cool_off:
        locked_at = getattr(request, "axes_attempt_time", None) or timezone.now()
        context.update(
            {
                "cooloff_time": get_cool_off_iso8601(cool_off),
                "cooloff_timedelta": cool_off,
                "locked_at": locked_at,
                "retry_at": locked_at + cool_off,
            }
        )
    return render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
