"""Database helpers shared by migrations and services.

`append_only(table)` is the migration operation that makes a table append-only in the database
itself: triggers reject every UPDATE and DELETE on PostgreSQL and on SQLite (the audit log, the
credit ledger). `no_truncate(table)` adds a statement trigger that rejects TRUNCATE on PostgreSQL
(SQLite has no TRUNCATE: its `DELETE FROM t` runs the row triggers). The tests' flush after a
TransactionTestCase sets the triggers aside for its own statement (peixun.testing.db).

`hold_key_share(model, pk)` takes a row FOR KEY SHARE on PostgreSQL, a lock Django's
`select_for_update` does not offer: it waits only for FOR UPDATE (the row being changed as a
whole, or deleted) and stops that while held, yet lets others take the row FOR NO KEY UPDATE.
"""

from django.db import connection, migrations
from django.db.models import Model

# Every append-only table, for the test clean-up that must empty them (peixun.testing.db).
APPEND_ONLY_TABLES = ("audit_auditevent", "ledger_creditentry")

_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION peixun_reject_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
"""


def append_only_statements(table: str, vendor: str) -> tuple[list[str], list[str]]:
    if vendor == "postgresql":
        up = [
            _POSTGRES_FUNCTION,
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION peixun_reject_change();",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION peixun_reject_change();",
        ]
        down = [
            f"DROP TRIGGER IF EXISTS {table}_no_update ON {table};",
            f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table};",
        ]
        return up, down
    up = [
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'table {table} is append-only'); END;",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'table {table} is append-only'); END;",
    ]
    down = [f"DROP TRIGGER IF EXISTS {table}_no_update;", f"DROP TRIGGER IF EXISTS {table}_no_delete;"]
    return up, down


def append_only(table: str) -> migrations.RunPython:
    def forwards(apps, schema_editor):
        for statement in append_only_statements(table, schema_editor.connection.vendor)[0]:
            schema_editor.execute(statement, params=None)

    def backwards(apps, schema_editor):
        for statement in append_only_statements(table, schema_editor.connection.vendor)[1]:
            schema_editor.execute(statement, params=None)

    return migrations.RunPython(forwards, backwards)


def no_truncate_statements(table: str) -> tuple[list[str], list[str]]:
    """PostgreSQL: TRUNCATE of `table` raises (row triggers do not see it)."""
    up = [
        _POSTGRES_FUNCTION,
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION peixun_reject_change();",
    ]
    return up, [f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};"]


def no_truncate(table: str) -> migrations.RunPython:
    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in no_truncate_statements(table)[0]:
                schema_editor.execute(statement, params=None)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in no_truncate_statements(table)[1]:
                schema_editor.execute(statement, params=None)

    return migrations.RunPython(forwards, backwards)


def hold_key_share(model: type[Model], pk: int) -> None:
    """Lock the row `pk` of `model` FOR KEY SHARE until the transaction ends (PostgreSQL; SQLite
    locks the whole database for a writer and takes no row locks)."""
    if connection.vendor != "postgresql":
        return
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE {column} = %s FOR KEY SHARE", [pk])  # noqa: S608 - names from the model
