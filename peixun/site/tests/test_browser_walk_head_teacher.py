"""A head-teacher (班主任) training of about a hundred trainees walked in a browser, in Chinese, from
creation to certificates, by the people who do each step: the centre writes the project and the
bureau approves it; the centre enrols everyone it is mandatory for — more than the places, so in the
stated order with the rest waitlisted —, forms the classes and gives them tutors; a school
coordinator sees their school's list; lessons are held (one cancelled), a teacher asks for 事假 on
a phone and the tutor approves it; coursework is handed in and graded, one
teacher's deadline still ahead when the project moves to assessment (待评分, not a fail); the
project closes, certificates are issued, one is revoked (its PDF says 作废) and the class's PDF is
made.

The roster is made in code (a user would import it); the pages of the lifecycle are walked.
PEIXUN_WALK_SHOTS=1 saves a screenshot of each step at 1280 and 390 px into screenshots/walk/."""

import io
import os
import re
import subprocess
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from peixun.certificates import services as certificate_services
from peixun.certificates.models import Certificate
from peixun.certificates.seal import make_seal
from peixun.delivery import hooks as delivery_hooks
from peixun.delivery.models import Attendance, Submission
from peixun.delivery.tests.helpers import lesson_at
from peixun.orgs.models import GrantRole
from peixun.testing.browser import csp_refusals, needs_chromium, new_page
from peixun.testing.factories import PASSWORD, make_person, make_user
from peixun.testing.personas import build_world
from peixun.testing.screenshots import OUT_DIR, sign_in
from peixun.training.models import Enrolment, Project

pytestmark = needs_chromium

SHOTS = OUT_DIR / "walk" if os.environ.get("PEIXUN_WALK_SHOTS") else None
TITLE = "2026年东湖区班主任专业能力提升培训"
HELD = ((4, "新时代班主任的角色与使命"), (3, "班级常规管理"), (2, "家校沟通的方法"))


def shot(page, name: str) -> None:
    """Keep the page as seen at 1280 px and on a 390 px phone, when asked to."""
    if SHOTS is None:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(100)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(size)


def download(page, selector: str) -> bytes:
    with page.expect_download() as event:
        page.click(selector)
    return Path(event.value.path()).read_bytes()


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("\n", "")


def keep_pdf(data: bytes, name: str) -> None:
    """Keep a PDF and its first pages as PNGs (pdftoppm) to look at, when asked to."""
    if SHOTS is None:
        return
    target = SHOTS / f"{name}.pdf"
    target.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-l", "2", str(target), str(SHOTS / name)], check=True)  # noqa: S603, S607


def fits_a_phone(page) -> bool:
    size = page.viewport_size
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(size)
    return width <= 390


def roster(world) -> None:
    """A hundred head teachers of 东湖区 (sixty at 东湖实验小学, forty at 东湖第一中学) and two
    backbone teachers who will tutor the classes, as an import of the roster would leave them."""
    for i in range(100):
        school, name, section, subject = (
            (world.school_a1, f"实小班主任{i:02d}", "primary", "语文")
            if i < 60
            else (world.school_a2, f"一中班主任{i - 60:02d}", "junior", "数学")
        )
        # ID numbers differ by birth date: the factory's serial repeats every hundred.
        make_person(
            school,
            name,
            birth_date=date(1976 + i % 20, 1 + i % 12, 1 + i % 28),
            section=section,
            subjects=[subject],
            roles=["head_teacher"],
        )
    for index, school in enumerate((world.school_a1, world.school_a1, world.school_a2), start=1):
        tutor = make_person(
            school, f"辅导教师{index}", section="primary", subjects=["语文"], roles=["backbone"]
        )
        make_user(f"walk_tutor{index}", (GrantRole.TUTOR, school), person=tutor)


