"""One way to take a place: every mode that gives someone a place (self-enrolment, nomination,
waitlist promotion, mandatory enrolment, the lottery draw) goes through
`services.enrolment.places.take_places`, so a full project or a used quota stops each of them the
same way, and no other code raises the counters."""

import ast
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from peixun.testing.factories import make_project as _make_project
from peixun.training.exceptions import CapacityTooSmallError, ProjectFullError, QuotaFullError
from peixun.training.models import Enrolment, Project, SchoolQuota
from peixun.training.services import codes
from peixun.training.services import enrolment as svc
from peixun.training.services.projects import places_consistent

ROOT = Path(__file__).resolve().parents[2]  # the peixun package
PLACES = ROOT / "training" / "services" / "enrolment" / "places.py"
COUNTERS = {"places_taken", "used", "quota"}


def _raises_a_counter(node: ast.AST) -> str | None:
    """`counter=F("…") + n` (an ORM UPDATE raising a counter), or a SQL text doing the same."""
    if isinstance(node, ast.keyword) and node.arg in COUNTERS:
        value = node.value
        if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
            return node.arg
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = " ".join(node.value.lower().split())
        for counter in COUNTERS:
            if f"{counter} = {counter} +" in text:
                return counter
    if isinstance(node, ast.Name) and node.id == "TAKE_PLACE":
        return "TAKE_PLACE"
    return None


