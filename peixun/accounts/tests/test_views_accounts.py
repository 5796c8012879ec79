"""Account management pages: scoped to the bureau admin's subtree, every change audited."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from peixun.accounts import views
from peixun.audit.models import AuditEvent
from peixun.lib.tabular import read_table
from peixun.orgs.models import GrantRole, RoleGrant
from peixun.testing.factories import make_person, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()


def listed(client, user, **params) -> list[str]:
    client.force_login(user)
    response = client.get(reverse("accounts:list"), data=params)
    assert response.status_code == 200
    return [account.username for account in response.context["page"].object_list]


def test_city_admin_lists_the_accounts_of_the_city_only(client, world):
    names = listed(client, world.city_admin)
    assert "teacher_a1" in names
    assert "county_admin" in names
    assert "outsider" not in names
    assert "no_role" not in names


def test_county_admin_lists_their_county_but_not_accounts_holding_roles_above_it(client, world):
    make_user("teacher_b", (GrantRole.TEACHER, world.school_b1))
    names = listed(client, world.county_admin)
    assert set(names) == {"centre_staff", "coordinator_a1", "county_admin", "teacher_a1", "tutor_a1"}


def test_city_admin_teaching_in_a_county_is_not_the_county_admins_to_manage(client, world):
    # Linked to a person in county A, but holding a role over the whole city.
    person = make_person(world.school_a1, "市管理员")
    world.city_admin.person = person
    world.city_admin.save()
    assert "city_admin" not in listed(client, world.county_admin)
    client.force_login(world.county_admin)
    response = client.post(reverse("accounts:password-reset", args=[world.city_admin.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("persona", ["coordinator_a1", "teacher_user", "tutor_a1", "centre_staff", "no_role"])
def test_other_roles_get_403_and_the_refusal_is_audited(client, world, persona):
    user = getattr(world, persona)
    client.force_login(user)
    assert client.get(reverse("accounts:list")).status_code == 403
    event = AuditEvent.objects.get(action="access_denied")
    assert event.actor == user
    assert event.changes["perm"] == "accounts.manage"


def test_anonymous_visitor_is_sent_to_sign_in_without_an_audit_row(client, world):
    response = client.get(reverse("accounts:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert not AuditEvent.objects.filter(action="access_denied").exists()


def test_search_by_name_pinyin_and_phone(client, world):
    person = make_person(world.school_a2, "钱多多", mobile="13700001111")
    make_user("t_qian", (GrantRole.TEACHER, world.school_a2), person=person)
    assert listed(client, world.county_admin, q="钱多") == ["t_qian"]
    assert listed(client, world.county_admin, q="qianduo") == ["t_qian"]
    assert listed(client, world.county_admin, q="13700001111") == ["t_qian"]


def test_empty_search_shows_the_empty_state(client, world):
    client.force_login(world.county_admin)
    response = client.get(reverse("accounts:list"), {"q": "nobody-like-this"})
    assert 'data-testid="no-results"' in response.content.decode()


def test_search_by_id_number_opens_the_account_without_putting_the_number_in_a_url(client, world):
    number = "32070519790601086X"
    person = make_person(world.school_a2, "钱多多", birth_date=date(1979, 6, 1), id_number=number)
    account = make_user("t_qian", (GrantRole.TEACHER, world.school_a2), person=person)
    client.force_login(world.county_admin)
    response = client.post(reverse("accounts:list"), {"q": number.lower()})
    assert response.status_code == 302
    assert response.url == reverse("accounts:detail", args=[account.pk])
    # Out of scope: nothing is revealed.
    client.force_login(world.outsider)
    response = client.post(reverse("accounts:list"), {"q": number})
    assert response.url == reverse("accounts:list")


def test_text_search_posts_then_lands_on_a_shareable_address(client, world):
    client.force_login(world.county_admin)
    response = client.post(reverse("accounts:list"), {"q": "tutor"})
    assert response.url == reverse("accounts:list") + "?q=tutor"


def test_list_queries_stay_constant_whatever_the_number_of_accounts(client, world):
    client.force_login(world.city_admin)
    client.get(reverse("accounts:list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:list"))
    for index in range(15):
        make_user(f"extra{index}", (GrantRole.TUTOR, world.school_b1), (GrantRole.TEACHER, world.school_b2))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("accounts:list"))
    assert len(many) == len(few)


def test_export_is_an_xlsx_of_the_scoped_accounts(client, world):
    client.force_login(world.county_admin)
    response = client.get(reverse("accounts:list"), {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    table = read_table(response.content, "accounts.xlsx")
    usernames = sorted(row[0] for _number, row in table.rows)
    assert usernames == ["centre_staff", "coordinator_a1", "county_admin", "teacher_a1", "tutor_a1"]


def test_detail_shows_grants_person_and_whether_the_account_is_activated(client, world):
    client.force_login(world.county_admin)
    response = client.get(reverse("accounts:detail", args=[world.teacher_user.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "李晓明" in page
    assert world.school_a1.name in page
    assert 'data-testid="activation">已激活<' in page


def test_account_outside_the_scope_is_404(client, world):
    other = make_user("teacher_b", (GrantRole.TEACHER, world.school_b1))
    client.force_login(world.county_admin)
    assert client.get(reverse("accounts:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("accounts:detail", args=[999999])).status_code == 404


def test_county_admin_grants_a_role_within_the_county(client, world):
    client.force_login(world.county_admin)
    response = client.post(
        reverse("accounts:grant", args=[world.teacher_user.pk]), {"role": "tutor", "org": world.school_a2.pk}
    )
    assert response.status_code == 302
    assert RoleGrant.objects.filter(user=world.teacher_user, role="tutor", org=world.school_a2).exists()
    assert AuditEvent.objects.filter(action="grant_created", actor=world.county_admin).exists()


def test_grant_by_org_code(client, world):
    client.force_login(world.county_admin)
    client.post(
        reverse("accounts:grant", args=[world.teacher_user.pk]), {"role": "tutor", "org_code": "S0002"}
    )
    assert RoleGrant.objects.filter(user=world.teacher_user, role="tutor", org=world.school_a2).exists()


@pytest.mark.parametrize(
    ("role", "org_name"),
    [
        ("tutor", "county_b"),
        ("school_coordinator", "school_b1"),
        ("bureau_admin", "city"),
        ("tutor", "other_city"),
    ],
)
def test_county_admin_cannot_grant_outside_or_above_their_node(client, world, role, org_name):
    client.force_login(world.county_admin)
    org = getattr(world, org_name)
    response = client.post(
        reverse("accounts:grant", args=[world.teacher_user.pk]), {"role": role, "org": org.pk}
    )
    assert response.status_code == 404
    assert not RoleGrant.objects.filter(user=world.teacher_user, org=org).exists()
    response = client.post(
        reverse("accounts:grant", args=[world.teacher_user.pk]), {"role": role, "org_code": org.code}
    )
    assert response.status_code == 404


def test_grant_without_an_org_is_refused_with_a_message(client, world):
    client.force_login(world.county_admin)
    response = client.post(reverse("accounts:grant", args=[world.teacher_user.pk]), {"role": "tutor"})
    assert response.status_code == 400


def test_withdraw_a_grant(client, world):
    grant = RoleGrant.objects.get(user=world.coordinator_a1)
    client.force_login(world.county_admin)
    response = client.post(reverse("accounts:withdraw", args=[world.coordinator_a1.pk, grant.pk]))
    assert response.status_code == 302
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert AuditEvent.objects.filter(action="grant_deleted").exists()


def test_withdraw_by_get_is_refused(client, world):
    grant = RoleGrant.objects.get(user=world.coordinator_a1)
    client.force_login(world.county_admin)
    assert (
        client.get(reverse("accounts:withdraw", args=[world.coordinator_a1.pk, grant.pk])).status_code == 405
    )
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


def test_county_admin_cannot_withdraw_a_grant_over_an_org_outside_the_county(client, world):
    wide = RoleGrant.objects.create(user=world.tutor_a1, role=GrantRole.TUTOR, org=world.school_b1)
    # tutor_a1 now holds a role outside county A, so the whole account leaves the county's hands.
    client.force_login(world.county_admin)
    assert client.post(reverse("accounts:withdraw", args=[world.tutor_a1.pk, wide.pk])).status_code == 404
    assert RoleGrant.objects.filter(pk=wide.pk).exists()


def test_reset_password_shows_the_temporary_password_once(client, world):
    client.force_login(world.county_admin)
    response = client.post(reverse("accounts:password-reset", args=[world.teacher_user.pk]))
    assert response.status_code == 200
    password = response.context["temporary_password"]
    assert password in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    world.teacher_user.refresh_from_db()
    assert world.teacher_user.check_password(password)
    assert world.teacher_user.must_change_password
    assert (
        password not in client.get(reverse("accounts:detail", args=[world.teacher_user.pk])).content.decode()
    )
    assert AuditEvent.objects.filter(action="password_reset", actor=world.county_admin).exists()


def test_coordinator_creates_accounts_for_their_own_school(client, world):
    make_person(world.school_a1, "新老师")
    client.force_login(world.coordinator_a1)
    assert client.get(reverse("accounts:provision")).status_code == 200
    response = client.post(reverse("accounts:provision"), {"org": world.school_a1.pk}, follow=True)
    assert response.status_code == 200
    assert User.objects.filter(person__name="新老师", must_change_password=True).count() == 1
    messages = [str(message) for message in response.context["messages"]]
    assert any("1" in message for message in messages)


def test_coordinator_cannot_create_accounts_for_another_school(client, world):
    make_person(world.school_a2, "别校老师")
    client.force_login(world.coordinator_a1)
    assert client.post(reverse("accounts:provision"), {"org": world.school_a2.pk}).status_code == 404
    assert client.post(reverse("accounts:provision"), {"org": "not-a-number"}).status_code == 404
    assert not User.objects.filter(person__name="别校老师").exists()


def test_teacher_cannot_create_accounts(client, world):
    client.force_login(world.teacher_user)
    assert client.post(reverse("accounts:provision"), {"org": world.school_a1.pk}).status_code == 403


def test_many_accounts_are_created_by_a_background_task(client, world, monkeypatch):
    monkeypatch.setattr(views, "PROVISION_INLINE_LIMIT", 1)
    make_person(world.school_b1, "甲")
    make_person(world.school_b2, "乙")
    client.force_login(world.city_admin)
    response = client.post(reverse("accounts:provision"), {"org": world.county_b.pk}, follow=True)
    # Tests run tasks at once (conftest); in production the worker picks it up.
    assert User.objects.filter(person__org__path__startswith=world.county_b.path).count() == 4
    messages = [str(message) for message in response.context["messages"]]
    assert any("background" in message or "后台" in message for message in messages)


def test_navigation_shows_accounts_to_bureau_admins_only(client, world):
    client.force_login(world.county_admin)
    assert reverse("accounts:list") in client.get(reverse("site:home")).content.decode()
    client.force_login(world.coordinator_a1)
    assert reverse("accounts:list") not in client.get(reverse("site:home")).content.decode()


def test_the_export_gives_the_last_sign_in_in_beijing_time_as_an_excel_date_time(client, world):
    import io
    from datetime import UTC, datetime

    from openpyxl import load_workbook

    near_midnight = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)  # 2026年3月2日 01:30 in Beijing
    get_user_model().objects.filter(pk=world.teacher_user.pk).update(last_login=near_midnight)
    client.force_login(world.county_admin)
    response = client.get(reverse("accounts:list"), {"format": "xlsx"})
    header, *rows = load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    column = header.index("最近登录（北京时间）")
    teacher = next(row for row in rows if row[0] == world.teacher_user.username)
    assert teacher[column] == datetime(2026, 3, 2, 1, 30)  # noqa: DTZ001 - openpyxl reads naive values


def test_the_administrator_finds_the_api_keys_from_the_accounts_page(client, world):
    client.force_login(world.county_admin)
    page = client.get(reverse("accounts:list")).content.decode()
    assert reverse("apikeys:list") in page
    assert client.get(reverse("apikeys:list")).status_code == 200
