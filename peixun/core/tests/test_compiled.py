"""A compiled lookup gives what the ORM gives for the same queryset, in one query, on both
databases."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext

from peixun.audit.models import AuditEvent
from peixun.core.compiled import CompiledInsert, CompiledLookup, CompiledUpdate
from peixun.orgs.models import Org, Person, RoleGrant
from peixun.testing.factories import make_org, make_person, make_project, make_user
from peixun.training.models import Enrolment, Project

pytestmark = pytest.mark.django_db

ACCOUNT = CompiledLookup(lambda pk: get_user_model().objects.select_related("person__org").filter(pk=pk))
PROJECT = CompiledLookup(lambda pk: Project.objects.select_related("organiser").filter(pk=pk))
GRANTS = CompiledLookup(
    lambda user_id: (
        RoleGrant.objects.filter(user_id=user_id).order_by("role").values_list("role", "org_id", "org__path")
    )
)
ORG_BY_CODE = CompiledLookup(lambda code: Org.objects.filter(code=code), key_type=str)


def _values(obj) -> dict:
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields}


def test_an_account_comes_with_its_person_and_school_exactly_as_the_orm_loads_them():
    county = make_org("铜山区", "county")
    school = make_org("铜山第一小学", "school", parent=county)
    person = make_person(school, "李四", subjects=["语文", "数学"], mobile="13800000000")
    user = make_user("lisi", ("teacher", school), person=person)
    expected = get_user_model().objects.select_related("person__org").get(pk=user.pk)

    with CaptureQueriesContext(connection) as queries:
        loaded = ACCOUNT.one(user.pk)
        person_values, org_values = _values(loaded.person), _values(loaded.person.org)

    assert len(queries) == 1
    assert 'FROM "accounts_user"' in queries[0]["sql"]  # logged like any query (debug toolbar, tests)
    assert _values(loaded) == _values(expected)
    assert person_values == _values(expected.person)
    assert person_values["subjects"] == ["语文", "数学"]  # a code list, through its field's converter
    assert org_values == _values(expected.person.org)
    assert loaded._state.adding is False and loaded._state.db == "default"


def test_an_account_without_a_person_has_none_and_a_missing_one_is_none():
    user = make_user("admin_only")

    loaded = ACCOUNT.one(user.pk)

    assert loaded.person is None
    assert ACCOUNT.one(user.pk + 1000) is None
    assert ACCOUNT.one(2**70) is None  # beyond any id: nothing, as the ORM answers, not an error


def test_a_project_keeps_its_dates_decimals_and_json_fields_and_its_organiser():
    county = make_org("铜山区", "county")
    project = make_project(
        county,
        tags=["师德", "信息技术"],
        fee_per_trainee=Decimal("120.50"),
        targets={"sections": ["primary"], "age_reference": "12-31"},
    )
    expected = Project.objects.select_related("organiser").get(pk=project.pk)

    loaded = PROJECT.one(project.pk)

    assert _values(loaded) == _values(expected)
    assert loaded.tags == ["师德", "信息技术"]
    assert loaded.targets == {"sections": ["primary"], "age_reference": "12-31"}  # JSON, decoded
    assert loaded.fee_per_trainee == Decimal("120.50")
    assert loaded.enrol_opens_at == expected.enrol_opens_at and loaded.enrol_opens_at.tzinfo is not None
    assert _values(loaded.organiser) == _values(county)


def test_rows_of_a_values_list_are_the_orms_tuples_and_the_value_may_be_a_string():
    county = make_org("铜山区", "county")
    school = make_org("铜山第一小学", "school", parent=county)
    user = make_user("coordinator", ("school_coordinator", school), ("teacher", school))
    expected = list(
        RoleGrant.objects.filter(user_id=user.pk).order_by("role").values_list("role", "org_id", "org__path")
    )

    assert GRANTS.all(user.pk) == expected
    assert GRANTS.all(str(user.pk)) == expected  # converted to the key's type, as the URL gives it
    assert GRANTS.all(user.pk + 1000) == []
    assert ORG_BY_CODE.one(school.code).pk == school.pk


def test_each_call_binds_its_own_value():
    county = make_org("铜山区", "county")
    first, second = make_project(county), make_project(county)

    assert [PROJECT.one(first.pk).pk, PROJECT.one(second.pk).pk] == [first.pk, second.pk]


@pytest.mark.parametrize(
    "build",
    [
        lambda pk: Person.objects.filter(pk=pk).annotate(n=Count("enrolments")),
        lambda pk: Person.objects.filter(pk=pk).values_list("name", flat=True),
        lambda pk: Person.objects.filter(pk=pk).values("name"),
        lambda pk: Person.objects.filter(pk=pk) | Person.objects.filter(org_id=pk),
        lambda pk: Person.objects.all(),
    ],
    ids=["annotation", "flat", "dicts", "value-twice", "value-unused"],
)
def test_a_shape_it_cannot_bind_safely_is_refused_on_first_use(build):
    with pytest.raises(ValueError):
        CompiledLookup(build).one(1)


def test_none_is_refused_rather_than_turned_into_is_null():
    with pytest.raises(ValueError):
        ACCOUNT.one(None)


TAKE = CompiledUpdate(
    lambda pk: Project.objects.filter(pk=pk, places_taken__lt=F("capacity")),
    places_taken=F("places_taken") + 1,
)


def test_a_compiled_update_changes_only_its_row_and_only_while_its_condition_holds():
    county = make_org("铜山区", "county")
    project, other = make_project(county, capacity=2), make_project(county, capacity=2)

    assert [TAKE.run(project.pk), TAKE.run(project.pk), TAKE.run(project.pk)] == [1, 1, 0]
    assert TAKE.run(2**70) == 0

    project.refresh_from_db()
    other.refresh_from_db()
    assert (project.places_taken, other.places_taken) == (2, 0)


AUDIT = CompiledInsert(AuditEvent)
ENROLMENT = CompiledInsert(Enrolment)


def test_a_compiled_insert_writes_the_row_create_would_write_and_sends_the_save_signals():
    user = make_user("clerk")
    seen = []

    def note(sender, instance, **kwargs):
        seen.append((kwargs.get("created"), instance.pk))

    pre_save.connect(note, sender=AuditEvent)
    post_save.connect(note, sender=AuditEvent)
    try:
        event = AUDIT.create(
            actor=user, actor_name="clerk", action="enrolment_created", changes={"status": [None, "enrolled"]}
        )
    finally:
        pre_save.disconnect(note, sender=AuditEvent)
        post_save.disconnect(note, sender=AuditEvent)
    by_orm = AuditEvent.objects.create(
        actor=user, actor_name="clerk", action="enrolment_created", changes={"status": [None, "enrolled"]}
    )

    assert seen == [(None, None), (True, event.pk)]
    assert event.pk and event._state.adding is False and event._state.db == "default"
    stored = AuditEvent.objects.get(pk=event.pk)
    assert _values(stored) | {"id": 0, "created_at": 0} == _values(by_orm) | {"id": 0, "created_at": 0}
    assert stored.changes == {"status": [None, "enrolled"]} and stored.ip_address is None
    assert stored.created_at == event.created_at and stored.created_at.tzinfo is not None


@pytest.mark.django_db(transaction=True)
def test_a_duplicate_insert_raises_integrity_error_and_rolls_back_only_its_block():
    county = make_org("铜山区", "county")
    school = make_org("铜山第一小学", "school", parent=county)
    person = make_person(school, "王五")
    project = make_project(county)
    fields = {
        "project": project,
        "person": person,
        "school_id": school.pk,
        "status": "enrolled",
        "source": "self",
    }
    first = ENROLMENT.create(**fields)

    with pytest.raises(IntegrityError), transaction.atomic():
        ENROLMENT.create(**fields)

    assert list(Enrolment.objects.filter(project=project).values_list("pk", flat=True)) == [first.pk]
    assert first.created_at and first.updated_at


def test_an_expression_as_a_value_is_refused():
    with pytest.raises(ValueError):
        AUDIT.create(action="login", actor_name=F("action"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_on_postgresql_a_compiled_statement_is_prepared_and_ordinary_queries_keep_any_number_of_values():
    user = make_user("prepared")

    assert ACCOUNT.one(user.pk).pk == user.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]

    assert any('FROM "accounts_user"' in statement for statement in prepared)
    # The ORM still binds on the client: server-side binding would refuse more than 65,535 values.
    assert get_user_model().objects.filter(pk__in=range(70_000)).count() == 1
