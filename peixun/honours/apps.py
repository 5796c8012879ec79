from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonoursConfig(AppConfig):
    name = "peixun.honours"
    verbose_name = _("Honours")

    def ready(self) -> None:
        from peixun.honours import steps

        steps.register()
