"""manage.py import_people / import_orgs: JSON output, exit codes, --dry-run, --org scope."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from peixun.imports.tests.files import ORGS_HEADER, csv_file, person_row, roster, valid_id
from peixun.orgs.models import Org, Person

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command(*args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def roster_file(tmp_path):
    def write(*rows) -> str:
        path = tmp_path / "roster.xlsx"
        path.write_bytes(roster(*rows))
        return str(path)

    return write


def test_import_people_prints_one_json_object_and_exits_0(world, roster_file):
    path = roster_file(person_row(), person_row(姓名="李四", 证件号码=valid_id(sequence=8), 单位代码=""))
    code, out = run("import_people", path, "--org", "S0001", "--format", "json")
    assert code == 0
    assert json.loads(out) == {"created": 2, "updated": 0, "unchanged": 0, "errors": []}
    assert Person.objects.filter(name__in=["张三", "李四"], org=world.school_a1).count() == 2


def test_import_people_with_errors_exits_1_and_writes_nothing(world, roster_file):
    path = roster_file(person_row(), person_row(姓名="李四", 证件号码=valid_id(sequence=8), 单位代码="S0003"))
    code, out = run("import_people", path, "--org", "C320705", "--format", "json")
    assert code == 1
    assert len(out.strip().splitlines()) == 1  # one JSON object on one line
    assert "\\u" not in out  # Chinese kept as is
    assert json.loads(out) == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "errors": [
            {"row": 3, "column": "单位代码", "message": "单位代码“S0003”不存在，或不在您可以导入的范围内"}
        ],
    }
    assert not Person.objects.filter(name="张三").exists()


def test_dry_run_checks_without_writing(world, roster_file):
    path = roster_file(person_row())
    code, out = run("import_people", path, "--org", "S0001", "--dry-run")
    assert code == 0
    assert "1" in out.splitlines()[0]
    assert not Person.objects.filter(name="张三").exists()


def test_text_output_lists_each_error(world, roster_file):
    path = roster_file(person_row(职称="特高级"))
    code, out = run("import_people", path, "--org", "S0001")
    assert code == 1
    assert "职称“特高级”无法识别" in out


def test_unknown_org_code_is_a_command_error(world, roster_file):
    with pytest.raises(CommandError):
        call_command("import_people", roster_file(person_row()), "--org", "NOPE", stdout=StringIO())


def test_import_orgs_json_and_exit_codes(world, tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_bytes(
        csv_file(ORGS_HEADER, [{"单位代码": "N1", "单位名称": "新校", "类型": "学校", "上级代码": "N0"}])
    )
    code, out = run("import_orgs", str(path), "--format", "json")
    assert code == 1
    assert json.loads(out)["errors"][0]["column"] == "上级代码"
    rows = [
        {"单位代码": "N1", "单位名称": "新校", "类型": "学校", "上级代码": "N0"},
        {"单位代码": "N0", "单位名称": "新区", "类型": "区县", "上级代码": ""},
    ]
    path.write_bytes(csv_file(ORGS_HEADER, rows))
    code, out = run("import_orgs", str(path), "--format", "json")
    assert code == 0
    assert json.loads(out) == {"created": 2, "updated": 0, "unchanged": 0, "errors": []}
    assert Org.objects.get(code="N1").parent.code == "N0"
