"""Mandatory enrolment's pages, in Chinese (the default language): the button when everyone fits,
the preview with its two ways on when they do not, the confirmation of exactly the preview, the
run's page, and undoing a run after a confirmation page."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from peixun.testing.factories import make_person, make_project
from peixun.training.models import Enrolment, MandatoryRun, Project
from peixun.training.rules import mandatory as rules

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return response.content.decode()


def flashed(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.fixture
def crowd(world):
    """Eleven teachers in 东湖区: seven at 东湖实验小学, four at 东湖第一中学 (with the world's two)."""
    for i in range(6):
        make_person(world.school_a1, f"甲校{i}", subjects=["语文"])
    for i in range(3):
        make_person(world.school_a2, f"乙校{i}", subjects=["数学"])


@pytest.fixture
def staff(client, world):
    client.force_login(world.centre_staff)
    return client


def mandatory_project(world, **fields):
    return make_project(world.county_a, enrolment_mode="mandatory", **fields)


def test_the_button_enrols_everyone_when_they_fit_and_the_run_says_what_it_did(staff, world, crowd):
    project = mandatory_project(world, capacity=20)
    response = staff.post(reverse("training:mandatory", args=[project.pk]))
    run = MandatoryRun.objects.get(project=project)
    assert response.status_code == 302 and response["Location"] == reverse(
        "training:mandatory-run", args=[run.pk]
    )
    body = page(staff.get(response["Location"]))
    assert "已完成：报名 11 人，候补 0 人。" in body
    assert "名额足够，全部报名" in body and "撤销这次全员报名" in body
    listed = page(staff.get(reverse("training:project-enrolments", args=[project.pk])))
    assert "全员报名记录" in listed and "报名 11 人，候补 0 人" in listed


def test_beyond_the_places_the_button_leads_to_a_preview_of_the_two_ways_not_a_dead_end(staff, world, crowd):
    project = mandatory_project(world, capacity=5)
    response = staff.post(reverse("training:mandatory", args=[project.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("training:mandatory-preview", args=[project.pk])
    assert "须参加的有 11 人，但只剩 5 个名额。请选择处理方式" in flashed(response)
    body = page(staff.get(response["Location"]))
    assert "须参加的有 11 人，但只剩 5 个名额。" in body
    assert "增开班级，全部报名" in body and "按规则顺序报满名额" in body
    assert 'data-testid="confirm"' not in body  # nothing to confirm before a way is chosen
    assert not Enrolment.objects.filter(project=project).exists()


def test_the_ordered_way_shows_each_schools_outcome_the_rule_in_chinese_and_the_seed_then_applies_it(
    staff, world, crowd
):
    project = mandatory_project(world, capacity=5)
    url = reverse("training:mandatory-preview", args=[project.pk])
    response = staff.get(url, {"option": rules.ORDER, "seed": "公开种子2026"})
    body = page(response)
    assert "报名 5 人，6 人列入候补。" in body
    assert "最大余数法" in body and "抽签" in body and "复算出相同结果" in body
    assert "公开种子2026" in body
    rows = re.findall(
        r'<tr data-testid="school-row"><td>(.*?)</td><td class="text-end">(\d+)</td>'
        r'<td class="text-end">(\d+)</td><td class="text-end">(\d+)</td>',
        body,
    )
    assert rows == [("东湖实验小学", "7", "3", "4"), ("东湖第一中学", "4", "2", "2")]
    plan = response.context["plan"]
    response = staff.post(url, {"option": rules.ORDER, "seed": plan.seed, "digest": plan.digest})
    run = MandatoryRun.objects.get(project=project)
    assert response["Location"] == reverse("training:mandatory-run", args=[run.pk])
    body = page(staff.get(response["Location"]))
    assert "已完成：报名 5 人，候补 6 人。" in body
    assert "公开种子2026" in body and "用同一随机种子重新抽签，结果一致。" in body
    assert (run.seed, run.enrolled, run.waitlisted) == ("公开种子2026", 5, 6)


def test_the_classes_way_shows_the_capacity_and_the_classes_then_applies_them(staff, world, crowd):
    project = mandatory_project(world, capacity=5, class_size=4, group_by="school")
    url = reverse("training:mandatory-preview", args=[project.pk])
    response = staff.get(url, {"option": rules.CLASSES})
    body = page(response)
    assert "11 人全部报名；总名额由 5 调整为 11。" in body
    assert "将编成 3 个班，每班不超过 4 人：" in body
    assert body.count("东湖实验小学 · 4 人") == 1 and "东湖实验小学 · 3 人" in body
    plan = response.context["plan"]
    response = staff.post(url, {"option": rules.CLASSES, "digest": plan.digest})
    body = page(staff.get(response["Location"]))
    assert "已完成：报名 11 人，候补 0 人。" in body and "5 → 11" in body
    project.refresh_from_db()
    assert project.capacity == 11 and project.cohorts.count() == 3


def test_a_confirmation_after_the_audience_changed_is_refused_and_the_preview_shown_again(
    staff, world, crowd
):
    project = mandatory_project(world, capacity=5)
    url = reverse("training:mandatory-preview", args=[project.pk])
    plan = staff.get(url, {"option": rules.ORDER, "seed": "s"}).context["plan"]
    make_person(world.school_a2, "新调入")
    response = staff.post(url, {"option": rules.ORDER, "seed": "s", "digest": plan.digest})
    assert response["Location"] == f"{url}?option=order&seed=s"
    assert "未作任何更改：自预览以来，需报名的人员或名额已有变化。" in flashed(response)
    assert not MandatoryRun.objects.filter(project=project).exists()
    assert "报名 5 人，7 人列入候补。" in page(staff.get(response["Location"]))


def test_undo_asks_first_then_removes_the_runs_enrolments_and_gives_the_places_back(staff, world, crowd):
    project = mandatory_project(world, capacity=5)
    url = reverse("training:mandatory-preview", args=[project.pk])
    plan = staff.get(url, {"option": rules.ORDER, "seed": "u"}).context["plan"]
    staff.post(url, {"option": rules.ORDER, "seed": "u", "digest": plan.digest})
    run = MandatoryRun.objects.get(project=project)
    undo = reverse("training:mandatory-undo", args=[run.pk])
    body = page(staff.get(undo))
    assert "撤销后：" in body and "删除这次产生的 11 条报名和候补记录" in body and "退回 5 个名额" in body
    assert Enrolment.objects.filter(project=project).count() == 11  # asking changed nothing
    response = staff.post(undo)
    assert "已撤销：删除 11 条报名，恢复 0 条原有记录，退回 5 个名额。" in flashed(response)
    assert not Enrolment.objects.filter(project=project).exists()
    body = page(staff.get(reverse("training:mandatory-run", args=[run.pk])))
    assert "撤销：这次报名产生的报名记录已删除" in body and 'data-testid="undo"' not in body


def test_undo_once_enrolment_has_closed_is_refused_with_the_way_on(staff, world, crowd):
    project = mandatory_project(world, capacity=20)
    staff.post(reverse("training:mandatory", args=[project.pk]))
    run = MandatoryRun.objects.get(project=project)
    Project.objects.filter(pk=project.pk).update(status="running")
    response = staff.get(reverse("training:mandatory-undo", args=[run.pk]))
    assert response.status_code == 302
    assert "无法撤销" in flashed(response) and "逐一退出" in flashed(response)
    assert Enrolment.objects.filter(project=project).count() == 11


def test_a_failed_run_says_why_in_chinese_and_offers_to_preview_again(staff, world, crowd):
    project = mandatory_project(world, capacity=5)
    plan = staff.get(
        reverse("training:mandatory-preview", args=[project.pk]), {"option": rules.ORDER, "seed": "f"}
    ).context["plan"]
    run = MandatoryRun.objects.create(
        project=project, option=rules.ORDER, seed="f", digest=plan.digest, eligible=plan.eligible
    )
    make_person(world.school_a1, "晚到")
    from peixun.core import runs

    runs.enqueue(run)
    body = page(staff.get(reverse("training:mandatory-run", args=[run.pk])))
    assert "未作任何更改：自预览以来" in body and "重新预览" in body
    assert "option=order&amp;seed=f" in body


def test_a_project_that_is_not_mandatory_has_no_preview(staff, world, crowd):
    project = make_project(world.county_a)
    response = staff.get(reverse("training:mandatory-preview", args=[project.pk]))
    assert response.status_code == 302
    assert flashed(response)
