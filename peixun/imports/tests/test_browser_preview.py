"""In a browser, in Chinese, on a phone and on a desktop: a coordinator's roster preview lists what
will change person by person and offers the full list as a workbook; a masked export uploaded
again is refused with one message."""

from pathlib import Path

import pytest

from peixun.imports.tests.files import person_row, roster, valid_id
from peixun.testing.browser import needs_chromium, new_page
from peixun.testing.factories import PASSWORD
from peixun.testing.personas import build_world
from peixun.testing.screenshots import sign_in

pytestmark = needs_chromium
SHOTS = Path(__file__).resolve().parents[3] / "screenshots"


def _upload(page, base_url: str, data: bytes, name: str) -> None:
    page.goto(f"{base_url}/imports/new/people/")
    page.set_input_files(
        "input[type=file]", files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}]
    )
    page.click("main button[type=submit]:has-text('上传并校验')")
    page.wait_for_url("**/imports/*/")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_preview_lists_each_change_and_a_masked_file_gets_one_message(live_server, browser, width):
    from playwright.sync_api import expect

    world = build_world()
    teacher = world.teacher_a1
    data = roster(
        person_row(
            姓名=teacher.name,
            证件号码=teacher.reveal_id_number(),
            性别="男" if teacher.gender == "male" else "女",
            手机号="13911112222",
        ),
        person_row(姓名="孙悦", 证件号码=valid_id(sequence=9)),
    )
    page = new_page(browser, width=width, language="zh-hans")
    sign_in(page, live_server.url, "coordinator_a1", PASSWORD)
    _upload(page, live_server.url, data, "roster.xlsx")
    changes = page.get_by_test_id("import-changes")
    expect(changes).to_be_visible()
    expect(changes.get_by_text(teacher.id_masked)).to_be_visible()
    expect(changes.get_by_role("cell", name=teacher.name)).to_be_visible()
    expect(changes.get_by_text("13911112222")).to_be_visible()
    expect(changes.get_by_text("新增")).to_be_visible()
    assert teacher.reveal_id_number() not in page.content()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"import-preview-{width}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    with page.expect_download() as download:
        page.click("text=下载全部变更明细")
    assert download.value.suggested_filename.endswith("-changes.xlsx")

    # The people list's (masked) export, uploaded again: one message, no error per row.
    page.goto(f"{live_server.url}/orgs/people/")
    with page.expect_download() as exported:
        page.get_by_test_id("export-form").locator("button[type=submit]").click()
    masked = Path(exported.value.path()).read_bytes()
    _upload(page, live_server.url, masked, "people-export.xlsx")
    refusal = page.get_by_test_id("file-error")
    expect(refusal).to_contain_text("隐去了中间几位")
    expect(page.locator("#import-errors")).to_have_count(0)
    refusal.get_by_role("link", name="重新上传文件").click()
    page.wait_for_url("**/imports/new/people/")
    page.go_back()
    page.screenshot(path=SHOTS / f"import-masked-{width}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
