"""Safe reading of uploaded tables (.xlsx and .csv) into a header and numbered rows of values.

The format is decided by the file's bytes, never its name. An .xlsx is a zip archive and is
checked against zip bombs (entry count, declared unpacked size, compression ratio) before
python-calamine parses it; a .csv is decoded as UTF-8 (with or without BOM), UTF-16 with BOM
(Excel's "Unicode text") or GB18030 (what Chinese Excel on Windows saves). Rows keep their
spreadsheet row numbers so import errors can point at the row the user sees.

Failures raise TableError, whose `message` is a Chinese module-level constant or is built by one
of the small `_..._message` functions below.
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Literal
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 600_000
# A single entry is suspicious when it is both this large unpacked and this compressed.
MAX_ENTRY_RATIO = 200
RATIO_CHECK_MIN_BYTES = 10 * 1024 * 1024

MSG_OLD_XLS = "不支持旧版 .xls 文件（或设置了打开密码的文件），请在 Excel 中另存为 .xlsx 后上传"
MSG_UNKNOWN_FORMAT = "文件格式无法识别，请上传 .xlsx 或 .csv 文件"
MSG_EMPTY_FILE = "文件是空的"
MSG_NO_HEADER = "表格中没有内容，第一行应为列标题"
MSG_BAD_ZIP = "文件已损坏，或不是有效的 .xlsx 文件"
MSG_NOT_XLSX = "这个压缩文件不是 Excel 工作簿（.xlsx）"
MSG_ZIP_TOO_MANY = "文件内部结构异常（包含的部件过多），无法读取"
MSG_ZIP_TOO_BIG = "文件解压后过大，无法读取，请拆分后分批上传"
MSG_ZIP_RATIO = "文件内部结构异常（压缩比异常），无法读取"
MSG_BAD_CSV = "CSV 文件格式有误，无法读取"
MSG_NO_SHEET = "工作簿中没有可读取的工作表"
MSG_MACROS = "文件含有宏（.xlsm），不能导入；请在 Excel 中另存为“Excel 工作簿（*.xlsx）”后上传"

Format = Literal["xlsx", "csv"]


def _too_big_message() -> str:
    return f"文件太大，不能超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB，请拆分后分批上传"


def _too_many_rows_message() -> str:
    return f"表格行数太多，每个文件最多 {MAX_ROWS} 行，请拆分后分批上传"


class TableError(Exception):
    """An uploaded table that cannot be read; `message` is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Table:
    """A header (stripped text) and the non-empty rows after it, each with its spreadsheet row
    number (the header is normally row 1, so the first data row is row 2). Every row has the
    same width as the header; empty cells are ''."""

    header: tuple[str, ...]
    rows: list[tuple[int, tuple[object, ...]]]


_ZIP_MAGIC = b"PK\x03\x04"
# Text files that are plainly not a table: web pages, SVG and other XML, PDF (which can be ASCII).
_NOT_TABLE_TEXT = ("<", "%PDF-", "{\\rtf")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_STRIP = " \t\r\n\u3000\u00a0\ufeff"
# C0 controls other than tab, LF, FF and CR never appear in a CSV that a person wrote.
_CONTROL = frozenset(chr(c) for c in (*range(0, 9), 11, *range(14, 32), 127))


def _decode_text(data: bytes) -> str | None:
    """The file as text, or None when it is not text in an encoding we read."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    elif b"\x00" in data:
        return None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                return None
    sample = text[:65536]
    if any(ch in _CONTROL for ch in sample):
        return None
    return text


def sniff_format(data: bytes, filename: str = "") -> Format:
    """'xlsx' or 'csv' from the bytes themselves; `filename` is not trusted and only kept for
    callers' logging. Raises TableError for files that are too big, old .xls, or not a table."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise TableError(_too_big_message())
    if not data.strip():
        raise TableError(MSG_EMPTY_FILE)
    if data.startswith(_ZIP_MAGIC):
        return "xlsx"
    if data.startswith(_OLE_MAGIC):
        raise TableError(MSG_OLD_XLS)
    text = _decode_text(data)
    if text is None or text.lstrip(_STRIP).startswith(_NOT_TABLE_TEXT):
        raise TableError(MSG_UNKNOWN_FORMAT)
    return "csv"


