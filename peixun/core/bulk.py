"""Inserting thousands of rows at once: COPY on PostgreSQL, one prepared statement run for every
row (`executemany`) elsewhere. `bulk_create` spends most of its time building the SQL of each
batch (measured: 8,000 enrolments and 8,000 notices took ~9 s of a mandatory enrolment's 24);
PITFALLS puts COPY at ~200k rows/s.

The caller passes the values in the order of `fields`; columns left out take no default from
Django, so a model's NOT NULL columns must all be given. A unique constraint refuses a row with
`django.db.IntegrityError`, as an ORM insert would; inside a transaction (an atomic block) the
whole insert is then rolled back with it."""

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection, models


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Insert `rows` (one value per name in `fields`, attribute names such as `project_id`) into
    `model`'s table; returns how many were written. Times may be aware datetimes, JSON columns
    dicts or lists."""
    meta = model._meta
    columns = [_column(model, name) for name in fields]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    prepare = _preparer(connection.vendor == "postgresql", connection.ops.adapt_datetimefield_value)
    prepared: list[Any] = [tuple(map(prepare, row)) for row in rows]
    if not prepared:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for row in prepared:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", prepared)  # noqa: S608 - names from the model
    return len(prepared)


def update_rows(objects: Sequence[models.Model], fields: Sequence[str]) -> int:
    """Write `fields` (names such as `version` or `version_id`) of these saved instances of one
    model: one prepared UPDATE run for every row (`executemany`) — `bulk_update` spends most of its
    time building a CASE expression per field over the whole batch (measured: 1.6 s of a 100-
    trainee register's 2 s under the profiler). No signals, no `auto_now`; returns how many."""
    if not objects:
        return 0
    model = type(objects[0])
    meta = model._meta
    columns = [_field(model, name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    statement = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608 - names from the model
    rows = [
        (*(field.get_db_prep_save(getattr(item, field.attname), connection) for field in columns), item.pk)
        for item in objects
    ]
    with connection.cursor() as cursor:
        cursor.executemany(statement, rows)
    return len(rows)


def _column(model: type[models.Model], name: str) -> str:
    return _field(model, name).column


def _field(model: type[models.Model], name: str) -> models.Field:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise ValueError(f"{name} is not a column of {model._meta.label}")
    return field


def _preparer(postgresql: bool, adapt_datetime: Callable[[datetime], object]) -> Callable[[object], object]:
    """A value as the database takes it: JSON as text; times as they are for PostgreSQL's COPY,
    by the backend's adapter (text) for SQLite."""

    def prepare(value: object) -> object:
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False)
        if not postgresql and isinstance(value, datetime):
            return adapt_datetime(value)
        return value

    return prepare
