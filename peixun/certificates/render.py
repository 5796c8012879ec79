"""A certificate as a one-page PDF (A4 landscape), drawn with reportlab (no Django).

The page shows the kind, the number with its check code, the holder's name and masked ID number
(the holder's own document; the public verification page shows no part of the ID number), the
wording with project, dates and hours, the issuing body and date, its seal, and a QR code of the
verification address. Text is set in the embedded CJK font (peixun.lib.pdf); the QR
code is drawn as vector squares, so it stays sharp when printed. A revoked certificate is drawn
with a large diagonal 作废 across the page and the date it was revoked (`revoked_on`).
"""

import io
import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

import segno
from reportlab import rl_config
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from peixun.lib import pdf
from peixun.lib.dates import format_date_zh

PAGE = landscape(A4)
# Binary streams: ASCII85 only makes a PDF a quarter bigger and slower to write.
rl_config.useA85 = 0
RED = HexColor("#A61B1B")
GOLD = HexColor("#B8923A")
INK = HexColor("#222222")
MUTED = HexColor("#555555")
PAPER = Color(1, 0.988, 0.965)
VOID = Color(0.80, 0.05, 0.05, alpha=0.38)  # red, see-through: the certificate stays legible
VOID_EDGE = Color(0.45, 0.45, 0.45, alpha=0.55)

# The wording of each kind when a template leaves its own empty (RULES E2).
DEFAULT_TITLES = {
    "pass": "合格证书",
    "completion": "结业证书",
    "post": "上岗证书",
    "excellent": "优秀学员证书",
}
DEFAULT_BODIES = {
    "pass": "于{start}至{end}参加{organiser}组织的“{project}”，完成规定学习任务，经考核合格，计{hours}学时。",
    "completion": "于{start}至{end}参加{organiser}组织的“{project}”，修完全部课程，准予结业，计{hours}学时。",
    "post": "于{start}至{end}参加{organiser}组织的“{project}”，经考核合格，准予上岗。",
    "excellent": "在{organiser}组织的“{project}”（{start}至{end}）中学习认真、成绩优异，被评为优秀学员。",
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class CertificateData:
    kind: str
    title: str
    number: str
    name: str
    id_masked: str
    project: str
    organiser: str
    hours: str  # "48.0"
    starts_on: date | None
    ends_on: date | None
    issuer: str
    issued_on: date
    verify_url: str
    check_code: str = ""  # ABCD-2345: with the number, finds the certificate's public page
    body_template: str = ""
    band: str = ""
    seal_png: bytes | None = None
    revoked_on: date | None = None  # set: the page carries the 作废 watermark with this date

    def values(self) -> dict[str, str]:
        return {
            "name": self.name,
            "project": self.project,
            "organiser": self.organiser,
            "start": format_date_zh(self.starts_on) if self.starts_on else "",
            "end": format_date_zh(self.ends_on) if self.ends_on else "",
            "hours": self.hours,
            "band": self.band,
        }

    @property
    def body(self) -> str:
        return fill(
            self.body_template or DEFAULT_BODIES.get(self.kind, DEFAULT_BODIES["pass"]), self.values()
        )


def fill(template: str, values: dict[str, str]) -> str:
    """Replace {name}-style placeholders with known values only (no attribute access, unlike
    str.format); an unknown placeholder is left as written."""
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), template)


_SEALS: "OrderedDict[bytes, ImageReader]" = OrderedDict()


def _seal(png: bytes) -> ImageReader:
    """Decoded seals, kept for the next certificate of a batch (a few at most)."""
    reader = _SEALS.get(png)
    if reader is None:
        reader = ImageReader(io.BytesIO(png))
        _SEALS[png] = reader
        while len(_SEALS) > 8:
            _SEALS.popitem(last=False)
    return reader


def draw_qr(c: canvas.Canvas, text: str, x: float, y: float, size: float) -> None:
    """A QR code of `text` with its lower-left corner at (x, y), `size` points wide (no quiet zone:
    the page margin around it serves). Mask pattern 0 is fixed — any mask is valid to a reader and
    choosing the "best" one costs most of the encoding time — and each run of dark modules is one
    rectangle, written as PDF operators directly."""
    matrix = segno.make(text, error="m", mask=0).matrix
    modules = len(matrix)
    unit = size / modules
    operators = []
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * unit
        column = 0
        while column < modules:
            if row[column]:
                start = column
                while column < modules and row[column]:
                    column += 1
                operators.append(
                    f"{x + start * unit:.2f} {top:.2f} {(column - start) * unit:.2f} {unit:.2f} re"
                )
            else:
                column += 1
    c.setFillColor(INK)
    c.addLiteral("\n".join(operators) + "\nf")


