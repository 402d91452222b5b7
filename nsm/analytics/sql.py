"""The SQL the roll-ups share: table names, the period table, the latest approved line, the plan's tags.

Written once here, portable between SQLite and PostgreSQL (CTEs, window functions, `VALUES` rows). Every piece
takes the strategy as a parameter and starts from its own rows (`strategy_id = %s`), so an index keeps other
strategies' and other countries' rows out of the plan. Table names come from the models' metadata, never from input.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection

from nsm.analytics.periods import Period
from nsm.monitoring.models import (
    ActivityProgress,
    ActivityStanding,
    IndicatorStanding,
    IndicatorValue,
    ProgressReport,
    ReportingCycle,
)
from nsm.strategy.models import MAX_LEVELS, Activity, ActivityBudget, Indicator, IndicatorTarget, Result

T = {
    "activity": Activity._meta.db_table,
    "result": Result._meta.db_table,
    "budget": ActivityBudget._meta.db_table,
    "indicator": Indicator._meta.db_table,
    "target": IndicatorTarget._meta.db_table,
    "cycle": ReportingCycle._meta.db_table,
    "report": ProgressReport._meta.db_table,
    "line": ActivityProgress._meta.db_table,
    "value": IndicatorValue._meta.db_table,
    "activity_standing": ActivityStanding._meta.db_table,  # the figures kept at approval (nsm.monitoring.kept)
    "indicator_standing": IndicatorStanding._meta.db_table,
    "activity_gcm": Activity.gcm_objectives.through._meta.db_table,
    "activity_tg": Activity.target_groups.through._meta.db_table,
    "result_gcm": Result.gcm_objectives.through._meta.db_table,
    "result_sdg": Result.sdg_targets.through._meta.db_table,
}

APPROVED = ProgressReport.Status.APPROVED.value
MAX_RESULT_DEPTH = MAX_LEVELS - 1

# A cycle's first and last quarter keys (a first half ends in Q2; a second half and a year end in Q4), and its
# order: the later end first, a year cycle before a second half that ends with it.
CYCLE_FIRST_Q = "c.year * 10 + CASE WHEN c.half = 2 THEN 3 ELSE 1 END"
CYCLE_LAST_Q = "c.year * 10 + CASE WHEN c.half = 1 THEN 2 ELSE 4 END"
CYCLE_ORDER = "c.year DESC, CASE WHEN c.half = 1 THEN 1 WHEN c.half = 2 THEN 2 ELSE 3 END DESC, c.id DESC"
# A year cycle whose year is also reported in half-year cycles: its spending is counted through the halves, never
# twice (`c` the cycle).
YEAR_CYCLE_SUPERSEDED = f"""c.kind = 'year' AND EXISTS (
    SELECT 1 FROM {T["cycle"]} h WHERE h.strategy_id = c.strategy_id AND h.year = c.year AND h.kind = 'half_year')"""
ACTIVITY_FIRST_Q = "a.start_year * 10 + COALESCE(a.start_quarter, 1)"
ACTIVITY_LAST_Q = "a.end_year * 10 + COALESCE(a.end_quarter, 4)"
# The quarter key of the day an activity was withdrawn (NULL when it was not): dates read as ISO text on both engines.
ACTIVITY_WITHDRAWN_Q = """CASE WHEN a.withdrawn_on IS NULL THEN NULL ELSE
    CAST(SUBSTR(CAST(a.withdrawn_on AS TEXT), 1, 4) AS INTEGER) * 10
    + (CAST(SUBSTR(CAST(a.withdrawn_on AS TEXT), 6, 2) AS INTEGER) + 2) / 3 END"""


def periods_cte(periods: list[Period]) -> tuple[str, list[int]]:
    """`periods(pkey, first_q, last_q, target_year)`: one row per period, keyed by its position in the list."""
    rows = ", ".join("(%s, %s, %s, %s)" for _ in periods)
    params: list[int] = []
    for index, period in enumerate(periods):
        params += [index, period.first_quarter, period.last_quarter, period.target_year]
    return f"periods(pkey, first_q, last_q, target_year) AS (VALUES {rows})", params


class Ancestry(NamedTuple):
    """A result `alias` joined to the results above it (a plan has at most four levels of results)."""

    joins: str  # LEFT JOINs to its parent, grandparent and great-grandparent
    ids: str  # "alias.id, ..._up1.id, ...": it and its ancestors, for `IN (...)` (missing ones are NULL)
    root: str  # the id of its first-level result (its goal)
    at_depth_2: str  # the id of its second-level result (its objective), NULL in a plan of two levels


def ancestry(alias: str) -> Ancestry:
    names = [alias] + [f"{alias}_up{n}" for n in range(1, MAX_RESULT_DEPTH)]
    joins = " ".join(
        f"LEFT JOIN {T['result']} {name} ON {name}.id = {parent}.parent_id"
        for parent, name in zip(names, names[1:], strict=False)
    )
    ids = [f"{name}.id" for name in names]
    # The ancestor on level 2 is `depth - 2` steps up from the result.
    at_depth_2 = " ".join(f"WHEN {depth} THEN {ids[depth - 2]}" for depth in range(2, MAX_RESULT_DEPTH + 1))
    return Ancestry(
        joins, ", ".join(ids), f"COALESCE({', '.join(reversed(ids))})", f"CASE {alias}.depth {at_depth_2} END"
    )


def activity_gcm_cte(source: str = "scope") -> str:
    """`act_gcm(activity_id, gcm_id)`: an activity's own GCM objectives, else those of its measure and the results
    above it. `source` is a CTE with the columns of `scope`."""
    return f"""act_gcm(activity_id, gcm_id) AS (
        SELECT ag.activity_id, ag.gcmobjective_id FROM {T["activity_gcm"]} ag JOIN {source} s ON s.id = ag.activity_id
        UNION
        SELECT s.id, rg.gcmobjective_id FROM {source} s
        JOIN {T["result_gcm"]} rg ON rg.result_id IN (s.measure_id, s.up1_id, s.up2_id, s.up3_id)
        WHERE NOT EXISTS (SELECT 1 FROM {T["activity_gcm"]} x WHERE x.activity_id = s.id)
    )"""


def activity_sdg_cte(source: str = "scope") -> str:
    """`act_sdg(activity_id, sdg_id)`: the SDG targets of an activity's measure and the results above it."""
    return f"""act_sdg(activity_id, sdg_id) AS (
        SELECT DISTINCT s.id, rs.sdgtarget_id FROM {source} s
        JOIN {T["result_sdg"]} rs ON rs.result_id IN (s.measure_id, s.up1_id, s.up2_id, s.up3_id)
    )"""


