"""Emptying the append-only tables after a transactional test.

Django flushes the database after a TransactionTestCase (live-server and concurrency tests). On
PostgreSQL that is a TRUNCATE, which row triggers do not see; on SQLite it is a DELETE, which
the append-only triggers refuse. So on SQLite the triggers are dropped, the rows deleted and the
triggers put back, just before the flush (the autouse fixture in peixun/conftest.py).
"""

from django.db import connection

from peixun.core.db import APPEND_ONLY_TABLES, append_only_statements


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
