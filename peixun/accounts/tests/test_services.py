"""Account services: grants, password resets and teacher accounts created from the roster."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from peixun.accounts import services
from peixun.audit.models import AuditEvent
from peixun.orgs.models import GrantRole, PersonStatus, RoleGrant
from peixun.testing.factories import make_person, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_granting_a_role_is_audited_and_idempotent(world):
    account = make_user("new_staff")
    grant = services.grant_role(
        actor=world.city_admin, user=account, role=GrantRole.CENTRE_STAFF, org=world.county_b
    )
    again = services.grant_role(
        actor=world.city_admin, user=account, role=GrantRole.CENTRE_STAFF, org=world.county_b
    )
    assert again.pk == grant.pk
    events = AuditEvent.objects.filter(action="grant_created")
    assert events.count() == 1
    assert events.get().org_path == world.county_b.path
    assert events.get().changes["role"] == [None, "centre_staff"]


def test_withdrawing_a_grant_deletes_it_and_is_audited(world):
    grant = RoleGrant.objects.get(user=world.coordinator_a1)
    services.withdraw_grant(actor=world.county_admin, grant=grant)
    assert not RoleGrant.objects.filter(pk=grant.pk).exists()
    assert AuditEvent.objects.get(action="grant_deleted").changes["role"] == ["school_coordinator", None]


def test_nobody_withdraws_their_own_grant(world):
    grant = RoleGrant.objects.get(user=world.county_admin)
    with pytest.raises(services.AccountError):
        services.withdraw_grant(actor=world.county_admin, grant=grant)
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


def test_reset_password_sets_a_temporary_password_that_must_be_changed(world):
    password = services.reset_password(actor=world.county_admin, user=world.teacher_user)
    world.teacher_user.refresh_from_db()
    assert len(password) == services.TEMPORARY_PASSWORD_LENGTH
    assert world.teacher_user.check_password(password)
    assert world.teacher_user.must_change_password is True
    event = AuditEvent.objects.get(action="password_reset")
    assert event.actor == world.county_admin
    assert event.org_path == world.school_a1.path
    assert password not in repr(event.changes) + event.target_repr


def test_temporary_passwords_differ_and_mix_letters_and_digits():
    passwords = {services.temporary_password() for _ in range(50)}
    assert len(passwords) == 50
    assert all(any(c.isdigit() for c in p) and any(c.isalpha() for c in p) for p in passwords)


def test_provisioning_creates_teacher_accounts_for_people_without_one(world):
    with_phone = make_person(
        world.school_b1,
        "钱多多",
        birth_date=date(1979, 6, 1),
        id_number="32070519790601086X",
        mobile="13700001111",
    )
    without_phone = make_person(world.school_b1, "孙小美")
    left = make_person(world.school_b1, "离职者", status=PersonStatus.LEFT)

    created = services.provision_teacher_accounts(
        people=services.people_without_account(world.school_b1), actor=world.city_admin
    )
    assert created.count == 3  # 赵刚 of the world, 钱多多, 孙小美; not the one who left
    by_phone = User.objects.get(person=with_phone)
    assert by_phone.username == "13700001111"
    assert not by_phone.check_password("01086X")  # no longer the ID number's last six characters
    assert by_phone.must_change_password is True
    assert by_phone.initial_password_expires_at is not None
    assert list(by_phone.grants.values_list("role", "org")) == [("teacher", world.school_b1.pk)]
    assert User.objects.get(person=without_phone).username == f"t{without_phone.pk}"
    assert not User.objects.filter(person=left).exists()
    assert AuditEvent.objects.filter(action="account_created").count() == 3


def test_provisioning_twice_creates_nothing_the_second_time(world):
    people = services.people_without_account(world.county_b)
    first = services.provision_teacher_accounts(people=people, actor=world.city_admin)
    second = services.provision_teacher_accounts(
        people=services.people_without_account(world.county_b), actor=None
    )
    assert (first.count, second.count) == (2, 0)


def test_provisioning_skips_a_phone_already_used_as_a_username(world):
    make_user("13700002222")
    person = make_person(world.school_b2, "周周", mobile="13700002222")
    services.provision_teacher_accounts(people=[person], actor=world.city_admin)
    assert User.objects.get(person=person).username == f"t{person.pk}"


def test_provisioning_skips_people_linked_meanwhile(world):
    people = list(services.people_without_account(world.school_b2))
    make_user("linked_by_hand", person=people[0])
    assert services.provision_teacher_accounts(people=people, actor=world.city_admin).count == 0


def test_change_password_clears_the_flag_and_audits(world):
    user = world.teacher_user
    user.must_change_password = True
    user.save()
    services.change_password(user=user, password="Lantern-Orchard-42")
    user.refresh_from_db()
    assert user.must_change_password is False
    assert AuditEvent.objects.get(action="password_changed").actor == user
