"""The what-if data file of `manage.py evaluate_policy`: people and their hours, as JSON or as an
.xlsx in the import templates' columns, read into (id, Facts, [Earned]) without a database.

JSON:
    {"people": [{"id": "…", "gender": "M|F", "birth_date": "YYYY-MM-DD", "title": code,
                 "section": code, "roles": [code, …], "hire_date": "YYYY-MM-DD", "status": code}],
     "entries": [{"person": "…", "hours": n, "category": code, "tags": [code, …], "level": code,
                  "mode": code, "credit_class": "A|B", "date": "YYYY-MM-DD", "source": code}]}

xlsx: one sheet in the roster template's columns (姓名, 性别, 证件号码, 学段, 职称, 角色, 入职日期,
状态 …) and one in the training-record template's columns (证件号码, 学时, 类别, 标签, 层级, 形式,
学分类别, 日期, 来源 …); people are matched by 证件号码 and named by their masked number.

Problems raise DataFileInvalid with (place, Chinese message): "people[2].birth_date",
"培训记录 第 5 行 层级".
"""

import json
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from peixun.ledger import vocabulary as words
from peixun.lib import idnumbers, tabular
from peixun.lib.dates import parse_date
from peixun.lib.tabular import cell_text
from peixun.orgs import vocabulary as vocab
from peixun.policies.rules import codes
from peixun.policies.rules.document import (
    Category,
    CreditClass,
    Level,
    Mode,
    PersonRole,
    Section,
    Source,
    Status,
    Tag,
    Title,
    problem_of,
)
from peixun.policies.rules.engine import Earned, Facts

GENDERS = {"M": "male", "F": "female", "male": "male", "female": "female", "男": "male", "女": "female"}


class DataFileInvalid(ValueError):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{place}: {message}" for place, message in problems))
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonIn(_Strict):
    id: Annotated[str, Field(min_length=1, max_length=64)]
    gender: str = ""
    birth_date: date | None = None
    title: Title = "none"
    section: Section | Literal[""] = ""
    roles: list[PersonRole] = Field(default_factory=list)
    hire_date: date | None = None
    status: Status = "active"

    @field_validator("gender")
    @classmethod
    def _gender(cls, value: str) -> str:
        if value and value not in GENDERS:
            raise ValueError("性别应为 M 或 F")
        return GENDERS.get(value, "")


class EntryIn(_Strict):
    person: Annotated[str, Field(min_length=1, max_length=64)]
    hours: Annotated[Decimal, Field(decimal_places=1, gt=-10000, lt=10000)]
    category: Category
    tags: list[Tag] = Field(default_factory=list)
    level: Level
    mode: Mode
    credit_class: CreditClass = "A"
    date: date
    source: Source = "project"


class DataIn(_Strict):
    people: list[PersonIn]
    entries: list[EntryIn] = Field(default_factory=list)


Person = tuple[str, str, Facts, list[Earned]]  # (id, display name, facts, hours)


def _people(people: list[PersonIn], entries: list[EntryIn]) -> list[Person]:
    hours: dict[str, list[Earned]] = defaultdict(list)
    known = {person.id for person in people}
    problems = [
        (f"entries[{index}].person", f"没有 id 为“{entry.person}”的人员")
        for index, entry in enumerate(entries)
        if entry.person not in known
    ]
    if problems:
        raise DataFileInvalid(problems)
    for entry in entries:
        hours[entry.person].append(
            Earned(
                on=entry.date,
                hours=entry.hours,
                category=entry.category,
                level=entry.level,
                mode=entry.mode,
                tags=frozenset(codes.canonical_tags(entry.tags)),
                credit_class=entry.credit_class,
                source=entry.source,
            )
        )
    return [
        (
            person.id,
            person.id,
            Facts(
                gender=person.gender,
                birth_date=person.birth_date,
                title=person.title,
                section=person.section,
                roles=frozenset(person.roles),
                hire_date=person.hire_date,
                status=person.status,
            ),
            hours[person.id],
        )
        for person in people
    ]


def read_json(text: str) -> list[Person]:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataFileInvalid([(f"第 {error.lineno} 行第 {error.colno} 列", "不是有效的 JSON")]) from None
    try:
        data = DataIn.model_validate(raw)
    except ValidationError as error:
        raise DataFileInvalid([problem_of(item) for item in error.errors()]) from None
    return _people(data.people, data.entries)


# --- xlsx in the import templates' columns -------------------------------------------------------


