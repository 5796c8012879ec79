"""Reads of the comparisons (RULES D9, F8, G4): a project's exam results compared across the units
of the org tree (county → town → school, one level at a time), each school's pass rate over a
year, and the year's plan against what ran, per level. Scoped by quality.access; the arithmetic
is the pure peixun.quality.rules.comparisons.

A trainee counts when enrolled (报名成功) in a project that ran (running, assessing, closed or
archived); graded when their result is final (passed or failed); a provisional or missing result
is 待评分: counted and shown, never in a rate.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q, Sum

from peixun.assessment.models import ResultStatus
from peixun.core.choices import Level
from peixun.orgs.access import path_q, scope_paths
from peixun.orgs.models import SEGMENT_LENGTH, Org, OrgKind
from peixun.quality import access
from peixun.quality.rules import comparisons as rules
from peixun.quality.rules.comparisons import Mark, Tally
from peixun.training.models import AnnualPlan, Enrolment, EnrolmentStatus, PlanItem, Project
from peixun.training.rules import lifecycle

RAN = sorted(lifecycle.DELIVERED)
FINAL_RESULT = (ResultStatus.PASSED, ResultStatus.FAILED)
# A project counts as planned (when no annual plan says otherwise) once approved.
PLANNED = sorted({lifecycle.APPROVED} | lifecycle.PUBLIC | lifecycle.DELIVERED)
SORTS = ("rate", "-rate", "name", "graded", "ungraded")


def year_q(year: int, prefix: str = "") -> Q:
    """Projects of the year, the year as Project.year reads it: its start date, else the opening of
    enrolment, else when it was made."""
    starts, opens = f"{prefix}starts_on", f"{prefix}enrol_opens_at"
    return (
        Q(**{f"{starts}__year": year})
        | Q(**{f"{starts}__isnull": True, f"{opens}__year": year})
        | Q(**{f"{starts}__isnull": True, f"{opens}__isnull": True, f"{prefix}created_at__year": year})
    )


def _counted(user) -> Q:
    return Q(status=EnrolmentStatus.ENROLLED, project__status__in=RAN) & access.visible_enrolments_q(user)


def _db_tally(row: dict) -> Tally:
    """A Tally from database aggregates (no bands: lists of projects and schools need none)."""
    mean = row.get("mean")
    return Tally(
        trainees=row.get("trainees") or 0,
        graded=row.get("graded") or 0,
        passed=row.get("passed") or 0,
        excellent=row.get("excellent") or 0,
        mean=None if mean is None else Decimal(str(mean)).quantize(rules.ONE_DECIMAL, rounding=ROUND_HALF_UP),
        bands=(),
    )


GRADED = Q(result__status__in=FINAL_RESULT)
AGGREGATES = {
    "trainees": Count("id"),
    "graded": Count("id", filter=GRADED),
    "passed": Count("id", filter=Q(result__status=ResultStatus.PASSED)),
    "excellent": Count("id", filter=GRADED & Q(result__excellent=True)),
    "mean": Avg("result__total", filter=GRADED),
}


# --- The index: projects of the year ---------------------------------------------------------------


@dataclass(frozen=True)
class ProjectRow:
    project: Project
    tally: Tally
    whole: bool  # every trainee (the user covers the organiser), or only the user's schools


def projects_compared(user, year: int) -> list[ProjectRow]:
    """The projects of the year that ran, with the figures of the trainees the user may compare."""
    rows = {
        row["project_id"]: row
        for row in Enrolment.objects.filter(_counted(user), year_q(year, "project__"))
        .values("project_id")
        .annotate(**AGGREGATES)
        .order_by()
    }
    projects = Project.objects.filter(pk__in=rows).select_related("organiser").order_by("-starts_on", "title")
    return [ProjectRow(p, _db_tally(rows[p.pk]), access.covers_organiser(user, p)) for p in projects]


# --- One project across units ----------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRow:
    org: Org
    tally: Tally
    deeper: bool  # the unit holds units below it: a drill-down link


@dataclass(frozen=True)
class ProjectComparison:
    node: Org | None  # the unit whose parts the rows are; None when no one is counted
    trail: list[Org]  # from the top unit down to the node
    rows: list[UnitRow]
    total: Tally
    schools: list[UnitRow]  # each trainee's own unit, for the workbook
    whole: bool


def _marks(user, project: Project) -> list[tuple[str, Mark]]:
    values = (
        Enrolment.objects.filter(access.visible_enrolments_q(user), project=project)
        .filter(status=EnrolmentStatus.ENROLLED)
        .values_list("school__path", "result__status", "result__excellent", "result__total")
        .order_by("school__path", "pk")
    )
    return [
        (
            path,
            Mark(
                graded=status in FINAL_RESULT,
                passed=status == ResultStatus.PASSED,
                excellent=bool(excellent),
                total=total,
            ),
        )
        for path, status, excellent, total in values
    ]


def _units(tallies: dict[str, Tally], paths: list[str]) -> list[UnitRow]:
    orgs = {org.path: org for org in Org.objects.filter(path__in=list(tallies))}
    return [
        UnitRow(orgs[key], tally, any(len(p) > len(key) and p.startswith(key) for p in paths))
        for key, tally in sorted(tallies.items())
        if key in orgs
    ]


def project_comparison(user, project: Project, node_pk: int | None = None) -> ProjectComparison | None:
    """The project's results by the parts of a unit: by default the deepest unit holding every
    trainee counted (a city's project: its counties; a county's: its towns or schools); `node_pk`
    drills into one of them. None when `node_pk` is not a unit holding counted trainees."""
    marks = _marks(user, project)
    paths = sorted({path for path, _mark in marks})
    whole = access.covers_organiser(user, project)
    top_path = rules.common_root(paths, SEGMENT_LENGTH)
    empty = rules.tally([])
    if not top_path:
        return None if node_pk else ProjectComparison(None, [], [], empty, [], whole)
    if node_pk is None:
        node = Org.objects.filter(path=top_path).first()
    else:
        node = Org.objects.filter(pk=node_pk, path__startswith=top_path).first()
    if node is None or not any(path.startswith(node.path) for path in paths):
        return None
    inside = [(path, mark) for path, mark in marks if path.startswith(node.path)]
    keyed = []
    for path, mark in inside:
        key = rules.child_key(path, node.path, SEGMENT_LENGTH)
        if key is not None:
            keyed.append((key, mark))
    trail_paths = [p for p in _ancestor_paths(node.path) if len(p) >= len(top_path)]
    trail = list(Org.objects.filter(path__in=trail_paths).order_by("path"))
    return ProjectComparison(
        node=node,
        trail=trail,
        rows=_units(rules.group(keyed), paths),
        total=rules.tally(mark for _path, mark in inside),
        schools=_units(rules.group(marks), []),
        whole=whole,
    )


def _ancestor_paths(path: str) -> list[str]:
    return [path[:end] for end in range(SEGMENT_LENGTH, len(path) + 1, SEGMENT_LENGTH)]


# --- Schools' pass rates over a year (F8) ----------------------------------------------------------


@dataclass(frozen=True)
class SchoolRow:
    school: Org
    tally: Tally


def _sort_key(sort: str):
    def key(row: SchoolRow):
        rate = row.tally.pass_rate
        if sort in ("rate", "-rate"):
            known = rate is not None
            value = rate if rate is not None else Decimal("0")
            return (not known, -value if sort == "rate" else value, row.school.name)
        if sort == "graded":
            return (-row.tally.graded, row.school.name)
        if sort == "ungraded":
            return (-row.tally.ungraded, row.school.name)
        return (row.school.name, row.school.path)

    return key


def school_pass_rates(user, year: int, sort: str = "rate") -> list[SchoolRow]:
    """Every school in the user's scope with its teachers' results of the year's projects, in
    whoever's project: trainees, graded, passed, 待评分 and the pass rate (of the graded)."""
    paths = scope_paths(user, access.COMPARE)
    schools = list(Org.objects.filter(path_q(paths, "path"), kind=OrgKind.SCHOOL))
    rows = {
        row["school_id"]: row
        for row in Enrolment.objects.filter(
            path_q(paths, "school__path"),
            year_q(year, "project__"),
            status=EnrolmentStatus.ENROLLED,
            project__status__in=RAN,
            school__kind=OrgKind.SCHOOL,
        )
        .values("school_id")
        .annotate(**AGGREGATES)
        .order_by()
    }
    table = [SchoolRow(school, _db_tally(rows.get(school.pk, {}))) for school in schools]
    return sorted(table, key=_sort_key(sort if sort in SORTS else "rate"))


