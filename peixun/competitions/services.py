"""Writes of competitions: set one up from the seeded template, enter teachers (with the B5
exclusions), exemptions (B4), nominations and the reproducible draw of each stage (E3), judges and
scores, results, awards through 公示 and objections to final, and revocation for falsification.
Every change is audited in the transaction that makes it."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, models, transaction
from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from peixun.accounts.models import User
from peixun.assessment.selectors import vetoed_people
from peixun.audit import events
from peixun.certificates.rules import numbers
from peixun.certificates.services import allocate
from peixun.competitions import exceptions as E
from peixun.competitions.models import (
    DEFAULT_SUBJECTS,
    Award,
    AwardStatus,
    Competition,
    CompetitionStatus,
    Entry,
    EntryStatus,
    Exemption,
    ExemptionReason,
    ExemptionStatus,
    Group,
    Item,
    Judge,
    Objection,
    Place,
    PrizeRecord,
    Score,
    Stage,
    StageKind,
    StageStatus,
    UnitAward,
    UnitAwardKind,
    Way,
)
from peixun.competitions.rules import awards as award_rules
from peixun.competitions.rules import draw as draw_rules
from peixun.competitions.rules import people as people_rules
from peixun.competitions.rules import quotas as quota_rules
from peixun.competitions.rules import scoring
from peixun.core.choices import Level
from peixun.lib.dates import format_date_zh
from peixun.orgs.models import Org, OrgKind, Person

# D7: the seeded items and weights; B3: the seeded groups.
ROUND_ITEMS = [("书写技能", 10), ("学科经典案例展示", 10), ("教学设计与科技运用", 30), ("课堂教学", 50)]
FINAL_ITEMS = [("特色项目展示", 15), ("现场问答", 15), ("教学设计和微型课堂教学", 70)]
YOUTH = date(1980, 1, 1)


def _actor(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _audit(
    action: str,
    actor: User | None,
    target: models.Model,
    org_path: str,
    request: HttpRequest | None = None,
    **changes: object,
) -> None:
    events.record(
        action=action, actor=_actor(actor), target=target, org_path=org_path, request=request, changes=changes
    )


# Setting up -------------------------------------------------------------------------------------


@transaction.atomic
def create_competition(
    *, organiser: Org, name: str, year: int, actor: User | None, request: HttpRequest | None = None
) -> Competition:
    """A competition from the seeded template: three stages, three groups, the D7 items, the B2
    subjects and the seed's numbers, all editable afterwards."""
    competition = Competition.objects.create(
        name=name,
        year=year,
        organiser=organiser,
        org_path=organiser.path,
        subjects=list(DEFAULT_SUBJECTS),
        youth_born_from=YOUTH,
        retire_male_cutoff=date(1965, 9, 1),
        retire_female_cutoff=date(1970, 9, 1),
        created_by=_actor(actor),
    )
    for number, kind in enumerate((StageKind.SCHOOL, StageKind.DISTRICT, StageKind.FINAL), start=1):
        stage = Stage.objects.create(competition=competition, number=number, kind=kind)
        for order, (item, weight) in enumerate(FINAL_ITEMS if kind == StageKind.FINAL else ROUND_ITEMS):
            Item.objects.create(stage=stage, name=item, weight=Decimal(weight), order=order)
    Group.objects.create(
        competition=competition, name="小学青年组", section="primary", born_from=YOUTH, order=1
    )
    Group.objects.create(
        competition=competition, name="初中青年组", section="junior", born_from=YOUTH, order=2
    )
    Group.objects.create(competition=competition, name="中老年组", born_before=YOUTH, order=3)
    _audit("competition_saved", actor, competition, competition.org_path, request, name=name, year=year)
    return competition


FIELDS = (
    "name",
    "youth_born_from",
    "retire_male_cutoff",
    "retire_female_cutoff",
    "prize_years",
    "second_rate",
    "final_rate",
    "nominated_share",
    "rounding",
    "first_share",
    "second_share",
    "third_share",
    "team_share",
    "trimmed",
    "notice_ends_on",
)


