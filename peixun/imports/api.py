"""The imports part of /api/v1/: an import job and its background run, in the one run shape
(peixun.core.schemas.RunOut), scoped like the job's page."""

from django.http import HttpRequest
from ninja import Router, Schema

from peixun.core.apiscope import needs
from peixun.core.schemas import RunOut
from peixun.imports.access import access_job

router = Router(tags=["imports"])


class ImportJobOut(Schema):
    id: int
    kind: str
    filename: str
    step: str
    status: str
    status_label: str
    error_count: int
    run: RunOut


@router.get("/jobs/{job_id}", response=ImportJobOut, url_name="import-job")
@needs("imports:read")
def import_job(request: HttpRequest, job_id: int):
    """An import job the caller may see (404 otherwise): where it is and its run."""
    job = access_job(request.user, job_id)
    return {
        "id": job.pk,
        "kind": job.kind,
        "filename": job.filename,
        "step": job.step,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "error_count": len(job.errors),
        "run": job.as_json(),
    }
