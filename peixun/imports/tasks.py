"""Background tasks that check and apply import jobs, writing progress to the job as they go.

Each task holds the job as a background run (peixun.core.runs: claimed, heartbeat, progress,
interrupted when its worker dies), calls the import service and records the outcome. Progress and
the heartbeat are written by the run's own connection, so the page sees them live even while the
apply sits in its one transaction (PostgreSQL; SQLite has one writer, so there the apply's
progress shows when it commits).
"""

import logging

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_tasks import task

from peixun.core import runs
from peixun.core.runs import RunState
from peixun.imports import services
from peixun.imports.content import seal_changes, unseal
from peixun.imports.models import ImportJob, ImportStep
from peixun.imports.registry import importer
from peixun.orgs import imports
from peixun.orgs.access import orgs_in_scope
from peixun.orgs.models import Org

logger = logging.getLogger(__name__)

# The preview shows this many changed rows; the preview workbook has them all.
CHANGES_SHOWN = 50

# Marked for the catalog; stored in Chinese by runs.Work.fail, shown as stored.
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


def _summary_fields(summary: imports.ImportSummary) -> dict:
    return {
        "counts": {"created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged},
        "errors": [error.as_json() for error in summary.errors],
    }


def _run_kwargs(job: ImportJob) -> dict:
    return {"default_org": job.org} if importer(job.kind).asks_org else {}


class _AlreadyApplied(Exception):
    """Another attempt applied the job first: this one's writes are rolled back."""


@task()
def check_import(job_id: int) -> None:
    """Check the job's file (no writes to people or orgs) and store the preview: counts, every
    error and, for a kind whose check describes them, what each row would change."""
    with runs.work(ImportJob, job_id) as work:
        if work is None:
            return
        job = ImportJob.objects.select_related("created_by", "org").get(pk=job_id)
        check = importer(job.kind).check
        extra = {"actor": job.created_by} if importer(job.kind).checks_actor else {}
        try:
            summary = check(
                unseal(job.content),
                job.filename,
                scope_orgs=job_scope(job, job.created_by),
                progress=work.progress,
                **_run_kwargs(job),
                **extra,
            )
        except (runs.RunCancelled, runs.RunLost):
            raise
        except Exception:
            logger.exception("import check failed: job=%s", job_id)
            work.fail(MSG_CHECK_FAILED)
            return
        work.finish(
            **_summary_fields(summary),
            changes=[change.as_json() for change in summary.changes[:CHANGES_SHOWN]],
            changes_content=seal_changes(summary.changes),
            total=work.total,
            done=work.total,
        )


@task()
def apply_import(job_id: int) -> None:
    """Apply the job's file all or nothing (it is checked again inside the transaction), once.

    The transaction that writes the file also marks the job applied (`applied_at`, DONE): a worker
    killed before the commit leaves nothing written and the job unmarked, so running it again
    applies it; an attempt that finds the job marked (or loses the race to mark it) writes nothing.
    """
    with runs.work(ImportJob, job_id) as work:
        if work is None:
            return
        job = ImportJob.objects.select_related("created_by", "applied_by", "org").get(pk=job_id)
        if job.applied_at is not None:
            work.finish()
            return
        actor = job.applied_by or job.created_by
        apply = importer(job.kind).apply
        make_accounts = job.create_accounts and services.may_create_accounts(job, actor)
        try:
            # Hashed before the transaction: Argon2 is slow by design.
            passwords = services.prepare_account_passwords(job, work.progress) if make_accounts else []
            with transaction.atomic():
                summary = apply(
                    unseal(job.content),
                    job.filename,
                    scope_orgs=job_scope(job, actor),
                    actor=actor,
                    progress=work.progress,
                    **_run_kwargs(job),
                )
                fields = _summary_fields(summary)
                if make_accounts:
                    # In the same transaction: the people and their accounts, or neither.
                    issued = services.create_accounts(
                        person_ids=summary.people, actor=actor, passwords=passwords
                    )
                    fields["counts"]["accounts"] = issued.count
                    fields["password_slips"] = issued.batch
                now = timezone.now()
                # Applied: the file (with its ID numbers) is no longer needed; its sha256 stays.
                marked = ImportJob.objects.filter(pk=job_id, applied_at__isnull=True).update(
                    applied_at=now,
                    state=RunState.DONE,
                    finished_at=now,
                    content=b"",
                    done=work.total,
                    total=work.total,
                    **fields,
                )
                if not marked:
                    raise _AlreadyApplied
        except _AlreadyApplied:
            logger.info("import already applied by another attempt: job=%s", job_id)
            return
        except imports.ImportRejected as rejected:
            # The data changed since the check (or the user's scope did): show the new errors.
            work.finish(step=ImportStep.CHECK, **_summary_fields(rejected.summary))
            return
        except (runs.RunCancelled, runs.RunLost):
            raise
        except Exception:
            logger.exception("import apply failed: job=%s", job_id)
            work.fail(MSG_APPLY_FAILED)
            return
