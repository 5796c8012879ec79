"""The database session store finds a live session by its key in one compiled query and forgets
an expired or unknown key, as Django's own store does."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from peixun.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_database_store_is_the_session_engine_without_redis():
    assert settings.SESSION_ENGINE == "peixun.accounts.sessions"


def test_a_saved_session_comes_back_in_one_query():
    store = SessionStore()
    store["last_seen"] = 1_700_000_000
    store.create()

    again = SessionStore(store.session_key)
    with CaptureQueriesContext(connection) as queries:
        assert again["last_seen"] == 1_700_000_000
    assert len(queries) == 1
    assert again.session_key == store.session_key


def test_an_expired_or_unknown_key_gives_an_empty_session_and_is_forgotten():
    store = SessionStore()
    store["last_seen"] = 1
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    for key in (store.session_key, "unknownsessionkey0123456789abcd"):
        again = SessionStore(key)
        assert "last_seen" not in again
        assert again.session_key is None
