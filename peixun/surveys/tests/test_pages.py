"""The pages: staff make a template and open a survey; the trainee answers on one page from their
project page, once; the results, the response rate per class and the reminder; the bureau's
threshold and exception."""

import pytest
from django.urls import reverse
from django.utils import timezone

from peixun.audit.models import AuditEvent
from peixun.surveys.models import (
    EligibilityOverride,
    Respondent,
    Response,
    Survey,
    SurveySettings,
    SurveyTemplate,
)
from peixun.surveys.tests.factories import running_project

pytestmark = pytest.mark.django_db


def _template_post(**fields):
    data = {
        "name": "结业满意度",
        "subject": "project",
        "top_choices": ["5", "4"],
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "40",
        "items-0-kind": "likert",
        "items-0-text": "总体满意度",
        "items-0-required": "on",
        "items-1-kind": "single",
        "items-1-text": "课程难度",
        "items-1-options": "偏难\n适中",
        "items-1-required": "on",
        "items-2-kind": "text",
        "items-2-text": "",
    }
    data.update(fields)
    return data


def test_staff_open_a_survey_the_trainee_answers_once_and_staff_see_the_results(client, world):
    project, _cohort = running_project(world.county_a, [world.teacher_a1, world.teacher_a2])
    client.force_login(world.county_admin)
    refused = client.post(reverse("surveys:template-new"), _template_post(**{"items-1-options": "只有一个"}))
    assert refused.status_code == 200 and "至少需要两个选项" in refused.content.decode()
    response = client.post(reverse("surveys:template-new"), _template_post(org=world.county_a.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    template = SurveyTemplate.objects.get()
    assert template.items.count() == 2
    today = timezone.localdate()
    response = client.post(
        reverse("surveys:open", args=[project.pk]),
        {"template": template.pk, "about": "", "opens_on": today.isoformat(), "closes_on": today.isoformat()},
    )
    survey = Survey.objects.get()
    assert response["Location"] == reverse("surveys:detail", args=[survey.pk])

    client.force_login(world.teacher_user)
    page = client.get(reverse("delivery:my-project", args=[project.pk])).content.decode()
    assert reverse("surveys:answer", args=[survey.pk]) in page
    form = client.get(reverse("surveys:answer", args=[survey.pk])).content.decode()
    assert "非常满意" in form and "匿名" in form
    likert, single = (str(item["id"]) for item in survey.items)
    client.post(reverse("surveys:answer", args=[survey.pk]), {f"q{likert}": "4", f"q{single}": "适中"})
    again = client.post(
        reverse("surveys:answer", args=[survey.pk]), {f"q{likert}": "1", f"q{single}": "偏难"}, follow=True
    )
    assert "已经填写" in again.content.decode()
    assert Respondent.objects.count() == 1 and Response.objects.count() == 1
    assert (
        client.get(reverse("surveys:mine"))
        .content.decode()
        .count(reverse("surveys:answer", args=[survey.pk]))
        == 0
    )

    client.force_login(world.county_admin)
    detail = client.get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert "100.0%" in detail and "1/2" in detail and 'data-testid="remind"' in detail
    listing = client.get(reverse("surveys:list")).content.decode()
    assert survey.title in listing
    # Trainers and schools see no results.
    client.force_login(world.coordinator_a1)
    assert client.get(reverse("surveys:detail", args=[survey.pk])).status_code in (403, 404)


def test_the_bureau_sets_the_threshold_and_allows_a_trainer_with_a_reason(client, world):
    client.force_login(world.city_admin)
    client.post(reverse("surveys:eligibility"), {"action": "threshold", "threshold": "85"})
    assert SurveySettings.objects.get().threshold == 85
    year = timezone.localdate().year + 1
    url = reverse("surveys:eligibility") + f"?kind=trainer&person={world.teacher_b1.pk}&year={year}"
    page = client.get(url).content.decode()
    assert world.teacher_b1.name in page
    short = client.post(
        url,
        {
            "action": "override",
            "kind": "trainer",
            "person": world.teacher_b1.pk,
            "year": year,
            "reason": "短",
        },
    )
    assert short.status_code == 200 and not EligibilityOverride.objects.exists()
    client.post(
        url,
        {
            "action": "override",
            "kind": "trainer",
            "person": world.teacher_b1.pk,
            "year": year,
            "reason": "已完成整改，学员反馈改善",
        },
    )
    assert EligibilityOverride.objects.get().person_id == world.teacher_b1.pk
    assert AuditEvent.objects.filter(action="eligibility_overridden").exists()
