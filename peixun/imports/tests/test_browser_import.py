"""In a phone-sized browser, a coordinator uploads a small roster, reads the preview, applies it and
finds the new teachers in the people list."""

from peixun.imports.tests.files import person_row, roster, valid_id
from peixun.testing.browser import needs_chromium
from peixun.testing.factories import PASSWORD
from peixun.testing.personas import build_world
from peixun.testing.screenshots import sign_in

pytestmark = needs_chromium


def test_coordinator_uploads_previews_and_applies_a_roster_on_a_phone(live_server, browser_page):
    from playwright.sync_api import expect

    build_world()
    data = roster(
        person_row(姓名="孙悦"),
        person_row(姓名="钱多多", 证件号码=valid_id(sequence=9), 性别="", 单位代码=""),
    )
    page = browser_page
    sign_in(page, live_server.url, "coordinator_a1", PASSWORD)
    page.goto(f"{live_server.url}/imports/")
    expect(page.get_by_text("No imports yet")).to_be_visible()
    page.click("text=Import people")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "roster.xlsx", "mimeType": "application/octet-stream", "buffer": data}],
    )
    page.click("button[type=submit]:has-text('Upload and check')")
    page.wait_for_url("**/imports/*/")
    expect(page.locator("[data-count=created]")).to_have_text("2")
    expect(page.get_by_text("The file has no errors")).to_be_visible()
    page.click("button:has-text('Apply')")
    expect(page.get_by_text("Applied: 2 records created or updated.")).to_be_visible()
    page.click("text=See the results")
    page.wait_for_url("**/orgs/people/**")
    expect(page.get_by_text("孙悦")).to_be_visible()
    expect(page.get_by_text("钱多多")).to_be_visible()
    # The page fits a phone: nothing wider than the viewport.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
