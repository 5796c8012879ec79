"""Reads of quality: the pool (scoped by access), what a trainer taught, their satisfaction over
the years (through the hook: surveys sit above), and a project's figures for its summary — read
through the lower apps' models with bounded, aggregated queries."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Q, QuerySet, Sum

from peixun.assessment.models import Result
from peixun.delivery.models import Attendance
from peixun.ledger.models import CreditEntry, Source
from peixun.quality import hooks
from peixun.quality.models import ArchiveFile, ExpenseLine, ProjectArchive, ProjectSummary, Trainer
from peixun.quality.rules import pool
from peixun.training import selectors as training_selectors
from peixun.training.models import Cohort, Enrolment, EnrolmentStatus, Project, ProjectTrainer, TrainerRole

YEARS_SHOWN = 3


@dataclass(frozen=True)
class Rating:
    """A satisfaction rate (a share of 0–1) and how many answered; None where no one answered."""

    rate: Decimal
    responses: int

    @property
    def percent(self) -> Decimal:
        return (Decimal(self.rate) * 100).quantize(Decimal("0.1"))


def _rating(answer) -> Rating | None:
    if not answer:
        return None
    rate, responses = answer
    if not responses:
        return None
    return Rating(Decimal(str(rate)), int(responses))


def trainer_ratings(person_ids: list[int], year: int) -> dict[int, Rating]:
    """{person id: rating} of the year, from whoever registered with the hook; missing = unknown."""
    merged: dict[int, Rating] = {}
    if not person_ids:
        return merged
    for answer in hooks.trainer_satisfaction.run(person_ids=list(person_ids), year=year):
        for person_id, value in (answer or {}).items():
            rating = _rating(value)
            if rating is not None:
                merged[int(person_id)] = rating
    return merged


def ratings_by_year(person_ids: list[int], years: list[int]) -> dict[int, dict[int, Rating]]:
    """{year: {person id: rating}} for a few years (one hook call per year)."""
    return {year: trainer_ratings(person_ids, year) for year in years}


def project_rating(project: Project) -> Rating | None:
    return _rating(hooks.project_satisfaction.first(project=project))


def pool_list(trainers: QuerySet[Trainer], *, state: str = "", q: str = "") -> QuerySet[Trainer]:
    if state:
        trainers = trainers.filter(state=state)
    if q:
        trainers = trainers.filter(Q(name__contains=q) | Q(unit__contains=q) | Q(subjects__contains=q))
    return trainers.select_related("keeper", "person", "person__org")


@dataclass(frozen=True)
class Taught:
    project: Project
    role: str
    topic: str


def courses_taught(trainer: Trainer, limit: int = 50) -> list[Taught]:
    """The projects the trainer taught or tutored in: named on the project (as a person of the
    roster, or by name for an external trainer) or tutor of one of its classes."""
    named = ProjectTrainer.objects.filter(
        Q(person_id=trainer.person_id) if trainer.person_id else Q(person__isnull=True, name=trainer.name)
    ).select_related("project")
    rows = [
        Taught(t.project, t.get_role_display(), t.topic)
        for t in named.order_by("-project__starts_on")[:limit]
    ]
    if trainer.person_id:
        seen = {row.project.pk for row in rows}
        for cohort in Cohort.objects.filter(tutor_id=trainer.person_id).select_related("project")[:limit]:
            if cohort.project_id not in seen:
                seen.add(cohort.project_id)
                rows.append(Taught(cohort.project, str(TrainerRole.TUTOR.label), cohort.name))
    return sorted(rows, key=lambda row: (-(row.project.year), row.project.title))[:limit]


# --- A project's summary ---------------------------------------------------------------------------


def project_figures(project: Project) -> dict:
    """The figures of a project's summary, as strings and counts (stored as they stood at the close):
    enrolment, completion, attendance, pass and excellence rates, hours posted, budget."""
    enrolled = Enrolment.objects.filter(project=project, status=EnrolmentStatus.ENROLLED).count()
    results = Result.objects.filter(project=project, enrolment__status=EnrolmentStatus.ENROLLED).aggregate(
        n=Count("id"),
        passed=Count("id", filter=Q(passed=True)),
        excellent=Count("id", filter=Q(excellent=True)),
        attendance=Avg("attendance_rate"),
    )
    marks = Attendance.objects.filter(lesson__project=project).aggregate(n=Count("id"))["n"]
    posted = CreditEntry.objects.filter(source=Source.PROJECT, source_ref=f"project:{project.pk}").aggregate(
        hours=Sum("hours"), people=Count("person", distinct=True)
    )
    budget = training_selectors.budget_total(project)

    def pct(part: int, whole: int) -> str:
        value = pool.share(part, whole)
        return "" if value is None else str((Decimal(value) * 100).quantize(Decimal("0.1")))

    attendance = results["attendance"]
    return {
        "enrolled": enrolled,
        "assessed": results["n"],
        "passed": results["passed"],
        "excellent": results["excellent"],
        "pass_rate": pct(results["passed"], results["n"]),
        "excellent_rate": pct(results["excellent"], results["n"]),
        "attendance_rate": ""
        if attendance is None or not marks
        else str(Decimal(attendance).quantize(Decimal("0.1"))),
        "hours_posted": str(posted["hours"] or Decimal("0")),
        "people_credited": posted["people"],
        "budget": str(budget),
        "fee_per_trainee": str(project.fee_per_trainee),
    }


@dataclass(frozen=True)
class Money:
    budget: Decimal
    spent: Decimal | None  # None while no line says what was spent
    budget_per_trainee: Decimal | None
    spent_per_trainee: Decimal | None


def money(summary: ProjectSummary, lines: list[ExpenseLine]) -> Money:
    budget = sum((line.budgeted for line in lines), Decimal("0"))
    known = [line.spent for line in lines if line.spent is not None]
    spent = sum(known, Decimal("0")) if known else None
    trainees = int(summary.figures.get("enrolled") or 0)

    def per(value: Decimal | None) -> Decimal | None:
        return (value / trainees).quantize(Decimal("0.01")) if value is not None and trainees else None

    return Money(budget, spent, per(budget), per(spent))


def summary_of(project: Project) -> ProjectSummary | None:
    return ProjectSummary.objects.filter(project=project).first()


def completers(project: Project) -> QuerySet[Result]:
    """The 结业名册: the trainees who completed (passed), by class and name."""
    return (
        Result.objects.filter(project=project, passed=True, enrolment__status=EnrolmentStatus.ENROLLED)
        .select_related("enrolment__person", "enrolment__school", "enrolment__cohort")
        .order_by("enrolment__cohort__number", "enrolment__person__name_pinyin", "pk")
    )


def archive_files(project: Project) -> QuerySet[ArchiveFile]:
    return ArchiveFile.objects.filter(project=project).defer("content")


def archives(project: Project) -> QuerySet[ProjectArchive]:
    return ProjectArchive.objects.filter(project=project).select_related("actor")
