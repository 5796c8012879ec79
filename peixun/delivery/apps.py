from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "peixun.delivery"
    verbose_name = _("Delivery")

    def ready(self) -> None:
        from peixun.delivery import steps

        steps.register()
