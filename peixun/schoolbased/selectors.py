"""Reads for school-based training: the district's year and topics over a school, the caps of the
policy in force, the teachers left out (RULES B7), and the per-teacher table of a registration."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from peixun.orgs.models import Org, Person, PersonStatus, ancestor_paths
from peixun.policies.selectors import governing_version
from peixun.schoolbased.models import DistrictYear, PrescribedTopic, Registration, TeacherLine
from peixun.schoolbased.rules.caps import Caps, caps_from_rules


def year_start(school_year: int) -> date:
    return date(school_year, 9, 1)


def district_year(school: Org, school_year: int) -> DistrictYear | None:
    """The year published by the nearest org above (or at) the school."""
    years = DistrictYear.objects.filter(org__path__in=ancestor_paths(school.path), school_year=school_year)
    return max(years.select_related("org"), key=lambda year: len(year.org.path), default=None)


def topics_for(school: Org, school_year: int) -> QuerySet[PrescribedTopic]:
    """Every prescribed topic published for the year by an org above the school."""
    return PrescribedTopic.objects.filter(
        district_year__org__path__in=ancestor_paths(school.path), district_year__school_year=school_year
    ).select_related("district_year__org")


def caps_for(school: Org, school_year: int) -> Caps:
    """The yearly caps of the policy governing the school at the start of the school year."""
    version = governing_version(school.path, year_start(school_year))
    if version is None:
        return Caps()
    rules = version.rules
    return caps_from_rules(rules.rules, rules.credits.hours_per_credit)


NOT_IN_POST = (PersonStatus.RETIRED, PersonStatus.AWAY, PersonStatus.LEFT)


def excluded_people(school: Org) -> list[Person]:
    """The school's retired, away and departed teachers: out of school-based training (B7)."""
    return list(Person.objects.filter(org=school, status__in=NOT_IN_POST).order_by("name_pinyin", "id"))


@dataclass
class TeacherRow:
    person: Person
    lines: list[TeacherLine] = field(default_factory=list)

    @property
    def hours(self) -> Decimal:
        return sum((line.hours for line in self.lines), Decimal(0))

    @property
    def counted(self) -> Decimal | None:
        if any(line.counted_hours is None for line in self.lines):
            return None
        return sum((line.counted_hours or Decimal(0) for line in self.lines), Decimal(0))

    @property
    def disputed(self) -> int:
        return sum(line.answer == "disputed" for line in self.lines)

    @property
    def confirmed(self) -> int:
        return sum(line.answer in ("confirmed", "resolved") for line in self.lines)


def teacher_rows(registration: Registration) -> list[TeacherRow]:
    """One row per active teacher of the school, with their lines (none yet for some)."""
    school = registration.plan.school
    rows: dict[int, TeacherRow] = {
        person.pk: TeacherRow(person)
        for person in Person.objects.filter(org=school, status=PersonStatus.ACTIVE).order_by(
            "name_pinyin", "id"
        )
    }
    grouped: dict[int, list[TeacherLine]] = defaultdict(list)
    for line in registration.lines.select_related("line", "person").order_by("earned_on", "id"):
        grouped[line.person_id].append(line)
    for person_id, lines in grouped.items():
        if person_id not in rows:
            rows[person_id] = TeacherRow(lines[0].person)
        rows[person_id].lines = lines
    return list(rows.values())


def lines_of(person_id: int, start: date, end: date) -> list[TeacherLine]:
    """A person's 校本 lines dated in [start, end], with their plan line and registration."""
    return list(
        TeacherLine.objects.filter(person_id=person_id, earned_on__gte=start, earned_on__lte=end)
        .select_related("line", "registration")
        .defer("evidence", "registration__comment", "line__comment")
        .order_by("earned_on", "pk")
    )
