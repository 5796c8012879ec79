"""The Django internals the compiled statements lean on (peixun.core.compiled_private) are still
there and still shaped as they were when the module was verified. On a Django upgrade these fail
first and name the part that moved; docs/decisions/0030-compiled-lookups.md says what to do."""

import ast
import inspect
import re
import tomllib
from pathlib import Path

import django
import pytest
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.features import BaseDatabaseFeatures
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Model
from django.db.models import query as query_module
from django.db.models import sql as orm_sql
from django.db.models.fields import Field
from django.db.models.query import (  # type: ignore[attr-defined]  # RelatedPopulator, get_related_populators: private, not in the stubs
    ModelIterable,
    RelatedPopulator,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.sql.compiler import SQLCompiler, SQLInsertCompiler
from django.db.models.sql.query import Query

from peixun.core import compiled_private as internals
from peixun.orgs.models import Org
from peixun.testing.factories import make_org, make_project
from peixun.training.models import Enrolment, Project

PYPROJECT = Path(__file__).resolve().parents[3] / "pyproject.toml"


def test_django_is_a_version_the_private_parts_were_verified_on():
    assert internals.verified(), (
        f"Django {django.get_version()}: peixun/core/compiled_private.py was verified on "
        f"{sorted(internals.VERIFIED_ON)}. Follow docs/decisions/0030-compiled-lookups.md "
        "('On a Django upgrade'), then add the version to VERIFIED_ON."
    )


def test_the_django_requirement_allows_no_version_the_private_parts_were_not_verified_on():
    requirement = next(
        dependency
        for dependency in tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
        if re.match(r"django\s*[<>=]", dependency, re.IGNORECASE)
    )
    upper = re.search(r"<\s*(\d+)\.(\d+)", requirement)
    assert upper, f"{requirement}: pin Django below the next minor version (compiled_private)"
    below = (int(upper[1]), int(upper[2]))
    newest = max(internals.VERIFIED_ON)
    assert below <= (newest[0], newest[1] + 1), f"{requirement} allows a Django not in VERIFIED_ON"


# (owner, name, its parameters as verified): a rename, a new required parameter or a removal fails here.
SIGNATURES = [
    (SQLCompiler, "as_sql", "self, with_limits=True, with_col_aliases=False"),
    (SQLCompiler, "get_converters", "self, expressions"),
    (SQLInsertCompiler, "as_sql", "self"),
    (Query, "get_compiler", "self, using=None, connection=None, elide_empty=True"),
    (Query, "chain", "self, klass=None"),
    (Query, "clear_select_clause", "self"),
    (orm_sql.UpdateQuery, "add_update_values", "self, values"),
    (orm_sql.InsertQuery, "insert_values", "self, fields, objs, raw=False"),
    (query_module, "get_related_populators", "klass_info, select, db"),
    (RelatedPopulator, "populate", "self, row, from_obj"),
    (Model, "_prepare_related_fields_for_save", "self, operation_name, fields=None"),
    (BaseDatabaseWrapper, "close_if_health_check_failed", "self"),
    (BaseDatabaseWrapper, "ensure_connection", "self"),
    (BaseDatabaseWrapper, "validate_thread_sharing", "self"),
    (BaseDatabaseWrapper, "make_cursor", "self, cursor"),
    (CursorWrapper, "__init__", "self, cursor, db"),
    (CursorWrapper, "execute", "self, sql, params=None"),
    (
        CursorDebugWrapper,
        "debug_sql",
        "self, sql=None, params=None, use_last_executed_query=False, many=False",
    ),
    (BaseDatabaseOperations, "fetch_returned_insert_columns", "self, cursor, returning_params"),
    (BaseDatabaseOperations, "last_insert_id", "self, cursor, table_name, pk_name"),
    (transaction, "mark_for_rollback_on_error", "using=None"),
]


@pytest.mark.parametrize(
    ("owner", "name", "parameters"), SIGNATURES, ids=[f"{o.__name__}.{n}" for o, n, _ in SIGNATURES]
)
def test_each_private_function_used_keeps_its_signature(owner, name, parameters, django_db_blocker):
    with django_db_blocker.unblock():  # pytest-django otherwise stands in for ensure_connection
        function = getattr(owner, name)
    signature = inspect.signature(function)
    found = ", ".join(
        key if parameter.default is inspect.Parameter.empty else f"{key}={parameter.default!r}"
        for key, parameter in signature.parameters.items()
    )
    assert found == parameters, f"{owner.__name__}.{name}{signature} changed: see ADR 0030"


def test_the_postgresql_operations_still_compose_a_statement_with_its_values():
    postgresql = pytest.importorskip("django.db.backends.postgresql.operations")
    assert str(inspect.signature(postgresql.DatabaseOperations.compose_sql)) == "(self, sql, params)"


def test_the_private_attributes_used_still_exist():
    assert isinstance(BaseDatabaseWrapper.queries_logged, property)
    assert hasattr(BaseDatabaseFeatures, "can_return_columns_from_insert")
    assert SQLInsertCompiler.returning_fields is None and SQLInsertCompiler.returning_params == ()
    assert hasattr(Field, "generated")
    meta = Enrolment._meta
    assert meta.pk is meta.auto_field and not meta.parents and meta.order_with_respect_to is None
    assert meta.local_concrete_fields and meta.db_returning_fields == [meta.pk]
    queryset = Project.objects.all()
    assert queryset._iterable_class is ModelIterable and queryset._known_related_objects == {}
    assert Project.objects.values_list("pk")._iterable_class is ValuesListIterable
    query = queryset.query
    assert (query.annotation_select, query.extra_select, query.is_sliced, query.combinator) == (
        {},
        {},
        False,
        None,
    )
    assert query.chain(orm_sql.UpdateQuery).related_updates == {}


@pytest.mark.django_db
def test_the_compiler_still_describes_its_rows_as_the_compiled_lookups_read_them():
    """compiler.select: (expression, (sql, params), alias) per column; klass_info: the model and
    its contiguous columns, with populators for select_related; converters called as
    function(value, expression, connection)."""
    project = make_project(make_org("样例区", "county"))
    queryset = Project.objects.select_related("organiser").filter(pk=project.pk)
    compiler = queryset.query.get_compiler(using="default")
    compiler.as_sql()  # fills select and klass_info
    assert all(len(column) == 3 and len(column[1]) == 2 for column in compiler.select)
    info = compiler.klass_info
    assert info["model"] is Project
    assert info["select_fields"] == list(range(info["select_fields"][0], info["select_fields"][-1] + 1))
    assert compiler.select[info["select_fields"][0]][0].target.attname == "id"
    populators = get_related_populators(info, compiler.select, "default")
    assert [p.model_cls for p in populators] == [Org]

    parts = internals.compile_select(queryset, "default")
    with connection.cursor() as cursor:
        cursor.execute(parts.sql, parts.params)
        row = internals.convert(cursor.fetchone(), parts.converters, connection)
    start, end = parts.model_columns
    loaded = Project.from_db("default", parts.init_list, row[start:end])
    internals.populate_related(row, loaded, parts.populators)
    assert (loaded.pk, loaded.organiser.name, loaded.hours_credited) == (
        project.pk,
        "样例区",
        project.hours_credited,
    )


@pytest.mark.django_db
def test_the_insert_compiler_still_gives_one_statement_and_the_columns_to_read_back():
    county = make_org("样例县", "county")
    obj = Org(name="样例学校", kind="school", parent=county, code="S7777", path="x")
    parts = internals.compile_insert(obj, "default")
    assert parts.sql.startswith("INSERT INTO")
    assert [field.attname for field in parts.returning_fields] == ["id"]
    assert parts.sql.count("%s") == len(parts.fields) == len(Org._meta.concrete_fields) - 1  # all but id


def test_only_compiled_statements_reach_the_private_module_and_they_touch_nothing_private_themselves():
    package = PYPROJECT.parent / "peixun"
    users = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "tests" not in path.parts and "compiled_private" in path.read_text(encoding="utf-8")
    )
    assert users == ["core/compiled.py", "core/compiled_private.py"]
    tree = ast.parse((package / "core" / "compiled.py").read_text(encoding="utf-8"))
    private = [
        f"{node.lineno}: .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.endswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id == "self")
    ]
    imported = [
        f"{node.lineno}: {node.module}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and node.module.startswith("django")
        and node.module not in {"django.db", "django.db.models"}
    ]
    assert private == [] and imported == [], "Django internals belong in compiled_private.py"
