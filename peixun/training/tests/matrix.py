"""The training and API views' expectations for the access-matrix test
(peixun/core/tests/test_access_matrix.py), and the near and far objects they are called with.

Near objects sit in 东湖区 / 东湖实验小学; far ones in 临江市 / 临江第二中学."""

from decimal import Decimal

from django.utils import timezone

from peixun.accounts.models import User
from peixun.api.services import create_api_key
from peixun.orgs.models import GrantRole
from peixun.testing.factories import make_project, make_user
from peixun.training.models import (
    AnnualPlan,
    ChangeRequest,
    CodeImport,
    Cohort,
    Enrolment,
    ExemptionRequest,
    LearningCode,
    MandatoryRun,
    Notice,
    PlanItem,
    ProjectAttachment,
)

SIGNED_IN = "signed-in"
# Who may open a project published to 东湖区 (or, for the outsider, one in 临江市): everyone with a
# grant or a school there; not an account without either.
VISIBLE = frozenset(
    {"city_admin", "county_admin", "centre_staff", "coordinator_a1", "tutor_a1", "teacher_user", "outsider"}
)
# Who may act on a teacher's enrolment: the teacher, the school, the organiser's staff.
ENROLMENT_ACTORS = frozenset(
    {"city_admin", "county_admin", "centre_staff", "coordinator_a1", "teacher_user", "outsider"}
)
DECIDERS = frozenset({"city_admin", "county_admin", "centre_staff", "coordinator_a1", "outsider"})
# Who may open change requests: the organiser's staff (training.manage) and the approvers.
CHANGE_STAFF = frozenset({"city_admin", "county_admin", "centre_staff", "outsider"})

TRAINING_VIEWS: dict[str, dict] = {
    "training:project-list": {"perm": SIGNED_IN},
    "training:project-create": {"perm": "training.manage"},
    "training:tag-repair": {"perm": "training.manage"},
    "training:project-detail": {"perm": SIGNED_IN, "obj": "project", "personas": VISIBLE, "denied": (404,)},
    "training:project-edit": {"perm": "training.manage", "obj": "project"},
    "training:project-move": {"perm": "training.manage", "method": "post", "obj": "project_move"},
    "training:attachment": {"perm": SIGNED_IN, "obj": "attachment", "personas": VISIBLE, "denied": (404,)},
    "training:enrol": {"perm": "training.enrol", "method": "post", "obj": "project"},
    "training:project-enrolments": {"perm": "training.nominate", "obj": "project"},
    "training:enrolments-export": {"perm": "training.nominate", "obj": "project"},
    "training:nominate": {"perm": "training.nominate", "obj": "project"},
    "training:mandatory": {"perm": "training.manage", "method": "post", "obj": "project"},
    "training:mandatory-preview": {"perm": "training.manage", "obj": "project"},
    "training:mandatory-run": {"perm": "training.manage", "obj": "mandatory_run"},
    "training:mandatory-rerun": {"perm": "training.manage", "method": "post", "obj": "mandatory_run"},
    "training:mandatory-undo": {"perm": "training.manage", "obj": "mandatory_run"},
    "training:quotas": {"perm": "training.manage", "obj": "project"},
    "training:lottery": {"perm": SIGNED_IN, "obj": "project", "personas": VISIBLE, "denied": (404,)},
    "training:cohorts": {"perm": "training.manage", "obj": "project"},
    "training:codes": {"perm": "training.nominate", "obj": "project"},
    # A tutor passes the door (they may open the class they tutor) and gets 404 for any other.
    "training:cohort-detail": {"perm": "training.manage", "obj": "cohort", "denied": (403, 404)},
    "training:cohort-roster": {"perm": "training.manage", "obj": "cohort", "denied": (403, 404)},
    "training:code-issue": {"perm": "training.nominate", "method": "post", "obj": "code"},
    "training:code-import": {"perm": "training.manage", "obj": "code_import"},
    "training:code-import-rerun": {"perm": "training.manage", "method": "post", "obj": "code_import"},
    "training:enrolment-withdraw": {
        "perm": SIGNED_IN,
        "method": "post",
        "obj": "enrolment",
        "personas": ENROLMENT_ACTORS,
        "denied": (404,),
    },
    "training:enrolment-confirm": {
        "perm": SIGNED_IN,
        "method": "post",
        "obj": "enrolment",
        "personas": ENROLMENT_ACTORS,
        "denied": (404,),
    },
    "training:enrolment-decide": {
        "perm": SIGNED_IN,
        "method": "post",
        "obj": "enrolment",
        "personas": DECIDERS,
        "denied": (404,),
    },
    "training:enrolment-move": {"perm": "training.manage", "method": "post", "obj": "enrolment"},
    "training:exemption-request": {
        "perm": SIGNED_IN,
        "method": "post",
        "obj": "enrolment",
        "personas": ENROLMENT_ACTORS,
        "denied": (404,),
        "data": lambda side: {"reason": "health"},
    },
    "training:exemption-decide": {"perm": "training.nominate", "method": "post", "obj": "exemption"},
    "training:change-new": {"perm": "training.manage", "obj": "project"},
    "training:change-list": {"perm": SIGNED_IN, "personas": CHANGE_STAFF, "denied": (403,)},
    "training:change-detail": {
        "perm": SIGNED_IN,
        "obj": "change",
        "personas": CHANGE_STAFF,
        "denied": (403,),
    },
    "training:change-edit": {"perm": "training.manage", "obj": "change"},
    "training:change-decide": {
        "perm": "training.approve",
        "method": "post",
        "obj": "change",
        "data": lambda side: {"decision": "return", "comment": "请补充说明。"},
    },
    "training:change-withdraw": {"perm": "training.manage", "method": "post", "obj": "change"},
    "training:my": {"perm": SIGNED_IN},
    "training:inbox": {"perm": SIGNED_IN},
    "training:notices": {"perm": SIGNED_IN},
    # A notice is its own account's alone: anyone else's answers 404.
    "training:notice-open": {
        "perm": SIGNED_IN,
        "method": "post",
        "obj": "notice",
        "personas": frozenset({"teacher_user"}),
        "denied": (404,),
    },
    "training:notice-read": {
        "perm": SIGNED_IN,
        "method": "post",
        "obj": "notice",
        "personas": frozenset({"teacher_user"}),
        "denied": (404,),
    },
    "training:plan-list": {"perm": "training.plan"},
    "training:plan-detail": {"perm": "training.plan", "obj": "plan"},
    "training:plan-item-project": {"perm": "training.manage", "method": "post", "obj": "plan_item"},
    "apikeys:list": {"perm": "api.keys"},
    "apikeys:revoke": {"perm": "api.keys", "method": "post", "obj": "api_key"},
    # The JSON API answers 401 to the anonymous; teachers' own endpoints answer 400 to accounts
    # without a teacher's record.
    "api:openapi-json": {"perm": "public"},
    "api:api-root": {"perm": "public"},
    "api:project-list": {"perm": SIGNED_IN, "api": True},
    "api:project-detail": {
        "perm": SIGNED_IN,
        "obj": "api_project",
        "personas": VISIBLE,
        "denied": (404,),
        "api": True,
    },
    "api:eligibility": {
        "perm": SIGNED_IN,
        "obj": "api_project",
        "personas": frozenset({"teacher_user"}),
        "denied": (400, 404),
        "api": True,
    },
    "api:enrol": {
        "perm": "training.enrol",
        "method": "post",
        "obj": "api_open_project",
        "denied": (404,),
        "served": (201,),
        "api": True,
    },
    "api:withdraw": {
        "perm": SIGNED_IN,
        "method": "post",
        "obj": "api_self_project",
        "personas": frozenset({"teacher_user"}),
        "denied": (400, 404),
        "api": True,
    },
    "api:enrolments": {"perm": "training.nominate", "obj": "api_project", "denied": (404,), "api": True},
}


