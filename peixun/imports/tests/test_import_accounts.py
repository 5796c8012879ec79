"""Importing the people roster can create the teachers' sign-in accounts in the same all-or-nothing
apply: a choice on the preview, on by default, for those who may create accounts."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from peixun.accounts.models import PasswordSlipBatch
from peixun.accounts.tests.helpers import sign_in
from peixun.audit.models import AuditEvent
from peixun.imports import services
from peixun.imports.models import ImportJob, ImportStatus
from peixun.imports.tests.files import person_row, roster, valid_id
from peixun.orgs.models import GrantRole, Person, RoleGrant

pytestmark = pytest.mark.django_db
User = get_user_model()
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
PHONES = ("13800138000", "13900139001")


def two_teachers() -> bytes:
    return roster(
        person_row(姓名="张三", 证件号码=valid_id(sequence=3), 手机号=PHONES[0]),
        person_row(姓名="李四", 证件号码=valid_id(sequence=5), 手机号=PHONES[1]),
    )


def upload(client, user, org, data: bytes) -> ImportJob:
    client.force_login(user)
    client.post(reverse("imports:upload-people"), {"org": org.pk, "file": SimpleUploadedFile("r.xlsx", data)})
    job = ImportJob.objects.latest("id")
    assert job.status == ImportStatus.VALID, job.errors
    return job


def apply(client, job, **choice):
    return client.post(reverse("imports:apply", args=[job.pk]), choice)


def xlsx_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_preview_offers_the_accounts_ticked_to_whoever_may_create_them(client, world):
    job = upload(client, world.coordinator_a1, world.school_a1, two_teachers())
    page = client.get(reverse("imports:detail", args=[job.pk]), **ZH).content.decode()
    assert 'data-testid="create-accounts-choice"' in page
    assert 'name="create_accounts" value="1" id="id_create_accounts" checked' in page
    assert "同时为文件中尚无账号的教师开通登录账号" in page
    # The centre imports people but does not create accounts: no choice, and asking does nothing.
    job = upload(client, world.centre_staff, world.school_a1, two_teachers())
    page = client.get(reverse("imports:detail", args=[job.pk]), **ZH).content.decode()
    assert "create-accounts-choice" not in page
    apply(client, job, create_accounts="1")
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED and not job.create_accounts
    assert not User.objects.filter(person__name__in=["张三", "李四"]).exists()


def test_applied_with_accounts_every_new_teacher_gets_one_and_the_slips_wait_for_the_coordinator(
    client, world
):
    job = upload(client, world.coordinator_a1, world.school_a1, two_teachers())
    apply(client, job, create_accounts="1")
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED and job.accounts_count == 2
    accounts = User.objects.filter(person__name__in=["张三", "李四"])
    assert sorted(accounts.values_list("username", flat=True)) == sorted(PHONES)
    for account in accounts:
        assert account.must_change_password and account.initial_password_expires_at is not None
        assert RoleGrant.objects.filter(user=account, role=GrantRole.TEACHER, org=world.school_a1).exists()
    assert AuditEvent.objects.filter(action="account_created", actor=world.coordinator_a1).count() == 2
    batch = job.password_slips
    assert batch is not None and batch.created_by == world.coordinator_a1 and batch.count == 2

    page = client.get(reverse("imports:detail", args=[job.pk]), **ZH).content.decode()
    assert "已开通 2 个登录账号" in page
    assert reverse("accounts:slips", args=[batch.pk]) in page
    response = client.post(
        reverse("accounts:slips-download", args=[batch.pk]), {"org": world.school_a1.pk, "format": "xlsx"}
    )
    header, *rows = xlsx_rows(response.content)
    password_of = {row[header.index("用户名")]: row[header.index("初始密码")] for row in rows}
    assert set(password_of) == set(PHONES)
    number = valid_id(sequence=3)
    for phone, password in password_of.items():
        assert not any(number[i : i + 4] in password for i in range(len(number) - 3))
        assert phone[-4:] not in password
    # The teacher signs in with their phone and the slip's password, and must change it first.
    teacher = Client()
    assert sign_in(teacher, PHONES[0], password_of[PHONES[0]]).status_code == 302
    assert teacher.get(reverse("site:home")).url == reverse("accounts:password-change")
    # Someone else sees no link to these slips.
    client.force_login(world.county_admin)
    page = client.get(reverse("imports:detail", args=[job.pk]), **ZH).content.decode()
    assert reverse("accounts:slips", args=[batch.pk]) not in page


def test_applied_without_accounts_none_is_created(client, world):
    job = upload(client, world.coordinator_a1, world.school_a1, two_teachers())
    apply(client, job)  # the box unticked: the field is not sent
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED and not job.create_accounts
    assert Person.objects.filter(name__in=["张三", "李四"]).count() == 2
    assert not User.objects.filter(person__name__in=["张三", "李四"]).exists()
    assert not PasswordSlipBatch.objects.exists()
    page = client.get(reverse("imports:detail", args=[job.pk]), **ZH).content.decode()
    assert "accounts-created" not in page


def test_people_already_on_the_roster_without_an_account_get_one_when_the_file_is_applied_again(
    client, world
):
    apply(client, upload(client, world.coordinator_a1, world.school_a1, two_teachers()))
    job = upload(client, world.coordinator_a1, world.school_a1, two_teachers())
    assert job.unchanged_count == 2
    apply(client, job, create_accounts="1")
    job.refresh_from_db()
    assert job.accounts_count == 2
    assert User.objects.filter(person__name__in=["张三", "李四"]).count() == 2


def test_when_creating_the_accounts_fails_nothing_of_the_file_is_written(client, world, monkeypatch):
    real = services.provision_teacher_accounts

    def fails_after_creating(**kwargs):
        real(**kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "provision_teacher_accounts", fails_after_creating)
    job = upload(client, world.coordinator_a1, world.school_a1, two_teachers())
    apply(client, job, create_accounts="1")
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert not Person.objects.filter(name__in=["张三", "李四"]).exists()
    assert not User.objects.filter(username__in=PHONES).exists()
    assert not PasswordSlipBatch.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["account_created", "import_applied"]).exists()
