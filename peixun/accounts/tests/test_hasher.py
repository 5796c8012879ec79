"""Passwords are hashed with Argon2id at OWASP's parameters; hashes made with Django's default
parameters still verify and are rehashed at the next sign-in (ADR 0058)."""

import pytest
from argon2 import extract_parameters
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password

from peixun import settings as project_settings


@pytest.fixture
def production_hashers(settings):
    """The hashers production uses (the test settings hash cheaply)."""
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def _params(encoded: str):
    return extract_parameters("$" + encoded.split("$", 1)[1])


def test_new_passwords_use_owasp_parameters(production_hashers):
    encoded = make_password("Lantern-river-42")
    params = _params(encoded)
    assert encoded.startswith("argon2$argon2id$")
    assert (params.memory_cost, params.time_cost, params.parallelism) == (19 * 1024, 2, 1)


@pytest.mark.django_db
def test_a_hash_with_djangos_defaults_verifies_and_is_upgraded_at_sign_in(production_hashers, world):
    user = world.teacher_user
    django_default = Argon2PasswordHasher()
    user.password = django_default.encode("Lantern-river-42", django_default.salt())
    user.save(update_fields=["password"])
    assert _params(user.password).memory_cost == 102400
    assert user.check_password("Lantern-river-42")  # verifies, then rehashes and saves
    user.refresh_from_db()
    assert _params(user.password).memory_cost == 19 * 1024
    assert check_password("Lantern-river-42", user.password)
