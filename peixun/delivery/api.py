"""The delivery part of /api/v1/: an outside learning platform sends a project's online minutes,
discussion counts and exam scores (RULES D3) — checked like the file import, every row first,
written all together or not at all — and reads back what is stored. Rows are numbered from 1 in
the order sent; messages are Chinese, as in the import's error workbook."""

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import ValidationError

from peixun.accounts.http import SignedInRequest
from peixun.core import apierrors
from peixun.delivery import access
from peixun.delivery.models import OutsideResult, OutsideSource
from peixun.delivery.schemas import OutsideResultOut, OutsideResultsIn, OutsideResultsOut
from peixun.delivery.services import outside
from peixun.core.schemas import ErrorOut

router = Router(tags=["delivery"])


def _inline_schema(model) -> dict:
    """The model's JSON schema with its nested definitions written in place (the body is
    documented by hand, so its $defs have no home in the OpenAPI components)."""
    schema = model.model_json_schema()
    defs = schema.pop("$defs", {})

    def inline(node):
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return inline(defs[ref.removeprefix("#/$defs/")])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return inline(schema)


def _project(request: HttpRequest, project_id: int):
    return access.access_project(request.user, project_id, "import")


@router.post(
    "/projects/{project_id}/outside-results",
    response={200: OutsideResultsOut, 400: OutsideResultsOut, 404: ErrorOut, 422: ErrorOut},
    url_name="outside-results",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inline_schema(OutsideResultsIn)}},
        }
    },
)
def post_outside_results(request: SignedInRequest, project_id: int):  # the key's account (ApiKeyAuth)
    """Save online minutes, discussion counts and exam scores by ID number; with `dry_run` only
    check. 400 with every row's errors, and nothing saved, when any row is wrong. The body is read
    only once the caller may write to the project (an outsider learns nothing from a 422)."""
    project = _project(request, project_id)
    try:
        body = OutsideResultsIn.model_validate_json(request.body or b"{}")
    except ValidationError as error:
        return Status(422, apierrors.validation_body(error.errors(include_url=False, include_input=False)))
    rows = [
        outside.RowIn(
            row=index,
            project=project.pk,
            id_number=row.id_number,
            name=row.name,
            minutes="" if row.online_minutes is None else str(row.online_minutes),
            discussions="" if row.discussions is None else str(row.discussions),
            exam="" if row.exam_score is None else str(row.exam_score),
        )
        for index, row in enumerate(body.rows, start=1)
    ]
    planned = outside.plan(
        rows, scope_paths=access.scope_paths(request.user, "delivery.import"), fixed_project=project
    )
    out = {
        "applied": False,
        "created": planned.created,
        "updated": len(planned.changes) - planned.created,
        "unchanged": planned.unchanged,
        "errors": [error.as_json() for error in planned.errors],
    }
    if planned.errors:
        return Status(400, out)
    if not body.dry_run:
        outside.apply(
            planned,
            actor=request.user,
            source=OutsideSource.API,
            reference=f"api:{request.user.get_username()}",
        )
        out["applied"] = True
    return Status(200, out)


@router.get(
    "/projects/{project_id}/outside-results",
    response=list[OutsideResultOut],
    url_name="outside-results-list",
)
@paginate(LimitOffsetPagination)
def list_outside_results(request: HttpRequest, project_id: int):
    project = _project(request, project_id)
    return [
        {
            "person_id": r.enrolment.person_id,
            "name": r.enrolment.person.name,
            "online_minutes": r.online_minutes,
            "discussions": r.discussions,
            "exam_score": r.exam_score,
            "source": r.source,
        }
        for r in OutsideResult.objects.filter(project=project)
        .select_related("enrolment__person")
        .order_by("pk")
    ]
