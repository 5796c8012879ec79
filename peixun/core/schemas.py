"""API shapes shared by every app: a background run (peixun.core.runs) as the API shows it."""

from datetime import datetime

from ninja import Schema


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
