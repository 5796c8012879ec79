"""Background work for policies: the what-if run, with its progress written to the run."""

import logging

from django.utils import timezone
from django_tasks import task

from peixun.policies.models import RunStatus, WhatIfRun
from peixun.policies.whatif import what_if

logger = logging.getLogger(__name__)


@task()
def run_what_if(run_id: int) -> None:
    run = WhatIfRun.objects.select_related("version__policy", "org").get(pk=run_id)
    WhatIfRun.objects.filter(pk=run_id).update(status=RunStatus.RUNNING)

    def progress(done: int, total: int) -> None:
        WhatIfRun.objects.filter(pk=run_id).update(done=done, total=total)

    try:
        result = what_if(run.version, run.org, run.as_of, progress)
    except Exception:
        logger.exception("what-if failed: run=%s", run_id)
        WhatIfRun.objects.filter(pk=run_id).update(status=RunStatus.FAILED, finished_at=timezone.now())
        return
    WhatIfRun.objects.filter(pk=run_id).update(
        status=RunStatus.DONE, result=result, finished_at=timezone.now()
    )
