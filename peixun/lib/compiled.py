"""Lookups compiled once: the SQL of a queryset shape is built the first time it runs in a process;
every later call binds its one new value and runs that SQL (as SQLAlchemy's compiled cache does).

Django compiles a queryset to SQL on every evaluation. For the few lookups that every request
makes — the session, the signed-in account with its person and school, the account's role grants,
the project an enrolment names — compiling cost more CPU than running the query
(docs/decisions/0030-compiled-lookups.md). A `CompiledLookup` wraps a function of one value that
returns the queryset filtered by it:

    ACCOUNT = CompiledLookup(lambda pk: User.objects.select_related("person__org").filter(pk=pk))
    user = ACCOUNT.one(42)

The rows are turned into objects as the ORM does (its converters, `from_db`, select_related
populated); a `values_list()` shape gives tuples. The value must reach the SQL as exactly one
parameter and unchanged — an id or a key, never None (None would change the SQL to IS NULL) —
which the first compilation checks. Annotations, `extra()` and flat or named values are refused.

`CompiledUpdate` does the same for a conditional UPDATE (`queryset.update(**values)`), answering
the number of rows changed:

    CLAIM = CompiledUpdate(
        lambda pk: Project.objects.filter(pk=pk, places_taken__lt=F("capacity")),
        places_taken=F("places_taken") + 1,
    )
    taken = CLAIM.run(project.pk)

On PostgreSQL these statements also run as prepared statements (the server parses and plans each
once a connection); every other query keeps Django's client-side binding, which has no limit on
the number of parameters (server-side binding refuses more than 65,535).

`CompiledInsert` is `Model.objects.create(**fields)` for a plain model (its own table, an
auto-increment id): the INSERT is compiled once, each call fills in the values the way `save()`
prepares them (defaults, `auto_now_add`, `get_db_prep_save`), reads back what the database
returns, and sends `pre_save` / `post_save` as `save()` does.
"""

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Model, QuerySet, signals
from django.db.models import sql as orm_sql
from django.db.models.query import (  # type: ignore[attr-defined]  # get_related_populators: private, not in the stubs
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)

_Row = TypeVar("_Row")
_M = TypeVar("_M", bound=Model)

# Stand-ins for the value while compiling: unlikely to appear in a query for any other reason.
MARKS: dict[type, Any] = {int: -7_318_064_529_117, str: "\x1ecompiled-lookup\x1e"}
# Keys are 64-bit ids; a larger number (a URL may carry one) matches nothing, as in the ORM.
ID_RANGE = range(-(2**63), 2**63)


def _cursor(connection: BaseDatabaseWrapper) -> Any:
    """A cursor for a compiled statement: on PostgreSQL one that binds on the server and prepares
    what it runs, wrapped as Django wraps its own (error translation; query logging under DEBUG
    and in tests); elsewhere the connection's usual cursor."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    cursor = _prepared_cursor_class()(connection.connection)
    return _LoggedCursor(cursor, connection) if connection.queries_logged else connection.make_cursor(cursor)


@functools.cache
def _prepared_cursor_class() -> type[Any]:
    import psycopg

    class PreparedCursor(psycopg.Cursor):
        def execute(
            self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None
        ) -> Any:
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparedCursor


class _LoggedCursor(CursorDebugWrapper):
    """Django's debug cursor, logging the statement with its values composed (as Django logs its
    own server-bound statements)."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        with self.debug_sql(self.db.ops.compose_sql(sql, params)):
            return CursorWrapper.execute(self, sql, params)


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: tuple[Any, ...]
    position: int
    converters: tuple[Any, ...]  # (column, converter functions, expression)
    model: type[Model] | None  # None for values_list rows
    model_columns: tuple[int, int]
    init_list: tuple[str, ...]
    populators: tuple[Any, ...]


