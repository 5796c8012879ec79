"""A per-address limit on the public verification pages, so certificate codes and numbers cannot
be tried in bulk: at most VERIFY_RATE_PER_MINUTE requests a minute from one address (counted in
the cache: per process in the embedded default, shared through Redis in production)."""

import time

from django.conf import settings
from django.core.cache import cache

from peixun.audit.events import client_ip


def allowed(request, bucket: str, limit: int | None = None) -> bool:
    """Count this request in the address's current minute; False once over the limit."""
    limit = limit if limit is not None else getattr(settings, "VERIFY_RATE_PER_MINUTE", 30)
    minute = int(time.time() // 60)
    key = f"throttle:{bucket}:{client_ip(request) or 'unknown'}:{minute}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        count = 1
    return count <= limit
