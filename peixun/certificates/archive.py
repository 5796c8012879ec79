"""The teacher's continuing-education file (继续教育个人档案, RULES G2, C5) for one cycle of the
policy that governs them: who they are (ID number masked), where they stand, every ledger entry
of the cycle (reversals included) and every certificate issued in it — as a PDF (embedded CJK
font, peixun.lib.pdf) and as a workbook (peixun.lib.xlsx, no live formulas)."""

import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from xml.sax.saxutils import escape

from django.db.models import Q
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from peixun.assessment import selectors as assessment_selectors
from peixun.assessment import wording as assessment_wording
from peixun.certificates.hooks import FileSection, file_sections
from peixun.certificates.models import Certificate, CertificateKind
from peixun.delivery import selectors as delivery_selectors
from peixun.ledger import selectors as ledger_selectors
from peixun.lib import pdf
from peixun.lib.dates import format_date_zh, format_hours
from peixun.lib.xlsx import Sheet, write_workbook
from peixun.orgs.models import Person
from peixun.policies.rules import Result
from peixun.recognition import selectors as recognition_selectors
from peixun.schoolbased import selectors as schoolbased_selectors
from peixun.training.models import Enrolment, EnrolmentStatus

KIND_ZH: dict[str, str] = {
    CertificateKind.PASS: "合格证书",
    CertificateKind.COMPLETION: "结业证书",
    CertificateKind.POST: "上岗证书",
    CertificateKind.EXCELLENT: "优秀学员证书",
}
CATEGORY_ZH = {"ethics_literacy": "师德与素养", "knowledge_skills": "知识与技能", "practice": "实践体验"}
LEVEL_ZH = {
    "overseas": "出国（境）",
    "national": "国家级",
    "provincial": "省级",
    "city": "市级",
    "county": "区县级",
    "school": "校级",
}
MODE_ZH = {
    "concentrated": "集中",
    "remote": "远程",
    "blended": "混合",
    "school_based": "校本",
    "outreach": "送培送教",
    "shadowing": "跟岗",
    "self_study": "自学",
}
SOURCE_ZH = {
    "project": "培训项目",
    "school_based": "校本研修",
    "recognition": "校外培训认定",
    "direct": "直接登记",
    "adjustment": "调整",
}
SECTION_ZH = {
    "kindergarten": "幼儿园",
    "primary": "小学",
    "junior": "初中",
    "senior": "高中",
    "vocational": "职业教育",
}
ATTENDANCE_ZH = {"present": "出勤", "late": "迟到", "absent": "缺勤", "leave": "请假"}
DECLARATION_ZH = {
    "pending_school": "待学校审核",
    "pending_bureau": "待教育局审核",
    "returned": "已退回修改",
    "approved": "已认定，学时已登记",
}
ANSWER_ZH = {"pending": "待教师确认", "confirmed": "已确认", "disputed": "有异议", "resolved": "异议已处理"}
REGISTRATION_ZH = {
    "compiling": "学校汇总中",
    "submitted": "已报送",
    "returned": "已退回",
    "accepted": "已审核通过",
}
TITLE_ZH = {
    "professor": "正高级",
    "senior": "高级",
    "first": "一级",
    "second": "二级",
    "third": "三级",
    "none": "无",
}


@dataclass
class Cycle:
    start: date
    end: date
    as_of: date

    @property
    def key(self) -> str:
        return self.start.isoformat()


@dataclass
class Archive:
    person: Person
    cycle: Cycle | None
    policy: str
    result: Result | None
    entries: list
    certificates: list[Certificate]
    generated: date
    # Every table of the file after the person's details, in order: what Peixun records (training
    # projects, coursework, certificates, outside training, 校本, ethics reviews, the hours, the
    # cycle's compliance) and then the sections the apps above add (hooks.file_sections).
    sections: list[FileSection] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        return verdict_of(self.result)


def verdict_of(result: Result | None) -> str:
    """The cycle's compliance in words; no policy is not a failure."""
    if result is None:
        return "无适用政策"
    if result.exempt:
        return "免修"
    return "达标" if result.compliant else "未达标"


def cycles(person: Person, today: date | None = None, count: int = 3) -> list[Cycle]:
    """The current cycle of the person's policy and the ones before it (newest first)."""
    today = today or timezone.localdate()
    found: list[Cycle] = []
    as_of = today
    for _index in range(count):
        standing = ledger_selectors.standing(person, as_of)
        if standing.result is None:
            break
        period = standing.result.period
        found.append(Cycle(period.start, period.end, min(as_of, period.end)))
        as_of = period.start - timedelta(days=1)
    return found


