"""System checks: in production, the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto
are believed are named."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def trusted_proxies(app_configs, **kwargs):
    if not getattr(settings, "TRUSTED_PROXIES", []):
        return [
            Warning(
                "TRUSTED_PROXIES is empty: behind nginx every client would share nginx's address, the "
                "sign-in lockout and rate limits would key on it, and X-Forwarded-Proto would not be "
                "believed (HTTPS requests seen as HTTP: redirected again and again).",
                hint="Set TRUSTED_PROXIES=unix for nginx on gunicorn's socket (docs/operations.md), or "
                "silence accounts.W001 when no proxy stands in front.",
                id="accounts.W001",
            )
        ]
    return []
