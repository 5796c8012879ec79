"""The second factor (peixun.accounts.twofactor): who needs it, enrolment, sign-in with a code or a
recovery code, replays and wrong codes refused, the gate on every page, resets audited."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from peixun.accounts import twofactor
from peixun.audit.models import AuditEvent
from peixun.orgs.access import PERMISSIONS, SECOND_FACTOR_ROLES, needs_second_factor
from peixun.orgs.models import GrantRole
from peixun.testing.factories import PASSWORD
from peixun.testing.second_factor import code_for, give_device

pytestmark = pytest.mark.django_db


def sign_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


SECOND_FACTOR_ACTIONS = (
    "second_factor_enrolled",
    "second_factor_failures",
    "recovery_code_used",
    "recovery_codes_regenerated",
    "second_factor_reset",
)


def actions(user) -> list[str]:
    events = AuditEvent.objects.filter(
        target_type="accounts.user", target_id=str(user.pk), action__in=SECOND_FACTOR_ACTIONS
    )
    return list(events.order_by("pk").values_list("action", flat=True))


def test_who_needs_it_is_derived_from_the_permissions(world, monkeypatch):
    assert needs_second_factor(world.city_admin) and needs_second_factor(world.centre_staff)
    assert not any(
        needs_second_factor(user)
        for user in (world.coordinator_a1, world.tutor_a1, world.teacher_user, world.no_role)
    )
    assert PERMISSIONS["people.reveal_id"] <= SECOND_FACTOR_ROLES
    # A role given the full ID number tomorrow needs the second factor the same day.
    import peixun.orgs.access as access

    monkeypatch.setattr(
        access, "SECOND_FACTOR_ROLES", access.SECOND_FACTOR_ROLES | {GrantRole.SCHOOL_COORDINATOR}
    )
    world.coordinator_a1._peixun_grants = None
    assert needs_second_factor(world.coordinator_a1)


def test_enrolment_then_sign_in_with_a_code_and_replay_refused(world):
    client = sign_in("county_admin")
    # Every page sends the admin to the second factor, then to set it up (no device yet).
    response = client.get(reverse("orgs:people"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two-factor"))
    setup = client.get(response["Location"], follow=True)
    assert setup.request["PATH_INFO"] == reverse("accounts:two-factor-setup")
    page = setup.content.decode()
    assert "<svg" in page and "otpauth" not in page  # drawn inline, the address not in the page text
    secret = re.search(r'data-testid="secret">([A-Z2-7 ]+)<', page).group(1)
    device = TOTPDevice.objects.get(user=world.county_admin, confirmed=False)
    assert secret.replace(" ", "") in twofactor.secret_base32(device).replace(" ", "")

    wrong = client.post(reverse("accounts:two-factor-setup"), {"code": "000000"})
    assert wrong.status_code == 400 and "验证码不对" in wrong.content.decode()
    enrol_code = code_for(device)
    done = client.post(reverse("accounts:two-factor-setup"), {"code": enrol_code, "next": "/orgs/people/"})
    assert done["Location"].startswith(reverse("accounts:recovery-codes"))
    codes_page = client.get(done["Location"]).content.decode()
    codes = re.findall(r"<li>([A-Z2-9]{5} [A-Z2-9]{5})</li>", codes_page)
    assert len(codes) == 10
    download = client.get(reverse("accounts:recovery-codes-download"))
    assert download["Content-Disposition"].endswith('.txt"') and codes[0] in download.content.decode(
        "utf-8-sig"
    )
    # Stored as keyed hashes, not as shown.
    assert not StaticToken.objects.filter(token__in=[c.replace(" ", "") for c in codes]).exists()
    assert (
        client.post(reverse("accounts:recovery-codes"), {"next": "/orgs/people/"})["Location"]
        == "/orgs/people/"
    )
    assert client.get(reverse("accounts:recovery-codes"))["Location"] == reverse("accounts:security")
    assert client.get(reverse("orgs:people")).status_code == 200
    assert actions(world.county_admin) == ["second_factor_enrolled"]

    # Next sign-in asks for the code; the one just used is refused (replay), the next step passes.
    device.refresh_from_db()
    again = sign_in("county_admin")
    assert again.get(reverse("site:home"))["Location"].startswith(reverse("accounts:two-factor"))
    assert again.post(reverse("accounts:two-factor"), {"code": enrol_code}).status_code == 400
    last_t = device.last_t
    response = again.post(reverse("accounts:two-factor"), {"code": code_for(device), "next": "/orgs/people/"})
    assert response["Location"] == "/orgs/people/"
    device.refresh_from_db()
    assert device.last_t > last_t
    assert again.get(reverse("orgs:people")).status_code == 200


def test_a_code_is_not_taken_twice(world):
    device = give_device(world.city_admin)
    code = code_for(device)
    first = sign_in("city_admin")
    assert first.post(reverse("accounts:two-factor"), {"code": code}).status_code == 302
    second = sign_in("city_admin")
    assert second.post(reverse("accounts:two-factor"), {"code": code}).status_code == 400
    assert second.get(reverse("site:home")).status_code == 302


def test_a_recovery_code_works_once(world):
    client = sign_in("centre_staff")
    device = give_device(world.centre_staff)
    codes = twofactor._replace_recovery_codes(world.centre_staff)
    response = client.post(
        reverse("accounts:two-factor"), {"code": codes[0].lower()[:5] + "-" + codes[0][5:]}
    )
    assert response.status_code == 302
    assert client.get(reverse("site:home")).status_code == 200
    assert twofactor.recovery_left(world.centre_staff) == 9
    assert actions(world.centre_staff) == ["recovery_code_used"]
    other = sign_in("centre_staff")
    assert other.post(reverse("accounts:two-factor"), {"code": codes[0]}).status_code == 400
    assert other.post(reverse("accounts:two-factor"), {"code": code_for(device)}).status_code == 302


def test_five_wrong_codes_pause_and_are_audited(world, settings):
    device = give_device(world.city_admin)
    client = sign_in("city_admin")
    for _ in range(4):
        assert (
            "验证码不对" in client.post(reverse("accounts:two-factor"), {"code": "123456"}).content.decode()
        )
    fifth = client.post(reverse("accounts:two-factor"), {"code": "WRONGCODE1"}).content.decode()
    assert "错误次数过多" in fifth and "15" in fifth
    # Even the right code waits now.
    assert client.post(reverse("accounts:two-factor"), {"code": code_for(device)}).status_code == 400
    assert actions(world.city_admin) == ["second_factor_failures"]
    # Once the wait is over, the right code passes.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now()
        - timedelta(minutes=settings.SECOND_FACTOR_WAIT_MINUTES + 1)
    )
    assert client.post(reverse("accounts:two-factor"), {"code": code_for(device)}).status_code == 302


def test_the_gate_lets_through_only_its_steps_and_not_others(world):
    give_device(world.city_admin)
    client = sign_in("city_admin")
    for name in ("orgs:people", "accounts:security", "accounts:recovery-codes", "accounts:list"):
        assert client.get(reverse(name))["Location"].startswith(reverse("accounts:two-factor")), name
    assert client.post(reverse("orgs:people-export"))["Location"] == reverse("accounts:two-factor")
    assert client.get(reverse("accounts:two-factor")).status_code == 200
    assert client.post(reverse("accounts:logout"))["Location"] == reverse("accounts:login")
    # Roles that do not need it are not stopped; nor is force_login(verified=False) for them.
    teacher = sign_in("teacher_a1")
    assert teacher.get(reverse("site:home")).status_code == 200
    # The test client's force_login passes the second factor the way sign-in would; unverified meets the gate.
    from peixun.testing.second_factor import VerifiedClient

    unverified = VerifiedClient()
    unverified.force_login(world.county_admin, verified=False)
    assert unverified.get(reverse("site:home")).status_code == 302


def test_security_page_regenerates_codes_and_resets_on_a_current_code(client, world):
    client.force_login(world.county_admin)
    device = TOTPDevice.objects.get(user=world.county_admin)
    old = twofactor._replace_recovery_codes(world.county_admin)
    page = client.get(reverse("accounts:security")).content.decode()
    assert "两步验证" in page and 'data-testid="recovery-left">10<' in page
    assert (
        client.post(reverse("accounts:security"), {"action": "regenerate", "code": "000000"}).status_code
        == 302
    )
    assert twofactor.recovery_left(world.county_admin) == 10 and actions(world.county_admin) == []
    response = client.post(reverse("accounts:security"), {"action": "regenerate", "code": code_for(device)})
    assert response["Location"].startswith(reverse("accounts:recovery-codes"))
    assert not StaticToken.objects.filter(token=twofactor.recovery_hash(old[0])).exists()
    response = client.post(reverse("accounts:security"), {"action": "reset", "code": code_for(device)})
    assert response["Location"] == reverse("accounts:two-factor-setup")
    assert not TOTPDevice.objects.filter(user=world.county_admin, confirmed=True).exists()
    assert actions(world.county_admin) == ["recovery_codes_regenerated", "second_factor_reset"]
    # The session is no longer verified: the next page asks to set up again.
    assert client.get(reverse("orgs:people"))["Location"].startswith(reverse("accounts:two-factor"))


def test_an_administrator_above_resets_a_lost_phone_with_a_reason(client, world):
    give_device(world.centre_staff)
    client.force_login(world.city_admin)
    url = reverse("accounts:two-factor-reset", args=[world.centre_staff.pk])
    client.post(url, {"reason": "  "})
    assert TOTPDevice.objects.filter(user=world.centre_staff).exists()
    client.post(url, {"reason": "手机丢失"})
    assert not TOTPDevice.objects.filter(user=world.centre_staff).exists()
    event = AuditEvent.objects.get(action="second_factor_reset")
    assert event.actor_id == world.city_admin.pk and event.target_id == str(world.centre_staff.pk)
    assert event.changes == {"reason": "手机丢失"}
    # Outside the admin's area: 404, nothing reset.
    give_device(world.outsider)
    assert (
        client.post(
            reverse("accounts:two-factor-reset", args=[world.outsider.pk]), {"reason": "x"}
        ).status_code
        == 404
    )
    assert TOTPDevice.objects.filter(user=world.outsider).exists()
