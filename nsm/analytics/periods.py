"""Periods the roll-ups are computed for: a year, a half-year, or a span of years.

A period is a range of quarters, each quarter written as a key `year * 10 + quarter` (2025-Q3 is 20253), the same
key SQL computes from an activity's timeframe and a cycle's period. So "does this activity overlap the period" and
"did this cycle end within it" are integer comparisons in one query.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

PERIOD_PATTERN = re.compile(r"^(\d{4})(?:-H([12])|\s*[-–]\s*(\d{4}))?$")


def quarter_key(year: int, quarter: int) -> int:
    return year * 10 + quarter


@dataclass(frozen=True)
class Period:
    """From the first quarter of `first_year` (or its second half) to the last quarter of `last_year` (or its first
    half). `Period.year(2025)`, `Period.half(2025, 1)`, `Period.span(2024, 2026)`."""

    first_year: int
    last_year: int
    half: int = 0  # 1 or 2 for a half-year period

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(year, year)

    @classmethod
    def half_year(cls, year: int, half: int) -> Period:
        if half not in (1, 2):
            raise ValueError(half)
        return cls(year, year, half)

    @classmethod
    def span(cls, first_year: int, last_year: int) -> Period:
        if first_year > last_year:
            raise ValueError((first_year, last_year))
        return cls(first_year, last_year)

    @classmethod
    def parse(cls, text: str) -> Period:
        """`2025`, `2025-H1` or a span of years `2024-2026` (an action plan's); ValueError otherwise."""
        match = PERIOD_PATTERN.match((text or "").strip().upper())
        refusal = _("A period is a year such as 2025, a half-year such as 2025-H1 or years such as 2024-2026.")
        if not match:
            raise ValueError(refusal)
        year, half, last = int(match.group(1)), int(match.group(2) or 0), match.group(3)
        if last is not None:
            if int(last) < year:
                raise ValueError(refusal)
            return cls.span(year, int(last))
        return cls.half_year(year, half) if half else cls.year(year)

    @property
    def first_quarter(self) -> int:
        return quarter_key(self.first_year, 3 if self.half == 2 else 1)

    @property
    def last_quarter(self) -> int:
        return quarter_key(self.last_year, 2 if self.half == 1 else 4)

    @property
    def target_year(self) -> int:
        """The year whose indicator target the period is measured against: its last year."""
        return self.last_year

    @property
    def label(self) -> str:
        if self.half:
            return f"{self.first_year}-H{self.half}"
        if self.first_year == self.last_year:
            return str(self.first_year)
        return f"{self.first_year}–{self.last_year}"

    @property
    def slug(self) -> str:
        """The text `parse` reads back."""
        return self.label if self.first_year == self.last_year else f"{self.first_year}-{self.last_year}"

    def __str__(self) -> str:
        return self.label


def periods_of(strategy, *, halves: bool = True, plans: Sequence[tuple[int, int]] = ()) -> list[Period]:
    """The years of a strategy's action plans, each followed by its half-years when `halves`; with several action
    plans (`plans`: their first and last years), the span of each and then of them all come first."""
    periods: list[Period] = []
    if len(plans) > 1:
        spans = [*sorted(plans), (strategy.plan_start_year, strategy.plan_end_year)]
        periods += [Period.span(first, last) for first, last in spans if first < last]  # one year: listed below
    for year in strategy.plan_years:
        periods.append(Period.year(year))
        if halves:
            periods += [Period.half_year(year, 1), Period.half_year(year, 2)]
    return periods


def action_plan_spans(strategy) -> list[tuple[int, int]]:
    """The first and last years of each of the strategy's action plans (one query)."""
    return list(strategy.action_plans.order_by("start_year").values_list("start_year", "end_year"))


def default_period(strategy, today) -> Period:
    """The latest year of the plan that has begun by `today` (the plan's first year before it starts)."""
    year = min(max(today.year, strategy.plan_start_year), strategy.plan_end_year)
    return Period.year(year)
