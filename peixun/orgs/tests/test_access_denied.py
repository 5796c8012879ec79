"""Denied access is logged to "peixun.security", and audited when someone signed in was refused."""

import logging

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from peixun.audit.models import AuditEvent
from peixun.orgs.access import PERMISSIONS, access_account, access_org, accounts_in_scope, require_perm
from peixun.orgs.models import GrantRole

pytestmark = pytest.mark.django_db


def test_refused_permission_is_logged_and_audited_for_a_signed_in_user(rf, world, caplog):
    request = rf.get("/orgs/people/")
    request.user = world.teacher_user
    with pytest.raises(PermissionDenied):
        require_perm(request, "people.view")
    event = AuditEvent.objects.get(action="access_denied")
    assert event.actor == world.teacher_user
    assert event.changes == {"perm": "people.view", "path": "/orgs/people/", "method": "GET"}
    assert any(r.name == "peixun.security" and "access denied" in r.getMessage() for r in caplog.records)


def test_refused_anonymous_request_is_logged_but_not_audited(rf, world, caplog):
    request = rf.get("/orgs/people/")
    request.user = AnonymousUser()
    with caplog.at_level(logging.WARNING, logger="peixun.security"), pytest.raises(PermissionDenied):
        require_perm(request, "people.view")
    assert not AuditEvent.objects.filter(action="access_denied").exists()
    assert any("access denied" in r.getMessage() for r in caplog.records)


def test_granted_permission_writes_nothing(rf, world):
    request = rf.get("/")
    request.user = world.coordinator_a1
    require_perm(request, "people.view")
    assert not AuditEvent.objects.filter(action="access_denied").exists()


def test_out_of_scope_object_is_404_and_logged(world, caplog):
    with caplog.at_level(logging.WARNING, logger="peixun.security"), pytest.raises(Http404):
        access_org(world.county_admin, world.county_b.pk)
    assert any("out of scope" in r.getMessage() for r in caplog.records)


def test_account_permissions_belong_to_the_bureau_and_provisioning_also_to_schools():
    assert PERMISSIONS["accounts.manage"] == {GrantRole.BUREAU_ADMIN}
    assert PERMISSIONS["accounts.provision"] == {GrantRole.BUREAU_ADMIN, GrantRole.SCHOOL_COORDINATOR}


def test_accounts_in_scope_follow_grants_and_linked_people(world):
    assert set(accounts_in_scope(world.city_admin).values_list("username", flat=True)) == {
        "city_admin",
        "county_admin",
        "centre_staff",
        "coordinator_a1",
        "tutor_a1",
        "teacher_a1",
    }
    assert not accounts_in_scope(world.coordinator_a1).exists()  # no accounts.manage
    with pytest.raises(Http404):
        access_account(world.outsider, world.teacher_user.pk)
