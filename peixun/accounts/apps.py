from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "peixun.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from peixun.accounts import signals  # noqa: F401 - connects the login audit receivers
