"""Initial passwords: random, handed over once on slips, expiring when unused; the list of accounts
not yet activated with its bulk reset; the migration that expired the passwords once derived from
ID numbers."""

import importlib
import io
import logging
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from peixun.accounts import lockout, services, views
from peixun.accounts.models import PasswordSlipBatch
from peixun.accounts.tests.helpers import sign_in
from peixun.audit.models import AuditEvent
from peixun.orgs.models import GrantRole
from peixun.testing.factories import make_person, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()

ID_NUMBER = "32070519790601086X"
MOBILE = "13812345678"
EXPIRED_MESSAGE = "初始密码已过期，请向学校师训专管员索取新的初始密码"


@pytest.fixture
def newcomer(world):
    """A teacher of 东湖实验小学 without an account, whose ID number, birth date and phone are known."""
    return make_person(
        world.school_a1, "孙丽", birth_date=date(1979, 6, 1), id_number=ID_NUMBER, mobile=MOBILE
    )


def provision_as(client, user, org):
    client.force_login(user)
    return client.post(reverse("accounts:provision"), {"org": org.pk})


def batch_of(response) -> PasswordSlipBatch:
    assert response.status_code == 302, response.status_code
    return PasswordSlipBatch.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def download(client, batch, org, kind):
    return client.post(reverse("accounts:slips-download", args=[batch.pk]), {"org": org.pk, "format": kind})


def xlsx_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def passwords_from_xlsx(content: bytes) -> dict[str, str]:
    header, *rows = xlsx_rows(content)
    return {row[header.index("用户名")]: row[header.index("初始密码")] for row in rows}


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def personal_guesses() -> list[str]:
    """Everything a colleague could work out: every six characters in a row of the ID number (with
    x in either case), the birth date as YYYYMMDD, YYMMDD and MMDD, the phone's last 4–6 digits and
    the whole phone."""
    runs = {ID_NUMBER[start : start + 6] for start in range(len(ID_NUMBER) - 5)}
    runs |= {run.lower() for run in runs}
    births = {"19790601", "790601", "0601"}
    phone = {MOBILE[-4:], MOBILE[-5:], MOBILE[-6:], MOBILE}
    return sorted(runs | births | phone)


# --- Random initial passwords, shown once ----------------------------------------------------------


def test_an_account_made_from_the_roster_opens_with_none_of_its_holders_personal_data(
    client, world, newcomer, monkeypatch
):
    # Only the password may decide each answer: no lockout, neither per address nor across them.
    monkeypatch.setattr(lockout, "ACCOUNT_FAILURE_LIMIT", 10_000)
    batch = batch_of(provision_as(client, world.coordinator_a1, world.school_a1))
    slip_password = passwords_from_xlsx(download(client, batch, world.school_a1, "xlsx").content)[MOBILE]
    guesses = personal_guesses()
    assert {"320705", "01086X", "01086x", "19790601", "790601", "0601", "5678", "345678", MOBILE} <= set(
        guesses
    )
    for number, guess in enumerate(guesses):
        # A fresh address for each try, so the per-address lockout never decides the answer.
        attempt = Client()
        response = sign_in(attempt, MOBILE, guess, ip=f"10.9.{number // 200}.{number % 200 + 1}")
        assert response.status_code == 200, guess
        assert not signed_in(attempt), guess
    assert slip_password not in guesses
    attempt = Client()
    assert sign_in(attempt, MOBILE, slip_password, ip="10.9.9.9").status_code == 302
    assert signed_in(attempt)


def test_initial_passwords_are_random_readable_and_pass_the_validators(world, newcomer):
    user = User(username=MOBILE, person=newcomer)
    passwords = {services.temporary_password(user) for _ in range(40)}
    assert len(passwords) == 40
    for password in passwords:
        assert len(password) == 10
        assert not set(password) & set("0O1lI")
    for password in passwords:
        validate_password(password, user)


def test_the_plaintext_password_is_stored_nowhere_but_encrypted_in_the_slips_and_never_logged(
    client, world, newcomer, caplog
):
    caplog.set_level(logging.DEBUG)
    batch = batch_of(provision_as(client, world.coordinator_a1, world.school_a1))
    page = client.get(reverse("accounts:slips", args=[batch.pk])).content.decode()
    password = passwords_from_xlsx(download(client, batch, world.school_a1, "xlsx").content)[MOBILE]
    account = User.objects.get(username=MOBILE)
    assert password not in account.password
    batch.refresh_from_db()
    assert batch.sealed and password not in batch.sealed
    for event in AuditEvent.objects.all():
        assert password not in f"{event.changes} {event.target_repr}"
    assert password not in caplog.text
    assert password not in page


