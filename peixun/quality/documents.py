"""The documents of a project's summary and archive: the summary and the 结业名册 (those who
completed) as PDF (embedded CJK font, peixun.lib.pdf) and as workbooks (peixun.lib.xlsx: never a
live formula), and the archive's PDF index. Written in Chinese, as filed."""

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from peixun.lib import pdf
from peixun.lib.dates import format_date_zh, format_hours
from peixun.lib.xlsx import Sheet, write_workbook
from peixun.quality import selectors
from peixun.quality.models import ExpenseLine, ProjectSummary
from peixun.training.models import Project

ROSTER_HEADER = ["序号", "姓名", "单位", "班级", "总评", "等级", "获得学时", "优秀学员"]
EXPENSE_HEADER = ["类别", "项目", "预算（元）", "决算（元）", "差额（元）"]


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def _pct(value: str) -> str:
    return f"{value}%" if value else "—"


def roster_rows(project: Project) -> list[list[str]]:
    rows = []
    for index, result in enumerate(selectors.completers(project).iterator(chunk_size=500), start=1):
        enrolment = result.enrolment
        rows.append(
            [
                str(index),
                enrolment.person.name,
                enrolment.school.name,
                enrolment.cohort.name if enrolment.cohort else "",
                "" if result.total is None else str(result.total),
                result.band,
                format_hours(result.hours_total),
                "是" if result.excellent else "",
            ]
        )
    return rows


def roster_xlsx(project: Project) -> bytes:
    return write_workbook([Sheet("结业名册", ROSTER_HEADER, roster_rows(project))])


def expense_rows(lines: Sequence[ExpenseLine]) -> list[list[str]]:
    return [
        [
            str(line.get_kind_display()),
            line.item,
            _money(line.budgeted),
            _money(line.spent),
            _money(None if line.spent is None else line.spent - line.budgeted),
        ]
        for line in lines
    ]


def figure_rows(project: Project, summary: ProjectSummary) -> list[list[str]]:
    f = summary.figures
    rating = selectors.project_rating(project)
    money = selectors.money(summary, list(summary.expenses.all()))
    return [
        ["报名并参训人数", str(f.get("enrolled", 0))],
        ["参加考核人数", str(f.get("assessed", 0))],
        ["结业（合格）人数", str(f.get("passed", 0))],
        ["平均出勤率", _pct(f.get("attendance_rate", ""))],
        ["合格率", _pct(f.get("pass_rate", ""))],
        ["优秀率", _pct(f.get("excellent_rate", ""))],
        ["已登记学时", f"{format_hours(f.get('hours_posted', '0'))}（{f.get('people_credited', 0)} 人）"],
        ["满意度", f"{rating.percent}%（{rating.responses} 人评价）" if rating else "暂无评价"],
        ["预算合计（元）", _money(money.budget)],
        ["决算合计（元）", _money(money.spent) if money.spent is not None else "待填写"],
        ["人均预算（元）", _money(money.budget_per_trainee) or "—"],
        ["人均成本（元）", _money(money.spent_per_trainee) or "待填写"],
    ]


def summary_xlsx(project: Project, summary: ProjectSummary) -> bytes:
    lines = list(summary.expenses.all())
    return write_workbook(
        [
            Sheet(
                "项目总结", ["指标", "数值"], [*figure_rows(project, summary), ["总结", summary.narrative]]
            ),
            Sheet("经费决算", EXPENSE_HEADER, expense_rows(lines)),
            Sheet("结业名册", ROSTER_HEADER, roster_rows(project)),
        ]
    )


class _Doc:
    """One A4 document with the CJK font: a title, paragraphs, tables, a footer."""

    def __init__(self, title: str, subtitle: str = "") -> None:
        self.title = title
        font = pdf.font_name()
        self.font = font
        self.base = ParagraphStyle("base", fontName=font, fontSize=10, leading=15, wordWrap="CJK")
        self.small = ParagraphStyle("small", parent=self.base, fontSize=9, leading=12)
        self.heading = ParagraphStyle(
            "h", parent=self.base, fontSize=13, leading=19, spaceBefore=10, spaceAfter=4
        )
        big = ParagraphStyle("t", parent=self.base, fontSize=18, leading=26, alignment=1, spaceAfter=4)
        self.story: list[Flowable] = [self.p(title, big)]
        if subtitle:
            self.story.append(self.p(subtitle, ParagraphStyle("s", parent=self.base, alignment=1)))
        self.story.append(Spacer(1, 4 * mm))

    def p(self, text: str, style=None) -> Paragraph:
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style or self.base)

    def h(self, text: str) -> None:
        self.story.append(self.p(text, self.heading))

    def text(self, text: str) -> None:
        self.story.append(self.p(text))

    def table(self, header: list[str] | None, rows: list[list[str]], widths: list[float]) -> None:
        body = ([[self.p(h, self.small) for h in header]] if header else []) + [
            [self.p(cell, self.small) for cell in row] for row in rows
        ]
        table = Table(body, colWidths=[w * mm for w in widths], repeatRows=1 if header else 0)
        commands: list[tuple[Any, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa4b2")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        if header:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")))
        table.setStyle(TableStyle(commands))
        self.story.append(table)

    def render(self) -> bytes:
        made = format_date_zh(timezone.localdate())
        font, title = self.font, self.title

        def footer(canvas, doc) -> None:
            canvas.saveState()
            canvas.setFont(font, 8)
            canvas.setFillColor(colors.grey)
            canvas.drawString(18 * mm, 10 * mm, f"{title} · 生成于 {made}")
            canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"第 {doc.page} 页")
            canvas.restoreState()

        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm,
            bottomMargin=18 * mm, title=title, author="Peixun",
        )  # fmt: skip
        doc.build(self.story, onFirstPage=footer, onLaterPages=footer)
        return buffer.getvalue()


def _dates(project: Project) -> str:
    if project.starts_on and project.ends_on:
        return f"{format_date_zh(project.starts_on)} 至 {format_date_zh(project.ends_on)}"
    return ""


def roster_pdf(project: Project) -> bytes:
    doc = _Doc(f"{project.title} 结业名册", f"{project.organiser.name}　{_dates(project)}")
    rows = roster_rows(project)
    if rows:
        doc.table(ROSTER_HEADER, rows, [12, 24, 40, 30, 16, 16, 20, 16])
    else:
        doc.text("暂无结业学员。")
    return doc.render()


def summary_pdf(project: Project, summary: ProjectSummary) -> bytes:
    doc = _Doc(f"{project.title} 项目总结", f"{project.organiser.name}　{_dates(project)}")
    doc.h("一、主要数据")
    doc.table(None, figure_rows(project, summary), [60, 110])
    doc.h("二、工作总结")
    doc.text(summary.narrative or "（尚未填写）")
    doc.h("三、经费决算")
    lines = list(summary.expenses.all())
    if lines:
        doc.table(EXPENSE_HEADER, expense_rows(lines), [30, 60, 28, 28, 28])
    else:
        doc.text("无预算项目。")
    return doc.render()


def index_pdf(project: Project, entries: list[tuple[str, str, int]]) -> bytes:
    """The archive's index: every file of the zip, its folder and size."""
    doc = _Doc(f"{project.title} 项目档案目录", f"{project.organiser.name}　{_dates(project)}")
    rows = [[str(i), name, what, _size(size)] for i, (name, what, size) in enumerate(entries, start=1)]
    doc.table(["序号", "文件", "内容", "大小"], rows, [12, 90, 46, 24])
    return doc.render()


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, size // 1024)} KB"
