"""Lockout keyed on (identifier, IP) with stepped cool-offs: one typo never locks out a school."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import override_settings

from peixun.accounts.lockout import COOL_OFF_STEPS, client_ip, lockout_key
from peixun.accounts.models import LoginLockout
from peixun.accounts.tests.helpers import sign_in
from peixun.audit.models import AuditEvent
from peixun.testing.factories import PASSWORD, make_person, make_user

pytestmark = pytest.mark.django_db

IP_X = "10.1.1.1"
IP_Y = "10.2.2.2"


def fail(client, identifier: str, times: int, ip: str = IP_X):
    response = None
    for _ in range(times):
        response = sign_in(client, identifier, "wrong-password", ip=ip)
    return response


def signs_in(client, identifier: str, ip: str = IP_X) -> bool:
    client.logout()
    response = sign_in(client, identifier, PASSWORD, ip=ip)
    return response.status_code == 302 and "_auth_user_id" in client.session


def test_four_failures_do_not_lock(client, world, clock):
    assert fail(client, "teacher_a1", 4).status_code == 200
    assert signs_in(client, "teacher_a1")


def test_five_failures_lock_the_pair_with_a_translated_429_page(client, world, clock):
    response = fail(client, "teacher_a1", 5)
    assert response.status_code == 429
    page = response.content.decode()
    assert "5" in page
    assert 'lang="zh-hans"' in page
    assert "Too many failed sign-ins" in page or "登录失败次数过多" in page
    # Even the right password is refused while locked.
    assert not signs_in(client, "teacher_a1")
    assert sign_in(client, "teacher_a1", PASSWORD, ip=IP_X).status_code == 429


def test_another_account_behind_the_same_address_still_signs_in(client, world, clock):
    fail(client, "teacher_a1", 5)
    assert signs_in(client, "coordinator_a1", ip=IP_X)


def test_the_locked_account_still_signs_in_from_another_address(client, world, clock):
    fail(client, "teacher_a1", 5)
    assert signs_in(client, "teacher_a1", ip=IP_Y)


def test_the_pair_may_try_again_after_the_cool_off(client, world, clock):
    fail(client, "teacher_a1", 5)
    clock.advance(minutes=4)
    assert not signs_in(client, "teacher_a1")
    clock.advance(minutes=1, seconds=1)
    assert signs_in(client, "teacher_a1")


def test_a_second_lockout_lasts_longer_than_the_first(client, world, clock):
    fail(client, "teacher_a1", 5)
    first = LoginLockout.objects.get()
    assert first.locked_until - first.locked_at == COOL_OFF_STEPS[0]

    clock.advance(minutes=6)
    # After the first cool-off a single mistake is one failure, not a renewed lockout.
    assert fail(client, "teacher_a1", 1).status_code == 200
    response = fail(client, "teacher_a1", 4)
    assert response.status_code == 429
    assert "15" in response.content.decode()
    second = LoginLockout.objects.get()
    assert second.count == 2
    assert second.locked_until - second.locked_at == COOL_OFF_STEPS[1] > COOL_OFF_STEPS[0]

    clock.advance(minutes=6)
    assert not signs_in(client, "teacher_a1")  # the first cool-off would be over by now
    clock.advance(minutes=10)
    assert signs_in(client, "teacher_a1")


def test_attempts_during_a_lockout_do_not_extend_it(client, world, clock):
    fail(client, "teacher_a1", 5)
    clock.advance(minutes=3)
    fail(client, "teacher_a1", 3)
    clock.advance(minutes=2, seconds=1)
    assert signs_in(client, "teacher_a1")
    assert LoginLockout.objects.get().count == 1


def test_lockouts_stop_counting_after_a_day(client, world, clock):
    fail(client, "teacher_a1", 5)
    clock.advance(days=1, minutes=10)
    fail(client, "teacher_a1", 5)
    record = LoginLockout.objects.get()
    assert record.count == 1
    assert record.locked_until - record.locked_at == COOL_OFF_STEPS[0]


def test_username_phone_and_id_number_of_one_account_share_one_counter(client, world, clock):
    number = "32070519790601086X"
    person = make_person(world.school_a1, "孙丽", id_number=number, mobile="13812345678")
    make_user("t_sunli", person=person)
    fail(client, "t_sunli", 2)
    fail(client, "13812345678", 2)
    assert fail(client, number.lower(), 1).status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"t_sunli"}


def test_axes_never_stores_an_unknown_id_number_but_still_counts_per_number(client, world, clock):
    fail(client, "110101199003071234", 5)
    stored = list(AccessAttempt.objects.values_list("username", "post_data"))
    assert len(stored) == 1
    assert "110101199003071234" not in repr(stored)
    assert stored[0][0] == lockout_key("110101 19900307 1234")
    # A different number from the same address is a different pair.
    assert fail(client, "110101199003075678", 1).status_code == 200


def test_successful_sign_in_clears_the_failures(client, world, clock):
    fail(client, "teacher_a1", 4)
    assert signs_in(client, "teacher_a1")
    client.logout()
    assert fail(client, "teacher_a1", 4).status_code == 200
    assert AccessAttempt.objects.get().failures_since_start == 4


def test_lockout_is_logged_and_audited(client, world, clock, caplog):
    fail(client, "teacher_a1", 5)
    assert AuditEvent.objects.filter(action="login_locked_out").count() == 1
    assert any(
        "locked out" in record.getMessage() for record in caplog.records if record.name == "peixun.security"
    )


@override_settings(PROXY_COUNT=1)
def test_client_address_behind_one_proxy_is_the_right_most_forwarded_one(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "203.0.113.9"
    assert client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"


def test_forwarded_header_is_ignored_without_a_trusted_proxy(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="198.51.100.7")
    assert client_ip(request) == "198.51.100.7"


def test_cool_off_steps_grow():
    assert list(COOL_OFF_STEPS) == sorted(COOL_OFF_STEPS)
    assert COOL_OFF_STEPS[0] >= timedelta(minutes=1)