@transaction.atomic
def save_rules(
    *,
    competition: Competition,
    data: dict,
    seat_schools: Iterable[Org],
    actor: User,
    request: HttpRequest | None = None,
) -> Competition:
    before = {f: str(getattr(competition, f)) for f in FIELDS}
    for field in FIELDS:
        if field in data:
            setattr(competition, field, data[field])
    competition.save()
    competition.seat_schools.set(seat_schools)
    after = {f: str(getattr(competition, f)) for f in FIELDS}
    _audit(
        "competition_saved", actor, competition, competition.org_path, request, **events.diff(before, after)
    )
    return competition


@transaction.atomic
def add_school_item(
    *, stage: Stage, school: Org, name: str, weight: Decimal, actor: User, request: HttpRequest | None = None
) -> Item:
    """A school's own item in its round (e.g. 普通话), weighted among its competitors' items."""
    if stage.kind != StageKind.SCHOOL or stage.status == StageStatus.CLOSED:
        raise E.CompetitionError()
    item = Item.objects.create(stage=stage, name=name, weight=weight, school=school, order=99)
    _audit(
        "competition_item_added",
        actor,
        stage.competition,
        school.path,
        request,
        name=name,
        weight=str(weight),
    )
    return item


# Entry ------------------------------------------------------------------------------------------


def check_deadline(stage: Stage) -> None:
    """A stage takes entries (round 1) or nominations (later rounds) up to its deadline, that day
    included, in local time."""
    if stage.deadline is not None and timezone.localdate() > stage.deadline:
        raise E.EntriesClosedError(date=format_date_zh(stage.deadline))


@transaction.atomic
def set_deadline(
    *, stage: Stage, deadline: date | None, actor: User, request: HttpRequest | None = None
) -> Stage:
    """The last day a stage takes entries (round 1) or nominations (later rounds); none: no limit."""
    before = stage.deadline
    stage.deadline = deadline
    stage.save(update_fields=["deadline"])
    _audit(
        "competition_saved",
        actor,
        stage.competition,
        stage.competition.org_path,
        request,
        stage=str(stage.get_kind_display()),
        deadline=[str(before or ""), str(deadline or "")],
    )
    return stage


def county_of(org: Org) -> Org | None:
    return org.ancestors().filter(kind=OrgKind.COUNTY).last()


def exclusion(competition: Competition, person: Person) -> str | None:
    """Why the person may not enter (B5), in words, or None."""
    if competition.seat_schools.filter(pk=person.org_id).exists():
        return _("teachers at schools at the district seat do not take part")
    prizes = [
        people_rules.Prize(year=p.year, level=p.level, award=p.award)
        for p in PrizeRecord.objects.filter(person=person, revoked=False)
    ]
    prize = people_rules.excluded_by_prize(prizes, year=competition.year, years=competition.prize_years)
    if prize is not None:
        return _("a county-level-or-above first prize in %(year)s (within the last %(years)s years)") % {
            "year": prize.year,
            "years": competition.prize_years,
        }
    return None


def group_of(competition: Competition, person: Person) -> Group | None:
    groups = list(competition.groups.all())
    rules = [people_rules.GroupRule(g.pk, g.section, g.born_from, g.born_before) for g in groups]
    key = people_rules.group_for(rules, section=person.section, birth_date=person.birth_date)
    return next((g for g in groups if g.pk == key), None)


