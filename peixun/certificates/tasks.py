"""Background work of certificates: issuing a batch (the task only calls the service)."""

from django_tasks import task

from peixun.certificates import services


@task()
def issue_batch(batch_id: int) -> None:
    services.run_batch(batch_id)
