"""A project's archive: files filed for it (checked by their bytes), the zip built in the
background with every part and a PDF index, downloaded by the organiser's staff only, refused
before the close, and removed after the retention period."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from peixun.quality import services
from peixun.quality.models import ArchiveFile, ProjectArchive
from peixun.quality.tests.factories import closed_project
from peixun.testing.factories import make_project

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture(autouse=True)
def archive_dir(settings, tmp_path):
    settings.PROJECT_ARCHIVE_DIR = tmp_path


def test_the_archive_holds_every_part_with_an_index_and_only_staff_download_it(client, world):
    running = closed_project(world, size=2)
    project = running.project
    client.force_login(world.county_admin)
    url = reverse("quality:archive", args=[project.pk])
    client.post(url, {"kind": "photo", "file": SimpleUploadedFile("开班仪式.png", PNG)})
    refused = client.post(
        url, {"kind": "material", "file": SimpleUploadedFile("讲义.exe", b"MZ\x90\x00binary")}
    )
    assert refused.status_code == 400 and ArchiveFile.objects.filter(project=project).count() == 1
    response = client.post(reverse("quality:archive-start", args=[project.pk]))
    run = ProjectArchive.objects.get(project=project)
    assert response["Location"] == reverse("quality:archive-run", args=[run.pk])
    assert run.state == "done" and run.done == run.total and run.expires_on > timezone.localdate()
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="archive-download"' in page
    download = client.get(reverse("quality:archive-download", args=[run.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = archive.namelist()
    for part in ("00-档案目录.pdf", "01-方案与审批/项目信息与审批记录.xlsx", "02-名册/学员名册.xlsx",
                 "03-考勤/考勤记录.xlsx", "06-成绩/成绩表.xlsx", "07-总结/项目总结.pdf",
                 "07-总结/结业名册.pdf", "08-照片/开班仪式.png"):  # fmt: skip
        assert part in names, part
    index = PdfReader(io.BytesIO(archive.read("00-档案目录.pdf"))).pages[0].extract_text()
    assert "档案目录" in index and "开班仪式.png" in index
    client.force_login(world.outsider)
    assert client.get(reverse("quality:archive-download", args=[run.pk])).status_code == 404


def test_an_archive_waits_for_the_close_and_an_expired_one_is_swept(client, world, tmp_path):
    running = make_project(world.county_a, status="running")
    client.force_login(world.county_admin)
    page = client.post(reverse("quality:archive-start", args=[running.pk]), follow=True).content.decode()
    assert "结项后" in page and not ProjectArchive.objects.exists()
    closed = make_project(world.county_a, status="closed")
    run = services.start_archive(project=closed, actor=world.county_admin)
    assert run.state == "done" and (tmp_path / run.path.rsplit("/", 1)[-1]).exists()
    ProjectArchive.objects.filter(pk=run.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    assert services.sweep_archives() == 1
    run.refresh_from_db()
    assert run.path == "" and not list(tmp_path.glob("*.zip"))
    assert client.get(reverse("quality:archive-download", args=[run.pk])).status_code == 302
