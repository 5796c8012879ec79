"""No secret in any log: every log record written while the tests run is scanned.

A log record factory (`logging.setLogRecordFactory`) sees every record any logger creates — whatever
handlers, levels of propagation are configured later — and each one's message (and the message of
the exception it carries) is searched for

- a whole resident ID number (18 characters with a right check digit: `idnumbers.full_numbers_in`);
- a password the tests use: the shared test password, every password set on an account
  (`make_password` is wrapped) and every random initial password handed out;
- a session key, an API key's secret, a TOTP device's key (in hex and in base32) or a lesson's
  check-in secret, each noted when it is made.

Audit events are scanned as they are written (`record` and the importers' `bulk_create`) for ID
numbers and passwords.

A finding is charged to the test during which it was written: that test fails at teardown with the
logger, the level and what was found (never the secret itself). Each pytest-xdist worker scans its
own records and charges its own tests, so nothing is shared between processes.
Installed by peixun/conftest.py; see docs/security.md ("Logs").
"""

import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from peixun.lib import idnumbers

SHORTEST_SECRET = 8


class Scanner:
    def __init__(self) -> None:
        # Secrets by length, each with what it is, looked up by sliding a window over the text.
        self.secrets: dict[int, dict[str, str]] = {}
        self.findings: list[str] = []
        self._lock = threading.Lock()

    # --- What counts as a secret -----------------------------------------------------------------

    def _note(self, value: object, kind: str) -> None:
        if isinstance(value, str) and len(value) >= SHORTEST_SECRET:
            with self._lock:
                self.secrets.setdefault(len(value), {}).setdefault(value, kind)

    def password(self, value: object) -> None:
        self._note(value, "password")

    def token(self, value: object) -> None:
        self._note(value, "secret")

    # --- Scanning --------------------------------------------------------------------------------

    def problems(self, text: str) -> list[str]:
        found = [f"ID number {idnumbers.mask(n)}" for n in idnumbers.full_numbers_in(text)]
        with self._lock:
            lengths = [(length, values) for length, values in self.secrets.items() if length <= len(text)]
        for length, values in lengths:
            for start in range(len(text) - length + 1):
                kind = values.get(text[start : start + length])
                if kind is not None:
                    found.append(f"{kind} {text[start : start + 2]}… ({length} characters)")
        return found

    def check_record(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:  # a badly formatted record: logging reports its own error
            text = str(record.msg)
        if record.exc_info and record.exc_info[1] is not None:
            text += "\n" + str(record.exc_info[1])
        for problem in self.problems(text):
            self.findings.append(f"log {record.name} {record.levelname}: {problem}")

    def check_audit(self, texts: Iterable[str]) -> None:
        for text in texts:
            for problem in self.problems(text):
                self.findings.append(f"audit event: {problem}")

    def take(self) -> list[str]:
        findings, self.findings = self.findings, []
        return findings


SCANNER = Scanner()


def charge(report: Any) -> None:
    """Fail the test whose teardown `report` is if anything was found since the last one."""
    findings = SCANNER.take()
    if not findings:
        return
    text = "\n".join(dict.fromkeys(findings))
    if report.outcome == "failed":
        report.sections.append(("Secrets written to a log or to the audit log", text))
    else:
        report.outcome = "failed"
        report.longrepr = "Written to a log or to the audit log during this test:\n" + text


def install_record_factory() -> None:
    """Scan every log record from now on (called when the test session starts)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "peixun_scanned", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        SCANNER.check_record(record)
        return record

    factory.peixun_scanned = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def _noting(function: Callable, note: Callable[[Any], None], *, argument: int | None = 0) -> Callable:
    """`function`, noting its argument `argument` (or its result when None) as a secret."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = function(*args, **kwargs)
        note(result if argument is None else (args[argument] if len(args) > argument else None))
        return result

    wrapper.__wrapped__ = function  # type: ignore[attr-defined]
    return wrapper


def _audit_texts(fields: dict[str, Any]) -> list[str]:
    return [
        json.dumps(fields.get("changes") or {}, ensure_ascii=False, default=str),
        str(fields.get("target_repr") or ""),
        str(fields.get("actor_name") or ""),
    ]


def watch_secrets_and_audit() -> None:
    """Note secrets where they are made and scan audit events as they are written. Needs Django set
    up; called once per process before the first test."""
    import base64

    from django.contrib.auth import base_user
    from django.contrib.sessions.backends import base as sessions

    from peixun.accounts import services as accounts
    from peixun.api import services as api
    from peixun.audit import events
    from peixun.audit.models import AuditEvent
    from peixun.delivery.models import Lesson
    from peixun.testing import factories

    if getattr(getattr(base_user, "make_password"), "__wrapped__", None) is not None:  # noqa: B009
        return
    SCANNER.password(factories.PASSWORD)

    def wrap(owner: Any, name: str, note: Callable[[Any], None], argument: int | None = 0) -> None:
        setattr(owner, name, _noting(getattr(owner, name), note, argument=argument))

    wrap(base_user, "make_password", SCANNER.password)
    wrap(accounts, "make_password", SCANNER.password)
    wrap(accounts, "temporary_password", SCANNER.password, argument=None)
    wrap(sessions.SessionBase, "_get_new_session_key", SCANNER.token, argument=None)
    wrap(api, "digest", SCANNER.token)
    field = Lesson._meta.get_field("checkin_secret")
    wrap(field, "default", SCANNER.token, argument=None)
    field.__dict__.pop("_get_default", None)  # Field caches how it makes its default
    _watch_totp_keys(base64)

    append = events.APPEND

    def create(**fields: Any) -> Any:
        SCANNER.check_audit(_audit_texts(fields))
        return type(append).create(append, **fields)

    setattr(append, "create", create)  # noqa: B010 - an instance attribute over the method
    manager = AuditEvent.objects
    bulk_create = manager.bulk_create

    def bulk(objs: Iterable[AuditEvent], *args: Any, **kwargs: Any) -> Any:
        objs = list(objs)
        for event in objs:
            SCANNER.check_audit(_audit_texts(vars(event)))
        return bulk_create(objs, *args, **kwargs)

    setattr(manager, "bulk_create", bulk)  # noqa: B010 - an instance attribute over the method


def _watch_totp_keys(base64: Any) -> None:
    """TOTP device keys (django-otp, hex), noted with their base32 form (the one in a QR code)."""
    from django.apps import apps

    if not apps.is_installed("django_otp.plugins.otp_totp"):
        return
    from django_otp.plugins.otp_totp import models as totp

    def note(key: Any) -> None:
        if isinstance(key, str):
            SCANNER.token(key)
            if len(key) % 2 == 0 and all(c in "0123456789abcdefABCDEF" for c in key):
                SCANNER.token(base64.b32encode(bytes.fromhex(key)).decode())

    totp.random_hex = _noting(totp.random_hex, note, argument=None)
