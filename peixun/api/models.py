"""API keys: how an outside system (a learning platform, a school's own system) calls /api/v1/."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from peixun.orgs.models import GrantRole

KEY_ROLES = [
    (GrantRole.BUREAU_ADMIN.value, GrantRole.BUREAU_ADMIN.label),
    (GrantRole.CENTRE_STAFF.value, GrantRole.CENTRE_STAFF.label),
    (GrantRole.SCHOOL_COORDINATOR.value, GrantRole.SCHOOL_COORDINATOR.label),
]


class ApiKey(models.Model):
    """An ApiKey lets an integration act for one org with one role. Each key has its own service
        account (no password, cannot sign in) holding that role over the org, so the API applies the
        same access rules and audit trail to a key as to a person; `actions` narrows what it may do
    (docs/decisions/0047-api-key-actions-and-rate-limits.md). Only the key's SHA-256 is stored;
        the key itself is shown once, when it is made (docs/decisions/0024-api-keys.md)."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="api_keys"
    )
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=24, choices=KEY_ROLES)
    # What the key may do (peixun.core.apiscope.ACTIONS); where is its role grant over `org`.
    actions = models.JSONField(_("actions"), default=list, blank=True)
    # Calls allowed per minute (a fixed window counted in the cache, peixun.api.auth).
    rate_limit = models.PositiveIntegerField(_("calls per minute"), default=120)
    account = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_key")
    prefix = models.CharField(_("key prefix"), max_length=16, unique=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def action_labels(self) -> list[str]:
        """The key's actions in words, in the order of the keys page."""
        from peixun.core.apiscope import ACTIONS

        return [str(label) for code, label in ACTIONS.items() if code in self.actions]

    @property
    def active(self) -> bool:
        return self.revoked_at is None
