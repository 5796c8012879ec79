"""The shapes of the assessment API (django-ninja / pydantic)."""

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema


class SchemeIn(Schema):
    """A new version of the project's scheme: a shipped `preset` (attendance-coursework,
    head-teacher, exam-practice, remote-all-or-nothing, staged-tasks) or the scheme's `text`."""

    preset: str = Field(default="", max_length=40)
    text: str = Field(default="", max_length=50_000)
    note: str = Field(default="", max_length=200)


class ComponentOut(Schema):
    key: str
    source: str
    label: str
    weight: Decimal
    max: Decimal


class SchemeOut(Schema):
    version: int | None
    name: str
    pass_mark: Decimal | None
    components: list[ComponentOut]
    text: str


class ScoreIn(Schema):
    """A hand-entered score of one component (its `key` in the scheme); null clears it."""

    key: str = Field(max_length=40)
    value: Decimal | None = Field(default=None, ge=0, max_digits=6, decimal_places=1)


class ResultOut(Schema):
    enrolment_id: int
    person_id: int
    name: str
    school: str
    status: str
    status_label: str
    passed: bool
    total: Decimal | None
    band: str
    attendance_rate: Decimal
    hours_total: Decimal
    excellent: bool
    components: dict
    reasons: list[str]
    computed_at: datetime
