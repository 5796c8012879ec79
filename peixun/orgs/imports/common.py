"""What every table import shares: the error and summary shapes, reading the file, matching the
header row to the expected columns, and small helpers for the write phase.

An import is checked first and applied all or nothing: every problem is a RowError naming the
row as the spreadsheet numbers it (the header is row 1; row 0 means the file as a whole), the
column by its Chinese title, and the reason in Chinese.
"""

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from peixun.lib import tabular

Progress = Callable[[int, int], None]
T = TypeVar("T")

# Progress is reported at most this often, so a caller writing it to the database stays cheap.
PROGRESS_EVERY = 1000
# Values per `__in` lookup: SQLite allows 999 variables in older builds.
LOOKUP_CHUNK = 900
WRITE_BATCH = 2000

FILE_ROW = 0


def _missing_column_message(title: str) -> str:
    return f"缺少“{title}”列，请使用导入模板的列标题"


def _duplicate_column_message(title: str) -> str:
    return f"“{title}”列出现了不止一次"


MSG_NO_ROWS = "表格中只有标题行，没有数据"


@dataclass(frozen=True)
class RowError:
    """One problem: row as the spreadsheet numbers it (header = 1; 0 = the whole file), the
    column's Chinese title ('' when it concerns the whole row) and the reason in Chinese."""

    row: int
    column: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True, slots=True)
class RowChange:
    """What applying one row will do, as the preview shows it: the row, whom or what it concerns
    (a 姓名 or an org's name, and what tells it apart: the masked ID number, the org code),
    whether it creates a record, and each field it sets or changes as (Chinese label, before,
    after), all display text. A kind whose check fills ImportSummary.changes gets the preview's
    sample and full list."""

    row: int
    subject: str
    detail: str
    new: bool
    fields: tuple[tuple[str, str, str], ...] = ()

    @property
    def who(self) -> str:
        return f"{self.subject}（{self.detail}）" if self.detail else self.subject

    def as_json(self) -> list:
        return [self.row, self.subject, self.detail, self.new, [list(change) for change in self.fields]]

    @classmethod
    def from_json(cls, value: Sequence) -> "RowChange":
        row, subject, detail, new, fields = value
        shown = tuple((label, before, after) for label, before, after in fields)
        return cls(row, subject, detail, new, shown)


# How an empty value shows in a change (before → after).
BLANK = "（空）"


@dataclass
class ImportSummary:
    """What checking or applying a file found: counts of new, changed and identical rows, every
    error (when there is any, an apply writes nothing) and, from a check that describes them,
    each new or changed row (RowChange, in row order)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # After an apply of the people roster: the primary keys of every person in the file (new,
    # changed and unchanged), for what the importer does next (their accounts).
    people: list[int] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def as_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [error.as_json() for error in self.errors],
        }


class ImportRejected(Exception):
    """Raised by an apply when the file has errors; nothing was written. `summary` lists them."""

    def __init__(self, summary: ImportSummary) -> None:
        super().__init__(f"import rejected: {len(summary.errors)} errors")
        self.summary = summary


def masked_ids_message(rows: Sequence[int]) -> str:
    shown = "、".join(str(row) for row in rows[:5])
    more = "等" if len(rows) > 5 else ""
    return (
        f"文件中有 {len(rows)} 行的证件号码隐去了中间几位（带 *，如第 {shown} 行{more}），"
        "无法据此核对人员，整个文件未导入。"
        "从人员名单导出的文件，请由可查看完整证件号码的管理员导出时勾选“包含完整证件号码”；"
        "或在这些行填入完整的证件号码，再重新上传。"
    )


def masked_ids(table: tabular.Table, index: int) -> RowError | None:
    """One file-level error when any row's ID number is masked (3207**********1234, as the
    masked roster export writes it): such a file cannot name anyone, so it is refused up front
    with one message instead of an error per row."""
    rows = [number for number, cells in table.rows if _is_masked(cells[index])]
    return RowError(FILE_ROW, "", masked_ids_message(rows)) if rows else None


def _is_masked(value: object) -> bool:
    return isinstance(value, str) and ("*" in value or "＊" in value)


def file_error(message: str) -> ImportSummary:
    return ImportSummary(errors=[RowError(FILE_ROW, "", message)])


def read(data: bytes, filename: str) -> tuple[tabular.Table | None, ImportSummary | None]:
    """The table, or a summary holding the one file-level error."""
    try:
        table = tabular.read_table(data, filename)
    except tabular.TableError as error:
        return None, file_error(error.message)
    if not table.rows:
        return None, file_error(MSG_NO_ROWS)
    return table, None


_NOTE = re.compile(r"[(（][^)）]*[)）]")


def header_key(title: str) -> str:
    """A header cell as compared with the expected titles: full-width folded, spaces, required
    markers (*) and notes in brackets removed — "证件号码（必填）*" → "证件号码"."""
    text = unicodedata.normalize("NFKC", title or "")
    text = _NOTE.sub("", text).replace("*", "")
    return "".join(text.split())


@dataclass(frozen=True)
class Column:
    title: str
    aliases: tuple[str, ...] = ()
    required: bool = False


def map_header(
    header: Sequence[str], columns: Sequence[Column], *, required: Iterable[str] = ()
) -> tuple[dict[str, int], list[RowError]]:
    """{canonical title: column index} for the expected columns present, and the header errors
    (a required column missing, a column given twice). Unknown columns are ignored."""
    by_key: dict[str, Column] = {}
    for column in columns:
        for name in (column.title, *column.aliases):
            by_key[header_key(name)] = column
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for index, title in enumerate(header):
        found = by_key.get(header_key(title))
        if found is None:
            continue
        if found.title in positions:
            errors.append(RowError(1, found.title, _duplicate_column_message(found.title)))
            continue
        positions[found.title] = index
    needed = [column.title for column in columns if column.required] + list(required)
    errors.extend(
        RowError(1, title, _missing_column_message(title)) for title in needed if title not in positions
    )
    return positions, errors


def chunked(items: Sequence[T], size: int = LOOKUP_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def common_path(paths: Iterable[str]) -> str:
    """The deepest org path every given path lies under ('' when they share no root): the scope
    an import's audit event is filed under."""
    common: list[str] | None = None
    for path in paths:
        segments = path.split("/")[:-1]
        if common is None:
            common = segments
            continue
        length = 0
        for mine, theirs in zip(common, segments, strict=False):
            if mine != theirs:
                break
            length += 1
        common = common[:length]
        if not common:
            return ""
    return "".join(segment + "/" for segment in common or [])
