"""Reads of the teachers' records: the figures governing an org, a teacher's records, who is due
for registration, the head teachers without a post certificate, and the degree report."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet

from peixun.certificates.models import Certificate, CertificateKind
from peixun.core.fields import has_code
from peixun.orgs.access import path_q
from peixun.orgs.models import Org, OrgKind, Person, PersonRole, PersonStatus
from peixun.records.models import Degree, Probation, QualificationCertificate, RecordsPolicy
from peixun.records.rules import degrees as degree_rules


def policy_for(org_path: str) -> RecordsPolicy:
    """The policy of the nearest org at or above `org_path`; the seeds' figures without one."""
    ids = [int(segment) for segment in org_path.split("/") if segment]
    found = {policy.org_id: policy for policy in RecordsPolicy.objects.filter(org_id__in=ids)}
    for org_id in reversed(ids):
        if org_id in found:
            return found[org_id]
    return RecordsPolicy()


def qualifications(person: Person) -> list[QualificationCertificate]:
    return list(person.qualifications.prefetch_related("checks").order_by("issued_on", "id"))


def degrees(person: Person) -> list[Degree]:
    return list(person.degrees.order_by("awarded_on", "id"))


def probation(person: Person) -> Probation | None:
    return Probation.objects.filter(person=person).first()


def with_post_certificate(person_ids: list[int]) -> set[int]:
    """Who holds a valid 上岗证书 (A16: the pre-service head-teacher training passed)."""
    return set(
        Certificate.objects.filter(
            person_id__in=person_ids, kind=CertificateKind.POST, revoked_at__isnull=True
        ).values_list("person_id", flat=True)
    )


def due(paths: list[str], today: date, org: Org | None = None) -> QuerySet[QualificationCertificate]:
    """The certificates in scope due for registration this year or overdue."""
    queryset = QualificationCertificate.objects.filter(
        path_q(paths, "org_path"), due_on__lte=date(today.year, 12, 31)
    )
    if org is not None:
        queryset = queryset.filter(org_path__startswith=org.path)
    return queryset.select_related("person", "person__org").order_by("due_on", "id")


@dataclass(frozen=True)
class HeadTeacher:
    person: Person
    certified: bool


def head_teachers(paths: list[str], org: Org | None = None) -> list[HeadTeacher]:
    """Every 班主任 in scope, those still without a post certificate first."""
    people = Person.objects.filter(
        path_q(paths, "org__path"), has_code("roles", PersonRole.HEAD_TEACHER), status=PersonStatus.ACTIVE
    ).select_related("org")
    if org is not None:
        people = people.filter(org__path__startswith=org.path)
    found = list(people.order_by("org__path", "name_pinyin", "id"))
    certified = with_post_certificate([person.pk for person in found])
    rows = [HeadTeacher(person, person.pk in certified) for person in found]
    return sorted(rows, key=lambda row: row.certified)


# --- The degree report (G8) ---------------------------------------------------------------------


@dataclass(frozen=True)
class DegreeRow:
    org: Org
    rural_primary: degree_rules.Share
    junior: degree_rules.Share


@dataclass(frozen=True)
class DegreeReport:
    org: Org
    policy: RecordsPolicy
    total: DegreeRow
    rows: list[DegreeRow]
    trend: list[tuple[int, degree_rules.Share, degree_rules.Share]]


def _teachers(org: Org) -> list[tuple[str, degree_rules.Teacher]]:
    """(org path, facts) of the active primary and junior teachers of the subtree."""
    people = list(
        Person.objects.filter(
            org__path__startswith=org.path,
            status=PersonStatus.ACTIVE,
            section__in=("primary", "junior"),
        ).values_list("pk", "section", "org__path", "org__rural")
    )
    held: dict[int, list[tuple[str, date]]] = defaultdict(list)
    for person_id, level, awarded in Degree.objects.filter(
        person__org__path__startswith=org.path, person__section__in=("primary", "junior")
    ).values_list("person_id", "level", "awarded_on"):
        held[person_id].append((level, awarded))
    return [
        (path, degree_rules.Teacher(section, rural, tuple(held[pk]))) for pk, section, path, rural in people
    ]


def degree_report(org: Org, today: date, years: int = 5) -> DegreeReport:
    """The shares of the org's subtree and of each org under it, now and for the past years."""
    teachers = _teachers(org)
    children = list(Org.objects.filter(parent=org).exclude(kind=OrgKind.INSTITUTION).order_by("path"))
    rows = []
    for child in children:
        inside = [teacher for path, teacher in teachers if path.startswith(child.path)]
        if inside or child.kind == OrgKind.SCHOOL:
            rows.append(DegreeRow(child, *degree_rules.shares(inside, today.year)))
    facts = [teacher for _path, teacher in teachers]
    trend = [
        (year, *degree_rules.shares(facts, year)) for year in range(today.year - years + 1, today.year + 1)
    ]
    return DegreeReport(
        org=org,
        policy=policy_for(org.path),
        total=DegreeRow(org, *degree_rules.shares(facts, today.year)),
        rows=rows,
        trend=trend,
    )


def teacher_rows(paths: list[str], org: Org | None, query: str, limit: int) -> list[Person]:
    """The active teachers under `paths` (and `org`, named like `query`) in org and pinyin order,
    at most `limit`, each with `n_qualifications` and `n_degrees`. The page is taken first and only
    its people are counted: counting for everyone before the limit grouped a county of 100,000
    (330 ms at 100k on PostgreSQL)."""
    people = Person.objects.filter(path_q(paths, "org__path"), status=PersonStatus.ACTIVE).select_related(
        "org"
    )
    if org is not None:
        people = people.filter(org__path__startswith=org.path)
    if query:
        people = people.filter(name__contains=query)
    rows = list(people.order_by("org__path", "name_pinyin", "id")[:limit])
    ids = [person.pk for person in rows]
    qualifications = _counts(QualificationCertificate.objects.filter(person_id__in=ids))
    degrees = _counts(Degree.objects.filter(person_id__in=ids))
    for person in rows:
        person.n_qualifications = qualifications.get(person.pk, 0)  # type: ignore[attr-defined]
        person.n_degrees = degrees.get(person.pk, 0)  # type: ignore[attr-defined]
    return rows


def _counts(queryset: QuerySet) -> dict[int, int]:
    return dict(
        queryset.order_by().values_list("person_id").annotate(n=Count("pk")).values_list("person_id", "n")
    )
