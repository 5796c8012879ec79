"""The second factor (docs/accounts.md, docs/decisions/0049-second-factor-totp.md): a TOTP device
(an authenticator app) and ten one-time recovery codes, from django-otp.

Who needs it is decided in peixun.orgs.access.needs_second_factor; AccountPolicyMiddleware sends
such a user, once signed in with the password, to these steps before any other page. A session is
verified when django_otp.login has recorded the device in it (OTPMiddleware reads it back).

Wrong codes — TOTP or recovery — count on the TOTP device's failure counter (django-otp's
throttling fields; its own exponential delay is switched off in settings): after
SECOND_FACTOR_FAILURE_LIMIT in a row, no code is checked for SECOND_FACTOR_WAIT_MINUTES, and the
burst is audited. A TOTP code is accepted one step (30 s) early or late, and never twice: the
device keeps the last step used (last_t), read under a row lock.

Recovery codes are stored as keyed hashes (HMAC of SECRET_KEY), never as typed: a copy of the
database does not give them away.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

import django_otp
import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from peixun.audit import events
from peixun.orgs.access import needs_second_factor

RECOVERY_CODE_COUNT = 10
# 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L): about 50 bits each.
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RECOVERY_LENGTH = 10
DEVICE_NAME = "authenticator"
# Where codes just generated wait to be shown (once) and downloaded, until the user is done.
FRESH_CODES_SESSION_KEY = "second_factor_fresh_codes"


class Outcome(Enum):
    VERIFIED = "verified"
    RECOVERY_USED = "recovery_used"
    WRONG = "wrong"
    PAUSED = "paused"


@dataclass(frozen=True)
class Check:
    outcome: Outcome
    # While paused: when codes are checked again.
    until: datetime | None = None
    recovery_left: int = 0

    @property
    def ok(self) -> bool:
        return self.outcome in (Outcome.VERIFIED, Outcome.RECOVERY_USED)


def required(user) -> bool:
    return user.is_authenticated and needs_second_factor(user)


def is_verified(request: HttpRequest) -> bool:
    """Whether this session has passed the second factor (OTPMiddleware's verdict)."""
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalize(code: str) -> str:
    """What was typed, without spaces and dashes, in capitals (recovery codes are shown grouped)."""
    return "".join(code.split()).replace("-", "").upper()


def recovery_hash(code: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), normalize(code).encode(), hashlib.sha256).hexdigest()
    return digest[:16]  # StaticToken.token holds 16 characters: 64 bits of the keyed hash


def _new_codes() -> list[str]:
    return [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]


def grouped(code: str, size: int = 5) -> str:
    return " ".join(code[i : i + size] for i in range(0, len(code), size))


# --- Enrolment ------------------------------------------------------------------------------------


def pending_device(user) -> TOTPDevice:
    """The device being set up: the user's unconfirmed one, or a new one with a fresh secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it by hand, in groups of four."""
    import base64

    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG (segno, drawn here: no outside service sees it)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2, omitsize=True)


def _paused_until(device: TOTPDevice) -> datetime | None:
    if device.throttling_failure_count < settings.SECOND_FACTOR_FAILURE_LIMIT:
        return None
    started = device.throttling_failure_timestamp or timezone.now()
    until = started + timedelta(minutes=settings.SECOND_FACTOR_WAIT_MINUTES)
    return until if until > timezone.now() else None


def _failed(device: TOTPDevice, user, request: HttpRequest | None) -> Check:
    """Count a wrong code (already counted by django-otp for a TOTP code, when `counted`)."""
    if device.throttling_failure_count >= settings.SECOND_FACTOR_FAILURE_LIMIT and not _paused_until(device):
        # A wait that has passed starts a new count.
        device.throttling_failure_count = 0
    device.throttle_increment(commit=True)
    if device.throttling_failure_count == settings.SECOND_FACTOR_FAILURE_LIMIT:
        events.record(
            action="second_factor_failures",
            actor=user,
            target=user,
            request=request,
            changes={"failures": device.throttling_failure_count},
        )
        return Check(Outcome.PAUSED, until=_paused_until(device))
    return Check(Outcome.WRONG)


