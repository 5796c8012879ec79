"""The people list: scoped search, filters, constant-query pagination, HTMX, export."""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peixun.audit.models import AuditEvent
from peixun.testing.factories import make_person

pytestmark = pytest.mark.django_db


def people_page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("orgs:people"), data=params)


def names(response) -> list[str]:
    """The names listed, read from the HTML (HTMX partials carry no template context in tests)."""
    return re.findall(
        r'<a class="fw-semibold" href="/orgs/people/\d+/">([^<]+)</a>', response.content.decode()
    )


def test_city_admin_sees_the_city_sorted_by_pinyin(client, world):
    response = people_page(client, world.city_admin)
    assert response.status_code == 200
    # chen jing, li xiaoming, wang fang, zhao gang — not zhou lei of the other city
    assert names(response) == ["陈静", "李晓明", "王芳", "赵刚"]


def test_coordinator_sees_only_their_school(client, world):
    assert names(people_page(client, world.coordinator_a1)) == ["李晓明"]


def test_tutor_sees_the_people_of_their_school(client, world):
    assert names(people_page(client, world.tutor_a1)) == ["李晓明"]


def test_teacher_and_account_without_role_get_403(client, world):
    assert people_page(client, world.teacher_user).status_code == 403
    assert people_page(client, world.no_role).status_code == 403


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("李", ["李晓明"]),
        ("李晓", ["李晓明"]),
        ("lixiaoming", ["李晓明"]),
        ("lixiao", ["李晓明"]),
        ("LXM", ["李晓明"]),
        ("wf", ["王芳"]),
    ],
)
def test_search_by_name_pinyin_or_initials(client, world, query, expected):
    assert names(people_page(client, world.city_admin, q=query)) == expected


def test_search_by_the_last_digits_of_the_id(client, world):
    tail = world.teacher_b1.id_tail
    assert "赵刚" in names(people_page(client, world.city_admin, q=tail))
    assert "赵刚" in names(people_page(client, world.city_admin, q=tail[-2:]))


def test_search_by_mobile_phone(client, world):
    world.teacher_a2.mobile = "13912345678"
    world.teacher_a2.save()
    assert names(people_page(client, world.city_admin, q="13912345678")) == ["王芳"]
    assert names(people_page(client, world.city_admin, q="139123")) == ["王芳"]


def test_search_by_full_id_posts_and_never_puts_the_number_in_a_link(client, world):
    number = world.teacher_b2.reveal_id_number()
    client.force_login(world.city_admin)
    response = client.post(reverse("orgs:people"), {"q": number})
    assert response.status_code == 200
    assert names(response) == ["陈静"]
    assert number not in response.context["link_query"]
    assert response["Cache-Control"] == "no-store"
    content = response.content.decode()
    # The number may sit in the posted forms' own fields, never in a link.
    assert f"q={number}" not in content
    assert content.count(number) == content.count(f'value="{number}"')


def test_full_id_search_through_htmx_keeps_the_number_out_of_the_replaced_url(client, world):
    number = world.teacher_b2.reveal_id_number()
    client.force_login(world.city_admin)
    response = client.post(reverse("orgs:people"), {"q": number, "status": "active"}, HTTP_HX_REQUEST="true")
    assert names(response) == ["陈静"]
    assert number not in response["HX-Replace-Url"]
    assert "status=active" in response["HX-Replace-Url"]


def test_full_id_of_someone_out_of_scope_finds_nobody(client, world):
    number = world.other_teacher.reveal_id_number()
    client.force_login(world.city_admin)
    assert names(client.post(reverse("orgs:people"), {"q": number})) == []


def test_a_posted_ordinary_search_redirects_to_a_shareable_address(client, world):
    client.force_login(world.city_admin)
    response = client.post(reverse("orgs:people"), {"q": "wf", "section": "junior"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('orgs:people')}?q=wf&section=junior"


def test_filters_by_org_subtree_section_subject_title_role_and_status(client, world):
    make_person(
        world.school_a1,
        "钱多多",
        section="junior",
        subjects=["数学", "物理"],
        roles=["head_teacher"],
        status="away",
    )
    user = world.city_admin
    assert names(people_page(client, user, org=world.county_a.pk)) == ["李晓明", "钱多多", "王芳"]
    assert names(people_page(client, user, section="junior")) == ["钱多多", "王芳"]
    assert names(people_page(client, user, subject="物理")) == ["陈静", "钱多多"]
    assert names(people_page(client, user, title="senior")) == ["陈静", "王芳"]
    assert names(people_page(client, user, role="head_teacher")) == ["钱多多"]
    assert names(people_page(client, user, status="away")) == ["钱多多"]


def test_filtering_by_an_org_outside_the_scope_is_404(client, world):
    assert people_page(client, world.county_admin, org=world.county_b.pk).status_code == 404


def test_an_unknown_filter_value_is_ignored(client, world):
    response = people_page(client, world.city_admin, section="nonsense", per_page="7")
    assert response.status_code == 200
    assert len(names(response)) == 4


def test_page_size_does_not_change_the_number_of_queries(client, world):
    for index in range(120):
        make_person(world.school_b1, f"批量{index:03d}", birth_date=date(1980, 1, 1) + timedelta(days=index))
    client.force_login(world.city_admin)
    client.get(reverse("orgs:people"))  # the first request writes the session; measure the ones after
    counts = {}
    for size in (20, 100):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("orgs:people"), {"per_page": size})
        assert len(response.context["page"].object_list) == size
        counts[size] = len(queries)
    assert counts[20] == counts[100]


