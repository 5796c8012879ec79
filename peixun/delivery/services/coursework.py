"""Writes for coursework: assignments, a trainee's submission (text written in the page and files
told by their bytes), late rules, grading by the tutor, and the completeness of required work."""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from peixun.accounts.models import User
from peixun.audit import events
from peixun.delivery.exceptions import (
    AlreadyGradedError,
    EmptySubmissionError,
    FileRejectedError,
    RubricPointsError,
    ScoreOutOfRangeError,
    SubmissionClosedError,
    TooShortError,
)
from peixun.delivery.models import (
    Assignment,
    LatePolicy,
    Submission,
    SubmissionFile,
    SubmissionStatus,
)
from peixun.delivery.rules import files as file_rules
from peixun.delivery.rules import rubric
from peixun.delivery.services.lessons import _inputs_changed, require_status
from peixun.lib import uploads
from peixun.training.models import Enrolment, Project
from peixun.training.rules import lifecycle

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_FILES = 5


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


ASSIGNMENT_FIELDS = (
    "title",
    "kind",
    "description",
    "min_chars",
    "due_at",
    "required",
    "accepts_text",
    "accepts_files",
    "max_score",
    "late_policy",
    "late_penalty",
    "late_until",
    "course",
    "rubric",
)


@transaction.atomic
def save_assignment(
    *,
    project: Project,
    actor: User,
    fields: dict,
    assignment: Assignment | None = None,
    request: HttpRequest | None = None,
) -> Assignment:
    require_status(project, lifecycle.SCHEDULING)
    creating = assignment is None
    assignment = assignment or Assignment(
        project=project, created_by=actor if getattr(actor, "pk", None) else None
    )
    before = {name: str(getattr(assignment, name, "")) for name in ASSIGNMENT_FIELDS} if not creating else {}
    for name, value in fields.items():
        if name in ASSIGNMENT_FIELDS:
            setattr(assignment, name, value)
    assignment.full_clean(exclude=["project", "created_by"])
    assignment.save()
    after = {name: str(getattr(assignment, name, "")) for name in ASSIGNMENT_FIELDS}
    events.record(
        action="assignment_saved",
        actor=actor,
        target=assignment,
        org_path=project.organiser.path,
        changes={"title": assignment.title} if creating else events.diff(before, after),
        request=request,
    )
    _inputs_changed(project)
    return assignment


def deadline(assignment: Assignment) -> datetime | None:
    """The last moment work is taken: the due date when late work is refused, the late cutoff (or
    never) otherwise."""
    if assignment.late_policy == LatePolicy.REFUSE:
        return assignment.due_at
    return assignment.late_until


