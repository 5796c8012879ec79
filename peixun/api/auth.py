"""How API callers authenticate: an API key in the X-API-Key header (integrations), or the
browser's session (with its CSRF token for writes)."""

import hashlib
from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyHeader, SessionAuth

from peixun.api.models import ApiKey

LAST_USED_EVERY = timedelta(minutes=5)


def digest(key: str) -> str:
    """Keys carry 256 random bits, so a plain SHA-256 is enough to store them (no slow hash)."""
    return hashlib.sha256(key.encode()).hexdigest()


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
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_EVERY:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        request.user = api_key.account  # access checks and audit rows see the key's account
        return api_key.account


class BrowserSession(SessionAuth):
    """The signed-in browser session (Django's own cookie and CSRF check)."""
