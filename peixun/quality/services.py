"""Writes of quality: the trainer pool (add, change, the yearly review that sets a trainer's
state), the project summary (generated at the close, its narrative and expense settlement edited),
the files filed for a project's archive, and the archive's background build. Every change is
audited in the transaction that makes it."""

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from peixun.accounts.models import User
from peixun.audit import events
from peixun.core import runs
from peixun.orgs.models import Org, Person
from peixun.quality import selectors
from peixun.quality.exceptions import (
    ArchiveBusyError,
    DuplicateTrainerError,
    ExternalUnitRequiredError,
    NotClosedError,
)
from peixun.quality.models import (
    ArchiveFile,
    ExpenseLine,
    ProjectArchive,
    ProjectSummary,
    Trainer,
    TrainerReview,
    TrainerState,
    Verdict,
)
from peixun.quality.rules import pool
from peixun.training.models import Project, ProjectStatus
from peixun.training.rules import lifecycle

logger = logging.getLogger(__name__)

TRAINER_FIELDS = ("name", "unit", "contact", "subjects", "sections", "title", "note")


def _actor(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _shown(trainer: Trainer) -> dict:
    return {
        "name": trainer.name,
        "unit": trainer.unit,
        "contact": trainer.contact,
        "subjects": trainer.subjects,
        "sections": trainer.sections,
        "title": str(trainer.get_title_display()),
        "state": str(trainer.get_state_display()),
    }


def _apply(trainer: Trainer, data: dict) -> None:
    for field in TRAINER_FIELDS:
        if field in data:
            value = data[field]
            setattr(trainer, field, " ".join(str(value).split()) if field != "note" else str(value).strip())
    if trainer.person_id is not None and trainer.person is not None:
        trainer.name = trainer.person.name
        trainer.unit = trainer.unit or trainer.person.org.name
    if trainer.person_id is None and not trainer.unit:
        raise ExternalUnitRequiredError


@transaction.atomic
def add_trainer(
    *, keeper: Org, person: Person | None, data: dict, actor: User | None, request: HttpRequest | None = None
) -> Trainer:
    """A trainer into `keeper`'s pool: a teacher of the roster (once per pool) or an external one."""
    if person is not None and Trainer.objects.filter(keeper=keeper, person=person).exists():
        raise DuplicateTrainerError(name=person.name)
    trainer = Trainer(keeper=keeper, org_path=keeper.path, person=person)
    _apply(trainer, data)
    trainer.save()
    events.record(
        action="quality_trainer_added",
        actor=actor,
        target=trainer,
        org_path=trainer.org_path,
        changes=_shown(trainer),
        request=request,
    )
    return trainer


@transaction.atomic
def change_trainer(
    *, trainer: Trainer, data: dict, actor: User | None, request: HttpRequest | None = None
) -> Trainer:
    trainer = Trainer.objects.select_for_update().select_related("person__org").get(pk=trainer.pk)
    before = _shown(trainer)
    _apply(trainer, data)
    trainer.save()
    changes = events.diff(before, _shown(trainer))
    if changes:
        events.record(
            action="quality_trainer_changed",
            actor=actor,
            target=trainer,
            org_path=trainer.org_path,
            changes=changes,
            request=request,
        )
    return trainer


@transaction.atomic
def review_trainer(
    *,
    trainer: Trainer,
    year: int,
    course_review: str,
    feedback: str,
    verdict: str,
    actor: User | None,
    request: HttpRequest | None = None,
) -> TrainerReview:
    """The year's review (F3), made or made again; its verdict sets the trainer's state."""
    trainer = Trainer.objects.select_for_update().get(pk=trainer.pk)
    state = pool.state_after(verdict)
    review, _created = TrainerReview.objects.update_or_create(
        trainer=trainer,
        year=year,
        defaults={
            "course_review": course_review.strip(),
            "feedback": feedback.strip(),
            "verdict": verdict,
            "reviewed_by": _actor(actor),
        },
    )
    before = trainer.get_state_display()
    trainer.state = state
    trainer.save(update_fields=["state", "updated_at"])
    events.record(
        action="quality_trainer_reviewed",
        actor=actor,
        target=trainer,
        org_path=trainer.org_path,
        changes={
            "year": year,
            "verdict": str(Verdict(verdict).label),
            "state": [str(before), str(TrainerState(state).label)],
            "course_review": review.course_review,
            "feedback": review.feedback,
        },
        request=request,
    )
    return review


# --- The summary ---------------------------------------------------------------------------------


def _closed(project: Project) -> None:
    if project.status not in lifecycle.FINAL:
        raise NotClosedError(status=ProjectStatus(project.status).label)


@transaction.atomic
def generate_summary(
    *, project: Project, actor: User | None, request: HttpRequest | None = None
) -> ProjectSummary:
    """The summary's figures as they stand (the close step calls this; so does 'refresh'). A new
    summary takes its expense lines from the approved budget; the narrative and what was spent are
    never touched here."""
    figures = selectors.project_figures(project)
    summary, created = ProjectSummary.objects.select_for_update().get_or_create(
        project=project, defaults={"figures": figures, "generated_at": timezone.now()}
    )
    if created:
        ExpenseLine.objects.bulk_create(
            ExpenseLine(summary=summary, kind=line.kind, item=line.item, budgeted=line.amount, order=index)
            for index, line in enumerate(project.budget_lines.all())
        )
    else:
        summary.figures = figures
        summary.generated_at = timezone.now()
        summary.save(update_fields=["figures", "generated_at", "updated_at"])
    events.record(
        action="quality_summary_generated",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={"enrolled": figures["enrolled"], "passed": figures["passed"]},
        request=request,
    )
    return summary


@dataclass(frozen=True)
class Expense:
    """One line of the settlement as typed: an existing line (pk) or a new one (pk None)."""

    pk: int | None
    kind: str
    item: str
    budgeted: Decimal
    spent: Decimal | None


@transaction.atomic
def save_summary(
    *,
    summary: ProjectSummary,
    narrative: str,
    expenses: list[Expense],
    actor: User | None,
    request: HttpRequest | None = None,
) -> ProjectSummary:
    """The narrative and the settlement: lines kept are updated, new ones added, missing ones removed."""
    summary = (
        ProjectSummary.objects.select_for_update().select_related("project__organiser").get(pk=summary.pk)
    )
    before_narrative = summary.narrative
    old = {line.pk: line for line in summary.expenses.all()}
    before_lines = {pk: (line.item, str(line.budgeted), str(line.spent)) for pk, line in old.items()}
    keep: set[int] = set()
    for order, row in enumerate(expenses):
        line = old.get(row.pk) if row.pk is not None else None
        if line is None:
            line = ExpenseLine(summary=summary)
        line.kind, line.item, line.budgeted, line.spent, line.order = (
            row.kind,
            row.item.strip(),
            row.budgeted,
            row.spent,
            order,
        )
        line.save()
        keep.add(line.pk)
    summary.expenses.exclude(pk__in=keep).delete()
    summary.narrative = narrative.strip()
    summary.updated_by = _actor(actor)
    summary.save(update_fields=["narrative", "updated_by", "updated_at"])
    after_lines = {
        line.pk: (line.item, str(line.budgeted), str(line.spent)) for line in summary.expenses.all()
    }
    changes: dict = {}
    if before_narrative != summary.narrative:
        changes["narrative"] = [before_narrative, summary.narrative]
    if before_lines != after_lines:
        changes["expenses"] = [
            "；".join(f"{item} {spent}" for item, _b, spent in before_lines.values()),
            "；".join(f"{item} {spent}" for item, _b, spent in after_lines.values()),
        ]
    if changes:
        events.record(
            action="quality_summary_changed",
            actor=actor,
            target=summary.project,
            org_path=summary.project.organiser.path,
            changes=changes,
            request=request,
        )
    return summary


# --- The archive -----------------------------------------------------------------------------------


@transaction.atomic
def add_archive_file(
    *,
    project: Project,
    kind: str,
    filename: str,
    content_type: str,
    content: bytes,
    actor: User | None,
    request: HttpRequest | None = None,
) -> ArchiveFile:
    row = ArchiveFile.objects.create(
        project=project,
        kind=kind,
        filename=filename[:255],
        content_type=content_type,
        size=len(content),
        content=content,
        uploaded_by=_actor(actor),
    )
    events.record(
        action="quality_archive_file_added",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={"filename": row.filename, "kind": str(row.get_kind_display())},
        request=request,
    )
    return row


@transaction.atomic
def remove_archive_file(*, row: ArchiveFile, actor: User | None, request: HttpRequest | None = None) -> None:
    project = row.project
    events.record(
        action="quality_archive_file_removed",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={"filename": row.filename, "kind": str(row.get_kind_display())},
        request=request,
    )
    row.delete()


def archive_dir() -> Path:
    return Path(getattr(settings, "PROJECT_ARCHIVE_DIR", settings.VAR_DIR / "archives"))


def keep_days() -> int:
    return int(getattr(settings, "PROJECT_ARCHIVE_KEEP_DAYS", 3650))


def start_archive(
    *, project: Project, actor: User | None, request: HttpRequest | None = None
) -> ProjectArchive:
    """Queue the build of the project's archive (a closed project only; one build at a time)."""
    _closed(project)
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        if ProjectArchive.objects.filter(project=project, state__in=runs.ACTIVE).exists():
            raise ArchiveBusyError
        archive = ProjectArchive.objects.create(project=project, actor=_actor(actor))
        events.record(
            action="quality_archive_started",
            actor=actor,
            target=project,
            org_path=project.organiser.path,
            changes={"archive": archive.pk},
            request=request,
        )
    return runs.enqueue(archive)


def run_archive(archive_id: int) -> ProjectArchive:
    """Build the zip (the task calls this): written to a temporary file entry by entry, renamed into
    place at the end, so an interrupted run leaves no half-file behind."""
    from peixun.quality import archive as builder

    with runs.work(ProjectArchive, archive_id) as work:
        if work is None:
            return ProjectArchive.objects.get(pk=archive_id)
        archive = ProjectArchive.objects.select_related("project__organiser").get(pk=archive_id)
        folder = archive_dir()
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"project-{archive.project_id}-{archive.pk}.zip"
        partial = final.with_suffix(".part")
        try:
            counts = builder.write_zip(archive.project, partial, progress=work.progress)
            partial.replace(final)
        finally:
            partial.unlink(missing_ok=True)
        finished = work.finish(
            path=str(final),
            size=final.stat().st_size,
            counts=counts,
            expires_on=timezone.localdate() + timedelta(days=keep_days()),
        )
        if finished:
            # One archive per project is kept: the newer replaces the older.
            for older in ProjectArchive.objects.filter(project=archive.project, pk__lt=archive.pk).exclude(
                path=""
            ):
                Path(older.path).unlink(missing_ok=True)
                ProjectArchive.objects.filter(pk=older.pk).update(path="", size=0)
    return ProjectArchive.objects.get(pk=archive_id)


def sweep_archives(today: date | None = None) -> int:
    """Remove the archive files past their retention day (`manage.py quality_archive_sweep`)."""
    today = today or timezone.localdate()
    count = 0
    for archive in ProjectArchive.objects.filter(expires_on__lt=today).exclude(path=""):
        Path(archive.path).unlink(missing_ok=True)
        ProjectArchive.objects.filter(pk=archive.pk).update(path="", size=0)
        count += 1
    return count
