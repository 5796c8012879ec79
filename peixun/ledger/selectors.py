"""Reads of the ledger: a person's standing (live, from their entries), and the compliance report
of an org subtree (from the stored results and the rollups), scoped like everything else."""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from peixun.core.fields import has_code
from peixun.ledger.compliance import earned_from_entries, facts_of
from peixun.ledger.models import ComplianceResult, CreditEntry
from peixun.orgs.access import path_q
from peixun.orgs.models import SEGMENT_LENGTH, Org, Person
from peixun.policies.models import PolicyVersion
from peixun.policies.rules import Evaluator, Result, period_containing
from peixun.policies.rules import Policy as RulesPolicy
from peixun.policies.selectors import Governance


@dataclass(frozen=True)
class Standing:
    """A person's hours and where they stand today under the version that governs them."""

    person: Person
    version: PolicyVersion | None
    result: Result | None
    entries: list[CreditEntry]

    @property
    def missing(self) -> list[str]:
        """What is still missing, in words (the failing lines' messages)."""
        return [line.message for line in self.result.lines if not line.ok] if self.result else []


def standing(person: Person, as_of: date | None = None) -> Standing:
    as_of = as_of or timezone.localdate()
    version = Governance(as_of).version_for(person.org.path)
    entries = list(
        CreditEntry.objects.filter(person=person)
        .select_related("reverses", "author")
        .prefetch_related("reversal")
        .order_by("-earned_on", "-id")
    )
    result = None
    if version is not None:
        result = Evaluator(version.rules).evaluate(facts_of(person), earned_from_entries(entries), as_of)
    return Standing(person=person, version=version, result=result, entries=entries)


def sample_result(policy: RulesPolicy, person: Person, as_of: date) -> Result:
    """A person evaluated under a policy being written (the editor's preview): nothing is stored."""
    entries = CreditEntry.objects.filter(person=person)
    return Evaluator(policy).evaluate(facts_of(person), earned_from_entries(entries), as_of)


# --- The compliance report -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFilter:
    org: Org
    rule: str = ""
    status: str = "short"  # short, compliant, all


def results_in(org: Org) -> QuerySet[ComplianceResult]:
    return ComplianceResult.objects.filter(org_path__startswith=org.path)


def _ungoverned_count(org: Org, governance: Governance) -> Count | None:
    """Counts the people of the subtree no policy in force governs (their org is under no org
    with an adopted version in force); None when the whole subtree is governed."""
    paths = {version.policy.org.path for version in governance.versions}
    if any(org.path.startswith(path) for path in paths):
        return None
    inside = [path for path in paths if path.startswith(org.path)]
    return Count("pk", filter=~path_q(inside, "org__path")) if inside else Count("pk")


def _unit_row(org: Org, own: bool, people: int, ungoverned: int, results: dict) -> dict:
    governed, compliant = results.get("governed", 0), results.get("compliant", 0)
    return {
        "org": org,
        "own": own,
        "people": people,
        "governed": governed,
        "compliant": compliant,
        "short": governed - compliant,
        "exempt": results.get("exempt", 0),
        "ungoverned": ungoverned,
        # Governed people whose result is not stored yet (a refresh still queued).
        "pending": max(people - governed - ungoverned, 0),
        "rate": round(compliant * 100 / governed, 1) if governed else None,
    }


def units(org: Org) -> list[dict]:
    """The report's units: each child org (school, town, county) and, when the org itself has
    people, the org's own people (`own`, last): people, with a result, compliant, short, exempt,
    under no policy, not computed yet, rate. The headline figures are their sums, so every count
    the report shows agrees.

    A constant number of GROUP BYs, whatever the number of children: people grouped by their org
    (an index-only scan at 100,000 people, where grouping by a slice of the joined org's path
    computed the slice for every person), results by their stored path; the groups are then summed
    per child in Python, and orgs named in one query."""
    start, length = len(org.path), SEGMENT_LENGTH - 1
    ungoverned = _ungoverned_count(org, Governance(timezone.localdate()))
    people_counts = {"n": Count("pk")}
    if ungoverned is not None:
        people_counts["ungoverned"] = ungoverned
    paths = dict(Org.objects.filter(path__startswith=org.path).values_list("pk", "path"))
    by_org = (
        Person.objects.filter(org__path__startswith=org.path)
        .values("org_id")
        .annotate(**people_counts)
        .order_by()
    )
    by_child_people = _summed(((paths[row["org_id"]], row) for row in by_org), org.path, start, length)
    own_people = by_child_people.pop(None, {"n": 0})
    result_counts = {
        "governed": Count("pk"),
        "compliant": Count("pk", filter=Q(compliant=True)),
        "exempt": Count("pk", filter=Q(exempt=True)),
    }
    by_path = results_in(org).values("org_path").annotate(**result_counts).order_by()
    by_child_results = _summed(((row["org_path"], row) for row in by_path), org.path, start, length)
    own_results = by_child_results.pop(None, {"governed": 0, "compliant": 0, "exempt": 0})
    table = []
    for child in Org.objects.filter(parent=org).order_by("name"):
        counted = by_child_people.get(child.pk, {})
        table.append(
            _unit_row(
                child,
                False,
                counted.get("n", 0),
                counted.get("ungoverned", 0),
                by_child_results.get(child.pk, {}),
            )
        )
    table.sort(key=lambda item: (item["rate"] if item["rate"] is not None else 101, item["org"].name))
    if own_people["n"] or own_results["governed"]:
        table.append(_unit_row(org, True, own_people["n"], own_people.get("ungoverned") or 0, own_results))
    return table


