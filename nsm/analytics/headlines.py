"""A strategy's headline figures for a period, from the roll-ups the dashboard shows (approved data only): the
implementation rate, the indicators on track and the budget execution rate. Three queries (four with a flow
indicator), whatever the size of the plan."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from nsm.analytics.budget import budget
from nsm.analytics.groups import Filters
from nsm.analytics.implementation import implementation
from nsm.analytics.indicators import NO_TARGET, ON_TRACK, achievement, band_counts
from nsm.analytics.periods import Period
from nsm.strategy.models import Strategy


@dataclass(frozen=True)
class Headline:
    period: Period
    implementation_rate: Decimal | None  # completed of the activities due (cancelled and withdrawn ones left out)
    completed: int
    due: int
    on_track: int  # indicators on track ...
    with_target: int  # ... of those with a target for the period
    execution_rate: Decimal | None  # spent of planned
    spent: Decimal
    planned: Decimal


def headline(strategy: Strategy, period: Period) -> Headline:
    filters = Filters.of(strategy)
    total = implementation(filters, period).total
    bands = band_counts(achievement(filters, period, band_width=strategy.band_width, cells=False))
    money = budget(filters, period).total
    return Headline(
        period=period,
        implementation_rate=total.rate,
        completed=total.due.completed,
        due=total.due.planned,
        on_track=bands[ON_TRACK],
        with_target=sum(bands.values()) - bands[NO_TARGET],
        execution_rate=money.execution_rate,
        spent=money.spent,
        planned=money.planned,
    )
