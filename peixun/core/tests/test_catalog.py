"""The Chinese catalog is complete: every translatable string in the source has a translation."""

import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

LOCALE = Path(settings.BASE_DIR) / "peixun" / "locale"
PO = Path("locale") / "zh_Hans" / "LC_MESSAGES" / "django.po"
IGNORED = [".venv/*", "var/*", "static/*", "bench/*", "docs/*", "screenshots/*", "node_modules/*"]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_every_source_string_has_a_chinese_translation(tmp_path, monkeypatch):
    """makemessages writes the strings under peixun/ into peixun/locale (the nearest locale folder)
    and those of the site-wide templates/ into LOCALE_PATHS; both are checked, and the committed
    catalog is put back afterwards, byte for byte."""
    committed = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
    saved = committed.read_bytes()
    shutil.copytree(LOCALE, tmp_path / "locale")
    monkeypatch.chdir(settings.BASE_DIR)
    try:
        with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
            call_command(
                "makemessages", locale=["zh_Hans"], ignore_patterns=IGNORED, no_obsolete=True, verbosity=0
            )
        catalogs = [polib.pofile(str(committed)), polib.pofile(str(tmp_path / PO))]
    finally:
        committed.write_bytes(saved)
    missing = [entry.msgid for catalog in catalogs for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for catalog in catalogs for entry in catalog.fuzzy_entries()]
    assert missing == [], f"untranslated strings (run `make messages-update` and translate): {missing[:20]}"
    assert fuzzy == [], f"fuzzy translations to review: {fuzzy[:20]}"


def test_the_committed_catalog_has_no_untranslated_or_fuzzy_entries():
    catalog = polib.pofile(str(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    assert catalog.percent_translated() == 100
    assert not catalog.fuzzy_entries()


def test_chinese_is_the_default_language(client):
    response = client.get("/accounts/login/")
    assert response.headers["Content-Language"] == "zh-hans"
    assert "登录" in response.content.decode()
