"""Passwords (Argon2, validators), the admin idle timeout and the first-sign-in password change."""

import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from peixun.accounts.middleware import LAST_SEEN_KEY
from peixun.audit.models import AuditEvent
from peixun.testing.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PRODUCTION_HASHERS = [
    "peixun.accounts.hashers.Argon2Hasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def test_settings_hash_passwords_with_argon2_first():
    # conftest swaps in MD5 for speed; the module's own value is what production runs.
    from peixun import settings as production

    assert production.PASSWORD_HASHERS[0] == "peixun.accounts.hashers.Argon2Hasher"


def test_a_new_password_is_stored_as_argon2(settings, world):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = world.no_role
    user.set_password("Lantern-Orchard-42")
    user.save()
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("Lantern-Orchard-42")


def test_an_old_hash_is_upgraded_to_argon2_at_sign_in(client, settings, world):
    # The world was built with MD5 (conftest); signing in under production hashers rehashes.
    settings.PASSWORD_HASHERS = [*PRODUCTION_HASHERS, "django.contrib.auth.hashers.MD5PasswordHasher"]
    client.post(reverse("accounts:login"), {"username": "no_role", "password": PASSWORD})
    world.no_role.refresh_from_db()
    assert world.no_role.password.startswith("argon2$")


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab3$xyz", "password_too_short"),
        ("password123", "password_too_common"),
        ("3141592653589", "password_entirely_numeric"),
        ("zhangwei-teacher", "password_too_similar"),
    ],
)
def test_password_validators_refuse_weak_passwords(world, password, code):
    user = make_user("zhangwei-teacher", email="zw@example.cn")
    with pytest.raises(ValidationError) as raised:
        validate_password(password, user)
    assert code in {error.code for error in raised.value.error_list}


def test_password_validator_messages_are_translated_to_chinese(world):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        validate_password("12345", world.no_role)
    text = " ".join(raised.value.messages)
    assert "密码" in text


def test_minimum_length_is_eight():
    minimum = next(v for v in django_settings.AUTH_PASSWORD_VALIDATORS if "MinimumLength" in v["NAME"])
    assert minimum["OPTIONS"]["min_length"] == 8


# --- Idle timeout ---------------------------------------------------------------------------------


def idle_for(client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - seconds
    session.save()


@override_settings(ADMIN_IDLE_TIMEOUT_SECONDS=1800)
def test_idle_bureau_admin_is_signed_out(client, world):
    client.force_login(world.county_admin)
    assert client.get(reverse("site:home")).status_code == 200
    idle_for(client, 1801)
    response = client.get(reverse("site:home"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="logout", actor=world.county_admin).exists()


@override_settings(ADMIN_IDLE_TIMEOUT_SECONDS=1800)
def test_admin_active_within_the_timeout_stays_signed_in(client, world):
    client.force_login(world.county_admin)
    client.get(reverse("site:home"))
    idle_for(client, 1700)
    assert client.get(reverse("site:home")).status_code == 200


@override_settings(ADMIN_IDLE_TIMEOUT_SECONDS=1800)
def test_idle_teacher_is_not_signed_out(client, world):
    client.force_login(world.teacher_user)
    client.get(reverse("site:home"))
    idle_for(client, 7200)
    assert client.get(reverse("site:home")).status_code == 200
    assert client.session["_auth_user_id"] == str(world.teacher_user.pk)


@override_settings(ADMIN_IDLE_TIMEOUT_SECONDS=1800)
def test_idle_htmx_request_is_sent_to_the_login_page_with_hx_redirect(client, world):
    client.force_login(world.city_admin)
    client.get(reverse("site:home"))
    idle_for(client, 1801)
    response = client.get(reverse("orgs:tree"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("accounts:login")


# --- First sign-in password change --------------------------------------------------------------


@pytest.fixture
def imported(world):
    user = world.teacher_user
    user.must_change_password = True
    user.save()
    return user


def test_account_that_must_change_its_password_is_sent_to_the_password_page_from_every_page(client, imported):
    client.force_login(imported)
    for name in ("site:home", "orgs:people", "accounts:list"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url == reverse("accounts:password-change")
    page = client.get(reverse("accounts:password-change"))
    assert page.status_code == 200
    assert "Please set a new password" in page.content.decode() or "新密码" in page.content.decode()


def test_sign_out_and_language_switch_work_before_the_change(client, imported):
    client.force_login(imported)
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_changing_the_password_clears_the_flag_and_is_audited(client, imported):
    client.force_login(imported)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Lantern-Orchard-42",
            "new_password2": "Lantern-Orchard-42",
        },
    )
    assert response.status_code == 302
    imported.refresh_from_db()
    assert imported.must_change_password is False
    assert imported.check_password("Lantern-Orchard-42")
    event = AuditEvent.objects.get(action="password_changed")
    assert event.actor == imported
    assert event.changes == {"must_change_password": [True, False]}
    # Still signed in, and free to go anywhere.
    assert client.get(reverse("site:home")).status_code == 200


def test_a_weak_new_password_is_refused_with_the_validator_message(client, imported):
    client.force_login(imported)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    imported.refresh_from_db()
    assert imported.must_change_password is True
    assert "invalid-feedback" in response.content.decode()


def test_a_teachers_requests_write_no_session_an_admins_record_when_last_seen(client, world):
    client.force_login(world.teacher_user)
    client.get("/")
    assert LAST_SEEN_KEY not in client.session
    client.force_login(world.county_admin)
    client.get("/")
    assert LAST_SEEN_KEY in client.session
