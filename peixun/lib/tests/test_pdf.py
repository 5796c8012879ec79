"""The PDF font: found (vendored), embedded, covering the names a roster holds; line wrapping."""

from pathlib import Path

import pytest

from peixun.lib import pdf


def test_the_vendored_font_is_found_first_and_a_missing_configured_one_falls_back(tmp_path: Path):
    assert pdf.find_font("") == pdf.VENDORED_FONT
    assert pdf.find_font(str(tmp_path / "missing.ttf")) == pdf.VENDORED_FONT


def test_no_font_at_all_is_a_clear_error(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(pdf, "VENDORED_FONT", tmp_path / "gone.ttf")
    monkeypatch.setattr(pdf, "SYSTEM_FONTS", ())
    with pytest.raises(pdf.FontMissing, match="PDF_FONT_PATH"):
        pdf.find_font("")


@pytest.mark.parametrize("name", ["李晓明", "欧阳娜娜", "王喆", "张堃", "刘犇", "陈垚", "赵昇", "Zhāng Wěi"])
def test_common_and_rarer_name_characters_have_glyphs(name):
    assert pdf.missing_characters(name) == ""


def test_a_character_beyond_the_font_is_reported():
    assert pdf.missing_characters("\U00031350") == "\U00031350"  # CJK Extension G


def test_wrapping_keeps_lines_within_the_width_and_never_starts_a_line_with_a_comma():
    text = (
        "于2026年9月1日至2026年9月3日参加铜山区教师发展中心组织的“2026年小学语文骨干教师培训”，"
        "完成规定学习任务，经考核合格，计48.0学时。"
    )
    lines = pdf.wrap(text, 17, 300)
    assert "".join(lines) == text
    assert all(pdf.text_width(line, 17) <= 300 + 17 for line in lines)
    assert not any(line.startswith(("，", "。")) for line in lines[1:])