def build(person: Person, cycle_key: str = "", today: date | None = None) -> Archive:
    today = today or timezone.localdate()
    options = cycles(person, today)
    cycle = next((c for c in options if c.key == cycle_key), options[0] if options else None)
    standing = ledger_selectors.standing(person, cycle.as_of if cycle else today)
    entries = sorted(standing.entries, key=lambda e: (e.earned_on, e.pk))
    certificates = (
        Certificate.objects.filter(person=person).select_related("project").order_by("issued_on", "pk")
    )
    if cycle is not None:
        entries = [e for e in entries if cycle.start <= e.earned_on <= cycle.end]
        certificates = certificates.filter(issued_on__gte=cycle.start, issued_on__lte=cycle.end)
    built = Archive(
        person=person,
        cycle=cycle,
        policy=standing.version.policy.name if standing.version else "",
        result=standing.result,
        entries=entries,
        certificates=list(certificates),
        generated=today,
    )
    # Without a policy the file covers the last three years.
    start, end = (cycle.start, cycle.end) if cycle else (today.replace(year=today.year - 3), today)
    built.sections = _sections(built, start, end)
    return built


def _enrolments(person: Person, start: date, end: date) -> list[Enrolment]:
    """The person's places in projects that ran (at least partly) in [start, end]."""
    return list(
        Enrolment.objects.filter(
            person=person,
            status=EnrolmentStatus.ENROLLED,
            project__starts_on__lte=end,
        )
        .filter(Q(project__ends_on__gte=start) | Q(project__ends_on__isnull=True))
        .select_related("project__organiser")
        .order_by("project__starts_on", "pk")
    )


def _span(start: date | None, end: date | None) -> str:
    if start is None:
        return ""
    if end is None or end == start:
        return format_date_zh(start)
    return f"{format_date_zh(start)}至{format_date_zh(end)}"


def _attendance_text(counts) -> str:
    if not counts:
        return "无考勤记录"
    return "，".join(f"{label}{counts.get(kind, 0)}次" for kind, label in ATTENDANCE_ZH.items())


def _result_words(result, bands: dict[int, dict[str, str]]) -> tuple[str, str, str]:
    """(total score, result, hours granted) of a project result; undecided is 待评分, not a fail."""
    if result is None or result.status == "provisional":
        return ("待评分", "待评分", "待评分")
    total = "" if result.total is None else format_hours(result.total)
    words = "合格" if result.passed else "不合格"
    if result.band:
        if result.version_id not in bands:
            bands[result.version_id] = assessment_wording.band_labels(result.version.scheme())
        band = assessment_wording.band_label(bands[result.version_id].get(result.band, ""), result.status)
        if band:
            words = f"{words}（{band}）"
    if result.excellent:
        words += "，优秀学员"
    return (total, words, format_hours(result.hours_total))


def _sections(built: Archive, start: date, end: date) -> list[FileSection]:
    person = built.person
    enrolments = _enrolments(person, start, end)
    ids = [enrolment.pk for enrolment in enrolments]
    attendance = delivery_selectors.attendance_summary(ids) if ids else {}
    results = assessment_selectors.results_by_enrolment(ids) if ids else {}
    projects = []
    bands: dict[int, dict[str, str]] = {}
    for enrolment in enrolments:
        project = enrolment.project
        total, words, granted = _result_words(results.get(enrolment.pk), bands)
        projects.append(
            [
                project.title,
                project.organiser.name,
                _span(project.starts_on, project.ends_on),
                format_hours(project.hours_credited),
                _attendance_text(attendance.get(enrolment.pk)),
                total,
                words,
                granted,
            ]
        )
    work = []
    for submission in delivery_selectors.coursework_of(ids) if ids else []:
        assignment = submission.assignment
        if submission.status == "graded" and submission.score is not None:
            grade = f"{format_hours(submission.score)}/{format_hours(assignment.max_score)}"
        else:
            grade = "待评分"
        state = {"graded": "已评分", "returned": "退回修改", "submitted": "已提交"}.get(submission.status, "")
        if submission.late:
            state += "（逾期）"
        work.append(
            [
                assignment.project.title,
                assignment.title,
                format_date_zh(timezone.localtime(submission.submitted_at)),
                grade,
                state,
            ]
        )
    outside = [
        [
            declaration.course,
            declaration.provider,
            _span(declaration.starts_on, declaration.ends_on),
            f"{CATEGORY_ZH.get(declaration.category, '')}/{LEVEL_ZH.get(declaration.level, '')}",
            format_hours(declaration.hours),
            DECLARATION_ZH.get(declaration.status, ""),
        ]
        for declaration in recognition_selectors.declarations_of(person.pk, start, end)
    ]
    school_based = [
        [
            format_date_zh(line.earned_on),
            line.line.title,
            CATEGORY_ZH.get(line.line.category, ""),
            format_hours(line.hours),
            "待登记" if line.counted_hours is None else format_hours(line.counted_hours),
            ANSWER_ZH.get(line.answer, ""),
            REGISTRATION_ZH.get(line.registration.state, ""),
        ]
        for line in schoolbased_selectors.lines_of(person.pk, start, end)
    ]
    ethics = [
        [
            f"{veto.year}年",
            "师德考核不合格" + ("（已解除）" if veto.lifted_at else ""),
            veto.reason,
        ]
        for veto in assessment_selectors.ethics_reviews_of(person.pk, start.year, end.year)
    ]
    certificates = [_certificate_row(c) for c in built.certificates]
    found = [
        FileSection("培训项目", PROJECT_HEADER, projects, "本周期暂无培训项目。"),
        FileSection("作业", WORK_HEADER, work, "本周期暂无作业。"),
        FileSection("证书", CERTIFICATE_HEADER, certificates, "本周期暂无证书。"),
        FileSection("校外培训", OUTSIDE_HEADER, outside, "本周期暂无校外培训申报。"),
        FileSection("校本研修", SCHOOL_BASED_HEADER, school_based, "本周期暂无校本研修登记。"),
        FileSection("师德考核", ETHICS_HEADER, ethics, "本周期无师德考核不合格记录。"),
        FileSection("学时记录", ENTRY_HEADER, [_entry_row(e) for e in built.entries], "本周期暂无学时记录。"),
        FileSection("周期达标情况", STANDING_HEADER, _standing_rows(built.result), "暂无适用的学时政策。"),
    ]
    for section in file_sections.run(person=person, cycle=built.cycle):
        if section is not None:
            found.append(section)
    return found


