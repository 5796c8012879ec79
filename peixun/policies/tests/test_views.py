"""The policy pages through the client: write a draft (errors point at the field and keep the
text), adopt it (everyone under it is re-evaluated), try a draft with a what-if run."""

import pytest
from django.urls import reverse
from django.utils import timezone

from peixun.ledger.models import ComplianceResult
from peixun.policies.models import PolicyVersion, WhatIfRun
from peixun.policies.rules.presets import preset_text
from peixun.testing.factories import adopt_preset, give_hours

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}

BAD = """code: donghu
name: 东湖区政策
period: {kind: cycle, years: 5, anchor: 2021-01-01}
required: {hours: 360}
rules:
  - {id: city, label: 市级, select: {levels: [town]}, min_hours: 10}
"""


def test_a_county_admin_writes_a_draft_and_is_shown_each_problem_with_the_text_kept(client, world):
    client.force_login(world.county_admin)
    form = client.get(reverse("policies:create"), {"preset": "annual-60"})
    assert "每人每年接受教育政策" in form.content.decode()
    data = {"org": world.county_a.pk, "text": BAD, "effective_from": "2026-01-01"}
    response = client.post(reverse("policies:create"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "规则第1条·计入范围·级别第1项" in page  # the field named in Chinese
    assert "national、provincial、city、county、school" in page
    assert "东湖区政策" in page  # the text is still in the form
    assert not PolicyVersion.objects.exists()
    good = {**data, "text": BAD.replace("[town]", "[city]")}
    response = client.post(reverse("policies:create"), good)
    version = PolicyVersion.objects.get()
    assert response["Location"] == reverse("policies:version", args=[version.pk])
    assert version.is_draft and version.policy.org == world.county_a


def test_a_policy_may_be_uploaded_as_a_file(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.city_admin)
    upload = SimpleUploadedFile("policy.yaml", preset_text("annual-60").encode())
    data = {"org": world.city.pk, "text": "", "upload": upload, "effective_from": "2026-01-01"}
    assert client.post(reverse("policies:create"), data).status_code == 302
    assert PolicyVersion.objects.get().policy.code == "annual-60"


def test_a_county_admin_cannot_bind_a_policy_above_their_county(client, world):
    client.force_login(world.county_admin)
    data = {"org": world.city.pk, "text": preset_text("annual-60"), "effective_from": "2026-01-01"}
    response = client.post(reverse("policies:create"), data)
    assert response.status_code == 400  # the city is not among the choices: refused
    assert "org" in response.context["form"].errors
    assert not PolicyVersion.objects.exists()


def test_adopting_a_draft_re_evaluates_everyone_it_governs(client, world, django_capture_on_commit_callbacks):
    give_hours(
        world.teacher_a1,
        60,
        "k1",
        category="practice",
        level="school",
        mode="school_based",
        source="school_based",
        title="校本研修",
    )
    assert not ComplianceResult.objects.exists()
    client.force_login(world.city_admin)
    client.post(
        reverse("policies:create"),
        {"org": world.city.pk, "text": preset_text("annual-60"), "effective_from": "2021-01-01"},
    )
    version = PolicyVersion.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("policies:adopt", args=[version.pk]))
    assert response.status_code == 302
    version.refresh_from_db()
    assert not version.is_draft
    result = ComplianceResult.objects.get(person=world.teacher_a1)
    assert result.compliant and result.version == version
    assert ComplianceResult.objects.filter(person=world.teacher_b2).exists()
    # An adopted version is frozen.
    edit = client.get(reverse("policies:version-edit", args=[version.pk]))
    assert edit.status_code == 302


def test_the_centre_reads_policies_but_does_not_change_them(client, world):
    version = adopt_preset(world.city)
    client.force_login(world.centre_staff)
    assert client.get(reverse("policies:version", args=[version.pk])).status_code == 200
    assert client.get(reverse("policies:create")).status_code == 403


def test_a_what_if_run_counts_who_would_be_short_on_which_rule(client, world):
    adopt_preset(world.city, "annual-60")
    give_hours(
        world.teacher_a1,
        60,
        "k1",
        category="practice",
        level="school",
        mode="school_based",
        source="school_based",
        title="校本研修",
    )
    client.force_login(world.city_admin)
    client.post(
        reverse("policies:create"),
        {"org": world.city.pk, "text": preset_text("five-year-360"), "effective_from": "2027-01-01"},
    )
    draft = PolicyVersion.objects.get(status="draft")
    response = client.post(
        reverse("ledger:what-if-start", args=[draft.pk]),
        {"org": world.county_a.pk, "as_of": timezone.localdate().isoformat()},
    )
    run = WhatIfRun.objects.get()
    assert response["Location"] == reverse("ledger:what-if", args=[run.pk])
    assert run.state == "done"
    assert (run.result["people"], run.result["short"], run.result["short_today"]) == (2, 2, 1)
    rules = {item["rule"]: item["short"] for item in run.result["rules"]}
    assert rules["total"] == 2 and rules["level_school"] == 2
    page = client.get(reverse("ledger:what-if", args=[run.pk]), **EN).content.decode()
    assert "Would be short" in page
    # Outside the user's area: no run.
    response = client.post(
        reverse("ledger:what-if-start", args=[draft.pk]),
        {"org": world.other_city.pk, "as_of": timezone.localdate().isoformat()},
    )
    assert WhatIfRun.objects.count() == 1


@pytest.mark.parametrize(
    ("code", "cap_words"),
    [("five-year-360", True), ("annual-60", False)],
)
def test_a_policys_page_says_how_adjustments_taking_hours_away_count(client, world, code, cap_words):
    client.force_login(world.centre_staff)
    page = client.get(reverse("policies:preset", args=[code])).content.decode()
    assert (
        "来源为“调整”的负学时（调减）从总学时中扣除，也从其类别、标签、层级、形式相符的各项要求中扣除" in page
    )
    assert ("先扣除再计上限" in page) is cap_words
    assert "均不低于零" in page
