"""Reading uploaded tables: format sniffing, zip-bomb checks, xlsx and csv rows, cell text."""

import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from datetime import time as clock
from typing import Any

import openpyxl
import pytest
import xlsxwriter

from peixun.lib import tabular
from peixun.lib.idnumbers import MSG_EXCEL_DAMAGE, detect_excel_damage, make_valid_id, validate
from peixun.lib.tabular import (
    MAX_UPLOAD_BYTES,
    MSG_BAD_CSV,
    MSG_BAD_ZIP,
    MSG_EMPTY_FILE,
    MSG_NO_HEADER,
    MSG_NOT_XLSX,
    MSG_OLD_XLS,
    MSG_UNKNOWN_FORMAT,
    MSG_ZIP_RATIO,
    MSG_ZIP_TOO_BIG,
    MSG_ZIP_TOO_MANY,
    TableError,
    cell_text,
    check_zip,
    read_table,
    sniff_format,
)

ID = "11010519491231002X"


def openpyxl_bytes(rows: dict[str, object], *, hidden_first: bool = False) -> bytes:
    """An .xlsx built by openpyxl with the given cells (A1-style keys)."""
    workbook = openpyxl.Workbook()
    sheet: Any = workbook.active
    if hidden_first:
        sheet.title = "说明"
        sheet["A1"] = "这张表是隐藏的"
        sheet.sheet_state = "hidden"
        sheet = workbook.create_sheet("数据")
    for ref, value in rows.items():
        sheet[ref] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsxwriter_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            elif value is not None:
                sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def zip_bytes(entries: dict[str, bytes], level: int = 1) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# --- sniff_format ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (xlsxwriter_bytes([["a"]]), "people.xlsx", "xlsx"),
        (xlsxwriter_bytes([["a"]]), "people.csv", "xlsx"),  # the name is not trusted
        ("姓名,证件号码\n张三,1\n".encode(), "people.xlsx", "csv"),
        ("\ufeff姓名,证件号码\n".encode(), "people.csv", "csv"),
        ("姓名,证件号码\n张三,1\n".encode("gb18030"), "people.csv", "csv"),
        ("姓名\t证件号码\n".encode("utf-16"), "people.txt", "csv"),
        (b"name,id\r\n", "", "csv"),
    ],
)
def test_sniff_format(data: bytes, filename: str, expected: str) -> None:
    assert sniff_format(data, filename) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504, MSG_OLD_XLS),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", MSG_UNKNOWN_FORMAT),
        (b"%PDF-1.7\n\x00\x01\x02", MSG_UNKNOWN_FORMAT),
        (b"name,id\n\x00\x00", MSG_UNKNOWN_FORMAT),
        (bytes(range(1, 9)) * 100, MSG_UNKNOWN_FORMAT),
        (b"\x81\x30\xff\xff\xfe", MSG_UNKNOWN_FORMAT),  # neither UTF-8 nor GB18030
        (b"", MSG_EMPTY_FILE),
        (b"  \r\n ", MSG_EMPTY_FILE),
    ],
)
def test_sniff_format_refuses(data: bytes, message: str) -> None:
    with pytest.raises(TableError) as excinfo:
        sniff_format(data, "people.xlsx")
    assert excinfo.value.message == message
    assert str(excinfo.value) == message


def test_too_big_names_the_cap() -> None:
    data = b"a" * (MAX_UPLOAD_BYTES + 1)
    with pytest.raises(TableError, match="20 MB"):
        sniff_format(data, "big.csv")
    with pytest.raises(TableError, match="20 MB"):
        read_table(data, "big.csv")


def test_exactly_the_cap_is_allowed() -> None:
    assert sniff_format(b"a" * MAX_UPLOAD_BYTES, "big.csv") == "csv"


# --- check_zip ---------------------------------------------------------------------------------


def test_check_zip_accepts_a_workbook() -> None:
    check_zip(xlsxwriter_bytes([["a"]]))
    check_zip(openpyxl_bytes({"A1": "a"}))


