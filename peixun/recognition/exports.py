"""The workbooks of the recognition lists (through peixun.lib.xlsx: never a live formula)."""

from peixun.lib.dates import format_date_zh, format_hours
from peixun.lib.xlsx import Sheet, write_workbook

HEADER = [
    "姓名",
    "单位",
    "培训机构",
    "课程名称",
    "层级",
    "类别",
    "开始日期",
    "结束日期",
    "学时",
    "证书编号",
    "状态",
    "来源",
]


def declarations(rows, sheet: str = "学时认定") -> bytes:
    body = [
        [
            row.person.name,
            row.person.org.name,
            row.provider,
            row.course,
            str(row.get_level_display()),
            str(row.get_category_display()),
            format_date_zh(row.starts_on),
            format_date_zh(row.ends_on),
            format_hours(row.hours),
            row.certificate_no,
            str(row.get_status_display()),
            str(row.get_origin_display()),
        ]
        for row in rows
    ]
    return write_workbook([Sheet(sheet, HEADER, body)])
