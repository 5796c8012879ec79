"""A school coordinator finds 教师账号 in the menu, filters 无账号, creates a teacher's account and
downloads the slip list, in headless Chromium at phone and desktop widths; the teacher signs in with
their phone and the slip's password and must first choose their own."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from peixun.accounts.tests.test_browser_login import WIDTHS, no_horizontal_scroll, submit_login
from peixun.site.tests.test_browser_tap_targets import short_controls
from peixun.testing.browser import needs_chromium, new_page
from peixun.testing.factories import PASSWORD, make_person
from peixun.testing.personas import build_world
from peixun.testing.screenshots import OUT_DIR

pytestmark = needs_chromium
MOBILE = "13812345678"


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_coordinator_creates_an_account_from_the_teacher_accounts_page(live_server, browser, width):
    from playwright.sync_api import expect

    world = build_world()
    make_person(world.school_a1, "孙丽", birth_date=date(1979, 6, 1), mobile=MOBILE)
    base = live_server.url
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    page = new_page(browser, width=width, language="zh-hans")
    submit_login(page, base, "coordinator_a1", PASSWORD)

    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    page.get_by_role("link", name="教师账号").click()
    page.wait_for_load_state("networkidle")
    page.locator("[data-filter=none]").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=roster-row]")).to_have_count(1)
    expect(page.locator("[data-filter=none] [data-count]")).to_have_text("1")
    assert no_horizontal_scroll(page)
    if width == 390:
        assert short_controls(page) == []
    page.screenshot(path=str(OUT_DIR / f"accounts-teachers-none-{width}.png"), full_page=True)
    with page.expect_navigation():
        page.locator("[data-testid=create-one]").click()
    expect(page.locator("[data-testid=slips-warning]")).to_be_visible()
    with page.expect_download() as xlsx_download:
        page.locator("[data-testid=download-xlsx]").click()
    sheet = load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes())).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    password = {row[2]: row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}[MOBILE]
    page.context.close()

    teacher = new_page(browser, width=width, language="zh-hans")
    submit_login(teacher, base, MOBILE, password)
    expect(teacher).to_have_url(f"{base}/accounts/password/")
    teacher.context.close()
