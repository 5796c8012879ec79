"""The audit log page: bureau admins only, scoped by org path, filterable, exportable, read-only."""

from datetime import UTC, datetime, timedelta
from io import BytesIO
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peixun.audit import events
from peixun.audit.models import AuditEvent
from peixun.testing.factories import make_user

pytestmark = pytest.mark.django_db


def audit_page(client, user, **params):
    client.force_login(user)
    return client.get(reverse("site:audit-log"), data=params)


def actions_seen(response) -> list[str]:
    return [event.action for event in response.context["page"].object_list]


def reprs_seen(response) -> set[str]:
    return {event.target_repr for event in response.context["page"].object_list}


def test_only_bureau_admins_and_school_coordinators_may_open_the_log(client, world):
    for user in (world.centre_staff, world.tutor_a1, world.teacher_user, world.no_role):
        assert audit_page(client, user).status_code == 403
    assert audit_page(client, world.county_admin).status_code == 200
    assert audit_page(client, world.coordinator_a1).status_code == 200


def test_county_admin_sees_events_of_their_county_only(client, world):
    seen = reprs_seen(audit_page(client, world.county_admin))
    assert "东湖实验小学" in seen
    assert "西山中心小学" not in seen
    assert "江海市" not in seen


def test_city_admin_does_not_see_the_other_citys_events(client, world):
    seen = reprs_seen(audit_page(client, world.city_admin))
    assert "西山中心小学" in seen
    assert "临江第二中学" not in seen


def test_sign_ins_are_visible_to_root_admins_of_the_actors_region_only(client, world):
    events.record(action="login", actor=world.coordinator_a1)
    events.record(action="login", actor=world.teacher_user)
    events.record(action="login", actor=make_user("stranger_admin", ("bureau_admin", world.other_school)))
    events.record(action="login_failed", target_repr="nobody")
    city = audit_page(client, world.city_admin, action="login")
    city_actors = {event.actor_name for event in city.context["page"].object_list}
    assert {"coordinator_a1", "teacher_a1"} <= city_actors
    assert "stranger_admin" not in city_actors
    assert "nobody" in reprs_seen(audit_page(client, world.city_admin, action="login_failed"))
    other = audit_page(client, world.outsider, action="login")
    other_actors = {event.actor_name for event in other.context["page"].object_list}
    assert "stranger_admin" in other_actors
    assert not other_actors & {"coordinator_a1", "teacher_a1", "city_admin"}
    # A county admin is not at a root: sign-ins are not theirs to watch.
    assert "login" not in actions_seen(audit_page(client, world.county_admin))


def test_filters_by_action_actor_object_type_and_dates(client, world):
    events.record(
        action="id_revealed", actor=world.centre_staff, target=world.teacher_a1, org_path=world.school_a1.path
    )
    user = world.city_admin
    assert actions_seen(audit_page(client, user, action="id_revealed")) == ["id_revealed"]
    assert actions_seen(audit_page(client, user, actor="centre")) == ["id_revealed"]
    assert set(actions_seen(audit_page(client, user, object_type="orgs.person"))) == {"id_revealed"}
    today = timezone.localdate()
    assert len(actions_seen(audit_page(client, user, since=today.isoformat(), until=today.isoformat()))) > 1
    assert actions_seen(audit_page(client, user, since=(today + timedelta(days=1)).isoformat())) == []
    assert actions_seen(audit_page(client, user, until=(today - timedelta(days=1)).isoformat())) == []


def test_an_unknown_action_filter_is_ignored(client, world):
    response = audit_page(client, world.city_admin, action="drop_table")
    assert response.status_code == 200
    assert len(actions_seen(response)) > 0


def test_the_list_costs_the_same_queries_for_more_events(client, world):
    client.force_login(world.city_admin)
    client.get(reverse("site:audit-log"))  # the first request writes the session; measure the ones after
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("site:audit-log"))
    for _ in range(30):
        events.record(
            action="org_updated",
            actor=world.city_admin,
            target=world.school_b1,
            org_path=world.school_b1.path,
        )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("site:audit-log"))
    assert len(many) == len(few)


