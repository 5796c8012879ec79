from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "peixun.assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from peixun.assessment import steps

        steps.register()