def open_for_work(assignment: Assignment, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    last = deadline(assignment)
    return assignment.project.status in lifecycle.MARKING and (last is None or now <= last)


def check_file(upload: Upload) -> tuple[str, int]:
    """(kind, characters read from it) of an accepted file; FileRejectedError otherwise."""
    if len(upload.data) > MAX_FILE_BYTES:
        raise FileRejectedError(name=upload.name, why=_("larger than 10 MB"))
    if not upload.data:
        raise FileRejectedError(name=upload.name, why=_("the file is empty"))
    sniffed = file_rules.sniff(upload.data)
    if not sniffed.ok or sniffed.kind is None:
        why = {
            "macros": _("Word files with macros are not accepted"),
            "too_large_unpacked": _(
                "its contents unpack far too large (more than 200 MB, or compressed abnormally)"
            ),
        }.get(sniffed.problem, _("only PDF, Word (.docx) and images (PNG, JPEG, WebP) are accepted"))
        raise FileRejectedError(name=upload.name, why=why)
    chars = (
        file_rules.count_chars(file_rules.docx_text(upload.data)) if sniffed.kind == file_rules.DOCX else 0
    )
    return sniffed.kind, chars


def _safe_name(name: str, kind: str) -> str:
    return uploads.safe_filename(name, kind)


@transaction.atomic
def submit(
    *,
    assignment: Assignment,
    enrolment: Enrolment,
    text: str = "",
    uploads: list[Upload] | None = None,
    keep_files: bool = True,
    actor: User,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> Submission:
    """Hand in (or hand in again) a trainee's work. The length counted is the text's characters
    plus those read from Word files; PDFs and images are not counted (the tutor reads them).
    Refused after the deadline the late rules set, or once graded unless returned."""
    now = now or timezone.now()
    assignment = Assignment.objects.select_related("project__organiser").get(pk=assignment.pk)
    if not open_for_work(assignment, now):
        raise SubmissionClosedError
    uploads = uploads or []
    text = (text or "").strip() if assignment.accepts_text else ""
    if uploads and not assignment.accepts_files:
        uploads = []
    checked = [(upload, *check_file(upload)) for upload in uploads]
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .filter(assignment=assignment, enrolment=enrolment)
        .order_by("pk")
        .first()
    )
    if submission is not None and submission.status == SubmissionStatus.GRADED:
        raise AlreadyGradedError
    kept = list(submission.files.all()) if submission is not None and keep_files else []
    if len(kept) + len(checked) > MAX_FILES:
        raise FileRejectedError(name=checked[-1][0].name, why=_("at most 5 files per submission"))
    chars = file_rules.count_chars(text) + sum(f.char_count for f in kept) + sum(c for _u, _k, c in checked)
    if not text and not kept and not checked:
        raise EmptySubmissionError
    counts_length = not any(f.kind != file_rules.DOCX for f in kept) and not any(
        k != file_rules.DOCX for _u, k, _c in checked
    )
    if assignment.min_chars and chars < assignment.min_chars and counts_length:
        raise TooShortError(minimum=assignment.min_chars, count=chars)
    late = now > assignment.due_at
    if submission is None:
        submission = Submission(assignment=assignment, enrolment=enrolment)
    elif not keep_files:
        submission.files.all().delete()
    submission.text = text
    submission.char_count = chars
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = now
    submission.late = late
    submission.save()
    SubmissionFile.objects.bulk_create(
        [
            SubmissionFile(
                submission=submission,
                filename=_safe_name(upload.name, kind),
                kind=kind,
                size=len(upload.data),
                sha256=hashlib.sha256(upload.data).hexdigest(),
                char_count=file_chars,
                content=upload.data,
            )
            for upload, kind, file_chars in checked
        ]
    )
    events.record(
        action="work_submitted",
        actor=actor,
        target=submission,
        org_path=enrolment.school.path,
        changes={
            "assignment": assignment.pk,
            "chars": chars,
            "files": len(kept) + len(checked),
            "late": late,
        },
        request=request,
    )
    _inputs_changed(assignment.project, [enrolment.pk])
    return submission


def meets_length(submission: Submission) -> bool:
    """Whether the length was checked and met, or could not be counted (PDF, images)."""
    minimum = submission.assignment.min_chars
    if not minimum or submission.char_count >= minimum:
        return True
    return any(f.kind != file_rules.DOCX for f in submission.files.all())


def percent(submission: Submission) -> Decimal | None:
    """The graded score as a percentage of the maximum, after the late deduction."""
    if submission.score is None or submission.status != SubmissionStatus.GRADED:
        return None
    assignment = submission.assignment
    value = submission.score * 100 / assignment.max_score
    if submission.late and assignment.late_policy == LatePolicy.PENALTY and assignment.late_penalty:
        value = value * (100 - assignment.late_penalty) / 100
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


@transaction.atomic
def grade(
    *,
    submission: Submission,
    score: Decimal | None,
    comment: str,
    actor: User,
    returned: bool = False,
    points: list[str] | None = None,
    request: HttpRequest | None = None,
) -> Submission:
    """Grade a submission (score and comment), or return it for revision with a comment. With a
    rubric, the score is the sum of the `points` given per criterion."""
    submission = (
        # The submission alone is locked, not the project and the rows joined for reading: a
        # bare FOR UPDATE on the project deadlocked with check-ins (see attendance._locked_attendance).
        Submission.objects.select_for_update(of=("self",))
        .select_related("assignment__project__organiser", "enrolment__school")
        .get(pk=submission.pk)
    )
    require_status(submission.assignment.project, lifecycle.MARKING)
    maximum = submission.assignment.max_score
    criteria = submission.assignment.rubric
    stored: list[str] = []
    if criteria and not returned:
        try:
            score, stored = rubric.score(criteria, list(points or []))
        except rubric.RubricError:
            raise RubricPointsError from None
    if not returned and (score is None or score < 0 or score > maximum):
        raise ScoreOutOfRangeError(maximum=maximum)
    before = [submission.status, str(submission.score) if submission.score is not None else None]
    submission.status = SubmissionStatus.RETURNED if returned else SubmissionStatus.GRADED
    submission.score = None if returned else score
    submission.comment = comment.strip()[:5000]
    submission.rubric_points = stored
    submission.graded_by = actor if getattr(actor, "pk", None) else None
    submission.graded_at = timezone.now()
    submission.save(update_fields=["status", "score", "comment", "rubric_points", "graded_by", "graded_at"])
    events.record(
        action="work_graded",
        actor=actor,
        target=submission,
        org_path=submission.enrolment.school.path,
        changes={
            "status": [before[0], submission.status],
            "score": [before[1], str(score) if score is not None else None],
        },
        request=request,
    )
    _inputs_changed(submission.assignment.project, [submission.enrolment_id])
    return submission
