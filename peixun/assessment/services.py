"""Writes for assessment: scheme versions, results recomputed the moment an input changes, manual
and tutors' scores, ethics vetoes, excellence selection with its public notice, and — when a
project closes — posting each passing trainee's hours to the ledger in the same transaction
(RULES A11; docs/decisions/0026-assessment-schemes.md, 0027-excellence-and-notice.md)."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import Avg, Max
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from peixun.accounts.models import User
from peixun.assessment import selectors
from peixun.assessment.exceptions import (
    ExcellenceStateError,
    NoticeNotOverError,
    ObjectionNotAllowedError,
    OpenObjectionsError,
    ReasonRequiredError,
    ResultsLockedError,
    ResultsProvisionalError,
    SchemeInvalidError,
    ScoreOutOfRangeError,
    UnknownComponentError,
)
from peixun.assessment.models import (
    EthicsVeto,
    ExcellenceRound,
    ExcellenceStatus,
    HoursPosting,
    ManualScore,
    Objection,
    ObjectionStatus,
    Result,
    ResultsRun,
    SchemeVersion,
    TutorResult,
)
from peixun.assessment.rules import bands as band_rules
from peixun.assessment.rules import excellence as excellence_rules
from peixun.assessment.rules import gates, presets, scoring
from peixun.assessment.rules.scheme import EXAM, MANUAL, Scheme, SchemeInvalid, parse_scheme, scheme_json
from peixun.audit import events
from peixun.core import bulk, db, runs
from peixun.ledger import compliance
from peixun.ledger.services import post_credit, reverse_entry
from peixun.lib.dates import format_date_zh
from peixun.orgs.models import Person
from peixun.training.models import Cohort, Enrolment, EnrolmentStatus, Project
from peixun.training.rules import lifecycle
from peixun.training.services import notify


def _actor(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk and actor.is_authenticated else None


# --- Schemes -------------------------------------------------------------------------------------


@transaction.atomic
def save_version(
    *,
    project: Project,
    text: str,
    actor: User | None,
    note: str = "",
    preset: str = "",
    filename: str = "",
    request: HttpRequest | None = None,
) -> SchemeVersion:
    """A new version of the project's scheme (every result is recomputed with it); `filename`
    when it was imported from a file (audited)."""
    if project.status in lifecycle.ENDED:
        raise ResultsLockedError
    try:
        scheme = parse_scheme(text)
    except SchemeInvalid as invalid:
        raise SchemeInvalidError(invalid.problems) from None
    Project.objects.select_for_update(no_key=True).filter(pk=project.pk).first()
    number = (SchemeVersion.objects.filter(project=project).aggregate(top=Max("number"))["top"] or 0) + 1
    version = SchemeVersion.objects.create(
        project=project,
        number=number,
        text=text,
        document=scheme_json(scheme),
        preset=preset[:40],
        note=note.strip()[:200],
        created_by=_actor(actor),
    )
    events.record(
        action="scheme_saved",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={
            "version": number,
            "name": scheme.name,
            **({"note": note} if note else {}),
            **({"filename": filename} if filename else {}),
        },
        request=request,
    )
    recompute_soon(project=project, actor=actor)
    return version


def record_scheme_export(
    *, project: Project, version: SchemeVersion | None, actor: User, request: HttpRequest | None = None
) -> None:
    """Audit a scheme written to a file."""
    events.record(
        action="scheme_exported",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={"version": version.number if version else 0},
        request=request,
    )


def ensure_version(project: Project) -> SchemeVersion:
    """The scheme version in force, creating version 1 from the default preset when a project
    reaches its results without one."""
    version = selectors.current_version(project)
    if version is not None:
        return version
    _lock_project(project)  # one version 1, whoever asks first
    version = selectors.current_version(project)
    if version is not None:
        return version
    text = presets.preset_text(presets.DEFAULT)
    return SchemeVersion.objects.create(
        project=project,
        number=1,
        text=text,
        document=scheme_json(parse_scheme(text)),
        preset=presets.DEFAULT,
        note="默认方案",
    )


# --- Results -------------------------------------------------------------------------------------


def _same(stored: Any, value: Any) -> bool:
    if isinstance(stored, Decimal) or isinstance(value, Decimal):
        return stored is not None and value is not None and Decimal(stored) == Decimal(value)
    return bool(stored == value)


def _reason_json(reason: gates.Reason) -> dict:
    return {"code": reason.code, "params": dict(reason.params)}


def _gate_json(gate: gates.Gate) -> dict:
    return {
        "code": gate.code,
        "state": gate.state,
        "reason": _reason_json(gate.reason),
        "items": [_reason_json(item) for item in gate.items],
        "award_only": gate.award_only,
    }


def result_values(outcome: scoring.Outcome) -> dict:
    return {
        "total": outcome.total,
        "passed": outcome.passed,
        "status": outcome.status,
        "components": {
            key: (str(value) if value is not None else None) for key, value in outcome.components.items()
        },
        "reasons": [_reason_json(r) for r in outcome.reasons],
        "gates": [_gate_json(gate) for gate in outcome.gates],
        "waiting": [_reason_json(r) for r in outcome.waiting],
        "notes": [_reason_json(r) for r in outcome.notes],
        "recheck_at": outcome.recheck_at,
        "courses": {str(course): passed for course, passed in outcome.courses.items()},
        "pending": list(outcome.pending),
        "attendance_rate": outcome.attendance_rate,
        "coursework": outcome.coursework,
        "band_value": outcome.band_value,
        "hours": [[course, str(hours)] for course, hours in outcome.hours],
        "hours_total": outcome.hours_total,
    }


@transaction.atomic
def recompute(
    *, project: Project, enrolment_ids: Iterable[int] | None = None, force: bool = False, bands: bool = True
) -> int:
    """Recompute the results of the given trainees (everyone when None) and the project's grade
    bands and tutors' scores, in the caller's transaction. Does nothing before the project runs or
    after it closed, unless `force` (closing itself). Returns how many were evaluated; only the
    results that changed are written. Without `bands` the bands and tutors' scores are left for
    the caller to redo once (`finish_recompute`, after a background run's last chunk).

    Given trainees, the recompute is incremental: it also covers whoever's recheck is due and
    whoever is enrolled without a result yet, so the results come out exactly as a recompute of
    everyone would leave them (the other trainees' inputs did not change).

    Locks (ADR 0071): it holds the rows of the trainees it recomputes (FOR NO KEY UPDATE, in key
    order) while it reads their inputs and writes, so a background recompute of the class and a
    mark made meanwhile never leave an older result over a newer one — one trainee's check-in no
    longer waits for another's. The project's row is held FOR KEY SHARE (a lifecycle step, which
    takes it FOR UPDATE, waits for the recomputes under way and they for it); the bands are redone
    under the project's row FOR NO KEY UPDATE, taken without waiting by an incremental recompute
    — when another holds it, the bands are left to a background run instead, so no recompute waits
    for the project while it holds trainees' rows. A recompute of everyone takes the project first,
    then every trainee."""
    if project.status not in lifecycle.MARKING and not force:
        return 0
    if enrolment_ids is None:
        _lock_project(project)
    else:
        db.hold_key_share(Project, project.pk)
    version = ensure_version(project)
    scheme = version.scheme()
    if enrolment_ids is not None:
        enrolment_ids = affected(project, enrolment_ids)
        if not enrolment_ids:
            return 0
    _lock_trainees(project, enrolment_ids)
    enrolments = list(selectors.trainees(project, enrolment_ids).select_related("cohort").order_by("pk"))
    facts = selectors.facts_for(project, enrolments)
    existing = {r.enrolment_id: r for r in Result.objects.filter(enrolment_id__in=[e.pk for e in enrolments])}
    creates = []
    # Only what moved is written: the results grouped by the fields that changed (a register saved
    # moves the attendance of everyone, not their scores), one prepared UPDATE per group.
    updates: dict[tuple[str, ...], list[Result]] = defaultdict(list)
    now = timezone.now()
    # Whether the ranking moved: the bands and tutors' scores are redone only then (a check-in
    # moves a trainee's attendance and hours, not what a large class is ranked on).
    ranked = enrolment_ids is None
    for enrolment in enrolments:
        values = result_values(scoring.evaluate(scheme, facts[enrolment.pk]))
        result = existing.get(enrolment.pk)
        if result is None:
            creates.append(Result(enrolment=enrolment, project=project, version=version, **values))
            ranked = True
            continue
        changed = [name for name, value in values.items() if not _same(getattr(result, name), value)]
        if result.version_id != version.pk:
            changed.append("version")
        if not changed:
            continue  # unchanged: no write (a recompute of a whole project touches only what moved)
        ranked = ranked or _moves_ranking(result, values, changed)
        result.version = version
        for name, value in values.items():
            setattr(result, name, value)
        result.computed_at = now
        updates[tuple(changed)].append(result)
    # Ranking a project above the inline limit is left to a background run, as recomputing its
    # classes is: a tutor's mark that fails a trainee of 1,000 does not re-rank the 1,000 in the request.
    rank_now = (
        bands
        and ranked
        and (enrolment_ids is None or (not _above_limit(project) and _lock_project_at_once(project)))
    )
    Result.objects.bulk_create(creates, batch_size=500)
    for moved, results in updates.items():
        _write(results, [*moved, "computed_at"])
    if rank_now:
        _assign_bands(project, scheme)
        _tutor_results(
            project,
            scheme,
            {e.cohort_id for e in enrolments if e.cohort_id} if enrolment_ids is not None else None,
        )
    elif bands and ranked:
        _rank_later(project)
    return len(enrolments)


def _above_limit(project: Project) -> bool:
    return selectors.trainees(project).count() > inline_limit()


def _lock_project(project: Project) -> None:
    Project.objects.select_for_update(no_key=True).filter(pk=project.pk).values_list("pk", flat=True).first()


def _lock_project_at_once(project: Project) -> bool:
    """The project's row FOR NO KEY UPDATE if no one else holds it; False otherwise (without
    waiting: the caller holds trainees' rows, which whoever holds the project may be waiting for)."""
    try:
        with transaction.atomic():  # a refused lock rolls back this savepoint, not the caller's work
            Project.objects.select_for_update(no_key=True, nowait=True).filter(pk=project.pk).values_list(
                "pk", flat=True
            ).first()
    except OperationalError:
        return False
    return True


def _lock_trainees(project: Project, enrolment_ids: list[int] | None) -> None:
    """The rows of these trainees (every trainee of the project for None), in key order."""
    rows = Enrolment.objects.filter(project=project)
    if enrolment_ids is not None:
        rows = rows.filter(pk__in=enrolment_ids)
    list(rows.select_for_update(no_key=True, of=("self",)).order_by("pk").values_list("pk", flat=True))


def _rank_later(project: Project) -> None:
    """Redo the bands and tutors' scores in a background run (one waiting already does so after its
    last chunk), for a recompute of a project above the inline limit or one that found the
    project's row held by another."""
    if ResultsRun.objects.filter(project=project, state=runs.RunState.QUEUED).exists():
        return
    runs.enqueue(ResultsRun.objects.create(project=project, enrolment_ids=[], total=0))


@transaction.atomic
def finish_recompute(*, project: Project) -> None:
    """The project's grade bands and every class's tutor score redone from the stored results, as
    a recompute of everyone leaves them; nothing once the project no longer takes marks."""
    project = Project.objects.select_for_update(no_key=True).get(pk=project.pk)
    if project.status not in lifecycle.MARKING:
        return
    scheme = ensure_version(project).scheme()
    _assign_bands(project, scheme)
    _tutor_results(project, scheme, None)


def inline_limit() -> int:
    """How many trainees a request recomputes itself; more go to a background run."""
    return int(getattr(settings, "RESULTS_INLINE_LIMIT", DEFAULT_INLINE_LIMIT))


DEFAULT_INLINE_LIMIT = 150
CHUNK = 100


def recompute_soon(
    *, project: Project, enrolment_ids: Iterable[int] | None = None, actor: User | None = None
) -> ResultsRun | None:
    """Recompute the results of these trainees (everyone when None): now, in the caller's
    transaction, when they are at most `inline_limit()`; else in a background run with progress
    (a run still waiting takes these trainees in too), returned. Nothing before the project runs
    or after it closed (closing recomputes everyone itself)."""
    if project.status not in lifecycle.MARKING:
        return None
    ids = None if enrolment_ids is None else sorted(set(enrolment_ids))
    count = len(ids) if ids is not None else selectors.trainees(project).count()
    if count <= inline_limit():
        recompute(project=project, enrolment_ids=ids)
        return None
    waiting = (
        ResultsRun.objects.select_for_update().filter(project=project, state=runs.RunState.QUEUED).first()
    )
    if waiting is not None:
        known = waiting.enrolment_ids
        waiting.enrolment_ids = None if ids is None or known is None else sorted(set(known) | set(ids))
        waiting.save(update_fields=["enrolment_ids"])
        return waiting
    run = ResultsRun.objects.create(project=project, enrolment_ids=ids, actor=_actor(actor), total=count)
    return runs.enqueue(run)


def recompute_in_chunks(*, run: ResultsRun, progress: Callable[[int, int], None] | None = None) -> int:
    """The work of a ResultsRun: its trainees recomputed `CHUNK` at a time, each chunk in its own
    transaction (a mark made meanwhile waits for one chunk at most), then the project's grade bands
    and tutors' scores once, after the last chunk; how many were recomputed."""
    project = Project.objects.get(pk=run.project_id)
    if run.enrolment_ids is None:
        ids = list(selectors.trainees(project).order_by("pk").values_list("pk", flat=True))
    else:
        ids = sorted(run.enrolment_ids)
    if progress:
        progress(0, len(ids))
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic():
            project = Project.objects.get(pk=run.project_id)  # closed meanwhile: closing recomputed
            recompute(project=project, enrolment_ids=ids[start : start + CHUNK], bands=False)
        if progress:
            progress(min(start + CHUNK, len(ids)), len(ids))
    finish_recompute(project=project)  # classes left empty too
    return len(ids)


def latest_run(project: Project) -> ResultsRun | None:
    """The project's latest results run (finished within the last hour, or not finished)."""
    run = ResultsRun.objects.filter(project=project).first()
    if run is None or (run.finished_at and run.finished_at < timezone.now() - timedelta(hours=1)):
        return None
    return run


def affected(project: Project, enrolment_ids: Iterable[int]) -> list[int]:
    """The trainees a recompute of `enrolment_ids` covers: those, and in the project anyone whose
    recheck is due (a due date passed: 待提交 becomes 缺交) or who is enrolled without a result."""
    wanted = set(enrolment_ids)
    wanted.update(
        Result.objects.filter(project=project, recheck_at__lte=timezone.now()).values_list(
            "enrolment_id", flat=True
        )
    )
    wanted.update(
        selectors.trainees(project).filter(result__isnull=True).order_by().values_list("pk", flat=True)
    )
    return sorted(wanted)


RANKED_FIELDS = frozenset({"band_value", "total", "components", "version"})


def _moves_ranking(result: Result, values: dict, changed: list[str]) -> bool:
    """Whether a result's change can move the grade bands or a class's average: what it is ranked
    and tie-broken on, its total, or its status to or from failed (a failed result is banded
    whatever is still to come, band_rules)."""
    if RANKED_FIELDS.intersection(changed):
        return True
    return "status" in changed and gates.FAILED in (result.status, values["status"])


def _write(results: list[Result], fields: list[str]) -> None:
    bulk.update_rows(results, fields)


def recheck_due(now: datetime | None = None) -> int:
    """Recompute the results whose next due date has passed (work not handed in by then turns from
    待提交 to 缺交), run by `manage.py delivery_tick`. Idempotent: a recomputed result moves its
    `recheck_at` to the next due date, or clears it. Returns how many were recomputed."""
    now = now or timezone.now()
    due: dict[int, list[int]] = {}
    for project_id, enrolment_id in Result.objects.filter(
        recheck_at__lte=now, project__status__in=lifecycle.MARKING
    ).values_list("project_id", "enrolment_id"):
        due.setdefault(project_id, []).append(enrolment_id)
    count = 0
    for project in Project.objects.filter(pk__in=due).select_related("organiser").order_by("pk"):
        with transaction.atomic():
            count += recompute(project=project, enrolment_ids=due[project.pk])
    return count


WAITING_GROUPS = (
    ((gates.WORK_TO_GRADE, gates.SCORE_MISSING), _("to grade or score: %(names)s")),
    ((gates.WORK_TO_SUBMIT,), _("work not yet due: %(names)s")),
    ((gates.LESSONS_UNMARKED,), _("lessons not marked: %(names)s")),
)


def require_final_results(project: Project) -> None:
    """Refuse (ResultsProvisionalError) while a trainee's result is provisional: closing makes
    results final, and a result is final only when every input is in — nobody's hours are decided
    on work not yet graded or not yet due. The message names who waits for what."""
    rows = list(
        selectors.provisional_results(project)
        .select_related("enrolment__person")
        .order_by("enrolment__person__name_pinyin", "pk")
    )
    if not rows:
        return
    parts = []
    for codes, wording in WAITING_GROUPS:
        names = [
            row.enrolment.person.name
            for row in rows
            if any(w.get("code") in codes for w in row.waiting or [])
        ]
        if names:
            parts.append(str(wording) % {"names": _names(names)})
    if not parts:
        parts.append(
            str(_("a gate still pending: %(names)s"))
            % {"names": _names([r.enrolment.person.name for r in rows])}
        )
    raise ResultsProvisionalError(count=len(rows), what="；".join(parts))


def _names(names: list[str], shown: int = 5) -> str:
    text = "、".join(names[:shown])
    return text + (str(_(" and %(n)s more") % {"n": len(names) - shown}) if len(names) > shown else "")


def _assign_bands(project: Project, scheme: Scheme) -> None:
    levels = scheme.bands.levels
    rows = list(
        Result.objects.filter(project=project).values_list(
            "pk",
            "band_value",
            "status",
            "band",
            "enrolment__school_id",
            "enrolment__cohort_id",
            "total",
            "components",
            "enrolment__person_id",
        )
    )
    # A provisional result has no band until the value it is banded on is in (never 不合格 for
    # work not graded yet); one that has failed is banded whatever is still to come.
    assigned = band_rules.assign(
        levels,
        [
            band_rules.Row(
                pk, value, status != gates.FAILED, school, cohort, total, _scores(components), person
            )
            for pk, value, status, _b, school, cohort, total, components, person in rows
            if value is not None or status == gates.FAILED
        ],
        alone=scheme.bands.basis != "total",
        tie_break=scheme.bands.tie_break,
        seed=band_rules.seed_for(project.pk),
    )
    changed = [
        Result(pk=pk, band=assigned.get(pk, ""))
        for pk, _v, _p, band, *_rest in rows
        if assigned.get(pk, "") != band
    ]
    if changed:
        Result.objects.bulk_update(changed, ["band"], batch_size=500)


def _scores(components: dict | None) -> dict[str, Decimal | None]:
    """A result's stored component scores (text) as numbers, for the bands' tie-break; anything
    that is not a number (not scored yet) ranks as unknown."""
    scores: dict[str, Decimal | None] = {}
    for key, value in (components or {}).items():
        try:
            scores[key] = Decimal(str(value)) if value is not None else None
        except InvalidOperation:
            scores[key] = None
    return scores


def _tutor_results(project: Project, scheme: Scheme, cohort_ids: Iterable[int] | None) -> None:
    cohorts = Cohort.objects.filter(project=project, tutor__isnull=False)
    if cohort_ids is not None:
        cohorts = cohorts.filter(pk__in=cohort_ids)
    for cohort in cohorts:
        average = Result.objects.filter(project=project, enrolment__cohort=cohort).aggregate(
            avg=Avg("total")
        )["avg"]
        average = Decimal(average).quantize(Decimal("0.1")) if average is not None else None
        found = TutorResult.objects.filter(cohort=cohort).first()
        own = found.own_score if found else None
        total = scoring.tutor_score(scheme, own, average)
        if found is None:
            TutorResult.objects.create(
                cohort=cohort, project=project, own_score=None, class_average=average, total=total
            )
        elif (found.class_average, found.total) != (average, total):
            found.class_average, found.total = average, total
            found.save(update_fields=["class_average", "total", "computed_at"])


def _require_live(project: Project) -> None:
    if project.status not in lifecycle.MARKING:
        raise ResultsLockedError


@transaction.atomic
def set_manual_score(
    *, enrolment: Enrolment, key: str, value: Decimal | None, actor: User, request: HttpRequest | None = None
) -> Result | None:
    """Enter (or clear, with None) a hand-entered score of one component for one trainee."""
    project = enrolment.project
    _require_live(project)
    scheme = selectors.current_scheme(project)
    component = scheme.component(key)
    if component is None or component.source not in (MANUAL, EXAM):
        raise UnknownComponentError
    if value is not None and not Decimal(0) <= value <= component.max:
        raise ScoreOutOfRangeError(maximum=component.max)
    before = ManualScore.objects.filter(enrolment=enrolment, key=key).values_list("value", flat=True).first()
    if value is None:
        ManualScore.objects.filter(enrolment=enrolment, key=key).delete()
    else:
        ManualScore.objects.update_or_create(
            enrolment=enrolment, key=key, defaults={"value": value, "entered_by": _actor(actor)}
        )
    events.record(
        action="manual_score_set",
        actor=actor,
        target=enrolment,
        org_path=project.organiser.path,
        changes={
            "key": key,
            "value": [str(before) if before is not None else None, str(value) if value is not None else None],
        },
        request=request,
    )
    recompute(project=project, enrolment_ids=[enrolment.pk])
    return Result.objects.filter(enrolment=enrolment).first()


@transaction.atomic
def set_tutor_score(
    *, cohort: Cohort, own_score: Decimal | None, actor: User, request: HttpRequest | None = None
) -> TutorResult:
    """RULES D5: the tutor's own work; their score adds the class average by the scheme's weight."""
    project = cohort.project
    _require_live(project)
    if own_score is not None and not Decimal(0) <= own_score <= 100:
        raise ScoreOutOfRangeError(maximum=100)
    found, _created = TutorResult.objects.get_or_create(cohort=cohort, defaults={"project": project})
    found.own_score = own_score
    found.save(update_fields=["own_score", "computed_at"])
    _tutor_results(project, selectors.current_scheme(project), [cohort.pk])
    events.record(
        action="manual_score_set",
        actor=actor,
        target=cohort,
        org_path=project.organiser.path,
        changes={"key": "tutor", "value": str(own_score) if own_score is not None else None},
        request=request,
    )
    found.refresh_from_db()
    return found


# --- Ethics vetoes (RULES D10) -------------------------------------------------------------------


@transaction.atomic
def record_veto(
    *, person: Person, year: int, reason: str, actor: User, request: HttpRequest | None = None
) -> EthicsVeto:
    if not reason.strip():
        raise ReasonRequiredError
    veto = EthicsVeto.objects.create(
        person=person, year=year, reason=reason.strip()[:500], recorded_by=_actor(actor)
    )
    events.record(
        action="ethics_veto_recorded",
        actor=actor,
        target=person,
        org_path=person.org.path,
        changes={"year": year, "reason": veto.reason},
        request=request,
    )
    return veto


@transaction.atomic
def lift_veto(*, veto: EthicsVeto, actor: User, request: HttpRequest | None = None) -> EthicsVeto:
    if veto.lifted_at is None:
        veto.lifted_at = timezone.now()
        veto.lifted_by = _actor(actor)
        veto.save(update_fields=["lifted_at", "lifted_by"])
        events.record(
            action="ethics_veto_lifted",
            actor=actor,
            target=veto.person,
            org_path=veto.person.org.path,
            changes={"year": veto.year},
            request=request,
        )
    return veto


# --- Excellence (RULES E1) -----------------------------------------------------------------------


PROVISIONAL_REASON = "provisional"


def ranking(project: Project, share: Decimal, cap_per_school: Decimal | None, ties: str) -> list[dict]:
    """The selection from the current results, as stored on a round."""
    rows = list(
        Result.objects.filter(project=project).values(
            "enrolment_id",
            "total",
            "attendance_rate",
            "coursework",
            "passed",
            "status",
            "enrolment__school_id",
            "enrolment__person_id",
        )
    )
    vetoed = selectors.vetoed_people([row["enrolment__person_id"] for row in rows], project.year)
    candidates = [
        excellence_rules.Candidate(
            id=row["enrolment_id"],
            total=row["total"] if row["total"] is not None else Decimal(0),  # provisional: not eligible
            attendance=row["attendance_rate"],
            coursework=row["coursework"],
            school=row["enrolment__school_id"],
            passed=row["passed"],
            vetoed=row["enrolment__person_id"] in vetoed,
        )
        for row in rows
    ]
    by_id = {row["enrolment_id"]: row for row in rows}
    ranked = excellence_rules.select(candidates, share, cap_per_school, ties)
    return [
        {
            "enrolment": r.id,
            "rank": r.rank,
            "selected": r.selected,
            # Not eligible while provisional — not "did not pass" (ADR 0038).
            "reason": PROVISIONAL_REASON
            if r.reason == excellence_rules.NOT_PASSED and by_id[r.id]["status"] == gates.PROVISIONAL
            else r.reason,
            "total": str(by_id[r.id]["total"]) if by_id[r.id]["total"] is not None else "",
            "attendance": str(by_id[r.id]["attendance_rate"]),
        }
        for r in ranked
    ]


def _round_for_update(project: Project) -> ExcellenceRound | None:
    return ExcellenceRound.objects.select_for_update().filter(project=project).first()


@transaction.atomic
def draft_excellence(
    *,
    project: Project,
    actor: User | None,
    share: Decimal | None = None,
    cap_per_school: Decimal | None = None,
    ties: str = "",
    request: HttpRequest | None = None,
) -> ExcellenceRound:
    """Draw up (or redraw) the draft list from the current results with the scheme's settings or
    those given. Only before publication."""
    if project.status not in lifecycle.RANKING:
        raise ExcellenceStateError
    scheme = selectors.current_scheme(project)
    found = _round_for_update(project)
    if found is not None and found.status != ExcellenceStatus.DRAFT:
        raise ExcellenceStateError
    share = share if share is not None else scheme.excellence.share
    cap = cap_per_school if cap_per_school is not None else scheme.excellence.cap_per_school
    ties = ties or scheme.excellence.ties
    values = {
        "share": share,
        "cap_per_school": cap,
        "ties": ties,
        "notice_days": scheme.excellence.notice_days,
        "ranking": ranking(project, share, cap, ties),
        "created_by": _actor(actor),
    }
    if found is None:
        found = ExcellenceRound.objects.create(project=project, **values)
    else:
        for name, value in values.items():
            setattr(found, name, value)
        found.save()
    events.record(
        action="excellence_drafted",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={"selected": len(found.selected_ids()), "share": str(share)},
        request=request,
    )
    return found


@transaction.atomic
def publish_excellence(
    *, project: Project, actor: User | None, request: HttpRequest | None = None
) -> ExcellenceRound:
    """Publish the draft for its public notice (公示): the list is fixed as it stands now."""
    found = _round_for_update(project)
    if found is None or found.status != ExcellenceStatus.DRAFT:
        raise ExcellenceStateError
    found.ranking = ranking(project, found.share, found.cap_per_school, found.ties)
    now = timezone.now()
    found.status = ExcellenceStatus.NOTICE
    found.notice_starts_at = now
    found.notice_ends_at = now + timedelta(days=found.notice_days)
    found.save()
    events.record(
        action="excellence_published",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={"selected": len(found.selected_ids()), "until": found.notice_ends_at.isoformat()},
        request=request,
    )
    return found


@transaction.atomic
def raise_objection(
    *, round: ExcellenceRound, enrolment_id: int, text: str, actor: User, request: HttpRequest | None = None
) -> Objection:
    now = timezone.now()
    if (
        round.status != ExcellenceStatus.NOTICE
        or (round.notice_ends_at and now > round.notice_ends_at)
        or enrolment_id not in round.selected_ids()
        or not text.strip()
    ):
        raise ObjectionNotAllowedError
    objection = Objection.objects.create(
        round=round, enrolment_id=enrolment_id, text=text.strip()[:2000], raised_by=actor
    )
    project = round.project
    events.record(
        action="objection_raised",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={"enrolment": enrolment_id},
        request=request,
    )
    notify.send(
        notify.exclude(notify.managers_of(project), actor),
        "objection_raised",
        project=project,
        url=reverse("assessment:excellence", args=[project.pk]),
    )
    return objection


@transaction.atomic
def decide_objection(
    *, objection: Objection, actor: User, uphold: bool, response: str, request: HttpRequest | None = None
) -> Objection:
    """Uphold (the trainee leaves the list; nobody moves up, so the list stays the one noticed)
    or dismiss an objection, with the response."""
    if not response.strip():
        raise ReasonRequiredError
    found = _round_for_update(objection.round.project)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != ObjectionStatus.OPEN or found is None or found.status != ExcellenceStatus.NOTICE:
        raise ExcellenceStateError
    objection.status = ObjectionStatus.UPHELD if uphold else ObjectionStatus.DISMISSED
    objection.response = response.strip()[:2000]
    objection.decided_by = _actor(actor)
    objection.decided_at = timezone.now()
    objection.save()
    if uphold:
        for row in found.ranking:
            if row["enrolment"] == objection.enrolment_id:
                row["selected"] = False
                row["reason"] = "objection_upheld"
        found.save(update_fields=["ranking", "updated_at"])
    events.record(
        action="objection_decided",
        actor=actor,
        target=found.project,
        org_path=found.project.organiser.path,
        changes={"enrolment": objection.enrolment_id, "status": objection.status},
        request=request,
    )
    return objection


@transaction.atomic
def finalise_excellence(
    *, project: Project, actor: User | None, now: datetime | None = None, request: HttpRequest | None = None
) -> ExcellenceRound:
    """After the notice, with every objection decided: the list is final; those on it are excellent
    trainees (anyone vetoed since is left out) and are told so."""
    now = now or timezone.now()
    found = _round_for_update(project)
    if found is None or found.status != ExcellenceStatus.NOTICE:
        raise ExcellenceStateError
    if found.notice_ends_at and now < found.notice_ends_at:
        raise NoticeNotOverError(until=format_date_zh(timezone.localtime(found.notice_ends_at)))
    if found.objections.filter(status=ObjectionStatus.OPEN).exists():
        raise OpenObjectionsError
    selected = found.selected_ids()
    people = dict(Enrolment.objects.filter(pk__in=selected).values_list("pk", "person_id"))
    vetoed = selectors.vetoed_people(people.values(), project.year)
    for row in found.ranking:
        if row["selected"] and people.get(row["enrolment"]) in vetoed:
            row["selected"] = False
            row["reason"] = excellence_rules.VETOED
    final = found.selected_ids()
    Result.objects.filter(project=project).update(excellent=False)
    Result.objects.filter(project=project, enrolment_id__in=final).update(excellent=True)
    found.status = ExcellenceStatus.FINAL
    found.finalised_at = now
    found.save()
    events.record(
        action="excellence_finalised",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={"selected": len(final)},
        request=request,
    )
    notify.send(
        notify.accounts_of(Enrolment.objects.filter(pk__in=final).values_list("person_id", flat=True)),
        "excellent_trainee",
        project=project,
    )
    return found


# --- Closing: hours to the ledger (RULES A11) ----------------------------------------------------


@dataclass
class PostingSummary:
    posted: int = 0
    reversed: int = 0
    unchanged: int = 0
    people: set[int] = field(default_factory=set)


def _part(course_id: int | None) -> str:
    return "project" if course_id is None else f"course:{course_id}"


def post_hours(*, project: Project, actor: User | None, request: HttpRequest | None = None) -> PostingSummary:
    """Post each passing trainee's hours, per the results, in the caller's transaction: what is
    already posted and unchanged stays; a changed grant reverses the old entry and posts a new
    revision; a trainee who no longer passes has theirs reversed. Nothing for a fail. Running it
    again posts nothing new. People are handled in primary-key order (the ledger's lock order)."""
    summary = PostingSummary()
    courses = {c.pk: c for c in project.courses.all()}
    wanted: dict[tuple[int, str], tuple[Decimal, int | None]] = {}
    results = Result.objects.filter(
        project=project, passed=True, enrolment__status=EnrolmentStatus.ENROLLED
    ).select_related("enrolment")
    people: dict[int, int] = {}
    for result in results:
        people[result.enrolment_id] = result.enrolment.person_id
        for course_id, hours in result.hours:
            wanted[(result.enrolment_id, _part(course_id))] = (Decimal(hours), course_id)
    active = {
        (p.enrolment_id, p.part): p
        for p in HoursPosting.objects.filter(project=project, active=True).select_related(
            "entry", "enrolment"
        )
    }
    for posting in active.values():
        people.setdefault(posting.enrolment_id, posting.enrolment.person_id)
    keys = sorted(set(wanted) | set(active), key=lambda key: (people[key[0]], key[0], key[1]))
    earned_on = min(project.ends_on or timezone.localdate(), timezone.localdate())
    author = _actor(actor)
    persons = {p.pk: p for p in Person.objects.filter(pk__in=set(people.values())).select_related("org")}
    for key in keys:
        enrolment_id, part = key
        want = wanted.get(key)
        have = active.get(key)
        if have is not None and want is not None and have.hours == want[0]:
            summary.unchanged += 1
            continue
        person = persons[people[enrolment_id]]
        revision = 1
        if have is not None:
            reversal = reverse_entry(
                entry=have.entry,
                author=author,
                reason="成绩变更，冲销原登记学时" if want else "成绩变更为不合格，冲销原登记学时",
            )
            have.active = False
            have.reversal = reversal
            have.save(update_fields=["active", "reversal"])
            summary.reversed += 1
            summary.people.add(person.pk)
        if want is not None:
            last = HoursPosting.objects.filter(enrolment_id=enrolment_id, part=part).aggregate(
                top=Max("revision")
            )["top"]
            revision = (last or 0) + 1
            hours, course_id = want
            course = courses.get(course_id) if course_id else None
            posted = post_credit(
                person=person,
                hours=hours,
                category=course.category if course else project.category,
                level=project.level,
                mode=(course.mode or project.mode) if course else project.mode,
                earned_on=earned_on,
                source="project",
                title=f"{project.title}·{course.name}" if course else project.title,
                idempotency_key=f"project:{project.pk}:{person.pk}:{part}:r{revision}",
                tags=list(course.tags or project.tags) if course else list(project.tags),
                credit_class=project.credit_class,
                source_ref=f"project:{project.pk}",
                organiser=project.organiser.name,
                author=author,
                refresh=False,
            )
            HoursPosting.objects.create(
                project=project,
                enrolment_id=enrolment_id,
                part=part,
                revision=revision,
                hours=hours,
                entry=posted.entry,
            )
            summary.posted += 1
            summary.people.add(person.pk)
    if summary.people:
        compliance.refresh(sorted(summary.people))
    events.record(
        action="hours_posted",
        actor=actor,
        target=project,
        org_path=project.organiser.path,
        changes={"posted": summary.posted, "reversed": summary.reversed, "unchanged": summary.unchanged},
        request=request,
    )
    return summary
