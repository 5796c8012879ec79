"""The teacher's continuing-education file (继续教育个人档案, RULES G2, C5) for one cycle of the
policy that governs them: who they are (ID number masked), where they stand, every ledger entry
of the cycle (reversals included) and every certificate issued in it — as a PDF (embedded CJK
font, peixun.lib.pdf) and as a workbook (peixun.lib.xlsx, no live formulas)."""

import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from peixun.certificates.models import Certificate, CertificateKind
from peixun.ledger import selectors as ledger_selectors
from peixun.lib import pdf
from peixun.lib.dates import format_date_zh, format_hours
from peixun.lib.xlsx import Sheet, write_workbook
from peixun.orgs.models import Person
from peixun.policies.rules import Result

KIND_ZH: dict[str, str] = {
    CertificateKind.PASS: "合格证书",
    CertificateKind.COMPLETION: "结业证书",
    CertificateKind.POST: "上岗证书",
    CertificateKind.EXCELLENT: "优秀学员证书",
}
CATEGORY_ZH = {"ethics_literacy": "师德与素养", "knowledge_skills": "知识与技能", "practice": "实践体验"}
LEVEL_ZH = {"national": "国家级", "provincial": "省级", "city": "市级", "county": "区县级", "school": "校级"}
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
    return Archive(
        person=person,
        cycle=cycle,
        policy=standing.version.policy.name if standing.version else "",
        result=standing.result,
        entries=entries,
        certificates=list(certificates),
        generated=today,
    )


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


def to_pdf(archive: Archive) -> bytes:
    font = pdf.font_name()
    base = ParagraphStyle("base", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")
    small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=11)
    title = ParagraphStyle("title", parent=base, fontSize=20, leading=28, alignment=1, spaceAfter=4)
    heading = ParagraphStyle("heading", parent=base, fontSize=12.5, leading=18, spaceBefore=10, spaceAfter=4)

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
        colWidths=[18 * mm, 62 * mm] * 2,
    )
    person_table.setStyle(_grid(header=False))
    story += [p("基本信息", heading), person_table]

    result = archive.result
    if result is not None:
        story.append(p("学时达标情况", heading))
        summary = (
            f"应修 {format_hours(result.required_hours)} 学时，"
            f"已获 {format_hours(result.earned_hours)} 学时，"
            f"计入 {format_hours(result.counted_hours)} 学时，折合 {result.credits} 学分；"
            f"{'已达标' if result.compliant else '尚未达标'}。"
        )
        story.append(p(summary))
        lines = [[p("要求", small), p("已获/应达", small), p("说明", small)]]
        for line in result.lines:
            if line.kind == "total":
                continue
            reached = (
                f"{format_hours(line.earned)}/{format_hours(line.required)}"
                if line.required is not None
                else format_hours(line.earned)
            )
            lines.append([p(line.label, small), p(reached, small), p(line.message, small)])
        if len(lines) > 1:
            table = Table(lines, colWidths=[40 * mm, 25 * mm, 95 * mm], repeatRows=1)
            table.setStyle(_grid())
            story.append(Spacer(1, 2 * mm))
            story.append(table)

    story.append(p(f"培训记录（{len(archive.entries)} 条）", heading))
    rows = [[p(h, small) for h in ENTRY_HEADER]] + [
        [p(cell, small) for cell in _entry_row(e)] for e in archive.entries
    ]
    if len(rows) == 1:
        story.append(p("本周期暂无培训记录。"))
    else:
        table = Table(
            rows, colWidths=[28 * mm, 44 * mm, 28 * mm, 27 * mm, 17 * mm, 12 * mm, 20 * mm], repeatRows=1
        )
        table.setStyle(_grid())
        story.append(table)
        total = sum((e.hours for e in archive.entries), 0)
        story.append(
            p(
                f"合计 {format_hours(total)} 学时",
                ParagraphStyle("t", parent=base, alignment=2, spaceBefore=2),
            )
        )

    story.append(p(f"证书（{len(archive.certificates)} 份）", heading))
    if archive.certificates:
        rows = [[p(h, small) for h in CERTIFICATE_HEADER]] + [
            [p(cell, small) for cell in _certificate_row(c)] for c in archive.certificates
        ]
        table = Table(rows, colWidths=[36 * mm, 24 * mm, 46 * mm, 14 * mm, 28 * mm, 30 * mm], repeatRows=1)
        table.setStyle(_grid())
        story.append(table)
    else:
        story.append(p("本周期暂无证书。"))

    generated = format_date_zh(archive.generated)

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.grey)
        canvas.drawString(18 * mm, 10 * mm, f"{archive.person.name} · 继续教育个人档案 · 生成于 {generated}")
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"第 {doc.page} 页")
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
            ["是否达标", "是" if result.compliant else "否"],
        ]
    entries = [_entry_row(e) for e in archive.entries]
    for row, entry in zip(entries, archive.entries, strict=True):
        row[5] = entry.hours
    certificates = [_certificate_row(c) for c in archive.certificates]
    return write_workbook(
        [
            Sheet("个人信息", ["项目", "内容"], info),
            Sheet("培训记录", ENTRY_HEADER, entries),
            Sheet("证书", CERTIFICATE_HEADER, certificates),
        ]
    )
