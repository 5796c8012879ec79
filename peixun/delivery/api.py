"""The delivery part of /api/v1/: lessons (schedule, list, close), their attendance register
(read, and marks written all together or not at all), coursework (set, list the submissions, grade),
and an outside learning platform's online minutes, discussion counts and exam scores (RULES D3) —
checked like the file import, every row first, written all together or not at all — read back as
stored. Rows are numbered from 1 in the order sent; messages are Chinese. The same access functions
and services as the pages."""

from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import ValidationError

from peixun.accounts.http import SignedInRequest
from peixun.core import apierrors
from peixun.core.apiscope import needs
from peixun.core.schemas import ErrorOut
from peixun.delivery import access, selectors
from peixun.delivery.models import Assignment, Lesson, LessonStatus, OutsideResult, OutsideSource
from peixun.delivery.schemas import (
    AssignmentIn,
    AssignmentOut,
    AttendanceOut,
    GradeIn,
    LessonClosedOut,
    LessonIn,
    LessonOut,
    MarksIn,
    OutsideResultOut,
    OutsideResultsIn,
    OutsideResultsOut,
    SubmissionOut,
)
from peixun.delivery.services import attendance as attendance_services
from peixun.delivery.services import coursework as coursework_services
from peixun.delivery.services import lessons as lesson_services
from peixun.delivery.services import outside
from peixun.training.models import Enrolment
from peixun.training.rules import lifecycle

router = Router(tags=["delivery"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


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
    response={200: OutsideResultsOut, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    url_name="outside-results",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inline_schema(OutsideResultsIn)}},
        }
    },
)
@needs("outside-results:write")
def post_outside_results(request: SignedInRequest, project_id: int):  # the key's account (ApiKeyAuth)
    """Save online minutes, discussion counts and exam scores by ID number; with `dry_run` only
    check. 400 in the one error shape (code `rows_invalid`, one reason per wrong cell with its row
    and column), and nothing saved, when any row is wrong. The body is read
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
        return Status(400, _rows_refused(planned.errors))
    if not body.dry_run:
        outside.apply(
            planned,
            actor=request.user,
            source=OutsideSource.API,
            reference=f"api:{request.user.get_username()}",
        )
        out["applied"] = True
    return Status(200, out)


def _rows_refused(errors) -> dict:
    """The refusal of a batch with wrong rows, in the API's one error shape: one reason per wrong
    cell, with its row (from 1) and column, the message naming them."""
    reasons = [
        {
            "code": "invalid_row",
            "row": error.row,
            "column": error.column,
            "message": _("Row %(row)s, %(column)s: %(problem)s")
            % {"row": error.row, "column": error.column, "problem": error.message},
        }
        for error in errors[: apierrors.MAX_REASONS]
    ]
    rows = len({error.row for error in errors})
    message = ngettext(
        "%(rows)s row is wrong, so nothing was saved: %(problems)s. Correct it and send the rows again.",
        "%(rows)s rows are wrong, so nothing was saved: %(problems)s. Correct them and send the rows again.",
        rows,
    ) % {"rows": rows, "problems": _("; ").join(reason["message"] for reason in reasons)}
    body = apierrors.error_body("rows_invalid", message)
    body["reasons"] = reasons
    return body


@router.get(
    "/projects/{project_id}/outside-results",
    response=list[OutsideResultOut],
    url_name="outside-results-list",
)
@needs("results:read")
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


def _lesson_out(lesson: Lesson) -> dict:
    return {
        "id": lesson.pk,
        "project_id": lesson.project_id,
        "topic": lesson.topic,
        "starts_at": lesson.starts_at,
        "ends_at": lesson.ends_at,
        "cohort_id": lesson.cohort_id,
        "course_id": lesson.course_id,
        "trainer": lesson.trainer,
        "place": lesson.place,
        "status": lesson.status,
        "status_label": str(LessonStatus(lesson.status).label),
    }


@router.get("/projects/{project_id}/lessons", response={200: list[LessonOut], **ERRORS}, url_name="lessons")
@needs("lessons:read")
def lessons(request: HttpRequest, project_id: int):
    """The project's lessons the caller runs (its staff: all; a tutor: their classes'), by time."""
    project = access.access_project(request.user, project_id, "run")
    return [_lesson_out(lesson) for lesson in selectors.lessons_for(request.user, project)]


@router.post("/projects/{project_id}/lessons", response={201: LessonOut, **ERRORS}, url_name="lesson-create")
@needs("lessons:write")
def create_lesson(request: SignedInRequest, project_id: int, body: LessonIn):
    """Schedule a lesson (for one class with `cohort_id`, else for every trainee)."""
    project = access.access_project(request.user, project_id, "manage")
    data = lesson_services.LessonData(
        topic=body.topic,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        cohort=get_object_or_404(project.cohorts, pk=body.cohort_id) if body.cohort_id else None,
        course=get_object_or_404(project.courses, pk=body.course_id) if body.course_id else None,
        trainer=body.trainer,
        place=body.place,
        online_url=body.online_url,
    )
    lesson = lesson_services.create_lesson(project=project, data=data, actor=request.user, request=request)
    return Status(201, _lesson_out(lesson))


def _register_out(request: HttpRequest, lesson: Lesson) -> list[dict]:
    return [
        {
            "enrolment_id": row.enrolment.pk,
            "person_id": row.enrolment.person_id,
            "name": row.enrolment.person.name,
            "status": row.attendance.status if row.attendance else "",
            "status_label": str(row.attendance.get_status_display()) if row.attendance else "",
            "note": row.attendance.note if row.attendance else "",
        }
        for row in selectors.register(request.user, lesson)
    ]


@router.get(
    "/lessons/{lesson_id}/attendance", response={200: list[AttendanceOut], **ERRORS}, url_name="attendance"
)
@needs("attendance:read")
def attendance(request: HttpRequest, lesson_id: int):
    """The lesson's register: every trainee expected, with their mark (empty when not yet marked)."""
    return _register_out(request, access.access_lesson(request.user, lesson_id, "run"))


