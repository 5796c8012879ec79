from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetitionsConfig(AppConfig):
    name = "peixun.competitions"
    verbose_name = _("Competitions")

    def ready(self) -> None:
        from peixun.competitions import steps

        steps.register()
