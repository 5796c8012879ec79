"""Builders of roster and org files for import tests."""

from datetime import date

from peixun.lib import idnumbers
from peixun.lib.xlsx import Sheet, write_workbook
from peixun.orgs.imports.people import TEMPLATE_COLUMNS

PEOPLE_HEADER = list(TEMPLATE_COLUMNS)
ORGS_HEADER = ["单位代码", "单位名称", "类型", "上级代码"]


def valid_id(birth: date = date(1988, 7, 9), gender: str = "female", sequence: int = 1) -> str:
    return idnumbers.make_valid_id("320705", birth, sequence, gender)


def id_ending_in_x() -> str:
    for sequence in range(100):
        number = valid_id(date(1979, 6, 2), "male", sequence)
        if number.endswith("X"):
            return number
    raise AssertionError("no X check digit in range")


def person_row(**overrides) -> dict:
    row = {
        "姓名": "张三",
        "性别": "女",
        "证件类型": "居民身份证",
        "证件号码": valid_id(),
        "手机号": "13800138000",
        "单位代码": "S0001",
        "学段": "小学",
        "任教学科": "语文",
        "职称": "一级",
        "角色": "班主任",
        "入职日期": "2008-09-01",
        "状态": "在职",
    }
    row.update(overrides)
    return row


def xlsx_file(header, rows) -> bytes:
    """An .xlsx with the header and rows given as dicts (by header) or lists."""
    cells = [[row.get(title, "") for title in header] if isinstance(row, dict) else list(row) for row in rows]
    return write_workbook([Sheet("Sheet1", list(header), cells)])


def roster(*rows: dict, header=None) -> bytes:
    header = header or PEOPLE_HEADER
    extra = [title for row in rows for title in row if title not in header]
    return xlsx_file([*header, *dict.fromkeys(extra)], rows)


def csv_file(header, rows, encoding: str = "utf-8") -> bytes:
    lines = [",".join(header)] + [",".join(str(row.get(title, "")) for title in header) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def big_roster(count: int, org_code: str = "S0001") -> bytes:
    """A CSV roster of `count` new people with distinct valid ID numbers (批量0001 …)."""
    header = PEOPLE_HEADER
    rows = []
    for index in range(count):
        birth = date(1970 + index // 900 % 30, 1 + index // 27000 % 12, 1 + index % 900 // 36 + 1)
        female = index % 2 == 1
        number = valid_id(birth, "female" if female else "male", index % 36 + 1)
        fields = {"姓名": f"批量{index:05d}", "性别": "女" if female else "男", "证件号码": number}
        rows.append(person_row(**fields, 单位代码=org_code))
    return csv_file(header, rows)
