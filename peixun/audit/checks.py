"""System checks: in production, security events are written to a file kept six months and the audit
log is kept at least that long (网络安全法 第21条; docs/operations.md §13)."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

SIX_MONTHS_DAYS = 183


@register(Tags.security, deploy=True)
def log_retention(app_configs, **kwargs):
    problems: list[CheckMessage] = []
    if not getattr(settings, "SECURITY_LOG_FILE", ""):
        problems.append(
            Warning(
                "SECURITY_LOG_FILE is not set: sign-ins, lockouts and refused access go only to the "
                "service journal, which may not keep them six months.",
                hint="Set SECURITY_LOG_FILE=/var/log/peixun/security.log and install the logrotate "
                "file of docs/operations.md §13 (daily, 200 days kept).",
                id="audit.W001",
            )
        )
    if getattr(settings, "AUDIT_RETENTION_DAYS", SIX_MONTHS_DAYS) < SIX_MONTHS_DAYS:
        problems.append(
            Error(
                "AUDIT_RETENTION_DAYS is below six months (183 days).",
                hint="Keep the default (190) or more: the law asks for six months of network logs.",
                id="audit.E001",
            )
        )
    return problems
