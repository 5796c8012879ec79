"""Background task: check an uploaded registration list, writing progress to its CodeImport."""

import logging

from django.utils import timezone
from django.utils.translation import gettext_noop
from django_tasks import task

from peixun.imports.content import unseal
from peixun.lib import tabular
from peixun.training.models import CodeImport, CodeImportStatus

logger = logging.getLogger(__name__)
MSG_CHECK_FAILED = gettext_noop("The file could not be checked. Upload it again, or ask an administrator.")


@task()
def check_code_import(job_id: int) -> None:
    from peixun.training.services.codes import check_registrations

    job = CodeImport.objects.select_related("project").get(pk=job_id)

    def progress(done: int, total: int) -> None:
        CodeImport.objects.filter(pk=job_id).update(processed_rows=done, total_rows=total)

    try:
        found, errors, rows = check_registrations(
            unseal(job.content), job.filename, project=job.project, progress=progress
        )
    except tabular.TableError as error:
        errors, found, rows = [{"row": 1, "column": "", "message": error.message}], [], 0
    except Exception:
        logger.exception("registration list check failed: job=%s", job_id)
        CodeImport.objects.filter(pk=job_id).update(
            status=CodeImportStatus.FAILED, message=MSG_CHECK_FAILED, finished_at=timezone.now()
        )
        return
    CodeImport.objects.filter(pk=job_id).update(
        status=CodeImportStatus.INVALID if errors else CodeImportStatus.VALID,
        errors=errors,
        matched=len(set(found)),
        total_rows=rows,
        processed_rows=rows,
        finished_at=timezone.now(),
    )
