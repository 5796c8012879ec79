"""Screenshots of pages at desktop and phone widths, to look at the layout with one's own eyes.

Signs in as a given user in headless Chromium (Playwright driving /usr/bin/chromium) and saves one
PNG per page and width into screenshots/ (git-ignored). Against a running server:

    .venv/bin/python -m peixun.testing.screenshots --base http://127.0.0.1:8011 \\
        --user city_admin --password '…' [--code 123456] / /orgs/tree/ /orgs/people/

A path may end with `!click=<css selector>` to click something (e.g. expand a tree node) first.
"""

import argparse
import re
import sys
from collections.abc import Iterable
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = (1366, 390)
HEIGHTS = {1366: 900, 390: 844}
OUT_DIR = Path(__file__).resolve().parent.parent.parent / "screenshots"


def _slug(path: str) -> str:
    return re.sub(r"[^a-zA-Z0-9]+", "-", path).strip("-") or "home"


def sign_in(page, base_url: str, username: str, password: str, *, code: str = "") -> None:
    """The password, then the second factor when asked: `code` as given (a running server), or, in
    tests (Django set up), the current code of the user's device (peixun.testing.second_factor)."""
    device = None
    if not code and _django_ready():
        from peixun.testing.second_factor import prepare

        device = prepare(username)
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    # Wait for the answer to the POST: a goto straight after the click could cancel it.
    with page.expect_navigation():
        page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    if code and "/accounts/security/verify/" in page.url:
        page.fill("input[name=code]", code)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        page.wait_for_load_state("networkidle")
    elif device is not None:
        from peixun.testing.second_factor import pass_step

        pass_step(page, device)


def _django_ready() -> bool:
    try:
        from django.apps import apps
    except ImportError:
        return False
    return apps.ready


def take_screenshots(
    *,
    base_url: str,
    username: str,
    password: str,
    paths: Iterable[str],
    out_dir: Path = OUT_DIR,
    widths: Iterable[int] = WIDTHS,
    language: str = "zh-hans",
    code: str = "",
) -> list[Path]:
    """Sign in as `username` (once: the other widths reuse the session) and save full-page PNGs of
    every path at every width; return the files."""
    from playwright.sync_api import sync_playwright

    base_url = base_url.rstrip("/")
    out_dir.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            signed_in = None
            for width in widths:
                context = browser.new_context(
                    viewport={"width": width, "height": HEIGHTS.get(width, 900)},
                    locale="zh-CN" if language.startswith("zh") else "en-US",
                    extra_http_headers={"Accept-Language": language},
                    storage_state=signed_in,
                )
                page = context.new_page()
                if signed_in is None:
                    sign_in(page, base_url, username, password, code=code)
                    signed_in = context.storage_state()
                for raw in paths:
                    path, _, action = raw.partition("!")
                    page.goto(f"{base_url}{path}")
                    page.wait_for_load_state("networkidle")
                    if action.startswith("click="):
                        page.click(action.removeprefix("click="))
                        page.wait_for_load_state("networkidle")
                        page.wait_for_timeout(300)
                    target = out_dir / f"{username}-{_slug(raw)}-{width}.png"
                    page.screenshot(path=str(target), full_page=True)
                    saved.append(target)
                context.close()
        finally:
            browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--code", default="", help="the second-factor code, for an administrator")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--language", default="zh-hans")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    files = take_screenshots(
        base_url=args.base,
        username=args.user,
        password=args.password,
        paths=args.paths,
        out_dir=args.out,
        language=args.language,
        code=args.code,
    )
    for file in files:
        print(file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
