"""The org tree page: scope roots, lazy levels with people counts, search."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peixun.testing.factories import make_org, make_person

pytestmark = pytest.mark.django_db


def get(client, user, url, **extra):
    client.force_login(user)
    return client.get(url, **extra)


def test_county_admin_sees_their_county_as_the_root_with_its_people_count(client, world):
    response = get(client, world.county_admin, reverse("orgs:tree"))
    assert response.status_code == 200
    nodes = response.context["nodes"]
    assert [node.org for node in nodes] == [world.county_a]
    assert nodes[0].people == 2
    assert nodes[0].children == 2


def test_city_admin_root_counts_everyone_below_it(client, world):
    nodes = get(client, world.city_admin, reverse("orgs:tree")).context["nodes"]
    assert [(node.org, node.people) for node in nodes] == [(world.city, 4)]


def test_expanding_a_node_returns_just_its_children_with_counts(client, world):
    make_person(world.school_a1, "孙一")
    url = reverse("orgs:tree-children", args=[world.county_a.pk])
    response = get(client, world.city_admin, url, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('class="org-node"') == 2
    assert re.search(r"东湖实验小学.*?>\s*2 people", content, re.S)
    assert re.search(r"东湖第一中学.*?>\s*1 person", content, re.S)
    assert "<html" not in content
    assert "东湖实验小学" in content
    assert f"{reverse('orgs:people')}?org={world.school_a1.pk}" in content


def test_expanding_costs_the_same_queries_for_a_wide_level(client, world):
    client.force_login(world.city_admin)
    url = reverse("orgs:tree-children", args=[world.county_b.pk])
    client.get(url)  # the first request writes the session; measure the ones after
    with CaptureQueriesContext(connection) as narrow:
        client.get(url, HTTP_HX_REQUEST="true")
    for index in range(15):
        school = make_org(f"西山{index}小", "school", world.county_b)
        make_person(school, f"测{index}")
    with CaptureQueriesContext(connection) as wide:
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.content.decode().count('class="org-node"') == 17
    assert len(wide) == len(narrow)


def test_expanding_a_node_outside_the_scope_is_404(client, world):
    response = get(client, world.county_admin, reverse("orgs:tree-children", args=[world.county_b.pk]))
    assert response.status_code == 404


def test_expanding_the_other_citys_node_is_404_for_the_city_admin(client, world):
    response = get(client, world.city_admin, reverse("orgs:tree-children", args=[world.other_city.pk]))
    assert response.status_code == 404


def test_teacher_may_not_open_the_tree(client, world):
    assert get(client, world.teacher_user, reverse("orgs:tree")).status_code == 403
    assert get(client, world.no_role, reverse("orgs:tree")).status_code == 403


def test_search_finds_orgs_by_name_or_code_within_scope_only(client, world):
    hits = get(client, world.county_admin, reverse("orgs:tree"), data={"q": "S000"}).context["hits"]
    assert {hit.org for hit in hits} == {world.school_a1, world.school_a2}
    hits = get(client, world.city_admin, reverse("orgs:tree"), data={"q": "中学"}).context["hits"]
    assert {hit.org for hit in hits} == {
        world.school_a2,
        world.school_b2,
    }  # not 临江第二中学 of the other city
    assert [hit.trail for hit in hits if hit.org == world.school_a2] == [["江海市", "东湖区"]]


def test_search_as_an_htmx_request_returns_just_the_tree_body(client, world):
    response = get(
        client,
        world.city_admin,
        reverse("orgs:tree"),
        data={"q": "西山"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="tree-body",
    )
    content = response.content.decode()
    assert "<html" not in content
    assert "西山中心小学" in content
