"""A change request approved while teachers enrol, on real PostgreSQL: whichever comes first, the
capacity never ends below the places taken and the counter equals the places held."""

import pytest
from django.db import connection

from peixun.testing.factories import make_person, make_project
from peixun.testing.personas import build_world
from peixun.training.exceptions import ChangeRequestInvalidError, DomainError
from peixun.training.models import ChangeRequest, Project
from peixun.training.services import changes
from peixun.training.services import enrolment as svc
from peixun.training.services.projects import places_consistent
from peixun.training.tests.test_concurrency import run_together

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL (SQLite runs one writer at a time)")


@pytest.mark.parametrize("round_", range(3))
def test_approving_a_smaller_capacity_while_teachers_enrol_never_leaves_the_project_over_capacity(round_):
    world = build_world()
    people = [make_person(world.school_a1, f"并发{round_}-{i}") for i in range(16)]
    project = make_project(world.county_a, capacity=20)
    for person in people[:4]:
        svc.enrol(project=project, person=person, actor=None)
    proposal = changes.Proposal(**{**changes.proposal_of_project(project).__dict__, "capacity": 8})
    change = changes.submit_change(
        project=project, actor=world.centre_staff, proposal=proposal, reason="缩减名额。"
    )
    jobs = [lambda p=p: svc.enrol(project=project, person=p, actor=None) for p in people[4:]]
    jobs.insert(6, lambda: changes.approve_change(change=change, actor=world.county_admin))
    results = run_together(jobs)
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, DomainError)], results
    project = Project.objects.get(pk=project.pk)
    assert project.places_taken <= project.capacity
    assert places_consistent(project)
    approved = ChangeRequest.objects.get(pk=change.pk).status == "approved"
    if approved:
        assert project.capacity == 8 and project.places_taken == 8
    else:  # enrolment passed 8 first: refused with the number taken, the project unchanged
        assert project.capacity == 20
        assert any(isinstance(r, ChangeRequestInvalidError) for r in results)
