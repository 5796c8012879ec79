"""The school coordinator's teacher accounts page: their teachers with their accounts, filtered by
无账号, 从未登录 and 未激活 with counts; accounts created for those without; one teacher's password
reset (audited, a slip, changed at the next sign-in); everything within the coordinator's scope."""

import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from peixun.accounts import delivery, services, slips
from peixun.accounts.models import PasswordSlipBatch
from peixun.accounts.tests.helpers import sign_in
from peixun.audit.models import AuditEvent
from peixun.orgs.models import GrantRole, Person
from peixun.site.navigation import navigation
from peixun.testing.factories import make_person, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
ID_NUMBER = "32070519790601086X"
MOBILE = "13812345678"


@pytest.fixture
def school(world):
    """东湖实验小学: 李晓明 signed in and activated (teacher_user), 孙丽 without an account, 周敏 with
    an account never used, 钱伟 who signed in once but kept the initial password."""
    world.teacher_user.last_login = timezone.now()
    world.teacher_user.save()
    make_person(world.school_a1, "孙丽", birth_date=date(1979, 6, 1), id_number=ID_NUMBER, mobile=MOBILE)
    never = make_person(world.school_a1, "周敏")
    make_user("t-never", (GrantRole.TEACHER, world.school_a1), person=never, must_change_password=True)
    once = make_person(world.school_a1, "钱伟")
    make_user(
        "t-once",
        (GrantRole.TEACHER, world.school_a1),
        person=once,
        must_change_password=True,
        last_login=timezone.now(),
    )
    return world


def page(client, **query):
    response = client.get(reverse("accounts:teachers"), query, **ZH)
    assert response.status_code == 200
    return response


def names(response) -> set[str]:
    return {person.name for person in response.context["rows"]}


