"""How API callers authenticate: an API key in the X-API-Key header (integrations), or the
browser's session (with its CSRF token for writes). A key's calls are counted per minute (a fixed
window in Django's cache: Redis in production, memory in tests) and refused with 429 beyond its
`rate_limit`; its actions go on the request for peixun.core.apiscope (ADR 0047)."""

import hashlib
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja.security import APIKeyHeader, SessionAuth

from peixun.api.models import ApiKey
from peixun.core.exceptions import DomainError

LAST_USED_EVERY = timedelta(minutes=5)


def digest(key: str) -> str:
    """Keys carry 256 random bits, so a plain SHA-256 is enough to store them (no slow hash)."""
    return hashlib.sha256(key.encode()).hexdigest()


class RateLimitedError(DomainError):
    code = "throttled"
    status = 429
    message = _(
        "Too many calls with this API key: at most %(limit)s a minute. Wait %(wait)s seconds and try "
        "again, or ask the bureau to raise the key's limit on the API keys page."
    )

    def __init__(self, *, limit: int, wait: int) -> None:
        self.retry_after = wait
        super().__init__(limit=limit, wait=wait)


def count_call(api_key: ApiKey, now: float | None = None) -> None:
    """Count one call in the key's current window; RateLimitedError once it holds `rate_limit`."""
    window = getattr(settings, "API_RATE_WINDOW_SECONDS", 60)
    now = time.time() if now is None else now
    start = int(now // window) * window
    name = f"api-rate:{api_key.pk}:{start}"
    cache.add(name, 0, timeout=window + 5)
    try:
        calls = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=window + 5)
        calls = 1
    if calls > api_key.rate_limit:
        raise RateLimitedError(limit=api_key.rate_limit, wait=max(1, int(start + window - now + 0.999)))


class ApiKeyAuth(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None):
        if not key or len(key) > 100:
            return None
        api_key = (
            ApiKey.objects.select_related("account")
            .filter(digest=digest(key), revoked_at__isnull=True, account__is_active=True)
            .first()
        )
        if api_key is None:
            return None
        count_call(api_key)
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_EVERY:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        request.user = api_key.account  # access checks and audit rows see the key's account
        request.api_key = api_key  # type: ignore[attr-defined]
        request.api_actions = frozenset(api_key.actions)  # type: ignore[attr-defined]
        return api_key.account


class BrowserSession(SessionAuth):
    """The signed-in browser session (Django's own cookie and CSRF check)."""