# --- The year's plan against what ran (G4) ---------------------------------------------------------


@dataclass(frozen=True)
class LevelRow:
    level: str
    label: str
    planned_projects: int
    run_projects: int
    planned_trainees: int
    enrolled: int
    completed: int

    @property
    def enrolled_share(self) -> Decimal | None:
        return rules.percent(self.enrolled, self.planned_trainees)

    @property
    def completed_share(self) -> Decimal | None:
        return rules.percent(self.completed, self.planned_trainees)


@dataclass(frozen=True)
class PlanComparison:
    rows: list[LevelRow]
    total: LevelRow
    plans: list[AnnualPlan]
    by_capacity: bool  # no annual plan: the planned figures are the approved projects' capacities


def plan_comparison(user, year: int) -> PlanComparison:
    paths = scope_paths(user, access.PLAN)
    plans = list(AnnualPlan.objects.filter(path_q(paths, "org__path"), year=year).select_related("org"))
    planned: dict[str, dict] = {
        row["level"]: row
        for row in PlanItem.objects.filter(plan__in=plans)
        .values("level")
        .annotate(projects=Count("id"), trainees=Sum("planned_trainees"))
        .order_by()
    }
    projects = Project.objects.filter(path_q(paths, "organiser__path"), year_q(year))
    by_capacity = not planned
    if by_capacity:
        planned = {
            row["level"]: row
            for row in projects.filter(status__in=PLANNED)
            .values("level")
            .annotate(projects=Count("id"), trainees=Sum("capacity"))
            .order_by()
        }
    ran = {
        row["level"]: row
        for row in projects.filter(status__in=RAN).values("level").annotate(projects=Count("id")).order_by()
    }
    took = {
        row["project__level"]: row
        for row in Enrolment.objects.filter(
            path_q(paths, "project__organiser__path"),
            year_q(year, "project__"),
            project__status__in=RAN,
            status=EnrolmentStatus.ENROLLED,
        )
        .values("project__level")
        .annotate(enrolled=Count("id"), completed=Count("id", filter=Q(result__status=ResultStatus.PASSED)))
        .order_by()
    }
    rows = [
        LevelRow(
            level=str(level),
            label=str(label),
            planned_projects=planned.get(level, {}).get("projects") or 0,
            run_projects=ran.get(level, {}).get("projects") or 0,
            planned_trainees=planned.get(level, {}).get("trainees") or 0,
            enrolled=took.get(level, {}).get("enrolled") or 0,
            completed=took.get(level, {}).get("completed") or 0,
        )
        for level, label in Level.choices
    ]
    total = LevelRow(
        level="",
        label="",
        planned_projects=sum(r.planned_projects for r in rows),
        run_projects=sum(r.run_projects for r in rows),
        planned_trainees=sum(r.planned_trainees for r in rows),
        enrolled=sum(r.enrolled for r in rows),
        completed=sum(r.completed for r in rows),
    )
    return PlanComparison(rows, total, plans, by_capacity)
