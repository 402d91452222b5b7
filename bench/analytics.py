"""Each roll-up against one hand-written SQL query for the same result: time, ratio, queries (a benchmark, not a test).

    NSM_VAR_DIR=var/bench-national .venv/bin/python bench/analytics.py [--repeat 15] [--json out.json] [--explain]
    .venv/bin/python bench/analytics.py --compare national.json multi.json

Needs the data of `nsm generate --scale national` (or multi) in the database NSM_DATABASE_URL / NSM_VAR_DIR points
at. For the national strategy (`NATIONAL_CODE`) it times each roll-up of `nsm.analytics` (one warm-up call, then the
median of `--repeat` calls), counts its SQL queries, and times one query written here, independently of
`nsm.analytics.sql`, that computes the same figures; the two results are compared (OK / MISMATCH). `--json` keeps the
figures so that `--compare` can print one strategy's times at the national and at the multi-country scale;
`--explain` prints the plan of the main implementation query (the app's own SQL, captured) on this database.
"""

# ruff: noqa: S608 - the SQL is built from the models' table names and fixed fragments; values go as parameters

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nsm.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from nsm.accounts.models import Institution  # noqa: E402
from nsm.analytics.alignment import gcm_alignment  # noqa: E402
from nsm.analytics.budget import budget  # noqa: E402
from nsm.analytics.compliance import compliance  # noqa: E402
from nsm.analytics.groups import Filters  # noqa: E402
from nsm.analytics.implementation import implementation, implementation_by_year  # noqa: E402
from nsm.analytics.indicators import achievement  # noqa: E402
from nsm.analytics.periods import Period  # noqa: E402
from nsm.demo.generate import NATIONAL_CODE  # noqa: E402
from nsm.monitoring.models import ActivityProgress, IndicatorValue, ProgressReport, ReportingCycle  # noqa: E402
from nsm.reference.models import GcmObjective  # noqa: E402
from nsm.strategy.models import Activity, ActivityBudget, Indicator, IndicatorTarget, Result, Strategy  # noqa: E402

YEAR = 2027  # a year in the middle of the plan, every cycle of it approved
TODAY = datetime.date(2031, 1, 15)  # fixed, so that "missing" and "pending" do not depend on the day of the run

# Table names from the models' metadata (so a renamed table does not break the bench); the SQL below is written
# here, not taken from nsm.analytics.sql.
ACT, RES, BUD = Activity._meta.db_table, Result._meta.db_table, ActivityBudget._meta.db_table
IND, TGT = Indicator._meta.db_table, IndicatorTarget._meta.db_table
CYC, REP = ReportingCycle._meta.db_table, ProgressReport._meta.db_table
LINE, VAL = ActivityProgress._meta.db_table, IndicatorValue._meta.db_table
ACT_GCM = Activity.gcm_objectives.through._meta.db_table
RES_GCM = Result.gcm_objectives.through._meta.db_table
INST, GCM = Institution._meta.db_table, GcmObjective._meta.db_table

# The quarter key year * 10 + quarter of an activity's first and last quarter and of a cycle's.
A_FIRST = "(a.start_year * 10 + COALESCE(a.start_quarter, 1))"
A_LAST = "(a.end_year * 10 + COALESCE(a.end_quarter, 4))"
C_FIRST = "(c.year * 10 + CASE c.half WHEN 2 THEN 3 ELSE 1 END)"
C_LAST = "(c.year * 10 + CASE c.half WHEN 1 THEN 2 ELSE 4 END)"
# The latest cycle first; of a year cycle and a second half ending together, the year cycle.
LATEST = f"{C_LAST} DESC, CASE WHEN c.half = 0 THEN 1 ELSE 0 END DESC, c.id DESC"

