"""The trainer pool through its pages and services: adding internal and external trainers, the
yearly review and its audit, satisfaction through the hook (unknown is not zero), what a trainer
taught, and the pool ordering a class's tutors and the project form's suggestions (C2, F3)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from peixun.audit.models import AuditEvent
from peixun.quality import hooks, services
from peixun.quality.models import Trainer
from peixun.quality.tests.factories import add_external, add_internal
from peixun.testing.factories import make_person, make_project
from peixun.training.models import Cohort, ProjectTrainer
from peixun.training.services import cohorts as cohort_services

pytestmark = pytest.mark.django_db


def test_staff_add_an_internal_and_an_external_trainer_and_a_duplicate_is_refused(client, world):
    leader = make_person(world.school_a1, "学科带头人甲", roles=["subject_leader"])
    client.force_login(world.county_admin)
    url = reverse("quality:trainer-add")
    page = client.get(url).content.decode()
    assert "学科带头人甲" in page
    form = {"keeper": world.county_a.pk, "person": leader.pk, "title": "subject_leader", "subjects": "语文"}
    response = client.post(url, form)
    trainer = Trainer.objects.get(person=leader)
    assert response.status_code == 302 and trainer.name == "学科带头人甲" and trainer.unit == "东湖实验小学"
    again = client.post(url, form, follow=True).content.decode()
    assert "已在" in again and Trainer.objects.filter(person=leader).count() == 1
    missing_unit = client.post(url, {"keeper": world.county_a.pk, "name": "张教授", "title": "expert"})
    assert missing_unit.status_code == 200 and not Trainer.objects.filter(name="张教授").exists()
    client.post(url, {"keeper": world.county_a.pk, "name": "张教授", "unit": "江海大学", "title": "expert"})
    assert Trainer.objects.get(name="张教授").person_id is None
    assert AuditEvent.objects.filter(action="quality_trainer_added").count() == 2


def test_the_yearly_review_sets_the_state_is_audited_and_replaces_that_years(client, world):
    trainer = add_external(world)
    client.force_login(world.county_admin)
    url = reverse("quality:trainer-review", args=[trainer.pk])
    client.post(
        url,
        {"year": 2026, "course_review": "课程内容陈旧", "feedback": "学员反映一般", "verdict": "probation"},
    )
    trainer.refresh_from_db()
    assert trainer.state == "probation"
    client.post(url, {"year": 2026, "course_review": "整改后仍不理想", "verdict": "remove"})
    trainer.refresh_from_db()
    assert trainer.state == "removed" and trainer.reviews.get().course_review == "整改后仍不理想"
    event = AuditEvent.objects.filter(action="quality_trainer_reviewed").latest("id")
    assert event.changes["state"] == ["观察期", "已移出"]
    refused = client.post(url, {"year": 2026, "course_review": "", "verdict": "keep"})
    assert refused.status_code == 400
    assert "已移出" in client.get(reverse("quality:trainer-detail", args=[trainer.pk])).content.decode()


def test_satisfaction_is_unknown_without_answers_and_shown_from_the_hook(client, world):
    trainer = add_internal(world)
    client.force_login(world.county_admin)
    page = client.get(reverse("quality:trainers")).content.decode()
    assert "暂无评价" in page and "0.0%" not in page

    def answers(*, person_ids, year):
        return {trainer.person_id: (Decimal("0.875"), 16)} if trainer.person_id in person_ids else None

    with hooks.trainer_satisfaction.added(answers, order=99, name="test.surveys"):
        page = client.get(reverse("quality:trainers")).content.decode()
        detail = client.get(reverse("quality:trainer-detail", args=[trainer.pk])).content.decode()
    assert "87.5%" in page and "87.5%" in detail and "16" in detail


def test_a_trainer_shows_the_projects_they_taught_and_tutored(client, world):
    trainer = add_internal(world)
    named = make_project(world.county_a, title="新课标研修班", status="closed")
    ProjectTrainer.objects.create(
        project=named, person=trainer.person, name=trainer.name, role="trainer", topic="单元教学"
    )
    tutored = make_project(world.county_a, title="班主任培训", status="running")
    Cohort.objects.create(project=tutored, number=1, name="第1班", tutor=trainer.person)
    client.force_login(world.county_admin)
    page = client.get(reverse("quality:trainer-detail", args=[trainer.pk])).content.decode()
    assert "新课标研修班" in page and "单元教学" in page and "班主任培训" in page


def test_tutors_come_from_the_pool_leaders_first_and_removed_ones_never(world):
    project = make_project(world.county_a, status="running")
    plain = make_person(world.school_a1, "普通导师", roles=["tutor"])
    removed_person = make_person(world.school_a1, "已移出者", roles=["backbone"])
    leader_person = make_person(
        world.school_a2, "学科带头人乙"
    )  # no role on the roster: the pool brings them in
    add_internal(world, removed_person, title="backbone")
    leader = add_internal(world, leader_person, title="subject_leader")
    services.review_trainer(
        trainer=Trainer.objects.get(person=removed_person),
        year=2026,
        course_review="不合格",
        feedback="",
        verdict="remove",
        actor=world.county_admin,
    )
    names = [p.name for p in cohort_services.tutor_candidates(project)]
    assert names[0] == leader.name and "普通导师" in names and plain.name in names
    assert "已移出者" not in names


def test_the_project_form_suggests_the_pool_without_removed_trainers(client, world):
    add_external(world, "王教授")
    gone = add_external(world, "李讲师")
    services.review_trainer(
        trainer=gone, year=2026, course_review="差", feedback="", verdict="remove", actor=world.county_admin
    )
    add_external(world, "远方专家", keeper=world.other_city, actor=world.outsider)
    client.force_login(world.county_admin)
    page = client.get(reverse("training:project-create")).content.decode()
    assert 'id="trainer-suggestions"' in page and "王教授" in page
    assert "李讲师" not in page and "远方专家" not in page
