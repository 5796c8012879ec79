"""In a browser: a teacher on a phone sees today's lesson with check-in on the home page and the
unread count on the bell; opening the notice goes to its project and the bell goes quiet. A tutor
on a desktop finds the work to grade on the home page and opens the submission."""

from datetime import timedelta

from django.utils import timezone

from peixun.delivery.models import Assignment, Submission
from peixun.delivery.tests.helpers import lesson_at, running_project
from peixun.site.tests.test_home_days import _today
from peixun.testing.browser import csp_refusals, needs_chromium, new_page
from peixun.testing.factories import PASSWORD
from peixun.testing.personas import build_world
from peixun.testing.screenshots import sign_in
from peixun.training.services import notify

pytestmark = needs_chromium


def test_a_teacher_on_a_phone_checks_the_day_and_reads_a_notice(live_server, browser):
    from playwright.sync_api import expect

    world = build_world()
    running = running_project(world)
    lesson_at(running.project, _today(-timedelta(minutes=5)), topic="今日专题讲座")
    notify.send([world.teacher_user.pk], "promoted", project=running.project)
    page = new_page(browser, width=390, language="zh-hans")
    sign_in(page, live_server.url, "teacher_a1", PASSWORD)
    page.goto(f"{live_server.url}/")
    expect(page.locator("[data-testid=home-lessons]")).to_contain_text("今日专题讲座")
    expect(page.locator("[data-testid=code-input]")).to_be_visible()
    expect(page.locator("[data-testid=unread-count]")).to_have_text("1")  # visible with the menu closed
    page.click("[data-testid=notice-bell]")
    page.wait_for_url("**/training/notices/")
    with page.expect_navigation():
        page.click("[data-testid=notice-open]")
    assert page.url.endswith(f"/training/{running.project.pk}/")
    expect(page.locator("[data-testid=unread-count]")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not csp_refusals(page)


def test_a_tutor_on_a_desktop_opens_work_to_grade_from_the_home_page(live_server, browser):
    from playwright.sync_api import expect

    world = build_world()
    running = running_project(world)
    work = Assignment.objects.create(
        project=running.project,
        title="单元教学设计",
        kind="reflection",
        due_at=timezone.now() + timedelta(days=2),
    )
    submission = Submission.objects.create(
        assignment=work,
        enrolment=running.enrolments[1],
        text="设计",
        char_count=2,
        submitted_at=timezone.now(),
    )
    page = new_page(browser, width=1366, language="zh-hans")
    sign_in(page, live_server.url, "tutor_person", PASSWORD)
    page.goto(f"{live_server.url}/")
    expect(page.locator("[data-testid=to-grade-count]")).to_have_text("1")
    with page.expect_navigation():
        page.click("[data-testid=home-to-grade]")
    assert page.url.endswith(f"/delivery/submissions/{submission.pk}/")
    assert not csp_refusals(page)
