"""The JSON API at /api/v1/: the OpenAPI document, projects visible to the caller, eligibility,
enrol and withdraw for the signed-in teacher, a project's enrolments in scope, and JSON refusals."""

import pytest
from django.test import Client

from peixun.testing.factories import make_project
from peixun.training.models import Enrolment

pytestmark = pytest.mark.django_db


def test_the_openapi_document_lists_the_training_endpoints(client):
    document = client.get("/api/v1/openapi.json").json()
    paths = set(document["paths"])
    assert "/api/v1/training/projects/{project_id}/enrol" in paths
    assert "/api/v1/training/projects/{project_id}/eligibility" in paths
    assert client.get("/api/v1/").status_code == 302


def test_anonymous_callers_get_401(client):
    assert client.get("/api/v1/training/projects").status_code == 401


def test_a_teacher_checks_eligibility_enrols_and_withdraws(client, world):
    project = make_project(world.county_a, targets={"subjects": ["语文"]})
    client.force_login(world.teacher_user)
    base = f"/api/v1/training/projects/{project.pk}"
    eligibility = client.get(f"{base}/eligibility").json()
    assert eligibility["eligible"] and eligibility["subjects"] == ["语文"] and eligibility["enrolment_open"]
    enrolled = client.post(f"{base}/enrol")
    assert enrolled.status_code == 201 and enrolled.json()["status"] == "enrolled"
    again = client.post(f"{base}/enrol")
    assert again.status_code == 409 and again.json()["code"] == "already_enrolled"
    withdrawn = client.post(f"{base}/withdraw")
    assert withdrawn.json()["status"] == "withdrawn"


def test_a_refusal_for_eligibility_carries_its_reasons(client, world):
    project = make_project(world.county_a, targets={"titles": ["senior"]})
    client.force_login(world.teacher_user)
    response = client.post(f"/api/v1/training/projects/{project.pk}/enrol", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "not_eligible"
    assert body["reasons"][0]["code"] == "title"


def test_another_citys_project_is_404_and_enrolments_are_scoped(client, world):
    far = make_project(world.other_city)
    near = make_project(world.county_a)
    Enrolment.objects.create(
        project=near, person=world.teacher_a1, school=world.school_a1, status="enrolled", source="self"
    )
    Enrolment.objects.create(
        project=near, person=world.teacher_a2, school=world.school_a2, status="enrolled", source="self"
    )
    client.force_login(world.coordinator_a1)
    assert client.get(f"/api/v1/training/projects/{far.pk}").status_code == 404
    listing = client.get(f"/api/v1/training/projects/{near.pk}/enrolments").json()
    assert [row["person_name"] for row in listing["items"]] == [world.teacher_a1.name]


def test_browser_writes_need_the_csrf_token(world):
    project = make_project(world.county_a)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.teacher_user)
    assert browser.post(f"/api/v1/training/projects/{project.pk}/enrol").status_code == 403
    browser.get(f"/training/{project.pk}/")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = browser.post(f"/api/v1/training/projects/{project.pk}/enrol", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_an_api_keys_account_cannot_sign_in_and_acts_only_within_its_org(client, world):
    from peixun.api.services import create_api_key

    _key, secret = create_api_key(
        org=world.school_a1, name="校本系统", role="school_coordinator", actor=world.city_admin
    )
    account = _key.account
    assert not account.has_usable_password()
    near = make_project(world.county_a)
    Enrolment.objects.create(
        project=near, person=world.teacher_a2, school=world.school_a2, status="enrolled", source="self"
    )
    listing = client.get(f"/api/v1/training/projects/{near.pk}/enrolments", HTTP_X_API_KEY=secret).json()
    assert listing["items"] == []  # another school's teacher
    assert client.get("/api/v1/training/projects", HTTP_X_API_KEY="pxk_wrong").status_code == 401


def test_enrolling_loads_the_teacher_with_the_account_and_stays_a_few_queries(
    client, world, django_assert_max_num_queries
):
    """The deadline-day path: session, account with person and school (one query), grants,
    project, its audience, then the claim, the insert and the audit — no separate person lookup,
    and no look for an earlier enrolment before a first one."""
    project = make_project(world.county_a)
    client.force_login(world.teacher_user)
    with django_assert_max_num_queries(10) as queries:
        response = client.post(f"/api/v1/training/projects/{project.pk}/enrol")
    assert response.status_code == 201
    assert not [q["sql"] for q in queries.captured_queries if 'FROM "orgs_person"' in q["sql"]]
