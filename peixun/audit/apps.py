from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "peixun.audit"

    def ready(self) -> None:
        from peixun.audit import checks  # noqa: F401 - registers the system checks
