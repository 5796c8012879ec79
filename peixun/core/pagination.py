"""Pagination for lists that may hold hundreds of thousands of rows.

`CappedPaginator` counts at most `cap` + 1 rows (an unordered `LIMIT` inside the count), so the
count costs the same on a school of 80 teachers and on a province of 500,000; past the cap the page
says "10,000+" and asks for a narrower search. See docs/decisions/0007-people-list-pagination.md.
"""

from functools import cached_property

from django.core.paginator import Paginator

PAGE_SIZES = (20, 50, 100)
DEFAULT_PAGE_SIZE = PAGE_SIZES[0]
COUNT_CAP = 10_000


def page_size(raw: str | None) -> int:
    """The page size asked for, if it is one of PAGE_SIZES; the default otherwise."""
    try:
        size = int(raw or "")
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


class CappedPaginator(Paginator):
    """A Paginator whose count stops at `cap` (`capped` says whether there were more rows)."""

    def __init__(self, object_list, per_page: int, *, cap: int | None = None, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def _limited_count(self) -> int:
        # No ORDER BY and only the key: the database stops after cap + 1 matching rows.
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()  # type: ignore[attr-defined]  # a QuerySet here

    @cached_property
    def count(self) -> int:
        return min(self._limited_count, self.cap)

    @property
    def capped(self) -> bool:
        return self._limited_count > self.cap
