"""Reads of import jobs, scoped like everything else (peixun.imports.access)."""

from peixun.imports.access import jobs_visible
from peixun.imports.models import ImportJob


def recent_jobs(user, limit: int = 50) -> list[ImportJob]:
    return list(jobs_visible(user).defer("content", "errors").order_by("-created_at", "-id")[:limit])
