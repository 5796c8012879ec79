"""Writing .xlsx workbooks (exports, import templates, import error reports) and CSV cells safely.

Every string is written as a string cell, never parsed as a formula, URL or number, so payloads
such as `=HYPERLINK(...)`, `+1`, `-1` or `@SUM(A1)` stay inert text and long digit strings (ID
numbers, mobile numbers) keep every digit. Dates are written as ISO text (2008-09-01) so the file
imports back cleanly; times (datetime) as Excel date-times in local time (peixun.lib.dates:
Asia/Shanghai, 北京时间 — column titles say so), never in UTC. `csv_safe` neutralises formula
triggers for CSV exports (OWASP guidance).

The few user-facing labels (error report columns and sheet name) are Chinese module-level
constants.
"""

import io
import math
from collections.abc import Iterable, Sequence, Sized
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter

from peixun.lib.dates import local_datetime

ERROR_SHEET_NAME = "错误明细"
ERROR_ROW_LABEL = "行号"
ERROR_COLUMN_LABEL = "列"
ERROR_MESSAGE_LABEL = "错误说明"

# Beyond this many rows in a sheet, cells are streamed to a temporary file instead of being
# held in memory (XlsxWriter's constant_memory mode).
STREAMING_ROWS = 20_000
# How times look in a cell (the cell holds an Excel date-time, so it sorts and filters as one).
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Integers beyond this lose digits as Excel numbers (15 significant digits), so they become text.
MAX_EXACT_INTEGER = 10**15 - 1
MAX_SHEET_NAME = 31
_BAD_SHEET_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a header row and data rows. `column_widths` in Excel character units;
    when omitted, widths follow the header text."""

    name: str
    header: Sequence[object]
    rows: Iterable[Sequence[object]]
    column_widths: Sequence[float] | None = None
    # Lines above the table (a form's heading: title, unit, period, date), then one blank row.
    preamble: Sequence[Sequence[object]] = ()


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one uploaded row: its spreadsheet row number, the row's original cells,
    the column's title and the message for the user."""

    row_number: int
    cells: Sequence[object]
    column: str
    message: str


