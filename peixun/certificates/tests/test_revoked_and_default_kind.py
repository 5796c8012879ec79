"""A revoked certificate's PDF carries a large 作废 with the date it was revoked (the stored
original kept as issued) and its public page says so; the certificate a project issues by default
follows its type (RULES E2): a 合格证书 for a normal project, never the 优秀学员证书."""

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from peixun.certificates import services
from peixun.certificates.models import Certificate
from peixun.certificates.rules import kinds
from peixun.certificates.tests.helpers import closed_project, template_for
from peixun.lib.dates import format_date_zh

pytestmark = pytest.mark.django_db
PDFTOPPM = shutil.which("pdftoppm")
# PEIXUN_SHOTS=<dir> keeps the drawn page there to look at.
SHOTS = os.environ.get("PEIXUN_SHOTS", "")


def text_of(content: bytes) -> str:
    return PdfReader(io.BytesIO(content)).pages[0].extract_text().replace("\n", "")


def test_a_revoked_certificate_downloads_with_a_void_watermark_and_its_date_and_the_original_is_kept(
    client, world, tmp_path
):
    running = closed_project(world, size=1)
    services.start_batch(project=running.project, template=template_for(world), actor=world.county_admin)
    certificate = Certificate.objects.get()
    original = bytes(certificate.pdf)
    client.force_login(world.teacher_user)
    url = reverse("certificates:pdf", args=[certificate.pk])
    assert client.get(url).content == original and "作废" not in text_of(original)

    services.revoke(certificate=certificate, actor=world.city_admin, reason="信息有误")
    certificate.refresh_from_db()
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    revoked_on = format_date_zh(timezone.localdate(certificate.revoked_at))
    assert "作废" in text and f"已于{revoked_on}作废" in text
    assert certificate.number in text and running.teachers[0].name in text  # still the same certificate
    assert bytes(certificate.pdf) == original  # the stored original is untouched

    if PDFTOPPM:
        out = Path(SHOTS) if SHOTS else tmp_path
        out.mkdir(parents=True, exist_ok=True)
        pdf = tmp_path / "revoked.pdf"
        pdf.write_bytes(response.content)
        # A fixed program (found on PATH) with our own files as arguments.
        subprocess.run(  # noqa: S603
            [PDFTOPPM, "-r", "60", "-png", "-singlefile", str(pdf), str(out / "revoked-certificate")],
            check=True,
        )
        assert (out / "revoked-certificate.png").read_bytes().startswith(b"\x89PNG")


def test_the_public_page_of_a_revoked_certificate_shows_when_and_why(client, world):
    running = closed_project(world, size=1)
    services.start_batch(project=running.project, template=template_for(world), actor=world.county_admin)
    certificate = Certificate.objects.get()
    services.revoke(certificate=certificate, actor=world.city_admin, reason="重复发证")
    certificate.refresh_from_db()
    cache.clear()
    page = client.get(reverse("certificates:verify", args=[certificate.code])).content.decode()
    status = re.search(r'data-testid="verify-status">(.*?)</div>', page, re.S)
    assert status is not None
    assert "已作废" in status.group(1)
    assert format_date_zh(timezone.localdate(certificate.revoked_at)) in status.group(1)
    assert "重复发证" in status.group(1)


def _first_option(page: str) -> str:
    select = re.search(r'data-testid="template-select">(.*?)</select>', page, re.S)
    assert select is not None
    first = re.search(r'<option value="(\d+)"', select.group(1))
    assert first is not None
    return first.group(1)


def test_the_issue_form_preselects_the_kind_the_project_type_gives_never_the_excellent_one(client, world):
    running = closed_project(world, size=1)
    excellent = template_for(world, "excellent", name="东湖区优秀学员证书")
    passing = template_for(world, "pass", name="东湖区合格证书")
    completion = template_for(world, "completion", name="东湖区结业证书")
    client.force_login(world.county_admin)
    url = reverse("certificates:project", args=[running.project.pk])
    assert _first_option(client.get(url).content.decode()) == str(passing.pk)

    running.project.project_type = "backbone"
    running.project.save(update_fields=["project_type"])
    assert _first_option(client.get(url).content.decode()) == str(completion.pk)

    completion.delete()
    assert _first_option(client.get(url).content.decode()) == str(passing.pk)
    assert excellent.pk  # offered, but only by choice


def test_every_project_type_defaults_to_a_pass_certificate_but_backbone_to_completion():
    for project_type in ("all_staff", "head_teacher", "new_teacher", "degree", "it_skills", "other"):
        assert kinds.default_kind(project_type) == "pass"
    assert kinds.default_kind("backbone") == "completion"
    assert kinds.in_default_order(["excellent", "post", "pass"], "all_staff") == [2, 1, 0]
    assert kinds.in_default_order(["excellent", "pass", "completion"], "backbone") == [2, 1, 0]


def test_a_new_template_starts_as_a_pass_certificate(client, world):
    client.force_login(world.county_admin)
    page = client.get(reverse("certificates:template-create")).content.decode()
    assert re.search(r'<option value="pass"[^>]*selected', page)
    assert not re.search(r'<option value="excellent"[^>]*selected', page)
