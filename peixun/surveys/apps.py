from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "peixun.surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self) -> None:
        from peixun.surveys import steps

        steps.register()
