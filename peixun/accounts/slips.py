"""Initial password slips: what the issuer prints and hands to each teacher.

One school's slips as a PDF — four to an A4 page, with cut lines, set in the embedded CJK font
(peixun.lib.pdf) — and as a workbook (peixun.lib.xlsx: every cell text, never a formula). Both are
made in memory for one download and never stored (ADR 0033).
"""

import io
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from peixun.lib import pdf
from peixun.lib.dates import format_date_zh
from peixun.lib.xlsx import Sheet, write_workbook

PAGE = A4
SLIPS_PER_PAGE = 4
MARGIN = 42
INK = HexColor("#222222")
MUTED = HexColor("#555555")
RULE = HexColor("#999999")
# The password in a fixed-width face every PDF viewer has, so no character can be misread.
FIXED_FONT = "Courier-Bold"


@dataclass(frozen=True)
class Slip:
    name: str
    school: str
    username: str
    password: str
    login_url: str
    valid_until: date


def _labels() -> dict[str, str]:
    return {
        "title": _("Initial password slip"),
        "name": _("Name"),
        "school": _("School"),
        "username": _("Username"),
        "password": _("Initial password"),
        "address": _("Sign-in address"),
        "valid_until": _("Valid until"),
        "change": _("You must change the password at your first sign-in"),
        "expired": _(
            "The initial password works only until the date above. If it has expired or is lost, "
            "ask your school's training coordinator for a new one."
        ),
        "keep": _("Keep this slip to yourself; do not share the password with anyone."),
    }


def _draw_slip(c: canvas.Canvas, slip: Slip, labels: dict[str, str], top: float) -> None:
    font = pdf.font_name()
    width = PAGE[0]
    left, right = MARGIN, width - MARGIN
    y = top - 34
    c.setFillColor(INK)
    c.setFont(font, 15)
    c.drawString(left, y, labels["title"])
    c.setFont(font, 11)
    c.setFillColor(MUTED)
    c.drawRightString(right, y, slip.school)
    y -= 30
    c.setFillColor(INK)
    c.setFont(font, 12.5)
    c.drawString(left, y, f"{labels['name']}：{slip.name}")
    c.drawString(left + 210, y, f"{labels['username']}：{slip.username}")
    y -= 32
    label = f"{labels['password']}："
    c.drawString(left, y, label)
    c.setFont(FIXED_FONT, 21)
    c.drawString(left + pdf.text_width(label, 12.5) + 4, y - 1, slip.password)
    c.setFont(font, 12.5)
    c.drawString(left + 330, y, f"{labels['valid_until']}：{format_date_zh(slip.valid_until)}")
    y -= 26
    c.setFont(font, 11)
    for line in pdf.wrap(f"{labels['address']}：{slip.login_url}", 11, right - left):
        c.drawString(left, y, line)
        y -= 16
    y -= 4
    c.setFont(font, 12.5)
    c.drawString(left, y, f"★ {labels['change']}")
    y -= 18
    c.setFillColor(MUTED)
    c.setFont(font, 9.5)
    for paragraph in (labels["expired"], labels["keep"]):
        for line in pdf.wrap(paragraph, 9.5, right - left):
            c.drawString(left, y, line)
            y -= 13


def _cut_line(c: canvas.Canvas, y: float) -> None:
    c.saveState()
    c.setStrokeColor(RULE)
    c.setLineWidth(0.6)
    c.setDash(4, 3)
    c.line(18, y, PAGE[0] - 18, y)
    c.restoreState()


def render_pdf(slips: list[Slip], *, title: str) -> bytes:
    """The slips, four to a page, a dashed cut line between them; no slip is split across pages."""
    labels = _labels()
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=PAGE, pageCompression=1)
    c.setTitle(title)
    height = PAGE[1] / SLIPS_PER_PAGE
    for index, slip in enumerate(slips):
        position = index % SLIPS_PER_PAGE
        if index and position == 0:
            c.showPage()
        top = PAGE[1] - position * height
        _draw_slip(c, slip, labels, top)
        if position < SLIPS_PER_PAGE - 1 and index < len(slips) - 1:
            _cut_line(c, top - height)
    c.showPage()
    c.save()
    return buffer.getvalue()


def render_xlsx(slips: list[Slip], *, sheet_name: str) -> bytes:
    """The slips as one row each: for a mail merge, or to hand out in another way."""
    labels = _labels()
    header = (
        labels["name"],
        labels["school"],
        labels["username"],
        labels["password"],
        labels["address"],
        labels["valid_until"],
        _("Note"),
    )
    rows = [
        (
            slip.name,
            slip.school,
            slip.username,
            slip.password,
            slip.login_url,
            format_date_zh(slip.valid_until),
            labels["change"],
        )
        for slip in slips
    ]
    return write_workbook([Sheet(sheet_name, header, rows, column_widths=[10, 24, 16, 14, 36, 16, 20])])
