"""Budget: planned cost against reported spending, by funding source, and the funding gap.

- *planned*: the action plan's cost lines (activity x year x source) for the years of the period: state budget,
  donors, other, and the unfunded part (the funding gap). A half-year is measured against its whole year's plan.
- *spent*: spending on approved report lines of cycles that lie within the period, by source (state budget, donors,
  other). A year reported in half-years is summed from them; a year cycle of the same year is then left out, so
  that nothing is counted twice.
- execution rate = spent / planned (all sources); funding gap share = unfunded / planned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from nsm.analytics import sql
from nsm.analytics.groups import Filters, Group, dimension, labelled
from nsm.analytics.implementation import percent
from nsm.analytics.periods import Period

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BudgetRow:
    key: Any  # the group's key; None for the whole scope
    label: str
    planned_state_budget: Decimal = ZERO
    planned_donor: Decimal = ZERO
    planned_other: Decimal = ZERO
    unfunded: Decimal = ZERO
    spent_state_budget: Decimal = ZERO
    spent_donor: Decimal = ZERO
    spent_other: Decimal = ZERO
    code: str = ""

    @property
    def planned(self) -> Decimal:
        return self.planned_state_budget + self.planned_donor + self.planned_other + self.unfunded

    @property
    def funded(self) -> Decimal:
        return self.planned - self.unfunded

    @property
    def spent(self) -> Decimal:
        return self.spent_state_budget + self.spent_donor + self.spent_other

    @property
    def execution_rate(self) -> Decimal | None:
        return percent(self.spent, self.planned)

    @property
    def gap_share(self) -> Decimal | None:
        return percent(self.unfunded, self.planned)


@dataclass(frozen=True)
class Budget:
    period: Period
    by: str | None
    total: BudgetRow
    rows: tuple[BudgetRow, ...]


PLANNED_FIELDS = {
    "state_budget": "planned_state_budget",
    "donor": "planned_donor",
    "other": "planned_other",
    "unfunded": "unfunded",
}


def budget(
    filters: Filters, period: Period, by: str | None = None, *, known: Mapping[Any, Group] | None = None
) -> Budget:
    """Planned and spent in the period for the filtered activities; per group of `by` (a dimension or "year").
    `known`: groups already named by another roll-up of the same dimension (saves reading them again)."""
    scope_sql, params = sql.activity_scope_cte(filters)
    ctes = [scope_sql]
    if by == "year":
        planned_key, spent_key, join = "b.year", "c.year", ""
    elif by:
        group = dimension(by)
        ctes += group.ctes()
        planned_key = spent_key = group.column
        join = group.join()
    else:
        planned_key = spent_key = "NULL"
        join = ""
    # PostgreSQL refuses `GROUP BY NULL`: without a group, the totals are grouped by source only (or not at all).
    planned_group = f"{planned_key}, " if by else ""
    spent_group = f"GROUP BY {spent_key}" if by else ""
    planned = f"""SELECT 'p', {planned_key}, b.source, SUM(b.amount), NULL, NULL
        FROM {sql.T["budget"]} b JOIN scope s ON s.id = b.activity_id {join}
        WHERE b.year BETWEEN %s AND %s
        GROUP BY {planned_group}b.source"""
    spent = f"""SELECT 's', {spent_key}, NULL, SUM(ap.spent_state_budget), SUM(ap.spent_donor), SUM(ap.spent_other)
        FROM {sql.T["line"]} ap
        JOIN {sql.T["report"]} r ON r.id = ap.report_id
        JOIN {sql.T["cycle"]} c ON c.id = r.cycle_id
        JOIN scope s ON s.id = ap.activity_id {join}
        WHERE c.strategy_id = %s AND r.status = '{sql.APPROVED}'
          AND {sql.CYCLE_FIRST_Q} >= %s AND {sql.CYCLE_LAST_Q} <= %s
          AND NOT ({sql.YEAR_CYCLE_SUPERSEDED})
        {spent_group}"""
    query = f"WITH {', '.join(ctes)} {planned} UNION ALL {spent}"
    rows = sql.fetch(
        query,
        params + [period.first_year, period.last_year, filters.strategy_id, period.first_quarter, period.last_quarter],
    )
    sums: dict[Any, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for kind, key, source, first, donor, other in rows:
        if kind == "p":
            sums[key][PLANNED_FIELDS[source]] += sql.money(first)
        else:
            sums[key]["spent_state_budget"] += sql.money(first)
            sums[key]["spent_donor"] += sql.money(donor)
            sums[key]["spent_other"] += sql.money(other)
    if not by:
        return Budget(period, None, BudgetRow(None, "", **sums.get(None, {}), code=""), ())
    names = labelled(by, [key for key in sums if key is not None], known)
    groups = sorted(
        (
            BudgetRow(key, names[key].label, **values, code=names[key].code)
            for key, values in sums.items()
            if key in names
        ),
        key=lambda row: names[row.key].order,
    )
    return Budget(period, by, _total(filters, period, groups, by), tuple(groups))


def _total(filters: Filters, period: Period, groups: list[BudgetRow], by: str) -> BudgetRow:
    """The whole scope: the sum of the groups where each activity is in exactly one group, else its own query."""
    if by in ("goal", "objective", "measure", "institution", "gender_marker", "year"):
        fields = [name for name in BudgetRow.__dataclass_fields__ if name not in ("key", "label", "code")]
        return BudgetRow(
            None, "", code="", **{name: sum((getattr(row, name) for row in groups), ZERO) for name in fields}
        )
    return budget(filters, period).total


def spent_by_activity_year(filters: Filters) -> dict[tuple[int, int], Decimal]:
    """(activity, year) -> approved spending, all sources, for the filtered activities, by the rule of `budget`: a
    year reported in half-years is summed from them (one query)."""
    scope_sql, params = sql.activity_scope_cte(filters)
    query = f"""WITH {scope_sql}
        SELECT ap.activity_id, c.year, SUM(ap.spent_state_budget), SUM(ap.spent_donor), SUM(ap.spent_other)
        FROM {sql.T["line"]} ap
        JOIN {sql.T["report"]} r ON r.id = ap.report_id
        JOIN {sql.T["cycle"]} c ON c.id = r.cycle_id
        JOIN scope s ON s.id = ap.activity_id
        WHERE c.strategy_id = %s AND r.status = '{sql.APPROVED}' AND NOT ({sql.YEAR_CYCLE_SUPERSEDED})
        GROUP BY ap.activity_id, c.year"""
    return {
        (activity, year): sql.money(state) + sql.money(donor) + sql.money(other)
        for activity, year, state, donor, other in sql.fetch(query, params + [filters.strategy_id])
    }
