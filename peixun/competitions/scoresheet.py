"""A judge's score sheet: the workbook of what they mark in a stage (through peixun.lib.xlsx, no
live formula), and the same sheet read back (through peixun.lib.uploads and peixun.lib.tabular)
into a preview — the marks to write and, for each refused row, why. Only the judge's own marks
are read or shown: never another judge's. The service `import_scores` writes the preview's marks."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from peixun.competitions import selectors
from peixun.competitions.models import Score, Stage
from peixun.lib import tabular, uploads
from peixun.lib.xlsx import Sheet, write_workbook

ENTRY = "参赛编号"
ITEM = "项目编号"
NAME = "姓名"
SUBJECT = "学科"
GROUP = "组别"
ITEM_NAME = "考核项目"
SCORE = "评分（0–100）"
HEADER = [ENTRY, ITEM, NAME, SUBJECT, GROUP, ITEM_NAME, SCORE]
MAX_BYTES = 2 * 1024 * 1024
# What a spreadsheet program would evaluate (peixun.lib.xlsx's triggers and their full-width forms).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
LOW, HIGH = Decimal(0), Decimal(100)


def workbook(stage: Stage, judge) -> bytes:
    """One row per competitor and item the judge marks, the score column empty."""
    rows = [
        [
            place.entry_id,
            item.pk,
            place.entry.person.name,
            place.entry.subject,
            place.entry.group.name,
            item.name,
            "",
        ]
        for place, item in selectors.judge_rows(stage, judge)
    ]
    return write_workbook([Sheet("评分表", HEADER, rows, column_widths=[10, 10, 12, 10, 14, 22, 14])])


@dataclass(frozen=True)
class Mark:
    """A mark to write: the sheet's row, the competitor, the item, the new and the judge's own
    previous mark."""

    row: int
    entry_id: int
    item_id: int
    name: str
    item: str
    value: Decimal
    before: Decimal | None


@dataclass(frozen=True)
class Refusal:
    row: int
    typed: str
    reason: str


@dataclass
class Preview:
    marks: list[Mark] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    blank: int = 0

    @property
    def ready(self) -> bool:
        """All or nothing: written only when every filled row is good."""
        return bool(self.marks) and not self.refused


class SheetError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _column(header: tuple[str, ...], title: str) -> int:
    for index, text in enumerate(header):
        if text == title or (title == SCORE and text.startswith("评分")):
            return index
    raise SheetError(
        _("The sheet has no column %(title)s: download the score sheet again and fill in its score column.")
        % {"title": title}
    )


def _number(text: str) -> int | None:
    try:
        return int(Decimal(text)) if text else None
    except (InvalidOperation, ValueError):
        return None


def read(data: bytes, filename: str, *, stage: Stage, judge) -> Preview:
    """The uploaded sheet checked row by row against what this judge marks. Raises SheetError
    when the file itself cannot be read."""
    try:
        uploads.check_upload(data, filename, kinds={uploads.XLSX}, max_bytes=MAX_BYTES)
        table = tabular.read_table(data, filename)
        formulas = tabular.formula_cells(data)
    except uploads.UploadError as error:
        raise SheetError(error.message) from None
    except tabular.TableError as error:
        raise SheetError(error.message) from None
    entry_at, item_at, score_at = (_column(table.header, t) for t in (ENTRY, ITEM, SCORE))
    assigned = {
        (place.entry_id, item.pk): (place, item) for place, item in selectors.judge_rows(stage, judge)
    }
    own = {
        (s.place.entry_id, s.item_id): s.value
        for s in Score.objects.filter(place__stage=stage, judge=judge).select_related("place")
    }
    preview = Preview()
    seen: dict[tuple[int, int], int] = {}
    for number, cells in table.rows:
        raw = cells[score_at]
        typed = tabular.cell_text(raw)

        def turn_down(reason: str, row: int = number, text: str = typed) -> None:
            preview.refused.append(Refusal(row, text, reason))

        if (number, score_at) in formulas or (
            isinstance(raw, str) and raw.lstrip(" ").startswith(FORMULA_LEADS)
        ):
            turn_down(_("a formula: type the score itself, as a number"), text=typed or _("(formula)"))
            continue
        if not typed:
            preview.blank += 1
            continue
        entry_id = _number(tabular.cell_text(cells[entry_at]))
        item_id = _number(tabular.cell_text(cells[item_at]))
        key = (entry_id or 0, item_id or 0)
        found = assigned.get(key)
        if found is None:
            turn_down(_("not a competitor and item you are assigned to mark in this round"))
            continue
        try:
            value = Decimal(typed)
        except InvalidOperation:
            turn_down(_("not a number"))
            continue
        if not value.is_finite():
            turn_down(_("not a number"))
        elif not LOW <= value <= HIGH:
            turn_down(_("out of range: a score is between 0 and 100"))
        elif value != value.quantize(Decimal("0.01")):
            turn_down(_("at most two decimal places"))
        elif key in seen:
            turn_down(_("the same competitor and item are already in row %(row)s") % {"row": seen[key]})
        else:
            place, item = found
            seen[key] = number
            preview.marks.append(
                Mark(
                    row=number,
                    entry_id=place.entry_id,
                    item_id=item.pk,
                    name=place.entry.person.name,
                    item=item.name,
                    value=value,
                    before=own.get((place.entry_id, item.pk)),
                )
            )
    return preview
