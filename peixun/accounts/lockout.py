"""Lockout after failed sign-ins: per (identifier, IP address) and per account across addresses,
both with stepped cool-offs.

Keyed on the pair, one mistyped password never locks out a whole school behind one address
(docs/design PITFALLS: django-axes' default locks a whole IP). Five failures lock the pair; each
lockout of the same pair within a day lasts longer than the one before: 5 minutes, then 15, then 60.

Each further address would buy five more guesses, so failures are also counted per account from
any addresses (`SignInFailure`, kept a day): the tenth since the last pause pauses signing in to
that account (`AccountLockout`) for 15 minutes, then 60, then 240 — from every address except those
the account signed in from successfully within 30 days (axes' AccessLog), so the holder keeps
working from school and home while guessing from elsewhere is slowed. Other accounts behind the
same addresses are untouched. A successful sign-in forgets the failures of its own pair only.

How it fits django-axes 8 (settings AXES_*):

- `client_username` (AXES_USERNAME_CALLABLE) turns what was typed into the lockout key axes stores
  in AccessAttempt.username: the account's username when the identifier names an account (so the
  username, the phone and the ID number of one account share one counter), otherwise a keyed hash of
  anything shaped like a number. A raw ID number never reaches axes' tables or logs.
- Every failed attempt row carries its own expiry (AXES_USE_ATTEMPT_EXPIRATION), set from
  `cool_off(request)` for that pair. `SteppedLockoutHandler` counts only unexpired rows. Stock axes
  compares attempt times with the cool-off of whichever request is running, which is wrong once
  cool-offs differ between pairs: a short one would expire, or a long one revive, another pair's
  attempts.
- Attempts made while locked are refused without being recorded
  (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False), so the time shown on the lockout page holds.
- `on_locked_out` (axes' user_locked_out signal) counts the lockout in LoginLockout; the count
  decides the next cool-off.
- `SteppedLockoutHandler.is_locked` also refuses while the account is paused (axes then refuses
  the attempt unrecorded, as during a pair lockout); its `user_login_failed` records each failure it
  let through against the account and pauses the account at the limit.
- The client address comes from `peixun.audit.events.request_address`: X-Forwarded-For is believed
  only from TRUSTED_PROXIES (peixun.lib.clientaddr).
"""

import logging
import math
import re
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessLog
from axes.signals import user_locked_out
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from peixun.accounts.models import AccountLockout, LoginLockout, SignInFailure
from peixun.audit import events
from peixun.core.vault import vault
from peixun.lib import idnumbers

security_log = logging.getLogger("peixun.security")

COOL_OFF_STEPS = (timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=60))
# A lockout older than this (counted from its end) no longer lengthens the next one.
STRIKE_WINDOW = timedelta(hours=24)
# Across addresses: this many failures of one account within the window (and since its last pause
# ended) pause it, for these stepped times, from every address it has not signed in from lately.
ACCOUNT_FAILURE_LIMIT = 10
ACCOUNT_FAILURE_WINDOW = timedelta(hours=24)
ACCOUNT_COOL_OFF_STEPS = (timedelta(minutes=15), timedelta(minutes=60), timedelta(minutes=240))
KNOWN_ADDRESS_AGE = timedelta(days=30)
# An unresolved identifier holding a run of digits is hashed whole: ID numbers, phone numbers,
# mistyped either, or either with something else around it.
NUMBER_SHAPED = re.compile(r"[0-9]{6,}")
_KEY_CACHE = "_peixun_lockout_keys"
_ACCOUNT_CACHE = "_peixun_account_lockout"
_ACCOUNT_REFUSED = "_peixun_refused_for_account"


# --- The lockout key ----------------------------------------------------------------------------


def lockout_key(identifier: str | None) -> str:
    """The key one typed identifier is counted under (see the module docstring)."""
    from peixun.accounts.backends import find_user

    typed = (identifier or "").strip()
    if not typed:
        return ""
    user = find_user(typed)
    if user is not None:
        return user.get_username()
    number = idnumbers.normalize(typed)
    if NUMBER_SHAPED.search(number):
        # Domain-separated from the people registry's lookup hash by its "type".
        return "#" + vault().lookup_hash("lockout", number)[:40]
    return typed[:150]


