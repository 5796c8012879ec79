"""In a browser: a teacher on a phone finds an open project, enrols and sees the place in "My
training"; a centre staff member writes a project on a desktop — the form keeps its work across a
reload — submits it, and the bureau approves it in the inbox and publishes it."""

import re
from datetime import timedelta

from django.utils import timezone

from peixun.testing.browser import needs_chromium, new_page
from peixun.testing.factories import PASSWORD, make_project
from peixun.testing.personas import build_world
from peixun.testing.screenshots import sign_in
from peixun.training.models import Enrolment, Project

pytestmark = needs_chromium


def test_a_teacher_on_a_phone_enrols_and_finds_the_place_in_my_training(live_server, browser):
    from playwright.sync_api import expect

    world = build_world()
    open_project = make_project(world.county_a, title="小学语文骨干教师培训", targets={"subjects": ["语文"]})
    make_project(world.county_a, title="初中数学教学能力", targets={"sections": ["junior"]})
    page = new_page(browser, width=390, height=844)
    errors = page.console_errors
    sign_in(page, live_server.url, "teacher_a1", PASSWORD)
    page.goto(f"{live_server.url}/training/")
    cards = page.locator("[data-testid=project-card]")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("小学语文骨干教师培训")  # what the teacher may enrol in comes first
    expect(cards.nth(1).locator("[data-testid=reasons]")).to_contain_text("Junior secondary")
    cards.first.click()
    page.wait_for_url(f"**/training/{open_project.pk}/")
    page.click("[data-testid=enrol-button]")
    expect(page.locator("[data-testid=my-status]")).to_have_text("Enrolled")  # swapped in by HTMX
    assert Enrolment.objects.get(project=open_project, person=world.teacher_a1).subject == "语文"
    page.goto(f"{live_server.url}/training/my/")
    expect(page.locator("[data-testid=my-enrolment]")).to_contain_text("小学语文骨干教师培训")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_centre_staff_write_a_project_that_survives_a_reload_and_the_bureau_approves_it(live_server, browser):
    from playwright.sync_api import expect

    build_world()
    page = new_page(browser, width=1366, height=900)
    errors = page.console_errors
    sign_in(page, live_server.url, "centre_staff", PASSWORD)
    page.goto(f"{live_server.url}/training/new/")
    page.fill("#id_title", "2026年班主任专题培训")
    page.select_option("#id_project_type", "head_teacher")
    page.select_option("#id_mode", "blended")
    page.fill("#id_hours_credited", "30")
    page.fill("#id_courses-0-name", "班级管理")
    page.fill("#id_courses-0-hours", "20")
    page.click("fieldset[data-formset=courses] .formset-add")
    page.fill("#id_courses-1-name", "自学")
    page.fill("#id_courses-1-hours", "10")
    # The tab is closed by accident: opening the form again brings the typed work back.
    page.reload()
    expect(page.locator("[data-testid=draft-restored]")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value("2026年班主任专题培训")
    expect(page.locator("#id_courses-1-name")).to_have_value("自学")
    now = timezone.localtime()
    page.fill("#id_enrol_opens_at", (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_enrol_closes_at", (now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_starts_on", (now + timedelta(days=10)).date().isoformat())
    page.fill("#id_ends_on", (now + timedelta(days=12)).date().isoformat())
    page.click("[data-testid=save]")
    page.wait_for_url(re.compile(r"/training/\d+/$"))
    project = Project.objects.get(title="2026年班主任专题培训")
    assert [c.name for c in project.courses.all()] == ["班级管理", "自学"]
    page.click("[data-testid=move-submit]")
    expect(page.locator(".project-status")).to_have_text("Submitted")

    approver = new_page(browser, width=1366, height=900)
    sign_in(approver, live_server.url, "county_admin", PASSWORD)
    approver.goto(f"{live_server.url}/training/inbox/")
    approver.click("[data-testid=inbox-projects] a")
    approver.click("[data-testid=move-approve]")
    expect(approver.locator(".project-status")).to_have_text("Approved")
    approver.click("[data-testid=move-publish]")
    expect(approver.locator(".project-status")).to_have_text("Published")
    project.refresh_from_db()
    assert project.status == "published"
    history = approver.locator("[data-testid=history]")
    expect(history).to_contain_text("Project status changed")
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_a_coordinator_on_a_phone_approves_an_enrolment_from_the_inbox(live_server, browser):
    from playwright.sync_api import expect

    from peixun.training.services import enrolment as svc

    world = build_world()
    project = make_project(world.county_a, title="需学校审核的项目", approval_chain="school")
    svc.enrol(project=project, person=world.teacher_a1, actor=world.teacher_user)
    page = new_page(browser, width=390, height=844)
    errors = page.console_errors
    sign_in(page, live_server.url, "coordinator_a1", PASSWORD)
    page.goto(f"{live_server.url}/training/inbox/")
    rows = page.locator("[data-testid=inbox-enrolments] li")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(world.teacher_a1.name)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    rows.first.locator("button[value=approve]").click()
    expect(page.locator("[data-testid=inbox-empty]")).to_be_visible()
    assert Enrolment.objects.get(project=project).status == "enrolled"
    for path in (f"/training/{project.pk}/enrolments/", f"/training/{project.pk}/", "/training/"):
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_centre_staff_on_a_phone_preview_and_confirm_a_mandatory_enrolment_beyond_the_places(
    live_server, browser
):
    """More teachers must attend than there are places: on a 390 px phone the organiser is led to
    the preview, picks the stated order, reads the rule and the seed in Chinese, sees each school's
    outcome, confirms, and can undo it."""
    from playwright.sync_api import expect

    from peixun.testing.factories import make_person

    world = build_world()
    for i in range(8):
        make_person(world.school_a1, f"实验小学教师{i}")
    for i in range(4):
        make_person(world.school_a2, f"第一中学教师{i}")
    project = make_project(world.county_a, title="2026年师德全员培训", enrolment_mode="mandatory", capacity=6)
    page = new_page(browser, width=390, height=844, language="zh-hans")
    errors = page.console_errors
    sign_in(page, live_server.url, "centre_staff", PASSWORD)
    page.goto(f"{live_server.url}/training/{project.pk}/enrolments/")
    page.click("[data-testid=enrol-mandatory]")  # its confirm() is accepted
    page.wait_for_url(f"**/training/{project.pk}/mandatory/preview/")
    expect(page.locator("[data-testid=too-many]")).to_contain_text("须参加的有 14 人，但只剩 6 个名额")
    page.click("[data-testid=choose-order]")
    expect(page.locator("[data-testid=outcome-text]")).to_have_text("报名 6 人，8 人列入候补。")
    expect(page.locator("[data-testid=order-rule]")).to_contain_text("最大余数法")
    seed = page.locator("[data-testid=seed]").inner_text()
    expect(page.locator("[data-testid=school-row]")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("[data-testid=confirm]")
    expect(page.locator("[data-testid=run-done]")).to_contain_text("报名 6 人，候补 8 人")
    expect(page.locator("[data-testid=run-seed]")).to_have_text(seed)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert Enrolment.objects.filter(project=project, status="enrolled").count() == 6
    assert Enrolment.objects.filter(project=project, status="waitlisted").count() == 8
    page.click("[data-testid=undo]")
    expect(page.locator("[data-testid=undo-summary]")).to_contain_text("退回 6 个名额")
    page.click("[data-testid=confirm-undo]")
    expect(page.locator("[data-testid=run-undone]")).to_be_visible()
    assert not Enrolment.objects.filter(project=project).exists()
    assert not [e for e in errors if "Content Security Policy" in e], errors
