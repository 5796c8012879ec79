"""Certificate numbers and verification codes (no Django; docs/decisions/0029-verification-codes.md).

A certificate number reads region-year-sequence: 320705-2026-000123 — the issuing body's region
code (行政区划代码 or the template's prefix), the year of issue and a sequence kept per region and
year. Numbers are meant to be read and quoted, so they are guessable by design; the public page is
reached through the verification code: 160 random bits in base32 (32 characters), far beyond the
128 bits that make guessing hopeless, short enough for a QR code — or by the number together with
its check code, the code's first 8 characters (40 bits), printed beside the number as ABCD-2345.
"""

import base64
import hmac
import re
import secrets

CODE_BYTES = 20  # 160 bits
CODE_LENGTH = 32
_CODE = re.compile(r"[a-z2-7]{32}")
_CHECK = re.compile(r"[a-z2-7]{8}")
_REGION = re.compile(r"[0-9A-Z]{2,12}")
_NUMBER = re.compile(r"(?P<region>[0-9A-Z]{2,12})-(?P<year>\d{4})-(?P<sequence>\d{6,})")
SEQUENCE_WIDTH = 6
CHECK_LENGTH = 8  # _CHECK's length
# Characters base32 never uses, read as the letters they are mistaken for.
_CHECK_LOOKALIKES = str.maketrans({"0": "o", "1": "i", "8": "b"})


def new_code() -> str:
    """A fresh verification code: 32 lower-case base32 characters (160 bits)."""
    return base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode().lower()


def is_code(text: str) -> bool:
    return bool(_CODE.fullmatch(text or ""))


def check_code(code: str) -> str:
    """The check code printed beside the number: the verification code's first 8 characters,
    upper case in two groups (ABCD-2345)."""
    head = (code or "")[:CHECK_LENGTH].upper()
    return f"{head[:4]}-{head[4:]}"


def normalise_check(text: str) -> str:
    """A typed check code as the code's lower-case head: spaces, dashes and full-width characters
    dropped, 0/1/8 read as o/i/b. '' when it cannot be one."""
    table = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
    cleaned = "".join(str(text or "").translate(table).split()).replace("-", "").replace("—", "").lower()
    cleaned = cleaned.translate(_CHECK_LOOKALIKES)
    return cleaned if _CHECK.fullmatch(cleaned) else ""


def check_matches(code: str, typed: str) -> bool:
    """Whether a typed check code is this verification code's (compared in constant time)."""
    wanted = normalise_check(typed)
    return bool(wanted) and hmac.compare_digest(wanted, (code or "")[:CHECK_LENGTH])


def valid_region(region: str) -> bool:
    return bool(_REGION.fullmatch(region or ""))


def number(region: str, year: int, sequence: int) -> str:
    if not valid_region(region):
        raise ValueError(f"bad region code {region!r}")
    if not sequence >= 1:
        raise ValueError("sequences start at 1")
    return f"{region}-{year:04d}-{sequence:0{SEQUENCE_WIDTH}d}"


def normalise_number(text: str) -> str:
    """A typed number with spaces, full-width characters and lower case tolerated."""
    table = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
    cleaned = "".join(str(text or "").translate(table).split()).upper().replace("—", "-").replace("－", "-")
    return cleaned


def is_number(text: str) -> bool:
    return bool(_NUMBER.fullmatch(text or ""))
