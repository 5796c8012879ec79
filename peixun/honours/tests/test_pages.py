"""The honours pages: the public notice (no sign-in, no ID numbers) and its objection form, a
school's nomination with evidence files, the bureau's selection page, the teacher's own titles."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from peixun.honours.models import Guidance, Nomination, Objection
from peixun.honours.tests import factories

pytestmark = pytest.mark.django_db


def test_the_public_notice_lists_names_and_schools_without_id_numbers_and_takes_objections(client, world):
    selection, nomination = factories.in_notice(world.county_a, world.teacher_a2, world.county_admin)
    page = client.get(reverse("honours:notice", args=[selection.pk]))
    content = page.content.decode()
    assert page.status_code == 200 and "王芳" in content and "东湖第一中学" in content
    assert world.teacher_a2.id_masked not in content and "objection-form" in content
    sent = client.post(
        reverse("honours:notice", args=[selection.pk]),
        {"nomination": nomination.pk, "text": "该教师曾有违规补课行为，请核实。", "contact": ""},
    )
    assert sent.status_code == 302
    assert Objection.objects.get().nomination == nomination
    assert selection.name in client.get(reverse("honours:notices")).content.decode()


def test_a_selection_still_open_is_not_public(client, world):
    selection = factories.selection(world.county_a, world.county_admin)
    assert client.get(reverse("honours:notice", args=[selection.pk])).status_code == 404


def test_a_coordinator_nominates_with_evidence_and_a_disguised_file_is_refused(client, world):
    selection = factories.selection(world.county_a, world.county_admin)
    client.force_login(world.coordinator_a1)
    url = reverse("honours:nominate", args=[selection.pk])
    data = {
        "person": world.teacher_a1.pk,
        "kind": factories.kind("师德先进个人").pk,
        "statement": factories.STATEMENT,
    }
    fake = io.BytesIO(b"MZ\x90\x00 not a pdf")
    fake.name = "事迹.pdf"
    refused = client.post(url, {**data, "evidence": fake})
    assert refused.status_code == 200 and "只能上传" in refused.content.decode()
    assert not Nomination.objects.exists()
    real = io.BytesIO(factories.PDF)
    real.name = "事迹.pdf"
    sent = client.post(url, {**data, "evidence": real})
    nomination = Nomination.objects.get()
    assert sent.status_code == 302 and nomination.evidence.get().kind == "pdf"
    assert "李晓明" in client.get(reverse("honours:school")).content.decode()


def test_the_bureau_sees_quotas_and_the_ethics_veto_on_the_selection_page(client, world):
    from peixun.assessment.services import record_veto

    selection = factories.selection(world.county_a, world.county_admin)
    factories.nominate(selection, world.teacher_a2, world.county_admin)
    record_veto(person=world.teacher_a2, year=selection.year, reason="体罚学生", actor=world.city_admin)
    client.force_login(world.county_admin)
    content = client.get(reverse("honours:selection", args=[selection.pk])).content.decode()
    assert 'data-testid="veto"' in content and "师德先进个人" in content


def test_a_teacher_sees_their_obligations_and_logs_guidance_on_the_phone_page(client, world):
    factories.title(world.teacher_a1)
    client.force_login(world.teacher_user)
    url = reverse("honours:mine")
    page = client.get(url).content.decode()
    assert "骨干教师" in page and 'data-testid="progress"' in page
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    refused = client.post(
        url, {"given_on": future, "hours": "2", "place": "东湖实验小学", "description": "听评课"}
    )
    assert refused.status_code == 200 and not Guidance.objects.exists()
    today = timezone.localdate().isoformat()
    client.post(url, {"given_on": today, "hours": "2.5", "place": "东湖实验小学", "description": "听评课"})
    assert Guidance.objects.get().person == world.teacher_a1
