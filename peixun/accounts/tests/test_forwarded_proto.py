"""X-Forwarded-Proto is believed only from a trusted proxy (TRUSTED_PROXIES): a client that talks to
the app directly and says "https" is still on plain HTTP — redirected to HTTPS, never handed secure
cookies as if it were — while nginx (on the socket, or a trusted address) is believed."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from peixun.accounts.middleware import FORWARDED_PROTO_META, ForwardedProtoMiddleware

from .test_security_headers import manage, production_environment

pytestmark = pytest.mark.django_db


@pytest.fixture
def behind_proxies(settings):
    """Production's scheme settings, with a trusted network."""
    settings.SECURE_PROXY_SSL_HEADER = (FORWARDED_PROTO_META, "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "unix"]
    return settings


def test_a_client_outside_the_trusted_proxies_saying_https_is_redirected_to_https(client, behind_proxies):
    url = reverse("accounts:login")
    response = client.get(url, HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 301 and response["Location"] == f"https://testserver{url}"


def test_a_trusted_proxy_saying_https_is_believed(client, behind_proxies):
    url = reverse("accounts:login")
    assert client.get(url, HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="10.1.2.3").status_code == 200
    # nginx on gunicorn's Unix socket: no peer address, `unix` trusted.
    assert client.get(url, HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="").status_code == 200
    # A trusted proxy saying http is believed too: to HTTPS.
    response = client.get(url, HTTP_X_FORWARDED_PROTO="http", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 301


def test_with_no_trusted_proxy_the_header_is_never_believed(client, behind_proxies):
    behind_proxies.TRUSTED_PROXIES = []
    url = reverse("accounts:login")
    for remote in ("10.1.2.3", "127.0.0.1", ""):
        assert client.get(url, HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR=remote).status_code == 301


def test_the_trusted_scheme_cannot_be_planted_by_the_client(behind_proxies):
    seen = {}

    def view(request):
        seen["secure"] = request.is_secure()
        return HttpResponse()

    middleware = ForwardedProtoMiddleware(view)
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_PROTO="https")
    request.META[FORWARDED_PROTO_META] = "https"  # however it got there, it is not the proxy's word
    middleware(request)
    assert seen["secure"] is False and FORWARDED_PROTO_META not in request.META


def test_production_settings_read_the_scheme_only_from_what_the_middleware_vouches_for():
    code = (
        "from django.conf import settings; "
        "print(settings.SECURE_PROXY_SSL_HEADER[0]); print(settings.MIDDLEWARE[0])"
    )
    result = manage("shell", "--no-imports", "-c", code, env=production_environment())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        FORWARDED_PROTO_META,
        "peixun.accounts.middleware.ForwardedProtoMiddleware",
    ]
