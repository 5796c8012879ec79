"""Fixtures shared by every app's tests."""

import pytest

from peixun.testing import db as testing_db
from peixun.testing import logscan
from peixun.testing.personas import World, build_world

# Every log record and audit event written by the tests is scanned for ID numbers, passwords and
# secrets (peixun.testing.logscan); a test that wrote one fails.
logscan.install_record_factory()
# The flush after a transactional test may empty the tables that refuse TRUNCATE (PostgreSQL).
testing_db.allow_flush()


@pytest.fixture(scope="session", autouse=True)
def _secrets_watched():
    logscan.watch_secrets_and_audit()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if call.when != "teardown":
        return
    logscan.charge(outcome.get_result())


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def client():
    """Django's test client whose `force_login` also passes the second factor for those who need
    it, as their real sign-in would (peixun.testing.second_factor); `force_login(user,
    verified=False)` or a plain django.test.Client meets the gate."""
    from peixun.testing.second_factor import VerifiedClient

    return VerifiedClient()


@pytest.fixture(autouse=True)
def _append_only_tables_emptied(request):
    """After a transactional test (live server, threads), empty the append-only tables so Django's
    flush can run on SQLite (peixun.testing.db). Set up after pytest-django's database fixture, so
    it is torn down before the flush."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    yield
    from peixun.testing.db import clear_append_only_tables

    clear_append_only_tables()


@pytest.fixture(autouse=True)
def _fast_tasks_and_hashing(settings):
    """Tests run tasks at once and hash passwords cheaply; production keeps Argon2 and the queue."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request with another Accept-Language leaves that
    language active in the thread (LocaleMiddleware activates it and nothing resets it)."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def browser():
    """Headless Chromium (peixun.testing.browser); tests using it carry `needs_chromium`."""
    from peixun.testing.browser import chromium

    with chromium() as instance:
        yield instance


@pytest.fixture
def browser_page(browser):
    """A phone-sized page, in English."""
    from peixun.testing.browser import new_page

    return new_page(browser, width=390, language="en")


DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def _touches_the_database(item) -> bool:
    if item.get_closest_marker("django_db") or DATABASE_FIXTURES.intersection(
        getattr(item, "fixturenames", ())
    ):
        return True
    from django.test import TransactionTestCase

    cls = getattr(item, "cls", None)
    return cls is not None and issubclass(cls, TransactionTestCase)


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL (`make test`'s second run), leave out the tests that never open a database:
    the SQLite run ran the same code, so they would only run twice (ADR 0048).
    `PEIXUN_ALL_TESTS=1` keeps them."""
    import os

    from django.conf import settings

    if "postgresql" not in settings.DATABASES["default"]["ENGINE"] or os.environ.get("PEIXUN_ALL_TESTS"):
        return
    kept, left = [], []
    for item in items:
        (kept if _touches_the_database(item) else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept
