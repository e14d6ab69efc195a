"""How often a password reset may be asked for.

The page answers the same whether or not an account uses the address, and does the same
work either way: it counts the request here and hands the address to a background task
(partners.tasks.send_password_reset), which alone looks the account up and sends the link.
So neither the answer nor its timing says whether an address has an account."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60 * 60


def _within(key: str, limit: int) -> bool:
    """Count one request against `key`; whether the hour's count is still within `limit`.
    The hour starts with the first request counted."""
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    return count <= limit


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def password_reset_allowed(email: str, client_address: str) -> bool:
    """Count a reset asked for `email` from `client_address`: whether it may be sent
    (PASSWORD_RESETS_PER_EMAIL per hour for the address typed, whatever its case, and
    PASSWORD_RESETS_PER_ADDRESS per hour from one client address). Both are counted
    either way, so refusing one says nothing about the other."""
    per_email = _within(
        f"password-reset:email:{_digest(email.strip().lower())}",
        settings.PASSWORD_RESETS_PER_EMAIL,
    )
    per_address = _within(
        f"password-reset:address:{_digest(client_address or '')}",
        settings.PASSWORD_RESETS_PER_ADDRESS,
    )
    return per_email and per_address
