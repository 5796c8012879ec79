"""Classes (编班) and their tutors.

`form_classes` groups a project's trainees into classes of at most `max_size` (default 100): per
town — or per school — first, each unit split evenly in subject order when it is larger than a
class; units too small to make a class on their own (fewer than `min_size`, half a class by
default) are merged within their county, largest first, each into the first class of the county
that still has room (first-fit decreasing), so two or three small towns share one class (RULES C1).
A unit never spans counties.

`pick_tutors` gives each class one tutor (C2): subject leaders, master and special-grade teachers
first, then backbone teachers, then other tutors; among equals one who teaches the class's main
subject, then one from the class's county; nobody tutors two classes.
"""

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

DEFAULT_MAX_SIZE = 100


@dataclass(frozen=True)
class Member:
    key: int  # the enrolment's id
    county: Hashable
    unit: Hashable  # town, or school
    unit_name: str
    subject: str = ""
    name_key: str = ""  # a sort key (pinyin) to order members inside a class


@dataclass(frozen=True)
class Group:
    units: tuple[str, ...]  # names of the towns or schools in the class
    county: Hashable
    members: tuple[int, ...]
    main_subject: str = ""


def _ordered(members: Iterable[Member]) -> list[Member]:
    return sorted(members, key=lambda m: (m.subject, m.name_key, m.key))


def _main_subject(members: Sequence[Member]) -> str:
    counts = Counter(m.subject for m in members if m.subject)
    if not counts:
        return ""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[0][0]


def _split(members: list[Member], max_size: int) -> list[list[Member]]:
    """Even chunks of at most max_size, in subject order: 230 → 77, 77, 76."""
    count = math.ceil(len(members) / max_size)
    size, extra = divmod(len(members), count)
    chunks, start = [], 0
    for index in range(count):
        end = start + size + (1 if index < extra else 0)
        chunks.append(members[start:end])
        start = end
    return chunks


def form_classes(
    members: Iterable[Member], *, max_size: int = DEFAULT_MAX_SIZE, min_size: int | None = None
) -> list[Group]:
    if max_size < 1:
        raise ValueError("max_size must be at least 1")
    small_limit = max(1, max_size // 2) if min_size is None else min_size
    units: dict[tuple[Hashable, Hashable], list[Member]] = {}
    names: dict[tuple[Hashable, Hashable], str] = {}
    for member in members:
        units.setdefault((member.county, member.unit), []).append(member)
        names[(member.county, member.unit)] = member.unit_name

    groups: list[Group] = []
    small: dict[Hashable, list[tuple[Hashable, Hashable]]] = {}
    for key, unit_members in units.items():
        if len(unit_members) >= small_limit:
            for chunk in _split(_ordered(unit_members), max_size):
                groups.append(Group((names[key],), key[0], tuple(m.key for m in chunk), _main_subject(chunk)))
        else:
            small.setdefault(key[0], []).append(key)

    for county, keys in small.items():
        bins: list[list[tuple[Hashable, Hashable]]] = []
        sizes: list[int] = []
        for key in sorted(keys, key=lambda k: (-len(units[k]), names[k], str(k[1]))):
            size = len(units[key])
            for index, used in enumerate(sizes):
                if used + size <= max_size:
                    bins[index].append(key)
                    sizes[index] += size
                    break
            else:
                bins.append([key])
                sizes.append(size)
        for keys_in_bin in bins:
            chunk = _ordered(m for key in keys_in_bin for m in units[key])
            groups.append(
                Group(
                    tuple(sorted(names[key] for key in keys_in_bin)),
                    county,
                    tuple(m.key for m in chunk),
                    _main_subject(chunk),
                )
            )
    return sorted(groups, key=lambda g: (str(g.county), g.units, g.members[:1]))


# --- Tutors ---------------------------------------------------------------------------------------

ROLE_RANK = {"subject_leader": 0, "master": 0, "special_grade": 0, "backbone": 1, "tutor": 2}
OTHER_RANK = 3


@dataclass(frozen=True)
class Candidate:
    key: int  # the person's id
    roles: frozenset[str]
    subjects: frozenset[str]
    county: Hashable


@dataclass(frozen=True)
class ClassNeed:
    index: int
    main_subject: str
    county: Hashable


def role_rank(roles: Iterable[str]) -> int:
    return min((ROLE_RANK.get(role, OTHER_RANK) for role in roles), default=OTHER_RANK)


def pick_tutors(needs: Sequence[ClassNeed], candidates: Iterable[Candidate]) -> dict[int, int | None]:
    """One tutor per class (class index → person id, None when nobody is left)."""
    pool = list(candidates)
    used: set[int] = set()
    chosen: dict[int, int | None] = {}
    for need in needs:
        best = min(
            (c for c in pool if c.key not in used),
            key=lambda c: (
                role_rank(c.roles),
                need.main_subject not in c.subjects if need.main_subject else False,
                c.county != need.county,
                c.key,
            ),
            default=None,
        )
        chosen[need.index] = best.key if best else None
        if best:
            used.add(best.key)
    return chosen
