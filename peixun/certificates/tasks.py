"""Background work of certificates: issuing a batch, merging many into one PDF (each task only
calls the service)."""

from django_tasks import task

from peixun.certificates import services


@task()
def issue_batch(batch_id: int) -> None:
    services.run_batch(batch_id)


@task()
def bundle_certificates(bundle_id: int) -> None:
    services.run_bundle(bundle_id)