@transaction.atomic
def enter(
    *, competition: Competition, person: Person, subject: str, actor: User, request: HttpRequest | None = None
) -> Entry:
    """Enter a teacher in one subject (B8), at their school's round: checked for every exclusion
    first, nothing written when refused."""
    first = competition.stages.get(number=1)
    if competition.status != CompetitionStatus.OPEN or first.status != StageStatus.OPEN:
        raise E.CompetitionError()
    check_deadline(first)
    if subject not in competition.subjects:
        raise E.NotEligibleError(name=person.name, reason=_("the subject is not one of this competition's"))
    if not person.org.path.startswith(competition.org_path):
        raise E.NotEligibleError(name=person.name, reason=_("the school is outside the organiser's area"))
    reason = exclusion(competition, person)
    if reason:
        raise E.NotEligibleError(name=person.name, reason=reason)
    if Exemption.objects.filter(
        competition=competition, person=person, status=ExemptionStatus.APPROVED
    ).exists():
        raise E.NotEligibleError(
            name=person.name, reason=_("excused from this competition (exemption approved)")
        )
    group = group_of(competition, person)
    if group is None:
        raise E.NotEligibleError(
            name=person.name,
            reason=_(
                "no group fits the teacher's section and birth date; "
                "check the roster's section or add a group"
            ),
        )
    existing = Entry.objects.filter(competition=competition, person=person).first()
    if existing is not None:
        raise E.AlreadyEnteredError(name=person.name, subject=existing.subject)
    try:
        with transaction.atomic():
            entry = Entry.objects.create(
                competition=competition,
                person=person,
                school=person.org,
                org_path=person.org.path,
                subject=subject,
                group=group,
            )
    except IntegrityError:
        raise E.AlreadyEnteredError(name=person.name, subject=subject) from None
    Place.objects.create(stage=first, entry=entry, way=Way.ENTERED)
    _audit(
        "competition_entered",
        actor,
        entry,
        entry.org_path,
        request,
        person=person.name,
        subject=subject,
        group=group.name,
    )
    return entry


@transaction.atomic
def withdraw(*, entry: Entry, actor: User, request: HttpRequest | None = None) -> None:
    if entry.reached > 1 or entry.competition.stages.get(number=1).status != StageStatus.OPEN:
        raise E.CompetitionError()
    _audit(
        "competition_withdrawn",
        actor,
        entry,
        entry.org_path,
        request,
        person=entry.person.name,
        subject=entry.subject,
    )
    entry.delete()


# Exemptions (B4) --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    name: str
    kind: str
    data: bytes


@transaction.atomic
def request_exemption(
    *,
    competition: Competition,
    person: Person,
    reason: str,
    note: str,
    evidence: Evidence | None,
    actor: User,
    request: HttpRequest | None = None,
) -> Exemption:
    if reason == ExemptionReason.RETIREMENT and not people_rules.near_retirement(
        birth_date=person.birth_date,
        gender=person.gender,
        male_cutoff=competition.retire_male_cutoff,
        female_cutoff=competition.retire_female_cutoff,
    ):
        raise E.NotEligibleError(
            name=person.name,
            reason=_(
                "the birth date is after the retirement cut-off; "
                "ask for a health exemption instead, with a doctor's note"
            ),
        )
    if evidence is None:
        raise E.CompetitionError(
            _("Attach the evidence (a PDF or a photo) so the school and the bureau can check it.")
        )
    if Exemption.objects.filter(competition=competition, person=person).exists():
        raise E.CompetitionError(
            _("An exemption was already requested for this teacher; see its status on the competition page.")
        )
    exemption = Exemption.objects.create(
        competition=competition,
        person=person,
        org_path=person.org.path,
        reason=reason,
        note=note,
        evidence_name=evidence.name[:255],
        evidence_kind=evidence.kind,
        evidence=evidence.data,
    )
    _audit(
        "competition_exemption",
        actor,
        exemption,
        exemption.org_path,
        request,
        person=person.name,
        reason=str(exemption.get_reason_display()),
    )
    return exemption