def _standing_rows(result: Result | None) -> list[list[str]]:
    if result is None:
        return []
    rows = []
    for line in result.lines:
        reached = (
            f"{format_hours(line.earned)}/{format_hours(line.required)}"
            if line.required is not None
            else format_hours(line.earned)
        )
        rows.append([line.label, reached, "已完成" if line.ok else "未完成", line.message])
    return rows


def _person_lines(person: Person) -> list[tuple[str, str]]:
    return [
        ("姓名", person.name),
        ("证件号码", person.id_masked),
        ("单位", person.org.name),
        ("学段", SECTION_ZH.get(person.section, "")),
        ("学科", "、".join(person.subjects or [])),
        ("职称", TITLE_ZH.get(person.title, "")),
    ]


def _entry_row(entry) -> list[str]:
    note = f"冲正：{entry.reason}" if entry.is_reversal else entry.reason
    return [
        format_date_zh(entry.earned_on),
        entry.title,
        entry.organiser,
        "/".join(
            (
                CATEGORY_ZH.get(entry.category, entry.category),
                LEVEL_ZH.get(entry.level, entry.level),
                MODE_ZH.get(entry.mode, entry.mode),
            )
        ),
        SOURCE_ZH.get(entry.source, entry.source),
        format_hours(entry.hours),
        note,
    ]


def _certificate_row(certificate: Certificate) -> list[str]:
    status = f"已作废（{certificate.revoke_reason}）" if certificate.revoked else "有效"
    return [
        certificate.number,
        KIND_ZH.get(certificate.kind, certificate.kind),
        certificate.fields.get("project", ""),
        certificate.fields.get("hours", ""),
        format_date_zh(certificate.issued_on),
        status,
    ]


ENTRY_HEADER = ["日期", "培训名称", "主办单位", "类别/层级/形式", "来源", "学时", "备注"]
CERTIFICATE_HEADER = ["证书编号", "证书类型", "培训项目", "学时", "发证日期", "状态"]
PROJECT_HEADER = ["培训项目", "主办单位", "日期", "计划学时", "考勤", "总评", "结果", "获得学时"]
WORK_HEADER = ["培训项目", "作业", "提交日期", "成绩", "状态"]
OUTSIDE_HEADER = ["培训名称", "举办机构", "日期", "类别/层级", "申报学时", "状态"]
SCHOOL_BASED_HEADER = ["日期", "研修活动", "类别", "学时", "计入学时", "教师确认", "登记状态"]
ETHICS_HEADER = ["年度", "结论", "原因"]
STANDING_HEADER = ["要求", "已获/应达", "是否完成", "说明"]


def summary(archive: Archive) -> str:
    """The cycle's standing in one sentence (the page, the PDF)."""
    result = archive.result
    if result is None:
        return "暂无适用的学时政策，达标情况无法判定。"
    return (
        f"应修 {format_hours(result.required_hours)} 学时，"
        f"已获 {format_hours(result.earned_hours)} 学时，"
        f"计入 {format_hours(result.counted_hours)} 学时，折合 {result.credits} 学分；"
        f"本周期{archive.verdict}。"
    )


