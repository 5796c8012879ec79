"""Date parsing (table cells and form fields) and Chinese date and hour formatting."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from peixun.lib.dates import (
    LOCAL_ZONE_NAME,
    MSG_EMPTY,
    format_date_zh,
    format_datetime_zh,
    format_hours,
    format_stamp,
    local_datetime,
    parse_date,
)

SEPT_1 = date(2008, 9, 1)


@pytest.mark.parametrize(
    "value",
    [
        date(2008, 9, 1),
        datetime(2008, 9, 1, 14, 5),  # noqa: DTZ001 - a naive cell value, as calamine returns it
        39692,
        39692.0,
        39692.75,  # the fraction is the time of day
        Decimal("39692"),
        "39692",
        "39692.0",
        " 39692 ",
        "2008-09-01",
        "2008-9-1",
        "2008/9/1",
        "2008/09/01",
        "2008.9.1",
        "2008.09.01",
        "2008年9月1日",
        "2008年09月01日",
        "2008年9月1号",
        "2008年9月1",
        "20080901",
        "  2008-09-01  ",
        "\u30002008-09-01\u3000",
        "２００８年９月１日",
        "２００８－０９－０１",
        "２００８／９／１",
        "2008 年 9 月 1 日",
        "2008-09-01 00:00:00",
        "2008-09-01T14:05:00",
        "2008/9/1 14:05",
        "2008年9月1日 14:05:59",
        "２００８－９－１\u3000１４：０５",
        "\ufeff2008-09-01",
    ],
)
def test_parse_date_accepts(value: object) -> None:
    assert parse_date(value) == SEPT_1


@pytest.mark.parametrize(
    ("serial", "expected"),
    [
        (1, date(1899, 12, 31)),
        (61, date(1900, 3, 1)),  # first date after Excel's fictitious 1900-02-29
        (43831, date(2020, 1, 1)),
        (46266, date(2026, 9, 1)),
        (2958465, date(9999, 12, 31)),
    ],
)
def test_excel_serials(serial: int, expected: date) -> None:
    assert parse_date(serial) == expected
    assert parse_date(str(serial)) == expected


@pytest.mark.parametrize(
    "value",
    [
        "2008-02-30",
        "2007-02-29",
        "2008-13-01",
        "2008-00-10",
        "2008-09-00",
        "2008年13月1日",
        "20081301",
        "20080230",
        "18990101",  # year out of range
        "2008-9/1",  # mixed separators
        "2008 09 01x",
        "Sept 1 2008",
        "09/01/2008",
        "1/9/2008",
        "abc",
        "2008-09",
        "0",
        0,
        -5,
        2958466,
        1e30,
        float("nan"),
        float("inf"),
        True,
        "12345678901",
        "３０００００００",
    ],
)
def test_parse_date_rejects(value: object) -> None:
    with pytest.raises(ValueError, match="无法识别的日期") as excinfo:
        parse_date(value)
    message = str(excinfo.value)
    assert "2008-09-01" in message
    assert "2008年9月1日" in message


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000"])
def test_parse_date_empty(value: object) -> None:
    with pytest.raises(ValueError, match=MSG_EMPTY):
        parse_date(value)


def test_leap_day_accepted() -> None:
    assert parse_date("2008-02-29") == date(2008, 2, 29)
    assert parse_date("2000年2月29日") == date(2000, 2, 29)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 9, 1), "2026年9月1日"),
        (date(2026, 12, 31), "2026年12月31日"),
        (date(1999, 1, 5), "1999年1月5日"),
        (datetime(2026, 9, 1, 23, 59), "2026年9月1日"),  # noqa: DTZ001 - only the date part matters
    ],
)
def test_format_date_zh(value: date, expected: str) -> None:
    assert format_date_zh(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("12"), "12.0"),
        (12, "12.0"),
        (0, "0.0"),
        (12.25, "12.3"),
        (12.24, "12.2"),
        (12.35, "12.4"),  # the float 12.35 is below 12.35, but reads as the typed 12.35
        (0.05, "0.1"),
        (2.675, "2.7"),
        (Decimal("1.45"), "1.5"),
        (Decimal("1.449"), "1.4"),
        ("8", "8.0"),
        (" 3.25 ", "3.3"),
        (1000, "1000.0"),
        (1e20, "100000000000000000000.0"),
        (-1.25, "-1.3"),
        (-0.04, "0.0"),
    ],
)
def test_format_hours(value: object, expected: str) -> None:
    assert format_hours(value) == expected


@pytest.mark.parametrize("value", ["abc", "", float("nan"), float("inf"), None])
def test_format_hours_rejects(value: object) -> None:
    with pytest.raises(ValueError, match="学时"):
        format_hours(value)


# --- Local time (issue 13: no UTC anywhere a user looks) ---------------------------------------------


def test_the_local_zone_is_the_settings_time_zone(settings) -> None:
    assert settings.TIME_ZONE == LOCAL_ZONE_NAME == "Asia/Shanghai"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2026, 3, 1, 17, 30, tzinfo=UTC), datetime(2026, 3, 2, 1, 30)),  # noqa: DTZ001
        (datetime(2026, 12, 31, 16, 0, tzinfo=UTC), datetime(2027, 1, 1, 0, 0)),  # noqa: DTZ001
        (datetime(2026, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=8))), datetime(2026, 3, 1, 9, 0)),  # noqa: DTZ001
        (datetime(2026, 3, 1, 9, 0), datetime(2026, 3, 1, 9, 0)),  # noqa: DTZ001 - naive: already local
    ],
)
def test_stored_times_become_local_wall_clock_times(value, expected) -> None:
    assert local_datetime(value) == expected
    assert local_datetime(value).tzinfo is None


def test_a_time_near_midnight_utc_is_shown_on_the_next_local_day() -> None:
    assert format_datetime_zh(datetime(2026, 3, 1, 17, 30, tzinfo=UTC)) == "2026年3月2日 01:30"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-01T17:30:00+00:00", "2026年3月2日 01:30"),  # isoformat() of a stored time
        ("2026-03-01 17:30:00+00:00", "2026年3月2日 01:30"),  # str() of one
        ("2026-03-01 17:30:00.123456+00:00", "2026年3月2日 01:30"),
        ("2026-03-01T17:30:00Z", "2026年3月2日 01:30"),
        ("2026-03-02T01:30:00+08:00", "2026年3月2日 01:30"),
        ("2026-09-01", "2026年9月1日"),
        ("2026-13-45", "2026-13-45"),  # not a date: as it is
        ("东湖实验小学", "东湖实验小学"),
        ("见 2026-03-01T17:30:00+00:00", "见 2026-03-01T17:30:00+00:00"),  # only whole values
        (3, "3"),
    ],
)
def test_stored_values_show_times_in_local_time_and_dates_in_chinese(value, expected) -> None:
    assert format_stamp(value) == expected