@transaction.atomic
def review_exemption(
    *, exemption: Exemption, step: str, approve: bool, actor: User, request: HttpRequest | None = None
) -> Exemption:
    """The school's step then the bureau's; a refusal at either ends it."""
    expected = ExemptionStatus.PENDING_SCHOOL if step == "school" else ExemptionStatus.PENDING_BUREAU
    exemption = Exemption.objects.select_for_update().get(pk=exemption.pk)
    if exemption.status != expected:
        raise E.CompetitionError()
    before = exemption.get_status_display()
    if not approve:
        exemption.status = ExemptionStatus.REFUSED
    elif step == "school":
        exemption.status = ExemptionStatus.PENDING_BUREAU
    else:
        exemption.status = ExemptionStatus.APPROVED
    exemption.save(update_fields=["status"])
    _audit(
        "competition_exemption",
        actor,
        exemption,
        exemption.org_path,
        request,
        status=[str(before), str(exemption.get_status_display())],
    )
    return exemption


# Quotas, nominations and the draw (E3) ----------------------------------------------------------


def unit_of(stage: Stage, entry: Entry) -> int:
    """Who nominates for `stage`: the school for the district round, the county for the final."""
    if stage.kind == StageKind.FINAL:
        county = county_of(entry.school)
        return county.pk if county else entry.school_id
    return entry.school_id


def units(stage: Stage, school_ids: Iterable[int]) -> dict[int, int]:
    """School id → the unit nominating for it in `stage` (as `unit_of`), one look-up per school
    rather than per entry (a county's 2,000 entrants come from ~100 schools)."""
    ids = set(school_ids)
    if stage.kind != StageKind.FINAL:
        return {pk: pk for pk in ids}
    paths = dict(Org.objects.filter(pk__in=ids).values_list("pk", "path"))
    ancestors = {int(segment) for path in paths.values() for segment in path.split("/") if segment}
    counties = dict(Org.objects.filter(pk__in=ancestors, kind=OrgKind.COUNTY).values_list("pk", "depth"))
    found: dict[int, int] = {}
    for pk, path in paths.items():
        # As county_of: the deepest county on the school's path, else the school itself.
        own = [int(segment) for segment in path.split("/") if segment and int(segment) in counties]
        found[pk] = max(own, key=counties.__getitem__) if own else pk
    return found


def previous(stage: Stage) -> Stage:
    return stage.competition.stages.get(number=stage.number - 1)


def quotas(stage: Stage) -> dict[int, quota_rules.Quota]:
    """Each unit's places in `stage` from its entrants in the stage before (stored rates and rounding)."""
    competition = stage.competition
    rate = competition.final_rate if stage.kind == StageKind.FINAL else competition.second_rate
    by_school = dict(
        previous(stage)
        .places.filter(entry__status=EntryStatus.ENTERED)
        .order_by()
        .values_list("entry__school_id")
        .annotate(n=Count("id"))
        .values_list("entry__school_id", "n")
    )
    unit_map = units(stage, by_school)
    counts: dict[int, int] = {}
    for school, n in by_school.items():
        counts[unit_map[school]] = counts.get(unit_map[school], 0) + n
    return quota_rules.quotas(counts, rate, competition.nominated_share, competition.rounding)


@transaction.atomic
def nominate(*, stage: Stage, entry: Entry, actor: User, request: HttpRequest | None = None) -> Place:
    """Put a competitor of the round before into `stage` as one of their unit's nominated places."""
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    if stage.number < 2 or stage.status != StageStatus.OPEN:
        raise E.CompetitionError()
    if not previous(stage).places.filter(entry=entry).exists() or entry.status != EntryStatus.ENTERED:
        raise E.CompetitionError()
    check_deadline(stage)
    nominated = list(stage.places.filter(way=Way.NOMINATED).values_list("entry__school_id", flat=True))
    unit_map = units(stage, [*nominated, entry.school_id])
    unit = unit_map[entry.school_id]
    allowed = quotas(stage).get(unit)
    taken = sum(1 for school in nominated if unit_map[school] == unit)
    if allowed is None or taken >= allowed.nominated:
        raise E.QuotaFullError(unit=Org.objects.get(pk=unit).name, count=allowed.nominated if allowed else 0)
    place, _created = Place.objects.get_or_create(stage=stage, entry=entry, defaults={"way": Way.NOMINATED})
    Entry.objects.filter(pk=entry.pk, reached__lt=stage.number).update(reached=stage.number)
    _audit(
        "competition_nominated",
        actor,
        entry,
        entry.org_path,
        request,
        person=entry.person.name,
        stage=str(stage.get_kind_display()),
    )
    return place


