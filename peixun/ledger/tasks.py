"""Background work for the ledger: rebuilding rollups and compliance for an org subtree, and the
what-if run of a policy version, each with its progress written to its run."""

from django.db import transaction
from django_tasks import task

from peixun.core import runs
from peixun.ledger import compliance
from peixun.ledger.models import RecomputeRun
from peixun.ledger.whatif import what_if
from peixun.policies.models import WhatIfChange, WhatIfRun


@task()
def recompute(run_id: int) -> None:
    with runs.work(RecomputeRun, run_id) as work:
        if work is None:
            return
        run = RecomputeRun.objects.select_related("org").get(pk=run_id)
        compliance.rebuild(org_path=run.org.path if run.org else "", progress=work.progress)
        work.finish()


@task()
def refresh_people(person_ids: list[int]) -> None:
    """Evaluate people a roster import created, or whose facts (title, roles …) it changed."""
    compliance.refresh(person_ids)


@task()
def run_what_if(run_id: int) -> None:
    with runs.work(WhatIfRun, run_id) as work:
        if work is None:
            return
        run = WhatIfRun.objects.select_related("version__policy", "org").get(pk=run_id)
        outcome = what_if(run.version, run.org, run.as_of, work.progress)
        # The list of who changes replaces an earlier attempt's, with the result, all or nothing;
        # a worker another attempt took over writes neither.
        with transaction.atomic():
            WhatIfChange.objects.filter(run=run).delete()
            for change in outcome.changes:
                change.run = run
            WhatIfChange.objects.bulk_create(outcome.changes, batch_size=1000)
            if not work.finish(result=outcome.result):
                transaction.set_rollback(True)
