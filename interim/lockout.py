"""Sign-in throttling with django-axes: whose attempts count together, from which address,
and the page of a paused sign-in saying when it may be tried again."""

import ipaddress
import math
from datetime import timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import (
    get_client_ip_address,
    get_client_username,
    get_cool_off,
    get_cool_off_iso8601,
    get_failure_limit,
)
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, Sum
from django.shortcuts import render
from django.utils import timezone


def client_username(request, credentials=None):
    """The e-mail as the sign-in looks it up (stripped, any case): every spelling of one
    address is one account to axes, so it has one count of failures."""
    if credentials:
        value = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        value = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    if not isinstance(value, str):
        return None
    return value.strip().lower() or None


def client_ip_address(request):
    """The address the request comes from. REMOTE_ADDR, unless TRUSTED_PROXY_COUNT proxies
    are declared in front of the app: then the address the outermost of them received the
    request from, which is that many entries from the right of X-Forwarded-For (each proxy
    appends its peer; anything further left is whatever the client chose to send)."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        # Not through every proxy: the peer itself is the client.
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


def _recent_attempts(request, credentials):
    username = get_client_username(request, credentials)
    attempts = AccessAttempt.objects.filter(username=username)
    if get_cool_off(request) is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    return username, address, attempts


class AccountLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a second limit: besides AXES_FAILURE_LIMIT failures for
    one e-mail from one address, LOGIN_ACCOUNT_FAILURE_LIMIT failures for that e-mail from
    all addresses together pause it everywhere, so spreading guesses over many addresses
    buys no more of them."""

    def get_failures(self, request, credentials=None) -> int:
        """The count axes compares with AXES_FAILURE_LIMIT: the pair's failures, or the limit
        itself once the account's failures reach theirs."""
        username, address, attempts = _recent_attempts(request, credentials)
        totals = attempts.aggregate(
            account=Sum("failures_since_start"),
            pair=Sum("failures_since_start", filter=Q(ip_address=address)),
        )
        pair, account = totals["pair"] or 0, totals["account"] or 0
        if username and account >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT:
            return max(pair, get_failure_limit(request, credentials))
        return pair


def paused_until(request, credentials, cool_off):
    """When the pause of this sign-in ends: failures older than the cool-off stop counting,
    so a limit holds until the failure that reached it (counting back from the latest)
    is older than the cool-off. Tries during a pause are not counted (axes'
    AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is off), so they do not move it."""
    username, address, attempts = _recent_attempts(request, credentials)
    limits = {"pair": get_failure_limit(request, credentials)}
    if username:
        limits["account"] = settings.LOGIN_ACCOUNT_FAILURE_LIMIT
    totals = dict.fromkeys(limits, 0)
    ends = {}
    rows = attempts.order_by("-attempt_time").values_list(
        "ip_address", "failures_since_start", "attempt_time"
    )
    for ip_address, failures, attempt_time in rows:
        for name, limit in limits.items():
            if name in ends or (name == "pair" and ip_address != address):
                continue
            totals[name] += failures
            if totals[name] >= limit:
                ends[name] = attempt_time + cool_off
    return max(ends.values()) if ends else timezone.now() + cool_off


def lockout_response(request, original_response=None, credentials=None):
    """Axes' own lockout page, with `retry_at` (when the pause ends) and `wait_from` (now,
    so that `retry_at|timeuntil:wait_from` is the wait, rounded up to the minute).

    Axes passes the cool-off as a duration only."""
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
    }
    cool_off = get_cool_off(request)
    if cool_off:
        retry_at = paused_until(request, credentials, cool_off)
        now = getattr(request, "axes_attempt_time", None) or timezone.now()
        minutes = max(math.ceil((retry_at - now).total_seconds() / 60), 1)
        context.update(
            {
                "cooloff_time": get_cool_off_iso8601(cool_off),
                "cooloff_timedelta": cool_off,
                "retry_at": retry_at,
                "wait_from": retry_at - timedelta(minutes=minutes),
            }
        )
    return render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