def test_zip_bomb_single_entry_ratio() -> None:
    data = zip_bytes({"xl/workbook.xml": b"<w/>", "xl/worksheets/sheet1.xml": b"\0" * (11 * 1024 * 1024)})
    assert len(data) < 100_000
    with pytest.raises(TableError) as excinfo:
        check_zip(data)
    assert excinfo.value.message == MSG_ZIP_RATIO
    with pytest.raises(TableError):
        read_table(data, "bomb.xlsx")


def test_zip_bomb_total_declared_size() -> None:
    # Each entry stays under the single-entry rule (< 10 MB); together they exceed 200 MB.
    chunk = b"\0" * (8 * 1024 * 1024 + 1)
    entries = {f"xl/worksheets/sheet{i}.xml": chunk for i in range(25)}
    data = zip_bytes({"xl/workbook.xml": b"<w/>", **entries})
    with pytest.raises(TableError) as excinfo:
        check_zip(data)
    assert excinfo.value.message == MSG_ZIP_TOO_BIG


def test_zip_with_too_many_entries() -> None:
    entries = {f"xl/media/{i}.xml": b"x" for i in range(tabular.MAX_ZIP_ENTRIES + 1)}
    data = zip_bytes({"xl/workbook.xml": b"<w/>", **entries})
    with pytest.raises(TableError) as excinfo:
        check_zip(data)
    assert excinfo.value.message == MSG_ZIP_TOO_MANY


def test_highly_compressible_but_small_entry_is_fine() -> None:
    # A sheet of repeated cells compresses well; below 10 MB the ratio rule does not apply.
    check_zip(zip_bytes({"xl/workbook.xml": b"<w/>", "xl/sharedStrings.xml": b"\0" * (5 * 1024 * 1024)}))


