"""The results workbook of a project (through peixun.lib.xlsx: never a live formula, ID numbers
masked). Column titles are Chinese, like the other exports."""

from peixun.assessment.wording import band_labels, band_part, reasons_text
from peixun.lib.xlsx import Sheet, write_workbook


def results(project, rows) -> bytes:
    version = rows[0].version.scheme() if rows else None
    components = list(version.components) if version else []
    labels = band_labels(version) if version else {}
    part = band_part(version) if version else ""
    header = [
        "姓名",
        "证件号码",
        "单位",
        "班级",
        *[c.label or c.key for c in components],
        "总分",
        f"等级（{part}）" if part else "等级",
        "出勤率",
        "是否合格",
        "学时",
        "优秀学员",
        "原因",
    ]
    body = []
    for row in rows:
        enrolment = row.enrolment
        body.append(
            [
                enrolment.person.name,
                enrolment.person.id_masked,
                enrolment.school.name,
                enrolment.cohort.name if enrolment.cohort else "",
                *[row.components.get(c.key) or "" for c in components],
                row.total,
                labels.get(row.band, ""),
                row.attendance_rate,
                "合格" if row.passed else "不合格",
                row.hours_total,
                "是" if row.excellent else "",
                "；".join(reasons_text(row.reasons)),
            ]
        )
    return write_workbook([Sheet("考核结果", header, body)])