def test_a_head_teacher_class_from_creation_to_certificates(live_server, browser):
    from playwright.sync_api import expect

    world = build_world()
    roster(world)
    base = live_server.url
    now = timezone.localtime()

    # 1. The centre writes the project: mandatory for head teachers, 90 places, classes of 45.
    staff = new_page(browser, width=1280, height=900, language="zh-hans")
    sign_in(staff, base, "centre_staff", PASSWORD)
    staff.goto(f"{base}/training/new/")
    staff.fill("#id_title", TITLE)
    staff.select_option("#id_project_type", "head_teacher")
    staff.select_option("#id_mode", "blended")
    staff.fill("#id_hours_credited", "24")
    staff.fill("#id_courses-0-name", "班级管理与家校沟通")
    staff.fill("#id_courses-0-hours", "24")
    staff.fill("#id_capacity", "90")
    staff.fill("#id_class_size", "45")
    staff.select_option("#id_enrolment_mode", "mandatory")
    staff.select_option("#id_t_roles", ["head_teacher"])
    staff.fill("#id_enrol_opens_at", (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    staff.fill("#id_enrol_closes_at", (now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"))
    staff.fill("#id_starts_on", (now + timedelta(days=10)).date().isoformat())
    staff.fill("#id_ends_on", (now + timedelta(days=30)).date().isoformat())
    shot(staff, "01-project-form")
    staff.click("[data-testid=save]")
    staff.wait_for_url(re.compile(r"/training/\d+/$"))
    project = Project.objects.get(title=TITLE)
    staff.click("[data-testid=move-submit]")
    expect(staff.locator(".project-status")).to_have_text("已提交")
    shot(staff, "02-project-submitted")

    # 2. The county bureau approves it from its inbox; the centre publishes it and opens enrolment.
    bureau = new_page(browser, width=1280, height=900, language="zh-hans")
    sign_in(bureau, base, "county_admin", PASSWORD)
    bureau.goto(f"{base}/training/inbox/")
    shot(bureau, "03-bureau-inbox")
    bureau.click("[data-testid=inbox-projects] a")
    bureau.click("[data-testid=move-approve]")
    expect(bureau.locator(".project-status")).to_have_text("已通过")
    staff.reload()
    staff.click("[data-testid=move-publish]")
    staff.click("[data-testid=move-open_enrolment]")
    expect(staff.locator(".project-status")).to_have_text("报名中")
    shot(staff, "04-project-enrolling")

    # 3. Everyone it is mandatory for: 100 head teachers for 90 places. The centre takes the
    # stated order; 90 are enrolled and 10 waitlisted.
    staff.goto(f"{base}/training/{project.pk}/enrolments/")
    staff.click("[data-testid=enrol-mandatory]")
    staff.wait_for_url(f"**/training/{project.pk}/mandatory/preview/")
    expect(staff.locator("[data-testid=too-many]")).to_contain_text("须参加的有 100 人，但只剩 90 个名额")
    shot(staff, "05-mandatory-choice")
    staff.click("[data-testid=choose-order]")
    expect(staff.locator("[data-testid=outcome-text]")).to_have_text("报名 90 人，10 人列入候补。")
    expect(staff.locator("[data-testid=school-row]")).to_have_count(2)
    shot(staff, "06-mandatory-order-preview")
    staff.click("[data-testid=confirm]")
    expect(staff.locator("[data-testid=run-done]")).to_contain_text("报名 90 人，候补 10 人")
    shot(staff, "07-mandatory-done")
    assert Enrolment.objects.filter(project=project, status="enrolled").count() == 90
    assert Enrolment.objects.filter(project=project, status="waitlisted").count() == 10
    staff.goto(f"{base}/training/{project.pk}/enrolments/")
    shot(staff, "08-enrolments")

    # 4. A school coordinator sees their own school's people: enrolled and waitlisted.
    coordinator = new_page(browser, width=390, height=844, language="zh-hans")
    sign_in(coordinator, base, "coordinator_a1", PASSWORD)
    coordinator.goto(f"{base}/training/{project.pk}/enrolments/")
    waitlisted_here = Enrolment.objects.filter(
        project=project, school=world.school_a1, status="waitlisted"
    ).count()
    enrolled_here = Enrolment.objects.filter(
        project=project, school=world.school_a1, status="enrolled"
    ).count()
    expect(coordinator.get_by_test_id("places")).to_have_text("名额 90 / 90")
    expect(coordinator.get_by_test_id("in-scope")).to_have_text(
        f"您负责的学校：已报名 {enrolled_here} 人，候补 {waitlisted_here} 人。"
    )
    expect(coordinator.locator("[data-testid=waitlist] li")).to_have_count(waitlisted_here)
    expect(coordinator.locator("[data-testid=enrolment-row]", has_text="一中班主任")).to_have_count(0)
    shot(coordinator, "09-coordinator-enrolments")
    assert fits_a_phone(coordinator)

    # 5. Enrolment closes; the centre forms the classes (at most 45 each, by school) and the tutors
    # are assigned from the backbone teachers.
    Project.objects.filter(pk=project.pk).update(
        enrol_opens_at=timezone.now() - timedelta(days=2),
        enrol_closes_at=timezone.now() - timedelta(minutes=1),
    )
    staff.goto(f"{base}/training/{project.pk}/classes/")
    staff.click("[data-testid=form-classes]")
    cards = staff.locator("[data-testid=cohort-card]")
    expect(cards).to_have_count(3)
    staff.click("[data-testid=assign-tutors]")
    for index in range(3):
        expect(cards.nth(index)).to_contain_text(f"辅导教师{index + 1}")
    shot(staff, "10-classes")

    # 6. The training starts. (The walk then jumps a week on: the first lessons are behind us.)
    staff.goto(f"{base}/training/{project.pk}/")
    staff.click("[data-testid=move-start]")
    expect(staff.locator(".project-status")).to_have_text("进行中")
    today = timezone.localdate()
    Project.objects.filter(pk=project.pk).update(
        starts_on=today - timedelta(days=7), ends_on=today + timedelta(days=14)
    )
    held = [
        lesson_at(project, timezone.now() - timedelta(days=day, hours=2), topic=topic) for day, topic in HELD
    ]
    spare = lesson_at(project, timezone.now() - timedelta(days=1, hours=5), topic="班级文化建设（外请专家）")
    trainees = list(
        Enrolment.objects.filter(project=project, status="enrolled", school=world.school_a1)
        .select_related("person", "cohort__tutor")
        .order_by("pk")
    )
    on_leave, late = trainees[0], trainees[1]
    make_user("walk_leave", (GrantRole.TEACHER, world.school_a1), person=on_leave.person)
    make_user("walk_late", (GrantRole.TEACHER, world.school_a1), person=late.person)

    # 7. The expert could not come: the centre cancels that lesson.
    staff.goto(f"{base}{reverse('delivery:lessons', args=[project.pk])}")
    shot(staff, "11-lessons-before")
    staff.goto(f"{base}{reverse('delivery:lesson-edit', args=[spare.pk])}")
    staff.fill("input[name=reason]", "专家临时有事，改期另行通知")
    shot(staff, "11-lesson-to-cancel")
    with staff.expect_navigation():
        staff.click("[data-testid=cancel-lesson]")
    spare.refresh_from_db()
    assert spare.status == "cancelled"
    staff.goto(f"{base}{reverse('delivery:lessons', args=[project.pk])}")
    shot(staff, "12-lessons")

    # 8. A teacher asks on a phone for 事假 on the day of the last lesson; the class tutor (the
    # project's approval chain for leave) finds it in the inbox and approves it.
    teacher = new_page(browser, width=390, height=844, language="zh-hans")
    sign_in(teacher, base, "walk_leave", PASSWORD)
    teacher.goto(f"{base}{reverse('delivery:my-project', args=[project.pk])}")
    teacher.click("text=申请请假")
    leave_day = timezone.localtime(held[-1].starts_at).date().isoformat()
    teacher.select_option("#id_kind", "personal")
    teacher.fill("#id_starts_on", leave_day)
    teacher.fill("#id_ends_on", leave_day)
    teacher.fill("#id_reason", "孩子生病需要照顾")
    shot(teacher, "13-teacher-asks-leave")
    with teacher.expect_navigation():
        teacher.click("[data-testid=ask-leave]")
    shot(teacher, "14-leave-sent")
    tutor_name = on_leave.cohort.tutor.user.username
    tutor = new_page(browser, width=390, height=844, language="zh-hans")
    sign_in(tutor, base, tutor_name, PASSWORD)
    tutor.goto(f"{base}/training/inbox/")
    tutor.locator("[data-testid=inbox-leave] a", has_text=on_leave.person.name).click()
    shot(tutor, "15-tutor-decides-leave")
    with tutor.expect_navigation():
        tutor.click("[data-testid=approve]")
    teacher.reload()
    expect(teacher.locator("[data-testid=leave-status]")).to_contain_text("已通过")

    # 9. The register, as the check-ins left it: everyone present at the three lessons held, but the
    # one on leave at the last. The tutor looks at the class's attendance.
    enrolled = list(Enrolment.objects.filter(project=project, status="enrolled"))
    Attendance.objects.bulk_create(
        Attendance(
            lesson=lesson,
            enrolment=enrolment,
            status="present",
            method="checkin",
            checked_in_at=lesson.starts_at,
        )
        for lesson in held
        for enrolment in enrolled
        if not (lesson == held[-1] and enrolment == on_leave)
    )
    delivery_hooks.marks_changed.run(project=project, enrolment_ids=None)
    tutor.goto(f"{base}{reverse('delivery:attendance', args=[project.pk])}")
    leave_row = tutor.locator("[data-testid=attendance-matrix] tr", has_text=on_leave.person.name)
    expect(leave_row).to_contain_text("请假（事假）")
    lesson_columns = tutor.locator("[data-testid=attendance-matrix] th", has_text="月")
    expect(lesson_columns).to_have_count(3)  # the cancelled lesson is no column
    shot(tutor, "16-attendance")

    # 10. Coursework: a reflection due in three days. All but one hand it in and are graded.
    staff.goto(f"{base}{reverse('delivery:assignment-create', args=[project.pk])}")
    staff.fill("#id_title", "班级管理案例反思")
    staff.select_option("#id_kind", "reflection")
    staff.fill("#id_min_chars", "20")
    staff.fill("#id_due_at", (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"))
    staff.click("[data-testid=save-assignment]")
    expect(staff.locator("[data-testid=assignments]")).to_contain_text("班级管理案例反思")
    assignment = project.assignments.get()
    text = "这次培训让我重新审视了班级管理中的沟通方式，我会在班会课上尝试新的做法。"
    Submission.objects.bulk_create(
        Submission(
            assignment=assignment,
            enrolment=enrolment,
            text=text,
            char_count=len(text),
            status="graded",
            submitted_at=timezone.now(),
            score=Decimal("85"),
            graded_at=timezone.now(),
        )
        for enrolment in enrolled
        if enrolment != late
    )
    delivery_hooks.marks_changed.run(project=project, enrolment_ids=None)

    # 11. The centre moves the project to assessment while that one teacher still has days left:
    # their result waits for the work (待提交), it is not a fail.
    staff.goto(f"{base}/training/{project.pk}/")
    with staff.expect_navigation():
        staff.click("[data-testid=move-assess]")
    expect(staff.locator(".project-status")).to_have_text("考核中")
    staff.goto(f"{base}{reverse('assessment:results', args=[project.pk])}")
    counts = staff.locator("[data-testid=result-counts]")
    expect(counts).to_contain_text("合格 89")
    expect(counts).to_contain_text("不合格 0")
    expect(staff.locator("[data-testid=count-to-submit]")).to_contain_text("待提交 1")
    late_row = staff.locator("[data-testid=result-row]", has_text=late.person.name)
    expect(late_row).to_contain_text("暂定")
    expect(late_row).to_contain_text("待提交（未到截止时间）")
    leave_row = staff.locator("[data-testid=result-row]", has_text=on_leave.person.name)
    expect(leave_row).to_contain_text("合格")  # the leave is no absence
    shot(staff, "17-results-provisional")
    leave_row.locator("[data-testid=result-link]").click()
    expect(staff.locator("main")).to_contain_text("请假")
    shot(staff, "18-result-of-the-trainee-on-leave")

    # 12. The teacher hands the work in on a phone, before the deadline; the tutor grades it.
    late_page = new_page(browser, width=390, height=844, language="zh-hans")
    sign_in(late_page, base, "walk_late", PASSWORD)
    late_page.goto(f"{base}{reverse('delivery:my-project', args=[project.pk])}")
    shot(late_page, "19-teacher-work-to-do")
    late_page.locator("[data-testid=work-item] a").first.click()
    late_page.fill("#id_text", text)
    late_page.click("[data-testid=hand-in]")
    expect(late_page.locator("[data-testid=work-item]")).to_contain_text("待评分")
    shot(late_page, "20-teacher-handed-in")
    late_tutor = new_page(browser, width=1280, language="zh-hans")
    sign_in(late_tutor, base, late.cohort.tutor.user.username, PASSWORD)
    late_tutor.goto(f"{base}{reverse('delivery:assignment', args=[assignment.pk])}")
    late_tutor.locator("[data-testid=submission-row]", has_text=late.person.name).locator(
        "[data-testid=open-submission]"
    ).click()
    late_tutor.fill("#id_score", "80")
    late_tutor.fill("#id_comment", "案例分析具体。")
    shot(late_tutor, "21-tutor-grades")
    with late_tutor.expect_navigation():
        late_tutor.click("[data-testid=save-grade]")

    # 13. Every input is in: 90 pass; the centre closes the project and the hours are posted.
    staff.goto(f"{base}{reverse('assessment:results', args=[project.pk])}")
    expect(counts).to_contain_text("合格 90")
    expect(staff.locator("[data-testid=count-provisional]")).to_contain_text("暂定 0")
    with staff.expect_navigation():
        staff.click("[data-testid=close-project]")
    staff.goto(f"{base}{reverse('assessment:results', args=[project.pk])}")
    expect(staff.locator("[data-testid=postings]")).to_be_visible()
    shot(staff, "22-closed")

    # 14. The centre issues the certificates.
    certificate_services.save_template(
        org=world.county_a,
        actor=world.county_admin,
        fields={
            "name": "东湖区班主任培训合格证书",
            "kind": "pass",
            "issuer": "东湖区教育局",
            "region": "320705",
            "active": True,
        },
        seal=make_seal("东湖区教育局"),
    )
    staff.goto(f"{base}{reverse('certificates:project', args=[project.pk])}")
    shot(staff, "23-certificates-to-issue")
    staff.click("[data-testid=issue]")
    expect(staff.locator("[data-testid=batch-status]")).to_have_text("已完成", timeout=60000)
    shot(staff, "24-certificates-issued")
    assert Certificate.objects.filter(project=project).count() == 90

    # 15. The bureau revokes one (issued by mistake); its PDF then says 作废.
    revoked = Certificate.objects.get(project=project, enrolment=trainees[2])
    bureau.goto(f"{base}{reverse('certificates:detail', args=[revoked.pk])}")
    bureau.fill("textarea[name=reason], input[name=reason]", "姓名录入有误，重新核对后另发")
    with bureau.expect_navigation():
        bureau.click("text=作废证书")
    expect(bureau.locator("[data-testid=revoked]")).to_contain_text("姓名录入有误")
    shot(bureau, "25-certificate-revoked")
    revoked_pdf = download(bureau, "[data-testid=download-pdf]")
    assert "作废" in pdf_text(revoked_pdf)
    keep_pdf(revoked_pdf, "26-revoked-certificate")

    # 16. A teacher downloads their own certificate on the phone; the centre makes the class's PDF.
    teacher.goto(f"{base}{reverse('certificates:mine')}")
    shot(teacher, "27-my-certificates")
    own = download(teacher, "[data-testid=certificate-pdf]")
    assert on_leave.person.name in pdf_text(own) and "作废" not in pdf_text(own)
    keep_pdf(own, "28-certificate")
    staff.goto(f"{base}{reverse('certificates:project', args=[project.pk])}")
    staff.get_by_test_id("bundle-cohort").select_option(label=on_leave.cohort.name)
    expect(staff.get_by_test_id("bundle-form")).to_contain_text("1 张作废的证书将不收入")
    with staff.expect_navigation():
        staff.get_by_test_id("bundle-start").click()
    class_size = on_leave.cohort.enrolments.filter(status="enrolled").count()
    expect(staff.get_by_test_id("bundle-summary")).to_contain_text(
        f"共 {class_size - 1} 张证书", timeout=60000
    )
    shot(staff, "29-class-bundle")
    bundle = download(staff, "[data-testid=bundle-download]")
    assert len(PdfReader(io.BytesIO(bundle)).pages) == class_size - 1
    assert revoked.person.name not in pdf_text(bundle)
    keep_pdf(bundle, "30-class-bundle")

    for page in (staff, bureau, coordinator, teacher, late_page, late_tutor, tutor):
        assert not csp_refusals(page), csp_refusals(page)
