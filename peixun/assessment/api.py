"""The assessment part of /api/v1/: a project's scheme (read, and a new version from a preset or
its text), hand-entered scores per trainee, and the results — each with its reasons in Chinese —
as the results page shows them to the caller (staff: all; a tutor: their classes'; a school: its
teachers'). The same access functions and services as the pages."""

from django.http import Http404, HttpRequest
from ninja import Router, Status

from peixun.accounts.http import SignedInRequest
from peixun.assessment import access, selectors, services, wording
from peixun.assessment.exceptions import SchemeInvalidError
from peixun.assessment.models import Result
from peixun.assessment.rules import presets
from peixun.assessment.schemas import ResultOut, SchemeIn, SchemeOut, ScoreIn
from peixun.core.apiscope import needs
from peixun.core.schemas import ErrorOut

router = Router(tags=["assessment"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _scheme_out(project) -> dict:
    version = selectors.current_version(project)
    scheme = version.scheme() if version else selectors.current_scheme(project)
    return {
        "version": version.number if version else None,
        "name": scheme.name,
        "pass_mark": scheme.pass_mark,
        "components": [
            {"key": c.key, "source": c.source, "label": c.label, "weight": c.weight, "max": c.max}
            for c in scheme.components
        ],
        "text": version.text if version else presets.preset_text(presets.DEFAULT),
    }


@router.get("/projects/{project_id}/scheme", response={200: SchemeOut, **ERRORS}, url_name="scheme")
@needs("results:read")
def scheme(request: HttpRequest, project_id: int):
    """The assessment scheme in force (the default one until a version is saved)."""
    return _scheme_out(access.access_project(request.user, project_id, "training.manage"))


@router.post("/projects/{project_id}/scheme", response={201: SchemeOut, **ERRORS}, url_name="scheme-save")
@needs("scores:write")
def save_scheme(request: SignedInRequest, project_id: int, body: SchemeIn):
    """A new version of the scheme from a preset or from its text; every result is recomputed.
    400 with one reason per problem when the text is not a valid scheme."""
    project = access.access_project(request.user, project_id, "training.manage")
    if body.preset and body.preset not in presets.codes():
        raise Http404
    text = presets.preset_text(body.preset) if body.preset else body.text
    try:
        services.save_version(
            project=project,
            text=text,
            actor=request.user,
            note=body.note,
            preset=body.preset,
            request=request,
        )
    except SchemeInvalidError as error:
        reasons = [
            {"code": error.code, "field": place, "message": message} for place, message in error.problems
        ]
        return Status(400, {"code": error.code, "message": str(error), "reasons": reasons})
    return Status(201, _scheme_out(project))


def _result_out(result: Result) -> dict:
    enrolment = result.enrolment
    return {
        "enrolment_id": enrolment.pk,
        "person_id": enrolment.person_id,
        "name": enrolment.person.name,
        "school": enrolment.school.name,
        "status": result.status,
        "status_label": wording.status_text(result.status),
        "passed": result.passed,
        "total": result.total,
        "band": result.band,
        "attendance_rate": result.attendance_rate,
        "hours_total": result.hours_total,
        "excellent": result.excellent,
        "components": result.components,
        "reasons": wording.reasons_text(result.reasons),
        "computed_at": result.computed_at,
    }


@router.post("/enrolments/{enrolment_id}/scores", response={200: ResultOut, **ERRORS}, url_name="score")
@needs("scores:write")
def set_score(request: SignedInRequest, enrolment_id: int, body: ScoreIn):
    """Enter (or clear, with a null value) a trainee's hand-scored component; answers the result
    recomputed with it."""
    enrolment = access.access_enrolment_to_score(request.user, enrolment_id)
    services.set_manual_score(
        enrolment=enrolment, key=body.key, value=body.value, actor=request.user, request=request
    )
    return _result_out(access.access_result(request.user, enrolment.pk))


@router.get("/projects/{project_id}/results", response={200: list[ResultOut], **ERRORS}, url_name="results")
@needs("results:read")
def results(request: HttpRequest, project_id: int):
    """The trainees' results the caller may see, each with its status (passed, failed, or
    provisional while an input is still awaited) and the reasons."""
    project = access.access_project(request.user, project_id)
    visible = access.results_visible(request.user, project, selectors.results(project))
    return [_result_out(r) for r in visible]