GOAL_OF = f"JOIN {RES} m ON m.id = a.measure_id JOIN {RES} o ON o.id = m.parent_id"
# An activity's GCM objectives: its own, else those of its measure, objective and goal.
GCM_OF = f"""act_gcm(activity_id, gcm_id) AS (
    SELECT ag.activity_id, ag.gcmobjective_id FROM {ACT_GCM} ag JOIN {ACT} a ON a.id = ag.activity_id
    WHERE a.strategy_id = %(s)s
    UNION
    SELECT a.id, rg.gcmobjective_id FROM {ACT} a {GOAL_OF}
    JOIN {RES_GCM} rg ON rg.result_id = a.measure_id OR rg.result_id = o.id OR rg.result_id = o.parent_id
    WHERE a.strategy_id = %(s)s AND NOT EXISTS (SELECT 1 FROM {ACT_GCM} x WHERE x.activity_id = a.id))"""


def implementation_sql(group: str) -> str:
    """Activities of the strategy overlapping the year, by group, due or ongoing, and latest approved status."""
    joins = {"total": "", "goal": "", "institution": "", "gcm": "JOIN act_gcm g ON g.activity_id = x.id"}[group]
    key = {"total": "NULL", "goal": "x.goal_id", "institution": "x.lead_id", "gcm": "g.gcm_id"}[group]
    gcm = f"{GCM_OF}," if group == "gcm" else ""
    group_key = "" if group == "total" else f"{key}, "  # PostgreSQL does not group by a constant
    return f"""WITH {gcm} acts AS (
        SELECT a.id, a.lead_id, o.parent_id AS goal_id, {A_LAST} AS last_q FROM {ACT} a {GOAL_OF}
        WHERE a.strategy_id = %(s)s AND {A_FIRST} <= %(last_q)s AND {A_LAST} >= %(first_q)s),
    latest AS (
        SELECT ap.activity_id, ap.status, ROW_NUMBER() OVER (PARTITION BY ap.activity_id ORDER BY {LATEST}) AS n
        FROM {LINE} ap JOIN {REP} r ON r.id = ap.report_id JOIN {CYC} c ON c.id = r.cycle_id
        WHERE c.strategy_id = %(s)s AND r.status = 'approved' AND ap.status <> '' AND {C_LAST} <= %(last_q)s)
    SELECT {key}, CASE WHEN x.last_q <= %(last_q)s THEN 1 ELSE 0 END, COALESCE(l.status, 'not_reported'), COUNT(*)
    FROM acts x LEFT JOIN latest l ON l.activity_id = x.id AND l.n = 1 {joins}
    GROUP BY {group_key}CASE WHEN x.last_q <= %(last_q)s THEN 1 ELSE 0 END, COALESCE(l.status, 'not_reported')"""


IMPLEMENTATION_BY_YEAR_SQL = f"""WITH RECURSIVE years(y) AS (
        SELECT CAST(%(first_year)s AS INTEGER) UNION ALL SELECT y + 1 FROM years WHERE y < %(last_year)s),
    acts AS (
        SELECT a.id, {A_FIRST} AS first_q, {A_LAST} AS last_q FROM {ACT} a WHERE a.strategy_id = %(s)s),
    latest AS (
        SELECT years.y, ap.activity_id, ap.status,
               ROW_NUMBER() OVER (PARTITION BY years.y, ap.activity_id ORDER BY {LATEST}) AS n
        FROM {LINE} ap JOIN {REP} r ON r.id = ap.report_id JOIN {CYC} c ON c.id = r.cycle_id
        JOIN years ON {C_LAST} <= years.y * 10 + 4
        WHERE c.strategy_id = %(s)s AND r.status = 'approved' AND ap.status <> '')
    SELECT years.y, CASE WHEN x.last_q <= years.y * 10 + 4 THEN 1 ELSE 0 END, COALESCE(l.status, 'not_reported'),
           COUNT(*)
    FROM acts x JOIN years ON x.first_q <= years.y * 10 + 4 AND x.last_q >= years.y * 10 + 1
    LEFT JOIN latest l ON l.y = years.y AND l.activity_id = x.id AND l.n = 1
    GROUP BY years.y, CASE WHEN x.last_q <= years.y * 10 + 4 THEN 1 ELSE 0 END, COALESCE(l.status, 'not_reported')"""

