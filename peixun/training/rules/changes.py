"""A change request (变更申请) to an approved project: what the new terms would change in its classes,
and why they may not be taken. Pure: the service gives the project's figures now (places taken,
quotas, the classes with their trainees) and the terms asked for, and says the refusals in words.

The same checks run when the organiser submits and again when the approver approves, because
enrolment may have moved in between (a place taken, a trainee put in a class).
"""

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ClassLine:
    """One class as the request wants it: an existing class (`id`) under a name, or a new one."""

    id: int | None
    name: str


@dataclass(frozen=True)
class ExistingClass:
    id: int
    name: str
    trainees: int


@dataclass(frozen=True)
class ClassPlan:
    """What the request does to the classes: renames, new classes and classes removed."""

    renamed: tuple[tuple[ExistingClass, str], ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[ExistingClass, ...] = ()
    # Lines naming a class the project no longer has (its classes were formed again since).
    unknown: tuple[ClassLine, ...] = ()

    @property
    def changes_anything(self) -> bool:
        return bool(self.renamed or self.added or self.removed)


def plan_classes(existing: Sequence[ExistingClass], wanted: Sequence[ClassLine]) -> ClassPlan:
    """Compare the classes there are with those the request lists: an existing class left out of
    the list is removed, a line without an id is a new class; a line naming a class the project does
    not have (or one named twice) is `unknown`."""
    by_id = {cls.id: cls for cls in existing}
    kept: set[int] = set()
    renamed: list[tuple[ExistingClass, str]] = []
    added: list[str] = []
    unknown: list[ClassLine] = []
    for line in wanted:
        name = line.name.strip()
        if line.id is None:
            added.append(name)
            continue
        if line.id not in by_id or line.id in kept:
            unknown.append(line)
            continue
        kept.add(line.id)
        if name != by_id[line.id].name:
            renamed.append((by_id[line.id], name))
    removed = tuple(cls for cls in existing if cls.id not in kept)
    return ClassPlan(tuple(renamed), tuple(added), removed, tuple(unknown))


@dataclass(frozen=True)
class Terms:
    """The terms a request asks for, as the checks read them (dates in Beijing time)."""

    capacity: int
    min_size: int
    enrol_opens: date | None = None
    enrol_closes: date | None = None
    enrol_window_ok: bool = True  # closes after it opens (compared as date-times by the caller)
    starts_on: date | None = None
    ends_on: date | None = None
    class_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Standing:
    """Where the project stands now."""

    places_taken: int
    quota_total: int = 0  # the schools' quotas added up, while they bind (before their release)
    classes: tuple[ExistingClass, ...] = ()


@dataclass(frozen=True)
class Refusal:
    """Why the terms may not be taken: a code, the field it concerns and the figures to say it with."""

    code: str
    field: str
    params: Mapping[str, object] = dataclasses.field(default_factory=dict)


def refusals(terms: Terms, standing: Standing, plan: ClassPlan) -> list[Refusal]:
    """Every reason the terms may not be taken, in the order of the form (none: they may)."""
    found: list[Refusal] = []
    if terms.capacity < standing.places_taken:
        # Capacity never falls below the places held (docs/decisions/0021): the database would
        # refuse it too (`places_taken <= capacity`).
        found.append(Refusal("capacity_below_taken", "capacity", {"taken": standing.places_taken}))
    elif standing.quota_total > terms.capacity:
        found.append(
            Refusal(
                "quotas_above_capacity",
                "capacity",
                {"total": standing.quota_total, "capacity": terms.capacity},
            )
        )
    if terms.min_size > terms.capacity:
        found.append(Refusal("min_size_above_capacity", "min_size"))
    if not terms.enrol_window_ok:
        found.append(Refusal("window_backwards", "enrol_closes_at"))
    if terms.starts_on and terms.ends_on and terms.ends_on < terms.starts_on:
        found.append(Refusal("dates_backwards", "ends_on"))
    if terms.enrol_closes and terms.starts_on and terms.enrol_closes > terms.starts_on:
        found.append(Refusal("window_after_start", "enrol_closes_at"))
    if plan.unknown:
        found.append(Refusal("classes_changed", "classes"))
    seen: set[str] = set()
    for name in terms.class_names:
        if name in seen:
            found.append(Refusal("class_name_repeated", "classes", {"name": name}))
        seen.add(name)
    for cls in plan.removed:
        if cls.trainees:
            found.append(Refusal("class_has_trainees", "classes", {"name": cls.name, "count": cls.trainees}))
    return found
