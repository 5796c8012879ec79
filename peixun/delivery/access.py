"""Who may see and act on lessons, attendance, leave and coursework.

- The organiser's staff (`training.manage` over the organiser) run everything of their projects.
- A tutor (`training.tutor`, linked to the person named as a class's tutor) runs the lessons of
  their class and of the whole project, marks and grades their class's trainees, and decides leave
  at a `tutor` step.
- A trainee (an enrolled teacher) sees their own lessons, marks, work and requests.
- School staff decide leave at the school's steps (`delivery.leave_school`); who decides each step
  of a request's chain is `may_decide`.

`access_*` fetch one object or answer 404 — the same for missing and out of scope. The delivery
pages and API ask only this module (it re-exports the org-level checks they use).
"""

from collections.abc import Callable
from typing import Literal

from peixun.delivery.models import Assignment, LeaveRequest, Lesson, Submission, SubmissionFile
from peixun.delivery.rules import leave as rules
from peixun.orgs.access import has_perm, out_of_scope, path_in_scope
from peixun.orgs.access import require_perm as require_perm
from peixun.orgs.access import scope_paths as scope_paths
from peixun.orgs.models import Person
from peixun.training import access as training_access
from peixun.training.models import Cohort, Enrolment, EnrolmentStatus, Project


def manages(user, project: Project) -> bool:
    return training_access.can(user, "training.manage", project)


def tutored_cohorts(user, project: Project) -> set[int]:
    """Ids of the project's classes the user tutors (cached on the user per project)."""
    if not user.is_authenticated or not user.person_id or not has_perm(user, "training.tutor"):
        return set()
    cache = user.__dict__.setdefault("_peixun_tutored", {})
    if project.pk not in cache:
        cache[project.pk] = set(
            Cohort.objects.filter(project=project, tutor_id=user.person_id).values_list("pk", flat=True)
        )
    return cache[project.pk]


def runs(user, project: Project) -> bool:
    """Staff of the project or a tutor of one of its classes."""
    return manages(user, project) or bool(tutored_cohorts(user, project))


def own_enrolment(user, project: Project) -> Enrolment | None:
    """The user's own enrolment in the project (cached on the user per project: a check-in asked
    for it to open the lesson and again to check in)."""
    if not user.is_authenticated or not user.person_id:
        return None
    cache = user.__dict__.setdefault("_peixun_own_enrolment", {})
    if project.pk not in cache:
        cache[project.pk] = (
            Enrolment.objects.select_related("cohort", "school", "person")
            .filter(project=project, person_id=user.person_id, status=EnrolmentStatus.ENROLLED)
            .first()
        )
    return cache[project.pk]


def can_run_lesson(user, lesson: Lesson) -> bool:
    if manages(user, lesson.project):
        return True
    cohorts = tutored_cohorts(user, lesson.project)
    return lesson.cohort_id in cohorts if lesson.cohort_id else bool(cohorts)


def can_mark(user, lesson: Lesson, enrolment: Enrolment) -> bool:
    """Staff mark anyone; a tutor marks the trainees of their own class."""
    return marker(user, lesson)(enrolment)


def marker(user, lesson: Lesson) -> Callable[[Enrolment], bool]:
    """`can_mark` for many trainees of one lesson: the user's standing is worked out once (a
    register of 1,000 rows asked it 1,000 times)."""
    if manages(user, lesson.project):
        return lambda enrolment: True
    cohorts = tutored_cohorts(user, lesson.project)
    return lambda enrolment: enrolment.cohort_id is not None and enrolment.cohort_id in cohorts


def access_project(user, pk: int, need: Literal["manage", "run", "import", "view"] = "view") -> Project:
    """A project for delivery pages: `manage` (its staff), `run` (staff or a class tutor), `import`
    (those who import its outside results) or `view` (anyone who may see the project)."""
    if need == "manage":
        return training_access.access_project(user, pk, "training.manage")
    if need == "import":
        return training_access.access_project(user, pk, "delivery.import")
    project = training_access.access_project(user, pk) if need == "view" else None
    if need == "run":
        try:
            project = Project.objects.select_related("organiser").get(pk=pk)
        except Project.DoesNotExist:
            raise out_of_scope(user, "project", pk) from None
        if not runs(user, project):
            raise out_of_scope(user, "project", pk)
    if project is None:  # an unknown need: never reached with the Literal above
        raise out_of_scope(user, "project", pk)
    return project


