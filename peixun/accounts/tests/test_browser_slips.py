"""A coordinator makes their teachers' accounts and downloads the slips in headless Chromium, at
phone and desktop widths; the teacher signs in with the slip's password and must choose their own."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from peixun.accounts.tests.test_browser_login import WIDTHS, no_horizontal_scroll, submit_login
from peixun.testing.browser import needs_chromium, new_page
from peixun.testing.factories import PASSWORD, make_person
from peixun.testing.personas import build_world
from peixun.testing.screenshots import OUT_DIR

pytestmark = needs_chromium


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_coordinator_makes_accounts_prints_the_slips_and_the_teacher_signs_in(live_server, browser, width):
    from playwright.sync_api import expect

    world = build_world()
    make_person(world.school_a1, "孙丽", birth_date=date(1979, 6, 1), mobile="13812345678")
    base = live_server.url
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    page = new_page(browser, width=width, language="zh-hans")
    submit_login(page, base, "coordinator_a1", PASSWORD)

    page.goto(f"{base}/orgs/people/")
    page.get_by_role("link", name="为尚无账号的教师创建账号").click()
    page.wait_for_load_state("networkidle")
    assert "/accounts/teachers/" in page.url and "show=none" in page.url
    with page.expect_navigation():
        page.locator("[data-testid=roster-row]", has_text="孙丽").locator("[data-testid=create-one]").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=slips-warning]")).to_be_visible()
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(OUT_DIR / f"accounts-slips-{width}.png"), full_page=True)

    with page.expect_download() as pdf_download:
        page.locator("[data-testid=download-pdf]").click()
    text = "".join(p.extract_text() for p in PdfReader(pdf_download.value.path()).pages)
    page.reload()
    with page.expect_download() as xlsx_download:
        page.locator("[data-testid=download-xlsx]").click()
    # The download's file has no extension, which openpyxl insists on: read the bytes.
    sheet = load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes())).active
    rows = {row[2]: row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    password = rows["13812345678"]
    assert password in text and "孙丽" in text
    page.reload()
    expect(page.locator("[data-testid=slips-closed]")).to_be_visible()

    page.goto(f"{base}/accounts/activation/")
    expect(page.locator("[data-testid=inactive-row]")).to_have_count(1)
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(OUT_DIR / f"accounts-inactive-{width}.png"), full_page=True)
    page.context.close()

    teacher = new_page(browser, width=width, language="zh-hans")
    submit_login(teacher, base, "13812345678", password)
    assert teacher.url.endswith("/accounts/password/")
    teacher.context.close()
