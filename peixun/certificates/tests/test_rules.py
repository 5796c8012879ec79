"""Certificate numbers and verification codes, and the drawing of a certificate (no database)."""

import io
from datetime import date

import pytest
from pypdf import PdfReader

from peixun.certificates import render
from peixun.certificates.rules import numbers


def test_a_number_reads_region_year_sequence():
    assert numbers.number("320705", 2026, 123) == "320705-2026-000123"
    assert numbers.is_number("320705-2026-000123")
    with pytest.raises(ValueError):
        numbers.number("32 07", 2026, 1)


def test_codes_are_160_random_bits_in_base32_and_never_repeat():
    codes = {numbers.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(numbers.is_code(code) and len(code) == 32 for code in codes)  # 32 × 5 bits = 160 bits


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        (" 320705-2026-000123 ", "320705-2026-000123"),
        ("３２０７０５－２０２６－０００１２３", "320705-2026-000123"),
    ],
)
def test_a_typed_number_is_normalised(typed, number):
    assert numbers.normalise_number(typed) == number


def test_wording_placeholders_are_filled_without_attribute_access():
    assert (
        render.fill("{name}参加{project}{name.__class__}{unknown}", {"name": "李", "project": "培训"})
        == "李参加培训{name.__class__}{unknown}"
    )


def test_a_rendered_certificate_carries_every_field_as_text():
    data = render.CertificateData(
        kind="excellent", title="优秀学员证书", number="320705-2026-000001", name="欧阳晓燕",
        id_masked="3207**********1234", project="2026年班主任专题培训", organiser="东湖区教师发展中心",
        hours="30.0", starts_on=date(2026, 9, 1),
        ends_on=date(2026, 9, 3), issuer="东湖区教育局", issued_on=date(2026, 9, 30),
        verify_url="https://peixun.example.cn/certificates/verify/abcdefghijklmnopqrstuvwxyz234567/",
        check_code="ABCD-EFGH",
    )  # fmt: skip
    text = PdfReader(io.BytesIO(render.render(data))).pages[0].extract_text().replace("\n", "")
    for part in (
        "欧阳晓燕",
        "320705-2026-000001",
        "优秀学员",
        "2026年9月30日",
        "东湖区教育局",
        "2026年班主任专题培训",
        "核验码：ABCD-EFGH",
    ):
        assert part in text, part


def test_the_check_code_is_the_codes_head_and_is_read_forgivingly():
    code = "abcd2345efgh67ijklmnopqrstuvwxyz"
    assert numbers.check_code(code) == "ABCD-2345"
    for typed in ("ABCD-2345", "abcd2345", " ab cd－２３４５ ", "ABCD—2345"):
        assert numbers.check_matches(code, typed), typed
    # 0, 1 and 8 never occur in base32: they are read as the letters they look like.
    assert numbers.check_matches("boiiabcd" + "a" * 24, "8011ABCD")
    for typed in ("ABCD-2346", "ABCD234", "ABCD-23456", "", "abcd2345efgh67ijklmnopqrstuvwxyz"):
        assert not numbers.check_matches(code, typed), typed
