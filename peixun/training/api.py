"""The training part of /api/v1/: projects visible to the caller, a project, the caller's
eligibility, enrol and withdraw for the signed-in teacher, and a project's enrolments (scoped).
The same access functions and services as the pages."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from peixun.accounts.http import SignedInRequest
from peixun.training import access, selectors
from peixun.training.access import has_perm
from peixun.training.exceptions import NoPersonError
from peixun.training.models import Enrolment, Project
from peixun.training.schemas import (
    EligibilityOut,
    EnrolmentOut,
    ErrorOut,
    ProjectDetailOut,
    ProjectOut,
)
from peixun.training.services import enrolment as enrolment_services
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
@paginate(LimitOffsetPagination)
def list_projects(request: HttpRequest, q: str = "", status: str = ""):
    """Projects the caller may see, newest first."""
    projects = selectors.project_list(request.user, selectors.ProjectFilter(q=q[:50], status=status))
    return [_project_out(p) for p in projects]


@router.get(
    "/projects/{project_id}", response={200: ProjectDetailOut, 404: ErrorOut}, url_name="project-detail"
)
def project_detail(request: HttpRequest, project_id: int):
    project = selectors.project_detail(access.access_project(request.user, project_id))
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
@paginate(LimitOffsetPagination)
def enrolments(request: HttpRequest, project_id: int, status: str = ""):
    """A project's enrolments within the caller's scope (all for its organiser, a school's for
    the school)."""
    if not has_perm(request.user, "training.nominate"):
        raise Http404
    project = access.access_project(request.user, project_id)
    return [_enrolment_out(e) for e in selectors.project_enrolments(request.user, project, status=status)]
