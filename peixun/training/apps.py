from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "peixun.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from peixun.training import steps, wording

        steps.register()
        wording.register_audit_labels()
