import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from peixun.ledger.models import CreditEntry
from peixun.recognition.models import Declaration, Status
from peixun.recognition.tests.factories import PDF, declare

pytestmark = pytest.mark.django_db


def form(**fields):
    values = {
        "provider": "国家中小学智慧教育平台",
        "course": "家校共育专题",
        "level": "national",
        "category": "ethics_literacy",
        "mode": "remote",
        "starts_on": "2026-05-01",
        "ends_on": "2026-05-20",
        "hours": "8",
        "certificate_no": "JX-77",
        "proof_file": SimpleUploadedFile("证书.pdf", PDF, content_type="application/pdf"),
    }
    values.update(fields)
    return values


def test_a_teacher_declares_with_a_proof_the_school_and_the_bureau_approve_and_the_hours_are_posted(
    client, world
):
    client.force_login(world.teacher_user)
    refused = client.post(
        reverse("recognition:declare"),
        form(hours="8.3", proof_file=SimpleUploadedFile("证书.pdf", b"MZ not a pdf")),
    )
    assert refused.status_code == 200
    assert "0.5" in refused.content.decode() and "PDF" in refused.content.decode()
    response = client.post(reverse("recognition:declare"), form())
    declaration = Declaration.objects.get(person=world.teacher_a1)
    assert response.status_code == 302 and declaration.status == Status.PENDING_SCHOOL
    assert "家校共育专题" in client.get(reverse("recognition:mine")).content.decode()

    client.force_login(world.coordinator_a1)
    inbox = client.get(reverse("recognition:school")).content.decode()
    assert "家校共育专题" in inbox
    client.post(reverse("recognition:review", args=[declaration.pk, "school"]), {"decision": "approve"})
    client.force_login(world.county_admin)
    page = client.get(reverse("recognition:detail", args=[declaration.pk])).content.decode()
    assert 'data-testid="review-form"' in page
    client.post(reverse("recognition:review", args=[declaration.pk, "bureau"]), {"decision": "approve"})
    assert CreditEntry.objects.get(person=world.teacher_a1).source == "recognition"
    export = client.get(reverse("recognition:inbox-export", args=["bureau"]) + "?show=all")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_reviewer_sees_the_duplicate_beside_it_and_others_get_404(client, world):
    declare(world.teacher_a1, world.teacher_user, certificate_no="DUP-1")
    second = declare(world.teacher_a2, None, course="另一门课", certificate_no="DUP-1")
    client.force_login(world.coordinator_a1)  # 东湖实验小学 only: 王芳 is in 东湖第一中学
    assert client.get(reverse("recognition:detail", args=[second.pk])).status_code == 404
    client.force_login(world.county_admin)
    page = client.get(reverse("recognition:detail", args=[second.pk])).content.decode()
    assert 'data-testid="duplicates"' in page and "新课标解读与教学设计" in page
    client.force_login(world.teacher_user)
    assert client.get(reverse("recognition:detail", args=[second.pk])).status_code == 404
    assert client.get(reverse("recognition:proof", args=[second.pk])).status_code == 404
