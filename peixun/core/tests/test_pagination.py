"""The capped paginator counts at most `cap` + 1 rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peixun.core.pagination import CappedPaginator, page_size
from peixun.orgs.models import Person
from peixun.testing.factories import make_person

pytestmark = pytest.mark.django_db


def test_a_small_result_is_counted_exactly(world):
    paginator = CappedPaginator(Person.objects.order_by("name_pinyin", "id"), 2, cap=10)
    assert paginator.count == 5
    assert not paginator.capped
    assert paginator.num_pages == 3


def test_a_result_past_the_cap_is_counted_as_the_cap(world):
    for index in range(3):
        make_person(world.school_a1, f"测试{index}")
    paginator = CappedPaginator(Person.objects.order_by("name_pinyin", "id"), 2, cap=6)
    assert paginator.count == 6
    assert paginator.capped
    assert paginator.num_pages == 3


def test_the_count_query_is_limited_and_unordered(world):
    paginator = CappedPaginator(Person.objects.order_by("name_pinyin", "id"), 2, cap=6)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 5
    sql = queries.captured_queries[0]["sql"].upper()
    assert "LIMIT 7" in sql
    assert "ORDER BY" not in sql


@pytest.mark.parametrize(
    ("raw", "size"), [("50", 50), ("100", 100), ("7", 20), ("", 20), (None, 20), ("x", 20)]
)
def test_only_known_page_sizes_are_accepted(raw, size):
    assert page_size(raw) == size
