"""Lockout after failed sign-ins, keyed on (identifier, IP address), with stepped cool-offs.

Keyed on the pair, one mistyped password never locks out a whole school behind one address
(docs/design PITFALLS: django-axes' default locks a whole IP). Five failures lock the pair; each
lockout of the same pair within a day lasts longer than the one before: 5 minutes, then 15, then 60.

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
"""

import ipaddress
import logging
import math
import re
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.signals import user_locked_out
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from peixun.accounts.models import LoginLockout
from peixun.audit import events
from peixun.core.vault import vault
from peixun.lib import idnumbers

security_log = logging.getLogger("peixun.security")

COOL_OFF_STEPS = (timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=60))
# A lockout older than this (counted from its end) no longer lengthens the next one.
STRIKE_WINDOW = timedelta(hours=24)
# An unresolved identifier holding a run of digits is hashed whole: ID numbers, phone numbers,
# mistyped either, or either with something else around it.
NUMBER_SHAPED = re.compile(r"[0-9]{6,}")
_KEY_CACHE = "_peixun_lockout_keys"


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
    """AXES_CLIENT_IP_CALLABLE: the client's address. Behind PROXY_COUNT trusted reverse proxies it
    is that many entries from the right of X-Forwarded-For (the left ones are client-supplied)."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                return remote
    return remote


# --- Cool-offs ----------------------------------------------------------------------------------


def step(lockouts_before: int) -> timedelta:
    """The length of a lockout that follows `lockouts_before` recent ones."""
    return COOL_OFF_STEPS[min(lockouts_before, len(COOL_OFF_STEPS) - 1)]


def _pair(request: HttpRequest) -> tuple[str, str | None]:
    ip = getattr(request, "axes_ip_address", None) or client_ip(request)
    return client_username(request, getattr(request, "axes_credentials", None)), ip


def current_lockout(request: HttpRequest) -> LoginLockout | None:
    username, ip = _pair(request)
    return LoginLockout.objects.filter(username=username, ip_address=ip).first()


def recent_lockouts(record: LoginLockout | None, now) -> int:
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


class SteppedLockoutHandler(AxesDatabaseHandler):
    """AXES_HANDLER: counts a failed attempt while its own expiry lies ahead (see the module docstring)."""

    def get_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> list[QuerySet]:
        now = timezone.now()
        return [
            attempts.filter(expiration__expires_at__gt=now)
            for attempts in self.filter_user_attempts(request, credentials)
        ]


@receiver(user_locked_out)
def on_locked_out(sender, request: HttpRequest, username: str, ip_address: str | None, **kwargs) -> None:
    """Count a new lockout of the pair (axes also signals attempts refused during one: ignored)."""
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
    """AXES_LOCKOUT_CALLABLE: the translated lockout page (429) with the minutes left."""
    record = current_lockout(request)
    now = timezone.now()
    remaining = (record.locked_until - now) if record is not None else cool_off(request)
    minutes = max(1, math.ceil(remaining.total_seconds() / 60))
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
