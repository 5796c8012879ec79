"""Certificate pages through the client: the teacher's list, PDF and personal file; the staff's
project tab, batch progress and templates; the public verification page (same fields, revoked or
not, with no part of the holder's ID number, rate-limited) and the lookup by number and check code,
limited per address and per number."""

import io
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from peixun.certificates import services
from peixun.certificates.models import Certificate
from peixun.certificates.rules import numbers
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


def test_anyone_verifies_a_certificate_by_its_code_with_what_proves_it(client, world, issued):
    _running, certificate = issued
    cache.clear()
    page = client.get(reverse("certificates:verify", args=[certificate.code])).content.decode()
    for field in ("number", "name", "project", "hours", "issuer"):
        assert str(certificate.fields[field]) in page, field
    assert "2026年" in page or str(certificate.issued_on.year) in page
    assert 'data-testid="verify-status"' in page and "alert-success" in page
    services.revoke(certificate=certificate, actor=world.city_admin, reason="重复发证")
    page = client.get(reverse("certificates:verify", args=[certificate.code])).content.decode()
    assert "重复发证" in page and "alert-danger" in page
    assert "已作废" in page or "Revoked" in page


def test_the_public_page_shows_no_digit_of_the_holders_id_number(client, world, issued):
    _running, certificate = issued
    cache.clear()
    number = certificate.person.reveal_id_number()
    assert certificate.fields["id_masked"]  # the snapshot holds it; the PDF prints it masked
    page = client.get(reverse("certificates:verify", args=[certificate.code])).content.decode()
    assert number not in page and certificate.fields["id_masked"] not in page
    # Neither the last four, nor the birth date, nor any other run of the number's own digits
    # (the region code is the certificate number's too, so it is looked for after the region).
    for part in (number[-4:], number[6:14], number[10:18], number[14:18]):
        assert not re.search(rf"(?<![0-9]){re.escape(part)}(?![0-9Xx])", page), part
    assert "*" * 4 not in page
    assert "证件号码" not in page and "ID number" not in page


def test_an_unknown_code_is_404_and_the_page_is_rate_limited(client, settings, issued):
    cache.clear()
    settings.VERIFY_RATE_PER_MINUTE = 3
    url = reverse("certificates:verify", args=["a" * 32])
    assert [client.get(url).status_code for _ in range(4)] == [404, 404, 404, 429]


def test_the_lookup_needs_the_number_and_the_check_code(client, world, issued):
    _running, certificate = issued
    cache.clear()
    url = reverse("certificates:lookup")
    check = numbers.check_code(certificate.code)
    wrong_code = "AAAA-AAAA" if check != "AAAA-AAAA" else "BBBB-BBBB"
    for data in (
        {"number": certificate.number, "check": wrong_code},
        {"number": certificate.number, "check": certificate.fields["name"]},  # the name no longer does
        {"number": "320705-2026-999999", "check": check},
    ):
        wrong = client.post(url, data)
        assert wrong.status_code == 200 and 'data-testid="lookup-not-found"' in wrong.content.decode(), data
    right = client.post(url, {"number": certificate.number.lower(), "check": check.lower().replace("-", " ")})
    assert right.status_code == 302 and right["Location"].endswith(f"{certificate.code}/")


def test_the_check_code_is_shown_to_the_holder(client, world, issued):
    _running, certificate = issued
    client.force_login(world.teacher_user)
    page = client.get(reverse("certificates:detail", args=[certificate.pk])).content.decode()
    assert numbers.check_code(certificate.code) in page


def test_lookups_are_limited_per_address(client, settings, issued):
    _running, certificate = issued
    cache.clear()
    url = reverse("certificates:lookup")
    statuses = [
        client.post(url, {"number": f"320705-2026-{n:06d}", "check": "AAAA-AAAA"}, REMOTE_ADDR="10.5.0.1")
        for n in range(100, 111)
    ]
    assert [r.status_code for r in statuses] == [200] * 10 + [429]
    assert (
        "访问过于频繁" in statuses[-1].content.decode()
        or "Too many requests" in statuses[-1].content.decode()
    )
    # Another address is not held back.
    other = client.post(url, {"number": certificate.number, "check": "AAAA-AAAA"}, REMOTE_ADDR="10.5.0.2")
    assert other.status_code == 200


def test_one_number_is_looked_up_at_most_so_often_from_all_addresses_together(client, settings, issued):
    _running, certificate = issued
    cache.clear()
    settings.VERIFY_NUMBER_RATE_PER_HOUR = 3
    url = reverse("certificates:lookup")
    check = numbers.check_code(certificate.code)
    wrong = "AAAA-AAAA" if check != "AAAA-AAAA" else "BBBB-BBBB"
    statuses = [
        client.post(
            url, {"number": certificate.number, "check": wrong}, REMOTE_ADDR=f"10.6.0.{n}"
        ).status_code
        for n in range(1, 4)
    ]
    assert statuses == [200, 200, 200]
    # From a fresh address, even the right code is refused for this number now, with a Chinese message.
    refused = client.post(url, {"number": certificate.number, "check": check}, REMOTE_ADDR="10.6.0.9")
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert "查询过于频繁" in refused.content.decode()
    # Other numbers are not held back.
    other = client.post(url, {"number": "320705-2026-999999", "check": wrong}, REMOTE_ADDR="10.6.0.9")
    assert other.status_code == 200


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
    assert workbook.sheetnames[:4] == ["个人信息", "培训项目", "作业", "证书"]
    assert workbook["证书"]["A2"].value == certificate.number


def test_a_school_coordinator_opens_their_teachers_archive_but_not_others(client, world, issued):
    client.force_login(world.coordinator_a1)
    assert (
        client.get(reverse("certificates:person-archive-pdf", args=[world.teacher_a1.pk])).status_code == 200
    )
    assert (
        client.get(reverse("certificates:person-archive-pdf", args=[world.teacher_b1.pk])).status_code == 404
    )
