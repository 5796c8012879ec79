"""Background work of quality: building a project's archive (the task only calls the service)."""

from django_tasks import task

from peixun.quality import services


@task()
def build_archive(archive_id: int) -> None:
    services.run_archive(archive_id)
