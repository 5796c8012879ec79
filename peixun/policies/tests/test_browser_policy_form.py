"""In a browser, in Chinese, at desktop width and on a phone (390 px): a county administrator
starts a policy from a preset in the form, adds a required total by title, sees a teacher's
standing in the preview change with it, and saves the draft."""

from pathlib import Path

import pytest

from peixun.policies.models import PolicyVersion
from peixun.testing.browser import csp_refusals, needs_chromium, new_page
from peixun.testing.factories import PASSWORD, give_hours
from peixun.testing.personas import build_world
from peixun.testing.screenshots import sign_in

pytestmark = needs_chromium
SHOTS = Path(__file__).resolve().parents[3] / "screenshots"


@pytest.mark.parametrize("width", [1366, 390])
def test_a_policy_is_built_in_the_form_with_a_live_preview(live_server, browser, width):
    from playwright.sync_api import expect

    world = build_world()
    give_hours(world.teacher_a1, 30)
    page = new_page(browser, width=width, language="zh-hans")
    sign_in(page, live_server.url, "county_admin", PASSWORD)
    page.goto(f"{live_server.url}/policies/new/?preset=annual-60")
    page.select_option("#preview-sample", str(world.teacher_a1.pk))
    result = page.locator("[data-testid=preview-result]")
    expect(result).to_contain_text(world.teacher_a1.name)
    expect(page.locator("[data-testid=preview-required]")).to_have_text("60.0")
    page.fill("#id_code", "donghu-2026")
    page.fill("#id_name", "东湖区每年 60 学时")
    page.fill("#id_required_hours", "-1")
    expect(page.locator("[data-testid=preview-problems]")).to_contain_text("应修·学时")
    page.fill("#id_required_hours", "50")
    expect(page.locator("[data-testid=preview-required]")).to_have_text("50.0")
    page.click("[data-testid=required-add]")
    page.fill("#id_required-0-hours", "72")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"policy-form-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.click("[data-testid=save]")
    expect(page.locator(".alert-success")).to_be_visible()
    version = PolicyVersion.objects.get()
    assert version.rules.required.hours == 50 and version.policy.code == "donghu-2026"
    assert version.rules.required.by_title == {"professor": 72}  # the first choice of 职称
    page.screenshot(path=str(SHOTS / f"policy-saved-{width}.png"), full_page=True)
    assert not csp_refusals(page)
