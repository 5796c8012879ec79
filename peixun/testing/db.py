"""Emptying the append-only tables after a transactional test.

Django flushes the database after a TransactionTestCase (live-server and concurrency tests). On
PostgreSQL that is a TRUNCATE, which the audit log's statement trigger refuses: the flush's own
statements are wrapped in DISABLE/ENABLE TRIGGER, in its transaction (`allow_flush`, installed by
peixun/conftest.py). On SQLite it is a DELETE, which the append-only triggers refuse. So on SQLite
the triggers are dropped, the rows deleted and the triggers put back, just before the flush (the
autouse fixture in peixun/conftest.py).
"""

from django.db import connection
from django.db.backends.postgresql.operations import DatabaseOperations

from peixun.core.db import APPEND_ONLY_TABLES, append_only_statements

# Tables with a TRUNCATE trigger (migrations using peixun.core.db.no_truncate).
NO_TRUNCATE_TABLES = ("audit_auditevent",)


def allow_flush() -> None:
    """Let the tests' flush (PostgreSQL) empty the tables that refuse TRUNCATE."""
    original = DatabaseOperations.sql_flush
    if getattr(original, "peixun_allows_truncate", False):
        return

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        guarded = [table for table in NO_TRUNCATE_TABLES if table in tables]
        if not statements or not guarded:
            return statements
        before = [f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_truncate;" for table in guarded]
        after = [f"ALTER TABLE {table} ENABLE TRIGGER {table}_no_truncate;" for table in guarded]
        return before + statements + after

    sql_flush.peixun_allows_truncate = True  # type: ignore[attr-defined]
    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]


def clear_append_only_tables() -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        # Rows of other tables may still point at these (hours postings at credit entries): the
        # flush that follows empties them all, so foreign keys are not checked in between.
        cursor.execute("PRAGMA foreign_keys = OFF")
        for table in APPEND_ONLY_TABLES:
            up, down = append_only_statements(table, "sqlite")
            for statement in down:
                cursor.execute(statement)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a constant table name
            for statement in up:
                cursor.execute(statement)
        cursor.execute("PRAGMA foreign_keys = ON")
