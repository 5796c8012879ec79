"""The blank import templates users download: the header row, one example row and a sheet of
notes listing the values each column accepts.

Every column is formatted as text, so an ID number or a phone typed into the template keeps all
its digits (Excel would otherwise turn 18 digits into 3.20705E+17). The sheet and note texts are
Chinese, like the column titles the import reads.
"""

import io
from collections.abc import Sequence

import xlsxwriter

from peixun.orgs import vocabulary as vocab
from peixun.orgs.imports import orgs as org_import
from peixun.orgs.imports import people as people_import

PEOPLE_SHEET = "人员名单"
ORGS_SHEET = "单位"
NOTES_SHEET = "填写说明"
NOTES_HEADER = ("列", "是否必填", "说明与可填写的值")
REQUIRED = "必填"
OPTIONAL = "选填"
DELETE_EXAMPLE = (
    "第 2 行是示例，上传前请删除。第一行的列标题请勿修改；整列已设为“文本”格式，请勿改为数字格式。"
)


def _allowed(vocabulary: vocab.Vocabulary) -> str:
    return "、".join(vocabulary.allowed)


PEOPLE_NOTES = (
    (people_import.NAME, REQUIRED, "教师姓名"),
    (people_import.GENDER, OPTIONAL, f"{_allowed(vocab.GENDER)}；居民身份证可不填，按号码核对"),
    (people_import.ID_TYPE, OPTIONAL, f"{_allowed(vocab.ID_TYPE)}；不填为居民身份证"),
    (
        people_import.ID_NUMBER,
        REQUIRED,
        "18 位居民身份证号码（末位可为 X）或其他证件号码；同一证件号码的人员会被更新",
    ),
    (people_import.MOBILE, OPTIONAL, "11 位手机号码"),
    (people_import.ORG_CODE, REQUIRED, "教师所在单位（学校）的单位代码"),
    (people_import.SECTION, OPTIONAL, _allowed(vocab.SECTION)),
    (people_import.SUBJECTS, OPTIONAL, "如 语文、数学；多个学科用顿号、逗号或分号分隔"),
    (people_import.TITLE, OPTIONAL, f"{_allowed(vocab.TITLE)}；不填为无"),
    (people_import.ROLES, OPTIONAL, f"{_allowed(vocab.ROLE)}；多个角色用顿号、逗号或分号分隔"),
    (people_import.HIRE_DATE, OPTIONAL, "如 2008-09-01、2008/9/1、2008.9.1 或 2008年9月1日"),
    (people_import.STATUS, OPTIONAL, f"{_allowed(vocab.STATUS)}；不填为在职"),
)

ORGS_NOTES = (
    (org_import.CODE, REQUIRED, "单位的唯一代码；已存在的代码会被更新"),
    (org_import.NAME, REQUIRED, "单位全称"),
    (org_import.KIND, REQUIRED, _allowed(vocab.ORG_KIND)),
    (
        org_import.PARENT,
        OPTIONAL,
        "上级单位的代码，可以是系统中已有的单位，也可以是本文件中（前后均可）的单位",
    ),
)


def template_workbook(
    sheet_name: str, header: Sequence[str], example: Sequence[str], notes: Sequence[tuple[str, str, str]]
) -> bytes:
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        output,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    text = workbook.add_format({"num_format": "@"})
    bold = workbook.add_format({"bold": True, "num_format": "@", "bg_color": "#DDEBF7"})
    example_format = workbook.add_format({"num_format": "@", "font_color": "#808080", "italic": True})
    sheet = workbook.add_worksheet(sheet_name)
    for col, title in enumerate(header):
        width = min(40, max(10, 2 * len(title) + 4, len(example[col]) + 4))
        sheet.set_column(col, col, width, text)
        sheet.write_string(0, col, title, bold)
        sheet.write_string(1, col, example[col], example_format)
    sheet.freeze_panes(1, 0)
    sheet.ignore_errors({"number_stored_as_text": "A1:XFD1048576"})

    notes_sheet = workbook.add_worksheet(NOTES_SHEET)
    notes_sheet.set_column(0, 0, 14, text)
    notes_sheet.set_column(1, 1, 10, text)
    notes_sheet.set_column(2, 2, 90, text)
    notes_sheet.write_string(0, 0, DELETE_EXAMPLE, bold)
    for col, title in enumerate(NOTES_HEADER):
        notes_sheet.write_string(2, col, title, bold)
    for row, line in enumerate(notes, 3):
        for col, value in enumerate(line):
            notes_sheet.write_string(row, col, value, text)
    workbook.close()
    return output.getvalue()


def people_template(*, org_code: str = "S0001") -> bytes:
    """The roster template; `org_code` fills the example row's 单位代码."""
    example = (
        "张三",
        "女",
        "居民身份证",
        people_import.EXAMPLE_ID,
        "13800138000",
        org_code,
        "小学",
        "语文、数学",
        "一级",
        "班主任、骨干教师",
        "2008-09-01",
        "在职",
    )
    return template_workbook(PEOPLE_SHEET, people_import.TEMPLATE_COLUMNS, example, PEOPLE_NOTES)


def orgs_template(*, parent_code: str = "") -> bytes:
    """The org template; `parent_code` fills the example row's 上级代码."""
    example = (org_import.EXAMPLE_CODE, "示例小学", "学校", parent_code)
    return template_workbook(ORGS_SHEET, org_import.TEMPLATE_COLUMNS, example, ORGS_NOTES)
