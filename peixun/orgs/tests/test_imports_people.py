"""The roster import: every validation rule, normalisation, update/unchanged, all or nothing."""

from datetime import date

import pytest

from peixun.audit.models import AuditEvent
from peixun.imports.tests.files import PEOPLE_HEADER, csv_file, id_ending_in_x, person_row, roster, valid_id
from peixun.lib import tabular
from peixun.orgs.imports import ImportRejected, apply_people_file, check_people_file
from peixun.orgs.models import Person
from peixun.orgs.vocabulary import ROLE, SECTION, TITLE

pytestmark = pytest.mark.django_db


def check(data: bytes, scope=None, **kwargs):
    return check_people_file(data, "roster.xlsx", scope_orgs=scope, **kwargs)


def apply(data: bytes, scope=None, actor=None, **kwargs):
    return apply_people_file(data, "roster.xlsx", scope_orgs=scope, actor=actor, **kwargs)


def damaged_tail() -> str:
    """18 digits whose last three Excel turned into 000 (and whose check digit therefore fails)."""
    number = valid_id()[:15] + "000"
    assert not number.endswith(valid_id()[-3:])
    return number


RULES = [
    # (case, cells to change, column, fragment of the Chinese message)
    (
        "wrong check digit",
        {"证件号码": valid_id()[:17] + ("1" if valid_id()[-1] != "1" else "2")},
        "证件号码",
        "校验位",
    ),
    ("gender not matching the ID", {"性别": "男"}, "性别", "与身份证号码不符"),
    ("birth date not matching the ID", {"出生日期": "1990-01-01"}, "出生日期", "与身份证号码不符"),
    ("unknown org code", {"单位代码": "S7777"}, "单位代码", "S7777"),
    ("ID stored as an Excel number", {"证件号码": 3.20705198503141e17}, "证件号码", "文本"),
    ("ID in scientific notation", {"证件号码": "3.20705E+17"}, "证件号码", "文本"),
    ("ID whose last digits became zeros", {"证件号码": damaged_tail()}, "证件号码", "文本"),
    ("unknown title", {"职称": "特高级"}, "职称", "、".join(TITLE.allowed)),
    ("unknown role", {"角色": "班主任、校董"}, "角色", "、".join(ROLE.allowed)),
    ("unknown section", {"学段": "大学"}, "学段", "、".join(SECTION.allowed)),
    ("missing name", {"姓名": "  "}, "姓名", "姓名不能为空"),
    ("mobile too short", {"手机号": "1380013800"}, "手机号", "11 位"),
    ("mobile not starting with 1", {"手机号": "23800138000"}, "手机号", "以 1 开头"),
    ("unknown status", {"状态": "停职"}, "状态", "在职、退休、离岗、离职"),
    ("unreadable hire date", {"入职日期": "2008-13-45"}, "入职日期", "无法识别的日期"),
    ("unknown document type", {"证件类型": "军官证"}, "证件类型", "居民身份证"),
    (
        "passport without gender",
        {"证件类型": "护照", "证件号码": "E12345678", "性别": ""},
        "性别",
        "请填写性别",
    ),
    ("malformed passport number", {"证件类型": "护照", "证件号码": "E123#45"}, "证件号码", "只能包含"),
    ("template example row left in", {"证件号码": "999999199001010008"}, "证件号码", "示例行"),
    ("name too long", {"姓名": "张" * 51}, "姓名", "50"),
    ("15-digit legacy ID", {"证件号码": "320705850314123"}, "证件号码", "15 位"),
]


@pytest.mark.parametrize(("case", "changes", "column", "fragment"), RULES, ids=[rule[0] for rule in RULES])
def test_each_rule_names_the_row_the_column_and_the_reason(world, case, changes, column, fragment):
    good = person_row(证件号码=valid_id(sequence=2), 姓名="李四")
    bad = person_row(**changes)
    summary = check(roster(good, bad))
    assert [(error.row, error.column) for error in summary.errors] == [(3, column)], summary.errors
    assert fragment in summary.errors[0].message
    assert summary.created == 1  # the good row is still counted in the preview


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://x.example","张三")', "+张三", "-1+1", "@SUM(A1)", "＝张三", " =张三"]
)
def test_a_name_starting_like_a_formula_is_refused_naming_the_row_and_column(world, name):
    summary = check(roster(person_row(证件号码=valid_id(sequence=2), 姓名="李四"), person_row(姓名=name)))
    assert [(error.row, error.column) for error in summary.errors] == [(3, "姓名")]
    assert "不能以 =、+、- 或 @ 开头" in summary.errors[0].message
    with pytest.raises(ImportRejected):
        apply(roster(person_row(姓名=name)))
    assert not Person.objects.filter(name__contains="张三").exists()


