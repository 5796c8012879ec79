"""In a browser: a teacher on a phone reads what is still missing and downloads the transcript; a
county admin writes a draft policy (fixing the field the page points at), tries it with a what-if
run, adopts it, and reads the compliance report with its charts — without a CSP error."""

import io

from openpyxl import load_workbook

from peixun.policies.rules.presets import preset_text
from peixun.testing.browser import csp_refusals, needs_chromium, new_page
from peixun.testing.factories import PASSWORD, adopt_preset, give_hours
from peixun.testing.personas import build_world
from peixun.testing.screenshots import sign_in

pytestmark = needs_chromium


def test_a_teacher_on_a_phone_sees_what_is_missing_and_downloads_the_transcript(live_server, browser):
    world = build_world()
    adopt_preset(world.city)
    give_hours(
        world.teacher_a1,
        60,
        "k1",
        category="ethics_literacy",
        level="city",
        mode="concentrated",
        source="project",
        title="师德专题培训",
        tags=["ethics"],
    )
    page = new_page(browser, width=390, language="zh-hans")
    sign_in(page, live_server.url, "teacher_a1", PASSWORD)
    page.goto(f"{live_server.url}/hours/")
    missing = page.locator("[data-testid=missing]")
    assert "总学时还差 300.0 学时" in missing.inner_text()
    assert "师德专题培训" in page.locator("[data-testid=entries]").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    with page.expect_download() as download:
        page.click("a[href$='transcript.xlsx']")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert book["学时记录"]["B2"].value == "师德专题培训"
    assert csp_refusals(page) == []


def test_a_county_admin_drafts_tries_and_adopts_a_policy_then_reads_the_report(live_server, browser):
    from playwright.sync_api import expect

    world = build_world()
    adopt_preset(world.city, "annual-60")
    page = new_page(browser, width=1366, language="en")
    sign_in(page, live_server.url, "county_admin", PASSWORD)
    page.goto(f"{live_server.url}/policies/new/?preset=five-year-360-county180&mode=text")
    text = preset_text("five-year-360-county180").replace("level_at_least: county", "level_at_least: town")
    page.fill("textarea[name=text]", text)
    page.fill("input[name=effective_from]", "2026-01-01")
    page.click("[data-testid=save]")
    problems = page.locator("[data-testid=problems]")
    assert "规则第1条·计入范围·最低级别" in problems.inner_text()
    page.fill("textarea[name=text]", text.replace("level_at_least: town", "level_at_least: county"))
    page.click("[data-testid=save]")
    page.wait_for_url("**/policies/versions/*/")
    page.click("[data-testid=what-if]")
    page.wait_for_url("**/hours/what-if/*/")
    summary = page.locator("[data-testid=what-if-summary]")
    summary.wait_for()
    assert "Would be short" in summary.inner_text()
    page.go_back()
    page.click("[data-testid=adopt]")
    expect(page.locator("body")).to_contain_text("The policy is adopted")
    page.goto(f"{live_server.url}/hours/compliance/")
    page.locator(".chart svg").first.wait_for()
    assert page.locator("[data-testid=summary]").inner_text().count("2") >= 1
    assert csp_refusals(page) == []


def test_a_what_if_from_a_preset_explains_itself_on_a_phone_and_downloads(live_server, browser, tmp_path):
    """Issue 13, defect 8: the run from a preset says what changes and who newly falls short and
    why, fits a 390 px screen, and its workbook reads back."""
    from datetime import date

    from peixun.policies import services as policy_services

    world = build_world()
    give_hours(world.teacher_a1, 60, "w1", earned_on=date(2026, 3, 1))
    adopt_preset(world.city, "annual-60")
    draft = policy_services.create_policy(
        org=world.city,
        text=preset_text("five-year-360"),
        effective_from=date(2027, 1, 1),
        actor=world.city_admin,
    )
    page = new_page(browser, width=390, language="zh-hans")
    sign_in(page, live_server.url, "city_admin", PASSWORD)
    page.goto(f"{live_server.url}/policies/versions/{draft.pk}/")
    page.fill("input[name=as_of]", "2026-06-01")
    page.click("[data-testid=what-if]")
    page.wait_for_url("**/hours/what-if/*/")
    explanation = page.locator("[data-testid=what-if-explanation]")
    explanation.wait_for()
    assert "考核周期：每自然年 → 每 5 年一个周期" in explanation.inner_text()
    assert "新增未达标" in page.locator("[data-testid=what-if-moves]").inner_text()
    change = page.locator("[data-testid=what-if-change]")
    assert change.count() == 1 and "李晓明" in change.inner_text()
    assert "还差 300.0 学时" in change.inner_text()
    page.screenshot(path=str(tmp_path / "what-if-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    with page.expect_download() as download:
        page.click("[data-testid=what-if-export]")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert book["结果变化名单"]["A2"].value == "李晓明"
    assert csp_refusals(page) == []
