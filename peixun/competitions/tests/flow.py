"""One competition run from the school round to the final through the services, end to end (issue
18; RULES E3–E5, D10): shared by the test (6 schools, ~30 entrants) and `bench/competition_flow.py`
(100 schools, 2,000 entrants), so both run the same code.

`build` writes a county, its schools and their round-1 entrants quickly (bulk, not through
`enter`: the entry checks have their own tests). `run` then goes through the real services, one
timed step at a time: judges, round-1 marks (`import_scores`), results, the district quotas, each
school's nominations (its best round-1 totals), the draw published, run and verified, round 2
marked, the final quotas, the county's nominations and the final draw, the final marked through
the judge's xlsx score sheet (`scoresheet.workbook` → filled → `scoresheet.read` →
`import_scores`), an ethics veto recorded for the final's best, the awards drafted (公示), one
objection upheld for falsification, and the awards finalised with their numbers. Each step's
seconds and count land in `Flow.steps`; the checks in `Flow.checks`."""

import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from openpyxl import load_workbook

from peixun.assessment import services as assessment_services
from peixun.competitions import scoresheet, services
from peixun.competitions.models import (
    Award,
    AwardStatus,
    Competition,
    Entry,
    EntryStatus,
    Judge,
    Place,
    Score,
    Stage,
    Way,
)
from peixun.lib import idnumbers
from peixun.orgs.models import Org, Person
from peixun.orgs.services import create_org

SUBJECT = "语文"
SEED = "公开种子-{year}-{n}"


@dataclass(frozen=True)
class Step:
    name: str
    seconds: float
    count: int
    note: str = ""


@dataclass
class Flow:
    competition: Competition
    actor: Any
    schools: list[Org]
    steps: list[Step] = field(default_factory=list)
    checks: dict[str, bool] = field(default_factory=dict)
    sheet_marks: dict[tuple[int, int], Decimal] = field(default_factory=dict)
    vetoed: Person | None = None
    revoked: Entry | None = None

    def timed(self, name: str, work: Callable[[], tuple[int, str] | int]) -> None:
        started = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - started
        count, note = result if isinstance(result, tuple) else (result, "")
        self.steps.append(Step(name, seconds, count, note))


def mark(entry_id: int, item_id: int, stage: int) -> Decimal:
    """A judge's mark, spread over 60.00–99.99 and reproducible."""
    return Decimal(6000 + (entry_id * 7919 + item_id * 104_729 + stage * 31) % 4000) / 100


def build(*, code: str, sizes: list[int], year: int, old_every: int = 0, **fields: Any) -> Flow:
    """A county `code` with one school per size and that many round-1 entrants in each (every
    `old_every`-th one born before the youth line, in 中老年组), written in bulk."""
    user = get_user_model().objects.create_user(username=f"flow_{code}", password="x" * 16)
    county = create_org(code=f"C{code}", name=f"{code}区", kind="county", parent=None)
    schools = [
        create_org(code=f"S{code}{n:03d}", name=f"{code}第{n}学校", kind="school", parent=county)
        for n in range(1, len(sizes) + 1)
    ]
    competition = services.create_competition(
        organiser=county, name=f"{code}区教学技能大赛", year=year, actor=user
    )
    for key, value in fields.items():
        setattr(competition, key, value)
    competition.save()
    people = []
    index = 0
    for school, size in zip(schools, sizes, strict=True):
        for _ in range(size):
            old = bool(old_every) and index % old_every == old_every - 1
            birth = (date(1968, 1, 1) if old else date(1982, 1, 1)) + timedelta(days=index)
            person = Person(
                name=f"{code}教师{index:05d}",
                name_pinyin=f"p{code}{index:05d}",
                gender="female",
                birth_date=birth,
                section="primary",
                org=school,
            )
            person.set_id_number("resident_id", idnumbers.make_valid_id("320399", birth, 7, "female"))
            people.append(person)
            index += 1
    Person.objects.bulk_create(people, batch_size=1000)
    people = list(Person.objects.filter(org__in=schools).select_related("org").order_by("id"))
    groups = {g.name: g for g in competition.groups.all()}
    Entry.objects.bulk_create(
        [
            Entry(
                competition=competition,
                person=p,
                school=p.org,
                org_path=p.org.path,
                subject=SUBJECT,
                group=groups["中老年组" if p.birth_date and p.birth_date < services.YOUTH else "小学青年组"],
            )
            for p in people
        ],
        batch_size=1000,
    )
    first = competition.stages.get(number=1)
    Place.objects.bulk_create(
        [Place(stage=first, entry=e, way=Way.ENTERED) for e in competition.entries.all()], batch_size=1000
    )
    return Flow(competition=competition, actor=user, schools=schools)


