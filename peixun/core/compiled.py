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

Every use of Django's private API (the query compiler, the insert and update query classes, the
cursor plumbing) is in `compiled_private`; this module speaks only public API.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet, signals

# Django's private API is touched only in compiled_private (ADR 0030 lists each part).
from peixun.core import compiled_private as internals

_Row = TypeVar("_Row")
_M = TypeVar("_M", bound=Model)
_Parts = TypeVar("_Parts", internals.SelectParts, None)

# Stand-ins for the value while compiling: unlikely to appear in a query for any other reason.
MARKS: dict[type, Any] = {int: -7_318_064_529_117, str: "\x1ecompiled-lookup\x1e"}
# Keys are 64-bit ids; a larger number (a URL may carry one) matches nothing, as in the ORM.
ID_RANGE = range(-(2**63), 2**63)


@dataclass(frozen=True)
class _Plan(Generic[_Parts]):
    sql: str
    params: tuple[Any, ...]
    position: int
    parts: _Parts  # how rows become objects; None for an UPDATE


class _Compiled(Generic[_Row, _Parts]):
    """What lookups and updates share: one value bound into a plan compiled per alias and vendor."""

    def __init__(self, build: Callable[[Any], QuerySet[Any, _Row]], key_type: type = int):
        if key_type not in MARKS:
            raise TypeError(f"compiled statements take int or str keys, not {key_type.__name__}")
        self._build = build
        self._key_type = key_type
        self._plans: dict[tuple[str, str], _Plan[_Parts]] = {}

    def _bind(
        self, value: object, using: str
    ) -> tuple[internals.Connection, _Plan[_Parts], list[Any]] | None:
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

    def _compile(self, using: str) -> _Plan[_Parts]:
        raise NotImplementedError


class CompiledLookup(_Compiled[_Row, internals.SelectParts]):
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
        with internals.statement_cursor(connection) as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        parts = plan.parts
        if parts.converters:
            rows = [internals.convert(row, parts.converters, connection) for row in rows]
        if parts.model is None:
            return [cast(_Row, tuple(row)) for row in rows]  # a values_list() shape's rows
        start, end = parts.model_columns
        objects: list[_Row] = []
        for row in rows:
            obj = parts.model.from_db(using, parts.init_list, row[start:end])
            if parts.populators:
                internals.populate_related(row, obj, parts.populators)
            objects.append(cast(_Row, obj))  # the queryset's model
        return objects

    def _compile(self, using: str) -> _Plan[internals.SelectParts]:
        mark = MARKS[self._key_type]
        parts = internals.compile_select(self._build(mark), using)
        return _Plan(parts.sql, parts.params, _position_of(mark, parts.params), parts)


class CompiledUpdate(_Compiled[Any, None]):
    def __init__(self, build: Callable[[Any], QuerySet[Any, Any]], key_type: type = int, **values: Any):
        super().__init__(build, key_type)
        self._values = values

    def run(self, value: object, using: str = DEFAULT_DB_ALIAS) -> int:
        """Run the UPDATE for `value`; the number of rows it changed."""
        bound = self._bind(value, using)
        if bound is None:
            return 0
        connection, plan, params = bound
        with internals.rollback_on_error(using), internals.statement_cursor(connection) as cursor:
            cursor.execute(plan.sql, params)
            rowcount: int = cursor.rowcount
            return rowcount

    def _compile(self, using: str) -> _Plan[None]:
        mark = MARKS[self._key_type]
        sql, params = internals.compile_update(self._build(mark), self._values, using)
        return _Plan(sql, params, _position_of(mark, params), None)


def _position_of(mark: object, params: Sequence[object]) -> int:
    positions = [i for i, param in enumerate(params) if type(param) is type(mark) and param == mark]
    if len(positions) != 1:
        raise ValueError(f"the value must reach the SQL as one parameter, found {len(positions)}")
    return positions[0]


class CompiledInsert(Generic[_M]):
    def __init__(self, model: type[_M]):
        internals.check_insertable(model)
        self.model = model
        self._plans: dict[tuple[str, str], internals.InsertParts] = {}

    def create(self, using: str = DEFAULT_DB_ALIAS, /, **values: Any) -> _M:
        obj = self.model(**values)
        internals.prepare_for_insert(obj)
        signals.pre_save.send(sender=self.model, instance=obj, raw=False, using=using, update_fields=None)
        connection = connections[using]
        plan = self._plans.get((using, connection.vendor))
        if plan is None:
            plan = self._plans[(using, connection.vendor)] = internals.compile_insert(obj, using)
        params = []
        for field in plan.fields:
            value = field.pre_save(obj, True)
            if hasattr(value, "resolve_expression"):
                raise ValueError(f"{field.name}: compiled inserts take plain values, not expressions")
            params.append(field.get_db_prep_save(value, connection=connection))
        params.extend(plan.returning_params)
        with internals.rollback_on_error(using), internals.statement_cursor(connection) as cursor:
            cursor.execute(plan.sql, params)
            returned = internals.returned_columns(connection, cursor, self.model, plan.returning_params)
        if plan.converters:
            returned = internals.convert(returned, plan.converters, connection)
        for field, value in zip(plan.returning_fields, returned, strict=False):
            setattr(obj, field.attname, value)
        internals.mark_saved(obj, using)
        signals.post_save.send(
            sender=self.model, instance=obj, created=True, update_fields=None, raw=False, using=using
        )
        return obj