def access_lesson(user, pk: int, need: str = "view") -> Lesson:
    """A lesson the user runs (`run`) or may see (`view`: also its trainees)."""
    try:
        lesson = Lesson.objects.select_related("project", "project__organiser", "cohort", "course").get(pk=pk)
    except Lesson.DoesNotExist:
        raise out_of_scope(user, "lesson", pk) from None
    if can_run_lesson(user, lesson):
        return lesson
    if need == "view":
        enrolment = own_enrolment(user, lesson.project)
        if enrolment is not None and (lesson.cohort_id is None or lesson.cohort_id == enrolment.cohort_id):
            return lesson
    raise out_of_scope(user, "lesson", pk)


def access_assignment(user, pk: int, need: str = "view") -> Assignment:
    """An assignment of a project the user runs (`run`), or — for `view` — one of their own."""
    try:
        assignment = Assignment.objects.select_related("project", "project__organiser", "course").get(pk=pk)
    except Assignment.DoesNotExist:
        raise out_of_scope(user, "assignment", pk) from None
    if need == "manage" and manages(user, assignment.project):
        return assignment
    if need in ("run", "view") and runs(user, assignment.project):
        return assignment
    if need == "view" and own_enrolment(user, assignment.project) is not None:
        return assignment
    raise out_of_scope(user, "assignment", pk)


def can_grade(user, submission: Submission) -> bool:
    project = submission.assignment.project
    if manages(user, project):
        return True
    cohort = submission.enrolment.cohort_id
    return cohort is not None and cohort in tutored_cohorts(user, project)


def access_submission(user, pk: int) -> Submission:
    """A submission: its author, a grader of it (staff, the author's tutor)."""
    try:
        submission = Submission.objects.select_related(
            "assignment",
            "assignment__project",
            "assignment__project__organiser",
            "enrolment",
            "enrolment__person",
        ).get(pk=pk)
    except Submission.DoesNotExist:
        raise out_of_scope(user, "submission", pk) from None
    if user.person_id and submission.enrolment.person_id == user.person_id:
        return submission
    if can_grade(user, submission):
        return submission
    raise out_of_scope(user, "submission", pk)


def access_file(user, pk: int) -> SubmissionFile:
    try:
        document = SubmissionFile.objects.select_related("submission").get(pk=pk)
    except SubmissionFile.DoesNotExist:
        raise out_of_scope(user, "file", pk) from None
    access_submission(user, document.submission_id)
    return document


def access_leave(user, pk: int) -> LeaveRequest:
    """A leave request: the teacher's own, or one the user decides or decided, or oversees."""
    try:
        request = LeaveRequest.objects.select_related(
            "enrolment", "enrolment__person", "enrolment__school", "enrolment__cohort", "enrolment__project",
            "enrolment__project__organiser",
        ).get(pk=pk)  # fmt: skip
    except LeaveRequest.DoesNotExist:
        raise out_of_scope(user, "leave request", pk) from None
    if user.person_id and request.enrolment.person_id == user.person_id:
        return request
    if may_see(user, request):
        return request
    raise out_of_scope(user, "leave request", pk)


# --- Leave ------------------------------------------------------------------------------------------


SCHOOL_PERM = "delivery.leave_school"


def school_staff(user, enrolment: Enrolment) -> bool:
    """Staff of the trainee's school who decide leave at the school's steps."""
    return has_perm(user, SCHOOL_PERM) and path_in_scope(user, SCHOOL_PERM, enrolment.school.path)


def may_decide(user, request: LeaveRequest, step: rules.Step | None = None) -> bool:
    """Whether the user decides `step` (default: the current one) of the request."""
    step = step or request.current_step
    if step is None or not user.is_authenticated:
        return False
    enrolment = request.enrolment
    if enrolment.person_id == user.person_id:
        return False  # nobody approves their own leave
    if step.approver == rules.TUTOR:
        return bool(
            user.person_id
            and enrolment.cohort is not None
            and enrolment.cohort.tutor_id == user.person_id
            and has_perm(user, "training.tutor")
        )
    if step.approver == rules.SCHOOL:
        return school_staff(user, enrolment)
    if step.approver.startswith(rules.SCHOOL_ROLE):
        role = step.approver.removeprefix(rules.SCHOOL_ROLE)
        person = (
            Person.objects.filter(pk=user.person_id).values_list("org_id", "roles").first()
            if user.person_id
            else None
        )
        holds = person is not None and person[0] == enrolment.school_id and role in (person[1] or [])
        return holds or school_staff(user, enrolment)
    return manages(user, enrolment.project)


def may_see(user, request: LeaveRequest) -> bool:
    """The requester's staff, school staff, anyone who decides one of its steps or decided one."""
    if manages(user, request.enrolment.project) or school_staff(user, request.enrolment):
        return True
    if any(may_decide(user, request, step) for step in request.steps):
        return True
    return request.decisions.filter(decided_by_id=user.pk).exists()
