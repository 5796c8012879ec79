"""Background work for assessment: recomputing a project's results when a change touches more
trainees than a request may recompute (peixun.assessment.services.recompute_soon), with progress."""

from django_tasks import task

from peixun.assessment.models import ResultsRun
from peixun.core import runs


@task()
def recompute_results(run_id: int) -> None:
    from peixun.assessment import services

    with runs.work(ResultsRun, run_id) as work:
        if work is None:
            return
        run = ResultsRun.objects.select_related("project").get(pk=run_id)
        count = services.recompute_in_chunks(run=run, progress=work.progress)
        work.finish(counts={"recomputed": count}, done=count, total=count)