def _side(world, *, organiser, school, teacher, admin) -> dict:
    project = make_project(organiser, uses_learning_codes=True)
    open_project = make_project(organiser)
    self_project = make_project(organiser)
    Enrolment.objects.create(
        project=self_project, person=teacher, school=school, status="enrolled", source="self"
    )
    enrolment = Enrolment.objects.create(
        project=project, person=teacher, school=school, status="enrolled", source="mandatory"
    )
    project.places_taken = 1
    project.save(update_fields=["places_taken"])
    cohort = Cohort.objects.create(project=project, number=1, name="第1班")
    enrolment.cohort = cohort
    enrolment.save(update_fields=["cohort"])
    code = LearningCode.objects.create(project=project, school=school, code=f"CODE{school.pk:06d}")
    job = CodeImport.objects.create(
        project=project, filename="list.csv", content=b"", sha256="0" * 64, created_by=admin, state="done"
    )
    exemption = ExemptionRequest.objects.create(enrolment=enrolment, reason="health")
    mandatory_run = MandatoryRun.objects.create(project=project, option="all", state="done", actor=admin)
    attachment = ProjectAttachment.objects.create(
        project=project, filename="方案.txt", content_type="text/plain", size=2, content=b"ok"
    )
    plan = AnnualPlan.objects.create(org=organiser, year=2026, title="2026年度培训计划")
    item = PlanItem.objects.create(
        plan=plan,
        title="班主任培训",
        project_type="head_teacher",
        level="county",
        mode="blended",
        planned_trainees=100,
        planned_hours=Decimal("30"),
    )
    change = ChangeRequest.objects.create(
        project=project,
        reason="报名人数超出预期。",
        capacity=120,
        class_size=100,
        submitted_at=timezone.now(),
    )
    change.audience.set(project.audience.all())
    key, _secret = create_api_key(org=organiser, name="平台", role=GrantRole.CENTRE_STAFF, actor=admin)
    return {
        "project": {"pk": project.pk},
        "project_move": {"pk": project.pk, "action": "start"},
        "attachment": {"pk": project.pk, "attachment_pk": attachment.pk},
        "enrolment": {"pk": enrolment.pk},
        "cohort": {"pk": cohort.pk},
        "code": {"pk": code.pk},
        "code_import": {"pk": job.pk},
        "exemption": {"pk": exemption.pk},
        "change": {"pk": change.pk},
        "mandatory_run": {"pk": mandatory_run.pk},
        "plan": {"pk": plan.pk},
        "plan_item": {"pk": item.pk},
        "api_key": {"pk": key.pk},
        "api_project": {"project_id": project.pk},
        "api_open_project": {"project_id": open_project.pk},
        "api_self_project": {"project_id": self_project.pk},
    }


def training_objects(world) -> tuple[dict, dict]:
    """(near, far) object kwargs for the training views."""
    near = _side(
        world,
        organiser=world.county_a,
        school=world.school_a1,
        teacher=world.teacher_a1,
        admin=world.county_admin,
    )
    far = _side(
        world,
        organiser=world.other_city,
        school=world.other_school,
        teacher=world.other_teacher,
        admin=world.outsider,
    )
    # The near notice is teacher_user's; the far one belongs to an account of the far city's teacher.
    far_account = User.objects.filter(person=world.other_teacher).first() or make_user(
        "far_notice_reader", person=world.other_teacher
    )
    near["notice"] = {"pk": Notice.objects.create(user=world.teacher_user, kind="promoted", url="/").pk}
    far["notice"] = {"pk": Notice.objects.create(user=far_account, kind="promoted", url="/").pk}
    return near, far
