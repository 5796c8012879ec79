from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "peixun.certificates"
    verbose_name = _("Certificates")

    def ready(self) -> None:
        from peixun.certificates import (
            checks,  # noqa: F401 - registers the system checks
            steps,
        )

        steps.register()
