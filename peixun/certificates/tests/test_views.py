"""Certificate pages through the client: the teacher's list, PDF and personal file; the staff's
project tab, batch progress and templates; the public verification page (same fields, revoked or
not, rate-limited) and the lookup by number and name."""

import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from peixun.certificates import services
from peixun.certificates.models import Certificate
from peixun.certificates.tests.helpers import closed_project, seal_png, template_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(world):
    running = closed_project(world, size=2)
    services.start_batch(project=running.project, template=template_for(world), actor=world.county_admin)
    certificate = Certificate.objects.get(person=world.teacher_a1)
    return running, certificate


def test_the_teacher_lists_and_downloads_their_certificate(client, world, issued):
    running, certificate = issued
    client.force_login(world.teacher_user)
    page = client.get(reverse("certificates:mine")).content.decode()
    assert certificate.number in page
    response = client.get(reverse("certificates:pdf", args=[certificate.pk]))
    assert response["Content-Type"] == "application/pdf" and bytes(response.content).startswith(b"%PDF")
    hours = client.get(reverse("ledger:mine")).content.decode()
    assert running.project.title in hours and 'data-testid="my-certificates-link"' in hours


def test_another_teacher_gets_404_for_a_certificate_that_is_not_theirs(client, world, issued):
    _running, certificate = issued
    other = Certificate.objects.exclude(pk=certificate.pk).get()
    client.force_login(world.teacher_user)
    assert client.get(reverse("certificates:pdf", args=[other.pk])).status_code == 404
    assert client.get(reverse("certificates:detail", args=[other.pk])).status_code == 404


def test_anyone_verifies_a_certificate_by_its_code_with_the_same_fields(client, world, issued):
    _running, certificate = issued
    cache.clear()
    page = client.get(reverse("certificates:verify", args=[certificate.code])).content.decode()
    for field in ("number", "name", "id_masked", "project", "hours", "issuer"):
        assert str(certificate.fields[field]) in page, field
    assert 'data-testid="verify-status"' in page and "alert-success" in page
    services.revoke(certificate=certificate, actor=world.city_admin, reason="重复发证")
    page = client.get(reverse("certificates:verify", args=[certificate.code])).content.decode()
    assert "重复发证" in page and "alert-danger" in page


def test_an_unknown_code_is_404_and_the_page_is_rate_limited(client, settings, issued):
    cache.clear()
    settings.VERIFY_RATE_PER_MINUTE = 3
    url = reverse("certificates:verify", args=["a" * 32])
    assert [client.get(url).status_code for _ in range(4)] == [404, 404, 404, 429]


def test_the_lookup_needs_the_number_and_the_name(client, world, issued):
    _running, certificate = issued
    cache.clear()
    url = reverse("certificates:lookup")
    wrong = client.post(url, {"number": certificate.number, "name": "别人"})
    assert 'data-testid="lookup-not-found"' in wrong.content.decode()
    right = client.post(url, {"number": certificate.number.lower(), "name": certificate.fields["name"]})
    assert right.status_code == 302 and right["Location"].endswith(f"{certificate.code}/")


def test_staff_see_the_project_tab_the_batch_and_templates(client, world, issued):
    running, certificate = issued
    client.force_login(world.county_admin)
    assert (
        certificate.number
        in client.get(reverse("certificates:project", args=[running.project.pk])).content.decode()
    )
    batch = certificate.batch
    assert (
        client.get(reverse("certificates:batch", args=[batch.pk]), HTTP_HX_REQUEST="true").status_code == 200
    )
    assert client.get(reverse("certificates:templates")).status_code == 200
    preview = client.get(reverse("certificates:template-preview", args=[certificate.template_id]))
    assert preview["Content-Type"] == "application/pdf"


def test_a_template_is_made_with_its_seal_through_the_form(client, world):
    client.force_login(world.county_admin)
    upload = io.BytesIO(seal_png())
    upload.name = "seal.png"
    response = client.post(
        reverse("certificates:template-create"),
        {
            "org": world.county_a.pk,
            "name": "结业证书",
            "kind": "completion",
            "issuer": "东湖区教育局",
            "region": "320705",
            "active": "on",
            "seal_file": upload,
        },
    )
    assert response.status_code == 302
    from peixun.certificates.models import CertificateTemplate

    template = CertificateTemplate.objects.get(name="结业证书")
    assert bytes(template.seal).startswith(b"\x89PNG") and template.title == "结业证书"


def test_the_personal_file_downloads_as_pdf_and_xlsx_with_the_hours_and_certificates(client, world, issued):
    from peixun.testing.factories import adopt_preset

    running, certificate = issued
    adopt_preset(world.city)
    client.force_login(world.teacher_user)
    page = client.get(reverse("certificates:archive"))
    assert page.status_code == 200
    pdf = client.get(reverse("certificates:archive-pdf"))
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert (
        "继续教育个人档案" in text
        and running.project.title in text.replace("\n", "")
        and certificate.number in text
    )
    workbook = load_workbook(io.BytesIO(client.get(reverse("certificates:archive-xlsx")).content))
    assert workbook.sheetnames == ["个人信息", "培训记录", "证书"]
    assert workbook["证书"]["A2"].value == certificate.number


def test_a_school_coordinator_opens_their_teachers_archive_but_not_others(client, world, issued):
    client.force_login(world.coordinator_a1)
    assert (
        client.get(reverse("certificates:person-archive-pdf", args=[world.teacher_a1.pk])).status_code == 200
    )
    assert (
        client.get(reverse("certificates:person-archive-pdf", args=[world.teacher_b1.pk])).status_code == 404
    )
