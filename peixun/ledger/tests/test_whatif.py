"""The what-if run explained (issue 13, defect 8): a draft from a preset tried against the real
people beside the policy in force says what it changes in words, counts who newly complies, who
newly falls short and who stays as they are, lists those who change with why — a page at a time,
within the viewer's org tree — and downloads as a workbook."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from peixun.policies import services as policy_services
from peixun.policies.models import WhatIfChange, WhatIfRun
from peixun.policies.rules.presets import preset_text
from peixun.testing.factories import adopt_preset, give_hours

pytestmark = pytest.mark.django_db
DAY = date(2026, 6, 1)


@pytest.fixture
def in_force(world):
    """annual-60 in force for the city; 李晓明 has 60 h (compliant), 王芳 and 赵刚 40 h (short)."""
    for person, value in ((world.teacher_a1, 60), (world.teacher_a2, 40), (world.teacher_b1, 40)):
        give_hours(person, value, earned_on=date(2026, 3, 1))
    return adopt_preset(world.city, "annual-60")


def start(client, user, text, org, code="draft"):
    client.force_login(user)
    version = policy_services.create_policy(
        org=org,
        text=text.replace("code: annual-60", f"code: {code}"),
        effective_from=date(2027, 1, 1),
        actor=user,
    )
    response = client.post(
        reverse("ledger:what-if-start", args=[version.pk]), {"org": org.pk, "as_of": DAY.isoformat()}
    )
    run = WhatIfRun.objects.get(version=version)
    assert response["Location"] == reverse("ledger:what-if", args=[run.pk])
    return run


def test_a_preset_draft_explains_what_changes_and_who_newly_falls_short_and_why(client, world, in_force):
    run = start(client, world.city_admin, preset_text("five-year-360"), world.city)
    assert run.state == "done" and (run.done, run.total) == (4, 4)  # progress kept
    result = run.result
    assert (result["newly_short"], result["newly_compliant"], result["unchanged"]) == (1, 0, 3)
    assert result["current"]["name"] == "每年 60 学时"
    assert "考核周期：每自然年 → 每 5 年一个周期，自 2021年1月1日 起算" in result["explanation"]
    (change,) = WhatIfChange.objects.filter(run=run)
    assert change.person == world.teacher_a1 and change.kind == "newly_short"
    assert change.shortfall_before == 0 and change.shortfall_after == 300
    assert change.reasons[0].startswith(
        "总学时：现行（2026年1月1日至2026年12月31日）要求 60.0 学时，已有 60.0 学时"
    )
    page = client.get(reverse("ledger:what-if", args=[run.pk])).content.decode()
    assert 'data-testid="what-if-explanation"' in page
    assert "每年 60 学时 v1" in page and "考核周期：每自然年 → 每 5 年一个周期" in page
    assert page.count('data-testid="what-if-change"') == 1 and "李晓明" in page
    assert "拟议（2026年1月1日至2030年12月31日）要求 360.0 学时，已有 60.0 学时，还差 300.0 学时" in page


def test_a_lower_total_lists_the_newly_compliant_a_page_at_a_time(client, world, in_force, monkeypatch):
    monkeypatch.setattr("peixun.ledger.views.CHANGES_PER_PAGE", 1)
    text = preset_text("annual-60").replace("hours: 60", "hours: 30")
    run = start(client, world.city_admin, text, world.city)
    assert run.result["explanation"] == ["应修学时：60.0 学时 → 30.0 学时"]
    assert (run.result["newly_compliant"], run.result["newly_short"], run.result["unchanged"]) == (2, 0, 2)
    url = reverse("ledger:what-if", args=[run.pk])
    first = client.get(url, {"show": "newly_compliant"}).content.decode()
    second = client.get(url, {"show": "newly_compliant", "page": 2}).content.decode()
    assert first.count('data-testid="what-if-change"') == second.count('data-testid="what-if-change"') == 1
    names = {name for name in ("王芳", "赵刚") if name in first} | {
        n for n in ("王芳", "赵刚") if n in second
    }
    assert names == {"王芳", "赵刚"}
    assert (
        "现行要求 60.0 学时，已有 40.0 学时，还差 20.0 学时 → 拟议要求 30.0 学时，已有 40.0 学时，已达到"
        in first
    )
    assert "show=newly_compliant&amp;page=2" in first
    # The other list is empty here.
    assert (
        client.get(url, {"show": "newly_short"}).content.decode().count('data-testid="what-if-change"') == 0
    )


def test_the_workbook_reads_back_with_the_explanation_and_everyone_who_changes(client, world, in_force):
    text = preset_text("annual-60").replace("hours: 60", "hours: 30")
    run = start(client, world.city_admin, text, world.city)
    response = client.get(reverse("ledger:what-if-export", args=[run.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["说明", "结果变化名单"]
    summary = {row[0]: row[1] for row in book["说明"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert summary["现行政策"] == "每年 60 学时 第 1 版" and summary["新增达标"] == 2
    assert summary["变化"] == "应修学时：60.0 学时 → 30.0 学时"
    assert "完成时间（北京时间）" in summary
    rows = list(book["结果变化名单"].iter_rows(values_only=True))
    assert rows[0] == ("姓名", "单位", "变化", "现行政策下总学时还差", "拟议政策下总学时还差", "原因")
    assert sorted(row[0] for row in rows[1:]) == ["王芳", "赵刚"]
    assert {row[2] for row in rows[1:]} == {"新增达标"} and {row[3] for row in rows[1:]} == {20}
    assert all(cell.data_type != "f" for row in book["结果变化名单"].iter_rows() for cell in row)


def test_a_county_run_lists_only_its_people_and_others_get_404(client, world, in_force):
    text = preset_text("annual-60").replace("hours: 60", "hours: 30")
    run = start(client, world.county_admin, text, world.county_a)
    assert run.result["people"] == 2 and run.result["newly_compliant"] == 1
    page = client.get(reverse("ledger:what-if", args=[run.pk]), {"show": "newly_compliant"}).content.decode()
    assert "王芳" in page and "赵刚" not in page  # 赵刚 is in 西山县, outside the run
    client.force_login(world.outsider)
    assert client.get(reverse("ledger:what-if", args=[run.pk])).status_code == 404
    assert client.get(reverse("ledger:what-if-export", args=[run.pk])).status_code == 404


def test_running_again_replaces_the_list(client, world, in_force):
    from peixun.ledger.tasks import run_what_if

    text = preset_text("annual-60").replace("hours: 60", "hours: 30")
    run = start(client, world.city_admin, text, world.city)
    WhatIfRun.objects.filter(pk=run.pk).update(state="queued")
    run_what_if.call(run.pk)
    assert WhatIfChange.objects.filter(run=run).count() == 2


def test_the_list_page_reads_a_fixed_number_of_queries_however_many_change(client, world, in_force):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from peixun.testing.factories import make_person

    text = preset_text("annual-60").replace("hours: 60", "hours: 30")
    few = start(client, world.city_admin, text, world.city, code="few")
    for index in range(5):
        give_hours(make_person(world.school_b2, f"新教师{index}"), 40, earned_on=date(2026, 3, 1))
    many = start(client, world.city_admin, text, world.city, code="many")
    assert (few.result["newly_compliant"], many.result["newly_compliant"]) == (2, 7)
    counts = []
    for run in (few, many):
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("ledger:what-if", args=[run.pk]), {"show": "newly_compliant"})
        counts.append(len(queries))
    assert counts[0] == counts[1]