def _judges(flow: Flow) -> dict[int, Any]:
    """One judge per stage, assigned to every item of it for every group."""
    made = {}
    for stage in flow.competition.stages.all():
        user = get_user_model().objects.create_user(
            username=f"judge{stage.number}_{flow.competition.pk}", password="x" * 16
        )
        for item in stage.items.all():
            for group in flow.competition.groups.all():
                services.assign_judge(item=item, group=group, user=user, actor=flow.actor)
        made[stage.number] = user
    return made


def _score(stage: Stage, judge) -> int:
    marks = [
        (place.entry_id, item.pk, mark(place.entry_id, item.pk, stage.number))
        for place in stage.places.select_related("entry")
        for item in services.items_for(stage, place.entry)
    ]
    return services.import_scores(stage=stage, marks=marks, judge=judge)


def _nominate(flow: Flow, stage: Stage) -> int:
    """Each unit nominates its best of the round before by total (then entry id), as many as its
    quota's nominated places."""
    quotas = services.quotas(stage)
    before = list(
        services.previous(stage)
        .places.select_related("entry__school", "entry__person")
        .filter(entry__status=EntryStatus.ENTERED)
    )
    unit_map = services.units(stage, {p.entry.school_id for p in before})
    by_unit: dict[int, list[Place]] = {}
    for place in before:
        by_unit.setdefault(unit_map[place.entry.school_id], []).append(place)
    count = 0
    for unit, quota in sorted(quotas.items()):
        best = sorted(by_unit.get(unit, []), key=lambda p: (-(p.total or Decimal(0)), p.entry_id))
        for place in best[: quota.nominated]:
            services.nominate(stage=stage, entry=place.entry, actor=flow.actor)
            count += 1
    return count


def _draw(flow: Flow, stage: Stage, label: str) -> None:
    year = flow.competition.year
    published: list[Stage] = []

    def publish() -> tuple[int, str]:
        published.append(
            services.publish_draw(stage=stage, seed=SEED.format(year=year, n=stage.number), actor=flow.actor)
        )
        return len(published[0].candidates), f"drawn places {sum(published[0].draw_quotas.values())}"

    flow.timed(f"{label} draw published", publish)

    def run_draw() -> int:
        return len(services.run_draw(stage=stage, actor=flow.actor).drawn)

    flow.timed(f"{label} draw run", run_draw)

    def verify() -> tuple[int, str]:
        check = services.verify_draw(Stage.objects.get(pk=stage.pk))
        flow.checks[f"{label} draw re-run identical"] = check.same and check.digest_ok
        return len(check.rerun), f"same={check.same} digest_ok={check.digest_ok}"

    flow.timed(f"{label} draw verified", verify)


def _score_by_sheet(flow: Flow, stage: Stage, judge) -> int:
    """The judge downloads the sheet, fills the score column and uploads it back."""
    book = load_workbook(io.BytesIO(scoresheet.workbook(stage, judge)))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        entry_id, item_id = int(str(row[0].value)), int(str(row[1].value))
        value = mark(entry_id, item_id, stage.number)
        flow.sheet_marks[(entry_id, item_id)] = value
        row[6].value = float(value)
    output = io.BytesIO()
    book.save(output)
    preview = scoresheet.read(output.getvalue(), "评分表.xlsx", stage=stage, judge=judge)
    if not preview.ready:
        raise AssertionError(f"score sheet refused: {preview.refused[:3]}")
    return services.import_scores(
        stage=stage, marks=[(m.entry_id, m.item_id, m.value) for m in preview.marks], judge=judge
    )