@transaction.atomic
def publish_draw(*, stage: Stage, seed: str = "", actor: User, request: HttpRequest | None = None) -> Stage:
    """Close the nominations and publish the seed, each unit's drawn places and the candidate list
    (the competitors of the round before not nominated) before anything is drawn."""
    stage = Stage.objects.select_for_update().select_related("competition").get(pk=stage.pk)
    if stage.number < 2 or stage.status != StageStatus.OPEN:
        raise E.CompetitionError()
    taken = set(stage.places.values_list("entry_id", flat=True))
    rows = list(
        previous(stage)
        .places.filter(entry__status=EntryStatus.ENTERED)
        .exclude(entry_id__in=taken)
        .values_list("entry_id", "entry__school_id")
    )
    unit_map = units(stage, [school for _entry, school in rows])
    pairs = sorted((entry_id, unit_map[school]) for entry_id, school in rows)
    stage.seed = seed.strip() or draw_rules.new_seed()
    stage.candidates = [list(pair) for pair in pairs]
    stage.candidates_digest = draw_rules.digest(pairs)
    stage.draw_quotas = {str(unit): q.drawn for unit, q in quotas(stage).items() if q.drawn}
    stage.status = StageStatus.PUBLISHED
    stage.published_at = timezone.now()
    stage.save()
    _audit(
        "competition_draw_published",
        actor,
        stage.competition,
        stage.competition.org_path,
        request,
        stage=str(stage.get_kind_display()),
        seed=stage.seed,
        candidates=len(pairs),
        digest=stage.candidates_digest,
    )
    return stage


def _run(stage: Stage) -> tuple[int, ...]:
    pairs = [(int(key), int(unit)) for key, unit in stage.candidates]
    return draw_rules.run(
        pairs, seed=stage.seed, quotas={int(u): int(n) for u, n in stage.draw_quotas.items()}
    )


@transaction.atomic
def run_draw(*, stage: Stage, actor: User, request: HttpRequest | None = None) -> Stage:
    stage = Stage.objects.select_for_update().select_related("competition").get(pk=stage.pk)
    if stage.status != StageStatus.PUBLISHED:
        raise E.CompetitionError()
    drawn = _run(stage)
    Place.objects.bulk_create([Place(stage=stage, entry_id=key, way=Way.DRAWN) for key in drawn])
    Entry.objects.filter(pk__in=drawn, reached__lt=stage.number).update(reached=stage.number)
    stage.drawn = list(drawn)
    stage.status = StageStatus.DRAWN
    stage.drawn_at = timezone.now()
    stage.save()
    _audit(
        "competition_drawn",
        actor,
        stage.competition,
        stage.competition.org_path,
        request,
        stage=str(stage.get_kind_display()),
        drawn=len(drawn),
    )
    return stage


@dataclass(frozen=True)
class Verification:
    digest_ok: bool
    same: bool
    rerun: tuple[int, ...]


def verify_draw(stage: Stage) -> Verification:
    """Re-run the published draw from its stored seed and candidates: the same inputs must give the
    stored result, and the candidates must still match the published fingerprint."""
    pairs = [(int(key), int(unit)) for key, unit in stage.candidates]
    rerun = _run(stage)
    return Verification(
        digest_ok=draw_rules.digest(pairs) == stage.candidates_digest,
        same=tuple(stage.drawn) == rerun,
        rerun=rerun,
    )


# Judging ----------------------------------------------------------------------------------------


@transaction.atomic
def assign_judge(
    *, item: Item, group: Group, user: User, actor: User, request: HttpRequest | None = None
) -> Judge:
    judge, _created = Judge.objects.get_or_create(item=item, group=group, user=user)
    competition = item.stage.competition
    _audit(
        "competition_judge_assigned",
        actor,
        competition,
        competition.org_path,
        request,
        judge=user.get_username(),
        item=item.name,
        group=group.name,
    )
    return judge


