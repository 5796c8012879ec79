"""The shapes of the training API (django-ninja / pydantic)."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from peixun.core.schemas import ErrorOut as ErrorOut


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


class TransitionOut(Schema):
    action: str
    target: str
    needs_reason: bool


class ProjectStateOut(ProjectDetailOut):
    status_label: str
    status_reason: str
    transitions: list[TransitionOut]


class CourseIn(Schema):
    name: str = Field(max_length=200)
    hours: Decimal = Field(gt=0, max_digits=6, decimal_places=1)
    category: str = Field(default="knowledge_skills", max_length=20)
    required: bool = True
    assessed: bool = True


class ProjectIn(Schema):
    """A new draft project. Codes as in the OpenAPI enums of the pages (project_type `all_staff`,
    level `county`, category `knowledge_skills`, mode `concentrated`, enrolment_mode `nomination` …)."""

    organiser_id: int
    title: str = Field(max_length=200)
    project_type: str = Field(max_length=16)
    level: str = Field(max_length=16)
    category: str = Field(max_length=20)
    mode: str = Field(default="concentrated", max_length=16)
    description: str = Field(default="", max_length=5000)
    hours_credited: Decimal = Field(ge=0, max_digits=6, decimal_places=1)
    enrol_opens_at: datetime | None = None
    enrol_closes_at: datetime | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    capacity: int = Field(default=100, ge=0)
    min_size: int = Field(default=0, ge=0)
    class_size: int = Field(default=100, ge=1, le=1000)
    enrolment_mode: str = Field(default="self", max_length=16)
    approval_chain: str = Field(default="none", max_length=16)
    audience_ids: list[int] = Field(default=[], max_length=200)
    courses: list[CourseIn] = Field(default=[], max_length=100)


class TransitionIn(Schema):
    action: str = Field(max_length=20)
    reason: str = Field(default="", max_length=1000)


class NominationIn(Schema):
    """The teacher to nominate: `person_id`, or `id_number` (in the body, never in an address)."""

    person_id: int | None = None
    id_number: str = Field(default="", max_length=40)
    subject: str = Field(default="", max_length=20)


class CohortOut(Schema):
    id: int
    number: int
    name: str
    tutor: str
    size: int
