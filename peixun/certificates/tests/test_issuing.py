"""Issuing certificates: who qualifies, numbering by region-year-sequence, the PDF with its
embedded CJK font (read back and drawn), idempotent batches, revocation."""

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from peixun.certificates import services
from peixun.certificates.models import Certificate, CertificateBatch
from peixun.certificates.rules import numbers
from peixun.certificates.tests.helpers import closed_project, template_for

pytestmark = pytest.mark.django_db
PDFTOPPM = shutil.which("pdftoppm")


def test_a_batch_issues_a_pass_certificate_to_each_passing_trainee_once(world):
    running = closed_project(world, size=3, absent=1)
    template = template_for(world)
    batch = services.start_batch(project=running.project, template=template, actor=world.county_admin)
    batch.refresh_from_db()
    assert (batch.state, batch.total, batch.done) == ("done", 2, 2)
    issued = Certificate.objects.filter(project=running.project).order_by("number")
    year = timezone.localdate().year
    assert [c.number for c in issued] == [f"320705-{year}-000001", f"320705-{year}-000002"]
    assert {c.person_id for c in issued} == {p.pk for p in running.teachers[:2]}
    assert all(numbers.is_code(c.code) for c in issued)
    # Again: nothing new, and the sequence goes on from where it stopped.
    again = services.start_batch(project=running.project, template=template, actor=world.county_admin)
    again.refresh_from_db()
    assert (again.total, Certificate.objects.count()) == (0, 2)
    assert CertificateBatch.objects.count() == 2


def test_the_pdf_embeds_its_font_and_reads_back_in_chinese(world, tmp_path: Path):
    running = closed_project(world, size=1)
    services.start_batch(project=running.project, template=template_for(world), actor=world.county_admin)
    certificate = Certificate.objects.get()
    reader = PdfReader(io.BytesIO(bytes(certificate.pdf)))
    text = reader.pages[0].extract_text()
    assert "合 格 证 书" in text or "合格证书" in text
    assert running.teachers[0].name in text
    assert certificate.number in text
    assert f"核验码：{numbers.check_code(certificate.code)}" in text  # the check code beside the number
    assert "3207" in text and "*" in text  # the masked ID number
    assert running.project.title in text.replace("\n", "")
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descriptors = [
        fonts[name].get_object()["/FontDescriptor"]
        for name in fonts
        if "/FontDescriptor" in fonts[name].get_object()
    ]
    assert descriptors and all("/FontFile2" in d for d in descriptors)  # embedded TrueType subsets
    if PDFTOPPM:
        pdf = tmp_path / "certificate.pdf"
        pdf.write_bytes(bytes(certificate.pdf))
        # A fixed program (found on PATH) with our own temporary files as arguments.
        subprocess.run(  # noqa: S603
            [PDFTOPPM, "-r", "40", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True
        )
        png = (tmp_path / "page.png").read_bytes()
        assert png.startswith(b"\x89PNG") and len(png) > 5000


def test_nothing_is_issued_before_the_project_closes(world):
    from peixun.delivery.tests.helpers import running_project

    running = running_project(world, size=1)
    with pytest.raises(services.NotIssuableError):
        services.start_batch(project=running.project, template=template_for(world), actor=world.county_admin)


def test_revoking_needs_a_reason_and_a_revoked_certificate_may_be_issued_again(world):
    running = closed_project(world, size=1)
    template = template_for(world)
    services.start_batch(project=running.project, template=template, actor=world.county_admin)
    certificate = Certificate.objects.get()
    with pytest.raises(services.ReasonRequiredError):
        services.revoke(certificate=certificate, actor=world.city_admin, reason=" ")
    services.revoke(certificate=certificate, actor=world.city_admin, reason="信息有误")
    with pytest.raises(services.AlreadyRevokedError):
        services.revoke(certificate=certificate, actor=world.city_admin, reason="again")
    services.start_batch(project=running.project, template=template, actor=world.county_admin)
    assert Certificate.objects.filter(revoked_at__isnull=True).count() == 1
    assert Certificate.objects.count() == 2


def test_reopening_and_failing_revokes_the_certificate(world):
    from peixun.delivery.models import Attendance
    from peixun.training.services import move_project

    running = closed_project(world, size=1)
    services.start_batch(project=running.project, template=template_for(world), actor=world.county_admin)
    move_project(project=running.project, action="reopen", actor=world.county_admin, reason="考勤有误")
    for mark in Attendance.objects.filter(enrolment=running.enrolments[0]):
        from peixun.delivery.services import attendance as attendance_services

        attendance_services.mark(
            lesson=mark.lesson, enrolment=mark.enrolment, status="absent", actor=world.county_admin
        )
    move_project(project=running.project, action="close", actor=world.county_admin)
    certificate = Certificate.objects.get()
    assert certificate.revoked and "不符合" in certificate.revoke_reason


def test_numbers_are_taken_in_disjoint_blocks(world):
    year = timezone.localdate().year
    assert services.allocate("320705", year, 5) == 1
    assert services.allocate("320705", year, 3) == 6
    assert services.allocate("320706", year, 1) == 1


def test_a_seal_that_is_not_an_image_is_refused(world):
    with pytest.raises(services.TemplateInvalidError):
        services.save_template(
            org=world.county_a,
            actor=world.county_admin,
            fields={"name": "x", "kind": "pass", "issuer": "x", "region": "320705"},
            seal=b"MZ\x90\x00 not an image",
        )


def test_a_batch_interrupted_half_way_issues_only_the_rest_when_run_again(world):
    from datetime import timedelta

    from peixun.audit.models import AuditEvent

    running = closed_project(world, size=3)
    template = template_for(world)
    batch = CertificateBatch.objects.create(
        project=running.project, template=template, kind=template.kind, actor=world.county_admin
    )
    # Its worker issued the first chunk (one trainee), then was killed.
    assert services.issue_chunk(batch, services.missing(running.project, template.kind)[:1]) == 1
    old = timezone.now() - timedelta(hours=1)
    CertificateBatch.objects.filter(pk=batch.pk).update(
        state="running", done=1, total=3, attempts=1, heartbeat_at=old, worker="gone:1"
    )
    batch.refresh_from_db()
    assert batch.shown_state == "interrupted" and "已发放的证书继续有效" in batch.shown_error

    services.run_again(batch=batch, actor=world.county_admin)
    batch.refresh_from_db()
    assert (batch.state, batch.total, batch.done, batch.counts) == ("done", 2, 2, {"issued": 2})
    issued = Certificate.objects.filter(project=running.project, revoked_at__isnull=True)
    assert issued.count() == 3
    assert sorted(issued.values_list("enrolment_id", flat=True)) == sorted(e.pk for e in running.enrolments)
    assert AuditEvent.objects.filter(action="background_run_restarted").count() == 1
    with pytest.raises(services.NotRestartableError):
        services.run_again(batch=batch, actor=world.county_admin)
