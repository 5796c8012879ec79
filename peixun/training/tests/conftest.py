"""Fixtures for the training tests."""

import pytest

from peixun.orgs.models import GrantRole
from peixun.testing.factories import make_person, make_user


@pytest.fixture
def teachers(world):
    """Five more teachers with accounts at 东湖实验小学, for capacity and waitlist tests."""
    people = [
        make_person(world.school_a1, f"教师{i}", section="primary", subjects=["语文"]) for i in range(5)
    ]
    for index, person in enumerate(people):
        make_user(f"t{index}", (GrantRole.TEACHER, world.school_a1), person=person)
    return people
