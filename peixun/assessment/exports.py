"""The results workbook of a project (through peixun.lib.xlsx: never a live formula, ID numbers
masked). Column titles are Chinese, like the other exports. Every gate that can fail a trainee
has its own column (state：reason), with what a provisional result still waits for."""

from peixun.assessment import selectors
from peixun.assessment.rules import gates
from peixun.assessment.wording import (
    GATE_LABELS,
    band_labels,
    band_part,
    component_cells,
    gate_rows,
    gate_summary,
    reasons_text,
    status_text,
)
from peixun.lib.xlsx import Sheet, write_workbook


def results(project, rows) -> bytes:
    version = rows[0].version.scheme() if rows else None
    components = list(version.components) if version else []
    labels = band_labels(version) if version else {}
    part = band_part(version) if version else ""
    present = {gate.get("code") for row in rows for gate in row.gates or []}
    columns = [code for code in gates.ORDER if code in present or code == gates.ETHICS]
    vetoed = selectors.vetoed_people([row.enrolment.person_id for row in rows], project.year)
    header = [
        "姓名",
        "证件号码",
        "单位",
        "班级",
        *[c.label or c.key for c in components],
        "总分",
        f"等级（{part}）" if part else "等级",
        "出勤率",
        "结果",
        "学时",
        "优秀学员",
        *[str(GATE_LABELS[code]) for code in columns],
        "待评分",
        "待提交",
        "待定事项",
        "出勤说明",
    ]
    body = []
    for row in rows:
        enrolment = row.enrolment
        shown = {
            gate["code"]: gate_summary(gate)
            for gate in gate_rows(row.gates, vetoed=enrolment.person_id in vetoed, year=project.year)
        }
        waiting = {reason.get("code"): reason for reason in row.waiting or []}
        to_grade = [
            reason.get("params", {}).get(key, "")
            for code, key in ((gates.WORK_TO_GRADE, "titles"), (gates.SCORE_MISSING, "labels"))
            if (reason := waiting.get(code))
        ]
        body.append(
            [
                enrolment.person.name,
                enrolment.person.id_masked,
                enrolment.school.name,
                enrolment.cohort.name if enrolment.cohort else "",
                *[cell["text"] if cell["text"] != "—" else "" for cell in component_cells(row, version)],
                row.total if row.total is not None else "",
                labels.get(row.band, ""),
                row.attendance_rate,
                status_text(row.status),
                row.hours_total,
                "是" if row.excellent else "",
                *[shown.get(code, "") for code in columns],
                "、".join(to_grade),
                (waiting.get(gates.WORK_TO_SUBMIT) or {}).get("params", {}).get("titles", ""),
                "；".join(reasons_text(row.waiting)),
                "；".join(reasons_text(row.notes)),
            ]
        )
    return write_workbook([Sheet("考核结果", header, body)])