class _Compiled(Generic[_Row]):
    """What lookups and updates share: one value bound into a plan compiled per alias and vendor."""

    def __init__(self, build: Callable[[Any], QuerySet[Any, _Row]], key_type: type = int):
        if key_type not in MARKS:
            raise TypeError(f"compiled statements take int or str keys, not {key_type.__name__}")
        self._build = build
        self._key_type = key_type
        self._plans: dict[tuple[str, str], _Plan] = {}

    def _bind(self, value: object, using: str) -> tuple[BaseDatabaseWrapper, _Plan, list[Any]] | None:
        """(connection, plan, parameters) for `value`, or None when no row can match it."""
        if value is None:
            raise ValueError("a compiled statement needs a value, not None")
        value = self._key_type(value)
        if self._key_type is int and value not in ID_RANGE:
            return None
        connection = connections[using]
        plan = self._plans.get((using, connection.vendor))
        if plan is None:
            plan = self._plans[(using, connection.vendor)] = self._compile(using)
        params = list(plan.params)
        params[plan.position] = value
        return connection, plan, params

    def _compile(self, using: str) -> _Plan:
        raise NotImplementedError


class CompiledLookup(_Compiled[_Row]):
    def one(self, value: object, using: str = DEFAULT_DB_ALIAS) -> _Row | None:
        """The first object (or row) for `value`, or None."""
        found = self.all(value, using)
        return found[0] if found else None

    def all(self, value: object, using: str = DEFAULT_DB_ALIAS) -> list[_Row]:
        """Every object (or row) for `value`, in the queryset's order."""
        bound = self._bind(value, using)
        if bound is None:
            return []
        connection, plan, params = bound
        with _cursor(connection) as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        if plan.converters:
            rows = [_convert(row, plan.converters, connection) for row in rows]
        if plan.model is None:
            return [cast(_Row, tuple(row)) for row in rows]
        start, end = plan.model_columns
        objects: list[_Row] = []
        for row in rows:
            obj = plan.model.from_db(using, plan.init_list, row[start:end])
            for populator in plan.populators:
                populator.populate(row, obj)
            objects.append(cast(_Row, obj))
        return objects

    def _compile(self, using: str) -> _Plan:
        mark = MARKS[self._key_type]
        queryset = self._build(mark)
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
        populators: tuple[Any, ...] = ()
        if queryset._iterable_class is ModelIterable:
            klass_info = compiler.klass_info
            fields = klass_info["select_fields"]
            columns = (fields[0], fields[-1] + 1)
            model = klass_info["model"]
            init_list = tuple(column[0].target.attname for column in select[columns[0] : columns[1]])
            populators = tuple(get_related_populators(klass_info, select, using))
        return _Plan(
            sql, tuple(params), _position_of(mark, params), converters, model, columns, init_list, populators
        )


class CompiledUpdate(_Compiled[Any]):
    def __init__(self, build: Callable[[Any], QuerySet[Any, Any]], key_type: type = int, **values: Any):
        super().__init__(build, key_type)
        self._values = values

    def run(self, value: object, using: str = DEFAULT_DB_ALIAS) -> int:
        """Run the UPDATE for `value`; the number of rows it changed."""
        bound = self._bind(value, using)
        if bound is None:
            return 0
        connection, plan, params = bound
        with transaction.mark_for_rollback_on_error(using=using), _cursor(connection) as cursor:
            cursor.execute(plan.sql, params)
            rowcount: int = cursor.rowcount
            return rowcount

    def _compile(self, using: str) -> _Plan:
        mark = MARKS[self._key_type]
        queryset = self._build(mark)
        if queryset.query.is_sliced or queryset.query.combinator:
            raise ValueError("compiled updates take a plain filtered queryset")
        query = cast(orm_sql.UpdateQuery, queryset.query.chain(orm_sql.UpdateQuery))
        query.add_update_values(self._values)
        query.clear_select_clause()
        if query.related_updates:
            raise ValueError("compiled updates change one table")
        sql, params = query.get_compiler(using=using).as_sql()
        return _Plan(sql, tuple(params), _position_of(mark, params), (), None, (0, 0), (), ())


