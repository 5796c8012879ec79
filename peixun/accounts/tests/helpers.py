"""Sign-in test helpers: a controllable clock and a sign-in through the real login form."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone


class Clock:
    """Stands in for `now()` everywhere the lockout reads the time (Django and axes)."""

    def __init__(self) -> None:
        self.current = timezone.now()

    def __call__(self):
        return self.current

    def advance(self, **kwargs) -> None:
        self.current += timedelta(**kwargs)


def sign_in(client, identifier: str, password: str, ip: str = "10.0.0.1"):
    return client.post(
        reverse("accounts:login"), {"username": identifier, "password": password}, REMOTE_ADDR=ip
    )
