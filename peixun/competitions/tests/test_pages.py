"""The pages of competitions through the client: entering, asking to be excused, the judge's page,
the stage's quotas and the public verification of a draw and of an award."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse

from peixun.competitions import services
from peixun.competitions.models import Award, Exemption, Place, Way
from peixun.competitions.tests.factories import competition, enter_all, teachers
from peixun.testing.factories import make_user

pytestmark = pytest.mark.django_db


def test_a_coordinator_enters_a_teacher_and_a_refusal_says_why(client, world):
    c = competition(world)
    c.seat_schools.add(world.school_a1)
    client.force_login(world.coordinator_a1)
    page = client.get(reverse("competitions:detail", args=[c.pk]))
    assert page.status_code == 200 and "enter-form" in page.text
    response = client.post(
        reverse("competitions:enter", args=[c.pk]),
        {"person": world.teacher_a1.pk, "subject": "语文"},
        follow=True,
    )
    assert "区政府所在地" in response.text
    c.seat_schools.clear()
    client.post(
        reverse("competitions:enter", args=[c.pk]), {"person": world.teacher_a1.pk, "subject": "语文"}
    )
    assert c.entries.get().subject == "语文"


def test_a_teacher_asks_to_be_excused_with_checked_evidence(client, world):
    c = competition(world)
    client.force_login(world.teacher_user)
    url = reverse("competitions:exempt", args=[c.pk])
    bad = io.BytesIO(b"MZ not a pdf")
    bad.name = "x.exe"
    response = client.post(url, {"reason": "health", "evidence_file": bad})
    assert response.status_code == 200 and not Exemption.objects.exists()
    good = io.BytesIO(b"%PDF-1.4\n1 0 obj\n")
    good.name = "诊断.pdf"
    response = client.post(url, {"reason": "health", "note": "术后休养", "evidence_file": good})
    assert response.status_code == 302
    assert Exemption.objects.get().evidence_kind == "pdf"


def test_a_judge_sees_the_other_marks_only_after_entering_their_own(client, world):
    c = competition(world)
    entry = enter_all(c, teachers(world.school_a1, 1), world.county_admin)[0]
    stage = c.stages.get(number=1)
    item = stage.items.first()
    other = make_user("judge_other")
    for user in (other, world.tutor_a1):
        services.assign_judge(item=item, group=entry.group, user=user, actor=world.county_admin)
    services.submit_score(place=Place.objects.get(entry=entry), item=item, value=Decimal("77.5"), judge=other)
    client.force_login(world.tutor_a1)
    url = reverse("competitions:judge", args=[stage.pk])
    assert "77.50" not in client.get(url).text
    client.post(url, {"place": Place.objects.get(entry=entry).pk, "item": item.pk, "value": "80"})
    assert "77.50" in client.get(url).text


def test_the_stage_shows_the_rounding_and_anyone_can_rerun_the_draw(client, world):
    c = competition(world)
    enter_all(c, teachers(world.school_a1, 7), world.county_admin)
    district = c.stages.get(number=2)
    client.force_login(world.county_admin)
    page = client.get(reverse("competitions:stage", args=[district.pk]))
    assert "四舍五入" in page.text and "1至3名" in page.text
    client.post(reverse("competitions:publish-draw", args=[district.pk]), {"seed": "seed-2026"})
    client.post(reverse("competitions:run-draw", args=[district.pk]))
    assert district.places.filter(way=Way.DRAWN).count() == 1
    client.logout()
    verify = client.get(reverse("competitions:verify-draw", args=[district.pk]))
    assert "seed-2026" in verify.text and "结果一致" in verify.text


def test_an_award_certificate_page_says_when_it_was_revoked(client, world):
    c = competition(world)
    entry = enter_all(c, teachers(world.school_a1, 1), world.county_admin)[0]
    award = Award.objects.create(
        competition=c, entry=entry, level="first", status="final", number="X", code="b" * 32
    )
    url = reverse("competitions:verify-award", args=[award.code])
    assert "有效" in client.get(url).text
    services.revoke_for_falsification(entry=entry, reason="论文抄袭", actor=world.county_admin)
    text = client.get(url).text
    assert "作废" in text and "论文抄袭" in text