# Per indicator: baseline, the target of the year, and the cells (the total: category NULL) of the latest approved
# report of a cycle within the year that has a total.
ACHIEVEMENT_SQL = f"""WITH latest AS (
        SELECT v.indicator_id, v.report_id, ROW_NUMBER() OVER (PARTITION BY v.indicator_id ORDER BY {LATEST}) AS n
        FROM {VAL} v JOIN {REP} r ON r.id = v.report_id JOIN {CYC} c ON c.id = r.cycle_id
        WHERE c.strategy_id = %(s)s AND r.status = 'approved' AND v.category_id IS NULL AND v.value IS NOT NULL
          AND {C_FIRST} >= %(first_q)s AND {C_LAST} <= %(last_q)s)
    SELECT i.id, i.baseline, t.value, v.category_id, v.value
    FROM {IND} i
    LEFT JOIN {TGT} t ON t.indicator_id = i.id AND t.year = %(last_year)s
    LEFT JOIN latest l ON l.indicator_id = i.id AND l.n = 1
    LEFT JOIN {VAL} v ON v.report_id = l.report_id AND v.indicator_id = i.id
    WHERE i.strategy_id = %(s)s"""


def budget_sql(group: str) -> str:
    """Planned by source for the period's years and approved spending of cycles within it, by group."""
    key = {"goal": "o.parent_id", "gcm": "g.gcm_id", "year": None}[group]
    gcm = f"WITH {GCM_OF}" if group == "gcm" else ""
    join = "JOIN act_gcm g ON g.activity_id = a.id" if group == "gcm" else ""
    planned_key, spent_key = (key, key) if key else ("b.year", "c.year")
    return f"""{gcm}
    SELECT 'planned', {planned_key}, b.source, SUM(b.amount), NULL, NULL
    FROM {BUD} b JOIN {ACT} a ON a.id = b.activity_id {GOAL_OF} {join}
    WHERE a.strategy_id = %(s)s AND b.year >= %(first_year)s AND b.year <= %(last_year)s
    GROUP BY {planned_key}, b.source
    UNION ALL
    SELECT 'spent', {spent_key}, NULL, SUM(ap.spent_state_budget), SUM(ap.spent_donor), SUM(ap.spent_other)
    FROM {LINE} ap JOIN {REP} r ON r.id = ap.report_id JOIN {CYC} c ON c.id = r.cycle_id
    JOIN {ACT} a ON a.id = ap.activity_id {GOAL_OF} {join}
    WHERE c.strategy_id = %(s)s AND a.strategy_id = %(s)s AND r.status = 'approved'
      AND {C_FIRST} >= %(first_q)s AND {C_LAST} <= %(last_q)s
      AND (c.kind <> 'year' OR NOT EXISTS (
          SELECT 1 FROM {CYC} h WHERE h.strategy_id = c.strategy_id AND h.year = c.year AND h.kind = 'half_year'))
    GROUP BY {spent_key}"""


COMPLIANCE_SQL = f"""SELECT r.institution_id, r.cycle_id,
        CASE WHEN r.submitted_at IS NOT NULL AND r.submitted_late THEN 'late'
             WHEN r.submitted_at IS NOT NULL THEN 'on_time'
             WHEN c.due_on < %(today)s THEN 'missing' ELSE 'pending' END
    FROM {REP} r JOIN {CYC} c ON c.id = r.cycle_id
    WHERE c.strategy_id = %(s)s AND c.status <> 'planned'"""