def _display_width(text: str) -> int:
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def _column_widths(section: FileSection, total: float) -> list[float]:
    """Each column at least as wide as its header and its short cells (numbers, dates), the rest
    of the line shared in proportion to the longer texts, so long titles wrap on several lines
    and headers and figures never break one character per line."""
    unit, pad = 4.1, 5 * mm  # points per half-width character at 8 pt, the cell padding
    least, wish = [], []
    for index, header in enumerate(section.headers):
        cells = [_display_width(str(row[index])) for row in section.rows if index < len(row)]
        short = max([width for width in cells if width <= 14], default=0)
        least.append(max(_display_width(header), short) * unit + pad)
        wish.append(max(min(max(cells, default=0), 44) * unit + pad, least[-1]))
    if sum(wish) <= total:
        return [width * total / sum(wish) for width in wish]
    spare = max(total - sum(least), 0)
    extra = [w - m for w, m in zip(wish, least, strict=True)]
    share = sum(extra) or 1
    widths = [m + spare * e / share for m, e in zip(least, extra, strict=True)]
    return [width * total / sum(widths) for width in widths]


def to_pdf(archive: Archive) -> bytes:
    font = pdf.font_name()
    base = ParagraphStyle("base", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")
    small = ParagraphStyle("small", parent=base, fontSize=8, leading=10.5)
    title = ParagraphStyle("title", parent=base, fontSize=20, leading=28, alignment=1, spaceAfter=4)
    heading = ParagraphStyle("heading", parent=base, fontSize=12.5, leading=18, spaceBefore=10, spaceAfter=4)
    width = A4[0] - 32 * mm

    def p(text: str, style=base) -> Paragraph:
        return Paragraph(escape(str(text)), style)

    story: list[Flowable] = [p("继续教育个人档案", title)]
    cycle = archive.cycle
    if cycle is not None:
        story.append(
            p(
                f"周期：{format_date_zh(cycle.start)} 至 {format_date_zh(cycle.end)}"
                f"　　政策：{archive.policy}",
                ParagraphStyle("c", parent=base, alignment=1),
            )
        )
    story.append(Spacer(1, 4 * mm))
    person_rows = [[p(k, small), p(v, small)] for k, v in _person_lines(archive.person)]
    person_table = Table(
        [person_rows[i] + person_rows[i + 1] for i in range(0, len(person_rows), 2)],
        colWidths=[18 * mm, width / 2 - 18 * mm] * 2,
    )
    person_table.setStyle(_grid(header=False))
    story += [p("基本信息", heading), person_table, Spacer(1, 2 * mm), p(summary(archive))]

    for section in archive.sections:
        story.append(
            p(f"{section.title}（{len(section.rows)} 条）" if section.rows else section.title, heading)
        )
        if not section.rows:
            story.append(p(section.empty or "暂无。"))
            continue
        rows = [[p(h, small) for h in section.headers]] + [
            [p(cell, small) for cell in row] for row in section.rows
        ]
        table = Table(rows, colWidths=_column_widths(section, width), repeatRows=1)
        table.setStyle(_grid())
        story.append(table)

    generated = format_date_zh(archive.generated)

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.grey)
        canvas.drawString(16 * mm, 10 * mm, f"{archive.person.name} · 继续教育个人档案 · 生成于 {generated}")
        canvas.drawRightString(A4[0] - 16 * mm, 10 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm, bottomMargin=18 * mm,
        title=f"继续教育个人档案 {archive.person.name}", author="Peixun",
    )  # fmt: skip
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _grid(header: bool = True) -> TableStyle:
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa4b2")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")))
    return TableStyle(commands)


def _sheet_name(title: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    name = "".join(" " if char in "[]:*?/\\" else char for char in title)[:31] or "其他"
    candidate, number = name, 2
    while candidate in taken:
        candidate = f"{name[:28]}（{number}）"
        number += 1
    taken.add(candidate)
    return candidate


def to_xlsx(archive: Archive) -> bytes:
    info = [list(line) for line in _person_lines(archive.person)]
    if archive.cycle is not None:
        info.append(["周期", f"{format_date_zh(archive.cycle.start)} 至 {format_date_zh(archive.cycle.end)}"])
        info.append(["政策", archive.policy])
    result = archive.result
    if result is not None:
        info += [
            ["应修学时", format_hours(result.required_hours)],
            ["已获学时", format_hours(result.earned_hours)],
            ["计入学时", format_hours(result.counted_hours)],
            ["学分", str(result.credits)],
        ]
    info.append(["达标情况", archive.verdict])
    info.append(["生成日期", format_date_zh(archive.generated)])
    taken = {"个人信息"}
    sheets = [Sheet("个人信息", ["项目", "内容"], info)]
    for section in archive.sections:
        sheets.append(Sheet(_sheet_name(section.title, taken), section.headers, section.rows))
    return write_workbook(sheets)