def test_htmx_request_returns_only_the_results(client, world):
    client.force_login(world.city_admin)
    response = client.get(reverse("site:audit-log"), {"action": "org_created"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "<html" not in content
    assert 'data-testid="result-count"' in content


def test_export_downloads_the_filtered_events(client, world):
    from openpyxl import load_workbook

    client.force_login(world.county_admin)
    response = client.get(reverse("site:audit-export"), {"action": "org_created"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(values_only=True) if any(row)]
    assert len(rows) == 1 + 3  # header, county A and its two schools
    assert not any("西山" in str(cell) for row in rows for cell in row if cell)


def test_export_is_for_bureau_admins_and_coordinators_only(client, world):
    for user in (world.centre_staff, world.tutor_a1, world.teacher_user):
        client.force_login(user)
        assert client.get(reverse("site:audit-export")).status_code == 403


def exported_objects(client, user) -> list[str]:
    """The 对象 column of `user`'s export, read back from the xlsx."""
    from openpyxl import load_workbook

    client.force_login(user)
    response = client.get(reverse("site:audit-export"))
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    column = rows[0].index("对象")
    return [str(row[column] or "") for row in rows[1:]]


def test_each_roles_export_holds_only_the_events_of_its_subtree(client, world):
    for org, name in (
        (world.school_a1, "甲校事件"),
        (world.school_a2, "乙校事件"),
        (world.county_a, "区级事件"),
        (world.school_b1, "他区事件"),
    ):
        events.record(action="org_updated", actor=world.city_admin, target_repr=name, org_path=org.path)
    events.record(action="login", actor=world.teacher_user, target_repr="登录事件")
    school = exported_objects(client, world.coordinator_a1)
    assert "甲校事件" in school
    assert not {"乙校事件", "区级事件", "他区事件", "登录事件"} & set(school)
    assert set(school) <= set(
        AuditEvent.objects.filter(org_path__startswith=world.school_a1.path).values_list(
            "target_repr", flat=True
        )
    )
    county = exported_objects(client, world.county_admin)
    assert {"甲校事件", "乙校事件", "区级事件"} <= set(county)
    assert not {"他区事件", "登录事件"} & set(county)
    city = exported_objects(client, world.city_admin)
    assert {"甲校事件", "乙校事件", "区级事件", "他区事件", "登录事件"} <= set(city)


def test_there_is_no_way_to_change_an_event_through_the_site(client, world):
    client.force_login(world.city_admin)
    event = AuditEvent.objects.first()
    before = (event.action, event.changes)
    assert client.post(reverse("site:audit-log"), {"action": "login"}).status_code == 405
    assert client.post(reverse("site:audit-export")).status_code == 405
    event.refresh_from_db()
    assert (event.action, event.changes) == before


# --- Times in Beijing time, never UTC (issue 13) ----------------------------------------------------

NEAR_MIDNIGHT_UTC = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)  # 2026年3月2日 01:30 in Beijing


def _event_near_midnight_utc(world):
    with mock.patch("django.utils.timezone.now", return_value=NEAR_MIDNIGHT_UTC):
        return events.record(
            action="lesson_changed",
            target=world.school_a1,
            org_path=world.school_a1.path,
            target_repr="时差测试",
            changes={"starts_at": NEAR_MIDNIGHT_UTC.isoformat(), "ends_at": [None, str(NEAR_MIDNIGHT_UTC)]},
        )


def test_the_log_shows_times_and_times_in_changes_in_beijing_time(client, world):
    event = _event_near_midnight_utc(world)
    assert event.created_at == NEAR_MIDNIGHT_UTC
    page = audit_page(client, world.county_admin, action="lesson_changed").content.decode()
    assert "2026年3月2日 01:30" in page
    assert "开始时间：2026年3月2日 01:30" in page
    assert "结束时间：— → 2026年3月2日 01:30" in page
    assert "+00:00" not in page and "17:30" not in page


def test_the_export_writes_times_as_excel_date_times_in_beijing_time_and_says_so(client, world):
    from openpyxl import load_workbook

    _event_near_midnight_utc(world)
    client.force_login(world.county_admin)
    response = client.get(reverse("site:audit-export"), {"action": "lesson_changed"})
    header, row = load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)
    assert header[0] == "时间（北京时间）"
    assert row[0] == datetime(2026, 3, 2, 1, 30)  # noqa: DTZ001 - openpyxl reads naive values
    assert "starts_at: 2026年3月2日 01:30" in row[5]
    assert "+00:00" not in row[5]
