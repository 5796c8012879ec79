"""The whole path in a browser: the centre publishes a project and opens enrolment, a teacher enrols
on a phone, the centre schedules a lesson and sets coursework, the tutor shows the check-in code
and the teacher checks in with it on the phone page, hands in work, the tutor grades it, the centre
closes the project (hours posted) and issues certificates, the teacher sees the hours in 我的学时
and downloads the certificate, and anyone verifies it on its public page."""

import io
import re
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from peixun.certificates import services as certificate_services
from peixun.certificates.models import Certificate
from peixun.certificates.seal import make_seal
from peixun.orgs.models import GrantRole
from peixun.testing.browser import csp_refusals, needs_chromium, new_page
from peixun.testing.factories import PASSWORD, make_person, make_project, make_user
from peixun.testing.personas import build_world
from peixun.testing.screenshots import sign_in
from peixun.training.models import Cohort, Enrolment

pytestmark = needs_chromium


def _after_midnight_if_close() -> None:
    """The scenario takes a minute or two inside one day's lesson: started in the last five minutes
    before midnight (local time) it would straddle two days, so it waits for the new day."""
    now = timezone.localtime()
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=5, microsecond=0)
    if midnight - now < timedelta(minutes=5):
        time.sleep((midnight - now).total_seconds())


def _times() -> tuple[str, str, str]:
    """Today's date and a lesson window around now (local time), kept within the day."""
    now = timezone.localtime()
    start = max(now - timedelta(minutes=5), now.replace(hour=0, minute=0))
    end = min(now + timedelta(minutes=60), now.replace(hour=23, minute=59))
    return now.date().isoformat(), start.strftime("%H:%M"), end.strftime("%H:%M")