def _display_width(text: str) -> int:
    """Roughly how many Excel character units the text takes: CJK characters count double."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _sheet_names(sheets: Sequence[Sheet]) -> list[str]:
    """Excel-legal, unique sheet names (≤ 31 characters, no []:*?/\\, not blank)."""
    names: list[str] = []
    taken: set[str] = set()
    for index, sheet in enumerate(sheets, 1):
        base = str(sheet.name).translate(_BAD_SHEET_CHARS).strip().strip("'")[:MAX_SHEET_NAME]
        name = base or f"Sheet{index}"
        suffix = 2
        while name.casefold() in taken:
            tag = f" ({suffix})"
            name = base[: MAX_SHEET_NAME - len(tag)] + tag
            suffix += 1
        taken.add(name.casefold())
        names.append(name)
    return names


def _is_large(sheets: Sequence[Sheet]) -> bool:
    return any(isinstance(sheet.rows, Sized) and len(sheet.rows) > STREAMING_ROWS for sheet in sheets)


def write_workbook(sheets: Sequence[Sheet]) -> bytes:
    """The .xlsx bytes of the given sheets. Header row bold and frozen, with an autofilter.
    None → empty cell; bool, int, float, Decimal → number (integers too long for Excel and
    NaN/inf → text/empty); date → 2008-09-01 as text; datetime → an Excel date-time in local time
    (an aware one converted from its zone, a naive one taken as local), shown 2008-09-01 14:05;
    everything else (including lazy translation strings) → str, written as a text cell."""
    output = io.BytesIO()
    options: dict[str, object] = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    if _is_large(sheets):
        options["constant_memory"] = True  # rows go to a temporary file, one at a time
    else:
        options["in_memory"] = True
    workbook = xlsxwriter.Workbook(output, options)
    bold = workbook.add_format({"bold": True, "num_format": "@"})
    text = workbook.add_format({"num_format": "@"})
    stamp = workbook.add_format({"num_format": DATETIME_FORMAT})
    for sheet, name in zip(sheets, _sheet_names(sheets), strict=True):
        worksheet = workbook.add_worksheet(name)
        header = [str(title) for title in sheet.header]
        widths = sheet.column_widths or [min(max(_display_width(title) + 2, 8), 50) for title in header]
        for col, width in enumerate(widths):
            worksheet.set_column(col, col, width)
        top = len(sheet.preamble) + 1 if sheet.preamble else 0
        for row_index, line in enumerate(sheet.preamble):
            for col, value in enumerate(line):
                if value is not None:
                    worksheet.write_string(row_index, col, str(value), bold if col == 0 else text)
        for col, title in enumerate(header):
            worksheet.write_string(top, col, title, bold)
        worksheet.freeze_panes(top + 1, 0)
        if header:
            worksheet.autofilter(top, 0, top, len(header) - 1)
        # Text cells that hold digits are intended; hide Excel's "number stored as text" flag.
        worksheet.ignore_errors({"number_stored_as_text": "A1:XFD1048576"})
        write_string, write_number, write_boolean, write_datetime = (
            worksheet.write_string,
            worksheet.write_number,
            worksheet.write_boolean,
            worksheet.write_datetime,
        )
        for row_index, row in enumerate(sheet.rows, top + 1):
            for col, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    write_string(row_index, col, value, text)
                elif isinstance(value, bool):
                    write_boolean(row_index, col, value)
                elif isinstance(value, int):
                    if abs(value) > MAX_EXACT_INTEGER:
                        write_string(row_index, col, str(value), text)
                    else:
                        write_number(row_index, col, value)
                elif isinstance(value, float | Decimal):
                    number = float(value)
                    if math.isfinite(number):
                        write_number(row_index, col, number)
                elif isinstance(value, datetime):
                    write_datetime(row_index, col, local_datetime(value), stamp)
                elif isinstance(value, date):
                    write_string(row_index, col, value.isoformat(), text)
                else:
                    write_string(row_index, col, str(value), text)
    workbook.close()
    return output.getvalue()


def _grouped(errors: Iterable[RowError]) -> Iterable[list[RowError]]:
    """Consecutive errors of the same row, together."""
    group: list[RowError] = []
    for error in errors:
        if group and group[0].row_number != error.row_number:
            yield group
            group = []
        group.append(error)
    if group:
        yield group


def error_workbook(header: Sequence[object], rows_with_errors: Iterable[RowError]) -> bytes:
    """The downloadable error report of an import: each failing row's original cells, then
    行号 (its row number in the upload), 列 (the failing columns) and 错误说明 (the messages).
    Consecutive errors of one row become one line. The original columns come first, so the user
    can fix the cells and upload the same file again."""
    width = len(header)

    def lines() -> Iterable[list[object]]:
        for group in _grouped(rows_with_errors):
            cells = list(group[0].cells)[:width]
            cells += [None] * (width - len(cells))
            columns = "、".join(dict.fromkeys(error.column for error in group if error.column))
            messages = "；".join(dict.fromkeys(error.message for error in group))
            yield [*cells, group[0].row_number, columns, messages]

    titles = [str(title) for title in header]
    full_header = [*titles, ERROR_ROW_LABEL, ERROR_COLUMN_LABEL, ERROR_MESSAGE_LABEL]
    widths = [min(max(_display_width(title) + 2, 10), 50) for title in titles] + [8, 14, 60]
    return write_workbook([Sheet(ERROR_SHEET_NAME, full_header, lines(), column_widths=widths)])


def csv_safe(value: str) -> str:
    """Prefix a single quote when the text starts with = + - @ tab or CR, so spreadsheet programs
    opening the CSV show it as text instead of evaluating it (OWASP CSV injection guidance)."""
    if value.startswith(_FORMULA_TRIGGERS):
        return "'" + value
    return value
