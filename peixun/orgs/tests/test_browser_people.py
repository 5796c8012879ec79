"""In a phone-sized browser, a coordinator finds a teacher by pinyin initials and opens the record."""

from peixun.testing.browser import needs_chromium
from peixun.testing.factories import PASSWORD, make_person
from peixun.testing.personas import build_world
from peixun.testing.screenshots import sign_in

pytestmark = needs_chromium


def test_coordinator_on_a_phone_finds_a_teacher_by_initials_and_opens_the_record(live_server, browser_page):
    from playwright.sync_api import expect

    world = build_world()
    make_person(world.school_a1, "王小梅")
    make_person(world.school_a1, "刘晓敏")  # liu xiao min: the same initials, lxm
    make_person(world.school_a1, "张三")
    page = browser_page
    sign_in(page, live_server.url, "coordinator_a1", PASSWORD)
    page.goto(f"{live_server.url}/orgs/people/")
    names = page.locator("#results a.fw-semibold")
    expect(names).to_have_count(4)
    page.fill("#id_q", "lxm")  # by the initials of li xiao ming (刘晓敏, liu xiao min, shares them)
    expect(names).to_have_count(2)
    # Live search replaced the results without a full page load, and the address is shareable.
    page.wait_for_url("**/orgs/people/?q=lxm")
    page.fill("#id_q", "lixiao")
    expect(names).to_have_count(1)
    expect(names.first).to_have_text("李晓明")
    # At 390 px the table hides its secondary columns.
    assert not page.locator("th:has-text('Organisation')").is_visible()
    page.click("#results a.fw-semibold")
    page.wait_for_url(f"**/orgs/people/{world.teacher_a1.pk}/")
    assert page.locator("h1").inner_text().startswith("李晓明")
    id_cell = page.locator("[data-testid=id-cell]").inner_text()
    assert world.teacher_a1.id_masked in id_cell
    assert page.locator("[data-testid=reveal]").count() == 0  # schools see the number masked
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
