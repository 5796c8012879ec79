"""Reads for the training pages."""

import pytest

from peixun.testing.factories import make_user
from peixun.training import selectors

pytestmark = pytest.mark.django_db


def test_an_account_without_a_teacher_record_has_no_teacher_project_list(world):
    account = make_user("staff_only")
    assert selectors.teacher_projects(account, selectors.ProjectFilter()) == []