@router.post(
    "/lessons/{lesson_id}/attendance",
    response={200: list[AttendanceOut], **ERRORS},
    url_name="attendance-mark",
)
@needs("attendance:write")
def mark_attendance(request: SignedInRequest, lesson_id: int, body: MarksIn):
    """Mark trainees of the lesson; all the marks are written or, when one is refused, none."""
    lesson = access.access_lesson(request.user, lesson_id, "run")
    enrolments = {
        e.pk: e
        for e in Enrolment.objects.filter(project=lesson.project, pk__in=[m.enrolment_id for m in body.marks])
    }
    with transaction.atomic():
        for item in body.marks:
            enrolment = enrolments.get(item.enrolment_id)
            if enrolment is None or not access.can_mark(request.user, lesson, enrolment):
                raise Http404
            attendance_services.mark(
                lesson=lesson,
                enrolment=enrolment,
                status=item.status,
                note=item.note,
                actor=request.user,
                request=request,
            )
    return _register_out(request, lesson)


@router.post("/lessons/{lesson_id}/close", response={200: LessonClosedOut, **ERRORS}, url_name="lesson-close")
@needs("lessons:write")
def close_lesson(request: SignedInRequest, lesson_id: int):
    """Close the lesson: every trainee not marked is marked absent."""
    lesson = access.access_lesson(request.user, lesson_id, "run")
    lesson_services.require_status(lesson.project, lifecycle.MARKING)
    absent = attendance_services.close_lesson(lesson=lesson, actor=request.user, request=request)
    lesson.refresh_from_db()
    return {"lesson": _lesson_out(lesson), "marked_absent": absent}


def _assignment_out(assignment: Assignment) -> dict:
    return {name: getattr(assignment, name) for name in AssignmentOut.model_fields}


@router.get(
    "/projects/{project_id}/assignments",
    response={200: list[AssignmentOut], **ERRORS},
    url_name="assignments",
)
@needs("coursework:read")
def assignments(request: HttpRequest, project_id: int):
    project = access.access_project(request.user, project_id, "run")
    return [_assignment_out(a) for a in Assignment.objects.filter(project=project).order_by("due_at", "pk")]


@router.post(
    "/projects/{project_id}/assignments",
    response={201: AssignmentOut, **ERRORS},
    url_name="assignment-create",
)
@needs("coursework:write")
def create_assignment(request: SignedInRequest, project_id: int, body: AssignmentIn):
    """Set a piece of coursework for every trainee of the project."""
    project = access.access_project(request.user, project_id, "manage")
    assignment = coursework_services.save_assignment(
        project=project, actor=request.user, fields=body.dict(), request=request
    )
    return Status(201, _assignment_out(assignment))


@router.get(
    "/assignments/{assignment_id}/submissions",
    response={200: list[SubmissionOut], **ERRORS},
    url_name="submissions",
)
@needs("coursework:read")
def submissions(request: HttpRequest, assignment_id: int):
    """Every trainee the caller runs, with their submission (status `missing` without one)."""
    assignment = access.access_assignment(request.user, assignment_id, "run")
    return [
        {
            "enrolment_id": enrolment.pk,
            "person_id": enrolment.person_id,
            "name": enrolment.person.name,
            "submission_id": submission.pk if submission else None,
            "status": submission.status if submission else "missing",
            "submitted_at": submission.submitted_at if submission else None,
            "late": submission.late if submission else False,
            "score": submission.score if submission else None,
            "comment": submission.comment if submission else "",
        }
        for enrolment, submission in selectors.submissions_for(request.user, assignment)
    ]


@router.post(
    "/submissions/{submission_id}/grade", response={200: SubmissionOut, **ERRORS}, url_name="submission-grade"
)
@needs("coursework:write")
def grade(request: SignedInRequest, submission_id: int, body: GradeIn):
    """Grade a submission (score and comment), or return it for revision (`returned`)."""
    submission = access.access_submission(request.user, submission_id)
    if not access.can_grade(request.user, submission):
        raise Http404
    submission = coursework_services.grade(
        submission=submission,
        score=body.score,
        comment=body.comment,
        returned=body.returned,
        actor=request.user,
        request=request,
    )
    return {
        "enrolment_id": submission.enrolment_id,
        "person_id": submission.enrolment.person_id,
        "name": submission.enrolment.person.name,
        "submission_id": submission.pk,
        "status": submission.status,
        "submitted_at": submission.submitted_at,
        "late": submission.late,
        "score": submission.score,
        "comment": submission.comment,
    }
