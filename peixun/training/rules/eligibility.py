"""Who may take part in a project: a project's target rules applied to one person's facts.

`TargetRules` is what a project asks for — sections, subjects, titles, roles, org subtrees, a
gender, age limits at a reference date (RULES B1: men ≤ 52, women ≤ 47 on 31 December), and
exclusions: org subtrees (B5, district-seat schools), people already trained at a level or above
(B6) and winners of a prize at a level or above in the last N years (B5). `evaluate` answers with a
`Decision`: may the person enrol, must they (mandatory projects enrol everyone eligible and within
the age limits; with `age_limits_mandatory_only` the others may still enrol by choice, B1), and
every reason against, as a code with its parameters (the pages word them, in Chinese or English).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

# Levels from the top down: "city or above" means an index ≤ the city's.
LEVELS = ("overseas", "national", "provincial", "city", "county", "school")
ACTIVE = "active"


def level_at_or_above(level: str, floor: str) -> bool:
    """Whether `level` is `floor` or higher (overseas, then national, are the highest). Unknown
    levels never are."""
    if level not in LEVELS or floor not in LEVELS:
        return False
    return LEVELS.index(level) <= LEVELS.index(floor)


def age_on(birth: date, day: date) -> int:
    """Whole years of age on `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass(frozen=True)
class TargetRules:
    """A project's target rules. Empty collections mean "anyone"; `org_paths` are the subtrees of
    the audience (materialised org paths, "00000001/00000007/")."""

    org_paths: tuple[str, ...] = ()
    exclude_org_paths: tuple[str, ...] = ()
    sections: frozenset[str] = frozenset()
    subjects: frozenset[str] = frozenset()
    titles: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()  # any one of them
    gender: str = ""  # "", "male" or "female"
    min_age: int | None = None
    max_age_male: int | None = None
    max_age_female: int | None = None
    age_reference: date | None = None  # 31 December of the project's year when None
    age_limits_mandatory_only: bool = False  # B1: over the limit = may enrol, need not
    exclude_trained_level: str = ""  # B6: already trained at this level or above …
    exclude_trained_type: str = ""  # … in a project of this type ("" = any type)
    exclude_trained_years: int = 5
    exclude_prize_level: str = ""  # B5: a prize at this level or above …
    exclude_prize_years: int = 5  # … in the last N years
    exclude_prize_ranks: frozenset[str] = frozenset()  # e.g. {"first"}; empty = any rank


@dataclass(frozen=True)
class PastTraining:
    project_type: str
    level: str
    year: int


@dataclass(frozen=True)
class Prize:
    level: str
    rank: str
    year: int


@dataclass(frozen=True)
class PersonFacts:
    """What the rules read about one person."""

    person_id: int
    org_path: str
    gender: str = ""
    birth_date: date | None = None
    section: str = ""
    subjects: tuple[str, ...] = ()
    title: str = ""
    roles: tuple[str, ...] = ()
    status: str = ACTIVE
    trainings: tuple[PastTraining, ...] = ()
    prizes: tuple[Prize, ...] = ()


@dataclass(frozen=True)
class Reason:
    """Why a person may not enrol: a code and its parameters (codes listed in REASON_CODES)."""

    code: str
    params: tuple[tuple[str, object], ...] = ()

    def param(self, name: str, default: object = None) -> object:
        return dict(self.params).get(name, default)


REASON_CODES = (
    "status",
    "org",
    "excluded_org",
    "section",
    "subject",
    "title",
    "role",
    "gender",
    "too_young",
    "too_old",
    "already_trained",
    "prize",
)


@dataclass(frozen=True)
class Decision:
    eligible: bool
    mandatory: bool
    reasons: tuple[Reason, ...] = ()
    # Subjects the person may enrol in (B8: one of them), when the project lists subjects.
    subjects: tuple[str, ...] = field(default=())


def _reason(code: str, **params: object) -> Reason:
    return Reason(code, tuple(sorted(params.items())))


def _within(path: str, prefixes: Iterable[str]) -> bool:
    return any(path.startswith(prefix) for prefix in prefixes)


def _age_reason(rules: TargetRules, facts: PersonFacts, reference: date) -> Reason | None:
    if facts.birth_date is None:
        if rules.min_age is not None or rules.max_age_male is not None or rules.max_age_female is not None:
            return _reason("too_old", limit=None, age=None, reference=reference)
        return None
    age = age_on(facts.birth_date, reference)
    if rules.min_age is not None and age < rules.min_age:
        return _reason("too_young", limit=rules.min_age, age=age, reference=reference)
    limit = rules.max_age_male if facts.gender == "male" else rules.max_age_female
    if facts.gender not in ("male", "female"):
        limit = None
    if limit is not None and age > limit:
        return _reason("too_old", limit=limit, age=age, reference=reference, gender=facts.gender)
    return None


def evaluate(rules: TargetRules, facts: PersonFacts, *, today: date, project_year: int) -> Decision:
    """Apply `rules` to `facts`. `today` dates the look-back windows; ages are taken at
    `rules.age_reference`, or 31 December of `project_year`."""
    reasons: list[Reason] = []
    if facts.status != ACTIVE:
        reasons.append(_reason("status", status=facts.status))  # retired, away or left (B7)
    if rules.org_paths and not _within(facts.org_path, rules.org_paths):
        reasons.append(_reason("org"))
    if rules.exclude_org_paths and _within(facts.org_path, rules.exclude_org_paths):
        reasons.append(_reason("excluded_org"))
    if rules.sections and facts.section not in rules.sections:
        reasons.append(_reason("section", allowed=tuple(sorted(rules.sections))))
    matching_subjects: tuple[str, ...] = ()
    if rules.subjects:
        matching_subjects = tuple(s for s in facts.subjects if s in rules.subjects)
        if not matching_subjects:
            reasons.append(_reason("subject", allowed=tuple(sorted(rules.subjects))))
    if rules.titles and facts.title not in rules.titles:
        reasons.append(_reason("title", allowed=tuple(sorted(rules.titles))))
    if rules.roles and not set(facts.roles) & rules.roles:
        reasons.append(_reason("role", allowed=tuple(sorted(rules.roles))))
    if rules.gender and facts.gender != rules.gender:
        reasons.append(_reason("gender", allowed=rules.gender))
    if rules.exclude_trained_level:
        since = today.year - rules.exclude_trained_years + 1
        for training in facts.trainings:
            if (
                training.year >= since
                and level_at_or_above(training.level, rules.exclude_trained_level)
                and (not rules.exclude_trained_type or training.project_type == rules.exclude_trained_type)
            ):
                reasons.append(_reason("already_trained", level=training.level, year=training.year))
                break
    if rules.exclude_prize_level:
        since = today.year - rules.exclude_prize_years + 1
        for prize in facts.prizes:
            if (
                prize.year >= since
                and level_at_or_above(prize.level, rules.exclude_prize_level)
                and (not rules.exclude_prize_ranks or prize.rank in rules.exclude_prize_ranks)
            ):
                reasons.append(_reason("prize", level=prize.level, rank=prize.rank, year=prize.year))
                break

    reference = rules.age_reference or date(project_year, 12, 31)
    age_reason = _age_reason(rules, facts, reference)
    if age_reason is not None and age_reason.code == "too_old" and rules.age_limits_mandatory_only:
        # B1: over the age limit, the person is not obliged to take part but may choose to.
        eligible = not reasons
        return Decision(
            eligible=eligible, mandatory=False, reasons=tuple(reasons), subjects=matching_subjects
        )
    if age_reason is not None:
        reasons.append(age_reason)
    eligible = not reasons
    return Decision(eligible=eligible, mandatory=eligible, reasons=tuple(reasons), subjects=matching_subjects)
