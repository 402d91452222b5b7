"""The first few rows of a list and how many there are in all: what a to-do list on the home page shows, in two
queries whatever the number of rows (the rows, then the count). The rest is on the list's own page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)

SHORTLIST_LENGTH = 5


@dataclass(frozen=True)
class Shortlist(Generic[M]):
    items: list[M]
    total: int

    @property
    def more(self) -> int:
        """How many rows are not shown."""
        return self.total - len(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def shortlist(queryset: QuerySet[M], length: int = SHORTLIST_LENGTH) -> Shortlist[M]:
    """The first `length` rows of `queryset` (ordered) and their number in all: two queries."""
    return Shortlist(list(queryset[:length]), queryset.count())


def empty() -> Shortlist:
    return Shortlist([], 0)
