"""The person page: every field labelled, the ID masked, an audited reveal, account and history."""

import pytest
from django.urls import reverse

from peixun.audit.models import AuditEvent
from peixun.testing.factories import make_person

pytestmark = pytest.mark.django_db


def detail(client, user, person, **extra):
    client.force_login(user)
    return client.get(reverse("orgs:person-detail", args=[person.pk]), **extra)


def test_coordinator_sees_their_teacher_with_the_id_masked(client, world):
    response = detail(client, world.coordinator_a1, world.teacher_a1)
    assert response.status_code == 200
    content = response.content.decode()
    assert "李晓明" in content
    assert world.teacher_a1.id_masked in content
    assert world.teacher_a1.reveal_id_number() not in content
    assert 'data-testid="reveal"' not in content  # schools see the number masked only


def test_dates_and_choices_are_shown_in_words(client, world):
    response = detail(client, world.city_admin, world.teacher_a1, HTTP_ACCEPT_LANGUAGE="en")
    rows = dict(response.context["rows"])
    assert rows["Birth date"] == "1985年3月14日"
    assert rows["Title"] == "First grade"
    assert rows["Section"] == "Primary"
    assert rows["Subjects"] == "语文"


def test_coordinator_gets_404_for_another_schools_teacher(client, world):
    assert detail(client, world.coordinator_a1, world.teacher_a2).status_code == 404


def test_outsider_gets_404_for_a_teacher_of_the_city(client, world):
    assert detail(client, world.outsider, world.teacher_b1).status_code == 404


def test_teacher_sees_their_own_record_but_nobody_elses(client, world):
    assert detail(client, world.teacher_user, world.teacher_a1).status_code == 200
    assert detail(client, world.teacher_user, world.teacher_a2).status_code == 403


def test_account_without_roles_gets_403(client, world):
    assert detail(client, world.no_role, world.teacher_a1).status_code == 403


def test_linked_account_and_its_grants_are_shown(client, world):
    response = detail(client, world.city_admin, world.teacher_a1)
    assert response.context["account"] == world.teacher_user
    assert "teacher_a1" in response.content.decode()
    assert 'data-testid="grants"' in response.content.decode()


def test_those_who_read_the_audit_log_see_the_persons_recent_events_and_others_do_not(client, world):
    response = detail(client, world.city_admin, world.teacher_a1)
    assert response.context["events"] is not None
    assert detail(client, world.coordinator_a1, world.teacher_a1).context["events"] is not None
    assert detail(client, world.centre_staff, world.teacher_a1).context["events"] is None


def test_reveal_returns_the_full_number_and_records_who_saw_it(client, world):
    client.force_login(world.centre_staff)
    response = client.post(reverse("orgs:person-reveal", args=[world.teacher_a1.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    assert world.teacher_a1.reveal_id_number() in content
    assert "<html" not in content
    assert response["Cache-Control"].startswith("max-age=0")
    event = AuditEvent.objects.get(action="id_revealed")
    assert event.actor == world.centre_staff
    assert event.target_id == str(world.teacher_a1.pk)


def test_reveal_by_get_is_refused(client, world):
    client.force_login(world.city_admin)
    response = client.get(reverse("orgs:person-reveal", args=[world.teacher_a1.pk]))
    assert response.status_code == 405
    assert not AuditEvent.objects.filter(action="id_revealed").exists()


def test_coordinator_may_not_reveal(client, world):
    client.force_login(world.coordinator_a1)
    response = client.post(reverse("orgs:person-reveal", args=[world.teacher_a1.pk]))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="id_revealed").exists()


def test_reveal_outside_the_scope_is_404_and_not_recorded(client, world):
    client.force_login(world.centre_staff)  # granted on county A
    response = client.post(reverse("orgs:person-reveal", args=[world.teacher_b1.pk]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="id_revealed").exists()


def test_a_person_without_account_says_so(client, world):
    person = make_person(world.school_a1, "孙无号")
    response = detail(client, world.city_admin, person)
    assert response.context["account"] is None
