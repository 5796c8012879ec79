"""Quality's expectations for the access-matrix test (peixun/site/tests/test_access_matrix.py) and
the near and far objects they are called with: near, kept by or organised by 东湖区; far, by 临江市.
Summary and archive pages go with the project (training.manage over its organiser; 404 without).
A project's comparison is open to whoever covers its organiser or a school of one of its trainees
(quality.compare): near, 东湖区's project with a trainee of 东湖实验小学; far, 临江市's with one of
临江第二中学."""

import tempfile
from pathlib import Path

from django.utils import timezone

from peixun.core.runs import RunState
from peixun.quality.models import ArchiveFile, ProjectArchive, ProjectSummary, Trainer
from peixun.testing.factories import make_project
from peixun.training.models import Enrolment

MANAGE = "training.manage"
COMPARE = "quality.compare"
PROJECT = {"perm": MANAGE, "denied": (404,)}

QUALITY_VIEWS: dict[str, dict] = {
    "quality:trainers": {"perm": MANAGE},
    "quality:trainers-export": {"perm": MANAGE},
    "quality:trainer-add": {"perm": MANAGE},
    "quality:trainer-detail": {"perm": MANAGE, "obj": "trainer"},
    "quality:trainer-edit": {"perm": MANAGE, "obj": "trainer"},
    "quality:trainer-review": {
        "perm": MANAGE,
        "method": "post",
        "obj": "trainer",
        "data": lambda side: {"year": 2026, "course_review": "课程扎实", "verdict": "keep"},
    },
    "quality:summary": {**PROJECT, "obj": "closed_project"},
    "quality:summary-generate": {**PROJECT, "method": "post", "obj": "closed_project"},
    "quality:summary-file": {**PROJECT, "obj": "summary_file"},
    "quality:archive": {**PROJECT, "obj": "closed_project"},
    "quality:archive-file-remove": {**PROJECT, "method": "post", "obj": "archive_file"},
    "quality:archive-start": {**PROJECT, "method": "post", "obj": "project"},
    "quality:archive-run": {**PROJECT, "obj": "archive_run"},
    "quality:archive-download": {**PROJECT, "obj": "archive_run"},
    "quality:archive-rerun": {**PROJECT, "method": "post", "obj": "archive_run"},
    "quality:comparisons": {"perm": COMPARE},
    "quality:comparison-project": {"perm": COMPARE, "obj": "compared_project"},
    "quality:comparison-schools": {"perm": COMPARE},
    "quality:comparison-plan": {"perm": "training.plan"},
}


def _side(org, trainee) -> dict:
    trainer = Trainer.objects.create(
        keeper=org, org_path=org.path, name="外聘专家", unit="江海师范学院", title="expert"
    )
    project = make_project(org, status="closed")
    ProjectSummary.objects.create(project=project, figures={"enrolled": 0}, generated_at=timezone.now())
    photo = ArchiveFile.objects.create(
        project=project, kind="photo", filename="合影.png", content_type="image/png", size=3, content=b"png"
    )
    folder = Path(tempfile.mkdtemp(prefix="quality-matrix-"))
    path = folder / f"project-{project.pk}.zip"
    path.write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    run = ProjectArchive.objects.create(
        project=project, state=RunState.DONE, path=str(path), size=22, expires_on=timezone.localdate()
    )
    Enrolment.objects.create(
        project=project, person=trainee, school=trainee.org, status="enrolled", source="self"
    )
    return {
        "compared_project": {"pk": project.pk},
        "trainer": {"pk": trainer.pk},
        "closed_project": {"pk": project.pk},
        "summary_file": {"pk": project.pk, "name": "roster.xlsx"},
        "archive_file": {"pk": project.pk, "file_pk": photo.pk},
        "archive_run": {"pk": run.pk},
    }


def quality_objects(world) -> tuple[dict, dict]:
    return _side(world.county_a, world.teacher_a1), _side(world.other_city, world.other_teacher)
