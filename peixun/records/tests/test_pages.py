"""The records' pages through the client: the coordinator keeps a teacher's records (checked when
entered), the 班主任 warning says what to do, the teacher reads their own, the bureau drills down
the degree report, marks rural schools and sets the figures; the lists export."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from peixun.records.models import Probation, QualificationCertificate, RecordsPolicy
from peixun.records.tests.factories import qualification

pytestmark = pytest.mark.django_db


def _post(client, world, **data):
    return client.post(reverse("records:person", args=[world.teacher_a1.pk]), data, follow=True)


def test_the_coordinator_adds_a_certificate_and_a_wrong_date_is_refused_in_place(client, world):
    client.force_login(world.coordinator_a1)
    fields = {
        "action": "qualification",
        "number": "20193201000123",
        "kind": "primary",
        "subject": "语文",
        "issuer": "东湖区教育局",
        "issued_on": "2019-07-01",
        "registered_on": "2018-01-01",
    }
    response = client.post(reverse("records:person", args=[world.teacher_a1.pk]), fields)
    assert response.status_code == 400
    assert (
        "不能早于发证日期" in response.content.decode()
        or "registration cannot be before" in response.content.decode()
    )
    assert not QualificationCertificate.objects.exists()
    fields["registered_on"] = ""
    page = _post(client, world, **fields).content.decode()
    assert QualificationCertificate.objects.get().due_on == date(2024, 7, 1)
    assert "2024年7月1日" in page
    certificate = QualificationCertificate.objects.get()
    _post(
        client,
        world,
        action="check",
        certificate=certificate.pk,
        kind="registration",
        checked_on="2024-06-20",
        result="passed",
    )
    certificate.refresh_from_db()
    assert certificate.due_on == date(2029, 6, 20)


def test_making_a_head_teacher_without_a_post_certificate_warns_with_what_to_do(client, world):
    client.force_login(world.coordinator_a1)
    page = _post(client, world, action="head_teacher").content.decode()
    assert 'data-testid="head-teacher"' in page
    assert "上岗证书" in page and "20" in page
    listed = client.get(reverse("records:head-teachers")).content.decode()
    assert 'data-testid="needs"' in listed and "李晓明" in listed


def test_a_stage_result_cannot_be_entered_before_its_test_is_due(client, world):
    client.force_login(world.coordinator_a1)
    joined = timezone.localdate() - timedelta(days=30)
    response = client.post(
        reverse("records:person", args=[world.teacher_a1.pk]),
        {
            "action": "probation",
            "joined_on": joined.isoformat(),
            "adapt": "passed",
            "qualify": "pending",
            "shape": "pending",
            "excel": "pending",
        },
    )
    assert response.status_code == 400
    assert not Probation.objects.exists()


def test_the_teacher_reads_their_own_records_and_cannot_change_them(client, world):
    qualification(world)
    client.force_login(world.teacher_user)
    response = client.get(reverse("records:mine"), follow=True)
    page = response.content.decode()
    assert 'data-testid="qualification"' in page
    assert 'data-testid="qualification-form"' not in page
    # The whole training file (every training, hours, certificates) is one tap away.
    assert f'href="{reverse("certificates:archive")}" data-testid="training-file"' in page
    refused = client.post(reverse("records:person", args=[world.teacher_a1.pk]), {"action": "head_teacher"})
    assert refused.status_code == 404


def test_the_bureau_drills_down_the_degree_report_and_marks_a_rural_school(client, world):
    client.force_login(world.city_admin)
    page = client.get(reverse("records:degrees")).content.decode()
    assert "东湖区" in page and "西山县" in page
    county = client.get(reverse("records:degrees"), {"org": world.county_b.pk}).content.decode()
    assert "西山中心小学" in county and f"?org={world.city.pk}" in county
    client.post(
        reverse("records:rural", args=[world.school_b1.pk]), {"rural": "1", "back": world.county_b.pk}
    )
    world.school_b1.refresh_from_db()
    assert world.school_b1.rural
    assert client.get(reverse("records:degrees"), {"org": world.other_city.pk}).status_code == 404


def test_the_bureau_sets_the_figures_and_the_due_list_exports_them(client, world):
    qualification(world, issued_on=date(2022, 3, 1))
    client.force_login(world.city_admin)
    response = client.post(
        reverse("records:settings"),
        {
            "registration_years": "3",
            "remind_days": "60",
            "rural_primary_target": "85",
            "junior_target": "90",
            "target_year": "2029",
            "probation_hours": "120",
        },
    )
    assert response.status_code == 302
    assert RecordsPolicy.objects.get(org=world.city).junior_target == 90
    due = client.get(reverse("records:due")).content.decode()
    assert "李晓明" in due and "2025年3月1日" in due
    book = load_workbook(io.BytesIO(client.get(reverse("records:due-export")).content))
    assert book.active["A2"].value == "李晓明" and book.active["I2"].value == "2025年3月1日"


def test_the_teachers_list_counts_each_teachers_certificates_and_degrees(client, world):
    """The list takes its page of teachers first and counts theirs alone (no grouping of the
    whole county): each row still says how many certificates and degrees the teacher has."""
    from peixun.records.models import Degree

    qualification(world)
    qualification(world, number="20190001999999", kind="junior")
    Degree.objects.create(person=world.teacher_a1, level="bachelor", school="师大", major="中文",
                          awarded_on=date(2010, 7, 1))  # fmt: skip
    client.force_login(world.coordinator_a1)
    page = client.get(reverse("records:teachers")).content.decode()
    start = page.index(world.teacher_a1.name)
    row = page[start : start + 800]
    assert "2 本证书 · 1 条学历" in row
