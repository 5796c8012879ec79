"""Writes of interest groups, each in one transaction and audited: terms and their rules,
students (one by one and imported), groups, applications, scores and selection, and the tutor's
deliverables, sessions, files and growth notes."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from peixun.accounts.models import User
from peixun.audit import events
from peixun.interest.exceptions import AlreadyAppliedError, GroupSizeError, NoTermError, TooManyGroupsError
from peixun.interest.models import (
    Application,
    ApplicationStatus,
    DeliverableFile,
    GrowthNote,
    InterestGroup,
    Lesson,
    Student,
    Term,
)
from peixun.interest.rules import selection
from peixun.lib.dates import format_date_zh
from peixun.lib.uploads import Checked
from peixun.orgs.models import Org, Person, ancestor_paths

TERM_FIELDS = (
    "name",
    "starts_on",
    "ends_on",
    "min_size",
    "max_size",
    "max_groups_per_student",
    "hours_per_session",
    "plan_deduction",
    "test_deduction",
    "yuan_per_hour",
)
DELIVERABLE_FIELDS = ("has_plan", "textbook", "tests_planned", "tests_held")
LESSON_FIELDS = ("held_on", "topic", "has_lesson_plan", "has_homework", "has_register")
ACTIVE = (ApplicationStatus.APPLIED, ApplicationStatus.SELECTED)


def _actor(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _shown(value: object) -> str:
    if isinstance(value, date):
        return format_date_zh(value)
    return str(value)


@transaction.atomic
def save_term(
    *, term: Term | None, org: Org | None = None, data: dict, actor: User, request: HttpRequest | None = None
) -> Term:
    """A new term for `org`, or `term` with its rules changed."""
    if term is None:
        assert org is not None  # noqa: S101  # a new term always names its org
        term = Term(org=org, org_path=org.path)
        before: dict[str, str] = {}
    else:
        term = Term.objects.select_for_update().get(pk=term.pk)
        before = {name: _shown(getattr(term, name)) for name in TERM_FIELDS}
    for name in TERM_FIELDS:
        setattr(term, name, data[name])
    term.updated_by = _actor(actor)
    term.save()
    after = {name: _shown(getattr(term, name)) for name in TERM_FIELDS}
    events.record(
        action="interest_term_saved",
        actor=actor,
        target=term,
        org_path=term.org_path,
        request=request,
        changes=events.diff(before, after),
    )
    return term


def terms_for_school(school: Org) -> QuerySet[Term]:
    return Term.objects.filter(org_path__in=ancestor_paths(school.path))


@transaction.atomic
def add_student(
    *, school: Org, name: str, grade: str, class_name: str, actor: User, request: HttpRequest | None = None
) -> tuple[Student, bool]:
    """The student, created unless the class already has one of that name (then returned as is)."""
    student, created = Student.objects.get_or_create(
        school=school, grade=grade, class_name=class_name, name=name, defaults={"org_path": school.path}
    )
    if created:
        events.record(
            action="interest_student_added",
            actor=actor,
            target=student,
            org_path=school.path,
            request=request,
            changes={"name": name, "grade": grade, "class_name": class_name},
        )
    return student, created


@dataclass(frozen=True)
class StudentRow:
    name: str
    grade: str
    class_name: str


@transaction.atomic
def import_students(
    *,
    school: Org,
    rows: list[StudentRow],
    filename: str,
    digest: str,
    actor: User,
    request: HttpRequest | None = None,
) -> int:
    """Adds the rows' students not yet on the school's list, all or nothing; returns how many."""
    created = 0
    for row in rows:
        _, new = Student.objects.get_or_create(
            school=school,
            grade=row.grade,
            class_name=row.class_name,
            name=row.name,
            defaults={"org_path": school.path},
        )
        created += int(new)
    events.record(
        action="interest_students_imported",
        actor=actor,
        org_path=school.path,
        request=request,
        target_repr=filename[:200],
        changes={
            "filename": filename,
            "sha256": digest,
            "created": created,
            "unchanged": len(rows) - created,
        },
    )
    return created


def _check_size(term: Term, capacity: int) -> None:
    if not term.min_size <= capacity <= term.max_size:
        raise GroupSizeError(min=term.min_size, max=term.max_size)


@transaction.atomic
def create_group(
    *,
    school: Org,
    term: Term,
    name: str,
    subject: str,
    capacity: int,
    tutor: Person,
    actor: User,
    request: HttpRequest | None = None,
) -> InterestGroup:
    """A group of the school in a term covering it, of a size within the term's limits (B9), its
    tutor a person of the school."""
    if not terms_for_school(school).filter(pk=term.pk).exists():
        raise NoTermError()
    _check_size(term, capacity)
    if tutor.org_id != school.pk:
        raise ValueError("tutor")
    group = InterestGroup.objects.create(
        term=term,
        school=school,
        org_path=school.path,
        name=name,
        subject=subject,
        capacity=capacity,
        tutor=tutor,
    )
    events.record(
        action="interest_group_created",
        actor=actor,
        target=group,
        org_path=school.path,
        request=request,
        changes={
            "term": term.name,
            "name": name,
            "subject": subject,
            "capacity": capacity,
            "tutor": tutor.name,
        },
    )
    return group


@transaction.atomic
def apply_to_group(
    *, group: InterestGroup, student: Student, actor: User, request: HttpRequest | None = None
) -> Application:
    """The student's application to the group; refused when the student already applied to or
    joined as many groups of the term as its rules allow (B9)."""
    # One student's applications at a time, so two at once cannot both pass the count.
    Student.objects.select_for_update().filter(pk=student.pk).first()
    if student.school_id != group.school_id:
        raise ValueError("student")
    term = group.term
    if Application.objects.filter(group=group, student=student).exists():
        raise AlreadyAppliedError(student=student.name)
    held = Application.objects.filter(student=student, group__term=term, status__in=ACTIVE).count()
    if held >= term.max_groups_per_student:
        raise TooManyGroupsError(student=student.name, count=held)
    application = Application.objects.create(group=group, student=student)
    events.record(
        action="interest_applied",
        actor=actor,
        target=application,
        org_path=group.org_path,
        request=request,
        target_repr=f"{student.name} → {group.name}",
        changes={"student": student.name, "group": group.name},
    )
    return application


@transaction.atomic
def save_scores(
    *,
    group: InterestGroup,
    scores: dict[int, Decimal | None],
    select: bool,
    actor: User,
    request: HttpRequest | None = None,
) -> selection.Selection | None:
    """Records the selection test scores ({application id: score}); with `select`, takes the
    members by score up to the group's places, ties to the earlier application (B9)."""
    group = InterestGroup.objects.select_for_update().get(pk=group.pk)
    applications = list(Application.objects.filter(group=group).select_related("student"))
    changed: dict[str, str] = {}
    for application in applications:
        if application.pk not in scores:
            continue
        score = scores[application.pk]
        if score != application.score:
            changed[application.student.name] = _shown(score) if score is not None else ""
            application.score = score
            application.save(update_fields=["score"])
    result = None
    if select:
        result = selection.select(
            [selection.Applicant(a.pk, a.score, a.applied_at) for a in applications], group.capacity
        )
        taken = set(result.selected)
        for application in applications:
            status = ApplicationStatus.SELECTED if application.pk in taken else ApplicationStatus.NOT_SELECTED
            if application.score is None:
                status = ApplicationStatus.APPLIED
            if status != application.status:
                application.status = status
                application.save(update_fields=["status"])
    if changed or result is not None:
        events.record(
            action="interest_members_selected" if result is not None else "interest_scores_saved",
            actor=actor,
            target=group,
            org_path=group.org_path,
            request=request,
            changes={"scores": changed, **({"selected": len(result.selected)} if result is not None else {})},
        )
    return result