def check_zip(data: bytes) -> None:
    """Refuse archives that could exhaust memory or CPU when unpacked, workbooks with macros (an
    .xlsm renamed) and zips that are not an Excel workbook. Uses the sizes the archive declares;
    calamine reads only the workbook parts."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise TableError(MSG_BAD_ZIP) from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise TableError(MSG_ZIP_TOO_MANY)
    total = 0
    names = set()
    for entry in entries:
        total += entry.file_size
        names.add(entry.filename)
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_ENTRY_RATIO:
            raise TableError(MSG_ZIP_RATIO)
    if total > MAX_UNPACKED_BYTES:
        raise TableError(MSG_ZIP_TOO_BIG)
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise TableError(MSG_MACROS)
    if "xl/workbook.xml" not in names:
        raise TableError(MSG_NOT_XLSX)


def _is_blank(value: object) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip(_STRIP))


def _shape(grid: Iterable[Sequence[object]], first_row_number: int) -> Table:
    """Header = first non-empty row; skip empty rows, keep numbering, drop trailing empty columns."""
    header: tuple[str, ...] | None = None
    rows: list[tuple[int, tuple[object, ...]]] = []
    width = 0
    is_blank = _is_blank
    for number, raw in enumerate(grid, first_row_number):
        end = len(raw)
        while end and is_blank(raw[end - 1]):
            end -= 1
        if not end:
            continue
        if header is None:
            header = tuple(str(cell).strip(_STRIP) if cell is not None else "" for cell in raw[:end])
            width = end
            continue
        if len(rows) >= MAX_ROWS:
            raise TableError(_too_many_rows_message())
        rows.append((number, tuple(raw[:end])))
        if end > width:
            width = end
    if header is None:
        raise TableError(MSG_NO_HEADER)
    # Pad everything to one width: data beyond the last titled column is kept, not dropped.
    if len(header) < width:
        header = header + ("",) * (width - len(header))
    padded = [
        (number, cells if len(cells) == width else cells + ("",) * (width - len(cells)))
        for number, cells in rows
    ]
    return Table(header=header, rows=padded)


def _read_xlsx(data: bytes) -> Table:
    check_zip(data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise TableError(MSG_NO_SHEET)
        index = next(
            (
                i
                for i, meta in enumerate(workbook.sheets_metadata)
                if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible
            ),
            0,
        )
        sheet = workbook.get_sheet_by_index(index)
        if sheet.total_height > MAX_ROWS + 1:
            raise TableError(_too_many_rows_message())
        # skip_empty_area=False: the grid starts at A1, so list index + 1 is the Excel row number.
        grid = sheet.to_python(skip_empty_area=False)
    except TableError:
        raise
    except (CalamineError, ValueError, OSError):
        # CalamineError covers ZipError, XmlError, PasswordError and friends.
        raise TableError(MSG_BAD_ZIP) from None
    return _shape(grid, 1)


_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_WORKSHEET_TYPE = "/worksheet"
_HIDDEN = ("hidden", "veryHidden")


def _local(tag: str) -> str:
    """An XML tag without its namespace (transitional and strict OOXML name parts differently)."""
    return tag.rsplit("}", 1)[-1]


def _attribute(element: ElementTree.Element, name: str) -> str:
    """An attribute by its local name, whatever its namespace (r:id)."""
    for key, value in element.attrib.items():
        if _local(key) == name:
            return value
    return ""


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _first_sheet_part(archive: zipfile.ZipFile) -> str | None:
    """The zip path of the worksheet read_table reads: the first visible worksheet, else the first."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314 -- see formula_cells
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314 -- ditto
    targets = {
        rel.get("Id", ""): rel.get("Target", "")
        for rel in rels
        if _local(rel.tag) == "Relationship" and rel.get("Type", "").endswith(_WORKSHEET_TYPE)
    }
    sheets = [element for element in book.iter() if _local(element.tag) == "sheet"]
    worksheets = [s for s in sheets if _attribute(s, "id") in targets]
    chosen = next((s for s in worksheets if s.get("state", "") not in _HIDDEN), None)
    if chosen is None:
        return None
    target = targets[_attribute(chosen, "id")]
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def formula_cells(data: bytes) -> frozenset[tuple[int, int]]:
    """The cells of an .xlsx's first visible worksheet that hold a formula, as (spreadsheet row
    number, column index from 0) — the positions read_table gives. calamine reads a formula's
    last computed value (or nothing, when the file was written without one), so an import that
    must refuse formulas asks here. The archive is checked first (check_zip: sizes, entry count);
    the standard library's XML parser resolves no external entity and expat (≥ 2.4) stops entity
    expansion bombs. Raises TableError."""
    check_zip(data)
    found: set[tuple[int, int]] = set()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = _first_sheet_part(archive)
            if part is None:
                return frozenset()
            row, column, has_formula = 0, -1, False
            with archive.open(part) as stream:
                for event, element in ElementTree.iterparse(stream, events=("start", "end")):  # noqa: S314 -- ditto
                    name = _local(element.tag)
                    if event == "start" and name == "row":
                        row = int(element.get("r") or row + 1)
                        column = -1
                    elif event == "start" and name == "c":
                        match = _CELL_REF.fullmatch(element.get("r") or "")
                        if match:
                            column, row = _column_index(match.group(1)), int(match.group(2))
                        else:
                            column += 1
                        has_formula = False
                    elif event == "start" and name == "f":
                        has_formula = True
                    elif event == "end" and name == "c":
                        if has_formula:
                            found.add((row, column))
                        element.clear()
    except TableError:
        raise
    except (KeyError, ValueError, zipfile.BadZipFile, ElementTree.ParseError, OSError):
        raise TableError(MSG_BAD_ZIP) from None
    return frozenset(found)


