"""Dates and credit hours as Chinese users write and read them: parsing the date forms found in
uploaded tables (date objects, Excel serial numbers, 2008-09-01, 2008/9/1, 2008.9.1, 2008年9月1日,
20080901) and formatting dates (2026年9月1日) and hours (12.0) for display.

Parse errors raise ValueError with a Chinese message; the messages are module-level constants or
built by `_unreadable_message`, so they are easy to find and wrap for translation.
"""

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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
