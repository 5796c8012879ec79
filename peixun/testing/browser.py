"""Headless Chromium for browser tests: Playwright driving Debian's /usr/bin/chromium.

    pytestmark = needs_chromium
    def test_…(live_server, browser_page): …            # a phone-sized page, English (fixture)
    def test_…(live_server, browser):                   # the browser, for several pages (fixture)
        page = new_page(browser, width=1366, language="zh-hans")

Each page collects its console errors in `page.console_errors`; `csp_refusals(page)` keeps those
the Content Security Policy caused (an inline style or script a library slipped in). Dialogs
(confirm()) are accepted.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from peixun.testing.screenshots import CHROMIUM, CHROMIUM_ARGS

HEIGHTS = {1366: 900, 390: 844}

needs_chromium = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs /usr/bin/chromium"),
]


@contextmanager
def chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are then
    # refused unless async-unsafe calls are allowed.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def new_page(browser, *, width: int = 390, height: int | None = None, language: str = "en"):
    context = browser.new_context(
        viewport={"width": width, "height": height or HEIGHTS.get(width, 900)},
        locale="zh-CN" if language.startswith("zh") else "en-US",
        extra_http_headers={"Accept-Language": language},
        accept_downloads=True,
        # Bootstrap drops its transitions for reduced motion: a menu opens at once instead of
        # after a 0.35 s slide that every click would wait out.
        reduced_motion="reduce",
    )
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda message: message.type == "error" and page.console_errors.append(message.text))
    page.on("dialog", lambda dialog: dialog.accept())
    return page


@contextmanager
def browser_page(*, width: int = 390, height: int | None = None, language: str = "en") -> Iterator:
    with chromium() as browser:
        yield new_page(browser, width=width, height=height, language=language)


def csp_refusals(page) -> list[str]:
    return [text for text in page.console_errors if "Content Security Policy" in text or "Refused to" in text]
