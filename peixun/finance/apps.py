from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "peixun.finance"
    verbose_name = _("Training funds")

    def ready(self) -> None:
        from peixun.finance import steps

        steps.register()
