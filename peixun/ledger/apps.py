from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "peixun.ledger"
    verbose_name = _("Credit ledger")

    def ready(self) -> None:
        from peixun.ledger import steps

        steps.register()
