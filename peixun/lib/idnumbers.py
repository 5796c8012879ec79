"""Chinese resident ID numbers (居民身份证号码, GB 11643-1999): normalising what users type or paste,
spotting numbers that Excel has mangled, validating, masking for display, and building valid
numbers for demo data and tests.

The check digit comes from python-stdnum (`stdnum.cn.ric.calc_check_digit`); the rest is checked
here rather than through `ric.validate`, because that also looks the area code (first six
digits) up in stdnum's county table: ~40 µs a number on the import hot path, and it rejects people
whose county code has since been retired or renumbered, which is common and harmless. The area
code is therefore deliberately not checked.

User-facing messages are Chinese module-level constants (or built by the small `_..._message`
functions below) so they are easy to find and wrap for translation.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from stdnum.cn import ric

Gender = Literal["male", "female"]

MSG_EMPTY = "身份证号码不能为空"
MSG_EXCEL_DAMAGE = (
    "证件号码被 Excel 当成了数字（如 3.20705E+17 或末几位变成 0），请把该列设置为“文本”格式后重新填写"
)
MSG_LEGACY_15 = "这是 15 位的旧身份证号码，请使用 18 位身份证号码"
MSG_FORMAT = "身份证号码只能由数字组成，最后一位可以是 X"
MSG_BIRTH_DATE = "身份证号码中的出生日期无效（第 7–14 位），请核对号码"
MSG_CHECK_DIGIT = "身份证号码校验位错误（最后一位与前 17 位不符），请核对号码"


def _length_message(length: int) -> str:
    return f"身份证号码应为 18 位，当前为 {length} 位"


# Characters that are not whitespace to str.split() but still arrive in pasted text.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_ASCII_ALNUM = re.compile(r"[0-9A-Za-z]*")
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_SCIENTIFIC = re.compile(r"[0-9]+(?:\.[0-9]*)?E\+?[0-9]+")
_FLOAT_TEXT = re.compile(r"[0-9]{15,18}\.[0-9]*")
_DIGITS_15_17 = re.compile(r"[0-9]{15,17}")
_CHINA = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True, slots=True)
class IdCheck:
    """The outcome of `validate`. On error, birth_date and gender are None."""

    number: str
    birth_date: date | None
    gender: Gender | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None


def normalize(raw: str) -> str:
    """Drop every kind of space (ASCII, full-width U+3000, no-break, zero-width) anywhere in the
    text, turn full-width digits and letters into ASCII, and upper-case the letters (x → X)."""
    if _ASCII_ALNUM.fullmatch(raw):  # fast path: what almost every row holds
        return raw.upper()
    text = unicodedata.normalize("NFKC", raw).translate(_INVISIBLE)
    return "".join(text.split()).upper()


def _as_text(raw: object) -> str:
    """The text of a cell; a float with Excel's 15 significant digits and no exponent, so
    3.20705199001011e17 reads as Excel shows it: 320705199001011000."""
    if raw is None:
        return ""
    if isinstance(raw, float):
        text = format(raw, ".15g")
        return format(Decimal(text), "f") if "e" in text else text
    return str(raw)


def detect_excel_damage(raw: object) -> str | None:
    """MSG_EXCEL_DAMAGE when the value looks like an ID number that Excel stored as a number:
    a numeric cell, scientific notation (3.20705E+17), a float string (…1234.0), 15–17 digits, or
    18 digits whose last three became 000 (Excel keeps 15 significant digits) and whose check
    digit therefore fails. None otherwise."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        # Any big number in an ID column went through Excel's number format.
        return MSG_EXCEL_DAMAGE if abs(raw) >= 1e14 else None
    text = normalize(_as_text(raw))
    if _SCIENTIFIC.fullmatch(text) or _FLOAT_TEXT.fullmatch(text) or _DIGITS_15_17.fullmatch(text):
        return MSG_EXCEL_DAMAGE
    if len(text) == 18 and text.isdigit() and text.endswith("000") and not _check_digit_ok(text):
        return MSG_EXCEL_DAMAGE
    return None


