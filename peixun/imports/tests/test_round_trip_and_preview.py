"""Issue 14, points 6 and 7: a roster exported with full ID numbers imports back with nothing to
change; a masked export is refused with one message; the preview says person by person what
will change, for a sample on the page and in full as a workbook."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from peixun.audit.models import AuditEvent
from peixun.imports.models import ImportJob, ImportStatus
from peixun.imports.tasks import CHANGES_SHOWN
from peixun.imports.tests.files import ORGS_HEADER, person_row, roster, valid_id, xlsx_file
from peixun.orgs.models import Person
from peixun.testing.factories import make_person

pytestmark = pytest.mark.django_db


def upload(client, kind: str, data: bytes, org=None, name: str = "file.xlsx") -> ImportJob:
    fields = {"file": SimpleUploadedFile(name, data)}
    if org is not None:
        fields["org"] = org.pk
    response = client.post(reverse(f"imports:upload-{kind}"), fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.latest("id")


def export(client, **params) -> bytes:
    response = client.get(reverse("orgs:people-export"), params)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def rows_of(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


# --- Point 6: exports that round-trip ---------------------------------------------------------------


def test_a_full_id_export_reimports_with_zero_changes(client, world):
    for number in range(3):
        make_person(world.school_a1, f"教师{number}", mobile=f"1390000000{number}", subjects=["语文", "数学"])
    client.force_login(world.centre_staff)
    content = export(client, org=world.school_a1.pk, reveal="1")
    table = rows_of(content)
    people = Person.objects.filter(org=world.school_a1)
    assert len(table) == people.count() + 1
    assert {row[3] for row in table[1:]} == {person.reveal_id_number() for person in people}
    exported = AuditEvent.objects.get(action="people_exported")
    assert exported.changes["unmasked"] is True
    assert not any(person.reveal_id_number() in str(exported.changes) for person in people)

    before = dict(people.values_list("pk", "updated_at"))
    job = upload(client, "people", content, org=world.school_a1)
    assert job.status == ImportStatus.VALID
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, people.count())
    assert job.changes == []
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert 'data-testid="import-changes"' not in page

    client.post(reverse("imports:apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED
    assert dict(people.values_list("pk", "updated_at")) == before
    assert not AuditEvent.objects.filter(action="person_updated").exists()


def test_a_masked_export_is_refused_with_one_message_saying_why_and_what_to_do(client, world):
    client.force_login(world.coordinator_a1)
    content = export(client)
    table = rows_of(content)
    assert all("*" in row[3] for row in table[1:])
    job = upload(client, "people", content, org=world.school_a1)
    assert job.status == ImportStatus.INVALID
    assert len(job.errors) == 1
    message = job.errors[0]["message"]
    assert job.errors[0]["row"] == 0
    assert f"{len(table) - 1} 行的证件号码隐去了中间几位" in message
    assert "包含完整证件号码" in message and "填入完整的证件号码" in message
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert page.count("隐去了中间几位") == 1
    assert 'data-testid="file-error"' in page and 'id="import-errors"' not in page
    assert reverse("imports:upload-people") in page


def test_a_file_with_some_masked_numbers_is_refused_as_a_whole(world):
    from peixun.orgs.imports import check_people_file

    masked = world.teacher_a1.id_masked
    data = roster(person_row(), person_row(姓名="李四", 证件号码=masked))
    summary = check_people_file(data, "x.xlsx", scope_orgs=None)
    assert [(error.row, error.column) for error in summary.errors] == [(0, "")]
    assert "1 行" in summary.errors[0].message and "第 3 行" in summary.errors[0].message


# --- Point 7: the preview, person by person -----------------------------------------------------------


def test_the_preview_shows_new_and_changed_people_with_chinese_labels_and_masked_ids(client, world):
    teacher = world.teacher_a1
    number = teacher.reveal_id_number()
    new_number = valid_id(sequence=41)
    data = roster(
        person_row(
            姓名=teacher.name,
            证件号码=number,
            性别="男" if teacher.gender == "male" else "女",
            手机号="13911112222",
            职称="高级",
            单位代码="S0001",
        ),
        person_row(姓名="新来的", 证件号码=new_number),
    )
    client.force_login(world.coordinator_a1)
    job = upload(client, "people", data, org=world.school_a1)
    assert job.status == ImportStatus.VALID
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert 'data-testid="import-changes"' in page
    assert f'{teacher.name} <span class="small text-muted text-nowrap">{teacher.id_masked}</span>' in page
    assert "手机号：" in page and "13911112222" in page
    assert "职称：" in page and "高级" in page
    assert number not in page and new_number not in page
    assert "新来的" in page

    response = client.get(reverse("imports:changes", args=[job.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert new_number.encode() not in content
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0] == ("行号", "人员", "变化", "项目", "变更前", "变更后")
    changed = [line for line in lines[1:] if line[0] == 2]
    assert ("手机号", teacher.mobile or "（空）", "13911112222") in [line[3:] for line in changed]
    assert all(line[1] == f"{teacher.name}（{teacher.id_masked}）" and line[2] == "更新" for line in changed)
    assert [line[:3] for line in lines[1:] if line[0] == 3] == [
        (3, f"新来的（{new_number[:4]}**********{new_number[-4:]}）", "新增")
    ]
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_the_page_shows_a_sample_and_the_workbook_has_every_change(client, world):
    count = CHANGES_SHOWN + 7
    rows = [
        person_row(姓名=f"教师{index}", 证件号码=valid_id(birth=date(1980, 1, 1) + timedelta(days=index)))
        for index in range(count)
    ]
    client.force_login(world.coordinator_a1)
    job = upload(client, "people", roster(*rows), org=world.school_a1)
    assert job.created_count == count
    assert len(job.changes) == CHANGES_SHOWN
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert page.count("badge text-bg-success") == CHANGES_SHOWN
    assert "7" in page and reverse("imports:changes", args=[job.pk]) in page
    content = client.get(reverse("imports:changes", args=[job.pk]))
    body = b"".join(content.streaming_content) if content.streaming else content.content
    assert len(rows_of(body)) == count + 1


def test_the_org_import_describes_its_changes_too(client, world):
    data = xlsx_file(
        ORGS_HEADER,
        [
            ["S0001", "改名后的学校", "学校", world.county_a.code],
            ["N0001", "新学校", "学校", world.county_a.code],
        ],
    )
    client.force_login(world.city_admin)
    job = upload(client, "orgs", data)
    assert job.status == ImportStatus.VALID, job.errors
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert "单位名称：" in page and "改名后的学校" in page and world.school_a1.name in page
    assert "新学校" in page and "N0001" in page


def test_the_changes_workbook_is_refused_for_another_schools_job(client, world):
    client.force_login(world.coordinator_a1)
    job = upload(client, "people", roster(person_row()), org=world.school_a1)
    client.force_login(world.outsider)
    assert client.get(reverse("imports:changes", args=[job.pk])).status_code == 404


# --- The full-width mobile number ---------------------------------------------------------------------


def test_a_mobile_number_in_full_width_digits_is_read(world):
    from peixun.orgs.imports import apply_people_file

    data = roster(
        person_row(手机号="１３８００１３８００１"),
        person_row(姓名="李四", 证件号码=valid_id(sequence=9), 手机号="１３８ ００１３ ８００２"),
    )
    summary = apply_people_file(data, "x.xlsx", scope_orgs=None, actor=None)
    assert summary.errors == []
    assert set(Person.objects.filter(name__in=["张三", "李四"]).values_list("mobile", flat=True)) == {
        "13800138001",
        "13800138002",
    }
