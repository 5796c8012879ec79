"""Workbooks of the delivery pages (through peixun.lib.xlsx: never a live formula): a project's
attendance table and its coursework completeness. Column titles are Chinese, like the other
exports."""

from django.utils import timezone

from peixun.delivery.models import AttendanceStatus
from peixun.lib.xlsx import Sheet, write_workbook

STATUS_ZH = {
    AttendanceStatus.PRESENT: "出勤",
    AttendanceStatus.LATE: "迟到",
    AttendanceStatus.ABSENT: "缺勤",
    AttendanceStatus.LEAVE_PERSONAL: "请假（事假）",
    AttendanceStatus.LEAVE_SICK: "请假（病假）",
    AttendanceStatus.LEAVE_OFFICIAL: "请假（公假）",
    "": "",
    "-": "—",
}


def attendance(project, lessons, rows) -> bytes:
    header = ["姓名", "单位", "班级"]
    for lesson in lessons:
        header.append(f"{timezone.localtime(lesson.starts_at):%m-%d %H:%M} {lesson.topic}"[:60])
    header += ["出勤", "迟到", "缺勤", "请假（事假、病假）", "公假", "出勤率", "还可缺课"]
    body = []
    for row in rows:
        tally = row.tally
        body.append(
            [
                row.enrolment.person.name,
                row.enrolment.school.name,
                row.enrolment.cohort.name if row.enrolment.cohort else "",
                *[STATUS_ZH.get(cell, cell) for cell in row.cells],
                tally.present,
                tally.late,
                tally.absent,
                tally.leave_personal + tally.leave_sick,
                tally.leave_official,
                f"{row.rate}%",
                row.left if row.left is not None else "",
            ]
        )
    return write_workbook([Sheet("考勤", header, body)])


def completeness(project, rows) -> bytes:
    header = ["姓名", "单位", "班级", "已交", "已评分", "缺交的必做作业"]
    body = [
        [
            row.enrolment.person.name,
            row.enrolment.school.name,
            row.enrolment.cohort.name if row.enrolment.cohort else "",
            row.submitted,
            row.graded,
            "、".join(row.missing),
        ]
        for row in rows
    ]
    return write_workbook([Sheet("作业完成情况", header, body)])
