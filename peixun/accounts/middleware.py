"""Applied to every request: X-Forwarded-Proto believed only from a trusted proxy (first, before
Django's SecurityMiddleware reads the scheme); then the account policies — idle timeout for admin
roles, the second factor of those who need one (peixun.accounts.twofactor), and the password
change that imported accounts must make before anything else."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from peixun.accounts import twofactor
from peixun.lib import clientaddr
from peixun.orgs.access import ADMIN_ROLES, roles_of

LAST_SEEN_KEY = "last_seen"
security_log = logging.getLogger("peixun.security")


def _redirect(request, to: str) -> HttpResponse:
    """A redirect that also works for an HTMX request (which would otherwise swap the page in)."""
    url = resolve_url(to)
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


# Where the trusted scheme is kept: not an HTTP_ key, so no client can send it as a header.
# settings.SECURE_PROXY_SSL_HEADER names it in production.
FORWARDED_PROTO_META = "PEIXUN_TRUSTED_FORWARDED_PROTO"


class ForwardedProtoMiddleware:
    """A request came over HTTPS, by a proxy's word, only when the proxy is trusted: the peer
    (REMOTE_ADDR) is one of TRUSTED_PROXIES (peixun.lib.clientaddr). Its X-Forwarded-Proto is then
    copied to FORWARDED_PROTO_META, the key Django reads for the scheme; from any other peer the
    header is ignored, so a client talking to the app directly cannot pass plain HTTP off as HTTPS
    (secure cookies, the HTTPS redirect, CSRF's referer check)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop(FORWARDED_PROTO_META, None)
        proto = request.META.get("HTTP_X_FORWARDED_PROTO")
        if proto and clientaddr.peer_trusted(
            request.META.get("REMOTE_ADDR"), clientaddr.trusted_from(tuple(settings.TRUSTED_PROXIES))
        ):
            request.META[FORWARDED_PROTO_META] = proto
        return self.get_response(request)


class AccountPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            # Only admin roles time out, so only their sessions record when they were last seen (a
            # teacher's requests — thousands at once on enrolment day — write no session).
            if roles_of(user) & ADMIN_ROLES:
                now = int(time.time())
                last_seen = request.session.get(LAST_SEEN_KEY, now)
                if now - last_seen > settings.ADMIN_IDLE_TIMEOUT_SECONDS:
                    security_log.info("idle timeout: user=%s idle_seconds=%s", user.pk, now - last_seen)
                    logout(request)
                    messages.info(
                        request, _("You were signed out after a period of inactivity. Please sign in again.")
                    )
                    return _redirect(request, settings.LOGIN_URL)
                if now - last_seen >= 60 or LAST_SEEN_KEY not in request.session:
                    # Minute resolution is enough for a 30-minute timeout and spares a write per request.
                    request.session[LAST_SEEN_KEY] = now
            # The second factor before anything else: until the session has passed it, every page
            # but its own steps, signing out and the language switch answers a redirect to it.
            if (
                twofactor.required(user)
                and not twofactor.is_verified(request)
                and not self._allowed_before_second_factor(request.path)
            ):
                step = reverse("accounts:two-factor")
                if request.method == "GET" and not getattr(request, "htmx", False):
                    step = f"{step}?{urlencode({'next': request.get_full_path()})}"
                return _redirect(request, step)
            if user.must_change_password and not self._allowed_before_change(request.path):
                return _redirect(request, "accounts:password-change")
        return self.get_response(request)

    @staticmethod
    def _allowed_before_second_factor(path: str) -> bool:
        allowed = {
            reverse("accounts:two-factor"),
            reverse("accounts:two-factor-setup"),
            reverse("accounts:logout"),
            reverse("set_language"),
        }
        return path in allowed or path.startswith(settings.STATIC_URL)

    @staticmethod
    def _allowed_before_change(path: str) -> bool:
        allowed = {
            reverse("accounts:password-change"),
            reverse("accounts:logout"),
            reverse("set_language"),
            # The second factor comes first; the recovery codes just made are shown once.
            reverse("accounts:two-factor"),
            reverse("accounts:two-factor-setup"),
            reverse("accounts:recovery-codes"),
            reverse("accounts:recovery-codes-download"),
        }
        return path in allowed or path.startswith(settings.STATIC_URL)