def xlsx_rows(content: bytes) -> list[list]:
    return [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def test_the_coordinators_menu_leads_to_their_teachers_accounts(rf, school):
    request = rf.get("/")
    request.user = school.coordinator_a1
    urls = [item["url"] for item in navigation(request)["nav_items"]]
    assert reverse("accounts:teachers") in urls
    request.user = school.teacher_user
    assert reverse("accounts:teachers") not in [item["url"] for item in navigation(request)["nav_items"]]


def test_the_filters_show_who_has_no_account_who_never_signed_in_and_who_is_not_activated(client, school):
    client.force_login(school.coordinator_a1)
    everyone = page(client)
    assert names(everyone) == {"李晓明", "孙丽", "周敏", "钱伟"}  # 王芳 (another school) is not here
    assert everyone.context["counts"] == {"all": 4, "none": 1, "never": 1, "inactive": 2}
    html = everyone.content.decode()
    for label in ("全部（", "无账号（", "从未登录（", "未激活（"):
        assert label in html
    assert names(page(client, show="none")) == {"孙丽"}
    assert names(page(client, show="never")) == {"周敏"}
    assert names(page(client, show="inactive")) == {"周敏", "钱伟"}
    assert names(page(client, show="never", q="zhou")) == {"周敏"}
    assert "从未登录" in page(client, show="never").content.decode()


def test_another_schools_teachers_and_orgs_are_out_of_scope(client, school):
    client.force_login(school.coordinator_a1)
    assert client.get(reverse("accounts:teachers"), {"org": school.school_a2.pk}).status_code == 404
    other = make_user("t-other", (GrantRole.TEACHER, school.school_a2), person=school.teacher_a2)
    assert client.post(reverse("accounts:teachers-reset", args=[other.pk])).status_code == 404
    assert (
        client.post(reverse("accounts:teachers-create"), {"person": school.teacher_b1.pk}).status_code == 404
    )
    # Staff accounts and the coordinator's own are the bureau's to reset.
    staff = make_person(school.school_a1, "吴主任")
    school.coordinator_a1.person = staff
    school.coordinator_a1.save()
    assert client.post(reverse("accounts:teachers-reset", args=[school.coordinator_a1.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="account_password_reset").exists()
    other.refresh_from_db()
    assert not other.must_change_password
    # A teacher may not open the page at all.
    client.force_login(school.teacher_user)
    assert client.get(reverse("accounts:teachers")).status_code in (403, 404)


def test_creating_the_accounts_of_every_teacher_without_one_then_the_slips(client, school):
    client.force_login(school.coordinator_a1)
    response = client.post(reverse("accounts:teachers-create"), {"all": "1"})
    batch = PasswordSlipBatch.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    account = User.objects.get(person__name="孙丽")
    assert account.username == MOBILE and account.must_change_password
    assert batch.count == 1 and batch.created_by == school.coordinator_a1
    assert page(client).context["counts"]["none"] == 0


def test_resetting_an_activated_teachers_password_is_audited_and_forces_a_change(client, school):
    client.force_login(school.coordinator_a1)
    teacher = school.teacher_user
    teacher.set_password("my-own-Secret-42")
    teacher.save()
    response = client.post(reverse("accounts:teachers-reset", args=[teacher.pk]))
    assert response.status_code == 302
    batch = PasswordSlipBatch.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    event = AuditEvent.objects.get(action="account_password_reset")
    assert event.actor_id == school.coordinator_a1.pk and event.target_id == str(teacher.pk)
    assert event.changes["must_change_password"] == [False, True]
    teacher.refresh_from_db()
    assert teacher.must_change_password and not teacher.check_password("my-own-Secret-42")
    download = client.post(
        reverse("accounts:slips-download", args=[batch.pk]), {"org": school.school_a1.pk, "format": "xlsx"}
    )
    header, row = xlsx_rows(download.content)
    password = row[header.index("初始密码")]
    assert teacher.check_password(password)
    # The first sign-in leads to the password change, and nothing else opens until it is done.
    holder = Client()
    assert sign_in(holder, teacher.username, password).status_code == 302
    for url in (reverse("site:home"), reverse("training:my"), reverse("ledger:mine")):
        assert holder.get(url).url == reverse("accounts:password-change")
    changed = holder.post(
        reverse("accounts:password-change"),
        {
            "old_password": password,
            "new_password1": "Qingshan-river-77",
            "new_password2": "Qingshan-river-77",
        },
    )
    assert changed.status_code == 302
    assert holder.get(reverse("site:home")).status_code == 200


def test_a_teacher_signs_in_with_their_phone_number(client, school):
    client.force_login(school.coordinator_a1)
    client.post(reverse("accounts:teachers-create"), {"all": "1"})
    account = User.objects.get(person__name="孙丽")
    # An account whose username is not the phone (the phone was taken) signs in by phone too.
    account.username = "t-sunli"
    account.must_change_password = False
    account.set_password("Qingshan-river-77")
    account.save()
    for typed in (MOBILE, "138 1234 5678", "+8613812345678", "１３８１２３４５６７８"):
        holder = Client()
        assert sign_in(holder, typed, "Qingshan-river-77").status_code == 302, typed
        assert holder.session["_auth_user_id"] == str(account.pk)


def test_initial_passwords_hold_none_of_the_id_number_or_the_phone(school):
    user = User(username=MOBILE, person=Person.objects.get(name="孙丽"))
    for _ in range(50):
        password = services.temporary_password(user)
        assert not any(ID_NUMBER[i : i + 6].lower() in password.lower() for i in range(len(ID_NUMBER) - 5))
        assert MOBILE[-4:] not in password and "19790601" not in password and "0601" not in password


def test_a_prepared_password_holding_the_phones_tail_is_not_given_to_that_teacher(school):
    person = Person.objects.get(name="孙丽")
    bad = ("Ab" + MOBILE[-4:] + "xyzw", "hash-of-bad")
    good = services.prepare_passwords(1)[0]
    issued = services.provision_teacher_accounts(
        people=[person], actor=school.coordinator_a1, passwords=[bad, good]
    )
    assert issued.count == 1
    assert User.objects.get(person=person).password == good[1]


def test_another_password_delivery_can_be_plugged_in(school, settings):
    sent = []

    class Sms:
        sent_note = "已通过短信发送"

        def deliver(self, *, actor, issued):
            sent.extend((item.account.username, item.password) for item in issued)
            return None

    settings.PASSWORD_DELIVERY = "peixun.accounts.tests.test_teacher_accounts.SMS_FOR_TEST"
    globals()["SMS_FOR_TEST"] = Sms
    delivery._configured.cache_clear()
    try:
        person = Person.objects.get(name="孙丽")
        issued = services.provision_teacher_accounts(people=[person], actor=school.coordinator_a1)
    finally:
        delivery._configured.cache_clear()
    assert issued.batch is None and not PasswordSlipBatch.objects.exists()
    [(username, password)] = sent
    assert username == MOBILE and User.objects.get(username=MOBILE).check_password(password)


def test_the_slip_workbook_holds_no_formula_even_for_a_name_that_looks_like_one():
    slip = slips.Slip(
        name='=HYPERLINK("http://x","点我")',
        school="+东湖实验小学",
        username="@13812345678",
        password="Ab3dEf7hJk",
        login_url="https://peixun.example/accounts/login/",
        valid_until=date(2026, 9, 1),
    )
    sheet = load_workbook(io.BytesIO(slips.render_xlsx([slip], sheet_name="东湖实验小学"))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert cells and all(cell.data_type != "f" for cell in cells)
    values = [cell.value for cell in cells]
    assert "Ab3dEf7hJk" in values and "2026年9月1日" in values
