"""Writes for learning codes (学习码, RULES C3): codes generated per school, handed out by the
school (who and when), and a platform's registration list imported — checked in the background,
previewed, then applied all at once — to mark who registered."""

import hashlib
import secrets
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone

from peixun.accounts.models import User
from peixun.audit import events
from peixun.core import runs
from peixun.core.runs import RunState
from peixun.imports.content import seal, unseal
from peixun.lib import tabular, uploads
from peixun.orgs.models import Org, Person
from peixun.training.exceptions import CodeNotAvailableError
from peixun.training.models import (
    HOLDING,
    CodeImport,
    CodeImportStatus,
    CodeImportStep,
    Enrolment,
    LearningCode,
    Project,
)

# No 0/O, 1/I/L: codes are read aloud and typed from paper.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def _new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def _fresh_codes(count: int) -> list[str]:
    """`count` new codes that no project uses yet (31^10 ≈ 8×10^14 codes: clashes are rare, and
    the unique constraint is the last word)."""
    codes: set[str] = set()
    while len(codes) < count:
        wanted = {_new_code() for _ in range(count - len(codes))}
        taken = set(LearningCode.objects.filter(code__in=wanted).values_list("code", flat=True))
        codes |= wanted - taken
    return sorted(codes)


@transaction.atomic
def generate_codes(
    *, project: Project, actor: User | None, extra: int = 0, request: HttpRequest | None = None
) -> int:
    """Give every school as many codes as it has trainees holding a place (plus `extra` spares),
    minus the codes it already has. Returns how many were made."""
    need = dict(
        project.enrolments.filter(status__in=HOLDING)
        .values("school_id")
        .annotate(n=Count("id"))
        .values_list("school_id", "n")
    )
    have = dict(
        project.learning_codes.values("school_id").annotate(n=Count("id")).values_list("school_id", "n")
    )
    rows = []
    for school_id, count in need.items():
        rows += [school_id] * max(0, count + extra - have.get(school_id, 0))
    codes = _fresh_codes(len(rows))
    LearningCode.objects.bulk_create(
        [
            LearningCode(project=project, school_id=school_id, code=code)
            for school_id, code in zip(rows, codes, strict=True)
        ],
        batch_size=1000,
    )
    made = len(rows)
    events.record(
        action="learning_codes_generated",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={"codes": made, "schools": len(need)},
        request=request,
    )
    return made


@transaction.atomic
def issue_code(
    *, code: LearningCode, person: Person, actor: User, request: HttpRequest | None = None
) -> LearningCode:
    """Record that the school gave `code` to `person` (a trainee of the project at that school)."""
    code = LearningCode.objects.select_for_update().select_related("project", "school").get(pk=code.pk)
    holds = Enrolment.objects.filter(
        project=code.project, person=person, school=code.school, status__in=HOLDING
    ).exists()
    if not holds or (code.person_id and code.person_id != person.pk):
        raise CodeNotAvailableError
    if LearningCode.objects.filter(project=code.project, person=person).exclude(pk=code.pk).exists():
        raise CodeNotAvailableError
    code.person, code.issued_at, code.issued_by = person, timezone.now(), actor
    code.save(update_fields=["person", "issued_at", "issued_by"])
    events.record(
        action="learning_code_issued",
        actor=actor,
        target=code,
        org_path=code.school.path,
        changes={"person": person.name},
        request=request,
    )
    return code


def issue_all(*, project: Project, school: Org, actor: User, request: HttpRequest | None = None) -> int:
    """Give each trainee of the school without a code one of the school's unused codes."""
    given = 0
    with transaction.atomic():
        holders = set(
            project.learning_codes.filter(school=school, person__isnull=False).values_list(
                "person_id", flat=True
            )
        )
        trainees = [
            e.person
            for e in project.enrolments.filter(school=school, status__in=HOLDING)
            .select_related("person")
            .order_by("person__name_pinyin")
            if e.person_id not in holders
        ]
        free = list(
            project.learning_codes.filter(school=school, person__isnull=True).order_by("code")[
                : len(trainees)
            ]
        )
        for code, person in zip(free, trainees, strict=False):
            issue_code(code=code, person=person, actor=actor, request=request)
            given += 1
    return given


# --- The registration list -----------------------------------------------------------------------------