def test_no_code_but_the_places_module_raises_a_place_counter():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if path == PLACES or {"tests", "migrations", "testing"} & set(relative.parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # Docstrings describe the statements; only code counts.
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if id(node) in docstrings:
                continue
            found = _raises_a_counter(node)
            if found:
                offenders.append(f"{relative}:{getattr(node, 'lineno', '?')} {found}")
    assert offenders == [], "take places through services.enrolment.places.take_places"


def test_the_scan_would_see_a_second_way_to_take_a_place():
    code = 'Project.objects.filter(pk=1).update(places_taken=F("places_taken") + 1)\nTAKE_PLACE.run(1)'
    found = {_raises_a_counter(node) for node in ast.walk(ast.parse(code))} - {None}
    assert found == {"places_taken", "TAKE_PLACE"}
    assert _raises_a_counter(ast.parse('"UPDATE q SET used = used + 1"').body[0].value) == "used"


def make_project(world, **fields) -> Project:
    return _make_project(world.county_a, **fields)


def held(project: Project) -> int:
    project.refresh_from_db(fields=["places_taken"])
    assert places_consistent(project)
    return project.places_taken


def quota_used(project: Project, school) -> tuple[int, int]:
    row = SchoolQuota.objects.get(project=project, org=school)
    return row.quota, row.used


def after_window(project: Project) -> datetime:
    assert project.enrol_closes_at is not None
    return project.enrol_closes_at + timedelta(minutes=1)


# --- A full project: each mode is refused (or waits) and the counter stays at the capacity ----------


def test_self_enrolment_in_a_full_project_is_refused_without_a_waitlist(world, teachers):
    project = make_project(world, capacity=1, waitlist=False)
    svc.enrol(project=project, person=teachers[0], actor=None)
    with pytest.raises(ProjectFullError):
        svc.enrol(project=project, person=teachers[1], actor=None)
    assert held(project) == 1


def test_self_enrolment_in_a_full_project_waits_on_the_waitlist_without_a_place(world, teachers):
    project = make_project(world, capacity=1)
    svc.enrol(project=project, person=teachers[0], actor=None)
    assert svc.enrol(project=project, person=teachers[1], actor=None).status == "waitlisted"
    assert held(project) == 1


def test_a_nomination_in_a_full_project_is_refused(world, teachers):
    project = make_project(world, capacity=1, enrolment_mode="nomination")
    svc.nominate(project=project, person=teachers[0], actor=world.coordinator_a1)
    with pytest.raises(ProjectFullError):
        svc.nominate(project=project, person=teachers[1], actor=world.coordinator_a1)
    assert held(project) == 1
    assert not Enrolment.objects.filter(project=project, person=teachers[1]).exists()


def test_the_waitlist_is_not_promoted_into_a_full_project_and_fills_exactly_the_freed_place(world, teachers):
    project = make_project(world, capacity=1)
    first = svc.enrol(project=project, person=teachers[0], actor=None)
    for person in teachers[1:3]:
        svc.enrol(project=project, person=person, actor=None)
    assert svc.promote_waitlist(project=project) == []
    svc.withdraw_enrolment(enrolment=first, actor=None)  # frees one place, promotes one
    assert held(project) == 1
    assert Enrolment.objects.get(project=project, person=teachers[1]).status == "enrolled"
    assert Enrolment.objects.get(project=project, person=teachers[2]).status == "waitlisted"


def test_mandatory_enrolment_into_a_project_without_room_for_everyone_takes_no_place(world, teachers):
    project = make_project(world, capacity=3, enrolment_mode="mandatory")
    svc.enrol(project=project, person=teachers[0], actor=None)  # B1: one takes part of their own accord
    with pytest.raises(CapacityTooSmallError):
        svc.enrol_mandatory(project=project, actor=None)
    assert held(project) == 1


def test_mandatory_enrolment_takes_exactly_the_places_left_when_they_suffice(world, teachers):
    audience = 2 + len(teachers)  # teacher_a1, teacher_a2 and the five
    project = make_project(world, capacity=audience, enrolment_mode="mandatory")
    svc.enrol(project=project, person=teachers[0], actor=None)
    assert svc.enrol_mandatory(project=project, actor=None) == audience - 1
    assert held(project) == audience


def test_the_lottery_draw_gives_out_no_more_than_the_capacity(world, teachers):
    project = make_project(world, capacity=2, enrolment_mode="lottery", waitlist=False)
    for person in teachers:
        svc.enrol(project=project, person=person, actor=None)
    assert held(project) == 0  # registrations take no place
    draw = svc.draw_lottery(project=project, actor=None, seed="s", now=after_window(project))
    assert draw.winners == 2
    assert held(project) == 2


# --- A used school quota: each mode that respects quotas stops at it ------------------------------------


def quota_project(world, **fields) -> Project:
    project = make_project(world, capacity=10, quota_mode="manual", **fields)
    svc.set_quotas(
        project=project, quotas_by_school={world.school_a1.pk: 1, world.school_a2.pk: 1}, actor=None
    )
    return project


def test_self_enrolment_stops_at_the_schools_quota(world, teachers):
    project = quota_project(world, waitlist=False)
    svc.enrol(project=project, person=teachers[0], actor=None)
    with pytest.raises(QuotaFullError):
        svc.enrol(project=project, person=teachers[1], actor=None)
    assert quota_used(project, world.school_a1) == (1, 1)
    assert held(project) == 1


def test_a_nomination_stops_at_the_schools_quota(world, teachers):
    project = quota_project(world, enrolment_mode="nomination")
    svc.nominate(project=project, person=teachers[0], actor=world.coordinator_a1)
    with pytest.raises(QuotaFullError):
        svc.nominate(project=project, person=teachers[1], actor=world.coordinator_a1)
    assert quota_used(project, world.school_a1) == (1, 1)
    assert held(project) == 1


def test_promotion_skips_the_waitlisted_of_a_school_whose_quota_is_used(world, teachers):
    project = quota_project(world)
    svc.enrol(project=project, person=teachers[0], actor=None)
    assert svc.enrol(project=project, person=teachers[1], actor=None).status == "waitlisted"
    assert svc.promote_waitlist(project=project) == []  # the project has room; the school has none
    assert quota_used(project, world.school_a1) == (1, 1)
    assert held(project) == 1


def test_the_lottery_draw_stops_at_each_schools_quota(world, teachers):
    project = quota_project(world, enrolment_mode="lottery", waitlist=False)
    for person in [*teachers, world.teacher_a2]:
        svc.enrol(project=project, person=person, actor=None)
    draw = svc.draw_lottery(project=project, actor=None, seed="s", now=after_window(project))
    assert draw.winners == 2
    assert quota_used(project, world.school_a1) == (1, 1)
    assert quota_used(project, world.school_a2) == (1, 1)
    assert held(project) == 2


def test_after_the_release_a_school_takes_from_the_pool_and_its_quota_grows_with_it(world, teachers):
    project = quota_project(world, waitlist=False)
    svc.enrol(project=project, person=teachers[0], actor=None)
    svc.release_quotas(project=project, actor=None)
    project.refresh_from_db()
    svc.enrol(project=project, person=teachers[1], actor=None)
    assert quota_used(project, world.school_a1) == (2, 2)
    assert quota_used(project, world.school_a2) == (0, 0)  # its unused place went to the pool
    assert held(project) == 2


def test_a_project_refusal_gives_back_the_schools_quota_step(world, teachers):
    """The quota row is raised before the project row: a full project must undo that step."""
    project = quota_project(world, waitlist=False)
    svc.enrol(project=project, person=world.teacher_a2, actor=None)
    Project.objects.filter(pk=project.pk).update(capacity=1)  # full, while school_a1 has its quota
    with pytest.raises(ProjectFullError):
        svc.enrol(project=project, person=teachers[0], actor=None)
    assert quota_used(project, world.school_a1) == (1, 0)
    assert held(project) == 1


def test_handing_out_learning_codes_takes_no_place(world, teachers):
    project = make_project(world, capacity=2, uses_learning_codes=True)
    enrolment = svc.enrol(project=project, person=teachers[0], actor=None)
    assert codes.generate_codes(project=project, actor=None, extra=1) == 2
    codes.issue_all(project=project, school=world.school_a1, actor=None)
    assert project.learning_codes.get(person=enrolment.person)
    assert held(project) == 1