# Per GCM objective: activities serving it, indicators on results tagged with it or below one, planned, unfunded
# and spent in the year.
GCM_ALIGNMENT_SQL = f"""WITH {GCM_OF},
    inds AS (
        SELECT DISTINCT rg.gcmobjective_id AS gcm_id, i.id FROM {IND} i
        JOIN {RES} res ON res.id = i.result_id
        LEFT JOIN {RES} p ON p.id = res.parent_id
        JOIN {RES_GCM} rg ON rg.result_id = res.id OR rg.result_id = p.id OR rg.result_id = p.parent_id
        WHERE i.strategy_id = %(s)s),
    planned AS (
        SELECT g.gcm_id, SUM(b.amount) AS planned, SUM(CASE WHEN b.source = 'unfunded' THEN b.amount END) AS unfunded
        FROM {BUD} b JOIN act_gcm g ON g.activity_id = b.activity_id
        WHERE b.year >= %(first_year)s AND b.year <= %(last_year)s GROUP BY g.gcm_id),
    spent AS (
        SELECT g.gcm_id,
               SUM(COALESCE(ap.spent_state_budget, 0) + COALESCE(ap.spent_donor, 0) + COALESCE(ap.spent_other, 0))
               AS spent
        FROM {LINE} ap JOIN {REP} r ON r.id = ap.report_id JOIN {CYC} c ON c.id = r.cycle_id
        JOIN act_gcm g ON g.activity_id = ap.activity_id
        WHERE c.strategy_id = %(s)s AND r.status = 'approved' AND {C_FIRST} >= %(first_q)s AND {C_LAST} <= %(last_q)s
          AND (c.kind <> 'year' OR NOT EXISTS (SELECT 1 FROM {CYC} h WHERE h.strategy_id = c.strategy_id
               AND h.year = c.year AND h.kind = 'half_year'))
        GROUP BY g.gcm_id)
    SELECT o.id,
           (SELECT COUNT(DISTINCT activity_id) FROM act_gcm WHERE gcm_id = o.id),
           (SELECT COUNT(*) FROM inds WHERE gcm_id = o.id),
           COALESCE(pl.planned, 0), COALESCE(pl.unfunded, 0), COALESCE(sp.spent, 0)
    FROM {GCM} o LEFT JOIN planned pl ON pl.gcm_id = o.id LEFT JOIN spent sp ON sp.gcm_id = o.id"""


# --- what the app's results and the SQL rows are compared as ---------------------------------------------------


def num(value: Any) -> str | None:
    """A number as text with 3 decimals (SQLite answers floats, PostgreSQL decimals)."""
    return None if value is None else f"{Decimal(str(value)):.3f}"


def status_counts(key: Any, row: Any) -> set:
    out = set()
    for due, counts in ((1, row.due), (0, row.ongoing)):
        for status, count in counts.items():
            if count:
                out.add((key, due, status, count))
    return out


def app_implementation(result: Any, group: str) -> set:
    if group == "total":
        return status_counts(None, result.total)
    return set().union(*(status_counts(row.key, row) for row in result.rows))


def sql_counts(rows: list[tuple]) -> set:
    return {(key, int(due), status, count) for key, due, status, count in rows}


def app_by_year(result: Any) -> set:
    return set().union(*(status_counts(item.period.first_year, item.total) for item in result))


def app_achievement(result: Any) -> set:
    return {
        (
            item.indicator_id,
            num(item.baseline),
            num(item.target),
            num(item.actual),
            tuple(sorted((cell.category_id, num(cell.value)) for cell in item.cells)),
        )
        for item in result
    }


def sql_achievement(rows: list[tuple]) -> set:
    by_indicator: dict[int, dict] = {}
    for pk, baseline, target, category, value in rows:
        item = by_indicator.setdefault(pk, {"b": num(baseline), "t": num(target), "a": None, "cells": []})
        if category is None and value is not None:
            item["a"] = num(value)
        elif category is not None:
            item["cells"].append((category, num(value)))
    return {(pk, d["b"], d["t"], d["a"], tuple(sorted(d["cells"]))) for pk, d in by_indicator.items()}


def app_budget(result: Any) -> set:
    return {
        (
            row.key,
            num(row.planned_state_budget),
            num(row.planned_donor),
            num(row.planned_other),
            num(row.unfunded),
            num(row.spent_state_budget),
            num(row.spent_donor),
            num(row.spent_other),
        )
        for row in result.rows
    }


