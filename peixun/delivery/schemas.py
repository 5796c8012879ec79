"""The shapes of the delivery API (django-ninja / pydantic)."""

from decimal import Decimal

from ninja import Field, Schema


class OutsideRowIn(Schema):
    id_number: str = Field(max_length=40)
    name: str = Field(default="", max_length=50)
    online_minutes: int | None = None
    discussions: int | None = None
    exam_score: Decimal | None = None


class OutsideResultsIn(Schema):
    rows: list[OutsideRowIn] = Field(max_length=20000)
    dry_run: bool = False


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class OutsideResultsOut(Schema):
    applied: bool
    created: int
    updated: int
    unchanged: int
    errors: list[RowErrorOut]


class OutsideResultOut(Schema):
    person_id: int
    name: str
    online_minutes: int | None
    discussions: int | None
    exam_score: Decimal | None
    source: str
