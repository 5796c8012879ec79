import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peixun.orgs.models import Org, OrgKind

pytestmark = pytest.mark.django_db


def test_any_of_finds_exactly_the_listed_values_in_one_parameter_on_postgresql():
    Org.objects.bulk_create(Org(code=f"C{n:03}", name=f"学校{n}", kind=OrgKind.SCHOOL) for n in range(20))
    wanted = [f"C{n:03}" for n in range(0, 20, 3)] + ["missing"]
    with CaptureQueriesContext(connection) as queries:
        found = set(Org.objects.filter(code__any_of=wanted).values_list("code", flat=True))
    assert found == set(wanted) - {"missing"}
    if connection.vendor == "postgresql":
        assert "= ANY(" in queries[0]["sql"]
    else:
        assert " IN (" in queries[0]["sql"]