def sql_budget(rows: list[tuple]) -> set:
    sums: dict[Any, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for kind, key, source, first, donor, other in rows:
        if kind == "planned":
            sums[key][source] += Decimal(str(first or 0))
        else:
            for name, value in (("s_state", first), ("s_donor", donor), ("s_other", other)):
                sums[key][name] += Decimal(str(value or 0))
    names = ("state_budget", "donor", "other", "unfunded", "s_state", "s_donor", "s_other")
    return {(key, *(num(values[name]) for name in names)) for key, values in sums.items()}


def app_compliance(result: Any) -> set:
    return {(row.institution_id, cycle, state) for row in result.rows for cycle, state in row.cells.items()}


def app_alignment(result: Any) -> set:
    return {
        (row.gcm_id, row.activities, row.indicators, num(row.budget.planned), num(row.budget.unfunded),
         num(row.budget.spent))
        for row in result.objectives
    }  # fmt: skip


def sql_alignment(rows: list[tuple]) -> set:
    return {(pk, acts, inds, num(plan), num(unfunded), num(spent)) for pk, acts, inds, plan, unfunded, spent in rows}


# --- measuring ---------------------------------------------------------------------------------------------------


def timed(call: Callable[[], Any], repeat: int, budget_s: float = 8.0) -> tuple[float, Any]:
    """The median time in ms of `repeat` calls after one warm-up call (fewer, 3 at least, when they take more than
    `budget_s` seconds in all), and the warm-up's result."""
    result = call()
    times: list[float] = []
    while len(times) < repeat and (len(times) < 3 or sum(times) < budget_s * 1000):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def run_sql(query: str, params: dict[str, Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def rollups(strategy: Strategy) -> list[tuple[str, Callable[[], Any], Callable[[Any], set], str, dict, Callable]]:
    filters = Filters.of(strategy)
    year = Period.year(YEAR)
    span = Period.span(strategy.plan_start_year, strategy.plan_end_year)
    params_year = {
        "s": strategy.pk,
        "first_q": year.first_quarter,
        "last_q": year.last_quarter,
        "first_year": year.first_year,
        "last_year": year.last_year,
        "today": TODAY,
    }
    params_span = {
        **params_year,
        "first_q": span.first_quarter,
        "last_q": span.last_quarter,
        "first_year": span.first_year,
        "last_year": span.last_year,
    }
    rows = []
    for group in ("total", "goal", "institution", "gcm"):
        by = None if group == "total" else group
        rows.append(
            (
                f"implementation ({group})",
                lambda by=by: implementation(filters, year, by),
                lambda result, group=group: app_implementation(result, group),
                implementation_sql(group),
                params_year,
                sql_counts,
            )
        )
    rows += [
        (
            "implementation_by_year",
            lambda: implementation_by_year(filters, strategy.plan_years),
            app_by_year,
            IMPLEMENTATION_BY_YEAR_SQL,
            params_span,
            sql_counts,
        ),
        ("achievement (cells)", lambda: achievement(filters, year), app_achievement, ACHIEVEMENT_SQL, params_year,
         sql_achievement),
        ("budget (goal)", lambda: budget(filters, year, "goal"), app_budget, budget_sql("goal"), params_year,
         sql_budget),
        ("budget (gcm)", lambda: budget(filters, year, "gcm"), app_budget, budget_sql("gcm"), params_year, sql_budget),
        ("budget (year, plan span)", lambda: budget(filters, span, "year"), app_budget, budget_sql("year"),
         params_span, sql_budget),
        ("compliance", lambda: compliance(strategy, today=TODAY), app_compliance, COMPLIANCE_SQL, params_year,
         lambda rows: set(rows)),
        ("gcm_alignment", lambda: gcm_alignment(filters, year), app_alignment, GCM_ALIGNMENT_SQL, params_year,
         sql_alignment),
    ]  # fmt: skip
    return rows


def explain(strategy: Strategy) -> None:
    """The plan of the app's implementation-by-goal query on this database."""
    with CaptureQueriesContext(connection) as queries:
        implementation(Filters.of(strategy), Period.year(YEAR), "goal")
    query = max((q["sql"] for q in queries.captured_queries), key=len)
    prefix = "EXPLAIN (ANALYZE, BUFFERS)" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    with connection.cursor() as cursor:
        cursor.execute(f"{prefix} {query}")
        lines = cursor.fetchall()
    print(f"\n{prefix} of the implementation query (by goal), {connection.vendor}:")
    for line in lines:
        print("  " + (line[0] if connection.vendor == "postgresql" else f"{line[0]:>4} {line[1]:>4}  {line[-1]}"))


def measure(repeat: int) -> dict[str, Any]:
    strategy = Strategy.objects.get(code=NATIONAL_CODE)
    activities = Activity.objects.count()
    strategies = Strategy.objects.count()
    print(
        f"\nRoll-ups of {NATIONAL_CODE} ({YEAR}), {connection.vendor}: {strategies} strategies, "
        f"{activities} activities in the database; median of {repeat} runs (3 at least when slow)"
    )
    print(f"{'roll-up':<28}{'app ms':>9}{'SQL ms':>9}{'ratio':>7}{'queries':>9}  equal")
    figures = {}
    for name, call, app_view, query, params, sql_view in rollups(strategy):
        with CaptureQueriesContext(connection) as queries:
            result = call()
        count = len(queries)
        app_ms, _ = timed(call, repeat)
        sql_ms, rows = timed(lambda query=query, params=params: run_sql(query, params), repeat)
        mine, theirs = app_view(result), sql_view(rows)
        equal = "OK" if mine == theirs else "MISMATCH"
        ratio = app_ms / sql_ms if sql_ms else 0
        print(f"{name:<28}{app_ms:>9.1f}{sql_ms:>9.1f}{ratio:>7.2f}{count:>9}  {equal}")
        if mine != theirs:
            print(f"    app only: {sorted(mine - theirs, key=str)[:5]}")
            print(f"    SQL only: {sorted(theirs - mine, key=str)[:5]}")
        figures[name] = {"app_ms": app_ms, "sql_ms": sql_ms, "queries": count, "equal": equal}
    return {"vendor": connection.vendor, "strategies": strategies, "activities": activities, "rollups": figures}


def compare(national_path: str, multi_path: str) -> None:
    with open(national_path) as file:
        national = json.load(file)
    with open(multi_path) as file:
        multi = json.load(file)
    print(
        f"\nOne strategy at both scales, {national['vendor']}: {NATIONAL_CODE} in a database of "
        f"{national['strategies']} strategy / {multi['strategies']} strategies"
    )
    print(f"{'roll-up':<28}{'national ms':>12}{'multi ms':>10}{'ratio':>7}{'queries':>11}")
    for name, figures in national["rollups"].items():
        other = multi["rollups"][name]
        ratio = other["app_ms"] / figures["app_ms"] if figures["app_ms"] else 0
        print(
            f"{name:<28}{figures['app_ms']:>12.1f}{other['app_ms']:>10.1f}{ratio:>7.2f}"
            f"{figures['queries']:>6} /{other['queries']:>3}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--explain", action="store_true", help="print the plan of the implementation query")
    parser.add_argument("--compare", nargs=2, metavar=("NATIONAL_JSON", "MULTI_JSON"))
    options = parser.parse_args()
    if options.compare:
        compare(*options.compare)
        return
    if not Strategy.objects.filter(code=NATIONAL_CODE).exists():
        sys.exit(f"{NATIONAL_CODE} is not in the database: run `nsm generate --scale national` first.")
    figures = measure(options.repeat)
    if options.explain:
        explain(Strategy.objects.get(code=NATIONAL_CODE))
    if options.json:
        with open(options.json, "w") as file:
            json.dump(figures, file, indent=1)


if __name__ == "__main__":
    main()