def _find(tables: dict[str, tabular.Table], must: set[str]) -> tuple[str, tabular.Table] | None:
    for name, table in tables.items():
        if must <= {"".join(title.split()) for title in table.header}:
            return name, table
    return None


def read_xlsx(data: bytes) -> list[Person]:
    try:
        tables = tabular.read_sheets(data)
    except tabular.TableError as error:
        raise DataFileInvalid([("", error.message)]) from None
    found_people = _find(tables, {"证件号码", "姓名"})
    found_entries = _find(tables, {"证件号码", "学时", "层级"})
    if found_entries and found_people and found_entries[0] == found_people[0]:
        found_people = next(
            (
                (name, table)
                for name, table in tables.items()
                if name != found_entries[0] and "姓名" in table.header
            ),
            None,
        )
    if found_people is None:
        raise DataFileInvalid([("", "找不到人员名单工作表（须有“姓名”“证件号码”等花名册模板列）")])
    problems: list[tuple[str, str]] = []
    people: list[tuple[str, str, Facts]] = []
    sheet_name, table = found_people
    columns = {title: index for index, title in enumerate(table.header)}

    def value(cells, title: str) -> object:
        index = columns.get(title)
        return cells[index] if index is not None else ""

    def code(vocabulary, raw: object, place: str, default: str) -> str:
        if not cell_text(raw):
            return default
        try:
            return vocabulary.code_for(raw)
        except vocab.UnknownWord as error:
            problems.append((place, error.message))
            return default

    for number, cells in table.rows:
        place = f"{sheet_name} 第 {number} 行"
        check = idnumbers.validate(value(cells, "证件号码"))
        if check.error:
            problems.append((f"{place} 证件号码", check.error))
            continue
        hire = None
        if cell_text(value(cells, "入职日期")):
            try:
                hire = parse_date(value(cells, "入职日期"))
            except ValueError as error:
                problems.append((f"{place} 入职日期", str(error)))
        try:
            roles = vocab.ROLE.codes_for(cell_text(value(cells, "角色")))
        except vocab.UnknownWord as error:
            problems.append((f"{place} 角色", error.message))
            roles = []
        facts = Facts(
            gender=check.gender or "",
            birth_date=check.birth_date,
            title=code(vocab.TITLE, value(cells, "职称"), f"{place} 职称", "none"),
            section=code(vocab.SECTION, value(cells, "学段"), f"{place} 学段", ""),
            roles=frozenset(roles),
            hire_date=hire,
            status=code(vocab.STATUS, value(cells, "状态"), f"{place} 状态", "active"),
        )
        people.append((check.number, cell_text(value(cells, "姓名")), facts))

    hours: dict[str, list[Earned]] = defaultdict(list)
    known = {number for number, _name, _facts in people}
    if found_entries is not None:
        sheet_name, table = found_entries
        columns = {title: index for index, title in enumerate(table.header)}
        for number, cells in table.rows:
            place = f"{sheet_name} 第 {number} 行"
            check = idnumbers.validate(value(cells, "证件号码"))
            if check.error or check.number not in known:
                problems.append((f"{place} 证件号码", check.error or "人员名单中没有此证件号码"))
                continue
            try:
                amount = Decimal(cell_text(value(cells, "学时")))
                day = parse_date(value(cells, "日期"))
            except (ArithmeticError, ValueError):
                problems.append((f"{place} 学时/日期", "学时应为数字，日期应为 2026-06-30 等格式"))
                continue
            try:
                tags = [
                    words.TAG.code_for(item) for item in vocab.split_list(cell_text(value(cells, "标签")))
                ]
            except vocab.UnknownWord as error:
                problems.append((f"{place} 标签", error.message))
                tags = []
            hours[check.number].append(
                Earned(
                    on=day,
                    hours=amount,
                    category=code(words.CATEGORY, value(cells, "类别"), f"{place} 类别", "knowledge_skills"),
                    level=code(words.LEVEL, value(cells, "层级"), f"{place} 层级", "school"),
                    mode=code(words.MODE, value(cells, "形式"), f"{place} 形式", "concentrated"),
                    tags=frozenset(tags),
                    credit_class=code(words.CREDIT_CLASS, value(cells, "学分类别"), f"{place} 学分类别", "A"),
                    source=code(words.SOURCE, value(cells, "来源"), f"{place} 来源", "project"),
                )
            )
    if problems:
        raise DataFileInvalid(problems)
    return [(idnumbers.mask(number), name, facts, hours[number]) for number, name, facts in people]
