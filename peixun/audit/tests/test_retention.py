"""Logs kept six months (网络安全法 第21条): security events go to their own file, masked; old audit
events are archived to a compressed file and never deleted; younger ones are refused."""

import gzip
import json
import os
import subprocess
import sys
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from peixun.audit import events
from peixun.audit.checks import log_retention
from peixun.audit.models import AuditEvent
from peixun.lib import idnumbers

pytestmark = pytest.mark.django_db


def event_days_ago(days: int, name: str) -> AuditEvent:
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - timedelta(days=days)):
        return events.record(action="org_updated", target_repr=name)


def archived(directory) -> list[dict]:
    rows = []
    for path in sorted(directory.glob("audit-*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as archive:
            rows += [json.loads(line) for line in archive]
    return rows


def run(directory, *args: str) -> str:
    out = StringIO()
    call_command("audit_retention", "--archive-dir", str(directory), *args, stdout=out)
    return out.getvalue()


def test_old_events_are_archived_once_and_stay_in_the_table(tmp_path):
    old = event_days_ago(200, "旧事件")
    event_days_ago(100, "近事件")
    events.record(action="org_updated", target_repr="今天")
    before = AuditEvent.objects.count()
    assert "Archived 1 events" in run(tmp_path)
    rows = archived(tmp_path)
    assert [(row["id"], row["target_repr"], row["action"]) for row in rows] == [
        (old.pk, "旧事件", "org_updated")
    ]
    assert AuditEvent.objects.count() == before
    assert "Nothing to archive" in run(tmp_path)
    older = event_days_ago(195, "后补事件")
    run(tmp_path)
    assert [row["id"] for row in archived(tmp_path)] == [old.pk, older.pk]
    assert not list(tmp_path.glob("*partial*"))


def test_a_day_younger_than_the_retention_period_is_refused(tmp_path):
    event_days_ago(100, "近事件")
    day = (timezone.localdate() - timedelta(days=settings.AUDIT_RETENTION_DAYS - 1)).isoformat()
    with pytest.raises(CommandError, match="younger than 190 days"):
        run(tmp_path, "--before", day)
    assert archived(tmp_path) == []
    event_days_ago(400, "很旧")
    run(tmp_path, "--before", (timezone.localdate() - timedelta(days=300)).isoformat())
    assert [row["target_repr"] for row in archived(tmp_path)] == ["很旧"]


def test_a_retention_period_under_six_months_is_refused(tmp_path, settings):
    settings.AUDIT_RETENTION_DAYS = 90
    with pytest.raises(CommandError, match="at least 183 days"):
        run(tmp_path)
    assert [problem.id for problem in log_retention(None)] == ["audit.W001", "audit.E001"]
    settings.SECURITY_LOG_FILE = "/var/log/peixun/security.log"
    settings.AUDIT_RETENTION_DAYS = 190
    assert log_retention(None) == []


def test_security_events_go_to_their_own_file_with_id_numbers_masked(tmp_path):
    """The settings as production loads them: SECURITY_LOG_FILE set, a fresh process."""
    log_file = tmp_path / "security.log"
    number = idnumbers.make_valid_id("320705", timezone.localdate().replace(year=1980), 3, "male")
    script = (
        "import django, logging; django.setup(); "
        f"logging.getLogger('peixun.security').info('login failed: typed %s', '{number}'); "
        "logging.getLogger('peixun.imports').info('not a security event')"
    )
    environment = {
        **os.environ,
        "SECURITY_LOG_FILE": str(log_file),
        "DJANGO_SETTINGS_MODULE": "peixun.settings",
    }
    subprocess.run([sys.executable, "-c", script], env=environment, check=True, capture_output=True)  # noqa: S603
    written = log_file.read_text(encoding="utf-8")
    assert "INFO peixun.security login failed: typed " + idnumbers.mask(number) in written
    assert number not in written
    assert "not a security event" not in written