def activity_scope_cte(filters: Any) -> tuple[str, list[Any]]:
    """`scope(id, measure_id, up1_id, up2_id, up3_id, objective_id, goal_id, lead_id, gender_marker, first_q, last_q,
    withdrawn_q)`: a strategy's activities, narrowed by the filters (goal, lead institution, GCM objective).
    `measure_id` is the result directly above the activity, `up1_id` to `up3_id` the results above that (NULL
    where the plan has fewer levels), `goal_id` its first-level result, `objective_id` its second-level one."""
    where, params = ["a.strategy_id = %s"], [filters.strategy_id]
    up = ancestry("m")
    if filters.goal_id:
        where.append(f"{up.root} = %s")
        params.append(filters.goal_id)
    if filters.institution_id:
        where.append("a.lead_id = %s")
        params.append(filters.institution_id)
    if filters.gcm_id:
        where.append(
            f"""(EXISTS (SELECT 1 FROM {T["activity_gcm"]} x WHERE x.activity_id = a.id AND x.gcmobjective_id = %s)
            OR (NOT EXISTS (SELECT 1 FROM {T["activity_gcm"]} x WHERE x.activity_id = a.id)
                AND EXISTS (SELECT 1 FROM {T["result_gcm"]} rg WHERE rg.result_id IN ({up.ids})
                            AND rg.gcmobjective_id = %s)))"""
        )
        params += [filters.gcm_id, filters.gcm_id]
    sql = f"""scope(id, measure_id, up1_id, up2_id, up3_id, objective_id, goal_id, lead_id, gender_marker, first_q,
                  last_q, withdrawn_q) AS (
        SELECT a.id, a.measure_id, m_up1.id, m_up2.id, m_up3.id, {up.at_depth_2}, {up.root}, a.lead_id,
               a.gender_marker, {ACTIVITY_FIRST_Q}, {ACTIVITY_LAST_Q}, {ACTIVITY_WITHDRAWN_Q}
        FROM {T["activity"]} a
        JOIN {T["result"]} m ON m.id = a.measure_id
        {up.joins}
        WHERE {" AND ".join(where)}
    )"""
    return sql, params


def fetch(sql: str, params: list[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def money(value: Any) -> Decimal:
    """A sum from the database as a Decimal with 2 places (SQLite returns floats, PostgreSQL decimals)."""
    if value is None:
        return Decimal("0.00")
    return Decimal(str(value)).quantize(Decimal("0.01"))


def number(value: Any) -> Decimal | None:
    """An indicator value from the database as a Decimal (3 places at most), or None."""
    if value is None:
        return None
    amount = Decimal(str(value)).quantize(Decimal("0.001"))
    return amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount.normalize()
