"""A credit policy as a document: the schema (docs/policies.md), its validation with messages that
point at the field in Chinese, and the resolution of `include` against the presets.

A policy document is YAML or JSON. Its top level names the period (a cycle of N years from an
anchor, a calendar year, or a school year), the credit conversion, the required total (by title,
role or section), the rules (minimums, maxima and caps over selected hours), the new-teacher
pro-rating and the exemptions. `parse_policy(text_or_mapping)` returns a frozen `Policy` or raises
`PolicyInvalid` with every problem as (place, message), e.g. ("rules[2].select.levels[0]",
"取值“town”无效，可选：national、provincial、city、county、school").
"""

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from peixun.lib.zhkeys import load_yaml, place_text, to_english, yaml_text
from peixun.policies.rules import codes

Category = Literal["ethics_literacy", "knowledge_skills", "practice"]
Level = Literal["overseas", "national", "provincial", "city", "county", "school"]
Mode = Literal["concentrated", "remote", "blended", "school_based", "outreach", "shadowing", "self_study"]
CreditClass = Literal["A", "B"]
Source = Literal["project", "school_based", "recognition", "direct", "adjustment"]
Section = Literal["kindergarten", "primary", "junior", "senior", "vocational"]
Title = Literal["professor", "senior", "first", "second", "third", "none"]
PersonRole = Literal[
    "head_teacher",
    "backbone",
    "subject_leader",
    "master",
    "special_grade",
    "trainer",
    "cadre",
    "principal",
    "tutor",
]
Status = Literal["active", "retired", "away", "left"]
Gender = Literal["male", "female"]
Tag = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
RuleId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Hours = Annotated[Decimal, Field(ge=0, le=10000, decimal_places=1)]
Share = Annotated[Decimal, Field(ge=0, le=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Period(_Strict):
    """The stretch of time a requirement covers: `cycle` (years from anchor: 2021–2025,
    2026–2030 …), `calendar_year`, or `school_year` (from start_month, 1 September by default)."""

    kind: Literal["cycle", "calendar_year", "school_year"]
    years: int = Field(default=1, ge=1, le=10)
    anchor: date | None = None
    start_month: int = Field(default=9, ge=1, le=12)

    @model_validator(mode="after")
    def _cycle_needs_anchor(self) -> "Period":
        if self.kind == "cycle":
            if self.anchor is None:
                raise PydanticCustomError("policy", "周期（cycle）须给出起算日期 anchor，如 2021-01-01")
            if self.anchor.day != 1:
                raise PydanticCustomError("policy", "起算日期 anchor 须为某月 1 日")
        elif self.years != 1:
            raise PydanticCustomError("policy", "自然年和学年周期的 years 只能为 1")
        return self


class Credits(_Strict):
    """学分 = counted 学时 / hours_per_credit, rounded `down` or `half_up` to `places` decimals."""

    hours_per_credit: Decimal = Field(default=Decimal(10), gt=0, le=100)
    rounding: Literal["down", "half_up"] = "down"
    places: int = Field(default=1, ge=0, le=2)


class Required(_Strict):
    """The required total in 学时: `hours` for everyone, or the largest of the values in by_title,
    by_role and by_section that apply to the person."""

    hours: Hours
    by_title: dict[Title, Hours] = Field(default_factory=dict)
    by_role: dict[PersonRole, Hours] = Field(default_factory=dict)
    by_section: dict[Section, Hours] = Field(default_factory=dict)


class Select(_Strict):
    """Which hours a rule counts. Each given field narrows the selection: categories, levels,
    modes, credit classes and sources are "any of"; tags is "any of"; not_tags is "none of";
    level_at_least is that level or any above it. An empty select is every hour."""

    categories: tuple[Category, ...] = ()
    tags: tuple[Tag, ...] = ()
    not_tags: tuple[Tag, ...] = ()
    levels: tuple[Level, ...] = ()
    level_at_least: Level | None = None
    modes: tuple[Mode, ...] = ()
    credit_classes: tuple[CreditClass, ...] = ()
    sources: tuple[Source, ...] = ()

    @property
    def specificity(self) -> int:
        """How many fields narrow the selection (caps apply from the most specific)."""
        return sum(
            bool(value)
            for value in (
                self.categories,
                self.tags,
                self.not_tags,
                self.levels,
                self.level_at_least,
                self.modes,
                self.credit_classes,
                self.sources,
            )
        )


class AppliesTo(_Strict):
    """Who a rule binds; each given field narrows it (any of the listed values). Empty: everyone.
    hired_within_years: only people hired less than that many years before the evaluation date."""

    sections: tuple[Section, ...] = ()
    titles: tuple[Title, ...] = ()
    roles: tuple[PersonRole, ...] = ()
    genders: tuple[Gender, ...] = ()
    statuses: tuple[Status, ...] = ()
    hired_within_years: int | None = Field(default=None, ge=1, le=10)


class Rule(_Strict):
    """A minimum, a maximum, or both, over the selected hours.

    A minimum (`min_hours`, or `min_share` of the required total) must be reached by the hours
    earned in the period. A maximum (`max_hours` or `max_share`) limits how many of the selected
    hours count toward the total; with `per: year` it is applied to each year of the period
    (a yearly cap, RULES A14). Minimums count every hour earned; maxima only cap the total.
    """

    id: RuleId
    label: str = Field(min_length=1, max_length=40)
    source: str = ""
    applies_to: AppliesTo = Field(default_factory=AppliesTo)
    select: Select = Field(default_factory=Select)
    min_hours: Hours | None = None
    min_share: Share | None = None
    max_hours: Hours | None = None
    max_share: Share | None = None
    per: Literal["period", "year"] = "period"
    # Whether min_hours/max_hours shrink for a teacher hired during the period (NewTeachers).
    prorate: bool = True

    @model_validator(mode="after")
    def _bounds(self) -> "Rule":
        if self.min_hours is not None and self.min_share is not None:
            raise PydanticCustomError("policy", "min_hours 与 min_share 只能给出一个")
        if self.max_hours is not None and self.max_share is not None:
            raise PydanticCustomError("policy", "max_hours 与 max_share 只能给出一个")
        if not self.has_minimum and not self.has_maximum:
            raise PydanticCustomError(
                "policy", "规则须至少给出一个下限（min_hours/min_share）或上限（max_hours/max_share）"
            )
        if self.per == "year" and self.has_minimum:
            raise PydanticCustomError("policy", "按年（per: year）只能用于上限")
        if self.min_hours is not None and self.max_hours is not None and self.min_hours > self.max_hours:
            raise PydanticCustomError("policy", "下限 min_hours 不能大于上限 max_hours")
        if self.min_share is not None and self.max_share is not None and self.min_share > self.max_share:
            raise PydanticCustomError("policy", "下限 min_share 不能大于上限 max_share")
        return self

    @property
    def has_minimum(self) -> bool:
        return self.min_hours is not None or self.min_share is not None

    @property
    def has_maximum(self) -> bool:
        return self.max_hours is not None or self.max_share is not None


class NewTeachers(_Strict):
    """RULES A6: a teacher hired after the period began owes the required total (and each minimum
    given in hours) in proportion to the years of the period from the one they were hired in."""

    prorate: bool = False


class Exemption(_Strict):
    """Who is excused (RULES A8, B7): people with one of `statuses`, or retiring (at
    retirement_age by gender) within `retiring_within_years` of the evaluation date, before the
    period ends (`retiring_by_period_end`) or before a cut-off date (`retiring_before`).
    With `rules`, only those rules' minimums are excused
    (and, with `reduce_total`, the required total drops by them); without, the whole requirement
    is."""

    id: RuleId
    label: str = Field(min_length=1, max_length=40)
    source: str = ""
    statuses: tuple[Status, ...] = ()
    retiring_within_years: int | None = Field(default=None, ge=0, le=10)
    retiring_by_period_end: bool = False
    retiring_before: date | None = None
    retirement_age: dict[Gender, int] = Field(default_factory=lambda: {"male": 60, "female": 55})  # type: ignore[arg-type]  # the dict literal is dict[Gender, int]; mypy infers the lambda as dict[str, int]
    rules: tuple[RuleId, ...] = ()
    reduce_total: bool = False

    @model_validator(mode="after")
    def _has_condition(self) -> "Exemption":
        retiring = (
            self.retiring_within_years is not None
            or self.retiring_by_period_end
            or self.retiring_before is not None
        )
        if not self.statuses and not retiring:
            raise PydanticCustomError(
                "policy",
                "免修条件须给出 statuses 或 retiring_within_years / retiring_by_period_end / retiring_before",
            )
        return self


class Policy(_Strict):
    """A resolved policy: included presets' rules already merged into `rules`."""

    code: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
    name: str = Field(min_length=1, max_length=100)
    source: str = ""
    description: str = ""
    include: tuple[str, ...] = ()
    period: Period
    credits: Credits = Field(default_factory=Credits)
    required: Required
    rules: tuple[Rule, ...] = ()
    new_teachers: NewTeachers = Field(default_factory=NewTeachers)
    exemptions: tuple[Exemption, ...] = ()

    @field_validator("rules")
    @classmethod
    def _unique_rule_ids(cls, rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
        seen: set[str] = set()
        for rule in rules:
            if rule.id in seen:
                raise PydanticCustomError("policy", "规则编号 {rule_id} 重复", {"rule_id": rule.id})
            seen.add(rule.id)
        return rules

    @model_validator(mode="after")
    def _exemptions_name_rules(self) -> "Policy":
        ids = {rule.id for rule in self.rules}
        for exemption in self.exemptions:
            unknown = [rule_id for rule_id in exemption.rules if rule_id not in ids]
            if unknown:
                raise PydanticCustomError(
                    "policy",
                    "免修条件 {exemption} 提到的规则 {unknown} 不存在",
                    {"exemption": exemption.id, "unknown": "、".join(unknown)},
                )
        return self


class PolicyInvalid(ValueError):
    """A document that is not a valid policy; `problems` lists (place, Chinese message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{place}: {message}" for place, message in problems))
        self.problems = problems


# Every field's Chinese name: accepted in place of the English key, written on export, and used
# to name the field of a problem (peixun.lib.zhkeys).
NAMES = {
    "code": "代码",
    "name": "政策名称",
    "source": "出处",
    "description": "说明",
    "include": "包含预设",
    "period": "周期",
    "kind": "类型",
    "years": "年数",
    "anchor": "起算日期",
    "start_month": "起始月份",
    "credits": "学分",
    "hours_per_credit": "每学分学时",
    "rounding": "取舍",
    "places": "小数位数",
    "required": "应修",
    "hours": "学时",
    "by_title": "按职称",
    "by_role": "按岗位",
    "by_section": "按学段",
    "rules": "规则",
    "id": "编号",
    "label": "名称",
    "applies_to": "适用对象",
    "select": "计入范围",
    "categories": "类别",
    "tags": "标签",
    "not_tags": "排除标签",
    "levels": "级别",
    "level_at_least": "最低级别",
    "modes": "形式",
    "credit_classes": "学分类别",
    "sources": "学时来源",
    "min_hours": "最少学时",
    "min_share": "最少比例",
    "max_hours": "最多学时",
    "max_share": "最多比例",
    "per": "上限按",
    "prorate": "按比例折算",
    "sections": "学段",
    "titles": "职称",
    "roles": "岗位",
    "genders": "性别",
    "statuses": "状态",
    "hired_within_years": "入职年数内",
    "new_teachers": "新教师",
    "exemptions": "免修",
    "retiring_within_years": "距退休年数内",
    "retiring_by_period_end": "周期结束前退休",
    "retirement_age": "退休年龄",
    "reduce_total": "相应减少总学时",
}
ROWS = {"rules": "条", "exemptions": "条"}


def problem_lines(problems: list[tuple[str, str]]) -> list[str]:
    """Each problem as one Chinese line naming its field: "规则第2条·最少学时：…"."""
    lines = []
    for place, message in problems:
        where = place_text(place, NAMES, ROWS)
        lines.append(f"{where}：{message}" if where else message)
    return lines


def document_text(document: Mapping[str, Any]) -> str:
    """A document (English keys) as the YAML text a version stores or a file carries: Chinese
    field names, numbers and dates written plainly."""
    return yaml_text(document, NAMES)


# --- Reading ------------------------------------------------------------------------------------

MAX_DOCUMENT_CHARS = 200_000


def load_document(text: str) -> dict[str, Any]:
    """YAML or JSON text (JSON is YAML) to a mapping; PolicyInvalid for anything else."""
    if len(text) > MAX_DOCUMENT_CHARS:
        raise PolicyInvalid([("", f"文档太长（超过 {MAX_DOCUMENT_CHARS} 个字符）")])
    try:
        data = load_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        place = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark is not None else ""
        message = getattr(error, "message", "") or "无法读取：不是有效的 YAML 或 JSON"
        raise PolicyInvalid([(place, message)]) from None
    if not isinstance(data, dict):
        raise PolicyInvalid([("", "政策文档的最外层应是一组“字段: 值”")])
    return data


def parse_policy(
    source: str | Mapping[str, Any], *, presets: Callable[[str], Mapping[str, Any]] | None = None
) -> Policy:
    """Validate a policy (text or mapping) and merge the rules of the presets it includes.

    `presets(code)` returns a preset's mapping (KeyError when unknown); by default the shipped
    presets (peixun.policies.rules.presets)."""
    data = to_english(dict(load_document(source) if isinstance(source, str) else source), NAMES)
    if presets is None:
        from peixun.policies.rules.presets import preset_document

        presets = preset_document
    include = data.get("include") or []
    if not isinstance(include, list | tuple):
        raise PolicyInvalid([("include", "应为预设名称的列表，如 [school-based-24]")])
    merged_rules = list(data.get("rules") or [])
    problems: list[tuple[str, str]] = []
    for index, code in enumerate(include):
        try:
            included = to_english(presets(str(code)), NAMES)
        except KeyError:
            problems.append((f"include[{index}]", f"没有名为“{code}”的预设"))
            continue
        if included.get("include"):
            problems.append((f"include[{index}]", f"预设“{code}”本身包含其他预设，不能再被包含"))
            continue
        merged_rules.extend(included.get("rules") or [])
    if problems:
        raise PolicyInvalid(problems)
    if merged_rules:
        data["rules"] = merged_rules
    try:
        policy = Policy.model_validate(data)
    except ValidationError as error:
        raise PolicyInvalid([problem_of(item) for item in error.errors()]) from None
    problems = tag_problems(policy)
    if problems:
        raise PolicyInvalid(problems)
    return policy


def tag_problem(tag: str) -> str:
    """Why a tag is refused, in Chinese: the code to use instead when the tag is an old code or a
    word once typed for one, else the list to choose from."""
    meant = codes.tag_for_word(tag)
    if meant is not None and meant != tag:
        return f"标签“{tag}”不在标签列表中，请改用 {meant}（{codes.TAGS[meant]}）"
    allowed = "、".join(f"{code}（{label}）" for code, label in codes.TAGS.items())
    return f"标签“{tag}”不在标签列表中，可选：{allowed}"


def tag_problems(policy: Policy) -> list[tuple[str, str]]:
    """The tags of every rule's selection that are not on the closed list (codes.TAGS). Checked
    when a policy is entered (parse_policy), not when a stored one is read: a policy stored before
    the list was closed still evaluates, its tags never matching an entry."""
    problems = []
    for index, rule in enumerate(policy.rules):
        for field in ("tags", "not_tags"):
            for position, tag in enumerate(getattr(rule.select, field)):
                if tag not in codes.TAGS:
                    problems.append((f"rules[{index}].select.{field}[{position}]", tag_problem(tag)))
    return problems


def _place(loc: tuple[int | str, ...]) -> str:
    place = ""
    for part in loc:
        if isinstance(part, int):
            place += f"[{part}]"
        elif part in {"function-after", "function-before"} or str(part).startswith(("function-", "literal[")):
            continue
        else:
            place += f".{part}" if place else str(part)
    return place


_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "不认识的字段（请检查拼写）",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "date_parsing": "应为日期，如 2021-01-01",
    "date_from_datetime_parsing": "应为日期，如 2021-01-01",
    "date_type": "应为日期，如 2021-01-01",
    "string_type": "应为文字",
    "string_too_short": "不能为空",
    "tuple_type": "应为列表，如 [a, b]",
    "list_type": "应为列表，如 [a, b]",
    "dict_type": "应为一组“字段: 值”",
    "model_type": "应为一组“字段: 值”",
    "model_attributes_type": "应为一组“字段: 值”",
}


def problem_of(error: Mapping[str, Any]) -> tuple[str, str]:
    """A pydantic error as (place, Chinese message)."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "policy":
        return _place(error["loc"]), error["msg"]
    if kind == "literal_error":
        allowed = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ").replace(", ", "、")
        return _place(error["loc"]), f"取值“{value}”无效，可选：{allowed}"
    if kind == "string_pattern_mismatch":
        if {"tags", "not_tags"} & set(error["loc"]):
            return _place(error["loc"]), tag_problem(str(value))
        return _place(error["loc"]), f"“{value}”格式不对：只能用小写字母、数字和下划线，且以字母开头"
    if kind == "string_too_long":
        return _place(error["loc"]), f"太长，最多 {ctx.get('max_length')} 个字"
    if kind in {"greater_than_equal", "greater_than"}:
        bound = ctx.get("ge", ctx.get("gt"))
        return _place(
            error["loc"]
        ), f"“{value}”太小，须{'不小于' if kind.endswith('equal') else '大于'} {bound}"
    if kind in {"less_than_equal", "less_than"}:
        bound = ctx.get("le", ctx.get("lt"))
        return _place(
            error["loc"]
        ), f"“{value}”太大，须{'不大于' if kind.endswith('equal') else '小于'} {bound}"
    if kind == "decimal_max_places":
        return _place(error["loc"]), "学时最多一位小数"
    return _place(error["loc"]), _MESSAGES.get(kind, str(error.get("msg", "")))
