"""/api/v1 says 404, 403 and its own refusals in the reader's language — Chinese by default, from
English source strings — in its one shape {code, message, reasons}, each saying what to do."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from peixun.api import api as api_module
from peixun.core import apierrors
from peixun.delivery.tests.helpers import running_project
from peixun.testing.factories import make_project
from peixun.testing.second_factor import VerifiedClient as Client

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _body(response, status: int, code: str) -> dict:
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"code", "message", "reasons"} and body["code"] == code and body["reasons"] == []
    return body


def test_a_missing_project_and_one_out_of_scope_answer_the_same_chinese_404(client, world):
    far = make_project(world.other_city, status="published")
    client.force_login(world.county_admin)
    missing = _body(client.get("/api/v1/training/projects/999999"), 404, "not_found")
    outside = _body(client.get(f"/api/v1/training/projects/{far.pk}"), 404, "not_found")
    assert missing == outside
    assert missing["message"] == "未找到：该对象不存在，或不在您的查看范围内。"
    english = _body(client.get("/api/v1/training/projects/999999", **EN), 404, "not_found")
    assert english["message"] == "Not found: it does not exist, or you may not see it."


def test_a_permission_refusal_answers_a_chinese_403_saying_whom_to_ask(rf, world):
    # No endpoint refuses with 403 today (out of scope is 404); the handler is there for the day one does.
    request = rf.get("/api/v1/training/projects")
    response = api_module.denied(request, PermissionDenied())
    assert response.status_code == 403
    body = json.loads(response.content)
    assert body == {
        "code": "forbidden",
        "message": "无权执行此操作：您的角色都不允许。请联系本单位的管理员。",
        "reasons": [],
    }


def test_a_browser_session_without_the_csrf_token_gets_a_chinese_403(world):
    running = running_project(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.county_admin)
    url = reverse("api:outside-results", args=[running.project.pk])
    body = _body(client.post(url, "{}", content_type="application/json"), 403, "forbidden")
    assert "CSRF" in body["message"] and "请刷新页面后重试" in body["message"]


@pytest.mark.parametrize(
    ("status", "text", "code", "says"),
    [
        (400, "Cannot parse request body (Expecting value)", "bad_request", "请求体不是有效的 JSON"),
        (401, "Unauthorized", "unauthorized", "X-API-Key"),
        (403, "CSRF check Failed", "forbidden", "CSRF"),
        (403, "Forbidden", "forbidden", "无权执行此操作"),
        (404, "Not Found", "not_found", "未找到"),
        (429, "Too many requests.", "throttled", "请求过于频繁"),
        (405, "Method not allowed", "error", "无法处理该请求"),
    ],
)
def test_django_ninjas_own_english_refusals_are_said_in_chinese(status, text, code, says):
    body = apierrors.http_error_body(status, text)
    assert body["code"] == code and says in body["message"]
    assert text not in body["message"]
