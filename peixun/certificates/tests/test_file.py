"""The teacher's whole file (RULES G2, C5, G10): every training with its attendance, coursework,
results, certificates, outside training, 校本 lines, ethics reviews, the hours and the cycle's
compliance, then the sections the apps above add — the same on the page, in the PDF and in the
workbook; the school and up open it for their teachers (404 outside); and the hours sheet for
appointment and promotion (职称评审, RULES A18) per school and per teacher."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from peixun.assessment.models import EthicsVeto
from peixun.certificates import archive, services
from peixun.certificates.hooks import FileSection, file_sections
from peixun.certificates.models import Certificate
from peixun.certificates.tests.helpers import closed_project, template_for
from peixun.delivery.models import Assignment, Attendance, Submission
from peixun.delivery.tests.helpers import lesson_at
from peixun.ledger import compliance
from peixun.ledger.models import ComplianceResult
from peixun.recognition.tests.factories import declare
from peixun.schoolbased.models import PlanLine, Registration, SchoolPlan, TeacherLine
from peixun.testing.factories import adopt_preset, make_person, make_project
from peixun.training.models import Enrolment

pytestmark = pytest.mark.django_db

LONG_TITLE = "新时代中小学教师信息技术应用能力提升工程2.0整校推进暨学科融合创新教学实践专题研修"


def _extra_project(world, person, title: str, *, marks: tuple[str, ...] = ()) -> Enrolment:
    today = timezone.localdate()
    project = make_project(
        world.county_a, status="running", title=title, starts_on=today - timedelta(days=3), ends_on=today
    )
    enrolment = Enrolment.objects.create(
        project=project, person=person, school=person.org, status="enrolled", source="self"
    )
    for index, status in enumerate(marks):
        lesson = lesson_at(project, timezone.now() - timedelta(days=index + 1), topic=f"第{index + 1}讲")
        Attendance.objects.create(lesson=lesson, enrolment=enrolment, status=status, method="manual")
    return enrolment


@pytest.fixture
def full(world):
    """teacher_a1 with something in every section of their file."""
    adopt_preset(world.city)
    running = closed_project(world, size=2)
    services.start_batch(project=running.project, template=template_for(world), actor=world.county_admin)
    certificate = Certificate.objects.get(person=world.teacher_a1)
    enrolment = running.enrolments[0]
    now = timezone.now()
    graded = Assignment.objects.create(
        project=running.project, title="教学反思一", kind="reflection", due_at=now
    )
    pending = Assignment.objects.create(
        project=running.project, title="案例分析二", kind="case_analysis", due_at=now
    )
    Submission.objects.create(
        assignment=graded, enrolment=enrolment, status="graded", score=Decimal("88"), submitted_at=now
    )
    Submission.objects.create(assignment=pending, enrolment=enrolment, status="submitted", submitted_at=now)
    _extra_project(world, world.teacher_a1, LONG_TITLE, marks=("present", "late", "absent", "leave_sick"))
    declare(world.teacher_a1, actor=world.teacher_user, course="人工智能赋能课堂教学")
    plan = SchoolPlan.objects.create(
        school=world.school_a1, school_year=2026, state="approved", created_by=world.coordinator_a1
    )
    today = timezone.localdate()
    line = PlanLine.objects.create(
        plan=plan,
        title="读书分享会",
        category="knowledge_skills",
        planned_hours=10,
        starts_on=today,
        ends_on=today,
    )
    registration = Registration.objects.create(plan=plan)
    TeacherLine.objects.create(
        registration=registration, person=world.teacher_a1, line=line, hours=Decimal("6"), earned_on=today
    )
    EthicsVeto.objects.create(person=world.teacher_a1, year=today.year, reason="有偿补课")
    compliance.refresh([world.teacher_a1.pk])
    return running, certificate


def _awards(*, person, cycle):
    return FileSection("获奖情况", ["奖项", "年度"], [["区优秀教师", "2026"]], "暂无获奖。")


EXPECTED = {
    "培训项目": LONG_TITLE,
    "作业": "教学反思一",
    "证书": None,  # the certificate number, below
    "校外培训": "人工智能赋能课堂教学",
    "校本研修": "读书分享会",
    "师德考核": "有偿补课",
    "学时记录": "东湖区",
    "周期达标情况": "总学时",
    "获奖情况": "区优秀教师",
}


def test_the_file_holds_every_section_on_the_page_in_the_pdf_and_in_the_workbook(client, world, full):
    _running, certificate = full
    expected = {**EXPECTED, "证书": certificate.number}
    client.force_login(world.teacher_user)
    with file_sections.added(_awards, order=900, name="test.awards"):
        page = client.get(reverse("certificates:archive")).content.decode()
        pdf = client.get(reverse("certificates:archive-pdf")).content
        book = load_workbook(io.BytesIO(client.get(reverse("certificates:archive-xlsx")).content))
    for title, value in expected.items():
        assert title in page and value in page, title
    # Attendance summary per project; what is not graded yet is 待评分, never a fail.
    assert "出勤1次，迟到1次，缺勤1次，请假1次" in page
    assert "88.0/100.0" in page and "待评分" in page
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    for title, value in expected.items():
        assert title in text and value in text, title
    assert book.sheetnames[-1] == "获奖情况" and set(expected) <= set(book.sheetnames)
    for title, value in expected.items():
        cells = [str(cell) for row in book[title].iter_rows(min_row=2, values_only=True) for cell in row]
        assert any(value in cell for cell in cells), title


def test_the_file_reads_a_bounded_number_of_queries_however_many_projects(world):
    adopt_preset(world.city)
    person = make_person(world.school_a1, "钱多项")
    _extra_project(world, person, "项目一", marks=("present", "late"))
    with CaptureQueriesContext(connection) as one:
        archive.build(person)
    for title in ("项目二", "项目三", "项目四"):
        _extra_project(world, person, title, marks=("present", "absent"))
    with CaptureQueriesContext(connection) as four:
        built = archive.build(person)
    assert len(built.sections[0].rows) == 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_the_school_opens_a_teachers_file_page_but_not_another_schools(client, world, full):
    client.force_login(world.coordinator_a1)
    detail = client.get(reverse("orgs:person-detail", args=[world.teacher_a1.pk])).content.decode()
    url = reverse("certificates:person-archive", args=[world.teacher_a1.pk])
    assert url in detail
    page = client.get(url).content.decode()
    assert (
        LONG_TITLE in page and reverse("certificates:person-archive-pdf", args=[world.teacher_a1.pk]) in page
    )
    assert client.get(reverse("certificates:person-archive", args=[world.teacher_b1.pk])).status_code == 404
    assert (
        client.get(reverse("certificates:person-archive", args=[world.other_teacher.pk])).status_code == 404
    )


def _sheet(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))["学时汇总"]


def test_the_promotion_sheet_of_a_school_has_a_form_heading_and_the_ledgers_figures(client, world, full):
    unknown = make_person(world.school_a1, "孙未算")
    ComplianceResult.objects.filter(person=unknown).delete()
    stored = ComplianceResult.objects.get(person=world.teacher_a1)
    client.force_login(world.coordinator_a1)
    people = client.get(reverse("orgs:people"), {"org": world.school_a1.pk}).content.decode()
    url = reverse("certificates:org-appraisal-xlsx", args=[world.school_a1.pk])
    assert url in people
    sheet = _sheet(client.get(url))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "继续教育学时汇总表（职称评审用）"
    heading = {row[0]: row[1] for row in rows[:8] if row[0]}
    assert heading["单位"] == world.school_a1.name and heading["生成日期"].startswith("20")
    assert "至" in heading["周期"]
    top = next(index for index, row in enumerate(rows) if row[0] == "序号")
    header = list(rows[top])
    by_name = {row[1]: row for row in rows[top + 1 :]}
    mine = by_name[world.teacher_a1.name]
    assert mine[header.index("知识与技能学时")] == float(stored.knowledge_skills_hours) > 0
    assert mine[header.index("区县级学时")] == float(stored.county_hours)
    assert mine[header.index("应修学时")] == float(stored.required_hours)
    assert mine[header.index("达标情况")] == ("达标" if stored.compliant else "未达标")
    assert mine[header.index("证件号码")] == world.teacher_a1.id_masked and "*" in world.teacher_a1.id_masked
    # Not computed yet stays unknown: no figures, and no fail.
    theirs = by_name["孙未算"]
    assert theirs[header.index("达标情况")] == "尚未计算" and theirs[header.index("合计学时")] is None
    assert world.teacher_b1.name not in by_name
    other = reverse("certificates:org-appraisal-xlsx", args=[world.school_b1.pk])
    assert client.get(other).status_code == 404


def test_the_teacher_downloads_their_own_promotion_sheet_from_the_file_page(client, world, full):
    client.force_login(world.teacher_user)
    page = client.get(reverse("certificates:archive")).content.decode()
    url = reverse("certificates:person-appraisal-xlsx", args=[world.teacher_a1.pk])
    assert url in page
    rows = list(_sheet(client.get(url)).iter_rows(values_only=True))
    assert ["姓名", world.teacher_a1.name] in [list(row[:2]) for row in rows]
    assert rows[-1][1] == world.teacher_a1.name
    other = reverse("certificates:person-appraisal-xlsx", args=[world.teacher_b1.pk])
    assert client.get(other).status_code in (403, 404)
