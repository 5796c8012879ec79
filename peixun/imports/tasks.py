"""Background tasks that check and apply import jobs, writing progress to the job as they go.

Each task only loads the job, calls the import service and records the outcome. Progress is
written at most every 1,000 rows through a separate UPDATE; during an apply those writes belong to
the apply's transaction, so other connections see them only at its end (PostgreSQL) — the page
shows the check's progress live and the apply's outcome when it commits.
"""

import logging

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_tasks import task

from peixun.imports.content import unseal
from peixun.imports.models import ImportJob, ImportStatus
from peixun.imports.registry import importer
from peixun.orgs import imports
from peixun.orgs.access import orgs_in_scope
from peixun.orgs.models import Org

logger = logging.getLogger(__name__)

# Stored untranslated and translated when shown (job_detail.html).
MSG_CHECK_FAILED = gettext_noop("The file could not be checked. Upload it again, or ask an administrator.")
MSG_APPLY_FAILED = gettext_noop(
    "The file could not be applied and nothing was changed. Check it again, or ask an administrator."
)


def job_scope(job: ImportJob, user) -> QuerySet[Org]:
    """The orgs the job may touch: the user's import scope, within the job's org when it has one."""
    scope = orgs_in_scope(user, importer(job.kind).perm)
    if job.org is not None:
        scope = scope.filter(path__startswith=job.org.path)
    return scope


class _Progress:
    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.total = 0

    def __call__(self, done: int, total: int) -> None:
        self.total = total
        ImportJob.objects.filter(pk=self.job_id).update(processed_rows=done, total_rows=total)


def _finish(job_id: int, status: str, summary: imports.ImportSummary | None = None, **fields) -> None:
    if summary is not None:
        fields.update(
            created_count=summary.created,
            updated_count=summary.updated,
            unchanged_count=summary.unchanged,
            errors=[error.as_json() for error in summary.errors],
        )
    ImportJob.objects.filter(pk=job_id).update(status=status, finished_at=timezone.now(), **fields)


def _run_kwargs(job: ImportJob) -> dict:
    return {"default_org": job.org} if importer(job.kind).asks_org else {}


@task()
def check_import(job_id: int) -> None:
    """Check the job's file (no writes to people or orgs) and store the preview."""
    job = ImportJob.objects.select_related("created_by", "org").get(pk=job_id)
    ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.VALIDATING, processed_rows=0)
    progress = _Progress(job_id)
    check = importer(job.kind).check
    try:
        summary = check(
            unseal(job.content),
            job.filename,
            scope_orgs=job_scope(job, job.created_by),
            progress=progress,
            **_run_kwargs(job),
        )
    except Exception:
        logger.exception("import check failed: job=%s", job_id)
        _finish(job_id, ImportStatus.FAILED, message=MSG_CHECK_FAILED)
        return
    status = ImportStatus.VALID if summary.ok else ImportStatus.INVALID
    _finish(job_id, status, summary, total_rows=progress.total, processed_rows=progress.total)


@task()
def apply_import(job_id: int) -> None:
    """Apply the job's file all or nothing (it is checked again inside the transaction)."""
    job = ImportJob.objects.select_related("created_by", "applied_by", "org").get(pk=job_id)
    actor = job.applied_by or job.created_by
    progress = _Progress(job_id)
    apply = importer(job.kind).apply
    try:
        summary = apply(
            unseal(job.content),
            job.filename,
            scope_orgs=job_scope(job, actor),
            actor=actor,
            progress=progress,
            **_run_kwargs(job),
        )
    except imports.ImportRejected as rejected:
        # The data changed since the check (or the user's scope did): show the new errors.
        _finish(job_id, ImportStatus.INVALID, rejected.summary)
        return
    except Exception:
        logger.exception("import apply failed: job=%s", job_id)
        _finish(job_id, ImportStatus.FAILED, message=MSG_APPLY_FAILED)
        return
    # Applied: the file (with its ID numbers) is no longer needed; its sha256 stays.
    _finish(job_id, ImportStatus.APPLIED, summary, content=b"", processed_rows=progress.total)
