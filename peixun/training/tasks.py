"""Background tasks, each a background run (peixun.core.runs): check an uploaded registration list
(its CodeImport), and apply a confirmed mandatory enrolment (its MandatoryRun)."""

import logging

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_noop
from django_tasks import task

from peixun.core import runs
from peixun.imports.content import unseal
from peixun.lib import tabular
from peixun.training.exceptions import DomainError
from peixun.training.models import CodeImport, MandatoryRun

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


@task()
def apply_mandatory_run(run_id: int) -> None:
    """Apply a confirmed mandatory enrolment (peixun.training.services.enrolment.mandatory_runs);
    a refusal — the audience changed since the preview, the places no longer suffice — fails the
    run with its reason and writes nothing."""
    from peixun.training.services.enrolment import mandatory_runs

    with runs.work(MandatoryRun, run_id) as work:
        if work is None:
            return
        run = MandatoryRun.objects.get(pk=run_id)
        try:
            run = mandatory_runs.apply_mandatory_run(run=run, progress=work.progress)
        except DomainError as error:
            with translation.override(settings.LANGUAGE_CODE):
                work.fail(str(error))
            return
        work.finish(
            done=run.eligible,
            total=run.eligible,
            counts={"enrolled": run.enrolled, "waitlisted": run.waitlisted},
        )
