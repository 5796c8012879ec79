"""Signing in, out, and the first-sign-in password change in headless Chromium, at phone and
desktop widths. Screenshots of the login and password pages go to screenshots/ to be looked at."""

import re

import pytest

from peixun.testing.browser import needs_chromium, new_page
from peixun.testing.factories import PASSWORD
from peixun.testing.personas import build_world
from peixun.testing.screenshots import OUT_DIR
from peixun.testing.second_factor import pass_step, prepare

pytestmark = needs_chromium

WIDTHS = {1366: 900, 390: 844}


def submit_login(page, base: str, username: str, password: str) -> None:
    """The sign-in form; for an account that needs it, the second factor too (with the right
    password: peixun.testing.second_factor)."""
    device = prepare(username) if password == PASSWORD else None
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    # Wait for the answer to the POST itself: reading page.url straight after the click races it.
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
    pass_step(page, device)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_sign_in_out_and_first_sign_in_password_change(live_server, browser, width):
    from playwright.sync_api import expect

    world = build_world()
    world.tutor_a1.must_change_password = True
    world.tutor_a1.save()
    base = live_server.url
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    page = new_page(browser, width=width, language="zh-hans")

    page.goto(f"{base}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(OUT_DIR / f"login-{width}.png"), full_page=True)

    # A wrong password: an error in Chinese (or its English source while the catalog is pending).
    submit_login(page, base, "teacher_a1", "wrong-password")
    error = page.locator(".alert-danger")
    expect(error).to_be_visible()
    assert any(phrase in error.inner_text() for phrase in ("账号或密码", "account or password"))
    page.screenshot(path=str(OUT_DIR / f"login-error-{width}.png"), full_page=True)

    # The right password lands on the home page.
    submit_login(page, base, "teacher_a1", PASSWORD)
    assert page.url == f"{base}/"
    expect(page.locator("main h1")).to_contain_text("李晓明")

    # Sign out (on a phone the menu folds behind the toggler first).
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
        # Bootstrap marks the menu "show" once it has finished sliding open; a click during the
        # slide can miss the button (seen on a loaded machine).
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    page.locator("nav form[action='/accounts/logout/'] button").click()
    expect(page).to_have_url(f"{base}/accounts/login/")
    page.goto(f"{base}/")
    assert page.url.startswith(f"{base}/accounts/login/")

    # An account that must change its password is sent to the password page, wherever it goes.
    submit_login(page, base, "tutor_a1", PASSWORD)
    assert page.url == f"{base}/accounts/password/"
    page.goto(f"{base}/orgs/people/")
    assert page.url == f"{base}/accounts/password/"
    expect(page.locator(".alert-warning")).to_be_visible()
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(OUT_DIR / f"password-{width}.png"), full_page=True)

    page.fill("input[name=old_password]", PASSWORD)
    page.fill("input[name=new_password1]", "Lantern-Orchard-42")
    page.fill("input[name=new_password2]", "Lantern-Orchard-42")
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{base}/")
    world.tutor_a1.refresh_from_db()
    assert world.tutor_a1.must_change_password is False
    page.context.close()


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_bureau_admin_resets_a_teachers_password_and_a_locked_pair_sees_the_wait(live_server, browser, width):
    from playwright.sync_api import expect

    world = build_world()
    base = live_server.url
    page = new_page(browser, width=width, language="zh-hans")
    submit_login(page, base, "county_admin", PASSWORD)

    page.goto(f"{base}/accounts/users/")
    expect(page.get_by_role("link", name="teacher_a1")).to_be_visible()
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(OUT_DIR / f"accounts-list-{width}.png"), full_page=True)

    page.get_by_role("link", name="teacher_a1").click()
    page.wait_for_load_state("networkidle")
    page.locator("form[action$='/password-reset/'] button").click()
    page.wait_for_load_state("networkidle")
    temporary = page.locator("[data-testid=temporary-password] code").inner_text()
    assert len(temporary) == 10
    assert no_horizontal_scroll(page)
    page.screenshot(path=str(OUT_DIR / f"accounts-detail-{width}.png"), full_page=True)

    page.goto(f"{base}/accounts/provision/")
    page.screenshot(path=str(OUT_DIR / f"accounts-provision-{width}.png"), full_page=True)
    page.context.close()

    # The teacher, after five wrong guesses from one address, is told how long to wait.
    teacher = new_page(browser, width=width, language="zh-hans")
    for _ in range(5):
        submit_login(teacher, base, "teacher_a1", "wrong-password")
    expect(teacher.locator("main")).to_contain_text("5")
    assert no_horizontal_scroll(teacher)
    teacher.screenshot(path=str(OUT_DIR / f"locked-out-{width}.png"), full_page=True)
    world.teacher_user.refresh_from_db()
    assert world.teacher_user.check_password(temporary)
    teacher.context.close()
