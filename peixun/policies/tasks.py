"""Background work for policies: the what-if run, a background run (peixun.core.runs) with its
progress written to the run."""

from django_tasks import task

from peixun.core import runs
from peixun.policies.models import WhatIfRun
from peixun.policies.whatif import what_if


@task()
def run_what_if(run_id: int) -> None:
    with runs.work(WhatIfRun, run_id) as work:
        if work is None:
            return
        run = WhatIfRun.objects.select_related("version__policy", "org").get(pk=run_id)
        result = what_if(run.version, run.org, run.as_of, work.progress)
        work.finish(result=result)
