"""Writes for classes (编班) and tutors: automatic grouping (RULES C1), tutor assignment from
subject leaders and backbone teachers first (C2), and manual moves."""

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext

from peixun.accounts.models import User
from peixun.audit import events
from peixun.core.fields import has_code
from peixun.orgs.access import path_q
from peixun.orgs.models import Org, OrgKind, Person, PersonStatus
from peixun.training import hooks, selectors
from peixun.training.exceptions import InvalidEnrolmentStateError
from peixun.training.models import HOLDING, Cohort, Enrolment, GroupBy, Project
from peixun.training.rules import grouping

TUTOR_ROLES = ("subject_leader", "master", "special_grade", "backbone", "tutor")


def _unit_of(school: Org, by: str, orgs: dict[int, Org]) -> tuple[int, int, str]:
    """(county id, unit id, unit name) for a school: the unit is its town when grouping by town
    and the school sits in one, else the school itself."""
    chain = [orgs[int(segment)] for segment in school.path.split("/") if segment and int(segment) in orgs]
    county = next(
        (org for org in reversed(chain) if org.kind == OrgKind.COUNTY), chain[0] if chain else school
    )
    unit = school
    if by == GroupBy.TOWN:
        town = next((org for org in reversed(chain) if org.kind == OrgKind.TOWN), None)
        unit = town or school
    return county.pk, unit.pk, unit.name


def _class_name(number: int, group: grouping.Group) -> str:
    units = "、".join(group.units[:3]) + ("…" if len(group.units) > 3 else "")
    return gettext("Class %(number)s (%(units)s)") % {"number": number, "units": units}


def _members(project: Project, rows: list[tuple[int, Org, str, str]]) -> list[grouping.Member]:
    """Grouping members from (key, school, subject, pinyin name) rows; each school's unit is
    worked out once."""
    ancestor_ids = {int(s) for school in {row[1] for row in rows} for s in school.path.split("/") if s}
    orgs = {org.pk: org for org in Org.objects.filter(pk__in=ancestor_ids)}
    units: dict[int, tuple[int, int, str]] = {}
    members = []
    for key, school, subject, name_key in rows:
        if school.pk not in units:
            units[school.pk] = _unit_of(school, project.group_by, orgs)
        county, unit, name = units[school.pk]
        members.append(grouping.Member(key, county, unit, name, subject, name_key))
    return members


def _holder_rows(enrolments: QuerySet[Enrolment]) -> list[tuple[int, Org, str, str]]:
    """(enrolment id, school, subject, pinyin name) of each enrolment: a few columns each, the
    schools once (thousands of trainees in a mandatory project)."""
    rows = list(
        enrolments.values_list("pk", "school_id", "subject", "person__subjects", "person__name_pinyin")
    )
    schools = Org.objects.in_bulk({row[1] for row in rows})
    return [
        (pk, schools[school_id], subject or next(iter(subjects or ()), ""), pinyin)
        for pk, school_id, subject, subjects, pinyin in rows
    ]


def planned_classes(project: Project, more: list[tuple[int, Org, str, str]]) -> list[grouping.Group]:
    """The classes to form (then `create_planned_cohorts`) once the people in `more` (key, school, subject,
    pinyin name; keys apart from enrolment ids) held places too — a preview, nothing is written.
    With classes formed already, only the people in `more` are grouped (into classes added after
    them); else everyone holding a place with them."""
    rows = list(more)
    if not project.cohorts.exists():
        rows = _holder_rows(project.enrolments.filter(status__in=HOLDING)) + rows
    return grouping.form_classes(_members(project, rows), max_size=project.class_size)


@transaction.atomic
def create_planned_cohorts(
    *, project: Project, groups: list[grouping.Group], actor: User | None, request: HttpRequest | None = None
) -> dict[int, int]:
    """Create the classes `planned_classes` gave (C1), numbered after the last (tutors and lessons
    of classes there are stay as they are). Trainees already enrolled in them (keys ≥ 0: enrolment
    ids) are moved in here; for the people about to be enrolled (keys < 0) the class ids are
    returned, {key: cohort id}, for the caller to write with their rows — one INSERT, no UPDATE
    per trainee."""
    if not groups:
        return {}
    first = (project.cohorts.aggregate(last=Max("number"))["last"] or 0) + 1
    cohorts = Cohort.objects.bulk_create(
        [Cohort(project=project, number=n, name=_class_name(n, g)[:200]) for n, g in enumerate(groups, first)]
    )
    cohort_of: dict[int, int] = {}
    for cohort, group in zip(cohorts, groups, strict=True):
        held = [key for key in group.members if key > 0]
        if held:
            Enrolment.objects.filter(project=project, pk__in=held).update(cohort=cohort)
        cohort_of.update({key: cohort.pk for key in group.members if key < 0})
    events.record(
        action="cohorts_formed",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={
            "classes_added": len(cohorts),
            "trainees": sum(len(g.members) for g in groups),
            "max_size": project.class_size,
        },
        request=request,
    )
    return cohort_of


