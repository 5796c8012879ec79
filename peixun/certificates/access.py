"""Who may see, issue and revoke certificates, and use a template.

- The holder sees and downloads their own certificates, and their own personal file.
- The organiser's staff (`certificates.issue` over the project's organiser) issue and see them.
- Schools (`certificates.view` over the holder's org) see their teachers' certificates.
- The bureau (`certificates.revoke` over the organiser or the holder) revokes.
- Templates belong to an org: those of the orgs in the user's issue scope are theirs to edit; a
  project may use the templates of its organiser and the orgs above it (the bureau's seal).
"""

from django.db.models import QuerySet

from peixun.certificates.models import Certificate, CertificateTemplate
from peixun.orgs.access import out_of_scope, path_in_scope, path_q, scope_paths
from peixun.orgs.models import ancestor_paths


def templates_in_scope(user) -> QuerySet[CertificateTemplate]:
    return CertificateTemplate.objects.filter(path_q(scope_paths(user, "certificates.issue"), "org__path"))


def templates_for(project) -> QuerySet[CertificateTemplate]:
    """Templates a project may issue with: its organiser's and those of the orgs above it."""
    return CertificateTemplate.objects.filter(
        org__path__in=ancestor_paths(project.organiser.path), active=True
    ).select_related("org")


def access_template(user, pk: int) -> CertificateTemplate:
    try:
        return templates_in_scope(user).select_related("org").get(pk=pk)
    except CertificateTemplate.DoesNotExist:
        raise out_of_scope(user, "certificate template", pk) from None


def is_staff_for(user, certificate: Certificate) -> bool:
    return path_in_scope(user, "certificates.issue", certificate.project.organiser.path) or path_in_scope(
        user, "certificates.view", certificate.person.org.path
    )


def can_revoke(user, certificate: Certificate) -> bool:
    return path_in_scope(user, "certificates.revoke", certificate.project.organiser.path) or path_in_scope(
        user, "certificates.revoke", certificate.person.org.path
    )


def access_certificate(user, pk: int) -> Certificate:
    """A certificate: the holder's own, or one in the user's scope."""
    try:
        certificate = Certificate.objects.select_related("project__organiser", "person__org", "template").get(
            pk=pk
        )
    except Certificate.DoesNotExist:
        raise out_of_scope(user, "certificate", pk) from None
    if user.is_authenticated and user.person_id == certificate.person_id:
        return certificate
    if is_staff_for(user, certificate) or can_revoke(user, certificate):
        return certificate
    raise out_of_scope(user, "certificate", pk)
