"""/api/v1 refuses in one shape, {code, message, reasons}: a bad query parameter or a malformed
body answers 422 with a Chinese message naming each wrong field (never echoing what was sent), and
the OpenAPI document declares that answer on every operation."""

import json

import pytest
from django.urls import reverse

from peixun.api.services import create_api_key
from peixun.delivery.tests.helpers import running_project
from peixun.orgs.models import GrantRole
from peixun.testing.factories import make_project

pytestmark = pytest.mark.django_db


def assert_error_shape(body: dict, code: str) -> None:
    assert set(body) == {"code", "message", "reasons"} and body["code"] == code
    assert "detail" not in body


def test_a_bad_query_parameter_answers_422_naming_the_field_in_chinese(client, world):
    client.force_login(world.county_admin)
    response = client.get("/api/v1/training/projects?limit=abc&offset=-1")
    assert response.status_code == 422
    body = response.json()
    assert_error_shape(body, "invalid_request")
    assert "查询参数 limit 必须是整数" in body["message"]
    assert "查询参数 offset 不能小于 0" in body["message"]
    assert [reason["field"] for reason in body["reasons"]] == ["limit", "offset"]


def test_a_bad_path_parameter_answers_422_in_the_same_shape(client, world):
    client.force_login(world.county_admin)
    response = client.get("/api/v1/training/projects/abc")
    assert response.status_code == 422
    assert_error_shape(response.json(), "invalid_request")
    assert "路径参数 project_id" in response.json()["message"]


@pytest.fixture
def importer(world):
    _key, secret = create_api_key(
        org=world.county_a, name="研修平台", role=GrantRole.CENTRE_STAFF, actor=world.city_admin
    )
    return {"HTTP_X_API_KEY": secret}


def test_a_malformed_body_answers_422_naming_each_field_without_echoing_it(client, world, importer):
    running = running_project(world)
    url = reverse("api:outside-results", args=[running.project.pk])
    number = running.teachers[0].reveal_id_number()
    body = {"rows": [{"id_number": number, "online_minutes": "很多"}, {"name": "王芳"}], "dry_run": "maybe"}
    response = client.post(url, json.dumps(body), content_type="application/json", **importer)
    assert response.status_code == 422
    answer = response.json()
    assert_error_shape(answer, "invalid_request")
    assert "rows[0].online_minutes 必须是整数" in answer["message"]
    assert "rows[1].id_number 为必填项" in answer["message"]
    assert "dry_run" in answer["message"]
    assert number not in response.content.decode() and "很多" not in response.content.decode()


def test_wrong_rows_of_outside_results_answer_400_in_the_one_shape_naming_row_and_column(
    client, world, importer
):
    """Found by the fuzz probe: the 400 for wrong rows was a row report without code or message."""
    running = running_project(world)
    url = reverse("api:outside-results", args=[running.project.pk])
    body = {"rows": [{"id_number": "1"}, {"id_number": "", "discussions": 16318748062308}]}
    response = client.post(url, json.dumps(body), content_type="application/json", **importer)
    assert response.status_code == 400
    answer = response.json()
    assert_error_shape(answer, "rows_invalid")
    assert answer["message"].startswith("有 2 行有误，未保存任何数据：第 1 行（证件号码）：")
    assert {(reason["row"], reason["column"]) for reason in answer["reasons"]} >= {
        (1, "证件号码"),
        (2, "讨论次数"),
    }


def test_a_body_that_is_not_json_answers_422_in_the_same_shape(client, world, importer):
    running = running_project(world)
    url = reverse("api:outside-results", args=[running.project.pk])
    response = client.post(url, b"{rows: [", content_type="application/json", **importer)
    assert response.status_code == 422
    assert_error_shape(response.json(), "invalid_request")
    assert "JSON" in response.json()["message"]


def test_missing_credentials_answer_401_in_the_same_shape(client):
    response = client.get("/api/v1/training/projects")
    assert response.status_code == 401
    assert_error_shape(response.json(), "unauthorized")
    assert "X-API-Key" in response.json()["message"]


def test_the_openapi_document_declares_every_refusal_with_the_error_schema_on_every_operation(client):
    """Found by the fuzz probe: 404 (and 400, 409) answered by operations that did not declare them."""
    document = client.get("/api/v1/openapi.json").json()
    assert {"code", "message"} <= set(document["components"]["schemas"]["ErrorOut"]["properties"])
    operations = [op for ops in document["paths"].values() for op in ops.values()]
    assert len(operations) >= 30
    for operation in operations:
        for status in ("400", "401", "403", "404", "409", "422", "429"):
            declared = operation["responses"][status]["content"]["application/json"]["schema"]
            assert declared == {"$ref": "#/components/schemas/ErrorOut"}, (operation["operationId"], status)


def test_an_operation_without_its_own_404_answers_404_for_an_out_of_scope_project_as_declared(
    client, world, importer
):
    """Found by the fuzz probe: the outside-results list of another county's project answered 404,
    which its operation did not declare."""
    outside = make_project(world.county_b)
    response = client.get(reverse("api:outside-results-list", args=[outside.pk]), **importer)
    assert response.status_code == 404
    assert_error_shape(response.json(), "not_found")
    document = client.get("/api/v1/openapi.json").json()
    listed = document["paths"]["/api/v1/delivery/projects/{project_id}/outside-results"]["get"]["responses"]
    assert "404" in listed
