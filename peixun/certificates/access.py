"""Who may see, issue and revoke certificates, and use a template.

- The holder sees and downloads their own certificates, and their own personal file.
- The organiser's staff (`certificates.issue` over the project's organiser) issue and see them.
- Schools (`certificates.view` over the holder's org) see their teachers' certificates.
- The bureau (`certificates.revoke` over the organiser or the holder) revokes.
- Templates belong to an org: those of the orgs in the user's issue scope are theirs to edit; a
  project may use the templates of its organiser and the orgs above it (the bureau's seal).
- A personal file (档案) is seen by the person and by those who see their hours (ledger.view).

The certificate pages ask only this module (it re-exports the org-level checks they use).
"""

from django.db.models import QuerySet

from peixun.certificates.models import Certificate, CertificateBatch, CertificateBundle, CertificateTemplate
from peixun.ledger.access import access_hours_person
from peixun.orgs.access import access_org as access_org
from peixun.orgs.access import out_of_scope, path_in_scope, path_q, scope_paths
from peixun.orgs.access import require_perm as require_perm
from peixun.orgs.models import Org, Person, ancestor_paths
from peixun.training import access as training_access
from peixun.training.models import Cohort, Project


def access_project(user, pk: int) -> Project:
    """A project whose certificates the user issues (`certificates.issue` over its organiser)."""
    return training_access.access_project(user, pk, "certificates.issue")


def access_batch(user, pk: int) -> CertificateBatch:
    batch = CertificateBatch.objects.select_related("project__organiser", "template").filter(pk=pk).first()
    if batch is None or not training_access.can(user, "certificates.issue", batch.project):
        raise out_of_scope(user, "certificate batch", pk)
    return batch


def access_bundle(user, pk: int) -> CertificateBundle:
    """A merged file of certificates (without its bytes): seen by those who issue the project's
    certificates."""
    found = CertificateBundle.objects.select_related("project__organiser", "cohort").defer("content")
    bundle = found.filter(pk=pk).first()
    if bundle is None or not training_access.can(user, "certificates.issue", bundle.project):
        raise out_of_scope(user, "certificate file", pk)
    return bundle


def cohorts_of(project: Project) -> QuerySet[Cohort]:
    """The classes of a project the user already reached (access_project)."""
    return Cohort.objects.filter(project=project).order_by("number")


def template_owners(user) -> QuerySet[Org]:
    """Orgs whose certificate templates the user may create and edit."""
    return Org.objects.filter(path__in=scope_paths(user, "certificates.issue"))


def access_archive_person(user, pk: int) -> Person:
    """A person whose personal file the user may see: themself, or one whose hours they see."""
    return access_hours_person(user, pk)


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
