"""The shapes of the training API (django-ninja / pydantic)."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
    reasons: list[dict] = []


class CourseOut(Schema):
    name: str
    required: bool
    hours: Decimal
    category: str
    tags: list[str]
    mode: str
    assessed: bool


class ProjectOut(Schema):
    id: int
    title: str
    organiser: str
    status: str
    project_type: str
    level: str
    category: str
    tags: list[str]
    mode: str
    hours_credited: Decimal
    credit_class: str
    enrolment_mode: str
    enrol_opens_at: datetime | None
    enrol_closes_at: datetime | None
    starts_on: date | None
    ends_on: date | None
    capacity: int
    places_taken: int


class ProjectDetailOut(ProjectOut):
    description: str
    min_size: int
    fee_per_trainee: Decimal
    fee_payer: str
    approval_chain: str
    courses: list[CourseOut]


class ReasonOut(Schema):
    code: str
    message: str


class EligibilityOut(Schema):
    eligible: bool
    mandatory: bool
    reasons: list[ReasonOut]
    subjects: list[str]
    enrolment_open: bool
    enrolment_status: str | None


class EnrolmentOut(Schema):
    id: int
    project_id: int
    person_id: int
    person_name: str
    school: str
    status: str
    source: str
    subject: str
    created_at: datetime
