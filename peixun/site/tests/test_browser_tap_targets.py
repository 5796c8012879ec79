"""Phones: every control on the main pages of each role is at least 44 px tall at 390 px width.

The demo region (`seed_demo --scale tiny`) is signed into as each demo role; every page of that
role's menu (and the first project and class the role can open) is measured in headless Chromium.

Measured: buttons, links styled as buttons or tabs, menu links, breadcrumb links, pagination,
inputs, selects, textareas, summaries and the language switch. A checkbox or radio counts as tall
enough when the label that toggles it is. Excluded on purpose: inline text links inside running
text or table cells (a name in a sentence or a row); they are read, then tapped with the row, and
making them 44 px tall would break the line. Hidden elements (display none, collapsed menus
not opened, visually-hidden text) are not measured.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from peixun.demo.region import DEMO_ACCOUNTS, DEMO_PASSWORD
from peixun.testing.browser import needs_chromium, new_page
from peixun.testing.second_factor import pass_step, prepare

pytestmark = needs_chromium

MIN_HEIGHT = 44

# Runs in the page: every visible control shorter than 44 px, described for the failure message.
MEASURE = """
(minimum) => {
  const controls = 'button, .btn, input:not([type=hidden]), select, textarea, summary, .page-link, '
    + '.nav-link, .dropdown-item, .list-group-item-action, .breadcrumb-item a, [role=button], [role=tab]';
  const seen = new Set(document.querySelectorAll(controls));
  // Other links are measured unless they are inline text (display: inline) in running text.
  for (const link of document.querySelectorAll('a[href]')) {
    if (getComputedStyle(link).display !== 'inline') seen.add(link);
  }
  const shown = (el) => {
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) return false;
    const box = el.getBoundingClientRect();
    return box.width > 1 && box.height > 1;  // visually-hidden text is a 1 px clip
  };
  const height = (el) => {
    let h = el.getBoundingClientRect().height;
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      const labels = [...(el.labels || [])];
      const wrap = el.closest('label, .form-check');
      if (wrap) labels.push(wrap);
      for (const label of labels) h = Math.max(h, label.getBoundingClientRect().height);
    }
    return h;
  };
  const short = [];
  for (const el of seen) {
    if (!shown(el)) continue;
    const h = height(el);
    if (h + 0.5 < minimum) {
      const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim();
      const name = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
      short.push(`${name} "${text.slice(0, 30)}" ${h.toFixed(1)}px`);
    }
  }
  return short;
}
"""


def open_menu(page) -> None:
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        page.wait_for_selector("#main-nav.show")


def short_controls(page) -> list[str]:
    open_menu(page)
    return page.evaluate(MEASURE, MIN_HEIGHT)


def sign_in(page, base: str, username: str) -> None:
    device = prepare(username)  # the demo administrators' device (demo key): its current code
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    pass_step(page, device)


def pages_of_role(page, base: str) -> list[str]:
    """The role's menu, then the first project and the first class it can open."""
    open_menu(page)
    # Staff who are trainees too have their own pages in a drop-down (我的学习): its items count.
    urls = page.eval_on_selector_all(
        "#main-nav a.nav-link, #main-nav a.dropdown-item", "links => links.map(a => a.getAttribute('href'))"
    )
    extra = []
    for list_url, selector in (("/training/", "main a[href^='/training/projects/']"),):
        page.goto(f"{base}{list_url}")
        hrefs = page.eval_on_selector_all(selector, "links => links.map(a => a.getAttribute('href'))")
        extra.extend(hrefs[:1])
    return list(dict.fromkeys([*urls, *extra]))


@pytest.mark.django_db(transaction=True)
def test_every_control_on_each_roles_main_pages_is_44_px_tall_on_a_phone(live_server, browser):
    call_command("seed_demo", "--scale", "tiny", stdout=StringIO())
    base = live_server.url
    failures: dict[str, list[str]] = {}
    measured = 0
    for account in DEMO_ACCOUNTS:
        page = new_page(browser, width=390, language="zh-hans")
        sign_in(page, base, account.username)
        for url in pages_of_role(page, base):
            page.goto(f"{base}{url}")
            # Loaded, and no HTMX request still filling a panel (networkidle would add half a
            # second of silence per page).
            page.wait_for_function("() => !document.querySelector('.htmx-request')")
            measured += 1
            short = short_controls(page)
            if short:
                failures[f"{account.username} {url}"] = short
        # The login page and the footer's language switch, signed out.
        page.context.close()
    page = new_page(browser, width=390, language="zh-hans")
    page.goto(f"{base}/accounts/login/")
    if short := short_controls(page):
        failures["login"] = short
    page.context.close()
    assert measured >= 20
    assert not failures, "\n".join(f"{where}: {'; '.join(items)}" for where, items in failures.items())