def read_sheets(data: bytes) -> dict[str, Table]:
    """Every visible, non-empty worksheet of an .xlsx, by sheet name (a workbook that carries
    several tables, such as people and their training records). Raises TableError."""
    check_zip(data)
    tables: dict[str, Table] = {}
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for meta in workbook.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet or meta.visible != SheetVisibleEnum.Visible:
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            if sheet.total_height > MAX_ROWS + 1:
                raise TableError(_too_many_rows_message())
            try:
                tables[meta.name] = _shape(sheet.to_python(skip_empty_area=False), 1)
            except TableError as error:
                if error.message != MSG_NO_HEADER:
                    raise
    except TableError:
        raise
    except (CalamineError, ValueError, OSError):
        raise TableError(MSG_BAD_ZIP) from None
    if not tables:
        raise TableError(MSG_NO_SHEET)
    return tables


def _read_csv(data: bytes) -> Table:
    text = _decode_text(data)
    if text is None:
        raise TableError(MSG_UNKNOWN_FORMAT)
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        return _shape(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1)
    except csv.Error:
        raise TableError(MSG_BAD_CSV) from None


def read_table(data: bytes, filename: str = "") -> Table:
    """Read the first visible worksheet of an .xlsx, or a .csv, into a Table. Cell values are as
    calamine gives them (str, float, int, bool, date, datetime, time, timedelta; integers in
    .xlsx usually arrive as float); CSV cells are all str. Raises TableError."""
    if sniff_format(data, filename) == "xlsx":
        return _read_xlsx(data)
    return _read_csv(data)


def _plain_float(value: float) -> str:
    """The float as Excel shows it: 15 significant digits, no exponent. 13800138000.0 →
    '13800138000', 0.1 + 0.2 → '0.3', an ID typed as a number → '320705199001011000'."""
    text = format(value, ".15g")
    if "e" in text:
        text = format(Decimal(text), "f")
    return text


def cell_text(value: object) -> str:
    """A cell as the text the user typed: '' for empty, 13800138000.0 → '13800138000', floats
    with Excel's 15 significant digits and no exponent, dates and datetimes in ISO form, strings
    stripped of ordinary and full-width spaces at both ends."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip(_STRIP)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        return _plain_float(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip(_STRIP)
