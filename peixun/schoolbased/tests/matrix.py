"""School-based training's expectations for the access-matrix test
(peixun/site/tests/test_access_matrix.py), and the near and far objects they are called with:
near in 东湖实验小学, far in 临江第二中学."""

from datetime import UTC, date, datetime
from decimal import Decimal

from peixun.schoolbased.models import (
    ActivityEvidence,
    Participant,
    PlanLine,
    PlanVersion,
    Registration,
    SchoolActivity,
    SchoolPlan,
    Submission,
    Task,
    TeacherLine,
)

SIGNED_IN = "signed-in"
PLAN, VIEW, REVIEW = "schoolbased.plan", "schoolbased.view", "schoolbased.review"

SEE = frozenset({"city_admin", "county_admin", "centre_staff", "coordinator_a1", "teacher_user", "outsider"})
RUN = frozenset({"coordinator_a1", "teacher_user"})
OWN = frozenset({"teacher_user"})

SCHOOLBASED_VIEWS: dict[str, dict] = {
    "schoolbased:topics": {"perm": REVIEW},
    "schoolbased:plans": {"perm": PLAN},
    "schoolbased:inbox": {"perm": REVIEW},
    "schoolbased:plan": {"perm": VIEW, "obj": "sb_plan"},
    "schoolbased:plan-submit": {"perm": PLAN, "method": "post", "obj": "sb_plan"},
    "schoolbased:plan-decide": {"perm": REVIEW, "method": "post", "obj": "sb_plan"},
    "schoolbased:plan-versions": {"perm": VIEW, "obj": "sb_plan"},
    "schoolbased:registration-start": {"perm": PLAN, "method": "post", "obj": "sb_plan"},
    "schoolbased:plan-line-delete": {"perm": PLAN, "method": "post", "obj": "sb_plan_line"},
    "schoolbased:registration": {"perm": VIEW, "obj": "sb_registration"},
    "schoolbased:activity-add": {"perm": PLAN, "method": "post", "obj": "sb_registration"},
    "schoolbased:manual-line": {"perm": PLAN, "method": "post", "obj": "sb_registration"},
    "schoolbased:registration-submit": {"perm": PLAN, "method": "post", "obj": "sb_registration"},
    "schoolbased:registration-decide": {"perm": REVIEW, "method": "post", "obj": "sb_registration"},
    "schoolbased:registration-export": {"perm": VIEW, "obj": "sb_registration"},
    "schoolbased:registration-teacher": {"perm": VIEW, "obj": "sb_teacher"},
    "schoolbased:line-resolve": {"perm": PLAN, "method": "post", "obj": "sb_line"},
    "schoolbased:evidence": {"perm": VIEW, "obj": "sb_line", "served": (200,)},
    "schoolbased:mine": {"perm": SIGNED_IN},
    # A teacher answers only their own lines: everyone else gets 404.
    "schoolbased:mine-answer": {
        "perm": SIGNED_IN,
        "method": "post",
        "obj": "sb_line",
        "personas": frozenset({"teacher_user"}),
        "denied": (404,),
    },
    "schoolbased:registration-compile": {"perm": PLAN, "method": "post", "obj": "sb_registration"},
    "schoolbased:activities": {"perm": VIEW},
    "schoolbased:activities-export": {"perm": VIEW},
    "schoolbased:follow-along": {"perm": REVIEW},
    "schoolbased:activities-mine": {"perm": SIGNED_IN},
    # An activity is seen by whoever sees the school's training, and by its leader (the near one is
    # led by the teacher); it is run by the school's coordinator and the leader.
    "schoolbased:activity": {"perm": SIGNED_IN, "obj": "sb_activity", "personas": SEE, "denied": (404,)},
    "schoolbased:activity-export": {
        "perm": SIGNED_IN,
        "obj": "sb_activity",
        "personas": SEE,
        "denied": (404,),
        "served": (200,),
    },
    "schoolbased:activity-evidence": {
        "perm": SIGNED_IN,
        "obj": "sb_evidence",
        "personas": SEE,
        "denied": (404,),
        "served": (200,),
    },
    **{
        name: {"perm": SIGNED_IN, "method": "post", "obj": "sb_activity", "personas": RUN, "denied": (404,)}
        for name in (
            "schoolbased:activity-participants",
            "schoolbased:activity-register",
            "schoolbased:activity-task",
            "schoolbased:activity-evidence-add",
        )
    },
    # A submission: its author (the near teacher) and whoever runs the activity.
    "schoolbased:submission-file": {
        "perm": SIGNED_IN,
        "obj": "sb_submission",
        "personas": RUN,
        "denied": (404,),
        "served": (200,),
    },
    "schoolbased:submission-grade": {
        "perm": SIGNED_IN,
        "method": "post",
        "obj": "sb_submission",
        "personas": RUN,
        "denied": (404,),
    },
    # The participant's own pages: everyone else gets 404.
    "schoolbased:activity-checkin": {
        "perm": SIGNED_IN,
        "data": lambda side: {"a": side["sb_activity"]["pk"]},
        "personas": OWN,
        "denied": (404,),
    },
    "schoolbased:mine-activity": {"perm": SIGNED_IN, "obj": "sb_activity", "personas": OWN, "denied": (404,)},
    "schoolbased:mine-entry": {
        "perm": SIGNED_IN,
        "method": "post",
        "obj": "sb_activity",
        "personas": OWN,
        "denied": (404,),
    },
    "schoolbased:mine-work": {
        "perm": SIGNED_IN,
        "method": "post",
        "obj": "sb_task",
        "personas": OWN,
        "denied": (404,),
    },
}


