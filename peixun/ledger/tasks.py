"""Background work for the ledger: rebuilding rollups and compliance for an org subtree."""

import logging

from django.utils import timezone
from django_tasks import task

from peixun.ledger import compliance
from peixun.ledger.models import RecomputeRun

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
    """Evaluate people a roster import created, or whose facts (title, roles …) it changed."""
    compliance.refresh(person_ids)
