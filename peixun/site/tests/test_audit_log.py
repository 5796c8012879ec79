"""The audit log page: bureau admins only, scoped by org path, filterable, exportable, read-only."""

from datetime import timedelta
from io import BytesIO

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


def test_only_bureau_admins_may_open_the_log(client, world):
    for user in (world.centre_staff, world.coordinator_a1, world.tutor_a1, world.teacher_user, world.no_role):
        assert audit_page(client, user).status_code == 403
    assert audit_page(client, world.county_admin).status_code == 200


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


def test_export_is_for_bureau_admins_only(client, world):
    client.force_login(world.centre_staff)
    assert client.get(reverse("site:audit-export")).status_code == 403


def test_there_is_no_way_to_change_an_event_through_the_site(client, world):
    client.force_login(world.city_admin)
    event = AuditEvent.objects.first()
    before = (event.action, event.changes)
    assert client.post(reverse("site:audit-log"), {"action": "login"}).status_code == 405
    assert client.post(reverse("site:audit-export")).status_code == 405
    event.refresh_from_db()
    assert (event.action, event.changes) == before
