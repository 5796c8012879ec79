"""Security headers on every page, and `check --deploy` clean on production settings."""

import base64
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[3]


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_login_page_sends_a_nonce_based_csp_without_unsafe_inline(client):
    response = client.get(reverse("accounts:login"))
    directives = csp_directives(response)
    script = directives["script-src"]
    nonces = [source for source in script if source.startswith("'nonce-")]
    assert len(nonces) == 1
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    # Every script tag on the page carries the nonce the header allows.
    nonce = nonces[0][len("'nonce-") : -1]
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert scripts
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)


def test_the_nonce_changes_with_every_response(client):
    first = csp_directives(client.get(reverse("accounts:login")))["script-src"]
    second = csp_directives(client.get(reverse("accounts:login")))["script-src"]
    assert first != second


def test_pages_send_the_usual_security_headers(client, world):
    client.force_login(world.city_admin)
    for response in (client.get(reverse("accounts:login")), client.get(reverse("site:home"))):
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert "Content-Security-Policy" in response


def test_session_and_csrf_cookies_are_http_only():
    from django.conf import settings

    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.CSRF_COOKIE_HTTPONLY is True


def production_environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DEBUG"}}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ID_ENCRYPTION_KEYS=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        ID_HASH_KEY=secrets.token_urlsafe(32),
        ALLOWED_HOSTS="peixun.example.cn",
        PUBLIC_URL="https://peixun.example.cn",
        TRUSTED_PROXIES="unix",
        DATABASE_URL="sqlite:////tmp/x.sqlite3",
        SECURITY_LOG_FILE="/var/log/peixun/security.log",  # opened at the first event: none here
    )
    return env


def manage(*args: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    """`manage.py ARGS` in a child process with `env` (settings are read once per process)."""
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_check_deploy_passes_with_no_warnings_on_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_collectstatic_builds_the_hashed_compressed_files_on_production_settings(tmp_path):
    """The deploy step of operations.md: WhiteNoise's manifest storage refuses a file that names a
    missing one (a vendored library's source map, say), which would stop a release."""
    env = production_environment()
    env["STATIC_ROOT"] = str(tmp_path)
    result = manage("collectstatic", "--no-input", env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/bootstrap/bootstrap.bundle.min.js" in manifest
    assert list(tmp_path.glob("vendor/htmx/htmx.min.*.js.gz"))


def test_check_deploy_warns_when_no_trusted_proxy_is_named():
    env = production_environment()
    del env["TRUSTED_PROXIES"]
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0 and "accounts.W001" in result.stdout + result.stderr


def test_settings_refuse_a_bad_trusted_proxy_and_the_replaced_proxy_count():
    env = production_environment()
    env["TRUSTED_PROXIES"] = "unix,10.0.0.300"
    result = manage("check", env=env)
    assert result.returncode != 0 and "10.0.0.300" in result.stderr
    env = production_environment()
    env["PROXY_COUNT"] = "1"
    result = manage("check", env=env)
    assert result.returncode != 0 and "TRUSTED_PROXIES" in result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = production_environment()
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_no_template_sets_an_inline_style_the_csp_would_drop():
    """style-src allows only our own stylesheets: a `style="..."` attribute is silently ignored by
    the browser, so a width or a bar set that way never shows. Sizes and bars are CSS classes."""
    templates = [*BASE_DIR.glob("peixun/*/templates/**/*.html"), *BASE_DIR.glob("templates/**/*.html")]
    assert templates
    found = [
        f"{path.relative_to(BASE_DIR)}:{number}"
        for path in templates
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\sstyle\s*=", line)
    ]
    assert found == []
