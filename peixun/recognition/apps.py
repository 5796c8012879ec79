from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    name = "peixun.recognition"
    verbose_name = _("Recognition of outside training")

    def ready(self) -> None:
        from peixun.recognition import steps

        steps.register()