def _matches_totp(device: TOTPDevice, code: str) -> bool:
    """django-otp's check (one step either side, never a step at or before last_t), without its
    failure count: ours is kept in _failed."""
    count = device.throttling_failure_count
    ok = device.verify_token(code)
    if not ok:
        device.throttling_failure_count = count
    return ok


@transaction.atomic
def confirm_enrolment(*, request: HttpRequest, user, code: str) -> tuple[Check, list[str]]:
    """Confirm the pending device with a code from the app: the device becomes the user's, ten
    recovery codes are made (returned, shown once), the session is verified. A wrong code changes
    nothing but the failure count."""
    device = TOTPDevice.objects.select_for_update().get(pk=pending_device(user).pk)
    if until := _paused_until(device):
        return Check(Outcome.PAUSED, until=until), []
    if not _matches_totp(device, normalize(code)):
        return _failed(device, user, request), []
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.throttle_reset(commit=False)
    device.save()
    codes = _replace_recovery_codes(user)
    django_otp.login(request, device)
    events.record(action="second_factor_enrolled", actor=user, target=user, request=request)
    return Check(Outcome.VERIFIED), codes


def _replace_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = _new_codes()
    StaticToken.objects.bulk_create([StaticToken(device=static, token=recovery_hash(code)) for code in codes])
    return codes


# --- Verification ---------------------------------------------------------------------------------


@transaction.atomic
def verify(*, request: HttpRequest, user, code: str) -> Check:
    """Check a 6-digit code or a recovery code and, when right, mark the session verified."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None:
        return Check(Outcome.WRONG)
    if until := _paused_until(device):
        return Check(Outcome.PAUSED, until=until)
    typed = normalize(code)
    if typed.isdigit() and len(typed) == device.digits:
        if _matches_totp(device, typed):
            django_otp.login(request, device)
            return Check(Outcome.VERIFIED)
        return _failed(device, user, request)
    static = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if typed and static is not None and static.verify_token(recovery_hash(typed)):
        device.throttle_reset(commit=True)
        django_otp.login(request, device)
        left = static.token_set.count()
        events.record(
            action="recovery_code_used", actor=user, target=user, request=request, changes={"remaining": left}
        )
        return Check(Outcome.RECOVERY_USED, recovery_left=left)
    return _failed(device, user, request)


@transaction.atomic
def regenerate_recovery_codes(*, request: HttpRequest, user, code: str) -> tuple[Check, list[str]]:
    """New recovery codes (the old ones stop working), on a current code from the app."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None:
        return Check(Outcome.WRONG), []
    if until := _paused_until(device):
        return Check(Outcome.PAUSED, until=until), []
    if not _matches_totp(device, normalize(code)):
        return _failed(device, user, request), []
    codes = _replace_recovery_codes(user)
    events.record(action="recovery_codes_regenerated", actor=user, target=user, request=request)
    return Check(Outcome.VERIFIED), codes


@transaction.atomic
def reset_own(*, request: HttpRequest, user, code: str) -> Check:
    """Remove one's own device and codes (a new phone), on a current code: the next page asks to set
    up again."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None:
        return Check(Outcome.WRONG)
    if until := _paused_until(device):
        return Check(Outcome.PAUSED, until=until)
    if not _matches_totp(device, normalize(code)):
        return _failed(device, user, request)
    _remove_all(user)
    events.record(action="second_factor_reset", actor=user, target=user, request=request)
    return Check(Outcome.VERIFIED)


@transaction.atomic
def reset_for(*, actor, user, reason: str, request: HttpRequest | None = None) -> None:
    """An administrator removes another user's second factor (a lost phone): at their next page
    the user sets it up again. The caller checks the actor may manage the account."""
    reason = reason.strip()
    if not reason:
        raise ValueError("a reason is required")
    _remove_all(user)
    events.record(
        action="second_factor_reset",
        actor=actor,
        target=user,
        request=request,
        changes={"reason": reason[:200]},
    )


def _remove_all(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
