"""Mandatory enrolment (RULES B1): everyone in the mandatory audience is enrolled at once, their
places taken together through `take_places` (without school quotas: the whole audience attends).

When they do not all fit in the places left, nothing is refused: the organiser previews and
chooses one of two outcomes (peixun.training.rules.mandatory) —

- more classes: the capacity is raised so that everyone fits, and the new trainees are grouped
  into classes of at most the class size (C1; classes formed already stay as they are);
- up to the places, in a stated order: per-school shares in proportion to each school's eligible
  headcount (largest remainder), then the reproducible lottery of ADR 0022 within each school; the
  rest are waitlisted in the order of the draw.

A confirmation applies exactly what was previewed: the preview's digest (the option, the seed,
the people and their schools, the places taken, the capacity and the class size) must still be
what the audience gives, or the run is refused whole (`AudienceChangedError`) and the organiser
previews again. Each enrolment is a `MandatoryRun`, a background run (peixun.core.runs) applied in
one transaction: killed before its commit it wrote nothing, and applying it again is a no-op once
applied. While enrolment is open the organiser may undo a run: the rows it wrote go, the places
come back, rows it took up return to what they were, a capacity it raised goes back.

Racing self-enrolment (a teacher enrolling in the same instant) cannot make a run fail with a
database error. Locks follow ADR 0021's order: the project's enrolment rows a run may take up,
then the project row — which every self-enrolment taking a place must update, so those wait for
the run —, and only then is the audience read. A teacher who still slips in (a waitlist row,
which takes no place) makes the run's INSERT conflict: the run re-reads and tries again when it
enrols everyone, and is refused as "changed since the preview" otherwise.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.db.models import ForeignObjectRel, QuerySet
from django.db.models.deletion import get_candidate_relations_to_delete
from django.http import HttpRequest
from django.utils import timezone

from peixun.accounts.models import User
from peixun.audit import events
from peixun.core import bulk, runs
from peixun.orgs.models import Org
from peixun.training import hooks, selectors
from peixun.training.exceptions import (
    AudienceChangedError,
    CapacityTooSmallError,
    EnrolmentClosedError,
    MandatoryRunNotUndoableError,
    ProjectFullError,
    WrongEnrolmentModeError,
)
from peixun.training.models import (
    HOLDING,
    LIVE,
    Enrolment,
    EnrolmentMode,
    EnrolmentSource,
    MandatoryRun,
    Project,
)
from peixun.training.rules import grouping, lifecycle, lottery
from peixun.training.rules import mandatory as rules
from peixun.training.services import cohorts, notify
from peixun.training.services.enrolment.common import S
from peixun.training.services.enrolment.places import give_back_places, take_places
from peixun.training.services.enrolment.waitlist import promote_waitlist

Progress = Callable[[int, int], None]
BATCH = 1000
ATTEMPTS = 3  # re-reads of an "everyone fits" run that met a teacher enrolling at the same moment
# What a run changes on an earlier row it takes up, kept so that undoing it puts them back.
REUSED_FIELDS = (
    "status",
    "source",
    "stage",
    "subject",
    "school_id",
    "created_by_id",
    "lottery_rank",
    "offer_expires_at",
    "cohort_id",
    "mandatory_run_id",
)


class _Raced(Exception):
    """A teacher's own enrolment met the run's (its INSERT conflicted): re-read, or refuse."""


def _no_progress(done: int, total: int) -> None:
    return None


# --- The plan (a preview: nothing is written) ------------------------------------------------------


@dataclass(frozen=True)
class SchoolRow:
    school: Org
    eligible: int
    enrolled: int
    waitlisted: int


@dataclass
class MandatoryPlan:
    """Who a mandatory enrolment would enrol now, and how, under one option."""

    project: Project
    option: str
    seed: str
    people: list[selectors.AudienceMember]  # to enrol: the mandatory audience with no live enrolment
    subjects: dict[int, str]  # person id → the enrolment's subject (B8)
    existing: dict[int, Enrolment]  # person id → their earlier, ended row (taken up)
    schools: dict[int, Org]
    allocation: rules.Allocation | None = None  # ORDER
    classes: list[grouping.Group] = field(default_factory=list)  # CLASSES
    classes_before: int = 0
    digest: str = ""
    # Left out by another app's word (training.hooks.mandatory_exempt): {person id: why}.
    exempted: dict[int, str] = field(default_factory=dict)

    @property
    def eligible(self) -> int:
        return len(self.people)

    @property
    def places_left(self) -> int:
        return self.project.places_left

    @property
    def fits(self) -> bool:
        return self.eligible <= self.places_left

    @property
    def capacity_after(self) -> int:
        if self.option == rules.CLASSES:
            return max(self.project.capacity, self.project.places_taken + self.eligible)
        return self.project.capacity

    @property
    def waitlisted_ids(self) -> tuple[int, ...]:
        return self.allocation.waitlisted if self.allocation is not None else ()

    @property
    def enrolled_count(self) -> int:
        return self.eligible - len(self.waitlisted_ids)

    @property
    def class_sizes(self) -> list[int]:
        return [len(group.members) for group in self.classes]

    def school_rows(self) -> list[SchoolRow]:
        """Per school: how many must attend, are enrolled and waitlisted (schools by name)."""
        if self.allocation is not None:
            counts = {s.school: (s.eligible, s.enrolled, s.waitlisted) for s in self.allocation.shares}
        else:
            headcount = Counter(member.school_id for member in self.people)
            counts = {school: (n, n, 0) for school, n in headcount.items()}
        rows = [SchoolRow(self.schools[pk], *counts[pk]) for pk in counts]
        return sorted(rows, key=lambda row: (row.school.path, row.school.pk))


def plan_mandatory(project: Project, *, option: str = rules.ALL, seed: str = "") -> MandatoryPlan:
    """What enrolling the mandatory audience would do now under `option` (ALL when everyone fits,
    whatever was asked). ORDER draws with `seed`, or a fresh one."""
    if project.enrolment_mode != EnrolmentMode.MANDATORY:
        raise WrongEnrolmentModeError
    if project.status not in lifecycle.OPEN_FOR_ENROLMENT:
        raise EnrolmentClosedError
    if option not in rules.OPTIONS:
        raise ValueError(f"unknown option {option!r}")
    # The counters as they are now, whatever the caller's copy says.
    project.refresh_from_db(fields=["capacity", "places_taken", "class_size", "group_by", "waitlist"])
    live = dict(project.enrolments.values_list("person_id", "status"))
    # Enrolled, waiting, waitlisted or exempted already: not again.
    people = [
        m for m in selectors.decided_audience(project, mandatory=True) if live.get(m.person_id) not in LIVE
    ]
    exempted: dict[int, str] = {}
    for answer in hooks.mandatory_exempt.run(project=project, person_ids=[m.person_id for m in people]):
        exempted.update(answer or {})
    people = [m for m in people if m.person_id not in exempted]
    earlier = [m.person_id for m in people if m.person_id in live]
    plan = MandatoryPlan(
        project=project,
        option=option,
        seed="",
        people=people,
        subjects={m.person_id: m.decision.subjects[0] if m.decision.subjects else "" for m in people},
        existing=(
            {row.person_id: row for row in project.enrolments.filter(person_id__in=earlier)}
            if earlier
            else {}
        ),
        schools=Org.objects.in_bulk({m.school_id for m in people}),
        exempted=exempted,
    )
    if plan.fits:
        plan.option = rules.ALL
    candidates = [rules.Candidate(m.person_id, m.school_id) for m in people]
    if plan.option == rules.ORDER:
        plan.seed = seed.strip()[:64] or lottery.new_seed()
        plan.allocation = rules.allocate(candidates, places=project.places_left, seed=plan.seed)
    elif plan.option == rules.CLASSES:
        plan.classes_before = project.cohorts.count()
        plan.classes = cohorts.planned_classes(
            project,
            [
                (
                    -m.person_id,
                    plan.schools[m.school_id],
                    plan.subjects[m.person_id] or next(iter(m.subjects), ""),
                    m.name_pinyin,
                )
                for m in people
            ],
        )
    plan.digest = rules.digest(
        option=plan.option,
        seed=plan.seed,
        candidates=candidates,
        places_taken=project.places_taken,
        capacity=project.capacity,
        class_size=project.class_size,
    )
    return plan


# --- Starting and applying a run -------------------------------------------------------------------


def start_mandatory_run(
    *, project: Project, actor: User | None, option: str = rules.ALL, seed: str = "", digest: str = ""
) -> MandatoryRun | None:
    """Check and queue a mandatory enrolment (None when nobody is left to enrol). ALL needs no
    preview and is refused with CapacityTooSmallError when the places do not suffice; CLASSES and
    ORDER must carry the `digest` of the preview they confirm (AudienceChangedError otherwise)."""
    plan = plan_mandatory(project, option=option, seed=seed)
    if not plan.people:
        return None
    if option == rules.ALL and not plan.fits:
        raise CapacityTooSmallError(eligible=plan.eligible, places=plan.places_left)
    if option != rules.ALL and plan.digest != digest:
        raise AudienceChangedError
    with transaction.atomic():
        run = MandatoryRun.objects.create(
            project=project,
            option=plan.option,
            seed=plan.seed,
            digest=plan.digest,
            eligible=plan.eligible,
            places_taken_before=project.places_taken,
            capacity_before=project.capacity,
            capacity_after=plan.capacity_after,
            total=plan.eligible,
            actor=actor if getattr(actor, "pk", None) else None,
        )
    return runs.enqueue(run)


def run_mandatory_again(
    *, run: MandatoryRun, actor: User, request: HttpRequest | None = None
) -> MandatoryRun:
    """Queue an interrupted mandatory enrolment again (AudienceChangedError when it is not
    interrupted: a failed one is previewed again instead). Applying it again never enrols twice:
    a run applied before its worker stopped is only marked done. Audited."""
    was = run.shown_state
    if was != runs.RunState.INTERRUPTED:
        raise AudienceChangedError
    with transaction.atomic():
        try:
            run = runs.run_again(run=run, actor=actor)
        except runs.NotRestartable:
            raise AudienceChangedError from None
        events.record(
            action="background_run_restarted",
            actor=actor,
            target=run,
            org_path=run.project.organiser.path,
            changes={"was": was},
            request=request,
        )
    run.refresh_from_db()
    return run


def apply_mandatory_run(
    *, run: MandatoryRun, progress: Progress = _no_progress, request: HttpRequest | None = None
) -> MandatoryRun:
    """Apply a queued run: all or nothing, and nothing twice (a run applied already is returned
    as it is). Raises a DomainError — the places no longer suffice, the audience changed since
    the preview, enrolment closed — with nothing written."""
    run = MandatoryRun.objects.select_related("project", "project__organiser", "actor").get(pk=run.pk)
    if run.applied_at is not None:
        return run
    for _attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return _apply(run, progress, request)
        except _Raced:
            if run.option != rules.ALL:
                raise AudienceChangedError from None
    raise AudienceChangedError


def _lock(project: Project) -> tuple[Project, set[int]]:
    """Lock what a run changes, in ADR 0021's order: the project's enrolment rows it may take up
    (those holding no place), then the project row, which every self-enrolment taking a place must
    update: they wait for the run's commit. Returns the project as it now is and the rows locked."""
    locked = set(
        Enrolment.objects.select_for_update()
        .filter(project=project)
        .exclude(status__in=HOLDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    project = Project.objects.select_for_update().select_related("organiser").get(pk=project.pk)
    return project, locked


def _apply(run: MandatoryRun, progress: Progress, request: HttpRequest | None) -> MandatoryRun:
    project, locked = _lock(run.project)
    plan = plan_mandatory(project, option=run.option, seed=run.seed)
    if run.option == rules.ALL:
        if not plan.fits:
            raise CapacityTooSmallError(eligible=plan.eligible, places=plan.places_left)
    elif plan.digest != run.digest:
        raise AudienceChangedError
    if {row.pk for row in plan.existing.values()} - locked:
        raise _Raced  # an enrolment ended after the rows were locked
    total = plan.eligible
    progress(0, total)
    now = timezone.now()
    capacity_before, places_taken_before, waitlist_before = (
        project.capacity,
        project.places_taken,
        project.waitlist,
    )
    if plan.capacity_after > project.capacity:  # more classes: everyone fits (the row is locked)
        Project.objects.filter(pk=project.pk).update(capacity=plan.capacity_after, updated_at=now)
        project.capacity = plan.capacity_after
    waitlisted = set(plan.waitlisted_ids)
    if waitlisted and not project.waitlist:
        Project.objects.filter(pk=project.pk).update(waitlist=True, updated_at=now)
        project.waitlist = True
    cohort_of: dict[int, int] = {}
    if plan.option == rules.CLASSES:  # the previewed classes, the new trainees written into them
        cohort_of = cohorts.create_planned_cohorts(
            project=project, groups=plan.classes, actor=run.actor, request=request
        )
    reused = _write(run, project, plan, waitlisted, cohort_of, now, progress)
    enrolled_per_school = Counter(m.school_id for m in plan.people if m.person_id not in waitlisted)
    try:
        take_places(project, enrolled_per_school, within_quotas=False)  # one UPDATE (B1: no quotas)
    except ProjectFullError:
        raise _Raced from None  # not with the project row locked; kept as a guard
    rank = plan.allocation.rank() if plan.allocation is not None else {}
    run.applied_at = now
    run.enrolled = sum(enrolled_per_school.values())
    run.waitlisted = len(waitlisted)
    run.capacity_before, run.capacity_after = capacity_before, project.capacity
    run.places_taken_before = places_taken_before
    run.waitlist_turned_on = not waitlist_before and project.waitlist
    run.shares = [[row.school.pk, row.eligible, row.enrolled, row.waitlisted] for row in plan.school_rows()]
    run.classes = plan.class_sizes
    school_of = {m.person_id: m.school_id for m in plan.people}
    order = plan.allocation.order if plan.allocation is not None else ()
    run.entries = [[key, school_of[key], rank[key], key not in waitlisted] for key in order]
    run.reused = reused
    MandatoryRun.objects.filter(pk=run.pk).update(
        applied_at=run.applied_at,
        enrolled=run.enrolled,
        waitlisted=run.waitlisted,
        capacity_before=run.capacity_before,
        capacity_after=run.capacity_after,
        places_taken_before=run.places_taken_before,
        waitlist_turned_on=run.waitlist_turned_on,
        shares=run.shares,
        classes=run.classes,
        entries=run.entries,
        reused=run.reused,
    )
    changes: dict[str, object] = {
        "option": run.option,
        "enrolled": run.enrolled,
        "waitlisted": run.waitlisted,
    }
    if run.seed:
        changes["seed"] = run.seed
    if run.capacity_after != run.capacity_before:
        changes["capacity"] = [run.capacity_before, run.capacity_after]
    if run.classes:
        changes["classes"] = len(run.classes)
    events.record(
        action="enrolments_mandatory",
        actor=run.actor,
        target=project,
        org_path=project.organiser.path,
        changes=changes,
        request=request,
    )
    _notify(project, plan, waitlisted)
    progress(total, total)
    return run


def _write(
    run: MandatoryRun,
    project: Project,
    plan: MandatoryPlan,
    waitlisted: set[int],
    cohort_of: dict[int, int],
    now: datetime,
    progress: Progress,
) -> dict[str, dict[str, object]]:
    """Insert the new enrolments (in batches, with progress; COPY on PostgreSQL) and take up the
    earlier rows; returns the taken-up rows' former values. A conflicting INSERT — a teacher
    enrolled in the same instant — raises _Raced with the insert rolled back."""
    rank = plan.allocation.rank() if plan.allocation is not None else {}
    new: list[tuple[object, ...]] = []
    taken_up: list[Enrolment] = []
    former: dict[str, dict[str, object]] = {}
    for member in plan.people:
        person_id = member.person_id
        fields: dict[str, object] = {
            "status": S.WAITLISTED if person_id in waitlisted else S.ENROLLED,
            "source": EnrolmentSource.MANDATORY,
            "stage": "",
            "subject": plan.subjects[person_id],
            "school_id": member.school_id,
            "created_by_id": run.actor_id,
            "lottery_rank": rank.get(person_id),
            "offer_expires_at": None,
            "cohort_id": cohort_of.get(-person_id),  # see cohorts.planned_classes: keys −person id
            "mandatory_run_id": run.pk,
        }
        row = plan.existing.get(person_id)
        if row is None:
            new.append((project.pk, person_id, *fields.values(), "", now, now))
            continue
        former[str(row.pk)] = {name: _plain(getattr(row, name)) for name in REUSED_FIELDS}
        for name, value in fields.items():
            setattr(row, name, value)
        row.updated_at = now
        taken_up.append(row)
    columns = ["project_id", "person_id", *REUSED_FIELDS, "note", "created_at", "updated_at"]
    try:
        with transaction.atomic():
            for start in range(0, len(new), BATCH * 4):
                batch = new[start : start + BATCH * 4]
                bulk.insert_rows(Enrolment, columns, batch)
                progress(start + len(batch), plan.eligible)
    except IntegrityError:
        raise _Raced from None
    Enrolment.objects.bulk_update(taken_up, [*_field_names(), "updated_at"], batch_size=BATCH)
    return former


def _field_names() -> list[str]:
    return [name.removesuffix("_id") for name in REUSED_FIELDS]


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def _notify(project: Project, plan: MandatoryPlan, waitlisted: set[int]) -> None:
    """Tell the enrolled they are in, and the waitlisted their number on the waitlist."""
    accounts = dict(
        get_user_model()
        .objects.filter(person_id__in=[m.person_id for m in plan.people], is_active=True)
        .values_list("person_id", "id")
    )
    enrolled: list[tuple[int, dict[str, object]]] = [
        (accounts[m.person_id], {})
        for m in plan.people
        if m.person_id not in waitlisted and m.person_id in accounts
    ]
    notify.send_each(enrolled, "mandatory_enrolled", project=project)
    numbers = [
        (accounts[key], {"rank": number})
        for number, key in enumerate(plan.waitlisted_ids, 1)
        if key in accounts
    ]
    notify.send_each(numbers, "mandatory_waitlisted", project=project)


@transaction.atomic
def enrol_mandatory(*, project: Project, actor: User | None, request: HttpRequest | None = None) -> int:
    """Enrol everyone in the audience for whom the project is mandatory (B1), except those already
    enrolled, waitlisted or exempted, at once in this transaction (the pages queue the same run as
    background work). Refused whole with CapacityTooSmallError when the free places do not suffice:
    the organiser then previews the two ways on (`plan_mandatory`)."""
    plan = plan_mandatory(project, option=rules.ALL)
    if not plan.people:
        return 0
    if not plan.fits:
        raise CapacityTooSmallError(eligible=plan.eligible, places=plan.places_left)
    run = MandatoryRun.objects.create(
        project=project,
        option=rules.ALL,
        digest=plan.digest,
        eligible=plan.eligible,
        places_taken_before=project.places_taken,
        capacity_before=project.capacity,
        capacity_after=project.capacity,
        total=plan.eligible,
        state=runs.RunState.RUNNING,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    run = apply_mandatory_run(run=run, request=request)
    MandatoryRun.objects.filter(pk=run.pk).update(state=runs.RunState.DONE, finished_at=timezone.now())
    return run.enrolled + run.waitlisted


def verify_mandatory_run(run: MandatoryRun) -> bool | None:
    """Re-run an ORDER run's draw from its seed and recorded list: True when it gives the recorded
    result (None for the other options, which draw nothing)."""
    if run.option != rules.ORDER or run.applied_at is None:
        return None
    candidates = [rules.Candidate(entry[0], entry[1]) for entry in run.entries]
    again = rules.allocate(candidates, places=run.capacity_before - run.places_taken_before, seed=run.seed)
    return list(again.order) == [entry[0] for entry in run.entries] and set(again.enrolled) == {
        entry[0] for entry in run.entries if entry[3]
    }


# --- Undo ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Undone:
    removed: int  # rows the run wrote, deleted
    restored: int  # earlier rows it took up, put back
    places: int  # places given back
    promoted: int  # waitlisted people who then got a freed place


def undo_preview(run: MandatoryRun) -> dict[str, int]:
    """What undoing the run would do, for the confirmation page."""
    rows = Enrolment.objects.filter(mandatory_run=run, source=EnrolmentSource.MANDATORY)
    statuses = Counter(rows.values_list("status", flat=True))
    reused = {int(pk) for pk in run.reused}
    restored = rows.filter(pk__in=reused).count() if reused else 0
    return {
        "rows": sum(statuses.values()),
        "removed": sum(statuses.values()) - restored,
        "restored": restored,
        "places": sum(n for status, n in statuses.items() if status in HOLDING),
        "waitlisted": statuses.get(S.WAITLISTED, 0),
        "changed": sum(n for status, n in statuses.items() if status not in (S.ENROLLED, S.WAITLISTED)),
    }


def can_undo(run: MandatoryRun) -> bool:
    """While enrolment is open, a run applied (its rows and `applied_at` are written in one
    transaction, whatever its worker did after) and not undone yet."""
    return (
        run.applied_at is not None
        and run.undone_at is None
        and run.project.status in lifecycle.OPEN_FOR_ENROLMENT
    )


def _delete_enrolments(doomed: QuerySet[Enrolment]) -> None:
    """Delete enrolments with whatever hangs on them — exemption requests here; a leave request or
    a mark in the apps above, found through the model's relations as Django's own deletion finds
    them (training imports no app above it) — one statement a relation, instead of loading every
    row (thousands, for a county). Refused when something protects them (a certificate, posted
    hours: not while enrolment is open; kept as a guard)."""
    ids = doomed.values("pk")
    for relation in get_candidate_relations_to_delete(Enrolment._meta):
        if not isinstance(relation, ForeignObjectRel) or not isinstance(relation.related_model, type):
            continue
        name, on_delete = relation.field.name, relation.on_delete
        related = relation.related_model._base_manager.filter(**{f"{name}__in": ids})
        if on_delete is models.CASCADE:
            related.delete()
        elif on_delete is models.SET_NULL:
            related.update(**{name: None})
        elif on_delete is not models.DO_NOTHING and related.exists():  # PROTECT, RESTRICT
            raise MandatoryRunNotUndoableError
    doomed._raw_delete(doomed.db)


@transaction.atomic
def undo_mandatory_run(*, run: MandatoryRun, actor: User, request: HttpRequest | None = None) -> Undone:
    """Undo a mandatory enrolment while enrolment is open: the enrolments and waitlist entries it
    wrote are removed (with whatever hangs on them), earlier rows it took up return to what they
    were, its places come back (then go to the waitlist, in order), a capacity it raised goes back
    as far as the places still taken allow. Enrolments made otherwise are not touched. Audited."""
    run = (
        MandatoryRun.objects.select_for_update()
        .select_related("project", "project__organiser")
        .get(pk=run.pk)
    )
    if not can_undo(run):
        raise MandatoryRunNotUndoableError
    project = run.project
    # Lock order (ADR 0021): the run, its enrolment rows, then the project row.
    rows = list(
        Enrolment.objects.select_for_update()
        .filter(mandatory_run=run, source=EnrolmentSource.MANDATORY)
        .order_by("pk")
        .values_list("pk", "status", "person_id")
    )
    places = sum(1 for _pk, status, _person in rows if status in HOLDING)
    reused = run.reused or {}
    reused_ids = [int(pk) for pk in reused]
    removed = [pk for pk, _status, _person in rows if str(pk) not in reused]
    restored = list(Enrolment.objects.filter(mandatory_run=run, pk__in=reused_ids)) if reused_ids else []
    for row in restored:
        for name, value in reused[str(row.pk)].items():
            if name == "offer_expires_at" and isinstance(value, str):
                value = datetime.fromisoformat(value)
            setattr(row, name, value)
    Enrolment.objects.bulk_update(restored, [*_field_names()], batch_size=BATCH)
    _delete_enrolments(
        Enrolment.objects.filter(mandatory_run=run, source=EnrolmentSource.MANDATORY).exclude(
            pk__in=reused_ids
        )
    )
    give_back_places(project, places)
    project = Project.objects.select_related("organiser").get(pk=project.pk)
    now = timezone.now()
    fields: dict[str, object] = {}
    if run.capacity_after > run.capacity_before and project.capacity == run.capacity_after:
        fields["capacity"] = max(run.capacity_before, project.places_taken, project.min_size)
    if run.waitlist_turned_on and not project.enrolments.filter(status=S.WAITLISTED).exists():
        fields["waitlist"] = False
    if fields:
        Project.objects.filter(pk=project.pk).update(updated_at=now, **fields)
    MandatoryRun.objects.filter(pk=run.pk).update(undone_at=now, undone_by=actor)
    changes: dict[str, object] = {"removed": len(removed), "restored": len(restored), "places": places}
    if "capacity" in fields:
        changes["capacity"] = [project.capacity, fields["capacity"]]
    events.record(
        action="mandatory_run_undone",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes=changes,
        request=request,
    )
    told = notify.accounts_of([person_id for _pk, _status, person_id in rows])
    notify.send_each([(user_id, {}) for user_id in told], "mandatory_undone", project=project)
    promoted = promote_waitlist(project=project, now=now)
    return Undone(removed=len(removed), restored=len(restored), places=places, promoted=len(promoted))