def client_username(request: HttpRequest | None, credentials: dict | None = None) -> str:
    """AXES_USERNAME_CALLABLE: the lockout key for this request's identifier, cached per request
    (axes asks several times per attempt, and resolving an identifier costs a query)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials is not None and field in credentials:
        typed = credentials.get(field)
    elif request is not None:
        typed = getattr(request, "data", request.POST).get(field)
    else:
        typed = None
    typed = typed or ""
    cache = getattr(request, _KEY_CACHE, None) if request is not None else None
    if cache is None:
        cache = {}
        if request is not None:
            setattr(request, _KEY_CACHE, cache)
    if typed not in cache:
        cache[typed] = lockout_key(typed)
    return cache[typed]


def client_ip(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client's address, from X-Forwarded-For only behind
    TRUSTED_PROXIES (peixun.lib.clientaddr)."""
    return events.request_address(request)


# --- Cool-offs ----------------------------------------------------------------------------------


def step(lockouts_before: int, steps: tuple[timedelta, ...] = COOL_OFF_STEPS) -> timedelta:
    """The length of a lockout that follows `lockouts_before` recent ones."""
    return steps[min(lockouts_before, len(steps) - 1)]


def _pair(request: HttpRequest) -> tuple[str, str | None]:
    ip = getattr(request, "axes_ip_address", None) or client_ip(request)
    return client_username(request, getattr(request, "axes_credentials", None)), ip


def current_lockout(request: HttpRequest) -> LoginLockout | None:
    username, ip = _pair(request)
    return LoginLockout.objects.filter(username=username, ip_address=ip).first()


def recent_lockouts(record: LoginLockout | AccountLockout | None, now) -> int:
    """Lockouts that still lengthen the next one."""
    if record is None or record.locked_until + STRIKE_WINDOW < now:
        return 0
    return record.count


def cool_off(request: HttpRequest | None = None) -> timedelta:
    """AXES_COOLOFF_TIME: while the pair is locked, the length of its lockout; otherwise the length
    the next lockout would have, which is also how long a failed attempt keeps counting."""
    if request is None:
        return COOL_OFF_STEPS[0]
    now = timezone.now()
    record = current_lockout(request)
    if record is not None and record.locked_until > now:
        return record.locked_until - record.locked_at
    return step(recent_lockouts(record, now))


# --- Across addresses ---------------------------------------------------------------------------


def known_address(username: str, ip: str | None, now) -> bool:
    """Whether the account signed in successfully from this address lately."""
    if not username or not ip:
        return False
    return AccessLog.objects.filter(
        username=username, ip_address=ip, attempt_time__gte=now - KNOWN_ADDRESS_AGE
    ).exists()


def account_lockout(request: HttpRequest) -> AccountLockout | None:
    """The pause of this request's account that applies to its address, if any (remembered for the
    request: asked when refusing and again when answering)."""
    if hasattr(request, _ACCOUNT_CACHE):
        return getattr(request, _ACCOUNT_CACHE)
    username, ip = _pair(request)
    now = getattr(request, "axes_attempt_time", None) or timezone.now()
    record = None
    if username:
        record = AccountLockout.objects.filter(username=username, locked_until__gt=now).first()
        if record is not None and known_address(username, ip, now):
            record = None
    setattr(request, _ACCOUNT_CACHE, record)
    return record


