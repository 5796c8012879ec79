"""Limits on the public verification pages, so certificate codes and numbers cannot be tried in
bulk: at most VERIFY_RATE_PER_MINUTE requests a minute from one address, and at most
VERIFY_NUMBER_RATE_PER_HOUR lookups of one certificate number an hour from all addresses together
(one number's check code cannot be guessed from many addresses). Counted in the cache: per process
in the embedded default, shared through Redis in production."""

import time

from django.conf import settings
from django.core.cache import cache

from peixun.audit.events import client_ip


def _count(key: str, window: int) -> int:
    """Count one more request under `key` in the current window; returns the count so far."""
    stamped = f"{key}:{int(time.time() // window)}"
    cache.add(stamped, 0, timeout=window + 30)
    try:
        return cache.incr(stamped)
    except ValueError:  # expired between add and incr
        cache.set(stamped, 1, timeout=window + 30)
        return 1


def allowed(request, bucket: str, limit: int | None = None) -> bool:
    """Count this request in the address's current minute; False once over the limit."""
    limit = limit if limit is not None else getattr(settings, "VERIFY_RATE_PER_MINUTE", 30)
    return _count(f"throttle:{bucket}:{client_ip(request) or 'unknown'}", 60) <= limit


def number_allowed(number: str, limit: int | None = None) -> bool:
    """Count one lookup of this certificate number in the current hour; False once over the limit."""
    limit = limit if limit is not None else getattr(settings, "VERIFY_NUMBER_RATE_PER_HOUR", 10)
    return _count(f"throttle:number:{number}", 3600) <= limit
