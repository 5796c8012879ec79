"""The shapes of the delivery API (django-ninja / pydantic)."""

from datetime import datetime
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


class LessonIn(Schema):
    topic: str = Field(max_length=200)
    starts_at: datetime
    ends_at: datetime
    cohort_id: int | None = None
    course_id: int | None = None
    trainer: str = Field(default="", max_length=100)
    place: str = Field(default="", max_length=200)
    online_url: str = Field(default="", max_length=500)


class LessonOut(Schema):
    id: int
    project_id: int
    topic: str
    starts_at: datetime
    ends_at: datetime
    cohort_id: int | None
    course_id: int | None
    trainer: str
    place: str
    status: str
    status_label: str


class MarkIn(Schema):
    enrolment_id: int
    status: str = Field(max_length=20)
    note: str = Field(default="", max_length=200)


class MarksIn(Schema):
    """Marks for one lesson (present, late, absent, leave_personal, leave_sick, leave_official),
    written all together or not at all."""

    marks: list[MarkIn] = Field(min_length=1, max_length=2000)


class AttendanceOut(Schema):
    enrolment_id: int
    person_id: int
    name: str
    status: str
    status_label: str
    note: str


class LessonClosedOut(Schema):
    lesson: LessonOut
    marked_absent: int


class AssignmentIn(Schema):
    title: str = Field(max_length=200)
    kind: str = Field(default="reflection", max_length=16)
    description: str = Field(default="", max_length=5000)
    due_at: datetime
    required: bool = True
    max_score: Decimal = Field(default=Decimal(100), gt=0, max_digits=5, decimal_places=1)
    min_chars: int = Field(default=0, ge=0)


class AssignmentOut(Schema):
    id: int
    project_id: int
    title: str
    kind: str
    due_at: datetime
    required: bool
    max_score: Decimal


class SubmissionOut(Schema):
    enrolment_id: int
    person_id: int
    name: str
    submission_id: int | None
    status: str
    submitted_at: datetime | None
    late: bool
    score: Decimal | None
    comment: str


class GradeIn(Schema):
    score: Decimal | None = Field(default=None, ge=0, max_digits=5, decimal_places=1)
    comment: str = Field(default="", max_length=5000)
    returned: bool = False
