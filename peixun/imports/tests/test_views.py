"""The import pages through the test client: upload → preview → apply, the error workbook, the
progress partial, templates, and who may see which job."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from peixun.audit.models import AuditEvent
from peixun.imports.content import unseal
from peixun.imports.models import ImportJob, ImportStatus
from peixun.imports.tests.files import ORGS_HEADER, person_row, roster, valid_id, xlsx_file
from peixun.orgs.models import Org, Person

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def upload_people(client, org, data: bytes, name: str = "roster.xlsx"):
    return client.post(
        reverse("imports:upload-people"), {"org": org.pk, "file": SimpleUploadedFile(name, data)}, **EN
    )


def latest_job() -> ImportJob:
    return ImportJob.objects.latest("id")


def test_the_list_shows_an_empty_state_and_the_upload_links(client, world):
    client.force_login(world.coordinator_a1)
    response = client.get(reverse("imports:list"), **EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "No imports yet" in page
    assert reverse("imports:upload-people") in page
    assert reverse("imports:upload-orgs") not in page  # coordinators do not import orgs


def test_upload_preview_apply_round_trip(client, world):
    client.force_login(world.coordinator_a1)
    form = client.get(reverse("imports:upload-people"), **EN)
    assert world.school_a1.name in form.content.decode()
    assert world.school_b1.name not in form.content.decode()

    data = roster(person_row(), person_row(姓名="李四", 证件号码=valid_id(sequence=5), 单位代码=""))
    response = upload_people(client, world.school_a1, data)
    job = latest_job()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:detail", args=[job.pk])
    assert job.status == ImportStatus.VALID
    assert (job.created_count, job.updated_count, job.unchanged_count) == (2, 0, 0)
    assert Person.objects.filter(name__in=["张三", "李四"]).count() == 0  # a preview writes nothing

    page = client.get(reverse("imports:detail", args=[job.pk]), **EN).content.decode()
    assert 'data-count="created">2<' in page
    assert reverse("imports:apply", args=[job.pk]) in page

    response = client.post(reverse("imports:apply", args=[job.pk]), **EN)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED
    assert job.applied_by == world.coordinator_a1
    assert set(Person.objects.filter(name__in=["张三", "李四"]).values_list("org__code", flat=True)) == {
        "S0001"
    }
    assert AuditEvent.objects.filter(action="import_applied", actor=world.coordinator_a1).count() == 1
    assert bytes(job.content) == b""  # the file, with its ID numbers, is dropped once applied
    page = client.get(reverse("imports:detail", args=[job.pk]), **EN).content.decode()
    assert "Applied: 2 records created or updated." in page
    assert reverse("imports:apply", args=[job.pk]) not in page


def test_the_stored_file_is_encrypted(client, world):
    client.force_login(world.coordinator_a1)
    number = valid_id(sequence=7)
    upload_people(client, world.school_a1, roster(person_row(证件号码=number)), name="x.csv")
    job = latest_job()
    assert number.encode() not in bytes(job.content)
    assert b"PK" not in bytes(job.content)[:4]
    assert unseal(job.content)[:2] == b"PK"


def test_applying_twice_applies_once(client, world):
    client.force_login(world.coordinator_a1)
    upload_people(client, world.school_a1, roster(person_row()))
    job = latest_job()
    client.post(reverse("imports:apply", args=[job.pk]))
    response = client.post(reverse("imports:apply", args=[job.pk]), follow=True, **EN)
    assert "not ready to apply" in response.content.decode()
    assert AuditEvent.objects.filter(action="import_applied").count() == 1


def test_errors_are_listed_and_downloadable_as_a_workbook(client, world):
    client.force_login(world.coordinator_a1)
    data = roster(person_row(), person_row(姓名="", 证件号码=valid_id(sequence=6), 职称="特高级"))
    upload_people(client, world.school_a1, data)
    job = latest_job()
    assert job.status == ImportStatus.INVALID
    page = client.get(reverse("imports:detail", args=[job.pk]), **EN).content.decode()
    assert "姓名不能为空" in page
    assert "职称“特高级”无法识别" in page
    assert reverse("imports:apply", args=[job.pk]) not in page

    response = client.get(reverse("imports:errors", args=[job.pk]))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][-3:] == ("行号", "列", "错误说明")
    assert len(rows) == 2  # one line for row 3, both of its errors
    assert rows[1][0] is None or rows[1][0] == ""  # the blank name as uploaded
    assert rows[1][-3] == 3
    assert rows[1][-2] == "姓名、职称"
    assert "姓名不能为空" in rows[1][-1]


def test_a_coordinator_cannot_import_into_another_school(client, world):
    client.force_login(world.coordinator_a1)
    upload_people(client, world.school_a1, roster(person_row(单位代码="S0003")))
    job = latest_job()
    assert job.status == ImportStatus.INVALID
    assert job.errors == [
        {"row": 2, "column": "单位代码", "message": "单位代码“S0003”不存在，或不在您可以导入的范围内"}
    ]


def test_a_coordinator_cannot_choose_another_school_as_the_target(client, world):
    client.force_login(world.coordinator_a1)
    response = upload_people(client, world.school_b1, roster(person_row(单位代码="S0003")))
    assert response.status_code == 200  # the form again, with an error
    assert not ImportJob.objects.exists()


def test_another_schools_job_is_a_404_for_a_coordinator(client, world):
    client.force_login(world.county_admin)
    upload_people(client, world.school_a2, roster(person_row(单位代码="S0002")))
    job = latest_job()
    client.force_login(world.coordinator_a1)
    for name in ("imports:detail", "imports:errors"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("imports:apply", args=[job.pk])).status_code == 404
    # The county admin's own scope covers the job; the outsider's does not.
    client.force_login(world.city_admin)
    assert client.get(reverse("imports:detail", args=[job.pk])).status_code == 200
    client.force_login(world.outsider)
    assert client.get(reverse("imports:detail", args=[job.pk])).status_code == 404


def test_accounts_without_import_rights_are_refused(client, world):
    client.force_login(world.teacher_user)
    assert client.get(reverse("imports:list")).status_code == 403
    # A tutor imports their classes' scores, and nothing else.
    client.force_login(world.tutor_a1)
    assert reverse("imports:upload-scores") in client.get(reverse("imports:list")).content.decode()
    assert client.get(reverse("imports:upload-people")).status_code == 403
    client.force_login(world.coordinator_a1)
    assert client.get(reverse("imports:upload-orgs")).status_code == 403
    assert client.get(reverse("imports:template-orgs")).status_code == 403


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, ".xls"),
        (bytes(range(256)) * 8, "无法识别"),
    ],
    ids=["old xls", "random binary"],
)
def test_a_bad_file_is_refused_at_once(client, world, data, fragment):
    client.force_login(world.coordinator_a1)
    response = upload_people(client, world.school_a1, data, name="roster.xlsx")
    assert response.status_code == 200
    assert fragment in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_file_over_the_size_cap_is_refused_at_once(client, world, settings):
    from peixun.lib import tabular

    client.force_login(world.coordinator_a1)
    response = upload_people(client, world.school_a1, b"a" * (tabular.MAX_UPLOAD_BYTES + 10), name="big.csv")
    assert "文件太大" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_progress_partial_polls_while_the_job_runs(client, world):
    job = ImportJob.objects.create(
        kind="people",
        created_by=world.coordinator_a1,
        org=world.school_a1,
        filename="big.xlsx",
        state="running",
        total=50000,
        done=20000,
    )
    client.force_login(world.coordinator_a1)
    response = client.get(reverse("imports:detail", args=[job.pk]), HTTP_HX_REQUEST="true", **EN)
    page = response.content.decode()
    assert "<html" not in page
    assert 'hx-trigger="every 1s"' in page
    assert 'value="40"' in page
    assert "20,000 of 50,000" in page
    ImportJob.objects.filter(pk=job.pk).update(state="done")
    page = client.get(reverse("imports:detail", args=[job.pk]), HTTP_HX_REQUEST="true", **EN).content.decode()
    assert "hx-trigger" not in page  # finished: polling stops


def test_the_people_template_has_text_columns_and_a_notes_sheet(client, world):
    client.force_login(world.coordinator_a1)
    response = client.get(reverse("imports:template-people"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header == [
        "姓名",
        "性别",
        "证件类型",
        "证件号码",
        "手机号",
        "单位代码",
        "学段",
        "任教学科",
        "职称",
        "角色",
        "入职日期",
        "状态",
    ]
    assert sheet["F2"].value == "S0001"  # the coordinator's school
    assert sheet["D2"].number_format == "@"
    notes = " ".join(
        str(cell) for row in book.worksheets[1].iter_rows(values_only=True) for cell in row if cell
    )
    assert "正高级、高级、一级、二级、三级、无" in notes


def test_orgs_upload_and_apply_by_a_bureau_admin(client, world):
    client.force_login(world.city_admin)
    data = xlsx_file(
        ORGS_HEADER,
        [
            {"单位代码": "S0201", "单位名称": "新城小学", "类型": "学校", "上级代码": "T0201"},
            {"单位代码": "T0201", "单位名称": "新城街道", "类型": "街道", "上级代码": "C320705"},
        ],
    )
    response = client.post(reverse("imports:upload-orgs"), {"file": SimpleUploadedFile("orgs.xlsx", data)})
    job = latest_job()
    assert response.status_code == 302
    assert job.status == ImportStatus.VALID
    assert job.org == world.city
    client.post(reverse("imports:apply", args=[job.pk]))
    assert Org.objects.get(code="S0201").parent.code == "T0201"
    # The county admin over the new orgs sees the job only if it was filed under their scope: it is
    # filed under the uploader's (the city), so a county admin does not.
    client.force_login(world.county_admin)
    assert client.get(reverse("imports:detail", args=[job.pk])).status_code == 404