def test_from_publication_to_a_verified_certificate(live_server, browser):
    from playwright.sync_api import expect

    _after_midnight_if_close()
    world = build_world()
    today = timezone.localdate()
    project = make_project(
        world.county_a,
        status="approved",
        title="2026年小学语文教学能力提升培训",
        hours_credited=Decimal("24"),
        enrol_opens_at=timezone.now() - timedelta(days=1),
        enrol_closes_at=timezone.now() + timedelta(days=3),
        starts_on=today,
        ends_on=today + timedelta(days=3),
    )
    tutor = make_person(world.school_a1, "辅导老师", section="primary", subjects=["语文"])
    make_user("tutor_person", (GrantRole.TUTOR, world.school_a1), person=tutor)
    certificate_services.save_template(
        org=world.county_a,
        actor=world.county_admin,
        fields={
            "name": "东湖区合格证书",
            "kind": "pass",
            "issuer": "东湖区教育局",
            "region": "320705",
            "active": True,
        },
        seal=make_seal("东湖区教育局"),
    )
    base = live_server.url

    # The centre publishes the project and opens enrolment.
    staff = new_page(browser, width=1366, height=900)
    sign_in(staff, base, "centre_staff", PASSWORD)
    staff.goto(f"{base}/training/{project.pk}/")
    staff.click("[data-testid=move-publish]")
    staff.click("[data-testid=move-open_enrolment]")
    expect(staff.locator(".project-status")).to_have_text("Enrolling")

    # A teacher enrols on a phone.
    phone = new_page(browser, width=390, height=844)
    sign_in(phone, base, "teacher_a1", PASSWORD)
    phone.goto(f"{base}/training/{project.pk}/")
    phone.click("[data-testid=enrol-button]")
    expect(phone.locator("[data-testid=my-status]")).to_have_text("Enrolled")

    # The training starts; the class has its tutor.
    staff.reload()
    staff.click("[data-testid=move-start]")
    expect(staff.locator(".project-status")).to_have_text("Running")
    cohort = Cohort.objects.create(project=project, number=1, name="第1班", tutor=tutor)
    Enrolment.objects.filter(project=project).update(cohort=cohort)

    # The centre schedules today's lesson and sets an assignment.
    day, start, end = _times()
    staff.goto(f"{base}{reverse('delivery:lessons', args=[project.pk])}")
    staff.click("[data-testid=add-lesson]")
    staff.fill("#id_topic", "单元整体教学设计")
    staff.fill("#id_day", day)
    staff.fill("#id_start", start)
    staff.fill("#id_end", end)
    staff.fill("#id_place", "东湖区教师发展中心报告厅")
    staff.click("[data-testid=save-lesson]")
    expect(staff.locator("[data-testid=upcoming-lessons]")).to_contain_text("单元整体教学设计")
    staff.goto(f"{base}{reverse('delivery:assignment-create', args=[project.pk])}")
    staff.fill("#id_title", "学习反思")
    staff.select_option("#id_kind", "reflection")
    staff.fill("#id_min_chars", "20")
    staff.fill("#id_due_at", (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    staff.click("[data-testid=save-assignment]")
    expect(staff.locator("[data-testid=assignments]")).to_contain_text("学习反思")
    lesson = project.lessons.get()

    # The tutor puts the code on the screen; the teacher types it on the phone.
    tutor_page = new_page(browser, width=1366, height=900)
    sign_in(tutor_page, base, "tutor_person", PASSWORD)
    tutor_page.goto(f"{base}{reverse('delivery:lesson-code', args=[lesson.pk])}")
    code = re.sub(r"\D", "", tutor_page.locator("[data-testid=checkin-code]").inner_text())
    assert len(code) == 6
    phone.goto(f"{base}/delivery/")
    phone.fill("[data-testid=code-input]", code)
    phone.click("[data-testid=checkin-button]")
    expect(phone.locator("[data-testid=open-lesson]")).to_contain_text("Present")
    expect(tutor_page.locator("[data-testid=checked-count]")).to_contain_text("1 of 1", timeout=10000)

    # The teacher hands in the reflection; the tutor grades it.
    phone.goto(f"{base}{reverse('delivery:my-project', args=[project.pk])}")
    phone.locator("[data-testid=work-item] a").first.click()
    phone.fill("#id_text", "通过这次培训，我理解了单元整体教学设计的思路，并尝试在课堂中落实学习任务群。")
    phone.click("[data-testid=hand-in]")
    expect(phone.locator("[data-testid=work-item]")).to_contain_text("to grade")
    assignment = project.assignments.get()
    tutor_page.goto(f"{base}{reverse('delivery:assignment', args=[assignment.pk])}")
    tutor_page.click("[data-testid=open-submission]")
    tutor_page.fill("#id_score", "88")
    tutor_page.fill("#id_comment", "思路清晰。")
    tutor_page.click("[data-testid=save-grade]")
    expect(tutor_page.locator("[data-testid=submissions]")).to_contain_text("88")

    # The centre moves the project to assessment, closes it (hours posted) and issues certificates.
    staff.goto(f"{base}/training/{project.pk}/")
    with staff.expect_navigation():  # let the POST finish before the next goto
        staff.click("[data-testid=move-assess]")
    staff.goto(f"{base}{reverse('assessment:results', args=[project.pk])}")
    expect(staff.locator("[data-testid=results]")).to_contain_text("Pass")
    with staff.expect_navigation():  # let the POST finish before the next goto
        staff.click("[data-testid=close-project]")
    staff.goto(f"{base}{reverse('assessment:results', args=[project.pk])}")
    expect(staff.locator("[data-testid=postings]")).to_be_visible()
    staff.goto(f"{base}{reverse('certificates:project', args=[project.pk])}")
    staff.click("[data-testid=issue]")
    expect(staff.locator("[data-testid=batch-status]")).to_have_text("Done", timeout=20000)

    # The teacher sees the hours in 我的学时 and downloads the certificate.
    phone.goto(f"{base}/hours/")
    expect(phone.locator("[data-testid=entries]")).to_contain_text("2026年小学语文教学能力提升培训")
    expect(phone.locator("[data-testid=entries]")).to_contain_text("24.0")
    phone.click("[data-testid=my-certificates-link]")
    with phone.expect_download() as download:
        phone.click("[data-testid=certificate-pdf]")
    pdf_bytes = Path(download.value.path()).read_bytes()
    text = PdfReader(io.BytesIO(pdf_bytes)).pages[0].extract_text()
    certificate = Certificate.objects.get()
    assert certificate.number in text and "李晓明" in text
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # Anyone verifies it, signed in or not.
    visitor = new_page(browser, width=390, height=844)
    visitor.goto(f"{base}{reverse('certificates:verify', args=[certificate.code])}")
    expect(visitor.locator("[data-testid=verify-status]")).to_contain_text("Valid")
    expect(visitor.locator("[data-testid=field-number]")).to_have_text(certificate.number)
    expect(visitor.locator("[data-testid=field-name]")).to_have_text("李晓明")

    for page in (staff, phone, tutor_page, visitor):
        assert not csp_refusals(page), csp_refusals(page)
