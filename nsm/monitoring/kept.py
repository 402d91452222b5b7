"""Figures kept at approval: the approved data the roll-ups read, written when a report is approved or reopened.

Two tables, derived from the approved reports and nothing else (see their models):

- `ActivityStanding`: each activity's latest approved line with a status, as a span of quarters from the end of its
  cycle until the end of the next such line's cycle. The status of an activity in a period is the line whose span
  holds the period's last quarter: a join, where the roll-up used to look for the latest line per activity and period.
- `IndicatorStanding`: each indicator's cells (the total and its disaggregation) of each cycle, from the cycle's latest
  approved report that gives it a total.

The rule for "latest" is the roll-ups' own: the cycle that ends later first, a year cycle before the second half that
ends with it, then the later cycle, then the later report (two reports of a cycle can hold lines of one activity when
its lead changed).

`refresh_report` runs in the transaction of `approve_report` and `reopen_report` (the only changes of a report's
status from or to approved; closing a cycle changes no approved figure), so the tables are never stale; `rebuild`
writes them again from the reports (`nsm rebuild-rollups`, and the migration that created them). Plan edits and
withdrawals change nothing here: the roll-ups read those from the plan itself. The functions take the model classes
so that a migration can run them on its historical models.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Subquery

APPROVED = "approved"
BATCH = 1000
HALF_RANK = {1: 1, 2: 2, 0: 3}  # a year cycle (half 0) ranks after the second half that ends with it: it wins


def cycle_quarters(year: int, half: int) -> tuple[int, int]:
    """A cycle's first and last quarter keys (year * 10 + quarter)."""
    return year * 10 + (3 if half == 2 else 1), year * 10 + (2 if half == 1 else 4)


@dataclass(frozen=True)
class Models:
    line: Any
    value: Any
    activity_standing: Any
    indicator_standing: Any
    cycle: Any
    activity: Any
    indicator: Any


def _models() -> Models:
    from nsm.monitoring.models import (
        ActivityProgress,
        ActivityStanding,
        IndicatorStanding,
        IndicatorValue,
        ReportingCycle,
    )
    from nsm.strategy.models import Activity, Indicator

    return Models(
        ActivityProgress, IndicatorValue, ActivityStanding, IndicatorStanding, ReportingCycle, Activity, Indicator
    )


LINE_FIELDS = (
    "id", "activity_id", "report__cycle__strategy_id", "status", "percent_complete", "report_id",
    "report__cycle_id", "report__cycle__year", "report__cycle__half",
)  # fmt: skip
VALUE_FIELDS = (
    "indicator_id", "report__cycle__strategy_id", "report__cycle_id", "report_id", "category_id", "value",
    "report__cycle__year", "report__cycle__half",
)  # fmt: skip


def activity_standings(lines: Iterable[tuple], model: Any) -> list[Any]:
    """The standings of the activities whose approved lines with a status are `lines` (tuples of LINE_FIELDS)."""
    best: dict[tuple[int, int], tuple] = {}  # (activity, last quarter) -> the line that wins there
    for line in lines:
        _id, activity, _strategy, _status, _percent, report, cycle, year, half = line
        last_q = cycle_quarters(year, half)[1]
        order = (HALF_RANK[half], cycle, report)
        kept = best.get((activity, last_q))
        if kept is None or order > kept[0]:
            best[(activity, last_q)] = (order, line)
    by_activity: dict[int, list[tuple[int, tuple]]] = defaultdict(list)
    for (activity, last_q), (_order, line) in best.items():
        by_activity[activity].append((last_q, line))
    rows = []
    for spans in by_activity.values():
        spans.sort(key=lambda item: item[0])
        for index, (from_q, line) in enumerate(spans):
            until_q = spans[index + 1][0] if index + 1 < len(spans) else None
            pk, activity, strategy, status, percent, *_rest = line
            rows.append(
                model(
                    strategy_id=strategy, activity_id=activity, line_id=pk, from_q=from_q, until_q=until_q,
                    status=status, percent_complete=percent,
                )
            )  # fmt: skip
    return rows


