"""What-if: a policy version (usually a draft) evaluated against the real people of an org subtree,
in memory, beside the versions in force for each of them on the same day — nothing of theirs is
changed. The run tells how many would be short, on which rule and in which school; what the
candidate changes, in words (peixun.policies.compare); how many newly comply, newly fall short or
stay as they are; and who changes, with why (WhatIfChange rows, listed and exported by the page).

"Before" is each person's standing on the run's day under the adopted version that governs them
(the nearest policy above their org, peixun.policies.selectors.Governance), from the same hours,
so both sides are computed alike. A person no policy governs today is "without a policy": short
under the candidate counts as newly short, compliant under it as unchanged."""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from peixun.ledger.compliance import BATCH, Evaluators, cells_by_person, facts_from_values
from peixun.orgs.models import Org, OrgKind, Person
from peixun.policies.compare import person_reasons, policy_changes
from peixun.policies.models import ChangeKind, PolicyVersion, WhatIfChange
from peixun.policies.rules import Evaluator
from peixun.policies.selectors import Governance

Progress = Callable[[int, int], None]

NEWLY_COMPLIANT = "newly_compliant"
NEWLY_SHORT = "newly_short"
UNCHANGED = "unchanged"


@dataclass
class Outcome:
    result: dict
    changes: list[WhatIfChange] = field(default_factory=list)


def _school_of(path: str, schools: dict[str, tuple[int, str]]) -> tuple[int, str] | None:
    for end in range(len(path), 0, -9):
        found = schools.get(path[:end])
        if found:
            return found
    return None


def change_of(before_compliant: bool | None, after_compliant: bool) -> str:
    """How a person's standing moves from the versions in force (None: no policy) to the candidate."""
    if after_compliant:
        return NEWLY_COMPLIANT if before_compliant is False else UNCHANGED
    return NEWLY_SHORT if before_compliant is not False else UNCHANGED


def _version_words(version: PolicyVersion) -> dict:
    return {"name": version.policy.name, "number": version.number, "org": version.policy.org.name}


def what_if(version: PolicyVersion, org: Org, as_of: date, progress: Progress | None = None) -> Outcome:
    evaluator = Evaluator(version.rules)
    governance, evaluators = Governance(as_of), Evaluators()
    people = Person.objects.filter(org__path__startswith=org.path).order_by("pk")
    ids = list(people.values_list("pk", flat=True))
    schools = {
        path: (pk, name)
        for pk, path, name in Org.objects.filter(path__startswith=org.path, kind=OrgKind.SCHOOL).values_list(
            "pk", "path", "name"
        )
    }
    total = len(ids)
    short = compliant = exempt = short_before = 0
    moves: Counter[str] = Counter()
    governed_by: Counter[int] = Counter()
    by_rule: Counter[str] = Counter()
    shortfall_by_rule: defaultdict[str, Decimal] = defaultdict(Decimal)
    labels: dict[str, str] = {"total": "总学时"}
    by_school: dict[int, dict] = {}
    changes: list[WhatIfChange] = []
    for start in range(0, total, BATCH):
        if progress is not None:
            progress(start, total)
        batch = list(
            Person.objects.filter(pk__in=ids[start : start + BATCH]).values(
                "id",
                "gender",
                "birth_date",
                "title",
                "section",
                "roles",
                "hire_date",
                "status",
                "org__path",
                "org__name",
            )
        )
        cells = cells_by_person([row["id"] for row in batch])
        for row in batch:
            facts, mine = facts_from_values(row), cells.get(row["id"], {})
            result = evaluator.evaluate_cells(facts, mine, as_of, explain=False)
            current = governance.version_for(row["org__path"])
            before = None
            if current is not None:
                governed_by[current.pk] += 1
                before = evaluators(current).evaluate_cells(facts, mine, as_of, explain=False)
                short_before += not before.compliant
            move = change_of(before.compliant if before is not None else None, result.compliant)
            moves[move] += 1
            if move != UNCHANGED:
                changes.append(
                    WhatIfChange(
                        person_id=row["id"],
                        org_path=row["org__path"],
                        kind=ChangeKind(move),
                        shortfall_before=before.shortfall_hours if before is not None else None,
                        shortfall_after=result.shortfall_hours,
                        reasons=person_reasons(before, result),
                    )
                )
            school = _school_of(row["org__path"], schools) or (0, row["org__name"])
            counts = by_school.setdefault(school[0], {"name": school[1], "people": 0, "short": 0})
            counts["people"] += 1
            exempt += result.exempt
            if result.compliant:
                compliant += 1
                continue
            short += 1
            counts["short"] += 1
            for line in result.lines:
                labels[line.rule_id] = line.label
                if not line.ok:
                    by_rule[line.rule_id] += 1
                    shortfall_by_rule[line.rule_id] += line.shortfall
    if progress is not None:
        progress(total, total)
    baseline = governance.version_for(org.path)
    explanation = policy_changes(baseline.rules if baseline is not None else None, version.rules)
    versions = {v.pk: v for v in governance.versions}
    others = [
        {**_version_words(versions[pk]), "people": count}
        for pk, count in governed_by.most_common()
        if baseline is None or pk != baseline.pk
    ]
    return Outcome(
        result={
            "people": total,
            "compliant": compliant,
            "short": short,
            "exempt": exempt,
            "short_today": short_before,
            "newly_compliant": moves[NEWLY_COMPLIANT],
            "newly_short": moves[NEWLY_SHORT],
            "unchanged": moves[UNCHANGED],
            "without_policy": total - sum(governed_by.values()),
            "candidate": _version_words(version),
            "current": _version_words(baseline) if baseline is not None else None,
            "others": others,
            "explanation": explanation,
            "rules": [
                {
                    "rule": rule_id,
                    "label": labels[rule_id],
                    "short": count,
                    "shortfall": float(shortfall_by_rule[rule_id]),
                }
                for rule_id, count in by_rule.most_common()
            ],
            "schools": sorted(by_school.values(), key=lambda item: (-item["short"], item["name"]))[:100],
        },
        changes=changes,
    )