def test_page_queries_stay_few(client, world, django_assert_max_num_queries):
    client.force_login(world.city_admin)
    client.get(reverse("orgs:people"))  # the first request writes the session; measure the ones after
    # session, user, grants, org picker, count, page; the header's unread notices and, for an
    # account without a person, the grant its shown name comes from (教育局管理员（…）); the
    # administrator's second-factor device the session was verified with (peixun.accounts.twofactor)
    with django_assert_max_num_queries(9, info="people list") as queries:
        client.get(reverse("orgs:people"), {"per_page": 100})
    person_selects = [query for query in queries.captured_queries if 'FROM "orgs_person"' in query["sql"]]
    assert len(person_selects) == 2  # the capped count and the page, with its orgs joined in


def test_second_page_through_htmx_returns_just_the_results(client, world):
    for index in range(25):
        make_person(world.school_b1, f"批量{index:03d}", birth_date=date(1980, 1, 1) + timedelta(days=index))
    client.force_login(world.city_admin)
    response = client.get(reverse("orgs:people"), {"page": 2, "q": "pl"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "<html" not in content
    assert 'id="people-filter"' not in content
    assert len(names(response)) == 5
    assert "page=2" in response["HX-Replace-Url"]


def test_live_search_through_htmx_post_returns_the_partial(client, world):
    client.force_login(world.city_admin)
    response = client.post(reverse("orgs:people"), {"q": "zg"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert names(response) == ["赵刚"]
    assert response["HX-Replace-Url"] == f"{reverse('orgs:people')}?q=zg"


def test_a_huge_result_shows_a_capped_count(client, world, monkeypatch):
    monkeypatch.setattr("peixun.core.pagination.COUNT_CAP", 3)
    client.force_login(world.city_admin)
    response = client.get(reverse("orgs:people"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["paginator"].capped
    assert "More than 3 people" in response.content.decode()


# --- Export ---------------------------------------------------------------------------------------


def exported_rows(response) -> list[tuple]:
    from openpyxl import load_workbook

    sheet = load_workbook(
        BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    return [tuple(cell for cell in row) for row in sheet.iter_rows(values_only=True)]


def test_export_downloads_exactly_the_filtered_list_masked_and_audited(client, world):
    client.force_login(world.city_admin)
    response = client.get(reverse("orgs:people-export"), {"section": "primary"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = exported_rows(response)
    body = [row for row in rows[1:] if any(row)]
    assert len(body) == 2
    flat = " ".join(str(cell) for row in body for cell in row if cell)
    assert "李晓明" in flat
    assert "赵刚" in flat
    assert world.teacher_a1.reveal_id_number() not in flat
    event = AuditEvent.objects.get(action="people_exported")
    assert event.changes["rows"] == 2
    assert event.changes["unmasked"] is False
    assert event.changes["filters"] == {"section": "primary"}
    assert event.actor == world.city_admin


def test_export_with_full_numbers_needs_the_reveal_permission(client, world):
    client.force_login(world.coordinator_a1)
    assert client.get(reverse("orgs:people-export"), {"reveal": "1"}).status_code == 403
    assert not AuditEvent.objects.filter(action="people_exported").exists()


def test_unmasked_export_shows_the_numbers_and_says_so_in_the_audit_log(client, world):
    client.force_login(world.city_admin)
    response = client.get(reverse("orgs:people-export"), {"org": world.school_a1.pk, "reveal": "1"})
    flat = " ".join(str(cell) for row in exported_rows(response) for cell in row if cell)
    assert world.teacher_a1.reveal_id_number() in flat
    event = AuditEvent.objects.get(action="people_exported")
    assert event.changes["unmasked"] is True
    assert event.changes["rows"] == 1
    assert event.org_path == world.school_a1.path


def test_export_by_full_id_keeps_the_number_out_of_the_audit_row(client, world):
    number = world.teacher_b2.reveal_id_number()
    client.force_login(world.city_admin)
    response = client.post(reverse("orgs:people-export"), {"q": number})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="people_exported")
    assert event.changes["rows"] == 1
    assert number not in str(event.changes)


def test_tutor_may_not_export(client, world):
    client.force_login(world.tutor_a1)
    assert client.get(reverse("orgs:people-export")).status_code == 403


def test_coordinator_export_is_limited_to_the_school(client, world):
    client.force_login(world.coordinator_a1)
    response = client.get(reverse("orgs:people-export"))
    flat = " ".join(str(cell) for row in exported_rows(response) for cell in row if cell)
    assert "李晓明" in flat
    assert "王芳" not in flat
    assert AuditEvent.objects.get(action="people_exported").org_path == world.school_a1.path
