"""The audit log is append-only in the database itself: UPDATE, DELETE and (PostgreSQL) TRUNCATE are
refused whatever writes them — the ORM, a queryset, raw SQL."""

import pytest
from django.db import connection, transaction

from peixun.audit import events
from peixun.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def refused(statement: str, params: list | None = None) -> None:
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Foreign keys are checked at commit: PostgreSQL would refuse TRUNCATE for their pending
            # checks before the trigger is asked. Check them now, so the trigger is what refuses.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(statement, params)


def test_rows_cannot_be_changed_or_removed_by_any_path(world):
    event = events.record(action="login_failed", target_repr="someone")
    before = AuditEvent.objects.count()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(target_repr="nobody")
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        event.target_repr = "nobody"
        event.save()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        event.delete()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    refused("UPDATE audit_auditevent SET action = %s", ["login"])
    refused("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    refused("DELETE FROM audit_auditevent")
    if connection.vendor == "postgresql":
        refused("TRUNCATE audit_auditevent")
        refused("TRUNCATE audit_auditevent CASCADE")
    event.refresh_from_db()
    assert event.target_repr == "someone"
    assert AuditEvent.objects.count() == before


def test_only_new_rows_may_be_added(world):
    before = AuditEvent.objects.count()
    events.record(action="login_failed", target_repr="someone")
    AuditEvent.objects.bulk_create([AuditEvent(action="logout", actor_name="x")])
    assert AuditEvent.objects.count() == before + 2
