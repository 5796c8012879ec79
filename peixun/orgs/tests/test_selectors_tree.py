"""Tree levels come with their people counts from one grouped query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peixun.orgs.selectors import org_choices, tree_children, tree_roots
from peixun.testing.factories import make_org, make_person

pytestmark = pytest.mark.django_db


def test_children_count_people_in_their_whole_subtree(world):
    town = make_org("东湖镇", "town", world.county_a)
    deep = make_org("东湖镇小", "school", town)
    make_person(deep, "孙深")
    make_person(deep, "孙远")
    nodes, truncated = tree_children(world.county_a)
    counts = {node.org.name: (node.people, node.children) for node in nodes}
    assert counts["东湖镇"] == (2, 1)
    assert counts["东湖实验小学"] == (1, 0)
    assert not truncated


def test_a_level_is_cut_at_the_limit(world):
    nodes, truncated = tree_children(world.city, limit=2)
    assert len(nodes) == 2
    assert truncated


def test_a_level_costs_three_queries_whatever_its_width(world):
    for index in range(10):
        make_org(f"新校{index}", "school", world.county_b)
    with CaptureQueriesContext(connection) as queries:
        nodes, _ = tree_children(world.county_b)
    assert len(nodes) == 12
    assert len(queries) == 3


def test_roots_of_a_user_with_grants_on_two_cities(world):
    from peixun.orgs.models import RoleGrant

    RoleGrant.objects.create(user=world.county_admin, role="bureau_admin", org=world.other_city)
    nodes = tree_roots(world.county_admin)
    assert {node.org: node.people for node in nodes} == {world.county_a: 2, world.other_city: 1}


def test_org_picker_lists_the_scope_two_levels_deep(world):
    town = make_org("东湖镇", "town", world.county_a)
    make_org("东湖镇小", "school", town)
    names = [org.name for org in org_choices(world.county_admin)]
    assert names[0] == "东湖区"
    assert "东湖镇" in names
    assert "东湖镇小" in names
    assert "西山县" not in names
    assert "东湖镇小" not in [org.name for org in org_choices(world.county_admin, levels=1)]


def test_children_read_in_tree_order_towns_before_schools(world):
    make_org("东湖镇", "town", world.county_a)
    nodes, _ = tree_children(world.county_a)
    assert [node.org.kind for node in nodes] == ["town", "school", "school"]