def indicator_standings(values: Iterable[tuple], model: Any) -> list[Any]:
    """The standings of the approved values `values` (tuples of VALUE_FIELDS): per indicator and cycle, the cells of
    the latest report that gives the indicator a total."""
    values = list(values)
    chosen: dict[tuple[int, int], int] = {}  # (indicator, cycle) -> report
    for indicator, _strategy, cycle, report, category, value, _year, _half in values:
        if category is None and value is not None and report > chosen.get((indicator, cycle), 0):
            chosen[(indicator, cycle)] = report
    rows = []
    for indicator, strategy, cycle, report, category, value, year, half in values:
        if chosen.get((indicator, cycle)) == report:
            first_q, last_q = cycle_quarters(year, half)
            rows.append(
                model(
                    strategy_id=strategy, indicator_id=indicator, cycle_id=cycle, report_id=report,
                    category_id=category, year=year, half=half, first_q=first_q, last_q=last_q,
                    rank=HALF_RANK[half], value=value,
                )
            )  # fmt: skip
    return rows


def _approved_lines(models: Models, **filters: Any) -> Any:
    return (
        models.line.objects.filter(report__status=APPROVED, **filters)
        .exclude(status="")
        .values_list(*LINE_FIELDS)
        .order_by()
    )


def _approved_values(models: Models, **filters: Any) -> Any:
    return models.value.objects.filter(report__status=APPROVED, **filters).values_list(*VALUE_FIELDS).order_by()


def refresh_report(report_id: int, cycle_id: int, *, models: Models | None = None) -> None:
    """Write again the standings that the report's approval or reopening can change: those of the activities it has
    lines for (all their spans), and of the indicators it has values for in its cycle. Eight queries.

    The activities and indicators are locked first, in the order of their keys: two reports that share one (an
    institution's two half-years, two institutions' reports of one cycle) approved at the same moment are then
    written one after the other, the second reading what the first committed (PostgreSQL; SQLite writes one
    transaction at a time anyway)."""
    models = models or _models()
    activities = models.line.objects.filter(report_id=report_id).values("activity_id")
    indicators = models.value.objects.filter(report_id=report_id, category__isnull=True).values("indicator_id")
    list(models.activity.objects.select_for_update().filter(pk__in=Subquery(activities)).order_by("pk").values("pk"))
    list(models.indicator.objects.select_for_update().filter(pk__in=Subquery(indicators)).order_by("pk").values("pk"))
    lines = list(_approved_lines(models, activity_id__in=Subquery(activities)))
    models.activity_standing.objects.filter(activity_id__in=Subquery(activities)).delete()
    models.activity_standing.objects.bulk_create(activity_standings(lines, models.activity_standing), BATCH)
    values = _approved_values(models, report__cycle_id=cycle_id, indicator_id__in=Subquery(indicators))
    rows = indicator_standings(values, models.indicator_standing)
    models.indicator_standing.objects.filter(cycle_id=cycle_id, indicator_id__in=Subquery(indicators)).delete()
    models.indicator_standing.objects.bulk_create(rows, BATCH)


def rebuild(strategy_ids: Iterable[int] | None = None, *, models: Models | None = None) -> tuple[int, int]:
    """Write the standings of the strategies (all when None) again from their approved reports, one strategy at a
    time; the numbers of activity and indicator standings written."""
    models = models or _models()
    if strategy_ids is None:  # every strategy that has cycles, and nothing kept of any other
        models.activity_standing.objects.all().delete()
        models.indicator_standing.objects.all().delete()
        strategy_ids = models.cycle.objects.order_by().values_list("strategy_id", flat=True).distinct()
    written = [0, 0]
    for strategy_id in sorted(set(strategy_ids)):
        models.activity_standing.objects.filter(strategy_id=strategy_id).delete()
        models.indicator_standing.objects.filter(strategy_id=strategy_id).delete()
        lines = _approved_lines(models, report__cycle__strategy_id=strategy_id)
        rows = activity_standings(lines.iterator(BATCH), models.activity_standing)
        written[0] += len(models.activity_standing.objects.bulk_create(rows, BATCH))
        values = _approved_values(models, report__cycle__strategy_id=strategy_id)
        rows = indicator_standings(values.iterator(BATCH), models.indicator_standing)
        written[1] += len(models.indicator_standing.objects.bulk_create(rows, BATCH))
    return written[0], written[1]
