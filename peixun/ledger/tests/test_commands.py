"""The shell commands: evaluate_policy (what-if on a data file, no database) and
recompute_compliance (rebuild, and --check the rollups against the entries)."""

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from peixun.ledger.models import ComplianceResult, CreditRollup
from peixun.lib import idnumbers
from peixun.lib.xlsx import Sheet, write_workbook
from peixun.testing.factories import adopt_preset, give_hours

DATA: dict[str, Any] = {
    "people": [
        {
            "id": "t1",
            "gender": "F",
            "birth_date": "1985-03-14",
            "title": "first",
            "section": "primary",
            "roles": ["head_teacher"],
            "hire_date": "2008-09-01",
            "status": "active",
        },
        {
            "id": "t2",
            "gender": "M",
            "birth_date": "1960-05-01",
            "title": "senior",
            "section": "senior",
            "roles": [],
            "hire_date": "1990-09-01",
            "status": "retired",
        },
    ],
    "entries": [
        {
            "person": "t1",
            "hours": 60,
            "category": "ethics_literacy",
            "tags": ["ethics"],
            "level": "city",
            "mode": "concentrated",
            "credit_class": "A",
            "date": "2026-03-01",
            "source": "project",
        },
        {
            "person": "t1",
            "hours": 20,
            "category": "practice",
            "tags": [],
            "level": "school",
            "mode": "school_based",
            "credit_class": "A",
            "date": "2025-12-31",
            "source": "school_based",
        },
    ],
}


def run(*args) -> dict:
    out = StringIO()
    call_command("evaluate_policy", *args, stdout=out)
    return json.loads(out.getvalue())


def test_evaluate_policy_prints_one_result_per_person_in_the_documented_shape(tmp_path):
    path = tmp_path / "data.json"
    path.write_text(json.dumps(DATA), encoding="utf-8")
    output = run("five-year-360", str(path), "--as-of", "2026-11-23")
    assert (output["policy"], output["as_of"]) == ("five-year-360", "2026-11-23")
    first, second = output["results"]
    assert first["person"] == "t1"
    assert (first["compliant"], first["required_hours"], first["counted_hours"]) == (False, 360.0, 60.0)
    assert first["shortfall_hours"] == 300.0 and first["credits"] == 6.0
    messages = {line["rule_id"]: line["message"] for line in first["rules"]}
    assert messages["head_teacher"] == "班主任专题培训还差 30.0 学时"
    assert second["compliant"] and second["exempt"]  # retired


def test_evaluate_policy_reads_a_policy_file_and_writes_xlsx(tmp_path):
    from openpyxl import load_workbook

    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "code: a\nname: 甲\nperiod: {kind: calendar_year}\nrequired: {hours: 50}\n", encoding="utf-8"
    )
    data = tmp_path / "data.json"
    data.write_text(json.dumps(DATA), encoding="utf-8")
    out = tmp_path / "out.xlsx"
    call_command(
        "evaluate_policy",
        str(policy),
        str(data),
        "--as-of",
        "2026-11-23",
        "--format",
        "xlsx",
        "--out",
        str(out),
    )
    sheet = load_workbook(out)["结果"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("人员", "姓名", "是否达标")
    assert rows[1][0] == "t1" and rows[1][2] == "是"  # 60 h in 2026 ≥ 50


def test_evaluate_policy_reads_an_xlsx_in_the_import_templates_columns(tmp_path):
    number = idnumbers.make_valid_id(
        "320705", timezone.localdate().replace(year=1985, month=3, day=14), 3, "female"
    )
    workbook = write_workbook(
        [
            Sheet(
                "人员名单",
                ("姓名", "性别", "证件号码", "学段", "职称", "角色", "入职日期", "状态"),
                [("李晓明", "女", number, "小学", "一级", "班主任", "2008-09-01", "在职")],
            ),
            Sheet(
                "培训记录",
                ("证件号码", "姓名", "培训名称", "学时", "类别", "标签", "层级", "形式", "学分类别", "日期"),
                [
                    (
                        number,
                        "李晓明",
                        "班主任专题培训",
                        "30",
                        "知识与技能",
                        "班主任专题",
                        "市级",
                        "集中",
                        "A类",
                        "2026-05-01",
                    )
                ],
            ),
        ]
    )
    path = tmp_path / "data.xlsx"
    path.write_bytes(workbook)
    (result,) = run("five-year-360", str(path), "--as-of", "2026-11-23")["results"]
    assert result["person"] == idnumbers.mask(number)  # never the full number
    assert result["name"] == "李晓明"
    assert result["counted_hours"] == 30.0
    assert {line["rule_id"]: line["ok"] for line in result["rules"]}["head_teacher"] is True


@pytest.mark.parametrize(
    ("policy", "data", "message"),
    [
        ("no-such-preset", DATA, "既不是预设名称"),
        ("five-year-360", {"people": [{"id": "t1", "birth_date": "1985-13-01"}]}, "people[0].birth_date"),
        ("five-year-360", {"people": [{"id": "t1", "title": "chief"}]}, "people[0].title"),
        (
            "five-year-360",
            {"people": [], "entries": [{**DATA["entries"][0], "person": "x"}]},
            "entries[0].person",
        ),
    ],
)
def test_evaluate_policy_names_the_place_of_bad_input(tmp_path, policy, data, message):
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match=message.replace("[", r"\[").replace("]", r"\]")):
        run(policy, str(path), "--as-of", "2026-11-23")


def test_evaluate_policy_refuses_a_bad_day(tmp_path):
    path = tmp_path / "data.json"
    path.write_text(json.dumps(DATA), encoding="utf-8")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("five-year-360", str(path), "--as-of", "23/11/2026")


@pytest.mark.django_db
def test_recompute_compliance_rebuilds_and_check_finds_a_damaged_rollup(world):
    adopt_preset(world.city)
    give_hours(
        world.teacher_a1,
        12,
        "k",
        category="practice",
        level="school",
        mode="school_based",
        source="school_based",
        title="校本研修",
        tags=["prescribed"],
    )
    out = StringIO()
    call_command("recompute_compliance", "--check", stdout=out)
    assert "differences=0" in out.getvalue()
    CreditRollup.objects.update(hours=99)
    with pytest.raises(CommandError):
        call_command("recompute_compliance", "--check", stdout=StringIO())
    out = StringIO()
    call_command("recompute_compliance", "--org", world.city.code, stdout=out)
    assert "recomputed people=" in out.getvalue()
    assert CreditRollup.objects.get().hours == 12
    assert ComplianceResult.objects.filter(person=world.teacher_a1).get().earned_hours == 12
