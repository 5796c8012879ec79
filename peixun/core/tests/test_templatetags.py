"""Template filters: Chinese dates, hours, audit changes; the labels of each app's codes."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from peixun.audit.templatetags.audit import action_label
from peixun.core.templatetags.peixun import (
    changes_summary,
    hours,
    zh_date,
    zh_datetime,
    zh_month_day,
)
from peixun.orgs.templatetags.orgs import role_labels
from peixun.policies.templatetags.policies import tag_labels


def test_dates_are_shown_the_chinese_way():
    assert zh_date(date(2026, 9, 1)) == "2026年9月1日"


def test_an_aware_datetime_is_shown_as_its_shanghai_date_and_time():
    moment = datetime(2026, 8, 31, 17, 30, tzinfo=UTC)  # 01:30 on 1 September in Shanghai
    assert zh_date(moment) == "2026年9月1日"
    assert zh_datetime(moment) == "2026年9月1日 01:30"
    assert zh_month_day(moment) == "9月1日"


def test_empty_dates_render_as_nothing():
    assert zh_date(None) == ""
    assert zh_datetime(None) == ""
    assert zh_month_day(None) == ""


@pytest.mark.parametrize(("value", "shown"), [(12, "12.0"), (Decimal("1.5"), "1.5"), (None, "")])
def test_hours_have_one_decimal(value, shown):
    assert hours(value) == shown


def test_role_codes_are_shown_as_labels():
    with translation.override("en"):
        assert role_labels(["head_teacher", "backbone"]) == "Head teacher、Backbone teacher"
    assert role_labels([]) == ""


def test_tag_codes_are_shown_in_words_where_the_vocabulary_knows_them():
    assert tag_labels(["ethics", "made-up"]) == "师德教育、made-up"
    assert tag_labels([]) == ""


def test_audit_actions_are_shown_as_labels():
    with translation.override("en"):
        assert action_label("login") == "Signed in"
    assert action_label("made_up") == "made_up"


def test_changes_are_summarised_as_before_and_after():
    assert changes_summary({"name": [None, "东湖"], "rows": 3}) == "name: — → 东湖; rows: 3"
    assert changes_summary({}) == ""
