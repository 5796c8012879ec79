from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "peixun.quality"
    verbose_name = _("Training quality")

    def ready(self) -> None:
        from peixun.quality import steps

        steps.register()
