from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "peixun.participation"
    label = "participation"
    verbose_name = _("Daily participation")

    def ready(self) -> None:
        from peixun.participation import steps

        steps.register()
