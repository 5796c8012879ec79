"""Every touch of Django's private API that the compiled statements (peixun.core.compiled) need, in
one module, and nowhere else in the product.

Django offers no public way to compile a queryset once and run its SQL again with a new value, so
`peixun.core.compiled` borrows the ORM's own machinery: the query compiler (SQL, result columns,
converters, related populators), the update and insert query classes, the save preparation of a
model instance, and the database wrapper's cursor plumbing. Each use is a small function here;
`compiled.py` itself speaks only public API (querysets, `connections`, `Model.from_db`, field
`pre_save` / `get_db_prep_save`, signals).

Verified on the Django versions in VERIFIED_ON. On an upgrade, `peixun/lib/tests/
test_compiled_private.py` fails first — the version pin, then each private name and signature
used below — and `test_compiled.py` then checks that what is built still equals the ORM's result.
docs/decisions/0030-compiled-lookups.md lists each private part and what to do when one changes.
"""

import functools
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeAlias, cast

import django
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Field, Model, QuerySet
from django.db.models import sql as orm_sql
from django.db.models.expressions import Expression
from django.db.models.query import (  # type: ignore[attr-defined]  # get_related_populators: private, not in the stubs
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.sql.compiler import SQLCompiler

if TYPE_CHECKING:
    import psycopg
    from django.db.backends.utils import _ExecuteParameters, _ExecuteQuery  # the stubs' own aliases
    from psycopg.abc import Params, QueryNoTemplate
    from psycopg.rows import TupleRow

# Django (major, minor) versions this module was read against and its tests passed on.
VERIFIED_ON = frozenset({(5, 2)})


def verified() -> bool:
    return tuple(django.VERSION[:2]) in VERIFIED_ON


# The database wrapper a compiled statement runs on (`connections[alias]`).
Connection: TypeAlias = BaseDatabaseWrapper


# --- Cursors ------------------------------------------------------------------------------------------


def statement_cursor(connection: BaseDatabaseWrapper) -> CursorWrapper:
    """A cursor for a compiled statement: on PostgreSQL one that binds on the server and prepares
    what it runs, wrapped as Django wraps its own (error translation; query logging under DEBUG
    and in tests); elsewhere the connection's usual cursor.

    Private: BaseDatabaseWrapper.close_if_health_check_failed / ensure_connection /
    validate_thread_sharing / make_cursor / queries_logged, the raw `connection.connection`, and
    CursorDebugWrapper (below) — what `connection.cursor()` does, with our cursor class."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    cursor = _prepared_cursor_class()(connection.connection)
    if connection.queries_logged:
        return _LoggedCursor(cursor, connection)
    return connection.make_cursor(cursor)  # type: ignore[arg-type]  # the stubs take Django's wrapper; it wraps the driver's cursor


@functools.cache
def _prepared_cursor_class() -> "type[psycopg.Cursor[TupleRow]]":
    import psycopg  # only on PostgreSQL, where the backend has imported it already
    from psycopg.rows import TupleRow

    class PreparedCursor(psycopg.Cursor[TupleRow]):
        def execute(  # type: ignore[override]  # Django sends SQL strings, never a t-string (Template)
            self,
            query: "QueryNoTemplate",
            params: "Params | None" = None,
            *,
            prepare: bool | None = None,
            binary: bool | None = None,
        ) -> Self:
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparedCursor


class _LoggedCursor(CursorDebugWrapper):
    """Django's debug cursor, logging the statement with its values composed (as Django logs its
    own server-bound statements). Private: CursorDebugWrapper.debug_sql, CursorWrapper.execute,
    `self.db`, and the PostgreSQL DatabaseOperations.compose_sql."""

    def execute(self, sql: "_ExecuteQuery", params: "_ExecuteParameters | None" = None) -> Any:
        with self.debug_sql(self.db.ops.compose_sql(sql, params)):
            return CursorWrapper.execute(self, sql, params)


def rollback_on_error(using: str) -> AbstractContextManager[None]:
    """A block whose database error marks the enclosing atomic block for rollback, as the ORM's
    own writes do. Private: transaction.mark_for_rollback_on_error."""
    return transaction.mark_for_rollback_on_error(using=using)


# A result column's converters: (column, functions `f(value, expression, connection)`, expression).
Converter: TypeAlias = tuple[
    int, tuple[Callable[[Any, Expression, BaseDatabaseWrapper], Any], ...], Expression
]


class Populator(Protocol):
    """Django's RelatedPopulator (private, not in the stubs): fills one select_related object."""

    def populate(self, row: Sequence[Any], from_obj: Model) -> None: ...


# --- Compiling ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SelectParts:
    """A SELECT compiled by the ORM, with what turns its rows into the ORM's objects."""

    sql: str
    params: tuple[Any, ...]
    converters: tuple[Converter, ...]
    model: type[Model] | None  # None for values_list rows
    model_columns: tuple[int, int]
    init_list: tuple[str, ...]
    populators: tuple[Populator, ...]


