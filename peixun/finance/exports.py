"""The workbooks (through peixun.lib.xlsx: never a live formula) and the statement's PDF (through
peixun.lib.pdf: the embedded CJK font) of training funds."""

import io

from django.utils import timezone
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from peixun.finance.models import BookSubsidy
from peixun.finance.selectors import BOOKS, FEES, Balance, BudgetRow, StatementView
from peixun.lib import pdf
from peixun.lib.dates import format_date_zh
from peixun.lib.money import format_yuan
from peixun.lib.xlsx import Sheet, write_workbook

SPENDING_HEADER = ["培训费", "校本研修", "图书补贴", "差旅费", "其他", "合计"]
SPENDING_KEYS = [FEES, "school_based", BOOKS, "travel", "other"]


def balances(rows: list[Balance]) -> bytes:
    body = [
        [
            row.school.name,
            row.school.code,
            str(row.statements),
            format_yuan(row.owed),
            format_yuan(row.paid),
            format_yuan(row.balance),
        ]
        for row in rows
    ]
    return write_workbook(
        [
            Sheet(
                "各校培训费",
                ["学校", "学校代码", "缴费通知单数", "应缴（元）", "已缴（元）", "欠缴（元）"],
                body,
            )
        ]
    )


def _period(view: StatementView) -> str:
    statement = view.statement
    return f"{format_date_zh(statement.period_from)}—{format_date_zh(statement.period_to)}"


def statement_xlsx(view: StatementView) -> bytes:
    lines = [
        [
            line.person.name,
            line.project.title,
            format_date_zh(line.project.starts_on) if line.project.starts_on else "",
            line.standing,
            format_yuan(line.amount),
        ]
        for line in view.lines
    ]
    payments = [[format_date_zh(p.paid_on), p.reference, format_yuan(p.amount)] for p in view.payments]
    summary = [
        ["学校", view.statement.school.name],
        ["期间", _period(view)],
        ["应缴（元）", format_yuan(view.statement.total)],
        ["已缴（元）", format_yuan(view.paid)],
        ["欠缴（元）", format_yuan(view.balance)],
    ]
    return write_workbook(
        [
            Sheet("缴费通知单", ["项目", "内容"], summary),
            Sheet("学员明细", ["姓名", "培训项目", "开班日期", "情况", "培训费（元）"], lines),
            Sheet("缴费记录", ["缴费日期", "凭证号", "金额（元）"], payments),
        ]
    )


def _money_cells(row: BudgetRow) -> list[str]:
    return [format_yuan(row.spent[key]) for key in SPENDING_KEYS] + [format_yuan(row.total)]


def _check_cells(row: BudgetRow) -> list[str]:
    cells: list[str] = []
    for check in (row.pay_check, row.public_check):
        if check is None or not check.known:
            cells += ["未填报", "待填报"]
        else:
            cells += [
                format_yuan(check.required),
                "达标" if not check.short else f"差 {format_yuan(check.shortfall)}",
            ]
    return cells


def budget_report(schools: list[BudgetRow], districts: list[BudgetRow], year: int) -> bytes:
    head = [
        "教师工资总额（元）",
        "公用经费（元）",
        *SPENDING_HEADER,
        "工资比例应达（元）",
        "工资比例",
        "公用经费比例应达（元）",
        "公用经费比例",
    ]
    school_rows = [
        [
            row.name,
            format_yuan(row.teacher_pay) if row.known else "未填报",
            format_yuan(row.public_funds) if row.known else "未填报",
            *_money_cells(row),
            *_check_cells(row),
        ]
        for row in schools
    ]
    district_rows = [
        [
            row.name,
            str(row.schools),
            str(row.short_schools),
            format_yuan(row.teacher_pay) if row.teacher_pay is not None else "未填报",
            format_yuan(row.public_funds) if row.public_funds is not None else "未填报",
            *_money_cells(row),
            *_check_cells(row),
        ]
        for row in districts
    ]
    return write_workbook(
        [
            Sheet(f"{year}年各校", ["学校", *head], school_rows),
            Sheet(f"{year}年各区县", ["区县", "学校数", "未达标学校数", *head], district_rows),
        ]
    )


