"""In a browser, in Chinese, at desktop width and on a phone (390 px): a centre administrator
builds an assessment scheme in the form — changes a weight and sees the sum and the refusal
naming the field, adds a part scored by hand and two grades with a cap, watches the preview on a
trainee — and saves it as a new version."""

from decimal import Decimal
from pathlib import Path

import pytest

from peixun.delivery.tests.helpers import running_project
from peixun.testing.browser import csp_refusals, needs_chromium, new_page
from peixun.testing.factories import PASSWORD
from peixun.testing.personas import build_world
from peixun.testing.screenshots import sign_in

pytestmark = needs_chromium
SHOTS = Path(__file__).resolve().parents[3] / "screenshots"


@pytest.mark.parametrize("width", [1366, 390])
def test_a_scheme_is_built_in_the_form_with_a_live_preview(live_server, browser, width):
    from playwright.sync_api import expect

    world = build_world()
    running = running_project(world, size=2)
    project = running.project
    page = new_page(browser, width=width, language="zh-hans")
    sign_in(page, live_server.url, "centre_staff", PASSWORD)
    page.goto(f"{live_server.url}/assessment/projects/{project.pk}/scheme/?preset=head-teacher")
    total = page.locator("[data-weight-total]")
    expect(total).to_have_text("100")
    expect(page.locator("[data-testid=preview-result]")).to_be_visible()

    page.fill("#id_components-2-weight", "45")
    expect(total).to_have_text("95")
    expect(page.locator("[data-testid=preview-problems]")).to_contain_text("权重合计须为 100，现为 95")
    page.click("[data-testid=save-scheme]")
    problems = page.locator("[data-testid=scheme-problems]")
    expect(problems).to_contain_text("成绩构成：权重合计须为 100，现为 95")
    assert project.scheme_versions.count() == 0

    page.click("[data-testid=components-add]")
    page.fill("#id_components-3-label", "校本实践")
    page.select_option("#id_components-3-source", "manual")
    page.fill("#id_components-3-weight", "5")
    page.fill("#id_components-3-max", "20")
    expect(total).to_have_text("100")
    page.click("[data-testid=bands-add]")
    page.fill("#id_bands-0-label", "优秀")
    page.fill("#id_bands-0-min", "90")
    page.fill("#id_bands-0-cap_share", "25")
    page.click("[data-testid=bands-add]")
    page.fill("#id_bands-1-label", "合格")
    page.fill("#id_bands-1-min", "0")
    page.select_option("#id_tie_break_1", "total")
    page.select_option("#id_tie_break_2", "lottery")
    result = page.locator("[data-testid=preview-result]")
    expect(result).to_contain_text("校本实践")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"scheme-form-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.fill("input[name=note]", "增加校本实践")
    page.click("[data-testid=save-scheme]")
    expect(page.locator(".alert-success")).to_contain_text("新版本")
    version = project.scheme_versions.get()
    scheme = version.scheme()
    assert [c.label for c in scheme.components] == ["出勤", "作业", "教育与组织工作", "校本实践"]
    assert [c.weight for c in scheme.components] == [20, 30, 45, 5]
    assert scheme.components[3].source == "manual" and scheme.components[3].max == 20
    bands = [(b.label, b.min, b.cap_share) for b in scheme.bands.levels]
    assert bands == [("优秀", 90, Decimal("0.25")), ("合格", 0, None)]
    assert scheme.bands.tie_break == ("total", "lottery")
    assert version.preset == ""  # changed from the preset: no warning about the preset's old text
    expect(page.locator("[data-testid=scheme-outdated]")).to_have_count(0)
    page.screenshot(path=str(SHOTS / f"scheme-saved-{width}.png"), full_page=True)
    assert not csp_refusals(page)
