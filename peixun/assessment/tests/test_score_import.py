"""Hand-entered scores imported from a class's workbook: the template (names, masked ID numbers,
current scores; class and component on every row) read back, the upload's preview, row errors in
Chinese with row and column, and an apply that writes all rows or none."""

import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from peixun.assessment import imports as score_imports
from peixun.assessment import services
from peixun.assessment.models import ManualScore, Result
from peixun.assessment.rules import presets
from peixun.audit.models import AuditEvent
from peixun.delivery.tests.helpers import running_project
from peixun.imports.models import ImportJob, ImportStatus
from peixun.orgs.models import GrantRole
from peixun.testing.factories import make_person, make_user
from peixun.training.models import Cohort, Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(world):
    """A running project scored by a written exam (笔试, out of 100) and school practice (校本实践, out
    of 20, by hand); three trainees in the tutor's class, one in another tutor's."""
    running = running_project(world, size=4)
    services.save_version(
        project=running.project, text=presets.preset_text("exam-practice"), actor=world.county_admin
    )
    other_tutor = make_person(world.school_a1, "另一位辅导老师", section="primary", subjects=["数学"])
    other_user = make_user("other_tutor", (GrantRole.TUTOR, world.school_a1), person=other_tutor)
    second = Cohort.objects.create(project=running.project, number=2, name="第2班", tutor=other_tutor)
    Enrolment.objects.filter(pk=running.enrolments[3].pk).update(cohort=second)
    services.set_manual_score(
        enrolment=running.enrolments[0], key="practice", value=Decimal(12), actor=world.county_admin
    )
    return running, second, other_user


def _template(client, cohort, **params) -> list[list]:
    response = client.get(reverse("assessment:scores-template", args=[cohort.pk]), params)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _workbook(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _upload(client, rows: list[list]) -> ImportJob:
    response = client.post(
        reverse("imports:upload-scores"), {"file": SimpleUploadedFile("scores.xlsx", _workbook(rows))}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportJob.objects.latest("pk")


def test_the_class_template_has_names_masked_ids_and_current_scores(client, world, scored):
    running, _second, _other = scored
    client.force_login(running.tutor_user)
    rows = _template(client, running.cohort)
    header, body = rows[0], rows[1:]
    assert header[:5] == ["班级编号", "班级", "成绩项", "学员编号", "姓名"]
    assert header[-1].startswith("成绩")
    assert len(body) == 6  # 3 trainees × (笔试, 校本实践)
    assert {row[2] for row in body} == {"笔试", "校本实践"}
    assert {row[0] for row in body} == {str(running.cohort.pk)}
    first = next(row for row in body if row[3] == str(running.enrolments[0].pk) and row[2] == "校本实践")
    assert first[4] == running.teachers[0].name and first[7] == 12 and first[8] == 12
    assert all("*" in row[5] for row in body)
    assert not re.search(r"\d{17}[\dX]", str(rows))  # no full ID number anywhere
    only = _template(client, running.cohort, key="practice")
    assert {row[2] for row in only[1:]} == {"校本实践"}


def test_upload_preview_then_apply_writes_the_scores_and_recomputes(client, world, scored):
    running, _second, _other = scored
    client.force_login(running.tutor_user)
    rows = _template(client, running.cohort, key="practice")
    for row, value in zip(rows[1:], ["18", "１５．５", None], strict=True):  # full-width digits too
        row[8] = value if row[3] != str(running.enrolments[0].pk) else "18"
    job = _upload(client, rows)
    assert job.status == ImportStatus.VALID, job.errors
    assert (job.created_count, job.updated_count, job.unchanged_count) == (1, 1, 1)
    assert ManualScore.objects.count() == 1  # the preview wrote nothing

    client.post(reverse("imports:apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED
    scores = dict(ManualScore.objects.filter(key="practice").values_list("enrolment_id", "value"))
    assert scores[running.enrolments[0].pk] == Decimal("18")
    assert len(scores) == 2 and Decimal("15.5") in scores.values()
    event = AuditEvent.objects.get(action="manual_scores_imported")
    assert len(event.changes["scores"]) == 2
    assert Result.objects.get(enrolment=running.enrolments[0]).components["practice"] is not None


def test_row_errors_name_the_row_and_column_and_nothing_is_applied(client, world, scored):
    running, second, _other = scored
    client.force_login(running.tutor_user)
    rows = _template(client, running.cohort, key="practice")
    rows[1][8] = "25"  # out of 20
    rows[2][4] = "王五"  # not this trainee's name
    rows[3][8] = "十八"
    rows.append(
        [str(second.pk), "第2班", "校本实践", str(running.enrolments[3].pk), running.teachers[3].name]
    )
    rows[-1] += ["", "", "", "10"]
    rows.append([str(running.cohort.pk), "", "师德", str(running.enrolments[0].pk), running.teachers[0].name])
    rows[-1] += ["", "", "", "10"]
    job = _upload(client, rows)
    assert job.status == ImportStatus.INVALID
    found = {(error["row"], error["column"]) for error in job.errors}
    assert found == {(2, "成绩"), (3, "姓名"), (4, "成绩"), (5, "班级编号"), (6, "成绩项")}
    messages = " ".join(error["message"] for error in job.errors)
    assert (
        "0 到 20 之间" in messages and "姓名与学员编号不符" in messages and "可填：笔试、校本实践" in messages
    )
    page = client.get(reverse("imports:detail", args=[job.pk])).content.decode()
    assert reverse("imports:apply", args=[job.pk]) not in page
    client.post(reverse("imports:apply", args=[job.pk]))
    assert ManualScore.objects.count() == 1


def test_an_apply_that_fails_half_way_writes_nothing(client, world, scored, monkeypatch):
    running, _second, _other = scored
    client.force_login(running.tutor_user)
    rows = _template(client, running.cohort, key="practice")
    for row in rows[1:]:
        row[8] = "19"
    job = _upload(client, rows)
    assert job.status == ImportStatus.VALID

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(score_imports, "recompute", broken)
    client.post(reverse("imports:apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert dict(ManualScore.objects.values_list("enrolment_id", "value")) == {
        running.enrolments[0].pk: Decimal(12)
    }
    assert not AuditEvent.objects.filter(action="manual_scores_imported").exists()


def test_another_tutor_cannot_download_the_class_workbook(client, world, scored):
    running, _second, other_user = scored
    client.force_login(other_user)
    assert client.get(reverse("assessment:scores-template", args=[running.cohort.pk])).status_code == 404
    client.force_login(running.tutor_user)
    page = client.get(reverse("assessment:results", args=[running.project.pk])).content.decode()
    assert reverse("assessment:scores-template", args=[running.cohort.pk]) in page
    assert reverse("imports:upload-scores") in page
