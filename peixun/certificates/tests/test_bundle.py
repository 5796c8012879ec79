"""One PDF of a class's (or a project's) certificates, made in the background (issue 13, defect 7):
the file read back has one page per valid certificate, in class and roster order, with each
holder's name and a bookmark; revoked certificates are left out and the page says so; progress
shows while it is made; staff outside the project's organiser get 404; an interrupted file is made
again whole."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from peixun.audit.models import AuditEvent
from peixun.certificates import services
from peixun.certificates.models import Certificate, CertificateBundle
from peixun.certificates.tests.helpers import closed_project, template_for
from peixun.core import runs
from peixun.lib import pdfmerge
from peixun.testing.factories import make_project
from peixun.training.models import Cohort, Enrolment

pytestmark = pytest.mark.django_db


def pages_of(content: bytes) -> list[str]:
    return [page.extract_text().replace("\n", "") for page in PdfReader(io.BytesIO(content)).pages]


@pytest.fixture
def issued(world):
    """Five trainees, all certificated: the first four in 第1班, the fifth moved to 第2班."""
    running = closed_project(world, size=5)
    services.start_batch(project=running.project, template=template_for(world), actor=world.county_admin)
    second = Cohort.objects.create(project=running.project, number=2, name="第2班")
    Enrolment.objects.filter(pk=running.enrolments[4].pk).update(cohort=second)
    return running


def test_a_class_file_has_one_page_per_valid_certificate_with_the_names_in_roster_order(
    client, world, issued
):
    project, first = issued.project, issued.cohort
    revoked = Certificate.objects.get(enrolment=issued.enrolments[1])
    services.revoke(certificate=revoked, actor=world.city_admin, reason="信息有误")
    client.force_login(world.county_admin)

    page = client.get(reverse("certificates:project", args=[project.pk])).content.decode()
    assert 'data-testid="bundle-form"' in page and "作废的证书不收入文件" in page
    response = client.post(reverse("certificates:bundle-start", args=[project.pk]), {"cohort": first.pk})
    bundle = CertificateBundle.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "certificates:bundle", args=[bundle.pk]
    )
    assert bundle.state == runs.RunState.DONE and bundle.cohort == first

    page = client.get(reverse("certificates:bundle", args=[bundle.pk])).content.decode()
    summary = re.search(r'data-testid="bundle-summary">(.*?)</p>', page, re.S)
    assert (
        summary is not None
        and "3 张证书" in summary.group(1)
        and "1 张已作废的证书未收入" in summary.group(1)
    )
    download = client.get(reverse("certificates:bundle-pdf", args=[bundle.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'attachment; filename="certificates-{project.pk}-class-1.pdf"'

    expected = sorted(
        Certificate.objects.filter(enrolment__cohort=first, revoked_at__isnull=True).select_related("person"),
        key=lambda certificate: (certificate.person.name_pinyin, certificate.enrolment_id),
    )
    texts = pages_of(download.content)
    assert len(texts) == len(expected) == 3
    for text, certificate in zip(texts, expected, strict=True):
        assert certificate.person.name in text and certificate.number in text and "作废" not in text
    assert revoked.person.name not in "".join(texts)  # the revoked one is left out
    assert issued.teachers[4].name not in "".join(texts)  # the other class's
    outline = [item.title for item in PdfReader(io.BytesIO(download.content)).outline]
    assert outline == [f"{c.person.name} {c.number}" for c in expected]
    assert AuditEvent.objects.filter(action="certificates_bundle_started", target_id=str(project.pk)).exists()


def test_the_project_file_holds_every_class_in_order_and_may_be_one_kind(client, world, issued):
    client.force_login(world.county_admin)
    client.post(
        reverse("certificates:bundle-start", args=[issued.project.pk]), {"cohort": "", "kind": "pass"}
    )
    bundle = CertificateBundle.objects.get()
    texts = pages_of(client.get(reverse("certificates:bundle-pdf", args=[bundle.pk])).content)
    assert len(texts) == 5
    assert issued.teachers[4].name in texts[-1]  # 第2班 after 第1班
    client.post(reverse("certificates:bundle-start", args=[issued.project.pk]), {"kind": "excellent"})
    assert CertificateBundle.objects.count() == 1  # none of that kind: refused, nothing queued


def test_progress_shows_while_the_file_is_made_and_the_page_polls(client, world, issued, monkeypatch):
    seen: list[tuple[int, int]] = []
    progress = runs.Work.progress

    def spy(self, done: int, total: int) -> None:
        seen.append((done, total))
        progress(self, done, total)

    monkeypatch.setattr(runs.Work, "progress", spy)
    monkeypatch.setattr(services, "BUNDLE_CHUNK", 2)
    services.start_bundle(project=issued.project, actor=world.county_admin)
    assert seen == [(0, 5), (2, 5), (4, 5), (5, 5)]

    running = CertificateBundle.objects.create(
        project=issued.project,
        state=runs.RunState.RUNNING,
        done=2,
        total=5,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    client.force_login(world.county_admin)
    url = reverse("certificates:bundle", args=[running.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="run-progress" data-state="running"' in page
    assert "2 / 5" in page and 'value="40"' in page and 'hx-trigger="every 1s"' in page
    assert "作废的证书不收入文件" in page
    assert (
        client.get(reverse("certificates:bundle-pdf", args=[running.pk])).status_code == 404
    )  # not made yet
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<section class="card" id="progress"') and "2 / 5" in fragment


def test_staff_outside_the_organiser_get_404_and_a_teacher_403(client, world, issued):
    services.start_bundle(project=issued.project, actor=world.county_admin)
    bundle = CertificateBundle.objects.get()
    client.force_login(world.outsider)
    assert client.post(reverse("certificates:bundle-start", args=[issued.project.pk])).status_code == 404
    for name in ("certificates:bundle", "certificates:bundle-pdf"):
        assert client.get(reverse(name, args=[bundle.pk])).status_code == 404
    assert client.post(reverse("certificates:bundle-rerun", args=[bundle.pk])).status_code == 404
    client.force_login(world.teacher_user)
    assert client.get(reverse("certificates:bundle-pdf", args=[bundle.pk])).status_code == 403
    # A class of another project is not this project's.
    client.force_login(world.county_admin)
    other = Cohort.objects.create(
        project=make_project(world.county_a, status="closed"), number=1, name="第1班"
    )
    response = client.post(
        reverse("certificates:bundle-start", args=[issued.project.pk]), {"cohort": other.pk}
    )
    assert response.status_code == 404


def test_a_project_without_certificates_or_too_many_is_refused_saying_what_to_do(
    client, world, issued, monkeypatch
):
    client.force_login(world.county_admin)
    empty = make_project(world.county_a, status="closed")
    response = client.post(reverse("certificates:bundle-start", args=[empty.pk]), follow=True)
    assert "还没有可收入文件的有效证书：请先发放证书。" in response.content.decode()
    monkeypatch.setattr(services, "BUNDLE_LIMIT", 4)
    response = client.post(reverse("certificates:bundle-start", args=[issued.project.pk]), follow=True)
    assert "一个文件最多 4 张证书，所选有 5 张：请按班级分别下载。" in response.content.decode()
    assert not CertificateBundle.objects.exists()


def test_a_failed_file_keeps_nothing_and_is_made_again_whole(client, world, issued, monkeypatch):
    calls = {"n": 0}
    add = pdfmerge.Merger.add

    def flaky(self, content: bytes, bookmark: str = "") -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk")
        add(self, content, bookmark)

    monkeypatch.setattr(pdfmerge.Merger, "add", flaky)
    bundle = services.start_bundle(project=issued.project, actor=world.county_admin)
    bundle.refresh_from_db()
    assert bundle.state == runs.RunState.FAILED and bytes(bundle.content) == b""
    client.force_login(world.county_admin)
    page = client.get(reverse("certificates:bundle", args=[bundle.pk])).content.decode()
    assert 'data-testid="rerun"' in page
    assert client.get(reverse("certificates:bundle-pdf", args=[bundle.pk])).status_code == 404

    client.post(reverse("certificates:bundle-rerun", args=[bundle.pk]))
    bundle.refresh_from_db()
    assert bundle.state == runs.RunState.DONE and bundle.attempts == 2
    assert len(pages_of(bytes(bundle.content))) == 5


def test_a_newer_file_of_the_same_choice_replaces_the_older_one_which_says_where_to_go(client, world, issued):
    older = services.start_bundle(project=issued.project, cohort=issued.cohort, actor=world.county_admin)
    other_class = services.start_bundle(project=issued.project, actor=world.county_admin)
    newer = services.start_bundle(project=issued.project, cohort=issued.cohort, actor=world.county_admin)
    client.force_login(world.county_admin)
    assert client.get(reverse("certificates:bundle-pdf", args=[older.pk])).status_code == 404
    page = client.get(reverse("certificates:bundle", args=[older.pk])).content.decode()
    assert (
        'data-testid="bundle-replaced"' in page
        and reverse("certificates:project", args=[issued.project.pk]) in page
    )
    for kept in (other_class, newer):
        assert client.get(reverse("certificates:bundle-pdf", args=[kept.pk])).status_code == 200