def _side(school, person, actor) -> dict:
    plan = SchoolPlan.objects.create(
        school=school, school_year=2025, state="approved", version=1, created_by=actor
    )
    line = PlanLine.objects.create(
        plan=plan,
        title="读书分享",
        category="knowledge_skills",
        planned_hours=Decimal(20),
        starts_on=date(2025, 9, 1),
        ends_on=date(2025, 9, 1),
    )
    PlanVersion.objects.create(plan=plan, number=1, lines=[], submitted_by=actor, outcome="approved")
    registration = Registration.objects.create(plan=plan)
    teacher_line = TeacherLine.objects.create(
        registration=registration,
        person=person,
        line=line,
        hours=Decimal(4),
        earned_on=date(2025, 9, 1),
        evidence_name="签到表.pdf",
        evidence_type="application/pdf",
        evidence=b"%PDF-1.4",
    )
    activity = SchoolActivity.objects.create(
        line=line,
        title="读书分享会",
        starts_on=date(2025, 9, 1),
        ends_on=date(2025, 9, 1),
        place="图书馆",
        leader=person,
        hours=Decimal(3),
        created_by=actor,
    )
    Participant.objects.create(activity=activity, person=person)
    task = Task.objects.create(activity=activity, title="读书笔记", due_on=date(2025, 9, 8))
    submission = Submission.objects.create(
        task=task,
        person=person,
        file_name="笔记.pdf",
        content_type="application/pdf",
        data=b"%PDF-1.4",
        submitted_at=datetime(2025, 9, 2, tzinfo=UTC),
    )
    evidence = ActivityEvidence.objects.create(
        activity=activity,
        kind="minutes",
        file_name="纪要.pdf",
        content_type="application/pdf",
        data=b"%PDF-1.4",
        uploaded_by=actor,
    )
    return {
        "sb_activity": {"pk": activity.pk},
        "sb_task": {"pk": task.pk},
        "sb_submission": {"pk": submission.pk},
        "sb_evidence": {"pk": evidence.pk},
        "sb_plan": {"pk": plan.pk},
        "sb_plan_line": {"pk": line.pk},
        "sb_registration": {"pk": registration.pk},
        "sb_teacher": {"pk": registration.pk, "person_pk": person.pk},
        "sb_line": {"pk": teacher_line.pk},
    }


def schoolbased_objects(world) -> tuple[dict, dict]:
    near = _side(world.school_a1, world.teacher_a1, world.coordinator_a1)
    far = _side(world.other_school, world.other_teacher, world.outsider)
    return near, far
