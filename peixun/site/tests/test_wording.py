"""Wording users read: no rule codes, full-width punctuation in Chinese, 姓名 for people, names
rather than usernames, 上个月/下个月, and Chinese labels for every key of the audit log."""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.template import Context, Template
from django.utils import translation

from peixun.audit import events
from peixun.lib.catalog import LOCALE_DIR, compile_all
from peixun.orgs.models import Person
from peixun.policies.rules import parse_policy
from peixun.policies.rules.presets import preset_codes, preset_text

ROOT = Path(__file__).resolve().parents[2]
RULE_CODE = re.compile(r"RULES|(?<![A-Za-z0-9])[A-H]\d{1,2}(?![0-9A-Za-z])")
# Half-width : , ; ( ) next to a Chinese character. Times (10:30), placeholders and formulas between
# Latin characters are left alone; a literal format quoted in “…” (“种子:人员 ID”) is text to type.
HALF_WIDTH = re.compile(r"[\u4e00-\u9fff][:,;()]|[:,;(][\u4e00-\u9fff]")
QUOTED = re.compile(r"“[^”]*”")


def compiled_messages() -> dict[str, str]:
    compile_all()
    mo = polib.mofile(str(LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.mo"))
    texts = {}
    for entry in mo:
        texts[entry.msgid] = entry.msgstr
        for index, text in entry.msgstr_plural.items():
            texts[f"{entry.msgid}[{index}]"] = text
    return texts


def test_the_chinese_catalog_uses_full_width_punctuation_between_chinese_characters():
    bad = {
        msgid: text for msgid, text in compiled_messages().items() if HALF_WIDTH.search(QUOTED.sub("", text))
    }
    assert not bad


def test_no_rule_code_appears_in_the_chinese_catalog():
    assert not {msgid: text for msgid, text in compiled_messages().items() if RULE_CODE.search(text)}


@pytest.mark.parametrize("code", preset_codes())
def test_a_presets_shown_source_and_labels_carry_no_rule_code(code):
    policy = parse_policy(preset_text(code))
    assert not RULE_CODE.search(policy.source)
    assert not HALF_WIDTH.search(policy.source)
    assert not [rule.label for rule in policy.rules if RULE_CODE.search(rule.label)]


def test_demo_texts_carry_no_rule_code():
    """String constants of the demo data (not comments or docstrings) are what users read."""
    found = []
    for path in sorted((ROOT / "demo").glob("*.py")):
        tree = ast.parse(path.read_text())
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and re.search(r"RULES [A-H]\d", node.value)
            ):
                found.append(f"{path.name}:{node.lineno}")
    assert not found


def test_a_persons_name_is_labelled_xingming():
    with translation.override("zh-hans"):
        assert str(Person._meta.get_field("name").verbose_name) == "姓名"


def test_month_navigation_reads_last_and_next_month():
    with translation.override("zh-hans"):
        assert (translation.gettext("Previous month"), translation.gettext("Next month")) == (
            "上个月",
            "下个月",
        )
    calendar = (ROOT / "delivery" / "templates" / "delivery" / "lesson_calendar.html").read_text()
    assert '{% translate "Previous month" %}' in calendar
    assert '{% translate "Next month" %}' in calendar


def render(text: str, **context) -> str:
    with translation.override("zh-hans"):
        return Template("{% load audit %}" + text).render(Context(context))


def test_audit_changes_show_chinese_labels_not_keys():
    shown = render(
        "{{ changes|audit_changes }}",
        changes={"status": ["draft", "published"], "hours": 30, "starts_on": [None, "2026-09-01"]},
    )
    assert "状态：" in shown
    assert "学时" in shown
    assert not re.search(r"\b(status|hours|starts_on)\b", shown)
    assert "；" in shown


def test_every_key_the_code_records_has_a_chinese_label():
    """The keys written in `changes={…}` literals across the apps all have a label in Chinese."""
    keys = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for match in re.finditer(r"changes=\{([^}]*)", path.read_text()):
            keys.update(re.findall(r'"([a-z_]+)":', match.group(1)))
    assert len(keys) > 40
    with translation.override("zh-hans"):
        english = {
            key: events.field_label(key) for key in keys if re.search(r"[A-Za-z]{3}", events.field_label(key))
        }
    # "IP 地址" and the like keep a Latin abbreviation; a whole English word is a missing label.
    assert not {key: label for key, label in english.items() if not re.search(r"[\u4e00-\u9fff]", label)}


@pytest.mark.django_db
def test_the_audit_log_names_the_person_not_the_username(world, client):
    events.record(action="password_changed", actor=world.teacher_user, target=world.teacher_user)
    event = events.AuditEvent.objects.latest("id")
    assert event.actor_name == "teacher_a1"
    assert render("{{ event|actor_label }}", event=event) == "李晓明"
    client.force_login(world.city_admin)
    events.record(action="password_changed", actor=world.city_admin, target=world.city_admin)
    page = client.get("/audit/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200


def test_donut_charts_print_their_numbers():
    charts = (ROOT.parent / "static" / "js" / "charts.js").read_text()
    pie = charts[charts.index("function pie") :]
    assert "label: { show: true" in pie.split("function", 2)[1]


# Templates where the username itself is the subject: the sign-in form, the accounts pages and a
# person's account box (the name to sign in with).
USERNAME_ALLOWED = {
    "accounts/templates/accounts/login.html",
    "accounts/templates/accounts/account_list.html",
    "accounts/templates/accounts/account_detail.html",
    "accounts/templates/accounts/account_inactive.html",
    "accounts/templates/accounts/teachers.html",
    "orgs/templates/orgs/person_detail.html",
}


def test_templates_show_a_name_not_a_username_where_a_person_is_meant():
    shown = re.compile(r"\.username\b|\.get_username\b")
    found = []
    for template in [*ROOT.glob("*/templates/**/*.html"), *(ROOT.parent / "templates").glob("**/*.html")]:
        where = str(template.relative_to(ROOT if ROOT in template.parents else ROOT.parent))
        if where in USERNAME_ALLOWED:
            continue
        lines = enumerate(template.read_text().splitlines(), 1)
        found += [f"{where}:{n}" for n, line in lines if shown.search(line)]
    assert not found


@pytest.mark.django_db
def test_an_account_without_a_person_is_named_by_its_role_and_org(world):
    with translation.override("zh-hans"):
        assert world.county_admin.display_name() == "教育局管理员（东湖区）"
        assert world.centre_staff.display_name() == "培训中心人员（东湖区）"
        assert world.teacher_user.display_name() == "李晓明"


@pytest.mark.django_db
def test_the_import_page_and_the_top_bar_name_the_uploader(world, client):
    from peixun.imports.models import ImportJob

    job = ImportJob.objects.create(
        kind="people", created_by=world.coordinator_a1, org=world.school_a1, filename="a.xlsx", state="done"
    )
    client.force_login(world.coordinator_a1)
    name = world.coordinator_a1.display_name()
    assert "coordinator_a1" not in name
    for url in (f"/imports/{job.pk}/", "/imports/"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "coordinator_a1" not in page, url
        assert name in page, url


def test_no_space_follows_a_full_width_colon_before_a_template_value():
    """“权重： 出勤”: a message ending in a full-width colon is followed in the page directly by the
    value, not by a space the template put there for English."""
    ends_in_colon = {msgid for msgid, text in compiled_messages().items() if text.endswith("：")}
    found = []
    for template in ROOT.glob("*/templates/**/*.html"):
        for msgid in re.findall(r'\{% translate "([^"]+)" %\}[ ]+[{<]', template.read_text()):
            if msgid in ends_in_colon:
                found.append(f"{template.name}: {msgid}")
    assert not found


def test_a_certificate_is_zuofei_everywhere_never_chexiao():
    """The PDF's watermark and the archive say 作废; the pages, messages and audit labels too."""
    po = polib.pofile(str(LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    bad = []
    for entry in po:
        if entry.obsolete:
            continue
        about_certificates = entry.msgctxt == "certificate" or "ertificate" in entry.msgid
        if not about_certificates:
            about_certificates = all("certificates/" in path for path, _line in entry.occurrences)
        text = entry.msgstr + "".join(entry.msgstr_plural.values())
        if about_certificates and "撤销" in text:
            bad.append(entry.msgid)
    assert not bad
    code = "".join(path.read_text() for path in (ROOT / "certificates").glob("*.py"))
    assert "撤销" not in code
