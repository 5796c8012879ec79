"""A judge's score sheet downloaded, filled in Excel and read back (preview, refusals with their
reasons, all or nothing); an award's certificate PDF and its refusal once revoked; the entry
deadline."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from peixun.audit.models import AuditEvent
from peixun.competitions import exceptions as E
from peixun.competitions import services
from peixun.competitions.models import Award, AwardStatus, Place, Score, Way
from peixun.competitions.tests.factories import competition, enter_all, teachers
from peixun.testing.factories import make_user

pytestmark = pytest.mark.django_db


def _sheet(client, url: str) -> tuple:
    book = load_workbook(io.BytesIO(client.get(url).content))
    return book, book.worksheets[0]


def _upload(client, url: str, book) -> str:
    output = io.BytesIO()
    book.save(output)
    return client.post(url, {"file": SimpleUploadedFile("评分表.xlsx", output.getvalue())}).text


def test_a_judges_sheet_is_checked_row_by_row_and_written_all_or_nothing(client, world):
    c = competition(world)
    final = c.stages.get(number=3)
    primary, junior = c.groups.get(name="小学青年组"), c.groups.get(name="初中青年组")
    judge, other = make_user("judge1"), make_user("judge2")
    items = list(final.items.all()[:2])
    for item in items:
        services.assign_judge(item=item, group=primary, user=judge, actor=world.county_admin)
        services.assign_judge(item=item, group=junior, user=other, actor=world.county_admin)
    mine = enter_all(c, teachers(world.school_a1, 2), world.county_admin)
    theirs = enter_all(c, teachers(world.school_a2, 1, prefix="初中", section="junior"), world.county_admin)
    for entry in [*mine, *theirs]:
        Place.objects.create(stage=final, entry=entry, way=Way.NOMINATED)
    client.force_login(judge)
    sheet_url = reverse("competitions:judge-sheet", args=[final.pk])
    upload_url = reverse("competitions:judge-upload", args=[final.pk])

    book, sheet = _sheet(client, sheet_url)
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 4 and all(row[-1] in (None, "") for row in rows)
    assert theirs[0].person.name not in {row[2] for row in rows}  # only the judge's own competitors
    sheet["G2"] = 88.5
    sheet["G3"] = "=90+1"  # a live formula
    sheet["G4"] = 120
    sheet["G5"] = 77
    sheet.append([theirs[0].pk, items[0].pk, "", "", "", "", 90])  # another judge's competitor
    text = _upload(client, upload_url, book)
    assert "公式" in text and "0 到 100" in text and "不是分配给您" in text
    assert 'name="token"' not in text and not Score.objects.exists()  # one bad row: nothing to save

    book, sheet = _sheet(client, sheet_url)
    sheet["G2"] = 88.5
    sheet["G5"] = "77"
    text = _upload(client, upload_url, book)
    token = text.split('name="token" value="')[1].split('"')[0]
    client.post(reverse("competitions:judge-apply", args=[final.pk]), {"token": token})
    assert sorted(Score.objects.values_list("value", flat=True)) == [Decimal("77"), Decimal("88.5")]
    assert AuditEvent.objects.filter(action="competition_scored").count() == 2
    assert AuditEvent.objects.filter(action="competition_scores_imported").exists()
    # The service itself refuses a mark outside the judge's assignment and writes nothing.
    place = Place.objects.get(stage=final, entry=mine[0])
    with pytest.raises(E.NotJudgeError):
        services.import_scores(
            stage=final,
            marks=[(mine[1].pk, items[0].pk, Decimal(60)), (theirs[0].pk, items[0].pk, Decimal(60))],
            judge=judge,
        )
    assert Score.objects.count() == 2 and place.scores.get(item=items[0]).value == Decimal("88.5")


def test_a_winner_downloads_the_award_certificate_and_a_revoked_one_is_refused_with_the_reason(client, world):
    c = competition(world)
    entry = services.enter(competition=c, person=world.teacher_a1, subject="语文", actor=world.county_admin)
    award = Award.objects.create(
        competition=c,
        entry=entry,
        level="first",
        status=AwardStatus.FINAL,
        number="DH-2026-000007",
        code="b" * 32,
        issued_on=timezone.localdate(),
    )
    client.force_login(world.teacher_user)
    assert "award-pdf" in client.get(reverse("competitions:verify-award", args=[award.code])).text
    response = client.get(reverse("competitions:award-pdf", args=[award.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert award.number in text and world.teacher_a1.name in text
    services.revoke_for_falsification(entry=entry, reason="课例抄袭", actor=world.county_admin)
    response = client.get(reverse("competitions:award-pdf", args=[award.pk]), follow=True)
    assert response["Content-Type"].startswith("text/html")
    assert "课例抄袭" in response.text and "作废" in response.text


def test_entries_after_the_deadline_the_organiser_set_are_refused_with_the_date(client, world):
    c = competition(world)
    first = c.stages.get(number=1)
    yesterday = timezone.localdate() - timedelta(days=1)
    client.force_login(world.county_admin)
    client.post(reverse("competitions:set-deadline", args=[first.pk]), {"deadline": yesterday.isoformat()})
    first.refresh_from_db()
    assert first.deadline == yesterday
    client.force_login(world.coordinator_a1)
    response = client.post(
        reverse("competitions:enter", args=[c.pk]),
        {"person": world.teacher_a1.pk, "subject": "语文"},
        follow=True,
    )
    assert f"{yesterday.year}年{yesterday.month}月{yesterday.day}日截止" in response.text
    assert not c.entries.exists()