CODE_COLUMNS = ("学习码", "激活码", "learning code", "code")
MSG_NO_CODE_COLUMN = "找不到“学习码”列，第一行应为列标题，其中一列为“学习码”"
MSG_EMPTY_CODE = "学习码为空"


def _unknown_code_message(code: str) -> str:
    return f"学习码“{code}”不属于本项目"


def _column(header: tuple[str, ...], names: tuple[str, ...]) -> int | None:
    lowered = [h.strip().lower() for h in header]
    for name in names:
        if name.lower() in lowered:
            return lowered.index(name.lower())
    return None


def check_registrations(
    data: bytes, filename: str, *, project: Project, progress: Callable[[int, int], object] | None = None
) -> tuple[list[str], list[dict[str, Any]], int]:
    """Read a registration list: (codes found, errors [{row, column, message}], rows). Writes nothing."""
    table = tabular.read_table(data, filename)
    column = _column(table.header, CODE_COLUMNS)
    if column is None:
        return [], [{"row": 1, "column": "学习码", "message": MSG_NO_CODE_COLUMN}], len(table.rows)
    known = set(project.learning_codes.values_list("code", flat=True))
    found, errors = [], []
    label = table.header[column]
    for index, (number, cells) in enumerate(table.rows, 1):
        code = tabular.cell_text(cells[column]).upper().replace(" ", "")
        if not code:
            errors.append({"row": number, "column": label, "message": MSG_EMPTY_CODE})
        elif code not in known:
            errors.append({"row": number, "column": label, "message": _unknown_code_message(code)})
        else:
            found.append(code)
        if progress and index % 1000 == 0:
            progress(index, len(table.rows))
    return found, errors, len(table.rows)


def start_import(*, project: Project, data: bytes, filename: str, actor: User) -> CodeImport:
    """Store an uploaded registration list and queue its check (tabular.TableError at once for an
    unreadable file)."""
    if tabular.sniff_format(data, filename) == "xlsx":
        tabular.check_zip(data)
    with transaction.atomic():
        job = CodeImport.objects.create(
            project=project,
            filename=uploads.safe_filename(filename),
            content=seal(data),
            sha256=hashlib.sha256(data).hexdigest(),
            created_by=actor,
            actor=actor,
        )
    return runs.enqueue(job)


def run_check_again(*, job: CodeImport, actor: User, request: HttpRequest | None = None) -> CodeImport:
    """Queue the check of an interrupted or failed registration list again (CodeNotAvailableError
    when it is neither)."""
    was = job.shown_state
    with transaction.atomic():
        try:
            job = runs.run_again(run=job, actor=actor)
        except runs.NotRestartable:
            raise CodeNotAvailableError from None
        events.record(
            action="background_run_restarted",
            actor=actor,
            target=job,
            org_path=job.project.organiser.path,
            changes={"step": job.step, "was": was},
            request=request,
        )
    job.refresh_from_db()
    return job


@transaction.atomic
def apply_import(*, job: CodeImport, actor: User, request: HttpRequest | None = None) -> CodeImport:
    """Mark every listed code registered, all at once (the file is checked again first). A code
    already marked keeps its first time, so importing the same list twice changes nothing."""
    job = CodeImport.objects.select_for_update().select_related("project").get(pk=job.pk)
    if job.status != CodeImportStatus.VALID:
        raise CodeNotAvailableError
    found, errors, _rows = check_registrations(unseal(job.content), job.filename, project=job.project)
    if errors:
        job.errors = errors
        job.save(update_fields=["errors"])
        return job
    now = timezone.now()
    codes = LearningCode.objects.filter(project=job.project, code__in=set(found))
    already = codes.filter(registered_at__isnull=False).count()
    marked = codes.filter(registered_at__isnull=True).update(registered_at=now)
    job.step, job.state, job.applied_by, job.finished_at = CodeImportStep.APPLY, RunState.DONE, actor, now
    job.counts, job.content = {"matched": marked, "already": already}, b""
    job.save(update_fields=["step", "state", "applied_by", "finished_at", "counts", "content"])
    events.record(
        action="registrations_imported",
        actor=actor,
        target=job.project,
        org_path=job.project.organiser.path,
        changes={"file": job.filename, "sha256": job.sha256, "marked": marked, "already": already},
        request=request,
    )
    return job
