from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "peixun.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from peixun.audit.events import register_field_labels

        register_field_labels({"actions": _("Actions"), "rate_limit": _("Calls per minute")})
