"""The training part of /api/v1/: projects visible to the caller, a project with the moves open to
it, a new draft project and its moves through the lifecycle (peixun.training.rules.lifecycle), the
caller's eligibility, enrol and withdraw for the signed-in teacher, a project's enrolments (scoped),
nominating and confirming trainees, and the classes. The same access functions and services as
the pages; each operation names the key action it needs (peixun.core.apiscope)."""

from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from peixun.accounts.http import SignedInRequest
from peixun.core.apiscope import needs
from peixun.core.vault import vault
from peixun.lib import idnumbers
from peixun.orgs.models import IdType, Org, ancestor_paths
from peixun.training import access, selectors, services
from peixun.training.access import has_perm, orgs_in_scope, path_q, scope_paths
from peixun.training.exceptions import NoPersonError
from peixun.training.models import Enrolment, Project, ProjectStatus
from peixun.training.rules import lifecycle
from peixun.training.schemas import (
    CohortOut,
    EligibilityOut,
    EnrolmentOut,
    ErrorOut,
    NominationIn,
    ProjectDetailOut,
    ProjectIn,
    ProjectOut,
    ProjectStateOut,
    TransitionIn,
)
from peixun.training.services import cohorts as cohort_services
from peixun.training.services import enrolment as enrolment_services
from peixun.training.services import projects as project_services
from peixun.training.wording import reason_text