def _check_digit_ok(number: str) -> bool:
    return ric.calc_check_digit(number) == number[-1]


def _today() -> date:
    return datetime.now(tz=_CHINA).date()


def _failed(number: str, error: str) -> IdCheck:
    return IdCheck(number=number, birth_date=None, gender=None, error=error)


def _birth_date(number: str) -> date | None:
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    if birth.year < 1900 or birth > _today():
        return None
    return birth


def validate(raw: object) -> IdCheck:
    """Check an 18-digit resident ID number; the result carries the normalised number, and the
    birth date (digits 7–14) and gender (17th digit: odd is male) when it is valid."""
    number = normalize(_as_text(raw))
    if not number:
        return _failed(number, MSG_EMPTY)
    if _ID_SHAPE.fullmatch(number) and not isinstance(raw, int | float):
        # The common case, checked without the damage heuristics.
        birth = _birth_date(number)
        if birth is None:
            return _failed(number, MSG_BIRTH_DATE)
        if not _check_digit_ok(number):
            damaged = number.endswith("000")  # Excel kept 15 significant digits
            return _failed(number, MSG_EXCEL_DAMAGE if damaged else MSG_CHECK_DIGIT)
        gender: Gender = "male" if int(number[16]) % 2 else "female"
        return IdCheck(number=number, birth_date=birth, gender=gender, error=None)
    if len(number) == 15 and number.isdigit() and not isinstance(raw, int | float):
        return _failed(number, MSG_LEGACY_15)
    damage = detect_excel_damage(raw)
    if damage:
        return _failed(number, damage)
    if len(number) != 18:
        return _failed(number, _length_message(len(number)))
    return _failed(number, MSG_FORMAT)


def mask(number: str) -> str:
    """Hide the middle of a document number for display.

    An 18-character resident ID keeps its first 4 and last 4 (3207**********1234). Other numbers
    keep at most a third visible, split between head and tail (E12345678 → E******78); numbers
    shorter than 6 show only their last 2 characters (the last 1 when shorter than 4).
    """
    length = len(number)
    if length == 18:
        head, tail = 4, 4
    elif length >= 6:
        visible = length // 3
        head, tail = visible // 2, visible - visible // 2
    elif length >= 4:
        head, tail = 0, 2
    elif length >= 2:
        head, tail = 0, 1
    else:
        head, tail = 0, 0
    return number[:head] + "*" * (length - head - tail) + number[length - tail :]


def make_valid_id(area_code: str, birth: date, sequence: int, gender: str) -> str:
    """A valid 18-digit number: area code, birth date, `sequence` (0–99) as digits 15–16, a 17th
    digit whose parity gives the gender (odd male, even female), and the check digit."""
    if not (len(area_code) == 6 and area_code.isdigit()):
        raise ValueError(f"area_code must be 6 digits, got {area_code!r}")
    if not 0 <= sequence <= 99:
        raise ValueError(f"sequence must be 0-99, got {sequence}")
    if gender not in ("male", "female"):
        raise ValueError(f"gender must be 'male' or 'female', got {gender!r}")
    if not 1000 <= birth.year <= 9999:
        raise ValueError(f"birth year must have 4 digits, got {birth.year}")
    gender_digit = (sequence % 5) * 2 + (1 if gender == "male" else 0)
    body = f"{area_code}{birth:%Y%m%d}{sequence:02d}{gender_digit}"
    return body + ric.calc_check_digit(body + "0")


_ID_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")


def full_numbers_in(text: str) -> list[str]:
    """The whole resident ID numbers written in `text`: 18 characters (17 digits and a digit or X)
    not part of a longer run of digits, whose check digit is right. A masked number, a phone number
    or a long order number is not one."""
    found = []
    for match in _ID_IN_TEXT.finditer(text):
        number = match.group().upper()
        if ric.calc_check_digit(number) == number[-1]:
            found.append(number)
    return found
