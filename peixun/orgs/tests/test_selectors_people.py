"""What the people search understands a query to be."""

import pytest

from peixun.orgs.selectors import classify_query


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("", ""),
        ("  ", ""),
        ("320705198503140021", "id"),
        ("32070519850314002x", "id"),
        ("３２０７０５１９８５０３１４００２１", "id"),  # full-width digits, as typed on a phone
        ("1234", "tail"),
        ("12", "tail"),
        ("123x", "tail"),
        ("13912345678", "mobile"),
        ("13912", "mobile"),
        ("zs", "pinyin"),
        ("ZhangSan", "pinyin"),
        ("张三", "name"),
        ("张 s", "name"),
    ],
)
def test_a_query_is_classified_by_its_shape(raw, kind):
    assert classify_query(raw)[0] == kind


def test_pinyin_is_lowercased_and_an_id_is_normalised():
    assert classify_query("LXM") == ("pinyin", "lxm")
    assert classify_query(" 32070519850314002x ")[1] == "32070519850314002X"