def test_a_name_with_a_hyphen_or_dot_inside_is_accepted(world):
    summary = check(
        roster(
            person_row(姓名="Anne-Marie Li"), person_row(证件号码=valid_id(sequence=2), 姓名="阿依·买买提")
        )
    )
    assert summary.errors == []


def test_an_org_outside_the_importers_scope_is_refused_like_an_unknown_one(world):
    summary = check(roster(person_row(单位代码="S0003")), scope=world.school_a1.subtree())
    assert [(error.row, error.column) for error in summary.errors] == [(2, "单位代码")]
    assert "不在您可以导入的范围内" in summary.errors[0].message


def test_a_person_employed_outside_the_scope_cannot_be_changed_from_inside_it(world):
    number = world.teacher_b1.reveal_id_number()
    summary = check(roster(person_row(证件号码=number, 单位代码="S0001")), scope=world.school_a1.subtree())
    assert [(error.row, error.column) for error in summary.errors] == [(2, "证件号码")]
    assert "管理范围以外" in summary.errors[0].message


def test_the_same_id_twice_names_both_rows(world):
    number = valid_id()
    summary = check(roster(person_row(证件号码=number), person_row(证件号码=number.lower(), 姓名="李四")))
    assert [(error.row, error.column) for error in summary.errors] == [(3, "证件号码")]
    assert "第 2 行" in summary.errors[0].message
    assert "第 3 行" in summary.errors[0].message


def test_several_problems_in_one_row_are_all_reported_in_column_order(world):
    summary = check(roster(person_row(姓名="", 职称="特高级", 手机号="123")))
    assert [error.column for error in summary.errors] == ["姓名", "手机号", "职称"]


def test_values_are_normalised_rather_than_refused(world):
    number = id_ending_in_x()
    full_width = number[:17].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "ｘ"
    row = person_row(
        姓名=" 王　小 明 ",
        性别="",
        证件号码=f" {full_width} ",
        手机号="138 0013 8000",
        单位代码=" Ｓ0001 ",
        学段="小 学",
        任教学科="语文， 数学;语文",
        职称="中学高级",
        角色="骨干；班主任",
        入职日期=39692,  # an Excel date serial: 2008-09-01
        状态="",
    )
    summary = apply(roster(row))
    assert summary.errors == []
    person = Person.objects.get(name="王小明")
    assert person.reveal_id_number() == number
    assert person.name == "王小明"
    assert person.gender == "male"  # derived from the ID
    assert person.birth_date == date(1979, 6, 2)
    assert person.mobile == "13800138000"
    assert person.org == world.school_a1
    assert person.section == "primary"
    assert person.subjects == ["语文", "数学"]
    assert person.title == "senior"
    assert person.roles == ["head_teacher", "backbone"]  # vocabulary order
    assert person.hire_date == date(2008, 9, 1)
    assert person.status == "active"
    assert (person.name_pinyin, person.name_initials) == ("wangxiaoming", "wxm")
    assert person.id_masked == number[:4] + "*" * 10 + number[-4:]


@pytest.mark.parametrize("text", ["2008-09-01", "2008/9/1", "2008.9.1", "2008年9月1日"])
def test_hire_dates_are_read_in_every_common_form(world, text):
    apply(roster(person_row(入职日期=text)))
    assert Person.objects.get(name="张三").hire_date == date(2008, 9, 1)


def test_other_documents_are_stored_with_the_given_gender_and_birth_date(world):
    row = person_row(证件类型="港澳通行证", 证件号码="h1234567 8", 性别="男", 出生日期="1980-02-03")
    apply(roster(row))
    person = Person.objects.get(name="张三")
    assert person.id_type == "hk_macao"
    assert person.reveal_id_number() == "H12345678"
    assert (person.gender, person.birth_date) == ("male", date(1980, 2, 3))


def test_header_aliases_are_accepted(world):
    header = ["姓名", "身份证号码", "学校代码", "职称"]
    data = csv_file(header, [{"姓名": "张三", "身份证号码": valid_id(), "学校代码": "S0002", "职称": "高级"}])
    assert apply(data).created == 1
    assert Person.objects.get(name="张三").org == world.school_a2


def test_missing_required_columns_are_reported_on_the_header_row(world):
    data = csv_file(["姓名", "手机号"], [{"姓名": "张三", "手机号": "13800138000"}])
    summary = check(data)
    assert [(error.row, error.column) for error in summary.errors] == [(1, "证件号码"), (1, "单位代码")]


