"""Who may see and act on school-based training. The permissions are in peixun.orgs.access
(schoolbased.view / .plan / .review), scoped by the school's org path: a school coordinator over
their school, the bureau and the centre over the schools of their subtree. A teacher sees only
their own lines. `access_*` answer 404 for missing and out-of-scope objects alike."""

from django.db.models import QuerySet

from peixun.orgs.access import has_perm as has_perm
from peixun.orgs.access import orgs_in_scope as orgs_in_scope
from peixun.orgs.access import out_of_scope, path_q, scope_paths
from peixun.orgs.access import require_perm as require_perm
from peixun.schoolbased.models import (
    DistrictYear,
    Participant,
    PlanLine,
    Registration,
    SchoolActivity,
    SchoolPlan,
    Submission,
    TeacherLine,
)


def plans_in_scope(user, perm: str = "schoolbased.view") -> QuerySet[SchoolPlan]:
    return SchoolPlan.objects.filter(path_q(scope_paths(user, perm), "school__path")).select_related("school")


def access_plan(user, pk: int, perm: str = "schoolbased.view") -> SchoolPlan:
    plan = plans_in_scope(user, perm).filter(pk=pk).first()
    if plan is None:
        raise out_of_scope(user, "school_plan", pk)
    return plan


def access_plan_line(user, pk: int, perm: str = "schoolbased.plan") -> PlanLine:
    line = PlanLine.objects.filter(path_q(scope_paths(user, perm), "plan__school__path"), pk=pk).first()
    if line is None:
        raise out_of_scope(user, "school_plan_line", pk)
    return line


def access_registration(user, pk: int, perm: str = "schoolbased.view") -> Registration:
    registration = (
        Registration.objects.filter(path_q(scope_paths(user, perm), "plan__school__path"), pk=pk)
        .select_related("plan__school")
        .first()
    )
    if registration is None:
        raise out_of_scope(user, "registration", pk)
    return registration


def access_teacher_line(user, pk: int, perm: str = "schoolbased.view") -> TeacherLine:
    line = (
        TeacherLine.objects.filter(path_q(scope_paths(user, perm), "registration__plan__school__path"), pk=pk)
        .select_related("registration__plan__school", "person", "line")
        .first()
    )
    if line is None:
        raise out_of_scope(user, "teacher_line", pk)
    return line


def own_line(user, pk: int) -> TeacherLine:
    """A line of the signed-in teacher's own."""
    line = None
    if user.person_id:
        line = (
            TeacherLine.objects.filter(pk=pk, person_id=user.person_id)
            .select_related("registration__plan__school")
            .first()
        )
    if line is None:
        raise out_of_scope(user, "teacher_line", pk)
    return line


def own_lines(user) -> QuerySet[TeacherLine]:
    if not user.person_id:
        return TeacherLine.objects.none()
    return TeacherLine.objects.filter(person_id=user.person_id).select_related(
        "registration__plan__school", "line"
    )


def district_years_in_scope(user) -> QuerySet[DistrictYear]:
    return DistrictYear.objects.filter(
        path_q(scope_paths(user, "schoolbased.review"), "org__path")
    ).select_related("org")


def may_see_line_evidence(user, line: TeacherLine) -> bool:
    return user.person_id == line.person_id


# --- Activities run from the plan ------------------------------------------------------------------


def activities_in_scope(user, perm: str = "schoolbased.view") -> QuerySet[SchoolActivity]:
    return SchoolActivity.objects.filter(
        path_q(scope_paths(user, perm), "line__plan__school__path")
    ).select_related("line__plan__school", "leader")


def access_activity(user, pk: int) -> tuple[SchoolActivity, bool]:
    """The activity and whether the user runs it (the school's coordinator or its leader); the
    bureau and centre see it. 404 for anyone else."""
    base = SchoolActivity.objects.select_related("line__plan__school", "leader", "template")
    activity = base.filter(pk=pk).first()
    if activity is None:
        raise out_of_scope(user, "school_activity", pk)
    runs = (user.person_id is not None and activity.leader_id == user.person_id) or activities_in_scope(
        user, "schoolbased.plan"
    ).filter(pk=pk).exists()
    if not runs and not activities_in_scope(user).filter(pk=pk).exists():
        raise out_of_scope(user, "school_activity", pk)
    return activity, runs


def run_activity(user, pk: int) -> SchoolActivity:
    """The activity if the user runs it: 404 otherwise (a teacher who does not lead it, another
    school)."""
    activity, runs = access_activity(user, pk)
    if not runs:
        raise out_of_scope(user, "school_activity", pk)
    return activity


def own_participant(user, activity_pk: int) -> Participant:
    participant = None
    if user.person_id:
        participant = (
            Participant.objects.filter(activity_id=activity_pk, person_id=user.person_id)
            .select_related("activity__line__plan__school", "activity__template", "person")
            .first()
        )
    if participant is None:
        raise out_of_scope(user, "school_activity", activity_pk)
    return participant


def access_submission(user, pk: int) -> Submission:
    """A coursework submission: its author, or whoever runs the activity."""
    submission = Submission.objects.select_related("task__activity", "person").filter(pk=pk).first()
    if submission is None:
        raise out_of_scope(user, "sb_submission", pk)
    if user.person_id is not None and submission.person_id == user.person_id:
        return submission
    run_activity(user, submission.task.activity_id)
    return submission
