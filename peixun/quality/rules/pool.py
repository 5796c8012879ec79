"""The trainer pool's rules (RULES F3, C2), plain Python.

A trainer is 在库 (active), 观察期 (on probation) or 已移出 (removed). The yearly review's verdict
sets the state: keep → active, probation → on probation, remove → removed. Removed trainers are
never offered for a project; those in the pool are offered first, 学科带头人 and 骨干 before the
others (C2), and a trainer on probation after every active one of the same title. A title held in
the 名师/骨干 programme (honours, through peixun.training.hooks.held_titles) counts when it is the
better one; someone outside the pool who holds one comes after the pool's trainers of that title.
"""

ACTIVE = "active"
PROBATION = "probation"
REMOVED = "removed"

KEEP = "keep"
WATCH = "probation"
REMOVE = "remove"

VERDICT_STATE = {KEEP: ACTIVE, WATCH: PROBATION, REMOVE: REMOVED}

# Titles in the order tutors are chosen from (C2: subject leaders and backbone teachers first).
TITLE_ORDER = ("subject_leader", "backbone", "master", "special_grade", "expert", "other")


def state_after(verdict: str) -> str:
    """The pool state a review's verdict puts the trainer in."""
    try:
        return VERDICT_STATE[verdict]
    except KeyError:
        raise ValueError(f"unknown verdict {verdict!r}") from None


def offered(state: str) -> bool:
    return state != REMOVED


def place(title: str) -> int:
    """Where a title comes in TITLE_ORDER; an unknown or missing one after them all."""
    return TITLE_ORDER.index(title) if title in TITLE_ORDER else len(TITLE_ORDER)


def rank(title: str, state: str, held: str = "") -> tuple[int, int]:
    """Sort key of a pool trainer among the candidates: the better of their title and a `held`
    one first, then active before probation."""
    return (min(place(title), place(held)), 0 if state == ACTIVE else 1)


def rank_outside(held: str) -> tuple[int, int]:
    """Sort key of someone outside the pool by a title they hold: after the pool's trainers of
    that title; without one after every title."""
    return (place(held), 2) if held in TITLE_ORDER else (len(TITLE_ORDER) + 1, 0)


def share(part: int, whole: int) -> float | None:
    """part / whole as a share of 0–1, or None when there is nothing to divide (unknown, not zero)."""
    return part / whole if whole else None