def is_judge(user: User, item: Item, group_id: int) -> bool:
    return Judge.objects.filter(item=item, group_id=group_id, user=user).exists()


@transaction.atomic
def submit_score(
    *, place: Place, item: Item, value: Decimal, judge: User, request: HttpRequest | None = None
) -> Score:
    """One judge's mark, audited from what to what; refused after the stage closed."""
    if item.stage_id != place.stage_id or place.stage.status == StageStatus.CLOSED:
        raise E.CompetitionError()
    if not is_judge(judge, item, place.entry.group_id):
        raise E.NotJudgeError()
    if not Decimal(0) <= value <= Decimal(100):
        raise E.CompetitionError(_("A score is between 0 and 100."))
    score = Score.objects.filter(place=place, item=item, judge=judge).first()
    before = str(score.value) if score else ""
    if score is None:
        score = Score.objects.create(place=place, item=item, judge=judge, value=value)
    else:
        score.value = value
        score.save(update_fields=["value", "at"])
    _audit(
        "competition_scored",
        judge,
        place.entry,
        place.entry.org_path,
        request,
        person=place.entry.person.name,
        item=item.name,
        score=[before, str(value)],
    )
    return score


@transaction.atomic
def import_scores(
    *,
    stage: Stage,
    marks: Iterable[tuple[int, int, Decimal]],
    judge: User,
    request: HttpRequest | None = None,
) -> int:
    """A judge's score sheet (entry id, item id, mark), all or nothing: every mark goes through
    `submit_score` (the same checks and audit as the phone page) in this one transaction, so one
    refused mark writes none. Marks equal to the judge's own stored ones are left as they are."""
    stage = Stage.objects.select_related("competition").get(pk=stage.pk)
    places = {
        p.entry_id: p for p in stage.places.select_related("entry__person", "stage", "stage__competition")
    }
    items = {i.pk: i for i in stage.items.all()}
    own = {(s.place_id, s.item_id): s.value for s in Score.objects.filter(place__stage=stage, judge=judge)}
    written = 0
    for entry_id, item_id, value in marks:
        place, item = places.get(entry_id), items.get(item_id)
        if place is None or item is None:
            raise E.NotJudgeError()
        if own.get((place.pk, item.pk)) == value:
            continue
        submit_score(place=place, item=item, value=value, judge=judge, request=request)
        written += 1
    _audit(
        "competition_scores_imported",
        judge,
        stage.competition,
        stage.competition.org_path,
        request,
        stage=str(stage.get_kind_display()),
        written=written,
    )
    return written


def items_for(stage: Stage, entry: Entry) -> list[Item]:
    return [i for i in stage.items.all() if i.school_id in (None, entry.school_id)]


@transaction.atomic
def compute_results(*, stage: Stage) -> int:
    """Each competitor's item scores, weighted total and rank within their group and subject."""
    competition = stage.competition
    places = list(stage.places.select_related("entry").prefetch_related("scores"))
    items = list(stage.items.all())
    groups: dict[tuple[int, str], list[scoring.Scored]] = {}
    for place in places:
        own = [i for i in items if i.school_id in (None, place.entry.school_id)]
        by_item = {
            i.pk: scoring.item_score(
                [s.value for s in place.scores.all() if s.item_id == i.pk], trimmed=competition.trimmed
            )
            for i in own
        }
        place.total = scoring.weighted_total(by_item, {i.pk: i.weight for i in own})
        heaviest = sorted(own, key=lambda i: (-i.weight, i.order, i.pk))
        tie = tuple(by_item[i.pk] or Decimal(0) for i in heaviest)
        groups.setdefault((place.entry.group_id, place.entry.subject), []).append(
            scoring.Scored(place.pk, place.total, tie)
        )
    ranks: dict[int, int] = {}
    for scored in groups.values():
        ranks.update(dict(scoring.rank(scored)))
    for place in places:
        place.rank = ranks.get(place.pk)
    Place.objects.bulk_update(places, ["total", "rank"])
    return len(places)


