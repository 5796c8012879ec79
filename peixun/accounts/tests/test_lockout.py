"""Lockout keyed on (identifier, IP) with stepped cool-offs — one typo never locks out a school — and
per account across addresses; the client address believed only from trusted proxies."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import reverse

from peixun.accounts import lockout
from peixun.accounts.lockout import COOL_OFF_STEPS, client_ip, lockout_key
from peixun.accounts.models import AccountLockout, LoginLockout, SignInFailure
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


@override_settings(TRUSTED_PROXIES=["unix"])
def test_behind_nginx_on_the_unix_socket_the_client_is_the_address_nginx_appended(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="")
    assert client_ip(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXIES=["127.0.0.1", "10.0.0.0/24"])
def test_trusted_hops_are_skipped_from_the_right_and_the_first_untrusted_one_is_the_client(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.7", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "203.0.113.9"
    assert client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_a_forged_forwarded_header_from_an_untrusted_peer_is_ignored(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="198.51.100.7")
    assert client_ip(request) == "198.51.100.7"


def test_forwarded_header_is_ignored_without_a_trusted_proxy(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="198.51.100.7")
    assert client_ip(request) == "198.51.100.7"
    # Nor is an empty peer (a Unix socket) trusted unless `unix` is configured.
    assert client_ip(rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="")) is None


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_forged_forwarded_headers_from_an_untrusted_peer_do_not_buy_more_guesses(client, world, clock):
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
        response = client.post(
            reverse("accounts:login"),
            {"username": "teacher_a1", "password": "wrong-password"},
            REMOTE_ADDR="198.51.100.7",
            HTTP_X_FORWARDED_FOR=forged,
        )
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}


def test_cool_off_steps_grow():
    assert list(COOL_OFF_STEPS) == sorted(COOL_OFF_STEPS)
    assert COOL_OFF_STEPS[0] >= timedelta(minutes=1)


# --- Across addresses ---------------------------------------------------------------------------

ADDRESSES = [f"10.9.0.{n}" for n in range(1, 7)]


def test_six_addresses_guessing_one_account_are_slowed_after_the_account_limit(client, world, clock):
    statuses = [
        sign_in(client, "teacher_a1", "wrong-password", ip=ip).status_code
        for ip in ADDRESSES
        for _ in range(5)
    ]
    # Two addresses' worth of guesses are heard (each pair locks at its fifth); then the account
    # is paused and the other four addresses are refused unheard.
    assert statuses[:4] == [200] * 4 and statuses[4] == 429
    assert statuses[5:9] == [200] * 4 and statuses[9] == 429
    assert statuses[10:] == [429] * 20
    assert SignInFailure.objects.filter(username="teacher_a1").count() == lockout.ACCOUNT_FAILURE_LIMIT
    # Even the right password is refused from an address the account has not used.
    response = sign_in(client, "teacher_a1", PASSWORD, ip=ADDRESSES[5])
    assert response.status_code == 429
    assert "不同网络" in response.content.decode() or "different networks" in response.content.decode()
    # Other accounts behind the same addresses sign in as usual.
    for ip in ADDRESSES:
        assert signs_in(client, "coordinator_a1", ip=ip)
    paused = AccountLockout.objects.get(username="teacher_a1")
    assert paused.locked_until - paused.locked_at == lockout.ACCOUNT_COOL_OFF_STEPS[0]
    event = AuditEvent.objects.get(action="login_account_locked_out")
    assert event.changes["failures"] == 10 and event.changes["addresses"] == 2
    assert AuditEvent.objects.filter(action="login_locked_out").count() == 2  # the two pairs


def test_the_holder_still_signs_in_from_an_address_they_used_lately(client, world, clock):
    assert signs_in(client, "teacher_a1", ip=IP_Y)
    client.logout()
    clock.advance(days=3)
    fail(client, "teacher_a1", 5, ip=ADDRESSES[0])
    fail(client, "teacher_a1", 5, ip=ADDRESSES[1])
    assert not signs_in(client, "teacher_a1", ip=ADDRESSES[2])
    assert signs_in(client, "teacher_a1", ip=IP_Y)


def test_an_address_used_more_than_a_month_ago_is_not_known_any_more(client, world, clock):
    assert signs_in(client, "teacher_a1", ip=IP_Y)
    client.logout()
    clock.advance(days=31)
    fail(client, "teacher_a1", 5, ip=ADDRESSES[0])
    fail(client, "teacher_a1", 5, ip=ADDRESSES[1])
    assert not signs_in(client, "teacher_a1", ip=IP_Y)


def test_the_account_pause_ends_and_the_next_one_lasts_longer(client, world, clock):
    fail(client, "teacher_a1", 5, ip=ADDRESSES[0])
    fail(client, "teacher_a1", 5, ip=ADDRESSES[1])
    clock.advance(minutes=14)
    assert not signs_in(client, "teacher_a1", ip=ADDRESSES[2])
    clock.advance(minutes=1, seconds=1)
    # The pause is over; the failures before it no longer count.
    assert fail(client, "teacher_a1", 1, ip=ADDRESSES[2]).status_code == 200
    fail(client, "teacher_a1", 4, ip=ADDRESSES[2])
    response = fail(client, "teacher_a1", 5, ip=ADDRESSES[3])
    assert response.status_code == 429 and "60" in response.content.decode()
    paused = AccountLockout.objects.get(username="teacher_a1")
    assert paused.count == 2
    assert paused.locked_until - paused.locked_at == lockout.ACCOUNT_COOL_OFF_STEPS[1]
    clock.advance(minutes=16)
    assert not signs_in(client, "teacher_a1", ip=ADDRESSES[4])
    clock.advance(minutes=45)
    assert signs_in(client, "teacher_a1", ip=ADDRESSES[4])


def test_failures_older_than_the_window_do_not_count(client, world, clock):
    fail(client, "teacher_a1", 5, ip=ADDRESSES[0])
    fail(client, "teacher_a1", 4, ip=ADDRESSES[1])
    clock.advance(hours=24, minutes=1)
    assert fail(client, "teacher_a1", 1, ip=ADDRESSES[2]).status_code == 200
    assert not AccountLockout.objects.exists()
    # Old rows are dropped as new failures come in.
    assert SignInFailure.objects.count() == 1


def test_a_successful_sign_in_forgets_the_failures_of_its_own_address_only(client, world, clock):
    fail(client, "teacher_a1", 4, ip=ADDRESSES[0])
    fail(client, "teacher_a1", 4, ip=ADDRESSES[1])
    assert signs_in(client, "teacher_a1", ip=ADDRESSES[0])
    assert set(SignInFailure.objects.values_list("ip_address", flat=True)) == {ADDRESSES[1]}


def test_unknown_identifiers_are_limited_across_addresses_like_accounts(client, world, clock):
    fail(client, "110101199003071234", 5, ip=ADDRESSES[0])
    fail(client, "110101199003071234", 5, ip=ADDRESSES[1])
    assert fail(client, "110101199003071234", 1, ip=ADDRESSES[2]).status_code == 429
    assert "110101199003071234" not in repr(list(SignInFailure.objects.values_list("username", flat=True)))
    assert "110101199003071234" not in repr(list(AccountLockout.objects.values_list("username", flat=True)))