def _summed(rows, root: str, start: int, length: int) -> dict[int | None, dict]:
    """Counts grouped by org path summed per child of the org at `root` (the child's id is the path
    segment after the root's); the root's own under None."""
    summed: dict[int | None, dict] = {}
    for path, counts in rows:
        child = None if path == root else int(path[start : start + length])
        into = summed.setdefault(child, {})
        for key, value in counts.items():
            if key not in ("org_id", "org_path"):
                into[key] = into.get(key, 0) + (value or 0)
    return summed


def figures(org: Org, rows: list[dict] | None = None) -> tuple[dict, dict]:
    """The subtree's headline counts (the sums of its units' rows) and its hours by category and by
    level, in one aggregate over the stored results."""
    rows = units(org) if rows is None else rows
    sums = results_in(org).aggregate(
        shortfall=Sum("shortfall_hours"), **{name: Sum(name) for name in ComplianceResult.KIND_FIELDS}
    )
    summary = totals(rows)
    summary["shortfall"] = sums["shortfall"] or 0
    return summary, _hours(org, sums)


SUMMED = ("people", "governed", "compliant", "short", "exempt", "ungoverned", "pending")


def totals(rows: list[dict]) -> dict:
    """The sums of units' rows, and the share compliant of those with a result."""
    summary = {name: sum(row[name] for row in rows) for name in SUMMED}
    governed = summary["governed"]
    summary["rate"] = round(summary["compliant"] * 100 / governed, 1) if governed else None
    return summary


def by_rule(org: Org) -> list[dict]:
    """How many people are short on each rule (from the stored results' short rules)."""
    counts: Counter[str] = Counter()
    for short_rules in results_in(org).filter(compliant=False).values_list("short_rules", flat=True):
        counts.update(short_rules)
    labels = rule_labels(org)
    return [
        {"rule": rule, "label": labels.get(rule, rule), "short": count}
        for rule, count in counts.most_common()
    ]


def rule_labels(org: Org) -> dict[str, str]:
    """Rule id → label, over the versions that govern the subtree today (and the total line)."""
    labels = {"total": "总学时"}
    for version in Governance(timezone.localdate()).versions:
        if version.policy.org.path.startswith(org.path) or org.path.startswith(version.policy.org.path):
            labels.update({rule.id: rule.label for rule in version.rules.rules})
    return labels


def people_results(filters: ReportFilter) -> QuerySet[ComplianceResult]:
    queryset = results_in(filters.org).select_related("person__org")
    if filters.status == "short":
        queryset = queryset.filter(compliant=False)
    elif filters.status == "compliant":
        queryset = queryset.filter(compliant=True)
    if filters.rule:
        queryset = queryset.filter(has_code("short_rules", filters.rule))
    return queryset.order_by("-shortfall_hours", "person__name_pinyin", "person_id")


def _hours(org: Org, sums: dict) -> dict:
    """Hours earned in each person's current period, by category and by level; the period shown
    is that of the policy governing `org`."""
    today = timezone.localdate()
    version = Governance(today).version_for(org.path)
    period = period_containing(version.rules.period, today) if version is not None else None
    by_category: dict[str, Decimal] = {}
    by_level: dict[str, Decimal] = {}
    for name, (axis, code) in ComplianceResult.KIND_FIELDS.items():
        if sums[name]:
            (by_category if axis == "category" else by_level)[code] = sums[name]
    return {
        "start": period.start if period else None,
        "end": period.end if period else None,
        "category": by_category,
        "level": by_level,
    }


def hours_by_mode(person_ids, start: date, end: date) -> dict[int, dict[str, Decimal]]:
    """Each person's net hours (reversals included) earned between two dates, by mode of training
    (concentrated, remote …): what a yearly obligation such as A13's concentrated hours reads."""
    found: dict[int, dict[str, Decimal]] = {}
    rows = (
        CreditEntry.objects.filter(person_id__in=list(person_ids), earned_on__gte=start, earned_on__lte=end)
        .values("person_id", "mode")
        .annotate(total=Sum("hours"))
    )
    for row in rows:
        found.setdefault(row["person_id"], {})[row["mode"]] = row["total"] or Decimal(0)
    return found


def results_by_person(person_ids: list[int]) -> dict[int, ComplianceResult]:
    """The stored standing of these people (the current period of the policy governing each), by
    person; someone not computed yet is not in the dict."""
    found = ComplianceResult.objects.filter(person_id__in=person_ids).select_related("version__policy")
    return {result.person_id: result for result in found}
