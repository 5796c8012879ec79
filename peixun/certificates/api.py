"""The certificates part of /api/v1/: the templates a project may issue with, a batch issuing one
kind to everyone who qualifies (a background run, in the one run shape), the batch's progress, and
the project's certificates with their numbers and verification addresses. Issued by the project's
staff (`certificates.issue`); the same access functions and services as the pages."""

from datetime import date, datetime

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from peixun.accounts.http import SignedInRequest
from peixun.certificates import access, services
from peixun.certificates.models import Certificate, CertificateBatch
from peixun.core.apiscope import needs
from peixun.core.schemas import ErrorOut, RunOut

router = Router(tags=["certificates"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class TemplateOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    can_issue: bool
    missing: int


class BatchIn(Schema):
    template_id: int


class BatchOut(Schema):
    id: int
    project_id: int
    kind: str
    run: RunOut


class CertificateOut(Schema):
    id: int
    number: str
    kind: str
    enrolment_id: int
    person_id: int
    name: str
    issued_on: date
    revoked_at: datetime | None
    verify_url: str


@router.get(
    "/projects/{project_id}/templates", response={200: list[TemplateOut], **ERRORS}, url_name="templates"
)
@needs("certificates:read")
def templates(request: HttpRequest, project_id: int):
    """The templates the project may issue with, whether each kind may be issued now (the results
    are final) and how many trainees still lack one."""
    project = access.access_project(request.user, project_id)
    return [
        {
            "id": t.pk,
            "name": t.name,
            "kind": t.kind,
            "kind_label": str(t.get_kind_display()),
            "can_issue": services.can_issue(project, t.kind),
            "missing": len(services.missing(project, t.kind)),
        }
        for t in access.templates_for(project)
    ]


def _batch_out(batch: CertificateBatch) -> dict:
    return {"id": batch.pk, "project_id": batch.project_id, "kind": batch.kind, "run": batch.as_json()}


@router.post("/projects/{project_id}/batches", response={202: BatchOut, **ERRORS}, url_name="batch-start")
@needs("certificates:write")
def start_batch(request: SignedInRequest, project_id: int, body: BatchIn):
    """Issue the template's kind to every trainee who qualifies and has none yet, in the
    background: follow the run at /certificates/batches/{id}. 409 before the project closes."""
    project = access.access_project(request.user, project_id)
    template = access.templates_for(project).filter(pk=body.template_id).first()
    if template is None:
        raise Http404
    batch = services.start_batch(project=project, template=template, actor=request.user, request=request)
    batch.refresh_from_db()
    return Status(202, _batch_out(batch))


@router.get("/batches/{batch_id}", response={200: BatchOut, **ERRORS}, url_name="batch")
@needs("certificates:read")
def batch(request: HttpRequest, batch_id: int):
    return _batch_out(access.access_batch(request.user, batch_id))


@router.get(
    "/projects/{project_id}/certificates",
    response={200: list[CertificateOut], **ERRORS},
    url_name="certificates",
)
@needs("certificates:read")
@paginate(LimitOffsetPagination)
def certificates(request: HttpRequest, project_id: int):
    """The project's certificates by number, revoked ones with the time they were revoked."""
    project = access.access_project(request.user, project_id)
    return [
        {
            "id": c.pk,
            "number": c.number,
            "kind": c.kind,
            "enrolment_id": c.enrolment_id,
            "person_id": c.person_id,
            "name": c.person.name,
            "issued_on": c.issued_on,
            "revoked_at": c.revoked_at,
            "verify_url": services.verify_url(c.code),
        }
        for c in Certificate.objects.filter(project=project).select_related("person").order_by("number")
    ]
