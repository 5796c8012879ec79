"""The home page shows each role the figures it cares about."""

import pytest
from django.urls import reverse

from peixun.imports.models import ImportJob, ImportKind
from peixun.orgs.models import GrantRole
from peixun.testing.factories import give_hours, make_person, make_user

pytestmark = pytest.mark.django_db


def home(client, user):
    client.force_login(user)
    return client.get(reverse("site:home"))


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("site:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_city_admin_sees_schools_and_people_of_the_whole_city(client, world):
    response = home(client, world.city_admin)
    assert response.status_code == 200
    summary = response.context["admin"]
    assert summary.schools == 4  # the other city's school is not counted
    assert summary.people_by_status.total == 4
    assert b'data-testid="schools">4<' in response.content


def test_county_admin_counts_only_their_county(client, world):
    summary = home(client, world.county_admin).context["admin"]
    assert summary.schools == 2
    assert summary.people_by_status.total == 2


def test_people_are_counted_by_status(client, world):
    make_person(world.school_a1, "钱退休", status="retired")
    summary = home(client, world.county_admin).context["admin"]
    counts = {code: count for code, _label, count in summary.people_by_status.rows}
    assert counts["active"] == 2
    assert counts["retired"] == 1


def test_imports_waiting_count_only_unapplied_jobs_in_scope(client, world):
    for (step, state), org in [
        (("check", "done"), world.school_a1),  # checked, no errors: ready to apply
        (("apply", "done"), world.school_a1),  # applied
        (("check", "queued"), world.other_school),  # out of scope
    ]:
        ImportJob.objects.create(
            kind=ImportKind.PEOPLE,
            step=step,
            state=state,
            created_by=world.outsider,
            org=org,
            filename="x.xlsx",
            content=b"",
        )
    assert home(client, world.county_admin).context["admin"].imports_waiting == 1


def test_coordinator_sees_their_school_by_section_and_title(client, world):
    make_person(world.school_a1, "孙老师", section="junior", title="first")
    response = home(client, world.coordinator_a1)
    summary = response.context["coordinator"]
    assert response.context["admin"] is None
    assert [school.name for school in summary.schools] == ["东湖实验小学"]
    assert summary.active == 2
    sections = {code: count for code, _label, count in summary.by_section.rows}
    assert sections["primary"] == 1
    assert sections["junior"] == 1
    titles = {code: count for code, _label, count in summary.by_title.rows}
    assert titles["first"] == 2


def test_coordinator_sees_how_many_accounts_are_not_yet_activated_and_reaches_the_list(client, world):
    person = make_person(world.school_a1, "周新")
    make_user("new_teacher", person=person, must_change_password=True)
    # teacher_a1 has chosen their own password; an account elsewhere does not count.
    make_user("elsewhere", person=make_person(world.school_b1, "吴远"), must_change_password=True)
    # Nor a staff account: its password is the bureau's business, and the list leaves it out too.
    staff = make_person(world.school_a1, "郑师")
    make_user("new_tutor", (GrantRole.TUTOR, world.school_a1), person=staff, must_change_password=True)
    response = home(client, world.coordinator_a1)
    assert response.context["coordinator"].not_activated == 1
    assert reverse("accounts:teachers") + "?show=inactive" in response.content.decode()
    assert "从未登录" not in response.content.decode()


def test_teacher_sees_their_own_record_and_the_hours_placeholder(client, world):
    response = home(client, world.teacher_user)
    assert response.context["person"] == world.teacher_a1
    content = response.content.decode()
    assert 'data-testid="my-record"' in content
    assert world.teacher_a1.id_masked in content
    assert 'data-testid="my-hours"' in content
    assert response.context["admin"] is None
    assert response.context["coordinator"] is None


def test_teacher_without_a_person_record_gets_a_friendly_empty_state(client, world):
    user = make_user("unlinked_teacher", ("teacher", world.school_a1))
    response = home(client, user)
    assert response.status_code == 200
    assert 'data-testid="no-person"' in response.content.decode()


def test_navigation_follows_the_roles(client, world):
    nav_urls = lambda response: {  # noqa: E731 - a one-line helper
        entry["url"] for item in response.context["nav_items"] for entry in item.get("children") or [item]
    }
    admin_nav = nav_urls(home(client, world.city_admin))
    assert {reverse("orgs:tree"), reverse("orgs:people"), reverse("site:audit-log")} <= admin_nav
    tutor_nav = nav_urls(home(client, world.tutor_a1))
    assert reverse("orgs:people") in tutor_nav
    assert reverse("orgs:tree") not in tutor_nav
    assert {reverse("ledger:compliance"), reverse("policies:list")} <= admin_nav
    assert reverse("ledger:mine") not in admin_nav  # the city admin's account is no teacher's
    teacher_nav = nav_urls(home(client, world.teacher_user))
    assert reverse("ledger:mine") in teacher_nav
    assert not teacher_nav & {reverse("orgs:people"), reverse("ledger:compliance"), reverse("policies:list")}


def test_a_teacher_sees_where_they_stand_under_their_policy_on_the_home_page(client, world):
    from peixun.testing.factories import adopt_preset

    adopt_preset(world.city)
    give_hours(
        world.teacher_a1, 60, category="practice", level="school", mode="school_based", source="school_based"
    )
    page = home(client, world.teacher_user).content.decode()
    assert "五年一周期 360 学时" in page
    assert "总学时还差 300.0 学时" in page
    assert reverse("ledger:mine") in page
