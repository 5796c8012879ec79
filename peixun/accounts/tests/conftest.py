"""Fixtures for the account tests."""

import pytest
from django.utils import timezone

from peixun.accounts.tests.helpers import Clock


@pytest.fixture
def clock(monkeypatch) -> Clock:
    import axes.attempts
    import axes.handlers.proxy

    fake = Clock()
    monkeypatch.setattr(timezone, "now", fake)
    # axes imported `now` by name: patch those bindings too.
    monkeypatch.setattr(axes.handlers.proxy, "now", fake)
    monkeypatch.setattr(axes.attempts, "now", fake)
    return fake
