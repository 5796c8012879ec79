from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolBasedConfig(AppConfig):
    name = "peixun.schoolbased"
    label = "schoolbased"
    verbose_name = _("School-based training")

    def ready(self) -> None:
        from peixun.schoolbased import wording

        wording.register_audit_labels()
