"""In a browser on a phone (390 px, in Chinese): the centre's staff ask for more places and a new
class for an approved, enrolling project; the bureau finds the request in the inbox, reads the
differences and approves it; the project then has the new capacity and class."""

from peixun.testing.browser import csp_refusals, needs_chromium, new_page
from peixun.testing.factories import PASSWORD, make_project
from peixun.testing.personas import build_world
from peixun.testing.screenshots import sign_in
from peixun.training.models import ChangeRequest, Cohort, Enrolment, Project
from peixun.training.services import enrolment

pytestmark = needs_chromium


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_change_request_is_submitted_and_approved_on_phones(live_server, browser):
    from playwright.sync_api import expect

    world = build_world()
    project = make_project(
        world.county_a, title="2026年班主任专题培训", capacity=2, created_by=world.centre_staff
    )
    for person in (world.teacher_a1, world.teacher_a2):
        enrolment.enrol(project=project, person=person, actor=None)
    first = Cohort.objects.create(project=project, number=1, name="第1班")
    Enrolment.objects.filter(project=project).update(cohort=first)

    organiser = new_page(browser, width=390, language="zh-hans")
    sign_in(organiser, live_server.url, "centre_staff", PASSWORD)
    organiser.goto(f"{live_server.url}/training/{project.pk}/")
    organiser.click("[data-testid=request-change]")
    expect(organiser.locator("h1")).to_have_text("申请变更")
    expect(organiser.locator("#id_capacity")).to_have_value("2")
    assert fits(organiser)
    organiser.fill("#id_capacity", "1")  # below the 2 places taken: refused, with what to do
    organiser.fill("#id_reason", "报名人数超出预期，增加名额并增开一个班。")
    organiser.click("[data-testid=submit-change]")
    expect(organiser.locator("[data-testid=form-errors]")).to_be_visible()
    expect(organiser.locator("body")).to_contain_text("总名额不能少于已占用的 2 个名额")
    organiser.fill("#id_capacity", "120")
    organiser.click("[data-testid=add-class]")
    organiser.fill("#id_classes-1-name", "第2班")
    organiser.click("[data-testid=submit-change]")
    expect(organiser.locator("[data-testid=change-status]")).to_have_text("待审批")
    expect(organiser.locator("[data-testid=differences]")).to_contain_text("总名额")
    assert fits(organiser)

    approver = new_page(browser, width=390, language="zh-hans")
    sign_in(approver, live_server.url, "county_admin", PASSWORD)
    approver.goto(f"{live_server.url}/training/inbox/")
    approver.click("[data-testid=inbox-change]")
    table = approver.locator("[data-testid=differences]")
    expect(table.locator("tr[data-field=capacity]")).to_contain_text("120")
    expect(table.locator("tr[data-field=classes]")).to_contain_text("第2班（新增）")
    expect(table).not_to_contain_text("结束日期")  # only what differs
    assert fits(approver)
    approver.click("[data-testid=approve-change]")  # the confirm() prompt is accepted
    expect(approver.locator("[data-testid=change-status]")).to_have_text("已批准")
    assert fits(approver)

    project.refresh_from_db()
    assert project.capacity == 120
    assert list(project.cohorts.values_list("name", flat=True)) == ["第1班", "第2班"]
    assert ChangeRequest.objects.get(project=project).status == "approved"
    assert Project.objects.get(pk=project.pk).places_taken == 2
    assert not csp_refusals(organiser) and not csp_refusals(approver)