def compile_select(queryset: QuerySet[Any, Any], using: str) -> SelectParts:
    """The SQL of `queryset` and how the ORM reads its rows. Private: QuerySet._iterable_class /
    _known_related_objects, Query.annotation_select / extra_select / get_compiler, the compiler's
    as_sql / select / klass_info / get_converters, get_related_populators."""
    query = queryset.query
    if query.annotation_select or query.extra_select or queryset._known_related_objects:  # type: ignore[attr-defined]  # private, not in the stubs
        raise ValueError("compiled lookups take plain querysets (no annotations or extra)")
    if queryset._iterable_class not in (ModelIterable, ValuesListIterable):
        raise ValueError("compiled lookups give objects or values_list() rows (not flat or named)")
    compiler = query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    select = compiler.select
    converters = _converters(compiler, [expression for expression, _sql, _alias in select])
    model: type[Model] | None = None
    columns: tuple[int, int] = (0, 0)
    init_list: tuple[str, ...] = ()
    populators: tuple[Populator, ...] = ()
    if queryset._iterable_class is ModelIterable:
        klass_info = compiler.klass_info
        fields = klass_info["select_fields"]
        columns = (fields[0], fields[-1] + 1)
        model = klass_info["model"]
        init_list = tuple(column[0].target.attname for column in select[columns[0] : columns[1]])
        populators = tuple(get_related_populators(klass_info, select, using))
    return SelectParts(sql, tuple(params), converters, model, columns, init_list, populators)


def compile_update(
    queryset: QuerySet[Any, Any], values: dict[str, Any], using: str
) -> tuple[str, tuple[Any, ...]]:
    """The SQL of `queryset.update(**values)`. Private: Query.is_sliced / combinator / chain,
    UpdateQuery.add_update_values / clear_select_clause / related_updates, the compiler's as_sql."""
    if queryset.query.is_sliced or queryset.query.combinator:
        raise ValueError("compiled updates take a plain filtered queryset")
    query = cast(orm_sql.UpdateQuery, queryset.query.chain(orm_sql.UpdateQuery))  # the stubs answer Query
    query.add_update_values(values)
    query.clear_select_clause()
    if query.related_updates:
        raise ValueError("compiled updates change one table")
    sql, params = query.get_compiler(using=using).as_sql()
    return sql, tuple(params)


def check_insertable(model: type[Model]) -> None:
    """Refuse a model whose INSERT is more than one row in its own table with an auto-increment id.
    Private: Options.parents / order_with_respect_to / auto_field."""
    meta = model._meta
    if meta.parents or meta.order_with_respect_to or meta.pk is not meta.auto_field:
        raise ValueError("compiled inserts take a model with its own table and an auto-increment id")


@dataclass(frozen=True)
class InsertParts:
    sql: str
    fields: tuple[Field[Any, Any], ...]  # the fields whose values the INSERT takes, in order
    returning_fields: tuple[Field[Any, Any], ...]
    returning_params: tuple[Any, ...]
    converters: tuple[Converter, ...]


def compile_insert(obj: Model, using: str) -> InsertParts:
    """The INSERT `save()` would run for the new `obj`, returning what the database sets.
    Private: Options.local_concrete_fields / db_returning_fields, Field.generated, InsertQuery
    .insert_values, the insert compiler's returning_fields / returning_params / as_sql."""
    model = type(obj)
    meta = model._meta
    fields = tuple(f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field)
    returning_fields = tuple(meta.db_returning_fields)
    query = orm_sql.InsertQuery(model)
    query.insert_values(fields, [obj])
    compiler = query.get_compiler(using=using)
    compiler.returning_fields = returning_fields
    [(sql, params)] = compiler.as_sql()
    if len(params) != len(fields):
        raise ValueError("compiled inserts need one parameter a field (no database defaults)")
    converters = _converters(compiler, [field.get_col(meta.db_table) for field in returning_fields])
    return InsertParts(sql, fields, returning_fields, tuple(compiler.returning_params or ()), converters)


def _converters(compiler: SQLCompiler, expressions: list[Expression]) -> tuple[Converter, ...]:
    """The ORM's converters for these result columns: (column, functions, expression)."""
    return tuple(
        (column, tuple(functions), expression)
        for column, (functions, expression) in compiler.get_converters(expressions).items()
    )


# --- Running --------------------------------------------------------------------------------------------


def convert(
    row: Sequence[Any], converters: tuple[Converter, ...], connection: BaseDatabaseWrapper
) -> list[Any]:
    """Apply the ORM's converters to one row. Private: the converter protocol
    `function(value, expression, connection)` (SQLCompiler.apply_converters)."""
    values = list(row)
    for column, functions, expression in converters:
        value = values[column]
        for function in functions:
            value = function(value, expression, connection)
        values[column] = value
    return values


def populate_related(row: Sequence[Any], obj: Model, populators: tuple[Populator, ...]) -> None:
    """Fill `obj`'s select_related objects from the row. Private: RelatedPopulator.populate."""
    for populator in populators:
        populator.populate(row, obj)


def prepare_for_insert(obj: Model) -> None:
    """What `save()` checks of related objects before writing (an unsaved related object is
    refused). Private: Model._prepare_related_fields_for_save."""
    obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]  # private, not in the stubs


def returned_columns(
    connection: BaseDatabaseWrapper,
    cursor: CursorWrapper,
    model: type[Model],
    returning_params: tuple[Any, ...],
) -> list[Any]:
    """The columns the database returned for the INSERT just run (or the new id where it returns
    none). Private: DatabaseFeatures.can_return_columns_from_insert, DatabaseOperations
    .fetch_returned_insert_columns / last_insert_id."""
    ops = connection.ops
    if connection.features.can_return_columns_from_insert:
        return list(ops.fetch_returned_insert_columns(cursor, returning_params))
    meta = model._meta
    return [ops.last_insert_id(cursor, meta.db_table, meta.pk.column)]


def mark_saved(obj: Model, using: str) -> None:
    """Mark a freshly inserted object as `save()` does. Private: Model._state.adding / db."""
    obj._state.adding = False
    obj._state.db = using
