"""The school's student list from a workbook: 姓名, 年级, 班级 (read by peixun.lib.tabular).
Checked first — every bad row with its row, column and reason in Chinese — and shown as a
preview; applied all or nothing; a student already on the list is left as is, so importing the
same file twice adds nobody the second time."""

from dataclasses import dataclass, field

from peixun.interest.models import Student
from peixun.interest.services import StudentRow
from peixun.lib.names import starts_like_formula
from peixun.lib.tabular import cell_text
from peixun.orgs.imports.common import Column, RowError, map_header, read
from peixun.orgs.models import Org

NAME = "姓名"
GRADE = "年级"
CLASS = "班级"
COLUMNS = (
    Column(NAME, ("学生姓名",), required=True),
    Column(GRADE, (), required=True),
    Column(CLASS, ("班",), required=True),
)
LIMITS = {NAME: 50, GRADE: 20, CLASS: 20}

MSG_EMPTY = "{column}不能为空"
MSG_LONG = "{column}太长，最多 {limit} 个字"
MSG_FORMULA = "姓名不能以 =、+、- 或 @ 开头，请删去该符号"
MSG_TWICE = "与第 {row} 行是同一名学生（同年级、同班级、同姓名），请只保留一行"


@dataclass
class StudentPlan:
    errors: list[RowError] = field(default_factory=list)
    new: list[tuple[int, StudentRow]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def rows(self) -> list[StudentRow]:
        return [row for _, row in self.new]


def plan_students(data: bytes, filename: str, school: Org) -> StudentPlan:
    table, failed = read(data, filename)
    if failed is not None:
        return StudentPlan(errors=failed.errors)
    positions, header_errors = map_header(table.header, COLUMNS)  # type: ignore[union-attr]  # read() gives a table whenever it gives no failure
    if header_errors:
        return StudentPlan(errors=header_errors)
    existing = set(Student.objects.filter(school=school).values_list("grade", "class_name", "name"))
    plan = StudentPlan()
    seen: dict[tuple[str, str, str], int] = {}
    for number, cells in table.rows:  # type: ignore[union-attr]
        values: dict[str, str] = {}
        row_errors: list[RowError] = []
        for title in (NAME, GRADE, CLASS):
            index = positions[title]
            text = "".join(cell_text(cells[index] if index < len(cells) else "").split())
            values[title] = text
            if not text:
                row_errors.append(RowError(number, title, MSG_EMPTY.format(column=title)))
            elif len(text) > LIMITS[title]:
                row_errors.append(RowError(number, title, MSG_LONG.format(column=title, limit=LIMITS[title])))
        if values[NAME] and starts_like_formula(values[NAME]):
            row_errors.append(RowError(number, NAME, MSG_FORMULA))
        if row_errors:
            plan.errors += row_errors
            continue
        key = (values[GRADE], values[CLASS], values[NAME])
        if key in seen:
            plan.errors.append(RowError(number, NAME, MSG_TWICE.format(row=seen[key])))
            continue
        seen[key] = number
        if key in existing:
            plan.unchanged += 1
            continue
        plan.new.append(
            (number, StudentRow(name=values[NAME], grade=values[GRADE], class_name=values[CLASS]))
        )
    return plan
