"""The register on a 390 px phone, in headless Chromium: everyone present by default, one tap marks
an exception and the counts above follow at once (HTMX), a trainee on approved leave shows as leave,
the marks are 44 px tall, nothing scrolls sideways, and one save records the rest."""

from datetime import timedelta
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from peixun.delivery.models import Attendance, LeaveRequest
from peixun.delivery.tests.helpers import lesson_at, running_project
from peixun.testing.browser import csp_refusals, needs_chromium, new_page
from peixun.testing.factories import PASSWORD
from peixun.testing.personas import build_world
from peixun.testing.screenshots import sign_in

pytestmark = needs_chromium

OUT_DIR = Path(__file__).resolve().parents[3] / "screenshots"


def test_the_tutor_marks_the_exceptions_and_saves_the_register_on_a_phone(live_server, browser):
    from playwright.sync_api import expect

    world = build_world()
    running = running_project(world, size=12)
    lesson = lesson_at(running.project, timezone.now() - timedelta(minutes=20))
    day = timezone.localtime(lesson.starts_at).date()
    on_leave, away = running.enrolments[1], running.enrolments[2]
    LeaveRequest.objects.create(
        enrolment=on_leave, kind="sick", reason="发烧", starts_on=day, ends_on=day, status="approved"
    )
    OUT_DIR.mkdir(exist_ok=True)

    for width in (390, 1366):
        page = new_page(browser, width=width, language="zh-hans")
        sign_in(page, live_server.url, "tutor_person", PASSWORD)
        page.goto(live_server.url + reverse("delivery:lesson", args=[lesson.pk]))
        expect(page.get_by_test_id("register-row")).to_have_count(12)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        expect(page.get_by_test_id("on-leave")).to_have_count(1)
        expect(page.locator(f"#mark-{on_leave.pk}-leave_sick")).to_be_checked()
        page.screenshot(path=str(OUT_DIR / f"register-{width}.png"), full_page=True)
        page.close()

    page = new_page(browser, width=390, language="zh-hans")
    sign_in(page, live_server.url, "tutor_person", PASSWORD)
    page.goto(live_server.url + reverse("delivery:lesson", args=[lesson.pk]))
    heights = page.eval_on_selector_all(
        ".register-marks .btn-mark", "labels => labels.map(label => label.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 44
    save = page.get_by_test_id("save-register").bounding_box()
    assert save is not None and save["height"] >= 44

    # One tap: absent, saved at once; the counts follow without a reload.
    page.locator(f"label[for=mark-{away.pk}-absent]").click()
    expect(page.get_by_test_id("count-absent")).to_have_text("1")
    expect(page.get_by_test_id("count-marked")).to_have_text("1")
    assert Attendance.objects.get(lesson=lesson, enrolment=away).status == "absent"

    # The keyboard: the arrow keys move along a trainee's marks (late), saved the same way.
    late = running.enrolments[3]
    page.locator(f"#mark-{late.pk}-present").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_test_id("count-late")).to_have_text("1")
    expect(page.get_by_test_id("count-marked")).to_have_text("2")
    expect(page.get_by_test_id("save-register")).to_contain_text("10")  # the button follows too
    page.screenshot(path=str(OUT_DIR / "register-390-marked.png"), full_page=True)

    # Save: everyone else present, the leave as leave.
    page.get_by_test_id("save-register").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("count-marked")).to_have_text("12")
    expect(page.get_by_test_id("count-here")).to_have_text("10")  # 9 present + 1 late
    marks = dict(Attendance.objects.filter(lesson=lesson).values_list("enrolment_id", "status"))
    assert marks[on_leave.pk] == "leave_sick" and marks[away.pk] == "absent" and marks[late.pk] == "late"
    assert list(marks.values()).count("present") == 9
    page.screenshot(path=str(OUT_DIR / "register-390-saved.png"), full_page=True)
    assert not csp_refusals(page)


def test_the_tutor_grades_one_after_another_and_finds_the_class_workbook(live_server, browser):
    from playwright.sync_api import expect

    from peixun.assessment import services as assessment_services
    from peixun.assessment.rules import presets
    from peixun.delivery.services import coursework

    world = build_world()
    running = running_project(world, size=3)
    assessment_services.save_version(
        project=running.project, text=presets.preset_text("exam-practice"), actor=world.county_admin
    )
    assignment = coursework.save_assignment(
        project=running.project,
        actor=world.county_admin,
        fields={
            "title": "教学设计",
            "kind": "lesson_design",
            "due_at": timezone.now() + timedelta(days=2),
            "rubric": [{"name": "目标清晰", "max": "50"}, {"name": "过程合理", "max": "50"}],
        },
    )
    for enrolment, user in zip(running.enrolments, running.users, strict=True):
        coursework.submit(
            assignment=assignment, enrolment=enrolment, text="本节课以单元整体教学为主线。" * 20, actor=user
        )
    for width in (390, 1366):
        page = new_page(browser, width=width, language="zh-hans")
        sign_in(page, live_server.url, "tutor_person", PASSWORD)
        page.goto(live_server.url + reverse("delivery:grading"))
        expect(page.get_by_test_id("queue-row")).to_have_count(3 if width == 390 else 2)
        page.screenshot(path=str(OUT_DIR / f"grading-queue-{width}.png"), full_page=True)
        page.get_by_test_id("start-grading").click()
        page.get_by_test_id("points-0").fill("45")
        page.get_by_test_id("points-1").fill("40.5")
        page.screenshot(path=str(OUT_DIR / f"grading-item-{width}.png"), full_page=True)
        page.get_by_test_id("save-and-next").click()
        page.wait_for_load_state("networkidle")
        expect(page.get_by_test_id("queue-position")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.goto(live_server.url + reverse("assessment:results", args=[running.project.pk]))
        expect(page.get_by_test_id("scores-template")).to_have_count(1)
        page.screenshot(path=str(OUT_DIR / f"results-scores-{width}.png"), full_page=True)
        page.close()
    graded = sorted(s.score for s in assignment.submissions.filter(status="graded"))
    assert [str(score) for score in graded] == ["85.5", "85.5"]
