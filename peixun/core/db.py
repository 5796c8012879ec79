"""Database helpers shared by migrations and services.

`append_only(table)` is the migration operation that makes a table append-only in the database
itself: triggers reject every UPDATE and DELETE on PostgreSQL and on SQLite (the audit log, the
credit ledger). A test may still empty the table with TRUNCATE (TransactionTestCase does).
"""

from django.db import migrations

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
