"""Who may see which import job: the account that uploaded it, and accounts whose import
permission for the job's kind (peixun.imports.registry) covers the job's org; anyone else gets a
404. The import pages ask only this module (it re-exports the org-level checks they use).
"""

from django.db.models import Q, QuerySet

from peixun.imports.models import ImportJob
from peixun.imports.registry import importers
from peixun.orgs.access import has_perm as has_perm
from peixun.orgs.access import out_of_scope, path_q, scope_paths
from peixun.orgs.access import require_perm as require_perm


def jobs_visible(user) -> QuerySet[ImportJob]:
    if not user.is_authenticated:
        return ImportJob.objects.none()
    visible = Q(created_by=user)
    for kind, importer in importers().items():
        visible |= Q(kind=kind) & path_q(scope_paths(user, importer.perm), "org__path")
    return ImportJob.objects.filter(visible).select_related("org", "created_by")


def access_job(user, pk: int) -> ImportJob:
    """The job `pk` if the user may see it; 404 for missing and not-yours alike."""
    try:
        return jobs_visible(user).get(pk=pk)
    except ImportJob.DoesNotExist:
        raise out_of_scope(user, "import job", pk) from None
