"""The lifecycle API (ADR 0047): every operation answers for a key within its org subtree and 404
outside it; a key without the operation's action is refused with 403 in Chinese; a key beyond its
calls a minute gets 429 with Retry-After; each change is audited with the key's account as actor;
the OpenAPI document lists every path."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from peixun.api.models import ApiKey
from peixun.api.services import create_api_key
from peixun.audit.models import AuditEvent
from peixun.certificates.tests.helpers import closed_project, template_for
from peixun.delivery.models import Assignment, Attendance, Submission
from peixun.delivery.tests.helpers import lessons_past
from peixun.orgs.models import GrantRole
from peixun.testing.factories import make_project
from peixun.training.models import Cohort, Enrolment

pytestmark = pytest.mark.django_db
HEAD_TEACHER_TEXT = (
    "name: 出勤与实践\ncomponents:\n"
    "  - {key: attendance, source: attendance, label: 出勤, weight: 50}\n"
    "  - {key: practice, source: manual, label: 教学实践, weight: 50}\npass_mark: 60\n"
)


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


def key_for(world, org=None, *, actions=None, rate_limit=1000, role=GrantRole.BUREAU_ADMIN):
    kwargs = {} if actions is None else {"actions": actions}
    key, secret = create_api_key(
        org=org or world.county_a,
        name="区研修平台",
        role=role,
        actor=world.city_admin,
        rate_limit=rate_limit,
        **kwargs,
    )
    return key, {"HTTP_X_API_KEY": secret}


def call(client, headers, method, path, body=None):
    send = getattr(client, method.lower())
    if body is None:
        return send("/api/v1" + path, **headers)
    return send("/api/v1" + path, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def scene(world):
    """A running project of 东湖区 with a lesson held, a graded-ready submission and a closed
    project with certificates issued, so every operation has something to answer about."""
    closed = closed_project(world, size=1)
    today = timezone.localdate()
    project = make_project(
        world.county_a,
        status="running",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=7),
        enrol_opens_at=timezone.now() - timedelta(days=30),
        enrol_closes_at=timezone.now() - timedelta(days=10),
    )
    cohort = Cohort.objects.create(project=project, number=1, name="第1班")
    enrolments = [
        Enrolment.objects.create(
            project=project, person=person, school=person.org, status="enrolled", source="self", cohort=cohort
        )
        for person in (world.teacher_a1, world.teacher_a2)
    ]
    lesson = lessons_past(project, 1)[0]
    assignment = Assignment.objects.create(
        project=project,
        title="学习反思",
        kind="reflection",
        due_at=timezone.now() + timedelta(days=3),
    )
    submission = Submission.objects.create(
        assignment=assignment,
        enrolment=enrolments[0],
        text="反思" * 50,
        char_count=100,
        submitted_at=timezone.now(),
    )
    template = template_for(world)
    return {
        "project": project.pk,
        "enrolment": enrolments[0].pk,
        "lesson": lesson.pk,
        "assignment": assignment.pk,
        "submission": submission.pk,
        "closed": closed.project.pk,
        "template": template.pk,
        "person": world.teacher_a1.pk,
        "org": world.county_a.pk,
        "organiser": world.county_a.pk,
        "closed_enrolment": closed.enrolments[0].pk,
    }


def operations(s):
    """(method, path, body, action, happy status) of every lifecycle operation, for scene `s`."""
    now = timezone.now()
    return [
        ("GET", f"/training/projects/{s['project']}/state", None, "projects:read", 200),
        ("GET", f"/training/projects/{s['project']}/classes", None, "classes:read", 200),
        ("POST", f"/training/projects/{s['project']}/classes", None, "classes:write", 200),
        ("GET", f"/training/projects/{s['project']}/enrolments", None, "enrolments:read", 200),
        ("GET", f"/delivery/projects/{s['project']}/lessons", None, "lessons:read", 200),
        (
            "POST",
            f"/delivery/projects/{s['project']}/lessons",
            {
                "topic": "专题研讨",
                "starts_at": now.isoformat(),
                "ends_at": (now + timedelta(hours=2)).isoformat(),
            },
            "lessons:write",
            201,
        ),
        ("GET", f"/delivery/lessons/{s['lesson']}/attendance", None, "attendance:read", 200),
        (
            "POST",
            f"/delivery/lessons/{s['lesson']}/attendance",
            {"marks": [{"enrolment_id": s["enrolment"], "status": "late", "note": "迟到十分钟"}]},
            "attendance:write",
            200,
        ),
        ("POST", f"/delivery/lessons/{s['lesson']}/close", None, "lessons:write", 200),
        ("GET", f"/delivery/projects/{s['project']}/assignments", None, "coursework:read", 200),
        (
            "POST",
            f"/delivery/projects/{s['project']}/assignments",
            {"title": "教学设计", "due_at": (now + timedelta(days=5)).isoformat()},
            "coursework:write",
            201,
        ),
        ("GET", f"/delivery/assignments/{s['assignment']}/submissions", None, "coursework:read", 200),
        (
            "POST",
            f"/delivery/submissions/{s['submission']}/grade",
            {"score": "88", "comment": "很好"},
            "coursework:write",
            200,
        ),
        ("GET", f"/assessment/projects/{s['project']}/scheme", None, "results:read", 200),
        (
            "POST",
            f"/assessment/projects/{s['project']}/scheme",
            {"text": HEAD_TEACHER_TEXT},
            "scores:write",
            201,
        ),
        ("GET", f"/assessment/projects/{s['project']}/results", None, "results:read", 200),
        ("GET", f"/certificates/projects/{s['closed']}/templates", None, "certificates:read", 200),
        (
            "POST",
            f"/certificates/projects/{s['closed']}/batches",
            {"template_id": s["template"]},
            "certificates:write",
            202,
        ),
        ("GET", f"/certificates/projects/{s['closed']}/certificates", None, "certificates:read", 200),
        ("GET", f"/ledger/people/{s['person']}/hours", None, "ledger:read", 200),
        ("GET", f"/ledger/orgs/{s['org']}/compliance", None, "compliance:read", 200),
    ]


def test_every_operation_answers_within_the_keys_subtree(client, world, scene):
    _key, headers = key_for(world)
    for method, path, body, _action, status in operations(scene):
        response = call(client, headers, method, path, body)
        assert response.status_code == status, (path, response.content.decode())


def test_every_operation_answers_404_outside_the_keys_subtree(client, world, scene):
    _key, headers = key_for(world, world.other_city)
    for method, path, body, _action, _status in operations(scene):
        response = call(client, headers, method, path, body)
        assert response.status_code == 404, (path, response.content.decode())
        assert response.json()["code"] == "not_found" and "不存在" in response.json()["message"]


def test_a_key_without_the_action_is_refused_with_403_in_chinese(client, world, scene):
    for method, path, body, action, _status in operations(scene):
        _key, headers = key_for(world, actions=[a for a in ("projects:read",) if a != action])
        response = call(client, headers, method, path, body)
        assert response.status_code == 403, path
        answer = response.json()
        assert answer["code"] == "action_not_allowed"
        assert "此 API 密钥未获准" in answer["message"] and "“API 密钥”页面" in answer["message"]
    assert not Attendance.objects.filter(note="迟到十分钟").exists()


def test_beyond_its_limit_a_key_gets_429_with_retry_after(client, world):
    _key, headers = key_for(world, rate_limit=3)
    for _ in range(3):
        assert call(client, headers, "GET", "/training/projects").status_code == 200
    response = call(client, headers, "GET", "/training/projects")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    answer = response.json()
    assert answer["code"] == "throttled" and "每分钟最多 3 次" in answer["message"]
    # Another key has its own count.
    _other, others = key_for(world, rate_limit=3)
    assert call(client, others, "GET", "/training/projects").status_code == 200


def test_changes_made_with_a_key_are_audited_with_the_key_as_actor(client, world, scene):
    key, headers = key_for(world)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    call(
        client,
        headers,
        "POST",
        f"/assessment/projects/{scene['project']}/scheme",
        {"text": HEAD_TEACHER_TEXT},
    )
    response = call(
        client,
        headers,
        "POST",
        f"/assessment/enrolments/{scene['enrolment']}/scores",
        {"key": "practice", "value": "90"},
    )
    assert response.status_code == 200 and response.json()["components"]
    marked = call(
        client,
        headers,
        "POST",
        f"/delivery/lessons/{scene['lesson']}/attendance",
        {"marks": [{"enrolment_id": scene["enrolment"], "status": "present"}]},
    )
    assert marked.status_code == 200
    events = AuditEvent.objects.filter(pk__gt=before)
    assert sorted(events.values_list("action", flat=True)) == [
        "attendance_marked",
        "manual_score_set",
        "scheme_saved",
    ]
    assert set(events.values_list("actor_id", flat=True)) == {key.account_id}
    assert set(events.values_list("actor_name", flat=True)) == {key.account.username}


def test_marks_are_written_all_together_or_not_at_all(client, world, scene):
    _key, headers = key_for(world)
    body = {
        "marks": [
            {"enrolment_id": scene["enrolment"], "status": "present"},
            {"enrolment_id": scene["enrolment"], "status": "asleep"},
        ]
    }
    response = call(client, headers, "POST", f"/delivery/lessons/{scene['lesson']}/attendance", body)
    assert response.status_code in (400, 409) and response.json()["message"]
    assert not Attendance.objects.filter(lesson_id=scene["lesson"]).exists()


def test_a_project_is_created_and_moved_and_a_refused_move_says_why(client, world):
    _key, headers = key_for(world)
    now = timezone.now()
    body = {
        "organiser_id": world.county_a.pk,
        "title": "API 创建的项目",
        "project_type": "all_staff",
        "level": "county",
        "category": "knowledge_skills",
        "hours_credited": "12",
    }
    created = call(client, headers, "POST", "/training/projects", body)
    assert created.status_code == 201, created.content
    project = created.json()
    assert project["status"] == "draft" and {t["action"] for t in project["transitions"]} == {"submit"}
    refused = call(
        client, headers, "POST", f"/training/projects/{project['id']}/transitions", {"action": "submit"}
    )
    assert refused.status_code == 400 and "课程" in refused.json()["message"]
    wrong = call(client, headers, "POST", "/training/projects", {**body, "level": "galaxy"})
    assert wrong.status_code == 422 and "level" in wrong.json()["message"]
    outside = call(
        client, headers, "POST", "/training/projects", {**body, "organiser_id": world.other_city.pk}
    )
    assert outside.status_code == 404
    full = {
        **body,
        "enrol_opens_at": now.isoformat(),
        "enrol_closes_at": (now + timedelta(days=3)).isoformat(),
        "starts_on": str(now.date() + timedelta(days=5)),
        "ends_on": str(now.date() + timedelta(days=6)),
        "courses": [{"name": "课程一", "hours": "12"}],
    }
    project = call(client, headers, "POST", "/training/projects", full).json()
    moved = call(
        client, headers, "POST", f"/training/projects/{project['id']}/transitions", {"action": "submit"}
    )
    assert moved.status_code == 200 and moved.json()["status"] == "submitted"
    assert moved.json()["status_label"] == "已提交"


def test_the_openapi_document_lists_every_lifecycle_path_with_its_action(client, world):
    client.force_login(world.county_admin)
    schema = client.get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    expected = {
        "/api/v1/training/projects",
        "/api/v1/training/projects/{project_id}/state",
        "/api/v1/training/projects/{project_id}/transitions",
        "/api/v1/training/projects/{project_id}/nominations",
        "/api/v1/training/enrolments/{enrolment_id}/confirm",
        "/api/v1/training/projects/{project_id}/enrolments",
        "/api/v1/training/projects/{project_id}/classes",
        "/api/v1/delivery/projects/{project_id}/lessons",
        "/api/v1/delivery/lessons/{lesson_id}/attendance",
        "/api/v1/delivery/lessons/{lesson_id}/close",
        "/api/v1/delivery/projects/{project_id}/assignments",
        "/api/v1/delivery/assignments/{assignment_id}/submissions",
        "/api/v1/delivery/submissions/{submission_id}/grade",
        "/api/v1/assessment/projects/{project_id}/scheme",
        "/api/v1/assessment/enrolments/{enrolment_id}/scores",
        "/api/v1/assessment/projects/{project_id}/results",
        "/api/v1/certificates/projects/{project_id}/templates",
        "/api/v1/certificates/projects/{project_id}/batches",
        "/api/v1/certificates/batches/{batch_id}",
        "/api/v1/certificates/projects/{project_id}/certificates",
        "/api/v1/ledger/people/{person_id}/hours",
        "/api/v1/ledger/entries",
        "/api/v1/ledger/orgs/{org_id}/compliance",
    }
    assert expected <= paths
    for path, methods in schema["paths"].items():
        for operation in methods.values():
            assert operation.get("x-action"), path
            assert 403 in operation["responses"] or "403" in operation["responses"], path
            assert "429" in operation["responses"] or 429 in operation["responses"], path


def test_the_bureau_makes_a_key_with_its_actions_and_limit_on_the_keys_page(client, world):
    client.force_login(world.county_admin)
    page = client.get("/api-keys/")
    assert page.status_code == 200 and "考勤" in page.content.decode()
    response = client.post(
        "/api-keys/",
        {
            "name": "学校管理系统",
            "org": world.school_a1.pk,
            "role": GrantRole.SCHOOL_COORDINATOR,
            "actions": ["projects:read", "attendance:write"],
            "rate_limit": 30,
        },
    )
    assert response.status_code == 200
    key = ApiKey.objects.get(name="学校管理系统")
    assert key.actions == ["projects:read", "attendance:write"] and key.rate_limit == 30
    assert "每分钟最多 30 次" in response.content.decode()
    event = AuditEvent.objects.get(action="api_key_created")
    assert event.actor_id == world.county_admin.pk and event.changes["rate_limit"] == 30
    refused = client.post(
        "/api-keys/",
        {"name": "空", "org": world.school_a1.pk, "role": GrantRole.SCHOOL_COORDINATOR, "rate_limit": 30},
    )
    assert "请至少勾选一项" in refused.content.decode()