def _store_file(
    group: InterestGroup, lesson: Lesson | None, kind: str, upload: tuple[bytes, Checked], actor: User | None
) -> None:
    data, checked = upload
    DeliverableFile.objects.create(
        group=group,
        lesson=lesson,
        kind=kind,
        filename=checked.filename,
        content_type=checked.content_type,
        content=data,
        uploaded_by=actor,
    )


@transaction.atomic
def save_deliverables(
    *, group: InterestGroup, data: dict, files: dict, actor: User, request: HttpRequest | None = None
) -> InterestGroup:
    """The group's term plan, textbook and staged tests (C11); `files` {kind: (bytes, Checked)}."""
    group = InterestGroup.objects.select_for_update().get(pk=group.pk)
    before = {name: _shown(getattr(group, name)) for name in DELIVERABLE_FIELDS}
    for name in DELIVERABLE_FIELDS:
        setattr(group, name, data[name])
    group.save(update_fields=list(DELIVERABLE_FIELDS))
    for kind, upload in files.items():
        _store_file(group, None, kind, upload, _actor(actor))
    after = {name: _shown(getattr(group, name)) for name in DELIVERABLE_FIELDS}
    events.record(
        action="interest_deliverables_saved",
        actor=actor,
        target=group,
        org_path=group.org_path,
        request=request,
        changes={**events.diff(before, after), **({"files": sorted(files)} if files else {})},
    )
    return group


@transaction.atomic
def save_lesson(
    *,
    group: InterestGroup,
    lesson: Lesson | None,
    data: dict,
    present: list[Student],
    files: dict,
    actor: User,
    request: HttpRequest | None = None,
) -> Lesson:
    """A session of the group with its lesson plan, graded homework and signed register (C11)."""
    before = {name: _shown(getattr(lesson, name)) for name in LESSON_FIELDS} if lesson else {}
    lesson = lesson or Lesson(group=group)
    for name in LESSON_FIELDS:
        setattr(lesson, name, data[name])
    lesson.save()
    lesson.present.set(present)
    for kind, upload in files.items():
        _store_file(group, lesson, kind, upload, _actor(actor))
    after = {name: _shown(getattr(lesson, name)) for name in LESSON_FIELDS}
    events.record(
        action="interest_lesson_saved",
        actor=actor,
        target=lesson,
        org_path=group.org_path,
        request=request,
        target_repr=f"{group.name} {format_date_zh(lesson.held_on)}",
        changes={
            **events.diff(before, after),
            "present": len(present),
            **({"files": sorted(files)} if files else {}),
        },
    )
    return lesson


@transaction.atomic
def add_note(
    *, group: InterestGroup, student: Student, text: str, actor: User, request: HttpRequest | None = None
) -> GrowthNote:
    note = GrowthNote.objects.create(group=group, student=student, text=text, written_by=_actor(actor))
    events.record(
        action="interest_note_added",
        actor=actor,
        target=note,
        org_path=group.org_path,
        request=request,
        target_repr=f"{student.name} · {group.name}",
        changes={"student": student.name},
    )
    return note