# Awards (E4, E5, D10) ---------------------------------------------------------------------------


@transaction.atomic
def draft_awards(*, competition: Competition, actor: User, request: HttpRequest | None = None) -> int:
    """Awards of the final by the stored shares within each group and subject, leaving out the
    disqualified and anyone under an ethics veto in the competition's year (D10); the schools'
    team awards; then the results go to public notice (公示)."""
    final = competition.stages.order_by("-number").first()
    if final is None or competition.status not in (CompetitionStatus.OPEN, CompetitionStatus.RUNNING):
        raise E.CompetitionError()
    compute_results(stage=final)
    places = list(
        final.places.select_related("entry").filter(entry__status=EntryStatus.ENTERED, total__isnull=False)
    )
    vetoed = vetoed_people([p.entry.person_id for p in places], competition.year)
    by_group: dict[tuple[int, str], list[Place]] = {}
    for place in places:
        if place.entry.person_id not in vetoed:
            by_group.setdefault((place.entry.group_id, place.entry.subject), []).append(place)
    Award.objects.filter(competition=competition).delete()
    UnitAward.objects.filter(competition=competition, kind=UnitAwardKind.TEAM).delete()
    created: list[Award] = []
    for group_places in by_group.values():
        ranked = sorted(
            ((p.entry_id, p.rank or 0) for p in group_places), key=lambda pair: (pair[1], pair[0])
        )
        for entry_id, level in award_rules.allocate(ranked, competition.shares).items():
            created.append(Award(competition=competition, entry_id=entry_id, level=level))
    Award.objects.bulk_create(created)
    entrants = dict(
        competition.entries.values("school_id").annotate(n=Count("id")).values_list("school_id", "n")
    )
    winners: dict[int, int] = {}
    for award in Award.objects.filter(competition=competition).select_related("entry"):
        winners[award.entry.school_id] = winners.get(award.entry.school_id, 0) + 1
    for school in award_rules.team_awards(entrants, winners, competition.team_share):
        UnitAward.objects.create(competition=competition, org_id=school, kind=UnitAwardKind.TEAM)
    competition.status = CompetitionStatus.NOTICE
    competition.save(update_fields=["status"])
    _audit(
        "competition_awards",
        actor,
        competition,
        competition.org_path,
        request,
        awards=len(created),
        vetoed=len(vetoed),
    )
    return len(created)


@transaction.atomic
def grant_organisation_award(
    *, competition: Competition, org: Org, actor: User, request: HttpRequest | None = None
) -> UnitAward:
    award, _created = UnitAward.objects.get_or_create(
        competition=competition, org=org, kind=UnitAwardKind.ORGANISATION
    )
    _audit("competition_awards", actor, competition, competition.org_path, request, organisation=org.name)
    return award


@transaction.atomic
def raise_objection(*, award: Award, text: str, actor: User, request: HttpRequest | None = None) -> Objection:
    if award.competition.status != CompetitionStatus.NOTICE or award.status != AwardStatus.NOTICE:
        raise E.CompetitionError(_("Objections are taken while the results are under public notice."))
    objection = Objection.objects.create(award=award, text=text.strip()[:500], raised_by=_actor(actor))
    _audit(
        "competition_objection",
        actor,
        award.entry,
        award.entry.org_path,
        request,
        person=award.entry.person.name,
        objection=objection.text,
    )
    return objection


@transaction.atomic
def decide_objection(
    *, objection: Objection, upheld: bool, actor: User, request: HttpRequest | None = None
) -> Objection:
    """Upheld means falsification was found: the award is revoked and the entry disqualified."""
    objection.decided = True
    objection.upheld = upheld
    objection.save(update_fields=["decided", "upheld"])
    if upheld:
        revoke_for_falsification(
            entry=objection.award.entry, reason=objection.text, actor=actor, request=request
        )
    else:
        entry = objection.award.entry
        _audit(
            "competition_objection",
            actor,
            entry,
            entry.org_path,
            request,
            person=entry.person.name,
            upheld=False,
        )
    return objection


