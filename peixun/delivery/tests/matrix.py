"""The delivery, assessment and certificate views' expectations for the access-matrix test
(peixun/core/tests/test_access_matrix.py), and the near and far objects they are called with.

Near objects belong to a running project of 东湖区 with teacher_a1 (李晓明) enrolled; far ones to a
project of 临江市 with 周磊. Staff act over the organiser; the teacher on their own enrolment,
leave, work and certificates; schools over their teachers' results and certificates."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from peixun.assessment import services as assessment_services
from peixun.assessment.models import EthicsVeto, ExcellenceRound, Objection
from peixun.certificates.models import Certificate, CertificateBatch, CertificateBundle, CertificateTemplate
from peixun.certificates.rules import numbers
from peixun.delivery.models import Assignment, LeaveRequest, Lesson, Submission, SubmissionFile
from peixun.testing.factories import make_project
from peixun.training.models import Cohort, Enrolment

SIGNED_IN = "signed-in"
PUBLIC = "public"
STAFF = frozenset({"city_admin", "county_admin", "centre_staff", "outsider"})
TEACHER = frozenset({"teacher_user"})
# Everyone with a grant or a school where the project is published (as in training's matrix).
VISIBLE = frozenset(
    {"city_admin", "county_admin", "centre_staff", "coordinator_a1", "tutor_a1", "teacher_user", "outsider"}
)
RUNNERS = {"perm": "training.manage", "denied": (403, 404)}  # a tutor passes the door, then 404 unless theirs

DELIVERY_VIEWS: dict[str, dict] = {
    # The teacher's pages
    "delivery:my": {"perm": SIGNED_IN},
    "delivery:tutoring": {"perm": SIGNED_IN},
    "delivery:my-work": {"perm": SIGNED_IN},
    "delivery:my-leave": {"perm": SIGNED_IN},
    "delivery:checkin": {
        "perm": SIGNED_IN,
        "method": "post",
        "personas": TEACHER,
        "denied": (404,),
        "data": lambda side: {"lesson": side["run_lesson"]["pk"], "code": "000000"},
    },
    "delivery:checkin-qr": {
        "perm": SIGNED_IN,
        "obj": "run_checkin_qr",
        "personas": TEACHER,
        "denied": (404,),
    },
    "delivery:my-project": {"perm": SIGNED_IN, "obj": "run_project", "personas": TEACHER, "denied": (404,)},
    "delivery:calendar": {
        "perm": SIGNED_IN,
        "obj": "run_project",
        "personas": frozenset({*STAFF, "teacher_user"}),
        "denied": (404,),
    },
    "delivery:leave-create": {
        "perm": SIGNED_IN,
        "method": "post",
        "obj": "run_project",
        "personas": TEACHER,
        "denied": (404,),
        "data": lambda side: {
            "kind": "personal",
            "starts_on": "2000-01-01",
            "ends_on": "2000-01-01",
            "reason": "家中有事",
        },
    },
    "delivery:leave": {
        "perm": SIGNED_IN,
        "obj": "run_leave",
        "personas": frozenset({*STAFF, "coordinator_a1", "teacher_user"}),
        "denied": (404,),
    },
    "delivery:leave-decide": {
        "perm": SIGNED_IN,
        "method": "post",
        "obj": "run_leave",
        "personas": frozenset({*STAFF, "coordinator_a1", "teacher_user"}),
        "denied": (404,),
        "data": lambda side: {"decision": "approve"},
    },
    "delivery:leave-withdraw": {
        "perm": SIGNED_IN,
        "method": "post",
        "obj": "run_leave",
        "personas": TEACHER,
        "denied": (404,),
    },
    "delivery:submit": {"perm": SIGNED_IN, "obj": "run_assignment", "personas": TEACHER, "denied": (404,)},
    "delivery:submission": {
        "perm": SIGNED_IN,
        "obj": "run_submission",
        "personas": frozenset({*STAFF, "teacher_user"}),
        "denied": (404,),
    },
    "delivery:file": {
        "perm": SIGNED_IN,
        "obj": "run_file",
        "personas": frozenset({*STAFF, "teacher_user"}),
        "denied": (404,),
    },
    "delivery:grade": {
        "perm": SIGNED_IN,
        "method": "post",
        "obj": "run_submission",
        "personas": STAFF,
        "denied": (404,),
        "data": lambda side: {"score": "80", "action": "grade"},
    },
    # Staff and tutors
    "delivery:lessons": {**RUNNERS, "obj": "run_project"},
    "delivery:attendance": {**RUNNERS, "obj": "run_project"},
    "delivery:attendance-export": {**RUNNERS, "obj": "run_project"},
    "delivery:assignments": {**RUNNERS, "obj": "run_project"},
    "delivery:completeness-export": {**RUNNERS, "obj": "run_project"},
    "delivery:lesson": {**RUNNERS, "obj": "run_lesson"},
    "delivery:lesson-code": {**RUNNERS, "obj": "run_lesson"},
    "delivery:lesson-close": {**RUNNERS, "method": "post", "obj": "run_lesson"},
    "delivery:lesson-mark": {
        **RUNNERS,
        "method": "post",
        "obj": "run_mark",
        "data": lambda side: {"status": "present"},
    },
    "delivery:assignment": {**RUNNERS, "obj": "run_assignment"},
    "delivery:lesson-register": {**RUNNERS, "method": "post", "obj": "run_lesson"},
    # The queue serves every grader, a tutor without a class too (an empty queue).
    "delivery:grading": {**RUNNERS, "personas": frozenset({*STAFF, "tutor_a1"}), "denied": (403,)},
    "delivery:grading-item": {**RUNNERS, "obj": "run_submission"},
    "delivery:lesson-create": {"perm": "training.manage", "obj": "run_project"},
    "delivery:settings": {"perm": "training.manage", "obj": "run_project"},
    "delivery:assess": {"perm": "training.manage", "obj": "run_project"},
    "delivery:lesson-edit": {"perm": "training.manage", "obj": "run_lesson"},
    "delivery:lesson-cancel": {"perm": "training.manage", "method": "post", "obj": "run_lesson"},
    "delivery:assignment-create": {"perm": "training.manage", "obj": "run_project"},
    "delivery:assignment-edit": {"perm": "training.manage", "obj": "run_assignment"},
    "delivery:outside": {"perm": "delivery.import", "obj": "run_project"},
    "imports:upload-outside": {"perm": "delivery.import"},
    "imports:template-outside": {"perm": "delivery.import"},
    "imports:upload-scores": {"perm": "assessment.scores"},
    "imports:template-scores": {"perm": "assessment.scores"},
    "api:outside-results": {
        "perm": "delivery.import",
        "method": "post",
        "obj": "run_api_project",
        "denied": (404,),
        "served": (200, 400, 422),
        "api": True,
    },
    "api:outside-results-list": {
        "perm": "delivery.import",
        "obj": "run_api_project",
        "denied": (404,),
        "api": True,
    },
    # Assessment
    "assessment:results": {"perm": "assessment.view", "obj": "run_project", "denied": (403, 404)},
    "assessment:results-export": {"perm": "assessment.view", "obj": "run_project", "denied": (403, 404)},
    "assessment:result": {"perm": "assessment.view", "obj": "run_enrolment", "denied": (403, 404)},
    "assessment:recompute": {"perm": "training.manage", "method": "post", "obj": "run_project"},
    "assessment:scheme": {"perm": "training.manage", "obj": "run_project"},
    "assessment:scheme-export": {"perm": "training.manage", "obj": "run_project"},
    "assessment:scheme-preview": {
        "perm": "training.manage",
        "obj": "run_project",
        "method": "post",
        "served": (200, 400),
    },
    "assessment:scheme-import": {
        "perm": "training.manage",
        "obj": "run_project",
        "method": "post",
        "served": (200, 302, 400),
    },
    "assessment:excellence": {"perm": "training.manage", "obj": "run_project"},
    "assessment:notice": {"perm": SIGNED_IN, "obj": "run_project", "personas": VISIBLE, "denied": (404,)},
    "assessment:objection-create": {
        "perm": SIGNED_IN,
        "method": "post",
        "obj": "run_project",
        "personas": VISIBLE,
        "denied": (404,),
        "data": lambda side: {"enrolment": side["run_enrolment"]["pk"], "text": "有异议"},
    },
    "assessment:objection-decide": {
        "perm": "training.manage",
        "method": "post",
        "obj": "run_objection",
        "data": lambda side: {"decision": "dismiss", "response": "经核实无误"},
    },
    "assessment:manual-score": {
        "perm": "training.manage",
        "method": "post",
        "obj": "run_enrolment",
        "denied": (403, 404),
        "data": lambda side: {"key": "attendance", "value": "1"},
    },
    "assessment:tutor-score": {
        "perm": "training.manage",
        "method": "post",
        "obj": "run_cohort",
        "data": lambda side: {"value": "80"},
    },
    "assessment:scores-template": {"perm": "training.manage", "obj": "run_cohort", "denied": (403, 404)},
    "assessment:vetoes": {"perm": "assessment.veto"},
    "assessment:veto-lift": {"perm": "assessment.veto", "method": "post", "obj": "run_veto"},
    # Certificates
    "certificates:mine": {"perm": SIGNED_IN},
    "certificates:archive": {"perm": SIGNED_IN},
    "certificates:archive-pdf": {"perm": SIGNED_IN, "personas": TEACHER, "denied": (404,)},
    "certificates:archive-xlsx": {"perm": SIGNED_IN, "personas": TEACHER, "denied": (404,)},
    "certificates:person-archive": {"perm": "ledger.view", "obj": "person", "own_record": True},
    "certificates:person-appraisal-xlsx": {"perm": "ledger.view", "obj": "person", "own_record": True},
    "certificates:org-appraisal-xlsx": {"perm": "ledger.view", "obj": "org", "denied": (403,)},
    "certificates:person-archive-pdf": {"perm": "ledger.view", "obj": "person", "own_record": True},
    "certificates:person-archive-xlsx": {"perm": "ledger.view", "obj": "person", "own_record": True},
    "certificates:project": {"perm": "certificates.issue", "obj": "run_project"},
    "certificates:batch-start": {
        "perm": "certificates.issue",
        "method": "post",
        "obj": "run_project",
        "data": lambda side: {"template": side["run_template"]["pk"]},
    },
    "certificates:batch": {"perm": "certificates.issue", "obj": "run_batch"},
    "certificates:batch-rerun": {"perm": "certificates.issue", "method": "post", "obj": "run_batch"},
    "certificates:bundle-start": {"perm": "certificates.issue", "method": "post", "obj": "run_project"},
    "certificates:bundle": {"perm": "certificates.issue", "obj": "run_bundle"},
    "certificates:bundle-pdf": {"perm": "certificates.issue", "obj": "run_bundle"},
    "certificates:bundle-rerun": {"perm": "certificates.issue", "method": "post", "obj": "run_bundle"},
    "certificates:templates": {"perm": "certificates.issue"},
    "certificates:template-create": {"perm": "certificates.issue"},
    "certificates:template": {"perm": "certificates.issue", "obj": "run_template"},
    "certificates:template-preview": {"perm": "certificates.issue", "obj": "run_template"},
    "certificates:detail": {
        "perm": SIGNED_IN,
        "obj": "run_certificate",
        "personas": frozenset({*STAFF, "coordinator_a1", "teacher_user"}),
        "denied": (404,),
    },
    "certificates:pdf": {
        "perm": SIGNED_IN,
        "obj": "run_certificate",
        "personas": frozenset({*STAFF, "coordinator_a1", "teacher_user"}),
        "denied": (404,),
    },
    "certificates:revoke": {
        "perm": "certificates.revoke",
        "method": "post",
        "obj": "run_certificate",
        "data": lambda side: {"reason": "测试撤销"},
    },
    "certificates:lookup": {"perm": PUBLIC},
    "certificates:verify": {"perm": PUBLIC, "obj": "run_verify"},
}


def _side(world, *, organiser, school, teacher, admin) -> dict:
    today = timezone.localdate()
    project = make_project(
        organiser,
        status="running",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=7),
        enrol_opens_at=timezone.now() - timedelta(days=20),
        enrol_closes_at=timezone.now() - timedelta(days=10),
    )
    cohort = Cohort.objects.create(project=project, number=1, name="第1班")
    enrolment = Enrolment.objects.create(
        project=project, person=teacher, school=school, status="enrolled", source="self", cohort=cohort
    )
    lesson = Lesson.objects.create(
        project=project,
        topic="专题讲座",
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, hours=2),
        place="报告厅",
    )
    leave = LeaveRequest.objects.create(
        enrolment=enrolment,
        kind="personal",
        reason="家中有事",
        starts_on=today,
        ends_on=today,
        created_by=admin,
    )
    assignment = Assignment.objects.create(
        project=project, title="学习反思", kind="reflection", due_at=timezone.now() + timedelta(days=3)
    )
    submission = Submission.objects.create(
        assignment=assignment, enrolment=enrolment, text="体会", char_count=2, submitted_at=timezone.now()
    )
    document = SubmissionFile.objects.create(
        submission=submission, filename="反思.pdf", kind="pdf", size=8, sha256="0" * 64, content=b"%PDF-1.7"
    )
    round_ = ExcellenceRound.objects.create(
        project=project,
        status="notice",
        share=Decimal("0.1"),
        ranking=[
            {
                "enrolment": enrolment.pk,
                "rank": 1,
                "selected": True,
                "reason": "selected",
                "total": "90",
                "attendance": "100",
            }
        ],
        notice_starts_at=timezone.now(),
        notice_ends_at=timezone.now() + timedelta(days=5),
    )
    objection = Objection.objects.create(round=round_, enrolment=enrolment, text="有异议", raised_by=admin)
    assessment_services.recompute(project=project)  # the trainee's result page
    veto = EthicsVeto.objects.create(
        person=teacher, year=today.year, reason="师德考核不合格", recorded_by=admin
    )
    template = CertificateTemplate.objects.create(
        org=organiser, name="合格证书", kind="pass", title="合格证书", issuer="教育局", region="320705"
    )
    batch = CertificateBatch.objects.create(
        project=project, template=template, kind="pass", state="done", actor=admin
    )
    certificate = Certificate.objects.create(
        number=f"320705-{today.year}-{teacher.pk:06d}",
        kind="pass",
        template=template,
        project=project,
        enrolment=enrolment,
        person=teacher,
        fields={
            "kind": "pass",
            "title": "合格证书",
            "number": f"320705-{today.year}-{teacher.pk:06d}",
            "name": teacher.name,
            "id_masked": teacher.id_masked,
            "project": project.title,
            "organiser": organiser.name,
            "hours": "24.0",
            "starts_on": project.starts_on.isoformat(),
            "ends_on": project.ends_on.isoformat(),
            "issuer": "教育局",
            "issued_on": today.isoformat(),
            "body": "",
            "band": "",
        },
        code=numbers.new_code(),
        pdf=b"%PDF-1.7",
        issued_on=today,
    )
    bundle = CertificateBundle.objects.create(
        project=project, cohort=cohort, state="done", content=b"%PDF-1.7", actor=admin
    )
    return {
        "run_bundle": {"pk": bundle.pk},
        "run_project": {"pk": project.pk},
        "run_api_project": {"project_id": project.pk},
        "run_lesson": {"pk": lesson.pk},
        "run_checkin_qr": {"pk": lesson.pk, "token": "1.00000000000000000000"},
        "run_mark": {"pk": lesson.pk, "enrolment_pk": enrolment.pk},
        "run_enrolment": {"pk": enrolment.pk},
        "run_cohort": {"pk": cohort.pk},
        "run_leave": {"pk": leave.pk},
        "run_assignment": {"pk": assignment.pk},
        "run_submission": {"pk": submission.pk},
        "run_file": {"pk": document.pk},
        "run_objection": {"pk": objection.pk},
        "run_veto": {"pk": veto.pk},
        "run_template": {"pk": template.pk},
        "run_batch": {"pk": batch.pk},
        "run_certificate": {"pk": certificate.pk},
        "run_verify": {"code": certificate.code},
    }


def delivery_objects(world) -> tuple[dict, dict]:
    """(near, far) object kwargs for the delivery, assessment and certificate views."""
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
    return near, far