def subsidies(rows: list[BookSubsidy], year: int) -> bytes:
    body = [
        [
            row.school.name,
            row.person.name,
            row.person.id_masked,
            format_yuan(row.amount),
            format_date_zh(row.paid_on) if row.paid_on else "未发放",
        ]
        for row in rows
    ]
    return write_workbook(
        [Sheet(f"图书补贴{year}", ["学校", "姓名", "证件号码", "金额（元）", "发放日期"], body)]
    )


INK = HexColor("#222222")
MUTED = HexColor("#555555")
MARGIN = 48


def statement_pdf(view: StatementView, *, issuer: str) -> bytes:
    """The statement as the school receives it: header, one line per trainee, payments, balance."""
    font = pdf.font_name()
    buffer = io.BytesIO()
    width, height = A4
    c = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    c.setTitle(f"培训费缴费通知单 {view.statement.school.name}")
    columns = [MARGIN, MARGIN + 80, MARGIN + 300, MARGIN + 380, width - MARGIN]

    def head() -> float:
        c.setFillColor(INK)
        c.setFont(font, 16)
        c.drawCentredString(width / 2, height - MARGIN - 10, "培训费缴费通知单")
        c.setFont(font, 10.5)
        y = height - MARGIN - 40
        c.drawString(MARGIN, y, f"学校：{view.statement.school.name}")
        c.drawRightString(width - MARGIN, y, f"期间：{_period(view)}")
        y -= 24
        c.setFillColor(MUTED)
        for x, text in zip(columns[:4], ["姓名", "培训项目", "开班日期", "情况"], strict=True):
            c.drawString(x, y, text)
        c.drawRightString(columns[4], y, "培训费（元）")
        c.line(MARGIN, y - 5, width - MARGIN, y - 5)
        c.setFillColor(INK)
        return y - 20

    y = head()
    for line in view.lines:
        if y < MARGIN + 120:
            c.showPage()
            y = head()
        c.setFont(font, 10)
        c.drawString(columns[0], y, line.person.name)
        c.drawString(columns[1], y, pdf.wrap(line.project.title, 10, 210)[0])
        c.drawString(columns[2], y, format_date_zh(line.project.starts_on) if line.project.starts_on else "")
        c.drawString(columns[3], y, line.standing)
        c.drawRightString(columns[4], y, format_yuan(line.amount))
        y -= 17
    c.line(MARGIN, y + 8, width - MARGIN, y + 8)
    y -= 10
    c.setFont(font, 11)
    for label, amount in (("应缴合计", view.statement.total), ("已缴", view.paid), ("欠缴", view.balance)):
        c.drawString(columns[3], y, label)
        c.drawRightString(columns[4], y, f"{format_yuan(amount)} 元")
        y -= 18
    for payment in view.payments:
        c.setFont(font, 9.5)
        c.setFillColor(MUTED)
        c.drawString(
            MARGIN,
            y,
            f"{format_date_zh(payment.paid_on)} 缴费 {format_yuan(payment.amount)} 元"
            f"（凭证号 {payment.reference}）",
        )
        y -= 15
    c.setFillColor(MUTED)
    c.setFont(font, 9.5)
    note = "培训费由学员所在学校缴纳，不向教师个人收取；学员考核不合格的，培训费照缴。"
    for text in pdf.wrap(note, 9.5, width - 2 * MARGIN):
        y -= 14
        c.drawString(MARGIN, y, text)
    c.drawRightString(
        width - MARGIN, MARGIN, f"{issuer}　{format_date_zh(timezone.localdate(view.statement.created_at))}"
    )
    c.showPage()
    c.save()
    return buffer.getvalue()
