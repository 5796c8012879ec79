"""The second factor in tests (peixun.accounts.twofactor).

`force_login` skips the password; the shared `client` fixture (peixun/conftest.py) is a
`VerifiedClient`, whose `force_login` also passes the second factor for those who need it, the way
a real sign-in would: the user gets a confirmed TOTP device (with TEST_KEY) and the session records
it, as django_otp.login does. Production code is unchanged: a plain django.test.Client, or
`force_login(user, verified=False)`, meets the gate.

Browser tests sign in through the forms (peixun.testing.screenshots.sign_in): `prepare` gives the
user a device with TEST_KEY when they have none, and `pass_step` types its current code.
"""

import time

from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from peixun.orgs.access import needs_second_factor

# 20 bytes, hex: the secret of every test user's device.
TEST_KEY = "3132333435363738393031323334353637383930"


def give_device(user, key: str = TEST_KEY) -> TOTPDevice:
    """The user's confirmed device: theirs when they have one, else a new one with `key`."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", key=key, confirmed=True)
    return device


def code_for(device: TOTPDevice, *, step_offset: int = 0) -> str:
    """The code the app shows now (or `step_offset` steps away), and one the device still takes:
    a step after its last used one (a second sign-in within 30 seconds uses the next step, which
    the one-step tolerance accepts)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + step_offset * device.step
    if step_offset == 0 and totp.t() <= device.last_t:
        totp.time += device.step
    return f"{totp.token():0{device.digits}d}"


def mark_verified(client: Client, user) -> None:
    """Record in the client's session that the user passed the second factor."""
    if not needs_second_factor(user):
        return
    device = give_device(user)
    session = client.session
    if str(session.get(SESSION_KEY)) != str(user.pk):
        return
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


class VerifiedClient(Client):
    def force_login(self, user, backend=None, *, verified: bool = True) -> None:
        super().force_login(user, backend)
        if verified:
            mark_verified(self, user)


def prepare(username: str) -> TOTPDevice | None:
    """Before a browser signs in as `username`: their device (given one with TEST_KEY when they
    have none), or None when they need no second factor."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    return give_device(user) if user is not None and needs_second_factor(user) else None


def pass_step(page, device: TOTPDevice | None) -> None:
    """After the password: type the device's current code on the second-factor page, if shown."""
    if device is None or VERIFY_PATH not in page.url:
        return
    page.fill("input[name=code]", code_for(device))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


VERIFY_PATH = "/accounts/security/verify/"
