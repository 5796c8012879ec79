"""What certificates do at the moments of the apps below them, registered in
`CertificatesConfig.ready()`:

- a project closes (peixun.training.lifecycle, "close" 30, after the hours are posted): the
  certificates its results no longer support are revoked;
- the trainee's project page (peixun.delivery.hooks): their certificates, to download.
"""

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from peixun.certificates.services import revoke_unqualified
from peixun.delivery import hooks as delivery_hooks
from peixun.training import lifecycle


def revoke(*, project, actor, request=None) -> None:
    revoke_unqualified(project=project, actor=actor)


def certificates_panel(*, request, project, enrolment) -> str:
    certificates = list(enrolment.certificates.filter(revoked_at__isnull=True))
    if not certificates:
        return ""
    return render_to_string(
        "certificates/_my_certificates.html", {"certificates": certificates}, request=request
    )


def register() -> None:
    lifecycle.register_step(
        "close",
        30,
        revoke,
        name="certificates.revoke_unqualified",
        does=_("revoking the certificates the results no longer support"),
        fix_at=_("the project's Certificates tab"),
    )
    delivery_hooks.my_project_panels.add(certificates_panel, order=20, name="certificates.mine")
