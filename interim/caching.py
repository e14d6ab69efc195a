"""The cache as an accelerator only: when it is down, the value is computed as if it were
empty, and the page is served all the same."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

logger = logging.getLogger(__name__)
T = TypeVar("T")
MISSING = object()


def cached(key: str, build: Callable[[], T], timeout: int) -> T:
    """The value cached under `key`, or `build()`'s, cached for `timeout` seconds."""
    try:
        value = cache.get(key, MISSING)
    except Exception:
        logger.warning("Cache unavailable; computing %s.", key.split(":")[1], exc_info=True)
        return build()
    if value is not MISSING:
        return value  # type: ignore[return-value]
    value = build()
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("Cache unavailable; %s not kept.", key.split(":")[1], exc_info=True)
    return value