def _frame(c: canvas.Canvas) -> None:
    width, height = PAGE
    c.setFillColor(PAPER)
    c.rect(0, 0, width, height, stroke=0, fill=1)
    c.setStrokeColor(RED)
    c.setLineWidth(5)
    c.rect(22, 22, width - 44, height - 44)
    c.setStrokeColor(GOLD)
    c.setLineWidth(1.2)
    c.rect(32, 32, width - 64, height - 64)
    c.rect(36, 36, width - 72, height - 72)


def _title(c: canvas.Canvas, title: str, font: str) -> None:
    width, height = PAGE
    c.saveState()
    text = c.beginText()
    text.setTextRenderMode(2)  # fill and stroke: a heavier title from the one regular weight
    c.setLineWidth(0.9)
    c.setStrokeColor(RED)
    c.setFillColor(RED)
    size = 40
    spaced = " ".join(title) if len(title) <= 6 else title
    text.setFont(font, size)
    text.setTextOrigin((width - pdf.text_width(spaced, size)) / 2, height - 118)
    text.textOut(spaced)
    c.drawText(text)
    c.restoreState()


def _void(c: canvas.Canvas, revoked_on: date, font: str) -> None:
    """作废 in large red letters across the page's diagonal, outlined in grey, with the date."""
    width, height = PAGE
    c.saveState()
    c.translate(width / 2, height / 2)
    c.rotate(30)
    size = 220
    text = c.beginText()
    text.setTextRenderMode(2)  # fill and stroke: heavy letters from the one regular weight
    c.setFillColor(VOID)
    c.setStrokeColor(VOID_EDGE)
    c.setLineWidth(2)
    text.setFont(font, size)
    word = "作废"
    text.setTextOrigin(-pdf.text_width(word, size) / 2, -size * 0.3)
    text.textOut(word)
    c.drawText(text)
    line = f"已于{format_date_zh(revoked_on)}作废"
    c.setFont(font, 26)
    c.drawCentredString(0, -size * 0.3 - 52, line)
    c.restoreState()


def fonts_ready() -> None:
    """Register the font now, before worker processes are forked, so each inherits it."""
    pdf.font_name()


def render(data: CertificateData) -> bytes:
    font = pdf.font_name()
    buffer = io.BytesIO()
    width, height = PAGE
    c = canvas.Canvas(buffer, pagesize=PAGE, pageCompression=1)
    c.setTitle(f"{data.title} {data.number}" + ("（作废）" if data.revoked_on else ""))
    c.setAuthor(data.issuer)
    c.setSubject(data.project)
    _frame(c)
    _title(c, data.title, font)

    c.setFillColor(MUTED)
    c.setFont(font, 11)
    number_line = f"证书编号：{data.number}"
    if data.check_code:
        number_line += f"　　核验码：{data.check_code}"
    c.drawRightString(width - 70, height - 150, number_line)

    left, right = 95, width - 95
    y = height - 205
    c.setFillColor(INK)
    c.setFont(font, 22)
    c.drawString(left, y, data.name)
    name_width = pdf.text_width(data.name, 22)
    c.setFont(font, 15)
    c.drawString(left + name_width + 8, y, f"同志（证件号码 {data.id_masked}）：")
    y -= 44
    size, leading = 17, 31
    lines = pdf.wrap(data.body, size, right - left - 34)
    c.setFont(font, size)
    for index, line in enumerate(lines):
        c.drawString(left + (34 if index == 0 else 0), y, line)
        y -= leading
    c.drawString(left + 34, y, "特发此证。")

    # The issuing body and date, with the seal over them.
    issuer_x = right - 40
    c.setFont(font, 17)
    c.drawRightString(issuer_x, 120, data.issuer)
    c.setFont(font, 15)
    c.drawRightString(issuer_x, 94, format_date_zh(data.issued_on))
    if data.seal_png:
        seal = 128
        centre = issuer_x - max(pdf.text_width(data.issuer, 17), 110) / 2
        c.drawImage(_seal(data.seal_png), centre - seal / 2, 52, seal, seal, mask="auto")

    # The QR code of the public verification page.
    qr_size = 86
    draw_qr(c, data.verify_url, left, 66, qr_size)
    c.setFillColor(MUTED)
    c.setFont(font, 10)
    c.drawString(left + qr_size + 12, 132, "扫码核验证书真伪")
    c.setFont(font, 7.5)
    url_lines = pdf.wrap(data.verify_url, 7.5, 230)
    for index, line in enumerate(url_lines[:3]):
        c.drawString(left + qr_size + 12, 116 - index * 10, line)
    if data.revoked_on is not None:
        _void(c, data.revoked_on, font)
    c.showPage()
    c.save()
    return buffer.getvalue()
