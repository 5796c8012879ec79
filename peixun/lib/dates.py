"""Dates, times and credit hours as Chinese users write and read them: parsing the date forms found
in uploaded tables (date objects, Excel serial numbers, 2008-09-01, 2008/9/1, 2008.9.1, 2008年9月1日,
20080901), formatting dates (2026年9月1日) and hours (12.0) for display, and turning stored times
(aware, in UTC) into the local time every page and export shows (LOCAL_ZONE, 北京时间).

Parse errors raise ValueError with a Chinese message; the messages are module-level constants or
built by `_unreadable_message`, so they are easy to find and wrap for translation.
"""

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

# The zone every time is shown and exported in; settings.TIME_ZONE is this name. Users call it
# 北京时间 (China has one time zone).
LOCAL_ZONE_NAME = "Asia/Shanghai"
LOCAL_ZONE = ZoneInfo(LOCAL_ZONE_NAME)

MSG_EMPTY = "日期不能为空"
ACCEPTED_FORMATS = "2008-09-01、2008/9/1、2008.9.1、2008年9月1日 或 20080901"

# Excel's 1900 date system. Counting from 1899-12-30 absorbs Excel's fictitious 1900-02-29
# (serial 60) for every date from 1900-03-01 on, which is how every spreadsheet library does it.
EXCEL_EPOCH = date(1899, 12, 30)
MIN_SERIAL = 1
MAX_SERIAL = 2_958_465  # 9999-12-31
MIN_YEAR = 1900
MAX_YEAR = 2100


def _unreadable_message(value: object) -> str:
    return f"无法识别的日期“{value}”，请使用 {ACCEPTED_FORMATS} 等格式"


_SEPARATED = re.compile(r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})")
# A time of day after a date (2008-09-01 00:00:00, 2008-09-01T14:05) is dropped.
_TRAILING_TIME = re.compile(r"(?<=[\d日号])(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_CHINESE = re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]?")
_COMPACT = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})")
_SERIAL = re.compile(r"\d{1,7}(?:\.\d*)?")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def _from_serial(serial: float, original: object) -> date:
    if not MIN_SERIAL <= serial < MAX_SERIAL + 1:
        raise ValueError(_unreadable_message(original))
    return EXCEL_EPOCH + timedelta(days=int(serial))


def _checked(year: int, month: int, day: int, original: object) -> date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(_unreadable_message(original))
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(_unreadable_message(original)) from None


def parse_date(value: object) -> date:
    """A date from a table cell or a form field. Accepts date and datetime objects (what calamine
    and openpyxl return), Excel serial numbers (int, float, Decimal or numeric text, 1..2958465;
    a fraction is the time of day and is dropped) and the text forms in ACCEPTED_FORMATS, with
    full-width digits and any spaces allowed. Raises ValueError with a Chinese message."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None:
        raise ValueError(MSG_EMPTY)
    if isinstance(value, bool):
        raise ValueError(_unreadable_message(value))
    if isinstance(value, int | float | Decimal):
        try:
            return _from_serial(float(value), value)
        except (OverflowError, ValueError):
            raise ValueError(_unreadable_message(value)) from None
    text = unicodedata.normalize("NFKC", str(value)).translate(_INVISIBLE).strip()
    text = "".join(_TRAILING_TIME.sub("", text).split())
    if not text:
        raise ValueError(MSG_EMPTY)
    shown = str(value).strip()
    match = _SEPARATED.fullmatch(text) or _CHINESE.fullmatch(text) or _COMPACT.fullmatch(text)
    if match:
        return _checked(int(match["y"]), int(match["m"]), int(match["d"]), shown)
    if _SERIAL.fullmatch(text):
        return _from_serial(float(text), shown)
    raise ValueError(_unreadable_message(shown))


def format_date_zh(value: date) -> str:
    """2026年9月1日, without leading zeros; a datetime shows its date part."""
    return f"{value.year}年{value.month}月{value.day}日"


def format_hours(value: object) -> str:
    """Credit hours (学时) with one decimal, rounding half up: 12 → "12.0", 12.25 → "12.3".
    Floats go through their shortest repr, so 12.25 rounds as the 12.25 the user typed."""
    if isinstance(value, Decimal):
        number = value
    else:
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(f"无法识别的学时“{value}”") from None
    if not number.is_finite():
        raise ValueError(f"无法识别的学时“{value}”")
    rounded = number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.0"
    return f"{rounded:f}"


def local_datetime(value: datetime) -> datetime:
    """The wall-clock time in LOCAL_ZONE, without a zone: an aware datetime (as the database returns
    them, in UTC) is converted; a naive one is taken as local already."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value
    return value.astimezone(LOCAL_ZONE).replace(tzinfo=None)


def format_datetime_zh(value: datetime) -> str:
    """2026年9月1日 14:05, in local time."""
    local = local_datetime(value)
    return f"{format_date_zh(local.date())} {local:%H:%M}"


# A whole value that is an ISO date-time with its offset (2026-09-01T06:00:00+00:00, or
# str(datetime): 2026-09-01 06:00:00.123456+00:00), or an ISO date.
_ISO_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def format_stamp(value: object) -> str:
    """A stored value for display: an ISO date-time with an offset (how records such as the audit
    log keep times) as local 2026年9月1日 14:05, an ISO date as 2026年9月1日, anything else as its
    text."""
    text = str(value)
    try:
        if _ISO_STAMP.fullmatch(text):
            return format_datetime_zh(datetime.fromisoformat(text.replace("Z", "+00:00")))
        if _ISO_DAY.fullmatch(text):
            return format_date_zh(date.fromisoformat(text))
    except ValueError:
        return text
    return text
