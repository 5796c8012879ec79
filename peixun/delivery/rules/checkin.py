"""Check-in codes that rotate, and the window a lesson takes check-ins in (no Django).

The tutor's screen shows a six-digit code and a QR code that change every `period` seconds
(docs/decisions/0025-check-in-codes.md). Both are derived, HOTP-style (RFC 4226), from the
lesson's own random secret and the number of the current time step, so nothing is stored per
code and a code seen once is useless a minute later:

- the typed code is accepted for the current step and the one before it (a teacher typing while
  it changes);
- the QR token (the step and 80 bits of HMAC, in the URL the phone opens) is accepted for a few
  steps more, because scanning may first pass through the sign-in page.

Check-in is open from `opens_before` before the lesson starts until it ends; after `late_after`
past the start a check-in counts as late.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

DIGITS = 6
DEFAULT_PERIOD = 30
CODE_GRACE_STEPS = 1
QR_GRACE_STEPS = 4
_TOKEN_HEX = 20  # 80 bits

PRESENT = "present"
LATE = "late"


def new_secret() -> str:
    """A lesson's secret: 256 random bits as hex."""
    return secrets.token_hex(32)


def step_at(moment: datetime, period: int = DEFAULT_PERIOD) -> int:
    if period < 5:
        raise ValueError("period must be at least 5 seconds")
    return int(moment.timestamp()) // period


def _mac(secret: str, purpose: str, lesson_id: int, step: int) -> bytes:
    message = f"{purpose}:{lesson_id}:{step}".encode()
    return hmac.new(bytes.fromhex(secret), message, hashlib.sha256).digest()


def code_for(secret: str, lesson_id: int, step: int) -> str:
    """The six-digit code of one step (RFC 4226 dynamic truncation over HMAC-SHA256)."""
    mac = _mac(secret, "code", lesson_id, step)
    offset = mac[-1] & 0x0F
    value = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(value % 10**DIGITS).zfill(DIGITS)


def token_for(secret: str, lesson_id: int, step: int) -> str:
    """The QR token of one step: "<step>.<20 hex characters>"."""
    return f"{step}.{_mac(secret, 'qr', lesson_id, step).hex()[:_TOKEN_HEX]}"


@dataclass(frozen=True)
class Shown:
    """What the tutor's screen shows now, and until when."""

    code: str
    token: str
    step: int
    expires_at: datetime


def shown_at(secret: str, lesson_id: int, now: datetime, period: int = DEFAULT_PERIOD) -> Shown:
    step = step_at(now, period)
    expires = datetime.fromtimestamp((step + 1) * period, tz=now.tzinfo)
    return Shown(code_for(secret, lesson_id, step), token_for(secret, lesson_id, step), step, expires)


def normalise_code(text: str) -> str:
    """A typed code with spaces and full-width digits tolerated ("１２３ ４５６" → "123456")."""
    table = {0xFF10 + digit: str(digit) for digit in range(10)}
    return "".join(str(text or "").translate(table).split())


def code_valid(
    secret: str,
    lesson_id: int,
    code: str,
    now: datetime,
    period: int = DEFAULT_PERIOD,
    grace: int = CODE_GRACE_STEPS,
) -> bool:
    typed = normalise_code(code)
    if len(typed) != DIGITS or not typed.isdigit():
        return False
    current = step_at(now, period)
    return any(
        hmac.compare_digest(typed, code_for(secret, lesson_id, step))
        for step in range(current - grace, current + 1)
    )


def token_valid(
    secret: str,
    lesson_id: int,
    token: str,
    now: datetime,
    period: int = DEFAULT_PERIOD,
    grace: int = QR_GRACE_STEPS,
) -> bool:
    step_text, _, _digest = str(token or "").partition(".")
    if not step_text.isdigit() or len(token) > 40:
        return False
    step = int(step_text)
    current = step_at(now, period)
    if not current - grace <= step <= current:
        return False
    return hmac.compare_digest(token, token_for(secret, lesson_id, step))


def window(starts_at: datetime, ends_at: datetime, opens_before: int) -> tuple[datetime, datetime]:
    """(opens, closes) of check-in for a lesson; `opens_before` in minutes."""
    return starts_at - timedelta(minutes=opens_before), ends_at


def in_window(now: datetime, starts_at: datetime, ends_at: datetime, opens_before: int) -> bool:
    opens, closes = window(starts_at, ends_at, opens_before)
    return opens <= now <= closes


def status_at(now: datetime, starts_at: datetime, late_after: int) -> str:
    """present, or late once `late_after` minutes have passed since the start."""
    return LATE if now > starts_at + timedelta(minutes=late_after) else PRESENT
