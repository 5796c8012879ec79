from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "peixun.returns"
    verbose_name = _("Annual training returns")

    def ready(self) -> None:
        from peixun.returns import steps

        steps.register()