def test_a_blank_org_code_means_the_target_org(world):
    summary = apply(
        roster(person_row(单位代码="")), scope=world.school_a2.subtree(), default_org=world.school_a2
    )
    assert summary.created == 1
    assert Person.objects.get(name="张三").org == world.school_a2


def test_csv_saved_by_chinese_excel_in_gb18030_is_read(world):
    data = csv_file(PEOPLE_HEADER, [person_row(姓名="欧阳娜娜")], encoding="gb18030")
    assert apply(data).created == 1
    assert Person.objects.filter(name="欧阳娜娜").exists()


def test_an_existing_person_is_updated_with_an_audited_diff(world):
    number = world.teacher_a1.reveal_id_number()
    row = person_row(
        姓名="李晓明", 证件号码=number, 性别="女", 手机号="13900139000", 单位代码="S0002", 职称="一级"
    )
    summary = apply(roster(row), actor=world.city_admin)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 0)
    world.teacher_a1.refresh_from_db()
    assert world.teacher_a1.mobile == "13900139000"
    assert world.teacher_a1.org == world.school_a2
    event = AuditEvent.objects.get(action="person_updated")
    assert event.target_id == str(world.teacher_a1.pk)
    assert event.actor == world.city_admin
    assert event.changes["mobile"] == ["", "13900139000"]
    assert event.changes["org"] == ["S0001", "S0002"]
    assert event.org_path == world.school_a2.path
    assert number not in str(event.changes)


def test_importing_the_same_file_twice_changes_nothing_the_second_time(world):
    data = roster(person_row(), person_row(姓名="李四", 证件号码=valid_id(sequence=3), 角色="", 任教学科=""))
    first = apply(data)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    events_before = AuditEvent.objects.count()
    stamps = dict(Person.objects.values_list("pk", "updated_at"))
    second = apply(data)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert AuditEvent.objects.count() == events_before + 1
    assert AuditEvent.objects.latest("id").action == "import_applied"
    assert dict(Person.objects.values_list("pk", "updated_at")) == stamps


def test_one_bad_row_among_good_ones_writes_nothing(world):
    rows = [person_row(姓名=f"教师{n}", 证件号码=valid_id(sequence=n)) for n in range(10, 20)]
    rows[5]["职称"] = "特高级"
    before = (Person.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ImportRejected) as rejected:
        apply(roster(*rows))
    assert [(error.row, error.column) for error in rejected.value.summary.errors] == [(7, "职称")]
    assert (Person.objects.count(), AuditEvent.objects.count()) == before


def test_the_import_event_records_counts_file_name_and_checksum(world):
    import hashlib

    data = roster(person_row())
    apply(data, actor=world.coordinator_a1, scope=world.school_a1.subtree(), default_org=world.school_a1)
    event = AuditEvent.objects.get(action="import_applied")
    assert event.changes["created"] == 1
    assert event.changes["filename"] == "roster.xlsx"
    assert event.changes["sha256"] == hashlib.sha256(data).hexdigest()
    assert event.org_path == world.school_a1.path
    assert event.actor == world.coordinator_a1


def test_check_writes_nothing_and_reports_progress(world):
    seen = []
    rows = [person_row(姓名=f"教师{n}", 证件号码=valid_id(sequence=n)) for n in range(30)]
    summary = check(roster(*rows), progress=lambda done, total: seen.append((done, total)))
    assert summary.created == 30
    assert Person.objects.count() == 5  # the world's teachers only
    assert seen[0] == (0, 30)
    assert seen[-1] == (30, 30)


def test_lookups_do_not_grow_with_the_number_of_rows(world, django_assert_max_num_queries):
    rows = [person_row(姓名=f"教师{n}", 证件号码=valid_id(sequence=n)) for n in range(60)]
    with django_assert_max_num_queries(12):
        apply(roster(*rows))
    assert Person.objects.count() == 65


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"x" * (tabular.MAX_UPLOAD_BYTES + 1), "文件太大"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, ".xls"),
        (bytes(range(256)) * 8, "无法识别"),
        ("姓名,证件号码\r\n".encode(), "没有数据"),
    ],
    ids=["too large", "old xls", "random binary", "header only"],
)
def test_unreadable_files_are_refused_with_one_file_level_error(world, data, fragment):
    summary = check(data)
    assert len(summary.errors) == 1
    assert summary.errors[0].row == 0
    assert fragment in summary.errors[0].message


def test_a_zip_bomb_is_refused_before_parsing(world):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (11 * 1024 * 1024))
    summary = check(buffer.getvalue())
    assert summary.errors[0].row == 0
    assert "压缩" in summary.errors[0].message
