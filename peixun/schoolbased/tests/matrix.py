"""School-based training's expectations for the access-matrix test
(peixun/site/tests/test_access_matrix.py), and the near and far objects they are called with:
near in 东湖实验小学, far in 临江第二中学."""

from datetime import date
from decimal import Decimal

from peixun.schoolbased.models import PlanLine, PlanVersion, Registration, SchoolPlan, TeacherLine

SIGNED_IN = "signed-in"
PLAN, VIEW, REVIEW = "schoolbased.plan", "schoolbased.view", "schoolbased.review"

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
    return {
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