def _position_of(mark: object, params: Sequence[object]) -> int:
    positions = [i for i, param in enumerate(params) if type(param) is type(mark) and param == mark]
    if len(positions) != 1:
        raise ValueError(f"the value must reach the SQL as one parameter, found {len(positions)}")
    return positions[0]


def _converters(compiler: Any, expressions: Sequence[Any]) -> tuple[Any, ...]:
    """The ORM's converters for these result columns: (column, functions, expression)."""
    return tuple(
        (column, tuple(functions), expression)
        for column, (functions, expression) in compiler.get_converters(expressions).items()
    )


def _convert(row: Sequence[Any], converters: tuple[Any, ...], connection: BaseDatabaseWrapper) -> list[Any]:
    row = list(row)
    for column, functions, expression in converters:
        value = row[column]
        for function in functions:
            value = function(value, expression, connection)
        row[column] = value
    return row


@dataclass(frozen=True)
class _InsertPlan:
    sql: str
    fields: tuple[Any, ...]
    returning_fields: tuple[Any, ...]
    returning_params: tuple[Any, ...]
    converters: tuple[Any, ...]


class CompiledInsert(Generic[_M]):
    def __init__(self, model: type[_M]):
        meta = model._meta
        if meta.parents or meta.order_with_respect_to or meta.pk is not meta.auto_field:
            raise ValueError("compiled inserts take a model with its own table and an auto-increment id")
        self.model = model
        self._plans: dict[tuple[str, str], _InsertPlan] = {}

    def create(self, using: str = DEFAULT_DB_ALIAS, /, **values: Any) -> _M:
        obj = self.model(**values)
        obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]  # private, not in the stubs
        signals.pre_save.send(sender=self.model, instance=obj, raw=False, using=using, update_fields=None)
        connection = connections[using]
        plan = self._plans.get((using, connection.vendor))
        if plan is None:
            plan = self._plans[(using, connection.vendor)] = self._compile(obj, using)
        params = []
        for field in plan.fields:
            value = field.pre_save(obj, True)
            if hasattr(value, "resolve_expression"):
                raise ValueError(f"{field.name}: compiled inserts take plain values, not expressions")
            params.append(field.get_db_prep_save(value, connection=connection))
        params.extend(plan.returning_params)
        ops = connection.ops
        with transaction.mark_for_rollback_on_error(using=using), _cursor(connection) as cursor:
            cursor.execute(plan.sql, params)
            if connection.features.can_return_columns_from_insert:
                returned = list(ops.fetch_returned_insert_columns(cursor, plan.returning_params))
            else:
                meta = self.model._meta
                returned = [ops.last_insert_id(cursor, meta.db_table, meta.pk.column)]
        if plan.converters:
            returned = _convert(returned, plan.converters, connection)
        for field, value in zip(plan.returning_fields, returned, strict=False):
            setattr(obj, field.attname, value)
        obj._state.adding = False
        obj._state.db = using
        signals.post_save.send(
            sender=self.model, instance=obj, created=True, update_fields=None, raw=False, using=using
        )
        return obj

    def _compile(self, obj: _M, using: str) -> _InsertPlan:
        meta = self.model._meta
        fields = tuple(f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field)
        returning_fields = tuple(meta.db_returning_fields)
        query = orm_sql.InsertQuery(self.model)
        query.insert_values(fields, [obj])
        compiler = query.get_compiler(using=using)
        compiler.returning_fields = returning_fields
        [(sql, params)] = compiler.as_sql()
        if len(params) != len(fields):
            raise ValueError("compiled inserts need one parameter a field (no database defaults)")
        converters = _converters(compiler, [field.get_col(meta.db_table) for field in returning_fields])
        return _InsertPlan(sql, fields, returning_fields, tuple(compiler.returning_params or ()), converters)