def run(flow: Flow) -> Flow:
    competition = flow.competition
    stages = {s.number: s for s in competition.stages.all()}
    judges: dict[int, Any] = {}

    def assign() -> int:
        judges.update(_judges(flow))
        return Judge.objects.filter(item__stage__competition=competition).count()

    flow.timed("judges assigned", assign)
    flow.timed("round 1 scored", lambda: _score(stages[1], judges[1]))
    flow.timed("round 1 results", lambda: services.compute_results(stage=stages[1]))

    def quotas(stage: Stage) -> tuple[int, str]:
        q = services.quotas(stage)
        return len(q), (
            f"places {sum(x.places for x in q.values())} = {sum(x.nominated for x in q.values())} "
            f"nominated + {sum(x.drawn for x in q.values())} drawn"
        )

    flow.timed("round 2 quotas", lambda: quotas(stages[2]))
    flow.timed("round 2 nominations", lambda: _nominate(flow, stages[2]))
    _draw(flow, stages[2], "round 2")
    flow.timed("round 2 scored", lambda: _score(stages[2], judges[2]))
    flow.timed("round 2 results", lambda: services.compute_results(stage=stages[2]))
    flow.timed("final quotas", lambda: quotas(stages[3]))
    flow.timed("final nominations", lambda: _nominate(flow, stages[3]))
    _draw(flow, stages[3], "final")
    flow.timed("final scored (xlsx)", lambda: _score_by_sheet(flow, stages[3], judges[3]))

    def veto() -> int:
        services.compute_results(stage=stages[3])
        best = stages[3].places.select_related("entry__person").order_by("rank", "entry_id").first()
        assert best is not None
        flow.vetoed = best.entry.person
        assessment_services.record_veto(
            person=best.entry.person, year=competition.year, reason="师德考核不合格", actor=flow.actor
        )
        return 1

    flow.timed("ethics veto recorded", veto)
    flow.timed(
        "awards drafted (公示)", lambda: services.draft_awards(competition=competition, actor=flow.actor)
    )
    flow.checks["vetoed teacher awardless"] = not Award.objects.filter(
        competition=competition, entry__person=flow.vetoed
    ).exists()

    def objection() -> int:
        award = Award.objects.filter(competition=competition).order_by("-level", "-entry_id").first()
        assert award is not None
        raised = services.raise_objection(award=award, text="课例抄袭，材料造假", actor=flow.actor)
        services.decide_objection(objection=raised, upheld=True, actor=flow.actor)
        flow.revoked = Entry.objects.get(pk=award.entry_id)
        return 1

    flow.timed("objection upheld", objection)
    flow.timed("awards finalised", lambda: services.finalise(competition=competition, actor=flow.actor))
    revoked = Award.objects.get(competition=competition, entry=flow.revoked)
    flow.checks["objection: entry disqualified, award revoked"] = (
        flow.revoked is not None
        and Entry.objects.get(pk=flow.revoked.pk).status == EntryStatus.DISQUALIFIED
        and revoked.status == AwardStatus.REVOKED
        and not revoked.number
    )
    flow.checks["vetoed teacher awardless"] &= not Award.objects.filter(
        competition=competition, entry__person=flow.vetoed
    ).exists()
    final = Award.objects.filter(competition=competition, status=AwardStatus.FINAL)
    numbers = list(final.values_list("number", flat=True))
    flow.checks["every final award numbered"] = (
        bool(numbers) and all(numbers) and len(set(numbers)) == len(numbers)
    )
    flow.checks["xlsx marks stored"] = bool(flow.sheet_marks) and all(
        flow.sheet_marks.get((s.place.entry_id, s.item_id)) == s.value
        for s in Score.objects.filter(place__stage=stages[3]).select_related("place")
    )
    return flow