def test_zip_that_is_not_a_workbook() -> None:
    data = zip_bytes({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<t/>"})
    with pytest.raises(TableError) as excinfo:
        read_table(data, "letter.xlsx")
    assert excinfo.value.message == MSG_NOT_XLSX


@pytest.mark.parametrize("data", [b"PK\x03\x04" + b"garbage" * 10, xlsxwriter_bytes([["a"]])[:400]])
def test_corrupt_zip(data: bytes) -> None:
    with pytest.raises(TableError) as excinfo:
        read_table(data, "broken.xlsx")
    assert excinfo.value.message == MSG_BAD_ZIP


def test_zip_with_workbook_entry_but_garbage_content() -> None:
    data = zip_bytes({"xl/workbook.xml": b"not xml at all", "[Content_Types].xml": b"<<<"})
    with pytest.raises(TableError) as excinfo:
        read_table(data, "broken.xlsx")
    assert excinfo.value.message == MSG_BAD_ZIP


# --- read_table: xlsx -----------------------------------------------------------------------------


def test_read_xlsx_types_numbering_and_trimming() -> None:
    data = openpyxl_bytes(
        {
            "A1": " 姓名\u3000",
            "B1": "\u3000证件号码 ",
            "C1": "手机",
            "D1": "入职日期",
            "E1": "学时",
            "F1": "在编",
            "A2": "张三",
            "B2": ID,
            "C2": 13800138000,
            "D2": date(2008, 9, 1),
            "E2": 12.5,
            "F2": True,
            # row 3 left empty; row 4 holds only spaces
            "A4": "  ",
            "B4": "\u3000",
            "A5": "李四",
            "D5": datetime(2020, 1, 2, 8, 30),  # noqa: DTZ001 - a naive cell value
            "H7": None,
        }
    )
    table = read_table(data, "people.xlsx")
    assert table.header == ("姓名", "证件号码", "手机", "入职日期", "学时", "在编")
    assert [number for number, _ in table.rows] == [2, 5]
    first = table.rows[0][1]
    assert first[0] == "张三"
    assert first[1] == ID
    assert first[2] == 13800138000  # calamine gives a float
    assert cell_text(first[2]) == "13800138000"
    assert first[3] == date(2008, 9, 1)
    assert first[4] == 12.5
    assert first[5] is True
    second = table.rows[1][1]
    assert len(second) == len(table.header)
    assert second[0] == "李四"
    assert second[1] == ""
    assert second[3] == datetime(2020, 1, 2, 8, 30)  # noqa: DTZ001 - a naive cell value


def test_id_typed_as_a_number_in_xlsx_is_caught() -> None:
    data = openpyxl_bytes({"A1": "姓名", "B1": "证件号码", "A2": "张三", "B2": 3.20705199001011e17})
    table = read_table(data, "people.xlsx")
    (number, cells), *_ = table.rows
    assert number == 2
    assert isinstance(cells[1], float)
    assert detect_excel_damage(cells[1]) == MSG_EXCEL_DAMAGE
    assert detect_excel_damage(cell_text(cells[1])) == MSG_EXCEL_DAMAGE
    assert validate(cells[1]).error == MSG_EXCEL_DAMAGE
    assert validate(cell_text(cells[1])).error == MSG_EXCEL_DAMAGE


def test_id_typed_as_text_in_xlsx_keeps_every_digit() -> None:
    number = make_valid_id("320705", date(1990, 1, 1), 12, "male")
    data = xlsxwriter_bytes([["证件号码", "手机"], [number, "13800138000"]])
    table = read_table(data, "people.xlsx")
    assert table.rows == [(2, (number, "13800138000"))]
    assert validate(table.rows[0][1][0]).ok


def test_header_not_in_the_first_row_keeps_real_row_numbers() -> None:
    data = openpyxl_bytes({"B3": "姓名", "C3": "手机", "B5": "张三", "C5": "13800138000"})
    table = read_table(data, "people.xlsx")
    # Leading empty columns stay, so column positions match the sheet.
    assert table.header == ("", "姓名", "手机")
    assert table.rows == [(5, ("", "张三", "13800138000"))]


def test_data_beyond_the_last_titled_column_is_kept() -> None:
    data = xlsxwriter_bytes([["姓名", "手机"], ["张三", "1", "备注"]])
    table = read_table(data, "people.xlsx")
    assert table.header == ("姓名", "手机", "")
    assert table.rows == [(2, ("张三", "1", "备注"))]


def test_first_visible_sheet_is_read() -> None:
    data = openpyxl_bytes({"A1": "姓名", "A2": "张三"}, hidden_first=True)
    table = read_table(data, "people.xlsx")
    assert table.header == ("姓名",)
    assert table.rows == [(2, ("张三",))]


def test_empty_workbook() -> None:
    with pytest.raises(TableError) as excinfo:
        read_table(openpyxl_bytes({}), "empty.xlsx")
    assert excinfo.value.message == MSG_NO_HEADER


def test_header_only() -> None:
    table = read_table(xlsxwriter_bytes([["姓名", "手机"]]), "people.xlsx")
    assert table.header == ("姓名", "手机")
    assert table.rows == []


def test_too_many_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular, "MAX_ROWS", 3)
    xlsx = xlsxwriter_bytes([["a"], ["1"], ["2"], ["3"], ["4"]])
    csv_data = b"a\n1\n2\n3\n4\n"
    for data in (xlsx, csv_data):
        with pytest.raises(TableError, match="行数太多"):
            read_table(data, "people")
    assert len(read_table(xlsxwriter_bytes([["a"], ["1"], ["2"], ["3"]]), "x").rows) == 3
    assert len(read_table(b"a\n1\n2\n3\n", "x").rows) == 3


def test_table_is_frozen() -> None:
    table = read_table(b"a\n1\n", "x.csv")
    with pytest.raises(AttributeError):
        table.header = ()  # type: ignore[misc]


# --- read_table: csv -----------------------------------------------------------------------------

CSV_TEXT = "姓名,证件号码,手机\r\n张三,11010519491231002X,13800138000\r\n\r\n,,\r\n李四,,\r\n"


@pytest.mark.parametrize(
    "data",
    [
        CSV_TEXT.encode("utf-8"),
        CSV_TEXT.encode("utf-8-sig"),
        CSV_TEXT.encode("gb18030"),
        CSV_TEXT.encode("gbk"),
        CSV_TEXT.replace(",", "\t").encode("utf-16"),  # Excel's "Unicode text"
        CSV_TEXT.replace("\r\n", "\n").encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "gbk", "utf16-tab", "lf"],
)
def test_read_csv_encodings(data: bytes) -> None:
    table = read_table(data, "people.csv")
    assert table.header == ("姓名", "证件号码", "手机")
    assert table.rows == [
        (2, ("张三", ID, "13800138000")),
        (5, ("李四", "", "")),
    ]


def test_csv_header_is_stripped_and_ragged_rows_padded() -> None:
    data = "\u3000姓名 , 手机\u3000,,\n张三\n李四,1,,x\n".encode()
    table = read_table(data, "x.csv")
    assert table.header == ("姓名", "手机", "", "")
    assert table.rows == [(2, ("张三", "", "", "")), (3, ("李四", "1", "", "x"))]


def test_csv_quoted_fields() -> None:
    data = '姓名,备注\n"张, 三","说""明"\n'.encode()
    assert read_table(data, "x.csv").rows == [(2, ("张, 三", '说"明'))]


def test_csv_values_stay_text() -> None:
    data = "证件号码,日期\n3.20705E+17,2008/9/1\n".encode("gb18030")
    (_, cells), *_ = read_table(data, "x.csv").rows
    assert cells == ("3.20705E+17", "2008/9/1")
    assert detect_excel_damage(cells[0]) == MSG_EXCEL_DAMAGE


def test_csv_with_unterminated_quote_reports_an_error_or_reads_to_the_end() -> None:
    data = b'a,b\n"x,1\n'
    try:
        table = read_table(data, "x.csv")
    except TableError as error:
        assert error.message == MSG_BAD_CSV
    else:
        assert len(table.rows) == 1


def test_empty_csv() -> None:
    with pytest.raises(TableError) as excinfo:
        read_table(b"\xef\xbb\xbf\r\n,,\r\n", "x.csv")
    assert excinfo.value.message == MSG_NO_HEADER


# --- speed ----------------------------------------------------------------------------------------


def test_fifty_thousand_rows_read_whole() -> None:
    header = ["姓名", "性别", "证件号码", "手机", "单位", "学段", "学科", "入职日期"]
    rows = [header]
    for i in range(50_000):
        number = make_valid_id("320705", date(1980, 1, 1 + i % 28), i % 100, "male")
        rows.append(["张三", "男", number, "13800138000", "某某学校", "小学", "语文", "2008-09-01"])
    data = xlsxwriter_bytes(rows)
    table = read_table(data, "big.xlsx")
    assert len(table.rows) == 50_000
    assert table.rows[-1][0] == 50_001
    # Its speed is measured in `make bench-import`, never timed here.


# --- cell_text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  张三\u3000", "张三"),
        ("\u3000\t 11010519491231002X \r\n", ID),
        ("a b", "a b"),
        (13800138000.0, "13800138000"),
        (13800138000, "13800138000"),
        (0.0, "0"),
        (-3.0, "-3"),
        (12.5, "12.5"),
        (0.1, "0.1"),
        (1.5e-7, "0.00000015"),
        (1e16, "10000000000000000"),
        (3.20705199001011e17, "320705199001011000"),  # as Excel shows it
        (0.1 + 0.2, "0.3"),
        (-0.5, "-0.5"),
        (float("nan"), ""),
        (True, "TRUE"),
        (False, "FALSE"),
        (date(2008, 9, 1), "2008-09-01"),
        (datetime(2008, 9, 1), "2008-09-01"),  # noqa: DTZ001 - a naive cell value
        (datetime(2008, 9, 1, 14, 5), "2008-09-01 14:05:00"),  # noqa: DTZ001 - a naive cell value
        (clock(14, 5), "14:05:00"),
    ],
)
def test_cell_text(value: object, expected: str) -> None:
    assert cell_text(value) == expected
