"""An assessment scheme (考核方案) as a document (no Django): weighted components, hard rules, the
pass mark, grade bands with caps on their share, how hours are granted, excellence selection and
the tutors' score (RULES D1–D8, E1, A11; docs/decisions/0026-assessment-schemes.md).

A scheme is YAML or JSON. `parse_scheme` validates it and returns a frozen `Scheme`, or raises
`SchemeInvalid` listing every problem as (place, Chinese message). Each stored version of a
project's scheme is pinned on the results computed with it.

    name: 班主任专题培训考核
    components:                  # weights add up to 100
      - {key: attendance, source: attendance, weight: 20}
      - {key: coursework, source: coursework, weight: 30}
      - {key: work, source: manual, label: 教育与组织工作, weight: 50}
    hard_rules: {max_absence_share: 1/3, required_work: true}
    pass_mark: 60

and, for RULES D6, grade bands over one part alone with a capped top band and its tie-break:

    bands:
      basis: practice            # the practice part, out of 20
      tie_break: [total, lottery]
      levels:
        - {code: excellent, label: 优秀, min: 18, cap_share: 0.25, cap_per: school}
        - {code: good, label: 良好, min: 15}
        - {code: pass, label: 合格, min: 12}
        - {code: fail, label: 不合格, min: 0}
"""

import json
from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from peixun.lib.zhkeys import load_yaml, place_text, to_english, yaml_text
from peixun.policies.rules.document import problem_of

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Score = Annotated[Decimal, Field(ge=0, le=100, decimal_places=1)]
Share = Annotated[Decimal, Field(ge=0, le=1)]

ATTENDANCE = "attendance"
COURSEWORK = "coursework"
COURSEWORK_REQUIRED = "coursework_required"
COURSEWORK_OPTIONAL = "coursework_optional"
EXAM = "exam"
ONLINE_TIME = "online_time"
DISCUSSION = "discussion"
MANUAL = "manual"
SOURCES = (
    ATTENDANCE,
    COURSEWORK,
    COURSEWORK_REQUIRED,
    COURSEWORK_OPTIONAL,
    EXAM,
    ONLINE_TIME,
    DISCUSSION,
    MANUAL,
)
NEEDS_TARGET = (ONLINE_TIME, DISCUSSION)
MAX_DOCUMENT_CHARS = 50_000

