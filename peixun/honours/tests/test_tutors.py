"""A programme title held today ranks its holder among a class's tutors and the project form's
trainers (RULES C2, E7), through peixun.training.hooks.held_titles; a removed or lapsed one not."""

from datetime import timedelta

import pytest
from django.utils import timezone

from peixun.honours import services
from peixun.honours.models import ReviewOutcome
from peixun.honours.tests import factories
from peixun.quality import steps as quality_steps
from peixun.quality.tests.factories import add_external, add_internal
from peixun.testing.factories import make_person, make_project
from peixun.training.services import cohorts as cohort_services

pytestmark = pytest.mark.django_db


def _tutors(project) -> list[str]:
    return [p.name for p in cohort_services.tutor_candidates(project)]


def test_a_held_title_offers_its_holder_first_as_a_tutor_until_it_is_removed_or_lapses(world):
    project = make_project(world.county_a, status="running")
    make_person(world.school_a1, "普通导师", roles=["tutor"])
    holder = make_person(world.school_a1, "骨干教师甲", roles=["tutor"])
    lapsed = make_person(world.school_a1, "期满名师", roles=["tutor"])
    honour = factories.title(holder)  # 骨干教师 since 400 days ago, for five years
    factories.title(lapsed, "区名师", starts_on=timezone.localdate() - timedelta(days=5 * 366 + 10))
    names = _tutors(project)
    assert names.index("骨干教师甲") < names.index("普通导师") < names.index("期满名师")

    services.review_title(
        honour=honour,
        school_year=2025,
        outcome=ReviewOutcome.REMOVE,
        note="连续两年未完成指导任务",
        actor=world.county_admin,
    )
    names = _tutors(project)
    assert names.index("普通导师") < names.index("骨干教师甲")


def test_a_pool_trainer_holding_a_district_master_title_is_suggested_first_by_it(world):
    add_internal(world)  # 骨干甲, a backbone teacher of the pool
    add_external(world, "王教授")
    master = add_internal(world, make_person(world.school_a2, "区名师乙", roles=["tutor"]), title="other")
    factories.title(master.person, "区名师")
    suggested = quality_steps.suggest_trainers(user=world.county_admin, project=make_project(world.county_a))
    assert [(s.name, s.note) for s in suggested][:2] == [("区名师乙", "区名师"), ("骨干甲", "骨干教师")]
