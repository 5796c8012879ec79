"""The audit log: one row per state change, reveal or security event, never edited."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """An AuditEvent records who did what, when, to which object, and what changed (before → after).

    Rows are append-only: database triggers reject UPDATE and DELETE (migration 0002). `org_path`
    is the path of the org the object belongs to, so the log is scoped like everything else.
    """

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("actor")
    )
    actor_name = models.CharField(_("actor"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=48, db_index=True)
    target_type = models.CharField(_("object type"), max_length=48, blank=True)
    target_id = models.CharField(max_length=48, blank=True)
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    org_path = models.CharField(max_length=255, blank=True, default="")
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            models.Index(fields=["org_path"], name="audit_org_path_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"
