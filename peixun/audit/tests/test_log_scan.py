"""The probe that keeps secrets out of the logs (peixun.testing.logscan) finds what it must: a whole ID
number, a test password, a session key, an API key secret, a TOTP key — in any logger's record
and in audit events — and nothing in their masked or harmless forms."""

import logging
from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.sessions.backends.db import SessionStore

from peixun.api.services import create_api_key
from peixun.audit import events
from peixun.lib import idnumbers
from peixun.testing.factories import PASSWORD
from peixun.testing.logscan import SCANNER, Scanner, charge

ID_NUMBER = idnumbers.make_valid_id("320705", date(1985, 3, 14), 7, "female")


def test_a_whole_id_number_a_password_and_a_noted_secret_are_found():
    scanner = Scanner()
    scanner.password("Lantern-Orchard-42")
    scanner.token("k" * 31 + "z")
    assert scanner.problems(f"person {ID_NUMBER} saved") == [f"ID number {idnumbers.mask(ID_NUMBER)}"]
    assert scanner.problems(f"x={ID_NUMBER.lower()[:-1]}x") == []  # a wrong check digit: not a number
    assert scanner.problems(f"order 9{ID_NUMBER}") == []  # part of a longer run of digits
    assert scanner.problems(f"person {idnumbers.mask(ID_NUMBER)} phone 13812345678") == []
    assert scanner.problems("login with Lantern-Orchard-42!") == ["password La… (18 characters)"]
    assert scanner.problems("session=" + "k" * 31 + "z;") == ["secret kk… (32 characters)"]
    assert scanner.problems("session=" + "k" * 32) == []


def test_any_loggers_record_is_scanned_and_charged_to_the_test(db, client, world):
    SCANNER.take()
    logging.getLogger("some.library").warning("import row %s: %s", 3, ID_NUMBER)
    logging.getLogger("peixun.security").info("password was %s", PASSWORD)
    client.force_login(world.teacher_user)
    session_key = client.session.session_key
    logging.getLogger("django.server").error("cookie %s", session_key)  # a logger that does not propagate
    _key, secret = create_api_key(name="probe", org=world.city, role="bureau_admin", actor=world.city_admin)
    try:
        raise ValueError(f"bad key {secret}")
    except ValueError:
        logging.getLogger("peixun.api").exception("refused")
    found = SCANNER.take()
    assert f"log some.library WARNING: ID number {idnumbers.mask(ID_NUMBER)}" in found
    assert "log peixun.security INFO: password Co… (18 characters)" in found
    assert any(item.startswith("log django.server ERROR: secret") for item in found)
    assert any(item.startswith("log peixun.api ERROR: secret") for item in found)


def test_audit_events_are_scanned_as_they_are_written(db, world):
    SCANNER.take()
    events.record(action="person_updated", changes={"note": [None, f"证件 {ID_NUMBER}"]})
    events.record(action="password_reset", target_repr=PASSWORD)
    found = SCANNER.take()
    assert found == [
        f"audit event: ID number {idnumbers.mask(ID_NUMBER)}",
        "audit event: password Co… (18 characters)",
    ]


def test_the_test_during_which_a_secret_was_logged_fails_at_teardown():
    SCANNER.take()
    logging.getLogger("peixun.imports").info("row 2: %s", ID_NUMBER)
    report = SimpleNamespace(outcome="passed", longrepr=None, sections=[])
    charge(report)
    assert report.outcome == "failed"
    assert f"log peixun.imports INFO: ID number {idnumbers.mask(ID_NUMBER)}" in report.longrepr
    assert ID_NUMBER not in report.longrepr
    clean = SimpleNamespace(outcome="passed", longrepr=None, sections=[])
    charge(clean)
    assert clean.outcome == "passed"


@pytest.mark.django_db
def test_a_new_session_key_is_noted_as_a_secret():
    store = SessionStore()
    store.create()
    SCANNER.take()
    logging.getLogger("x").info("%s", store.session_key)
    assert len(SCANNER.take()) == 1