# --- Downloads: the issuer only, each file once, for an hour ------------------------------------


def test_the_slips_give_a_pdf_and_a_workbook_per_school_with_what_the_teacher_needs(client, world, newcomer):
    batch = batch_of(provision_as(client, world.coordinator_a1, world.school_a1))
    page = client.get(reverse("accounts:slips", args=[batch.pk]))
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    pdf = download(client, batch, world.school_a1, "pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]
    text = pdf_text(pdf.content)
    account = User.objects.get(username=MOBILE)
    workbook = download(client, batch, world.school_a1, "xlsx")
    header, *rows = xlsx_rows(workbook.content)
    assert header == ["姓名", "学校", "用户名", "初始密码", "登录地址", "有效期至", "备注"]
    row = next(row for row in rows if row[2] == MOBILE)
    valid_until = account.initial_password_valid_until
    assert row[:3] == ["孙丽", "东湖实验小学", MOBILE]
    assert row[4].endswith("/accounts/login/")
    assert row[5] == f"{valid_until.year}年{valid_until.month}月{valid_until.day}日"
    assert row[6] == "首次登录须修改密码"
    for expected in (
        "孙丽",
        "东湖实验小学",
        MOBILE,
        row[3],
        "/accounts/login/",
        "首次登录须修改密码",
        row[5],
    ):
        assert expected in text, expected
    assert account.check_password(row[3])


def test_the_slips_are_for_the_user_who_issued_them_only(client, world, newcomer):
    batch = batch_of(provision_as(client, world.coordinator_a1, world.school_a1))
    colleague = make_user("coordinator_a1_b", (GrantRole.SCHOOL_COORDINATOR, world.school_a1))
    for other in (colleague, world.county_admin, world.teacher_user):
        client.force_login(other)
        assert client.get(reverse("accounts:slips", args=[batch.pk])).status_code == 404
        assert download(client, batch, world.school_a1, "pdf").status_code == 404
    batch.refresh_from_db()
    assert batch.downloaded == []


def test_each_file_downloads_once_and_then_the_passwords_are_erased(client, world, newcomer):
    batch = batch_of(provision_as(client, world.coordinator_a1, world.school_a1))
    assert download(client, batch, world.school_a1, "pdf").status_code == 200
    again = download(client, batch, world.school_a1, "pdf")
    assert again.status_code == 302
    page = client.get(again.url).content.decode()
    assert "已经下载过一次" in page
    batch.refresh_from_db()
    assert batch.sealed  # the workbook is still to come
    assert download(client, batch, world.school_a1, "xlsx").status_code == 200
    batch.refresh_from_db()
    assert batch.sealed == ""
    assert (
        'data-testid="slips-closed"'
        in client.get(reverse("accounts:slips", args=[batch.pk])).content.decode()
    )
    assert (
        AuditEvent.objects.filter(action="password_slips_downloaded", actor=world.coordinator_a1).count() == 2
    )


def test_the_slips_are_gone_after_an_hour(client, world, newcomer, clock):
    batch = batch_of(provision_as(client, world.coordinator_a1, world.school_a1))
    clock.advance(minutes=61)
    assert client.get(reverse("accounts:slips", args=[batch.pk])).status_code == 404
    assert download(client, batch, world.school_a1, "pdf").status_code == 404
    assert services.purge_password_slips() == 1
    assert not PasswordSlipBatch.objects.exists()


# --- Expiry --------------------------------------------------------------------------------------


def test_an_expired_initial_password_is_refused_with_the_chinese_message(client, world, newcomer, clock):
    batch = batch_of(provision_as(client, world.coordinator_a1, world.school_a1))
    password = passwords_from_xlsx(download(client, batch, world.school_a1, "xlsx").content)[MOBILE]
    client.logout()
    clock.advance(days=15)
    response = sign_in(client, MOBILE, password)
    assert response.status_code == 200
    assert EXPIRED_MESSAGE in response.content.decode()
    assert not signed_in(client)
    # A wrong password says only that it is wrong: the expiry is told to whoever knows the password.
    assert EXPIRED_MESSAGE not in sign_in(client, MOBILE, "Wrong-Password-1").content.decode()


def test_an_initial_password_works_until_the_end_of_the_day_on_the_slip(
    client, world, newcomer, settings, clock
):
    issued = services.provision_teacher_accounts(people=[newcomer], actor=world.coordinator_a1)
    _school, slips = services.take_slips(
        batch=issued.batch, org_id=world.school_a1.pk, kind="xlsx", actor=world.coordinator_a1
    )
    account = User.objects.get(username=MOBILE)
    assert account.initial_password_valid_until == timezone.localdate() + timedelta(
        days=settings.INITIAL_PASSWORD_DAYS
    )
    clock.current = account.initial_password_expires_at - timedelta(minutes=1)
    assert sign_in(client, MOBILE, slips[0].password).status_code == 302
    client.logout()
    clock.current = account.initial_password_expires_at
    assert EXPIRED_MESSAGE in sign_in(client, MOBILE, slips[0].password).content.decode()


def test_choosing_a_password_activates_the_account_and_ends_the_expiry(client, world, newcomer, clock):
    issued = services.provision_teacher_accounts(people=[newcomer], actor=world.coordinator_a1)
    _school, slips = services.take_slips(
        batch=issued.batch, org_id=world.school_a1.pk, kind="pdf", actor=world.coordinator_a1
    )
    assert sign_in(client, MOBILE, slips[0].password).status_code == 302
    new = "Lantern-Orchard-42"
    client.post(
        reverse("accounts:password-change"),
        {"old_password": slips[0].password, "new_password1": new, "new_password2": new},
    )
    account = User.objects.get(username=MOBILE)
    assert account.is_activated and account.initial_password_expires_at is None
    client.logout()
    clock.advance(days=60)
    assert sign_in(client, MOBILE, new).status_code == 302


# --- The migration that expired the derived passwords -------------------------------------------


def _migration():
    return importlib.import_module("peixun.accounts.migrations.0005_expire_derived_passwords")


def test_the_migration_expires_every_password_still_derived_from_an_id_number_and_only_those(
    client, world, newcomer
):
    derived = make_user(
        MOBILE, (GrantRole.TEACHER, world.school_a1), person=newcomer, must_change_password=True
    )
    derived.set_password(ID_NUMBER[-6:])  # what provisioning used to do
    derived.save()
    chose_own = world.teacher_user  # linked, has chosen a password
    staff = make_user("new_staff", (GrantRole.TUTOR, world.school_a1), must_change_password=True)
    fresh = services.provision_teacher_accounts(
        people=[make_person(world.school_a2, "钱新")], actor=world.county_admin
    ).batch
    fresh_account = User.objects.get(person__name="钱新")
    fresh_hash = fresh_account.password

    assert _migration().expire_derived_passwords(apps, None) == 1
    derived.refresh_from_db()
    assert not derived.has_usable_password()
    assert derived.initial_password_expired()
    for untouched in (chose_own, staff):
        before = untouched.password
        untouched.refresh_from_db()
        assert untouched.password == before and untouched.initial_password_expires_at is None
    fresh_account.refresh_from_db()
    assert fresh_account.password == fresh_hash and not fresh_account.initial_password_expired()
    assert fresh is not None
    event = AuditEvent.objects.get(action="initial_password_expired")
    assert (event.target_id, event.org_path) == (str(derived.pk), world.school_a1.path)
    assert sign_in(client, MOBILE, ID_NUMBER[-6:]).status_code == 200
    assert not signed_in(client)

    # Idempotent: a second run finds nothing.
    assert _migration().expire_derived_passwords(apps, None) == 0
    assert AuditEvent.objects.filter(action="initial_password_expired").count() == 1


def test_an_expired_account_is_listed_for_its_coordinator_and_a_bulk_reset_gives_new_slips(
    client, world, newcomer
):
    derived = make_user(
        MOBILE, (GrantRole.TEACHER, world.school_a1), person=newcomer, must_change_password=True
    )
    derived.set_password(ID_NUMBER[-6:])
    derived.save()
    _migration().expire_derived_passwords(apps, None)

    client.force_login(world.coordinator_a1)
    page = client.get(reverse("accounts:inactive"))
    assert page.status_code == 200
    assert [account.pk for account in page.context["page"].object_list] == [derived.pk]
    assert "初始密码已过期" in page.content.decode()

    response = client.post(reverse("accounts:reset-initial"), {"account": [derived.pk]})
    batch = batch_of(response)
    text = pdf_text(download(client, batch, world.school_a1, "pdf").content)
    password = passwords_from_xlsx(download(client, batch, world.school_a1, "xlsx").content)[MOBILE]
    assert password in text and "孙丽" in text
    event = AuditEvent.objects.get(action="account_password_reset")
    assert (event.actor, event.target_id) == (world.coordinator_a1, str(derived.pk))

    client.logout()
    assert sign_in(client, MOBILE, ID_NUMBER[-6:], ip="10.0.0.2").status_code == 200
    assert sign_in(client, MOBILE, password, ip="10.0.0.3").status_code == 302


def test_after_a_reset_the_previous_initial_password_no_longer_works(client, world, newcomer):
    issued = services.provision_teacher_accounts(people=[newcomer], actor=world.coordinator_a1)
    _school, old = services.take_slips(
        batch=issued.batch, org_id=world.school_a1.pk, kind="pdf", actor=world.coordinator_a1
    )
    client.force_login(world.coordinator_a1)
    account = User.objects.get(username=MOBILE)
    batch = batch_of(client.post(reverse("accounts:reset-initial"), {"account": [account.pk]}))
    new = passwords_from_xlsx(download(client, batch, world.school_a1, "xlsx").content)[MOBILE]
    assert new != old[0].password
    client.logout()
    assert sign_in(client, MOBILE, old[0].password).status_code == 200
    assert sign_in(client, MOBILE, new).status_code == 302


# --- The list and the bulk reset, in scope -------------------------------------------------------


def test_the_list_shows_the_teacher_accounts_in_scope_not_yet_activated_and_nothing_else(
    client, world, newcomer
):
    services.provision_teacher_accounts(people=[newcomer], actor=None)
    elsewhere = make_person(world.school_a2, "别校")
    services.provision_teacher_accounts(people=[elsewhere], actor=None)
    make_user(
        "tutor_new",
        (GrantRole.TUTOR, world.school_a1),
        person=make_person(world.school_a1, "辅导"),
        must_change_password=True,
    )
    client.force_login(world.coordinator_a1)
    names = [account.person.name for account in client.get(reverse("accounts:inactive")).context["page"]]
    assert names == ["孙丽"]  # not teacher_a1 (activated), not the tutor (staff), not another school
    client.force_login(world.centre_staff)  # the centre covers the county
    names = {account.person.name for account in client.get(reverse("accounts:inactive")).context["page"]}
    assert names == {"孙丽", "别校"}


def test_a_reset_naming_an_account_out_of_scope_answers_404_and_changes_nothing(client, world, newcomer):
    services.provision_teacher_accounts(people=[newcomer, make_person(world.school_b1, "远方")], actor=None)
    mine, far = User.objects.get(username=MOBILE), User.objects.get(person__name="远方")
    hashes = {mine.pk: mine.password, far.pk: far.password}
    client.force_login(world.coordinator_a1)
    assert client.post(reverse("accounts:reset-initial"), {"account": [mine.pk, far.pk]}).status_code == 404
    assert (
        client.post(reverse("accounts:reset-initial"), {"account": [world.teacher_user.pk]}).status_code
        == 404
    )
    assert (
        client.post(reverse("accounts:reset-initial"), {"all": "1", "org": world.school_b1.pk}).status_code
        == 404
    )
    assert {user.pk: user.password for user in User.objects.filter(pk__in=hashes)} == hashes
    assert not AuditEvent.objects.filter(action="account_password_reset").exists()
    client.force_login(world.tutor_a1)
    assert client.get(reverse("accounts:inactive")).status_code == 403


def test_resetting_all_resets_what_the_filter_shows(client, world, newcomer):
    other = make_person(world.school_a2, "二中")
    services.provision_teacher_accounts(people=[newcomer, other], actor=None)
    client.force_login(world.county_admin)
    batch = batch_of(client.post(reverse("accounts:reset-initial"), {"all": "1", "org": world.school_a1.pk}))
    assert batch.count == 1 and [school["name"] for school in batch.schools] == ["东湖实验小学"]
    assert AuditEvent.objects.filter(action="account_password_reset").count() == 1


def test_a_large_reset_runs_in_the_background_and_its_slips_wait_on_the_list(
    client, world, newcomer, monkeypatch
):
    monkeypatch.setattr(views, "PROVISION_INLINE_LIMIT", 1)
    services.provision_teacher_accounts(people=[newcomer, make_person(world.school_a1, "周周")], actor=None)
    client.force_login(world.coordinator_a1)
    response = client.post(reverse("accounts:reset-initial"), {"all": "1"}, follow=True)
    # Tests run tasks at once (conftest); in production the worker picks it up.
    batch = PasswordSlipBatch.objects.get(created_by=world.coordinator_a1)
    assert batch.count == 2
    assert reverse("accounts:slips", args=[batch.pk]) in response.content.decode()


def test_nothing_chosen_is_refused_with_a_message(client, world, newcomer):
    services.provision_teacher_accounts(people=[newcomer], actor=None)
    client.force_login(world.coordinator_a1)
    response = client.post(reverse("accounts:reset-initial"), {}, follow=True)
    assert "请勾选" in response.content.decode()
    assert not PasswordSlipBatch.objects.exists()


# --- What colleagues see, and where a coordinator finds it -----------------------------------


def test_the_person_page_says_only_whether_the_account_is_activated(client, world, newcomer):
    services.provision_teacher_accounts(people=[newcomer], actor=None)
    client.force_login(world.tutor_a1)  # a colleague who may see the person, not hand out passwords
    page = client.get(reverse("orgs:person-detail", args=[newcomer.pk])).content.decode()
    assert 'data-testid="activation">未激活</dd>' in page
    for telling in ("从未登录", "下次登录时须修改", "初始密码", "最近登录", "须修改密码"):
        assert telling not in page, telling
    page = client.get(reverse("orgs:person-detail", args=[world.teacher_a1.pk])).content.decode()
    assert 'data-testid="activation">已激活</dd>' in page
    # The coordinator, who hands out the passwords, is offered the way to do it.
    client.force_login(world.coordinator_a1)
    page = client.get(reverse("orgs:person-detail", args=[newcomer.pk])).content.decode()
    link = f"{reverse('accounts:inactive')}?only={User.objects.get(person=newcomer).pk}"
    assert link in page
    listed = client.get(link).context["page"].object_list
    assert [account.person.name for account in listed] == ["孙丽"]


def test_coordinators_find_the_list_and_account_creation_from_the_nav_and_the_people_page(client, world):
    client.force_login(world.coordinator_a1)
    home = client.get(reverse("site:home")).content.decode()
    assert reverse("accounts:teachers") + "?show=inactive" in home
    people = client.get(reverse("orgs:people")).content.decode()
    assert reverse("accounts:inactive") in people and reverse("accounts:teachers") + "?show=none" in people
    inactive = client.get(reverse("accounts:inactive")).content.decode()
    assert reverse("accounts:provision") in inactive
    client.force_login(world.teacher_user)
    assert reverse("accounts:teachers") not in client.get(reverse("site:home")).content.decode()


def test_the_first_sign_in_hint_is_on_the_login_page(client):
    assert "初始密码通知单" in client.get(reverse("accounts:login")).content.decode()


def test_the_purge_command_deletes_only_the_slips_whose_hour_has_passed(world, newcomer, clock):
    from django.core.management import call_command

    old = services.provision_teacher_accounts(people=[newcomer], actor=world.coordinator_a1).batch
    clock.advance(minutes=45)
    recent = services.reset_initial_passwords(
        actor=world.coordinator_a1,
        accounts=User.objects.filter(username=MOBILE).select_related("person__org"),
    ).batch
    clock.advance(minutes=20)
    out = io.StringIO()
    call_command("purge_password_slips", stdout=out)
    assert "1" in out.getvalue()
    assert list(PasswordSlipBatch.objects.values_list("pk", flat=True)) == [recent.pk]
    assert old.pk != recent.pk


def test_the_list_is_searched_by_name_or_pinyin_and_reset_all_resets_only_what_it_shows(
    client, world, newcomer
):
    services.provision_teacher_accounts(people=[newcomer, make_person(world.school_a1, "周周")], actor=None)
    client.force_login(world.coordinator_a1)
    for typed in ("孙", "sunli", "sl"):
        listed = client.get(reverse("accounts:inactive"), {"q": typed}).context["page"].object_list
        assert [account.person.name for account in listed] == ["孙丽"], typed
    batch = batch_of(client.post(reverse("accounts:reset-initial"), {"all": "1", "q": "sunli"}))
    assert batch.count == 1