# Every field's Chinese name: accepted in place of the English key, written on export, and used
# to name the field of a problem (peixun.lib.zhkeys).
NAMES = {
    "name": "方案名称",
    "description": "说明",
    "components": "成绩构成",
    "key": "代码",
    "source": "来源",
    "label": "名称",
    "weight": "权重",
    "max": "满分",
    "target": "目标",
    "hard_rules": "否决条件",
    "max_absence_share": "缺勤比例上限",
    "leave_counts_as_absence": "请假计为缺勤",
    "required_work": "须交齐必做作业",
    "required_courses": "须通过必修课程",
    "min_exam_score": "考试最低分",
    "min_online_minutes": "最少在线分钟",
    "pass_mark": "合格分",
    "bands": "等级",
    "basis": "评定依据",
    "levels": "等级列表",
    "tie_break": "同分排序",
    "code": "等级代码",
    "min": "最低分",
    "cap_share": "名额比例上限",
    "cap_per": "名额限制范围",
    "hours": "学时",
    "mode": "登记方式",
    "prorate": "按出勤折算",
    "excellence": "优秀学员",
    "share": "比例",
    "cap_per_school": "每校比例上限",
    "ties": "并列处理",
    "notice_days": "公示天数",
    "tutor": "辅导教师评分",
    "own_weight": "本人工作权重",
}
ROWS = {"components": "行", "levels": "行"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Component(_Strict):
    """One weighted part of the total. Every source gives a score from 0 to 100: the attendance
    rate; the average coursework score (all, required or optional tasks; a missing required task
    counts 0); the exam mark or a manual score on its own scale (`max`, e.g. practice out of 20);
    online minutes or discussion posts against a `target`."""

    key: Key
    source: Literal[
        "attendance",
        "coursework",
        "coursework_required",
        "coursework_optional",
        "exam",
        "online_time",
        "discussion",
        "manual",
    ]
    label: str = Field(default="", max_length=40)
    weight: Score
    max: Decimal = Field(default=Decimal(100), gt=0, le=1000)
    target: Decimal | None = Field(default=None, gt=0, le=100_000)

    @model_validator(mode="after")
    def _target_when_needed(self) -> "Component":
        if self.source in NEEDS_TARGET and self.target is None:
            raise PydanticCustomError(
                "scheme", "{source} 须给出 target（满分对应的分钟数或次数）", {"source": self.source}
            )
        return self


class HardRules(_Strict):
    """Conditions that fail a trainee whatever the total (RULES D2, D8, E1)."""

    max_absence_share: str | None = "1/3"
    leave_counts_as_absence: bool = True
    required_work: bool = True
    required_courses: bool = True
    min_exam_score: Decimal | None = Field(default=None, ge=0, le=1000)
    min_online_minutes: int | None = Field(default=None, ge=0, le=100_000)

    @field_validator("max_absence_share", mode="before")
    @classmethod
    def _share(cls, value: Any) -> str | None:
        if value is None or value == "":
            return None
        try:
            share = Fraction(str(value).strip())
        except (ValueError, ZeroDivisionError):
            raise PydanticCustomError("scheme", "缺勤比例应写成分数或小数，如 1/3 或 0.3") from None
        if not 0 <= share <= 1:
            raise PydanticCustomError("scheme", "缺勤比例应在 0 到 1 之间")
        return str(share)

    @property
    def absence_share(self) -> Fraction | None:
        return Fraction(self.max_absence_share) if self.max_absence_share is not None else None


class Band(_Strict):
    """A grade band from `min` up; `cap_share` limits the share of trainees in it per school,
    class or the whole project (RULES D6: 优秀 at most 25 % per school)."""

    code: Key
    label: str = Field(min_length=1, max_length=20)
    min: Decimal = Field(ge=0, le=1000)
    cap_share: Share | None = None
    cap_per: Literal["school", "cohort", "project"] = "school"


TOTAL = "total"
LOTTERY = "lottery"
DEFAULT_TIE_BREAK = (TOTAL, LOTTERY)


class Bands(_Strict):
    """Bands over the total, or over one component on its own scale (`basis: practice`).

    Over the total, a failed trainee is in the lowest band (a band of the whole result). Over a
    component, the band grades that part alone, whatever the rest gave (RULES D6: the practice
    part out of 20, "whatever the exam gave"); a trainee whose part is not scored yet has no band.

    `tie_break` orders the trainees equal on the basis when a capped band has fewer places than
    they are (docs/decisions/0036-band-cap-tie-break.md): each item is `total`, a component's key
    (its score) or `lottery` (last: a draw reproducible from the project's public seed). Those
    still equal after the list move down together, so a cap is never exceeded."""

    basis: str = TOTAL
    levels: tuple[Band, ...] = ()
    tie_break: tuple[str, ...] = DEFAULT_TIE_BREAK

    @field_validator("levels")
    @classmethod
    def _ordered(cls, levels: tuple[Band, ...]) -> tuple[Band, ...]:
        if not levels:
            return levels
        mins = [band.min for band in levels]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise PydanticCustomError("scheme", "等级须按最低分从高到低排列，且最低分各不相同")
        if levels[-1].min != 0:
            raise PydanticCustomError("scheme", "最后一个等级的最低分须为 0")
        if len({band.code for band in levels}) != len(levels):
            raise PydanticCustomError("scheme", "等级代码重复")
        return levels


class Hours(_Strict):
    """What passing grants: the project's hours at once (`project`, all or nothing: RULES A11) or
    each passed course's hours (`per_course`); `prorate: attendance` scales them by the attendance
    rate, rounded down to half an hour."""

    mode: Literal["project", "per_course"] = "project"
    prorate: Literal["none", "attendance"] = "none"


class Excellence(_Strict):
    """优秀学员 (RULES E1): the top `share` of those who passed every required course without an
    ethics veto, ranked by total then attendance then coursework; optional cap per school; the
    list is published for `notice_days` (公示) before it becomes final."""

    share: Share = Decimal("0.10")
    cap_per_school: Share | None = None
    ties: Literal["include", "exclude"] = "include"
    notice_days: int = Field(default=5, ge=0, le=30)


class Tutor(_Strict):
    """RULES D5: a tutor's score is their own work and their class's average, weighted."""

    own_weight: Share = Decimal("0.5")


class Scheme(_Strict):
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(default="", max_length=2000)
    components: tuple[Component, ...] = Field(min_length=1, max_length=12)
    hard_rules: HardRules = Field(default_factory=HardRules)
    pass_mark: Score = Decimal(60)
    bands: Bands = Field(default_factory=Bands)
    hours: Hours = Field(default_factory=Hours)
    excellence: Excellence = Field(default_factory=Excellence)
    tutor: Tutor = Field(default_factory=Tutor)

    @field_validator("components")
    @classmethod
    def _weights(cls, components: tuple[Component, ...]) -> tuple[Component, ...]:
        keys = [component.key for component in components]
        if len(set(keys)) != len(keys):
            raise PydanticCustomError("scheme", "各部分的代码不能重复")
        total = sum((component.weight for component in components), Decimal(0))
        if total != 100:
            raise PydanticCustomError(
                "scheme", "权重合计须为 100，现为 {total}", {"total": f"{total.normalize():f}"}
            )
        return components

    @model_validator(mode="after")
    def _consistent(self) -> "Scheme":
        keys = [component.key for component in self.components]
        if self.bands.basis != TOTAL and self.bands.basis not in keys:
            raise PydanticCustomError(
                "scheme",
                "bands.basis 须为 total 或某个组成部分的 key，没有“{basis}”",
                {"basis": self.bands.basis},
            )
        ties = self.bands.tie_break
        for item in ties:
            if item not in (TOTAL, LOTTERY) and item not in keys:
                raise PydanticCustomError(
                    "scheme",
                    "bands.tie_break 的每一项须为 total、lottery 或某个组成部分的 key，没有“{item}”",
                    {"item": item},
                )
        if len(set(ties)) != len(ties):
            raise PydanticCustomError("scheme", "bands.tie_break 中有重复的项")
        if LOTTERY in ties and ties[-1] != LOTTERY:
            raise PydanticCustomError("scheme", "bands.tie_break 中的 lottery（抽签）须放在最后")
        return self

    def component(self, key: str) -> Component | None:
        return next((component for component in self.components if component.key == key), None)


class SchemeInvalid(ValueError):
    """A document that is not a valid scheme; `problems` lists (place, Chinese message)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{place}: {message}" for place, message in problems))
        self.problems = problems


def load_document(text: str) -> dict[str, Any]:
    if len(text) > MAX_DOCUMENT_CHARS:
        raise SchemeInvalid([("", f"文档太长（超过 {MAX_DOCUMENT_CHARS} 个字符）")])
    try:
        data = load_yaml(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        place = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark is not None else ""
        message = getattr(error, "message", "") or "无法读取：不是有效的 YAML 或 JSON"
        raise SchemeInvalid([(place, message)]) from None
    if not isinstance(data, dict):
        raise SchemeInvalid([("", "考核方案的最外层应是一组“字段: 值”")])
    return data


def parse_scheme(source: str | Mapping[str, Any]) -> Scheme:
    """Validate a scheme (text or mapping; English keys or their Chinese names, NAMES)."""
    data = to_english(load_document(source) if isinstance(source, str) else dict(source), NAMES)
    try:
        return Scheme.model_validate(data)
    except ValidationError as error:
        errors = error.errors()
        problems = []
        for item in errors:
            loc = tuple(item["loc"])
            if item["type"] == "too_short" and any(
                tuple(o["loc"])[: len(loc)] == loc and o is not item for o in errors
            ):
                continue  # an element was refused; its own problem says why
            if item["type"] == "scheme":
                problems.append((_place(loc), item["msg"]))
            elif item["type"] == "too_short":
                problems.append((_place(loc), f"至少需要 {(item.get('ctx') or {}).get('min_length', 1)} 项"))
            else:
                problems.append(problem_of(item))
        raise SchemeInvalid(problems) from None


def _place(loc: tuple[int | str, ...]) -> str:
    """("components", 0, "source") → components[0].source, as policy problems are named."""
    place = ""
    for part in loc:
        if isinstance(part, int):
            place += f"[{part}]"
        elif not str(part).startswith(("function-", "literal[")):
            place += f".{part}" if place else str(part)
    return place


def problem_lines(problems: list[tuple[str, str]]) -> list[str]:
    """Each problem as one Chinese line naming its field: "成绩构成第2行·权重：…"."""
    lines = []
    for place, message in problems:
        where = place_text(place, NAMES, ROWS)
        lines.append(f"{where}：{message}" if where else message)
    return lines


def scheme_json(scheme: Scheme) -> dict[str, Any]:
    """The scheme as plain JSON data (stable), to store beside its text."""
    data: dict[str, Any] = json.loads(scheme.model_dump_json())
    return data


def export_text(scheme: Scheme) -> str:
    """The scheme as a YAML file with Chinese field names, every field written (an import of it
    gives the same scheme, whatever the defaults become)."""
    return yaml_text(scheme.model_dump(), NAMES)


def document_text(document: Mapping[str, Any]) -> str:
    """A document built by the form, as the YAML text stored with its version (Chinese names)."""
    return yaml_text(document, NAMES)
