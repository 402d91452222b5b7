"""Implementation: how many of the activities due in a period were completed, and how the others stand.

An activity is *in* a period when its timeframe overlaps it; it is *due* when its timeframe ends within the period
(or before), and *ongoing* when it ends later. Its status is the one in the latest approved report line up to the
period's end (an activity completed in an earlier half-year stays completed), read from the figures kept at approval
(`nsm.monitoring.kept`); with no approved line it is "not reported". Approved data only, everywhere.

- implementation rate = completed / (due - cancelled - withdrawn): cancelled activities, and those withdrawn from
  the plan by the period's end (unless completed), are no longer planned, so they leave the denominator (and are
  counted on their own);
- on-schedule rate, shown beside it as SIGMA does for multi-year activities = (ongoing on track + ongoing completed
  early) / (ongoing - cancelled).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from nsm.analytics import sql
from nsm.analytics.groups import Filters, Group, dimension, labelled
from nsm.analytics.periods import Period
from nsm.i18n import localized

STATUSES = ("completed", "on_track", "delayed", "not_started", "cancelled", "withdrawn", "not_reported")


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    """part / whole as a percentage with one decimal (half up), None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class StatusCounts:
    completed: int = 0
    on_track: int = 0
    delayed: int = 0
    not_started: int = 0
    cancelled: int = 0
    withdrawn: int = 0
    not_reported: int = 0

    @property
    def total(self) -> int:
        return sum(getattr(self, name) for name in STATUSES)

    @property
    def planned(self) -> int:
        """The activities still planned: cancelled and withdrawn ones left out."""
        return self.total - self.cancelled - self.withdrawn

    def __add__(self, other: StatusCounts) -> StatusCounts:
        return StatusCounts(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def items(self) -> list[tuple[str, int]]:
        return [(name, getattr(self, name)) for name in STATUSES]


@dataclass(frozen=True)
class ImplementationRow:
    key: Any  # the group's key (a result, institution, GCM objective ... id; a gender marker; a year), None: all
    label: str
    due: StatusCounts = field(default_factory=StatusCounts)
    ongoing: StatusCounts = field(default_factory=StatusCounts)
    code: str = ""

    @property
    def activities(self) -> int:
        return self.due.total + self.ongoing.total

    @property
    def by_status(self) -> StatusCounts:
        return self.due + self.ongoing

    @property
    def rate(self) -> Decimal | None:
        """Completed / (due - cancelled - withdrawn), in %."""
        return percent(self.due.completed, self.due.planned)

    @property
    def on_schedule_rate(self) -> Decimal | None:
        """Ongoing activities on schedule (or completed early) / (ongoing - cancelled - withdrawn), in %."""
        return percent(self.ongoing.on_track + self.ongoing.completed, self.ongoing.planned)


@dataclass(frozen=True)
class Implementation:
    period: Period
    by: str | None
    total: ImplementationRow
    rows: tuple[ImplementationRow, ...]
    groups: Mapping[Any, Group] = field(default_factory=dict)  # the named groups, for another roll-up to reuse


# Each activity in scope against each period it overlaps (`s` the activity, `p` the period), and whether it is due.
_DUE = "CASE WHEN s.last_q <= p.last_q THEN 1 ELSE 0 END"
_OVERLAPS = "FROM scope s JOIN periods p ON s.first_q <= p.last_q AND s.last_q >= p.first_q"


# The activity's latest approved line with a status up to the period's end, from the figures kept at approval: the
# standing whose span of quarters holds the period's last quarter (`k`; no row when nothing was approved by then).
_STANDING = f"""LEFT JOIN {sql.T["activity_standing"]} k ON k.activity_id = s.id AND k.from_q <= p.last_q
    AND (k.until_q IS NULL OR k.until_q > p.last_q)"""


def _status(latest: str) -> str:
    """The activity's status in the period from its latest approved line's: 'withdrawn' once it has been withdrawn
    by the period's end (unless it was completed), else the line's, else 'not_reported'."""
    return f"""CASE WHEN s.withdrawn_q IS NOT NULL AND s.withdrawn_q <= p.last_q
        AND COALESCE({latest}, '') <> 'completed' THEN 'withdrawn' ELSE COALESCE({latest}, 'not_reported') END"""


def _facts_sql(filters: Filters, periods: list[Period]) -> tuple[list[str], list[Any]]:
    """CTEs `periods`, `scope` and `facts` (pkey, id, due, status): one row per activity in scope that overlaps
    each period, with its status then."""
    periods_sql, params = sql.periods_cte(periods)
    scope_sql, scope_params = sql.activity_scope_cte(filters)
    # MATERIALIZED: computed once when the total and the groups both read it.
    facts_sql = f"""facts(pkey, id, due, status) AS MATERIALIZED (
        SELECT p.pkey, s.id, {_DUE}, {_status("k.status")} {_OVERLAPS} {_STANDING}
    )"""
    return [periods_sql, scope_sql, facts_sql], params + scope_params


def implementation_over(filters: Filters, periods: list[Period], by: str | None = None) -> list[Implementation]:
    """The implementation of each period, in one query; grouped by a dimension when `by` is given."""
    if not periods:
        return []
    ctes, params = _facts_sql(filters, periods)
    query = "SELECT f.pkey, 1, NULL, f.status, f.due, COUNT(*) FROM facts f GROUP BY f.pkey, f.status, f.due"
    if by:
        group = dimension(by)
        ctes += group.ctes()
        query += f"""
        UNION ALL
        SELECT f.pkey, 0, {group.column}, f.status, f.due, COUNT(*)
        FROM facts f JOIN scope s ON s.id = f.id {group.join()}
        GROUP BY f.pkey, {group.column}, f.status, f.due"""
    rows = sql.fetch(f"WITH {', '.join(ctes)} {query}", params)
    counts: dict[tuple[int, bool, Any], dict[str, dict[str, int]]] = defaultdict(
        lambda: {"due": defaultdict(int), "ongoing": defaultdict(int)}
    )
    for pkey, is_total, key, status, due, count in rows:
        counts[(pkey, bool(is_total), None if is_total else key)]["due" if due else "ongoing"][status] += count
    names = labelled(by, {key for (_, is_total, key) in counts if not is_total}) if by else {}

    def row(key: Any, label: str, data: dict[str, dict[str, int]] | None, code: str = "") -> ImplementationRow:
        data = data or {"due": {}, "ongoing": {}}
        return ImplementationRow(key, label, StatusCounts(**data["due"]), StatusCounts(**data["ongoing"]), code)

    result = []
    for pkey, period in enumerate(periods):
        groups = [
            row(key, names[key].label, data, names[key].code)
            for (p, is_total, key), data in counts.items()
            if p == pkey and not is_total and key in names
        ]
        groups.sort(key=lambda r: names[r.key].order)
        total = row(None, "", counts.get((pkey, True, None)))
        result.append(Implementation(period, by, total, tuple(groups), names))
    return result


def implementation(filters: Filters, period: Period, by: str | None = None) -> Implementation:
    """Activities in the period by status, and the implementation rate; per group of `by` when given."""
    return implementation_over(filters, [period], by)[0]


def implementation_by_year(filters: Filters, years: range | list[int]) -> list[Implementation]:
    """One `Implementation` per year, in one query."""
    return implementation_over(filters, [Period.year(year) for year in years])


def activity_statuses(filters: Filters, periods: list[Period]) -> dict[tuple[int, Period], str]:
    """(activity, period) -> the activity's status in each period it overlaps, in one query."""
    ctes, params = _facts_sql(filters, periods)
    rows = sql.fetch(f"WITH {', '.join(ctes)} SELECT f.pkey, f.id, f.status FROM facts f", params)
    return {(pk, periods[pkey]): status for pkey, pk, status in rows}


@dataclass(frozen=True)
class ActivityFact:
    activity_id: int
    status: str
    due: bool


def activity_facts(
    filters: Filters,
    period: Period,
    *,
    status: str | None = None,
    due: bool | None = None,
    by: str | None = None,
    key: Any = None,
) -> list[ActivityFact]:
    """The activities behind a figure: those in the period (and in group `key` of `by`), with their status."""
    ctes, params = _facts_sql(filters, [period])
    where, extra = ["1 = 1"], []
    join = ""
    if by and key is not None:
        group = dimension(by)
        ctes += group.ctes()
        join = f"JOIN scope s ON s.id = f.id {group.join()}"
        where.append(f"{group.column} = %s")
        extra.append(key)
    if status:
        where.append("f.status = %s")
        extra.append(status)
    if due is not None:
        where.append("f.due = %s")
        extra.append(1 if due else 0)
    query = (
        f"WITH {', '.join(ctes)} SELECT DISTINCT f.id, f.status, f.due FROM facts f {join} WHERE {' AND '.join(where)}"
    )
    return [ActivityFact(pk, state, bool(is_due)) for pk, state, is_due in sql.fetch(query, params + extra)]


@dataclass(frozen=True)
class ActivityLine:
    """An activity in the period with what its latest approved line up to the period's end says (the line that
    gives `implementation` its status): status, percent complete and narrative."""

    activity_id: int
    status: str
    due: bool
    percent_complete: int | None
    narrative_sq: str
    narrative_en: str

    @property
    def narrative(self) -> str:
        """The narrative in the active language (a document's), else the other one."""
        return localized(self, "narrative")


def activity_lines(filters: Filters, period: Period) -> list[ActivityLine]:
    """Every activity in the period with its status, percent complete and narrative, in one query."""
    periods_sql, params = sql.periods_cte([period])
    scope_sql, scope_params = sql.activity_scope_cte(filters)
    lines_sql = f"""latest(id, due, line_id, withdrawn) AS (
        SELECT s.id, {_DUE}, k.line_id, CASE WHEN s.withdrawn_q <= p.last_q THEN 1 ELSE 0 END
        {_OVERLAPS} {_STANDING})"""
    query = f"""WITH {periods_sql}, {scope_sql}, {lines_sql}
        SELECT l.id, l.due,
               CASE WHEN l.withdrawn = 1 AND COALESCE(ap.status, '') <> 'completed' THEN 'withdrawn'
                    ELSE COALESCE(ap.status, 'not_reported') END,
               ap.percent_complete, COALESCE(ap.narrative, ''), COALESCE(ap.narrative_en, '')
        FROM latest l LEFT JOIN {sql.T["line"]} ap ON ap.id = l.line_id"""
    return [
        ActivityLine(pk, state, bool(due), percent_complete, narrative_sq or "", narrative_en or "")
        for pk, due, state, percent_complete, narrative_sq, narrative_en in sql.fetch(query, params + scope_params)
    ]
