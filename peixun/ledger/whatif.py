"""What-if: a policy version (usually a draft) evaluated against the real people of an org subtree, in
memory, nothing stored for them — how many would be short, on which rule, in which school — beside
how they stand today under the versions in force."""

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from peixun.ledger.compliance import BATCH, cells_by_person, facts_from_values
from peixun.ledger.models import ComplianceResult
from peixun.orgs.models import Org, OrgKind, Person
from peixun.policies.models import PolicyVersion
from peixun.policies.rules import Evaluator

SAMPLE = 200
Progress = Callable[[int, int], None]


def _school_of(path: str, schools: dict[str, tuple[int, str]]) -> tuple[int, str] | None:
    for end in range(len(path), 0, -9):
        found = schools.get(path[:end])
        if found:
            return found
    return None


def what_if(version: PolicyVersion, org: Org, as_of: date, progress: Progress | None = None) -> dict:
    evaluator = Evaluator(version.rules)
    people = Person.objects.filter(org__path__startswith=org.path).order_by("pk")
    ids = list(people.values_list("pk", flat=True))
    schools = {
        path: (pk, name)
        for pk, path, name in Org.objects.filter(path__startswith=org.path, kind=OrgKind.SCHOOL).values_list(
            "pk", "path", "name"
        )
    }
    total = len(ids)
    short = compliant = exempt = 0
    by_rule: Counter[str] = Counter()
    shortfall_by_rule: defaultdict[str, Decimal] = defaultdict(Decimal)
    labels: dict[str, str] = {"total": "总学时"}
    by_school: dict[int, dict] = {}
    sample: list[dict] = []
    for start in range(0, total, BATCH):
        if progress is not None:
            progress(start, total)
        batch = list(
            Person.objects.filter(pk__in=ids[start : start + BATCH]).values(
                "id",
                "name",
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
            result = evaluator.evaluate_cells(facts_from_values(row), cells.get(row["id"], {}), as_of)
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
            if len(sample) < SAMPLE:
                sample.append(
                    {
                        "person": row["id"],
                        "name": row["name"],
                        "org": row["org__name"],
                        "shortfall": float(result.shortfall_hours),
                        "messages": [line.message for line in result.lines if not line.ok],
                    }
                )
    if progress is not None:
        progress(total, total)
    today_short = ComplianceResult.objects.filter(
        person__org__path__startswith=org.path, compliant=False
    ).count()
    return {
        "people": total,
        "compliant": compliant,
        "short": short,
        "exempt": exempt,
        "short_today": today_short,
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
        "sample": sample,
    }
