"""Background work for the ledger: rebuilding rollups and compliance for an org subtree, and the
what-if run of a policy version, each with its progress written to its run."""

import logging

from django.utils import timezone
from django_tasks import task

from peixun.ledger import compliance
from peixun.ledger.models import RecomputeRun
from peixun.ledger.whatif import what_if
from peixun.policies.models import RunStatus, WhatIfRun

logger = logging.getLogger(__name__)


@task()
def recompute(run_id: int) -> None:
    run = RecomputeRun.objects.select_related("org").get(pk=run_id)
    RecomputeRun.objects.filter(pk=run_id).update(status="running")

    def progress(done: int, total: int) -> None:
        RecomputeRun.objects.filter(pk=run_id).update(done=done, total=total)

    try:
        compliance.rebuild(org_path=run.org.path if run.org else "", progress=progress)
    except Exception:
        logger.exception("recompute failed: run=%s", run_id)
        RecomputeRun.objects.filter(pk=run_id).update(status="failed", finished_at=timezone.now())
        return
    RecomputeRun.objects.filter(pk=run_id).update(status="done", finished_at=timezone.now())


@task()
def refresh_people(person_ids: list[int]) -> None:
    """Re-evaluate people whose facts changed (a roster import updated their title or roles)."""
    compliance.refresh(person_ids)


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
