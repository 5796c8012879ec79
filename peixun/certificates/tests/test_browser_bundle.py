"""In a browser, on a phone: the centre picks a class on the certificates page, makes its PDF and
downloads it — one page per valid certificate, the revoked one left out, as the page said."""

import io
import os
from pathlib import Path

from django.urls import reverse
from pypdf import PdfReader

from peixun.certificates import services
from peixun.certificates.models import Certificate
from peixun.certificates.tests.helpers import closed_project, template_for
from peixun.testing.browser import csp_refusals, needs_chromium, new_page
from peixun.testing.factories import PASSWORD
from peixun.testing.personas import build_world
from peixun.testing.screenshots import sign_in
from peixun.training.models import Cohort, Enrolment

pytestmark = needs_chromium
# PEIXUN_SHOTS=<dir> keeps the screenshots there to look at.
SHOTS = os.environ.get("PEIXUN_SHOTS", "")


def test_the_centre_downloads_one_classs_certificates_as_one_pdf_on_a_phone(live_server, browser, tmp_path):
    world = build_world()
    running = closed_project(world, size=5)
    services.start_batch(project=running.project, template=template_for(world), actor=world.county_admin)
    second = Cohort.objects.create(project=running.project, number=2, name="第2班")
    Enrolment.objects.filter(pk=running.enrolments[4].pk).update(cohort=second)
    revoked = Certificate.objects.get(enrolment=running.enrolments[2])
    services.revoke(certificate=revoked, actor=world.city_admin, reason="信息有误")
    shots = Path(SHOTS) if SHOTS else tmp_path

    page = new_page(browser, width=390, language="zh-hans")
    sign_in(page, live_server.url, "county_admin", PASSWORD)
    page.goto(live_server.url + reverse("certificates:project", args=[running.project.pk]))
    form = page.get_by_test_id("bundle-form")
    assert "作废的证书不收入文件" in form.inner_text() and "1 张作废的证书将不收入" in form.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    form.screenshot(path=str(shots / "bundle-form-390.png"))
    page.get_by_test_id("bundle-cohort").select_option(label="第1班")
    with page.expect_navigation():
        page.get_by_test_id("bundle-start").click()
    summary = page.get_by_test_id("bundle-summary").inner_text()
    assert "共 3 张证书" in summary and "1 张已作废的证书未收入" in summary
    page.screenshot(path=str(shots / "bundle-done-390.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_test_id("bundle-download").click()
    reader = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    texts = [p.extract_text().replace("\n", "") for p in reader.pages]
    assert len(texts) == 3
    names = [running.teachers[i].name for i in (0, 1, 3)]
    assert all(any(name in text for text in texts) for name in names)
    assert revoked.person.name not in "".join(texts)
    assert not csp_refusals(page)
