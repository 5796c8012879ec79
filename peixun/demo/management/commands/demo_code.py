"""`manage.py demo_code`: the current 6-digit code of the demo administrators' second factor (the
published demo key, peixun.demo.region.DEMO_TOTP_KEY), for trying the demo without an
authenticator app. Only accounts whose device holds the demo key are shown."""

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from peixun.demo.region import DEMO_TOTP_KEY


class Command(BaseCommand):
    help = "Print the current second-factor code of the demo administrators."

    def handle(self, *args, **options):
        devices = TOTPDevice.objects.filter(key=DEMO_TOTP_KEY, confirmed=True).select_related("user")
        if not devices:
            self.stdout.write(_("No demo administrator with the demo key in this database."))
            return
        now = time.time()
        for device in devices.order_by("user__username"):
            totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
            totp.time = now
            left = device.step - int(now - device.t0) % device.step
            self.stdout.write(
                _("%(username)s: %(code)s (valid for %(seconds)d more seconds; each code works once)")
                % {"username": device.user.get_username(), "code": f"{totp.token():06d}", "seconds": left}
            )
