"""Fixtures of the delivery tests."""

import pytest

from peixun.delivery.tests.helpers import running_project


@pytest.fixture
def running(world):
    return running_project(world)
