"""Ledger demo data for `manage.py seed_demo`: credit policies and five years of training records
for the teachers of the demo county, so 我的学时 and the compliance report have a story to tell.

The province adopts the shipped `five-year-360` (cycles 2021–2025, 2026–2030); the demo county
overrides it with the same rules on cycles anchored a year later (2022–2026), so its cycle ends at
the end of this year and the report shows who is still short with weeks to go. A draft of
`five-year-360-county180` waits beside it for a what-if run. Records are drawn from a catalogue of
typical trainings, so most teachers are nearly or fully compliant and some are well behind.
Entries are written in bulk (synthetic rows are nobody's change), then rollups and results are
rebuilt for the county.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model

from peixun.ledger import compliance
from peixun.ledger.models import CreditEntry
from peixun.orgs.models import Org, Person, PersonStatus
from peixun.policies import services as policy_services
from peixun.policies.rules.presets import preset_text


@dataclass(frozen=True)
class Training:
    title: str
    hours: int
    category: str
    level: str
    mode: str
    organiser: str
    tags: tuple[str, ...] = ()
    source: str = "project"
    # How likely a diligent teacher takes it in a given year.
    yearly: float = 0.35


CITY_CENTRE = "徐州市教师发展中心"
COUNTY_CENTRE = "铜山区教师发展中心"
CATALOGUE = (
    # title, hours, category, level, mode, organiser, tags, source, yearly likelihood
    Training(
        "新时代师德师风专题培训",
        12,
        "ethics_literacy",
        "city",
        "concentrated",
        CITY_CENTRE,
        ("ethics",),
        yearly=0.5,
    ),
    Training(
        "教师职业道德规范网络研修",
        24,
        "ethics_literacy",
        "county",
        "remote",
        COUNTY_CENTRE,
        ("ethics",),
        yearly=0.4,
    ),
    Training("心理健康教育与师生沟通", 12, "ethics_literacy", "county", "blended", COUNTY_CENTRE, yearly=0.4),
    Training(
        "教育法律法规与依法执教", 12, "ethics_literacy", "school", "school_based", "", ("ethics",), yearly=0.8
    ),
    Training(
        "新课标解读与教学设计", 30, "knowledge_skills", "county", "concentrated", COUNTY_CENTRE, yearly=0.3
    ),
    Training(
        "信息技术应用能力提升工程2.0", 30, "knowledge_skills", "county", "remote", COUNTY_CENTRE, yearly=0.3
    ),
    Training("学科核心素养专题研修", 24, "knowledge_skills", "city", "blended", CITY_CENTRE, yearly=0.35),
    Training("作业设计与评价改革", 12, "knowledge_skills", "school", "school_based", "", yearly=0.8),
    Training(
        "校本教研：同课异构", 18, "practice", "school", "school_based", "", source="school_based", yearly=0.8
    ),
    Training(
        "校本研修：课堂观察与反思",
        24,
        "practice",
        "school",
        "school_based",
        "",
        source="school_based",
        yearly=0.8,
    ),
    Training(
        "青蓝工程结对带教", 20, "practice", "school", "school_based", "", source="school_based", yearly=0.8
    ),
    Training("送教下乡示范课", 12, "practice", "county", "outreach", COUNTY_CENTRE, yearly=0.3),
)
HEAD_TEACHER = Training(
    "班主任专题培训", 30, "knowledge_skills", "city", "concentrated", CITY_CENTRE, ("head_teacher_topic",)
)

COUNTY_CYCLE = (
    preset_text("five-year-360")
    .replace(
        "code: five-year-360\nname: 五年一周期 360 学时", "code: county-360\nname: 铜山区五年周期 360 学时"
    )
    .replace("anchor: 2021-01-01", "anchor: 2022-01-01")
)


def _draw_record(rng: random.Random, person: Person, start: date, today: date) -> list[tuple[Training, date]]:
    """Trainings for one teacher, year by year: each training of the catalogue with its yearly
    likelihood scaled by the teacher's diligence (which varies), and the head-teacher topic once
    for most head teachers."""
    diligence = min(1.3, max(0.2, rng.gauss(1.05, 0.22)))
    if person.title in ("senior", "professor"):
        diligence *= 1.5  # 540 h for senior titles (RULES A7)
    record: list[tuple[Training, date]] = []
    for year in range(start.year, today.year + 1):
        first = date(year, 1, 1)
        days = ((today if year == today.year else date(year, 12, 31)) - first).days
        for training in CATALOGUE:
            if rng.random() < training.yearly * diligence:
                record.append((training, first + timedelta(days=rng.randrange(days))))
    if "head_teacher" in person.roles and rng.random() < 0.85:
        record.append((HEAD_TEACHER, start + timedelta(days=rng.randrange((today - start).days))))
    return record


def seed_ledger(*, root: Org, county: Org, seed: int, today: date) -> int:
    """Adopt the policies and write the county's records; returns the number of entries."""
    author = get_user_model().objects.get(username="admin")
    for org, text, start in (
        (root, preset_text("five-year-360"), date(2021, 1, 1)),
        (county, COUNTY_CYCLE, date(2022, 1, 1)),
    ):
        version = policy_services.create_policy(org=org, text=text, effective_from=start, actor=author)
        policy_services.adopt(version=version, actor=author)
    policy_services.create_policy(
        org=county,
        text=preset_text("five-year-360-county180").replace(
            "code: five-year-360-county180", "code: county-180"
        ),
        effective_from=date(2027, 1, 1),
        note="草案：拟从 2027 年起改为县级以上 180 学时",
        actor=author,
    )

    rng = random.Random(seed)
    start = date(2022, 1, 1)
    entries = []
    people = Person.objects.filter(org__path__startswith=county.path, status=PersonStatus.ACTIVE).order_by(
        "pk"
    )
    # The demo teacher (a head teacher) is behind, so 我的学时 shows what is still missing.
    behind = get_user_model().objects.filter(username="teacher").values_list("person_id", flat=True).first()
    for person in people.only("pk", "roles", "title"):
        record = _draw_record(rng, person, start, today)
        if person.pk == behind:
            record = [
                (training, day) for training, day in record if training.level == "school" or day.year < 2025
            ]
        for number, (training, day) in enumerate(record):
            entries.append(
                CreditEntry(
                    person_id=person.pk,
                    hours=Decimal(training.hours),
                    category=training.category,
                    tags=sorted(training.tags),
                    level=training.level,
                    mode=training.mode,
                    credit_class="A",
                    earned_on=day,
                    source=training.source,
                    source_ref="demo",
                    title=f"{day.year}年{training.title}",
                    organiser=training.organiser,
                    idempotency_key=f"demo:{person.pk}:{number}",
                )
            )
    CreditEntry.objects.bulk_create(entries, batch_size=500)
    compliance.rebuild(org_path=root.path, as_of=today)
    return len(entries)