def count_account_failure(request: HttpRequest) -> bool:
    """Record a failed sign-in against its account; pause the account when this failure reaches
    the limit. True when it did."""
    username, ip = _pair(request)
    if not username:
        return False
    now = getattr(request, "axes_attempt_time", None) or timezone.now()
    window_start = now - ACCOUNT_FAILURE_WINDOW
    with transaction.atomic():
        SignInFailure.objects.create(username=username, ip_address=ip, failed_at=now)
        SignInFailure.objects.filter(failed_at__lt=window_start).delete()
        record = AccountLockout.objects.filter(username=username).first()
        since = window_start
        if record is not None:
            if record.locked_until > now:
                return False  # already paused (this failure came from an address it knows)
            since = max(since, record.locked_until)
        counted = SignInFailure.objects.filter(username=username, failed_at__gte=since)
        failures = counted.count()
        if failures < ACCOUNT_FAILURE_LIMIT:
            return False
        addresses = counted.values("ip_address").distinct().count()
        # get_or_create survives two first pauses racing; the row lock orders the rest.
        AccountLockout.objects.get_or_create(
            username=username, defaults={"locked_at": now, "locked_until": now}
        )
        record = AccountLockout.objects.select_for_update().get(username=username)
        if record.locked_until > now:
            return False
        before = recent_lockouts(record, now)
        length = step(before, ACCOUNT_COOL_OFF_STEPS)
        record.count = before + 1
        record.locked_at = now
        record.locked_until = now + length
        record.save()
    setattr(request, _ACCOUNT_CACHE, None if known_address(username, ip, now) else record)
    minutes = int(length.total_seconds() // 60)
    security_log.warning(
        "login paused for the account: key=%s failures=%s addresses=%s lockout=%s minutes=%s",
        username,
        failures,
        addresses,
        record.count,
        minutes,
    )
    events.record(
        action="login_account_locked_out",
        request=request,
        target_repr=username[:3] + "…",
        changes={"lockout": record.count, "minutes": minutes, "failures": failures, "addresses": addresses},
    )
    return True


def forget_pair_failures(username: str, ip: str | None) -> None:
    """After a successful sign-in: its own address's failures no longer count against the account."""
    SignInFailure.objects.filter(username=username, ip_address=ip).delete()


class SteppedLockoutHandler(AxesDatabaseHandler):
    """AXES_HANDLER: counts a failed attempt while its own expiry lies ahead, and adds the limit
    across addresses (see the module docstring)."""

    def get_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> list[QuerySet]:
        now = timezone.now()
        return [
            attempts.filter(expiration__expires_at__gt=now)
            for attempts in self.filter_user_attempts(request, credentials)
        ]

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        if account_lockout(request) is not None:
            setattr(request, _ACCOUNT_REFUSED, True)
            return True
        return False

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        refused = request is not None and getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or refused:
            return  # refused unheard: no password was tried
        if count_account_failure(request):
            request.axes_locked_out = True  # answered with the lockout page, like a pair's fifth

    def user_logged_in(self, sender, request, user, **kwargs) -> None:
        super().user_logged_in(sender, request, user, **kwargs)
        if request is not None:
            forget_pair_failures(user.get_username(), getattr(request, "axes_ip_address", None))


@receiver(user_locked_out)
def on_locked_out(sender, request: HttpRequest, username: str, ip_address: str | None, **kwargs) -> None:
    """Count a new lockout of the pair (axes also signals attempts refused during one, or during a
    pause of the account: ignored)."""
    if getattr(request, _ACCOUNT_REFUSED, False):
        return
    now = getattr(request, "axes_attempt_time", None) or timezone.now()
    with transaction.atomic():
        # get_or_create survives two first lockouts of one pair racing; the row lock orders the rest.
        LoginLockout.objects.get_or_create(
            username=username, ip_address=ip_address, defaults={"locked_at": now, "locked_until": now}
        )
        record = LoginLockout.objects.select_for_update().get(username=username, ip_address=ip_address)
        if record.locked_until > now:
            return
        before = recent_lockouts(record, now)
        length = step(before)
        record.count = before + 1
        record.locked_at = now
        record.locked_until = now + length
        record.save()
    minutes = int(length.total_seconds() // 60)
    security_log.warning(
        "login locked out: key=%s ip=%s lockout=%s minutes=%s", username, ip_address, record.count, minutes
    )
    events.record(
        action="login_locked_out",
        request=request,
        target_repr=username[:3] + "…" if username else "",
        changes={"lockout": record.count, "minutes": minutes},
    )


def locked_out_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the translated lockout page (429) with the minutes left — of the
    account's pause when that is what refuses it for longer, else of the pair's lockout."""
    now = timezone.now()
    record = current_lockout(request)
    pair_left = (record.locked_until - now) if record is not None and record.locked_until > now else None
    paused = account_lockout(request)
    account_left = (paused.locked_until - now) if paused is not None else None
    across = account_left is not None and (pair_left is None or account_left > pair_left)
    remaining = (
        account_left
        if across and account_left is not None
        else (pair_left if pair_left is not None else cool_off(request))
    )
    minutes = max(1, math.ceil(remaining.total_seconds() / 60))
    return render(request, "accounts/locked_out.html", {"minutes": minutes, "across": across}, status=429)