@transaction.atomic
def revoke_for_falsification(
    *, entry: Entry, reason: str, actor: User, request: HttpRequest | None = None
) -> Entry:
    """E5: falsification found during or after 公示 disqualifies the entry and revokes its award,
    the award's certificate (its public page says so) and the prize record."""
    if not reason.strip():
        raise E.CompetitionError(
            _("Say what was falsified: the reason is shown on the certificate's public page.")
        )
    entry.status = EntryStatus.DISQUALIFIED
    entry.save(update_fields=["status"])
    now = timezone.now()
    for award in Award.objects.filter(entry=entry).exclude(status=AwardStatus.REVOKED):
        award.status = AwardStatus.REVOKED
        award.revoke_reason = reason[:500]
        award.revoked_at = now
        award.save(update_fields=["status", "revoke_reason", "revoked_at"])
        PrizeRecord.objects.filter(source=award).update(revoked=True)
    _audit(
        "competition_disqualified",
        actor,
        entry,
        entry.org_path,
        request,
        person=entry.person.name,
        reason=reason[:200],
    )
    return entry


def _level(competition: Competition) -> str:
    kind = competition.organiser.kind
    levels: dict[str, str] = {OrgKind.CITY: Level.CITY, OrgKind.PROVINCE: Level.PROVINCIAL}
    return levels.get(kind, Level.COUNTY)


def region_of(competition: Competition) -> str:
    code = "".join(ch for ch in competition.organiser.code.upper() if ch.isalnum())[-12:]
    return code if numbers.valid_region(code) else "CP"


@transaction.atomic
def finalise(*, competition: Competition, actor: User, request: HttpRequest | None = None) -> int:
    """After 公示: every objection decided, the ethics veto checked once more; the standing awards
    are numbered like training certificates (region-year-sequence, per-region sequence) with a
    public verification code, and each lands as a prize record in the teacher's file."""
    competition = Competition.objects.select_for_update().select_related("organiser").get(pk=competition.pk)
    if competition.status != CompetitionStatus.NOTICE:
        raise E.CompetitionError()
    open_count = Objection.objects.filter(award__competition=competition, decided=False).count()
    if open_count:
        raise E.ObjectionsOpenError(count=open_count)
    awards = list(
        Award.objects.filter(competition=competition, status=AwardStatus.NOTICE)
        .select_related("entry__person")
        .order_by("level", "entry__school__path", "id")
    )
    vetoed = vetoed_people([a.entry.person_id for a in awards], competition.year)
    for award in awards:
        if award.entry.person_id in vetoed:
            award.status = AwardStatus.REVOKED
            award.revoke_reason = _("Ethics veto (师德一票否决)")
            award.revoked_at = timezone.now()
            award.save(update_fields=["status", "revoke_reason", "revoked_at"])
    standing = [a for a in awards if a.status == AwardStatus.NOTICE]
    region = region_of(competition)
    first = allocate(region, competition.year, len(standing)) if standing else 0
    level = _level(competition)
    for offset, award in enumerate(standing):
        award.status = AwardStatus.FINAL
        award.number = numbers.number(region, competition.year, first + offset)
        award.code = numbers.new_code()
        award.issued_on = timezone.localdate()
        award.save(update_fields=["status", "number", "code", "issued_on"])
        PrizeRecord.objects.create(
            person=award.entry.person,
            year=competition.year,
            level=level,
            award=award.level,
            title=competition.name,
            source=award,
        )
    competition.status = CompetitionStatus.FINAL
    competition.save(update_fields=["status"])
    _audit(
        "competition_final",
        actor,
        competition,
        competition.org_path,
        request,
        awards=len(standing),
        vetoed=len(vetoed),
    )
    return len(standing)
