from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "peixun.records"
    verbose_name = _("Teachers' records")

    def ready(self) -> None:
        from peixun.records import steps

        steps.register()
