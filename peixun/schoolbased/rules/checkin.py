"""Check-in codes of a school activity (no Django).

A school activity runs over whole days, not timed lessons, so its code is one per day: six digits
derived, HOTP-style, from the activity's own random secret and the date (HMAC-SHA256, RFC 4226
truncation). The leader shows it (and a QR code carrying it) on the day; it is useless on any other
day and for any other activity. Nothing is stored per code. Delivery's rotating lesson codes are
the model; schoolbased sits below delivery and keeps these few lines of its own (ADR 0059).
"""

import hashlib
import hmac
import secrets
from datetime import date

DIGITS = 6


def new_secret() -> str:
    return secrets.token_hex(32)


def code_for(secret: str, activity_id: int, day: date) -> str:
    mac = hmac.new(
        bytes.fromhex(secret), f"sb:{activity_id}:{day.isoformat()}".encode(), hashlib.sha256
    ).digest()
    offset = mac[-1] & 0x0F
    value = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(value % 10**DIGITS).zfill(DIGITS)


def normalise_code(text: str) -> str:
    """Spaces and full-width digits tolerated ("１２３ ４５６" → "123456")."""
    table = {0xFF10 + digit: str(digit) for digit in range(10)}
    return "".join(str(text or "").translate(table).split())


def code_valid(secret: str, activity_id: int, day: date, code: str) -> bool:
    typed = normalise_code(code)
    if len(typed) != DIGITS or not typed.isdigit():
        return False
    return hmac.compare_digest(typed, code_for(secret, activity_id, day))
