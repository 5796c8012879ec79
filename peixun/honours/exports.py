"""The workbooks of the honours lists (through peixun.lib.xlsx: never a live formula). ID numbers
never appear: names and schools identify people here."""

from django.utils import timezone

from peixun.lib.dates import format_date_zh, format_hours
from peixun.lib.xlsx import Sheet, write_workbook


def nominations(rows, selection=None) -> bytes:
    header = ["评选", "年度", "荣誉", "姓名", "单位", "状态", "局方意见", "推荐时间"]
    body = [
        [
            row.selection.name,
            str(row.selection.year),
            row.kind.name,
            row.person.name,
            row.person.org.name,
            str(row.get_status_display()),
            row.note,
            format_date_zh(timezone.localdate(row.created_at)),
        ]
        for row in rows
    ]
    return write_workbook([Sheet("推荐名单", header, body)])


def holders(rows, year: int) -> bytes:
    header = [
        "姓名",
        "单位",
        "称号",
        "任期起",
        "任期止",
        "集中培训学时",
        "集中培训要求",
        "校本指导学时",
        "校本指导要求",
        "是否达标",
        "年度考核",
    ]
    body = [
        [
            honour.person.name,
            honour.person.org.name,
            honour.kind.name,
            format_date_zh(honour.starts_on),
            format_date_zh(honour.ends_on),
            format_hours(progress.concentrated.done),
            format_hours(progress.concentrated.required),
            format_hours(progress.guidance.done),
            format_hours(progress.guidance.required),
            "达标" if progress.met else "未达标",
            str(review.get_outcome_display()) if review else "待考核",
        ]
        for honour, progress, review in rows
    ]
    return write_workbook([Sheet(f"{year}学年履职", header, body)])


def due(rows) -> bytes:
    header = ["姓名", "单位", "称号", "任期起", "任期止"]
    body = [
        [
            h.person.name,
            h.person.org.name,
            h.kind.name,
            format_date_zh(h.starts_on),
            format_date_zh(h.ends_on),
        ]
        for h in rows
    ]
    return write_workbook([Sheet("到期名单", header, body)])


def mine(honours, guidance) -> bytes:
    first = [
        [
            h.kind.name,
            f"{h.year}年",
            format_date_zh(h.starts_on),
            format_date_zh(h.ends_on) if h.ends_on else "",
            str(h.get_status_display()),
        ]
        for h in honours
    ]
    second = [[format_date_zh(g.given_on), format_hours(g.hours), g.place, g.description] for g in guidance]
    return write_workbook(
        [
            Sheet("荣誉与称号", ["荣誉", "年度", "起", "止", "状态"], first),
            Sheet("校本研修指导", ["日期", "学时", "指导对象", "内容"], second),
        ]
    )
