"""Results from outside platforms (RULES D3): the file import — checked first, every bad row
named, all or nothing, idempotent — through the import pages, and the same through the API."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from peixun.api.services import create_api_key
from peixun.assessment.models import Result
from peixun.delivery.imports import TEMPLATE_COLUMNS, apply_outside_file, check_outside_file, outside_template
from peixun.delivery.models import OutsideResult
from peixun.imports.models import ImportJob
from peixun.lib import tabular
from peixun.lib.xlsx import Sheet, write_workbook
from peixun.orgs.access import orgs_in_scope
from peixun.orgs.imports.common import ImportRejected
from peixun.orgs.models import GrantRole

pytestmark = pytest.mark.django_db


def rows_file(running, rows: list[dict]) -> bytes:
    header = list(TEMPLATE_COLUMNS)
    return write_workbook(
        [Sheet("平台学习数据", header, [[row.get(column, "") for column in header] for row in rows])]
    )


def row(running, index=0, **values) -> dict:
    person = running.teachers[index]
    return {
        "项目编号": str(running.project.pk),
        "证件号码": person.reveal_id_number(),
        "姓名": person.name,
        "在线学习时长（分钟）": "1860",
        "讨论次数": "12",
        "考试成绩": "86.5",
        **values,
    }


def test_a_file_is_checked_then_applied_and_a_second_time_changes_nothing(world, running):
    data = rows_file(running, [row(running, 0), row(running, 1, 考试成绩="")])
    scope = orgs_in_scope(world.county_admin, "delivery.import")
    summary = check_outside_file(data, "platform.xlsx", scope_orgs=scope)
    assert (summary.created, summary.errors) == (2, [])
    assert not OutsideResult.objects.exists()
    apply_outside_file(data, "platform.xlsx", scope_orgs=scope, actor=world.county_admin)
    first = OutsideResult.objects.get(enrolment=running.enrolments[0])
    assert (first.online_minutes, first.discussions, first.exam_score) == (1860, 12, Decimal("86.5"))
    assert OutsideResult.objects.get(enrolment=running.enrolments[1]).exam_score is None
    again = check_outside_file(data, "platform.xlsx", scope_orgs=scope)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    # The two whose inputs changed were recomputed; the third, enrolled without a result yet, got
    # one too (an incremental recompute leaves what a recompute of everyone would).
    results = {r.enrolment_id: r for r in Result.objects.filter(project=running.project)}
    assert set(results) == {e.pk for e in running.enrolments}


def test_every_bad_row_is_named_and_nothing_is_written(world, running):
    data = rows_file(
        running,
        [
            row(running, 0),
            row(running, 1, 证件号码="320705198801011234"),
            row(running, 2, 讨论次数="很多"),
            row(running, 0, 考试成绩="90"),
            {**row(running, 1), "项目编号": "abc"},
        ],
    )
    scope = orgs_in_scope(world.county_admin, "delivery.import")
    with pytest.raises(ImportRejected) as rejected:
        apply_outside_file(data, "platform.xlsx", scope_orgs=scope, actor=world.county_admin)
    places = {(error.row, error.column) for error in rejected.value.summary.errors}
    assert {(3, "证件号码"), (4, "讨论次数"), (5, "证件号码"), (6, "项目编号")} <= places
    assert not OutsideResult.objects.exists()


def test_a_project_outside_the_importers_scope_is_refused(world, running):
    data = rows_file(running, [row(running, 0)])
    summary = check_outside_file(
        data, "platform.xlsx", scope_orgs=orgs_in_scope(world.outsider, "delivery.import")
    )
    assert summary.errors and summary.errors[0].column == "项目编号"


def test_the_template_reads_back_with_its_columns(world):
    table = tabular.read_table(outside_template(), "template.xlsx")
    assert list(table.header) == list(TEMPLATE_COLUMNS)


def test_the_import_pages_take_the_file_and_apply_it(client, world, running):
    client.force_login(world.county_admin)
    assert client.get(reverse("imports:template-outside")).status_code == 200
    upload = rows_file(running, [row(running, 0)])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("imports:upload-outside"), {"file": SimpleUploadedFile("platform.xlsx", upload)}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == "valid"
    client.post(reverse("imports:apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "applied" and OutsideResult.objects.count() == 1


def test_the_api_checks_every_row_and_saves_all_or_nothing(client, world, running):
    key, secret = create_api_key(
        org=world.county_a, name="研修平台", role=GrantRole.CENTRE_STAFF, actor=world.city_admin
    )
    url = reverse("api:outside-results", args=[running.project.pk])
    person = running.teachers[0]
    good = {
        "id_number": person.reveal_id_number(),
        "name": person.name,
        "online_minutes": 1800,
        "exam_score": "92",
    }
    bad = {"id_number": "123", "online_minutes": -1}
    response = client.post(
        url, json.dumps({"rows": [good, bad]}), content_type="application/json", HTTP_X_API_KEY=secret
    )
    assert response.status_code == 400 and {r["row"] for r in response.json()["reasons"]} == {2}
    assert not OutsideResult.objects.exists()
    checked = client.post(
        url,
        json.dumps({"rows": [good], "dry_run": True}),
        content_type="application/json",
        HTTP_X_API_KEY=secret,
    )
    assert checked.json() == {"applied": False, "created": 1, "updated": 0, "unchanged": 0, "errors": []}
    saved = client.post(
        url, json.dumps({"rows": [good]}), content_type="application/json", HTTP_X_API_KEY=secret
    )
    assert saved.status_code == 200 and saved.json()["applied"] is True
    listed = client.get(
        reverse("api:outside-results-list", args=[running.project.pk]), HTTP_X_API_KEY=secret
    ).json()
    assert listed["items"][0]["online_minutes"] == 1800
    assert Result.objects.get(enrolment=running.enrolments[0]).project_id == running.project.pk
    assert key.account.username


def test_an_api_key_of_another_region_gets_404(client, world, running):
    _key, secret = create_api_key(
        org=world.other_city, name="别处", role=GrantRole.CENTRE_STAFF, actor=world.outsider
    )
    url = reverse("api:outside-results", args=[running.project.pk])
    response = client.post(
        url, json.dumps({"rows": []}), content_type="application/json", HTTP_X_API_KEY=secret
    )
    assert response.status_code == 404


def test_the_openapi_document_describes_the_request_body(client):
    document = client.get("/api/v1/openapi.json").json()
    post = document["paths"]["/api/v1/delivery/projects/{project_id}/outside-results"]["post"]
    schema = post["requestBody"]["content"]["application/json"]["schema"]
    assert "id_number" in schema["properties"]["rows"]["items"]["properties"]
