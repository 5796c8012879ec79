"""The workbooks of interest groups (through peixun.lib.xlsx: never a live formula): the tutors'
subsidies of a term for payment, with every line; a school's students; a group's members."""

from peixun.interest.models import InterestGroup, Student, Term
from peixun.interest.selectors import TutorSubsidy
from peixun.lib.dates import format_date_zh, format_hours
from peixun.lib.money import format_yuan
from peixun.lib.xlsx import Sheet, write_workbook


def subsidies(term: Term, rows: list[TutorSubsidy]) -> bytes:
    period = f"{format_date_zh(term.starts_on)}—{format_date_zh(term.ends_on)}"
    rate = f"每课时 {format_yuan(term.yuan_per_hour)} 元"
    summary = [
        [
            row.school_name,
            row.tutor.name,
            "、".join(group.name for group in row.groups),
            format_hours(row.result.hours),
            format_yuan(row.result.yuan),
        ]
        for row in rows
    ]
    lines = [
        [row.school_name, row.tutor.name, line.group, line.text, format_hours(line.hours)]
        for row in rows
        for line in row.result.lines
    ]
    preamble = [[f"兴趣小组辅导教师补助 · {term.name}"], [period, rate]]
    return write_workbook(
        [
            Sheet(
                "补助汇总",
                ["学校", "辅导教师", "兴趣小组", "补助课时", "补助金额（元）"],
                summary,
                preamble=preamble,
            ),
            Sheet("补助明细", ["学校", "辅导教师", "兴趣小组", "说明", "课时"], lines),
        ]
    )


def students(rows: list[Student]) -> bytes:
    return write_workbook(
        [Sheet("学生名单", ["姓名", "年级", "班级"], [[s.name, s.grade, s.class_name] for s in rows])]
    )


def members(group: InterestGroup, rows: list[tuple[Student, str, str]]) -> bytes:
    body = [
        [student.name, student.grade, student.class_name, score, status] for student, score, status in rows
    ]
    return write_workbook(
        [
            Sheet(
                "报名与录取",
                ["姓名", "年级", "班级", "选拔成绩", "结果"],
                body,
                preamble=[[f"{group.school.name} · {group.name}（{group.subject}）"]],
            )
        ]
    )
