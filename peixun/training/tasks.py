"""Background task: check an uploaded registration list, its progress written to its CodeImport
(a background run, peixun.core.runs)."""

import logging

from django.utils.translation import gettext_noop
from django_tasks import task

from peixun.core import runs
from peixun.imports.content import unseal
from peixun.lib import tabular
from peixun.training.models import CodeImport

logger = logging.getLogger(__name__)
MSG_CHECK_FAILED = gettext_noop("The file could not be checked. Upload it again, or ask an administrator.")


@task()
def check_code_import(job_id: int) -> None:
    from peixun.training.services.codes import check_registrations

    with runs.work(CodeImport, job_id) as work:
        if work is None:
            return
        job = CodeImport.objects.select_related("project").get(pk=job_id)
        try:
            found, errors, rows = check_registrations(
                unseal(job.content), job.filename, project=job.project, progress=work.progress
            )
        except tabular.TableError as error:
            errors, found, rows = [{"row": 1, "column": "", "message": error.message}], [], 0
        except (runs.RunCancelled, runs.RunLost):
            raise
        except Exception:
            logger.exception("registration list check failed: job=%s", job_id)
            work.fail(MSG_CHECK_FAILED)
            return
        work.finish(errors=errors, counts={"matched": len(set(found))}, total=rows, done=rows)