router = Router(tags=["training"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _project_out(project: Project) -> dict:
    return {
        **{name: getattr(project, name) for name in ProjectOut.model_fields if name not in ("organiser",)},
        "organiser": project.organiser.name,
        "tags": list(project.tags),
    }


def _enrolment_out(enrolment: Enrolment) -> dict:
    return {
        "id": enrolment.pk,
        "project_id": enrolment.project_id,
        "person_id": enrolment.person_id,
        "person_name": enrolment.person.name,
        "school": enrolment.school.name,
        "status": enrolment.status,
        "source": enrolment.source,
        "subject": enrolment.subject,
        "created_at": enrolment.created_at,
    }


def _person(request: HttpRequest):
    person = access.person_of(request.user)
    if person is None:
        raise NoPersonError
    return person


@router.get("/projects", response=list[ProjectOut], url_name="project-list")
@needs("projects:read")
@paginate(LimitOffsetPagination)
def list_projects(request: HttpRequest, q: str = "", status: str = ""):
    """Projects the caller may see, newest first."""
    projects = selectors.project_list(request.user, selectors.ProjectFilter(q=q[:50], status=status))
    return [_project_out(p) for p in projects]


@router.get(
    "/projects/{project_id}", response={200: ProjectDetailOut, 404: ErrorOut}, url_name="project-detail"
)
@needs("projects:read")
def project_detail(request: HttpRequest, project_id: int):
    return _detail_out(selectors.project_detail(access.access_project(request.user, project_id)))


def _detail_out(project: Project) -> dict:
    data = _project_out(project)
    data.update(
        description=project.description,
        min_size=project.min_size,
        fee_per_trainee=project.fee_per_trainee,
        fee_payer=project.fee_payer,
        approval_chain=project.approval_chain,
        courses=[
            {
                "name": c.name,
                "required": c.required,
                "hours": c.hours,
                "category": c.category,
                "tags": list(c.tags),
                "mode": c.mode or project.mode,
                "assessed": c.assessed,
            }
            for c in project.courses.all()
        ],
    )
    return data


@router.get(
    "/projects/{project_id}/eligibility", response={200: EligibilityOut, **ERRORS}, url_name="eligibility"
)
@needs("projects:read")
def eligibility(request: HttpRequest, project_id: int):
    """Whether the signed-in teacher may enrol, and every reason if not."""
    project = access.access_project(request.user, project_id)
    person = _person(request)
    decision = selectors.decision_for(project, person)
    enrolment = project.enrolments.filter(person=person).first()
    return {
        "eligible": decision.eligible,
        "mandatory": decision.mandatory,
        "reasons": [{"code": r.code, "message": reason_text(r)} for r in decision.reasons],
        "subjects": list(decision.subjects),
        "enrolment_open": project.enrolment_open(timezone.now()),
        "enrolment_status": enrolment.status if enrolment else None,
    }


@router.post("/projects/{project_id}/enrol", response={201: EnrolmentOut, **ERRORS}, url_name="enrol")
@needs("enrolments:write")
def enrol(request: SignedInRequest, project_id: int, subject: str = ""):  # signed in (the API's auth)
    """Enrol the signed-in teacher (or put them on the waitlist, or register them for the lottery)."""
    if not has_perm(request.user, "training.enrol"):
        raise Http404
    project = access.access_project(request.user, project_id)
    enrolment = enrolment_services.enrol(
        project=project, person=_person(request), actor=request.user, subject=subject[:20], request=request
    )
    return Status(201, _enrolment_out(enrolment))


@router.post("/projects/{project_id}/withdraw", response={200: EnrolmentOut, **ERRORS}, url_name="withdraw")
@needs("enrolments:write")
def withdraw(request: SignedInRequest, project_id: int):  # signed in (the API's auth)
    """Withdraw the signed-in teacher's enrolment; a freed place goes to the waitlist."""
    project = access.access_project(request.user, project_id)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("person", "school", "project"),
        project=project,
        person=_person(request),
    )
    enrolment = enrolment_services.withdraw_enrolment(
        enrolment=enrolment, actor=request.user, request=request, as_teacher=True
    )
    return Status(200, _enrolment_out(enrolment))


@router.get(
    "/projects/{project_id}/enrolments",
    response={200: list[EnrolmentOut], 403: ErrorOut, 404: ErrorOut},
    url_name="enrolments",
)
@needs("enrolments:read")
@paginate(LimitOffsetPagination)
def enrolments(request: HttpRequest, project_id: int, status: str = ""):
    """A project's enrolments within the caller's scope (all for its organiser, a school's for
    the school)."""
    if not has_perm(request.user, "training.nominate"):
        raise Http404
    project = access.access_project(request.user, project_id)
    return [_enrolment_out(e) for e in selectors.project_enrolments(request.user, project, status=status)]


def _state_out(project: Project) -> dict:
    project = selectors.project_detail(Project.objects.get(pk=project.pk))
    return {
        **_detail_out(project),
        "status_label": str(ProjectStatus(project.status).label),
        "status_reason": project.status_reason,
        "transitions": [
            {"action": t.action, "target": t.target, "needs_reason": t.needs_reason}
            for t in lifecycle.available(project.status)
        ],
    }


@router.post("/projects", response={201: ProjectStateOut, **ERRORS}, url_name="project-create")
@needs("projects:write")
def create_project(request: SignedInRequest, body: ProjectIn):
    """A new draft project of `organiser_id` (an org the caller manages), with its courses; the
    audience defaults to the organiser's area."""
    organiser = get_object_or_404(
        orgs_in_scope(request.user, "training.manage").exclude(kind="school"), pk=body.organiser_id
    )
    audience = None
    if body.audience_ids:
        paths = scope_paths(request.user, "training.manage")
        ancestors = {a for path in paths for a in ancestor_paths(path)}
        found = list(
            Org.objects.filter(path_q(paths, "path") | Q(path__in=ancestors), pk__in=body.audience_ids)
        )
        if len(found) != len(set(body.audience_ids)):
            raise Http404
        audience = found
    fields = body.dict(exclude={"organiser_id", "audience_ids", "courses"})
    courses = [
        project_services.CourseData(
            name=c.name, hours=c.hours, category=c.category, required=c.required, assessed=c.assessed
        )
        for c in body.courses
    ]
    with transaction.atomic():
        project = project_services.create_project(
            organiser=organiser,
            actor=request.user,
            fields=fields,
            audience=audience,
            courses=courses,
            request=request,
        )
    return Status(201, _state_out(project))


@router.get(
    "/projects/{project_id}/state", response={200: ProjectStateOut, **ERRORS}, url_name="project-state"
)
@needs("projects:read")
def project_state(request: HttpRequest, project_id: int):
    """The project with its status in words and the moves that start from it."""
    return _state_out(access.access_project(request.user, project_id))


@router.post(
    "/projects/{project_id}/transitions", response={200: ProjectStateOut, **ERRORS}, url_name="project-move"
)
@needs("projects:write")
def move_project(request: SignedInRequest, project_id: int, body: TransitionIn):
    """Move the project (`submit`, `approve`, `publish`, `open_enrolment`, `start`, `assess`,
    `close` …; `reject`, `reopen` and `cancel` need a reason), running what the other apps do at
    that move. 409 with the reason in Chinese when the move is not possible now."""
    if not (has_perm(request.user, "training.manage") or has_perm(request.user, "training.approve")):
        raise Http404
    project = access.access_project(request.user, project_id, "training.view")
    if body.action not in lifecycle.TRANSITIONS:
        raise Http404
    services.move_project(
        project=project, action=body.action, actor=request.user, reason=body.reason, request=request
    )
    return _state_out(project)


@router.post(
    "/projects/{project_id}/nominations", response={201: EnrolmentOut, **ERRORS}, url_name="nominate"
)
@needs("enrolments:write")
def nominate(request: SignedInRequest, project_id: int, body: NominationIn):
    """Nominate a teacher of a school in the caller's scope (a nomination project, its window
    open); confirm with /enrolments/{id}/confirm."""
    if not has_perm(request.user, "training.nominate"):
        raise Http404
    project = access.access_project(request.user, project_id)
    people = selectors.audience_people(project).filter(
        path_q(scope_paths(request.user, "training.nominate"), "org__path")
    )
    if body.person_id is not None:
        person = get_object_or_404(people, pk=body.person_id)
    else:
        number = idnumbers.normalize(body.id_number)
        person = get_object_or_404(people, id_hash=vault().lookup_hash(IdType.RESIDENT_ID, number))
    enrolment = enrolment_services.nominate(
        project=project, person=person, actor=request.user, subject=body.subject, request=request
    )
    return Status(201, _enrolment_out(enrolment))


@router.post(
    "/enrolments/{enrolment_id}/confirm", response={200: EnrolmentOut, **ERRORS}, url_name="enrolment-confirm"
)
@needs("enrolments:write")
def confirm(request: SignedInRequest, enrolment_id: int):
    """Confirm a nomination on the teacher's behalf (or an offered place)."""
    enrolment = access.access_enrolment(request.user, enrolment_id, "training.nominate")
    enrolment = enrolment_services.confirm_enrolment(enrolment=enrolment, actor=request.user, request=request)
    return _enrolment_out(enrolment)


def _cohorts_out(project: Project) -> list[dict]:
    return [
        {
            "id": c.pk,
            "number": c.number,
            "name": c.name,
            "tutor": c.tutor.name if c.tutor else "",
            "size": getattr(c, "size", 0),  # annotated by the selector
        }
        for c in selectors.cohorts(project)
    ]


@router.get("/projects/{project_id}/classes", response={200: list[CohortOut], **ERRORS}, url_name="classes")
@needs("classes:read")
def classes(request: HttpRequest, project_id: int):
    """The project's classes with their tutors and sizes (its staff)."""
    return _cohorts_out(access.access_project(request.user, project_id, "training.manage"))


@router.post(
    "/projects/{project_id}/classes", response={200: list[CohortOut], **ERRORS}, url_name="classes-form"
)
@needs("classes:write")
def form_classes(request: SignedInRequest, project_id: int, assign_tutors: bool = True):
    """Form the classes afresh from every trainee holding a place (at most the project's class
    size each) and, unless `assign_tutors` is false, assign their tutors."""
    project = access.access_project(request.user, project_id, "training.manage")
    with transaction.atomic():
        cohort_services.form_cohorts(project=project, actor=request.user, request=request)
        if assign_tutors:
            cohort_services.assign_tutors(project=project, actor=request.user, request=request)
    return _cohorts_out(project)
