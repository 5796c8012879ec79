"""Reads of import jobs, scoped like everything else.

A job is visible to the account that uploaded it and to accounts whose import permission for the
job's kind (peixun.imports.registry) covers the job's org; anyone else gets a 404.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from peixun.imports.models import ImportJob
from peixun.imports.registry import importers
from peixun.orgs.access import path_q, scope_paths


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
        raise Http404 from None


def recent_jobs(user, limit: int = 50) -> list[ImportJob]:
    return list(jobs_visible(user).defer("content", "errors").order_by("-created_at", "-id")[:limit])