@transaction.atomic
def form_cohorts(*, project: Project, actor: User | None, request: HttpRequest | None = None) -> list[Cohort]:
    """Group every trainee holding a place into classes of at most `project.class_size`, replacing
    the classes there were (tutors are assigned again by `assign_tutors`)."""
    rows = _holder_rows(project.enrolments.filter(status__in=HOLDING))
    groups = grouping.form_classes(_members(project, rows), max_size=project.class_size)
    Enrolment.objects.filter(project=project).update(cohort=None)
    project.cohorts.all().delete()
    cohorts = Cohort.objects.bulk_create(
        [Cohort(project=project, number=n, name=_class_name(n, g)[:200]) for n, g in enumerate(groups, 1)]
    )
    for cohort, group in zip(cohorts, groups, strict=True):
        Enrolment.objects.filter(pk__in=group.members).update(cohort=cohort)
    events.record(
        action="cohorts_formed",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={"classes": len(cohorts), "trainees": len(rows), "max_size": project.class_size},
        request=request,
    )
    return cohorts


def tutor_candidates(project: Project) -> list[Person]:
    """Active people of the project's audience who lead a subject, are backbone, master or
    special-grade teachers or tutors, and are not trainees of the project — as the
    `tutor_candidates` hook orders and completes them (the trainer pool, C2)."""
    paths, _excluded = selectors.audience_paths(project)
    roles = Q()
    for role in TUTOR_ROLES:
        roles |= has_code("roles", role)
    trainees = project.enrolments.filter(status__in=HOLDING).values("person_id")
    people = list(
        Person.objects.filter(path_q(paths, "org__path"), roles, status=PersonStatus.ACTIVE)
        .exclude(pk__in=trainees)
        .select_related("org")
        .order_by("id")[:5000]
    )
    offered = hooks.tutor_candidates.first(project=project, people=people)
    return people if offered is None else list(offered)


@transaction.atomic
def assign_tutors(*, project: Project, actor: User | None, request: HttpRequest | None = None) -> int:
    """One tutor for each class without one. Returns how many classes got a tutor."""
    cohorts = [c for c in selectors.cohorts(project) if c.tutor_id is None]
    if not cohorts:
        return 0
    taken = set(project.cohorts.exclude(tutor=None).values_list("tutor_id", flat=True))
    people = [p for p in tutor_candidates(project) if p.pk not in taken]
    refused = hooks.refused_trainers(project, [p.pk for p in people])
    people = [p for p in people if p.pk not in refused]
    ancestor_ids = {int(s) for p in people for s in p.org.path.split("/") if s}
    orgs = {org.pk: org for org in Org.objects.filter(pk__in=ancestor_ids)}
    candidates = [
        grouping.Candidate(
            p.pk, frozenset(p.roles), frozenset(p.subjects), _unit_of(p.org, GroupBy.SCHOOL, orgs)[0]
        )
        for p in people
    ]
    needs = []
    for index, cohort in enumerate(cohorts):
        trainees = list(cohort.enrolments.filter(status__in=HOLDING).select_related("school", "person")[:200])
        subjects = [e.subject or (e.person.subjects[0] if e.person.subjects else "") for e in trainees]
        main = max(set(subjects), key=subjects.count) if subjects else ""
        county_ids = {int(s) for e in trainees for s in e.school.path.split("/") if s}
        county_orgs = {org.pk: org for org in Org.objects.filter(pk__in=county_ids)}
        county = _unit_of(trainees[0].school, GroupBy.SCHOOL, county_orgs)[0] if trainees else None
        needs.append(grouping.ClassNeed(index, main, county))
    chosen = grouping.pick_tutors(needs, candidates)
    assigned = 0
    for index, cohort in enumerate(cohorts):
        if chosen.get(index):
            Cohort.objects.filter(pk=cohort.pk).update(tutor_id=chosen[index])
            assigned += 1
    events.record(
        action="cohort_changed",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={"tutors_assigned": assigned},
        request=request,
    )
    return assigned


@transaction.atomic
def set_tutor(
    *, cohort: Cohort, person: Person | None, actor: User, request: HttpRequest | None = None
) -> Cohort:
    before = cohort.tutor.name if cohort.tutor is not None else None
    if person is not None and person.pk != cohort.tutor_id:
        refused = hooks.refused_trainers(cohort.project, [person.pk])
        if refused:
            raise refused[person.pk]
    cohort.tutor = person
    cohort.save(update_fields=["tutor"])
    events.record(
        action="cohort_changed",
        actor=actor,
        target=cohort,
        org_path=cohort.project.organiser.path,
        changes={"tutor": [before, person.name if person else None]},
        request=request,
    )
    return cohort


@transaction.atomic
def move_enrolment(
    *, enrolment: Enrolment, cohort: Cohort | None, actor: User, request: HttpRequest | None = None
) -> Enrolment:
    """Move a trainee into another class of the same project (or out of any)."""
    if cohort is not None and cohort.project_id != enrolment.project_id:
        raise InvalidEnrolmentStateError
    if enrolment.status not in HOLDING:
        raise InvalidEnrolmentStateError
    before = enrolment.cohort.name if enrolment.cohort is not None else None
    enrolment.cohort = cohort
    enrolment.save(update_fields=["cohort", "updated_at"])
    events.record(
        action="cohort_changed",
        actor=actor,
        target=enrolment,
        org_path=enrolment.school.path,
        changes={"class": [before, cohort.name if cohort else None]},
        request=request,
        target_repr=enrolment.person.name,
    )
    return enrolment
