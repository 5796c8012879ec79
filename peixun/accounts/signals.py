"""Every sign-in, sign-out and failed sign-in is logged to "peixun.security" and audited.

The identifier typed at a failed sign-in may be an ID number: it never reaches a log line or the
audit log. When it names an account, the account's username is recorded; otherwise only its first
three characters (an ID number's province code) and its length.
"""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from peixun.accounts import lockout  # noqa: F401 - connects the lockout counter to axes' signal
from peixun.accounts.backends import find_user
from peixun.audit import events

security_log = logging.getLogger("peixun.security")


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    security_log.info("login: user=%s ip=%s", user.pk, events.client_ip(request))
    events.record(action="login", actor=user, target=user, request=request)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    security_log.info("logout: user=%s ip=%s", user.pk, events.client_ip(request))
    events.record(action="logout", actor=user, target=user, request=request)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    typed = (credentials.get("username") or "").strip()
    account = find_user(typed) if typed else None
    security_log.warning(
        "login failed: account=%s identifier_length=%s ip=%s",
        account.pk if account is not None else "-",
        len(typed),
        events.client_ip(request),
    )
    events.record(
        action="login_failed",
        request=request,
        target=account,
        target_repr=account.get_username() if account is not None else (typed[:3] + "…" if typed else ""),
    )
