"""API shapes shared by every app: the one error shape, and a background run (peixun.core.runs) as
the API shows it."""

from datetime import datetime

from ninja import Schema


class ErrorOut(Schema):
    """Every refusal of /api/v1/: a stable code, a message in Chinese saying what to do, and the
    reasons (one per wrong field, or per unmet condition)."""

    code: str
    message: str
    reasons: list[dict] = []


class RunOut(Schema):
    """One background run: its state as the user should see it (`interrupted` when its worker is
    gone), progress, counts, the error text (Chinese) and whether it may be run again."""

    id: int
    state: str
    state_label: str
    done: int
    total: int
    percent: int
    counts: dict
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    can_run_again: bool
