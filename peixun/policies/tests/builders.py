"""Short builders for engine tests: earned hours and person facts."""

from datetime import date
from decimal import Decimal
from typing import Any

from peixun.policies.rules import Earned, Facts


def hours(
    amount,
    category: str = "knowledge_skills",
    level: str = "county",
    mode: str = "concentrated",
    tags: tuple[str, ...] = (),
    on: date = date(2027, 3, 1),
    credit_class: str = "A",
    source: str = "project",
) -> Earned:
    return Earned(
        on=on,
        hours=Decimal(str(amount)),
        category=category,
        level=level,
        mode=mode,
        tags=frozenset(tags),
        credit_class=credit_class,
        source=source,
    )


def teacher(**facts) -> Facts:
    defaults: dict[str, Any] = {
        "gender": "female",
        "birth_date": date(1985, 3, 14),
        "title": "first",
        "section": "primary",
        "roles": frozenset(),
        "hire_date": date(2008, 9, 1),
        "status": "active",
    }
    defaults.update(facts)
    if not isinstance(defaults["roles"], frozenset):
        defaults["roles"] = frozenset(defaults["roles"])
    return Facts(**defaults)


# A full five-year-360 record: every category and level inside its bounds, 360 h in all.
BALANCED_360 = [
    hours(60, "ethics_literacy", "city", tags=("ethics",)),
    hours(60, "ethics_literacy", "county"),
    hours(60, "knowledge_skills", "county"),
    hours(80, "knowledge_skills", "school", "school_based"),
    hours(100, "practice", "school", "school_based"),
]
