"""Reads of annual returns: a school's figures computed live from the data (a few grouped queries
for any number of schools), and the rows of a county's list — a confirmed return shows the figures
it was confirmed with, any other the live ones."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from peixun.competitions.models import PrizeRecord
from peixun.finance.selectors import budget_rows
from peixun.ledger.models import CreditEntry
from peixun.orgs.models import Org, Person, PersonStatus
from peixun.records.models import Degree
from peixun.returns.models import AnnualReturn, ReturnStatus
from peixun.returns.rules import figures as rules
from peixun.returns.rules.figures import Figures


def live_figures(schools: QuerySet[Org], year: int) -> dict[int, Figures]:
    """{school id: its figures of `year`} from the data as it is now. Only the schools' active
    teachers (在职专任教师) count, at the school they belong to today."""
    teachers = {
        org_id: count
        for org_id, count in Person.objects.filter(org__in=schools, status=PersonStatus.ACTIVE)
        .values("org_id")
        .annotate(n=Count("id"))
        .values_list("org_id", "n")
    }
    active = {"person__org__in": schools, "person__status": PersonStatus.ACTIVE}
    hours: dict[int, list[tuple[int, str, Decimal]]] = defaultdict(list)
    for org_id, person_id, level, total in (
        CreditEntry.objects.filter(**active, earned_on__year=year, level__in=rules.TRAINING_LEVELS)
        .values("person__org_id", "person_id", "level")
        .annotate(total=Sum("hours"))
        .values_list("person__org_id", "person_id", "level", "total")
    ):
        hours[org_id].append((person_id, level, total))
    degrees: dict[int, list[int]] = defaultdict(list)
    for org_id, person_id in Degree.objects.filter(**active, awarded_on__year=year).values_list(
        "person__org_id", "person_id"
    ):
        degrees[org_id].append(person_id)
    prizes: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for org_id, person_id, level, award in PrizeRecord.objects.filter(
        **active, year=year, revoked=False, level__in=rules.PRIZE_LEVELS
    ).values_list("person__org_id", "person_id", "level", "award"):
        prizes[org_id].append((person_id, level, award))
    found = {}
    for budget in budget_rows(schools, year):
        school = budget.school
        if school is None:  # a district's row; budget_rows gives schools only
            continue
        found[school.pk] = rules.compute(
            teachers=teachers.get(school.pk, 0),
            hours=hours[school.pk],
            degree_holders=degrees[school.pk],
            spending=budget.total,
            public_funds=budget.public_funds,
            prizes=prizes[school.pk],
        )
    return found


@dataclass(frozen=True)
class ReturnRow:
    school: Org
    status: str
    figures: Figures
    record: AnnualReturn | None

    @property
    def confirmed(self) -> bool:
        return self.status == ReturnStatus.CONFIRMED

    @property
    def status_label(self) -> str:
        return str(ReturnStatus(self.status).label)


def return_rows(schools: QuerySet[Org], year: int) -> list[ReturnRow]:
    """One row per school, in the tree's order: confirmed returns with their frozen figures, the
    others computed live."""
    records = {
        record.school_id: record
        for record in AnnualReturn.objects.filter(school__in=schools, year=year).select_related(
            "confirmed_by", "reopened_by"
        )
    }
    confirmed = [pk for pk, record in records.items() if record.status == ReturnStatus.CONFIRMED]
    live = live_figures(schools.exclude(pk__in=confirmed), year)
    rows = []
    for school in schools.order_by("path"):
        record = records.get(school.pk)
        if record is not None and record.status == ReturnStatus.CONFIRMED:
            rows.append(ReturnRow(school, record.status, Figures.from_json(record.figures), record))
        else:
            status = record.status if record is not None else ReturnStatus.OPEN
            rows.append(ReturnRow(school, status, live[school.pk], record))
    return rows


def return_row(school: Org, year: int) -> ReturnRow:
    return return_rows(Org.objects.filter(pk=school.pk), year)[0]
