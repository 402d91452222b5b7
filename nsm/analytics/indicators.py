"""Indicator achievement: baseline, target, actual and progress towards the target, with a band.

- *actual* for a period: the total (the cell without a category) in the latest approved report of a cycle that lies
  within the period, with its disaggregated cells from the same report. Approved data only.
- *target*: the indicator's target for the period's last year.
- *progress* (%): how far the actual has moved from the baseline towards the target, direction-aware:
  increase: (actual - baseline) / (target - baseline); decrease: (baseline - actual) / (baseline - target).
  A missing baseline counts as 0. When target and baseline are equal, progress is 100 if the actual has reached the
  target (in the indicator's direction), else 0. A *maintain* indicator's progress is actual / target (100 if both
  are 0). Progress may exceed 100 or be negative.
- *band*, with the strategy's band width w (default 15 points): on track when progress >= 100 - w, at risk when
  >= 100 - 2w, off track below; "no data" without an actual, "no target" without a target.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from nsm.analytics import sql
from nsm.analytics.groups import Filters
from nsm.analytics.periods import Period
from nsm.i18n import page_language
from nsm.reference.models import DisaggregationCategory
from nsm.strategy.models import Indicator, in_words, progress, stage_lines

ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA, NO_TARGET = "on_track", "at_risk", "off_track", "no_data", "no_target"
BANDS = (ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA, NO_TARGET)
BAND_LABELS = {
    ON_TRACK: _("On track"),
    AT_RISK: _("At risk"),
    OFF_TRACK: _("Off track"),
    NO_DATA: _("No data"),
    NO_TARGET: _("No target"),
}
DEFAULT_BAND_WIDTH = Decimal(15)


def band(
    progress_pct: Decimal | None, *, has_target: bool, has_actual: bool, width: Decimal = DEFAULT_BAND_WIDTH
) -> str:
    if not has_target:
        return NO_TARGET
    if not has_actual or progress_pct is None:
        return NO_DATA
    if progress_pct >= 100 - width:
        return ON_TRACK
    if progress_pct >= 100 - 2 * width:
        return AT_RISK
    return OFF_TRACK


@dataclass(frozen=True)
class Cell:
    category_id: int
    dimension: str
    label: str
    value: Decimal | None


@dataclass(frozen=True)
class Achievement:
    indicator_id: int
    code: str
    name: str
    kind: str
    unit: str
    value_type: str
    direction: str
    period: Period
    baseline: Decimal | None
    baseline_year: int | None
    target: Decimal | None
    actual: Decimal | None
    progress: Decimal | None
    band: str
    cells: tuple[Cell, ...] = ()
    report_id: int | None = None
    stages: tuple[str, ...] = ()  # a milestone indicator's stages in the page's language

    @property
    def band_label(self) -> str:
        return str(BAND_LABELS[self.band])

    def in_words(self, value: Decimal | None) -> str | Decimal | None:
        """A value of this indicator as a reader needs it: Yes/No, the stage reached, or the number."""
        return in_words(value, self.value_type, self.stages)


def _indicator_scope(filters: Filters) -> tuple[str, list[Any]]:
    """`iscope(id, ...)`: the strategy's indicators, narrowed to a goal (the result's topmost ancestor), a
    responsible institution, or a GCM objective (tagged on the result or a result above it)."""
    where, params = ["i.strategy_id = %s"], [filters.strategy_id]
    up = sql.ancestry("res")
    if filters.goal_id:
        where.append(f"{up.root} = %s")
        params.append(filters.goal_id)
    if filters.institution_id:
        where.append("i.responsible_id = %s")
        params.append(filters.institution_id)
    if filters.gcm_id:
        where.append(
            f"EXISTS (SELECT 1 FROM {sql.T['result_gcm']} rg WHERE rg.result_id IN ({up.ids}) "
            "AND rg.gcmobjective_id = %s)"
        )
        params.append(filters.gcm_id)
    return (
        f"""iscope(id, goal_id) AS (
        SELECT i.id, {up.root} FROM {sql.T["indicator"]} i
        JOIN {sql.T["result"]} res ON res.id = i.result_id
        {up.joins}
        WHERE {" AND ".join(where)})""",
        params,
    )


def achievement_over(
    filters: Filters, periods: list[Period], *, band_width: Decimal = DEFAULT_BAND_WIDTH, cells: bool = True
) -> dict[Period, list[Achievement]]:
    """Each indicator's achievement in each period (two queries at most, whatever the number of periods)."""
    if not periods:
        return {}
    periods_sql, params = sql.periods_cte(periods)
    scope_sql, scope_params = _indicator_scope(filters)
    # The report whose total counts: the latest approved one of a cycle within the period, from the figures kept at
    # approval (one row per indicator, cycle and cell; nsm.monitoring.kept), found per indicator through their index on
    # the indicator. MATERIALIZED: found once, not again for each use of `report_id` below.
    chosen_sql = f"""chosen(pkey, indicator_id, report_id) AS MATERIALIZED (
        SELECT p.pkey, s.id, (
            SELECT k.report_id FROM {sql.T["indicator_standing"]} k
            WHERE k.indicator_id = s.id AND k.category_id IS NULL
              AND k.last_q <= p.last_q AND k.first_q >= p.first_q
            ORDER BY k.last_q DESC, k.rank DESC, k.cycle_id DESC LIMIT 1)
        FROM iscope s CROSS JOIN periods p
    )"""
    # One row per indicator, period and value of the chosen report: the total (no category) and, with `cells`, the
    # disaggregated values; an indicator without a chosen report has one row without value.
    only_total = "" if cells else "AND v.category_id IS NULL"
    first, then = ("sq", "en") if page_language() == "sq" else ("en", "sq")  # the unit in the page's language first
    unit_sql = f"CASE WHEN i.unit_{first} <> '' THEN i.unit_{first} ELSE i.unit_{then} END"
    query = f"""WITH {periods_sql}, {scope_sql}, {chosen_sql}
        SELECT x.pkey, i.id, i.code, i.name_sq, i.name_en, i.kind, {unit_sql}, i.value_type, i.direction, i.baseline,
               i.baseline_year, t.value, x.report_id, v.category_id, v.value, i.aggregation, i.milestones_sq,
               i.milestones_en
        FROM chosen x JOIN {sql.T["indicator"]} i ON i.id = x.indicator_id
        JOIN periods p ON p.pkey = x.pkey
        LEFT JOIN {sql.T["target"]} t ON t.indicator_id = i.id AND t.year = p.target_year
        LEFT JOIN {sql.T["indicator_standing"]} v ON v.report_id = x.report_id AND v.indicator_id = i.id {only_total}
        ORDER BY x.pkey, i.sort_key, i.id"""
    rows: list[tuple] = []  # one per indicator and period, with the total as `actual`
    cell_values: dict[tuple[int, int], list[tuple[int, Any]]] = defaultdict(list)
    flows: set[int] = set()
    language = page_language()
    stages: dict[int, tuple[str, ...]] = {}  # each milestone indicator's stages, in the page's language
    for row in sql.fetch(query, params + scope_params):
        key = (row[0], row[1])
        if row[7] == Indicator.ValueType.MILESTONE:
            written = {"sq": stage_lines(row[16] or ""), "en": stage_lines(row[17] or "")}
            stages[row[1]] = tuple(written[language] or written["sq"] or written["en"])
        if row[15] == Indicator.Aggregation.FLOW:
            flows.add(row[1])
        if not rows or (rows[-1][0], rows[-1][1]) != key:
            rows.append((*row[:12], None, row[12]))
        if row[13] is None:
            rows[-1] = (*rows[-1][:12], row[14], row[12])
        else:
            cell_values[key].append((row[13], row[14]))
    if flows:  # a flow's figure is the sum of its periods' values, not the latest one (one more query)
        sums = _flow_sums(periods, periods_sql, params, flows)
        rows = [(*row[:12], sums.get((row[0], row[1], None)), row[13]) if row[1] in flows else row for row in rows]
        for key in [key for key in cell_values if key[1] in flows]:
            cell_values[key] = [(category, sums.get((*key, category))) for category, _value in cell_values[key]]
    # Each category's dimension name, name and order, read once (the names in the page's language).
    labels: dict[int, tuple[str, str, tuple]] = {}
    if cell_values:
        ids = {category_id for values in cell_values.values() for category_id, _ in values}
        for category in DisaggregationCategory.objects.filter(pk__in=ids).select_related("dimension"):
            dimension = category.dimension
            order = (dimension.position, dimension.code, category.position)
            labels[category.pk] = (dimension.name, category.name, order)
    result: dict[Period, list[Achievement]] = {period: [] for period in periods}
    for (
        pkey, pk, code, name_sq, name_en, kind, unit, value_type, direction, baseline,
        baseline_year, target, actual, report_id,
    ) in rows:  # fmt: skip
        baseline, target, actual = sql.number(baseline), sql.number(target), sql.number(actual)
        pct = progress(baseline, target, actual, direction)
        found = sorted(cell_values.get((pkey, pk), []), key=lambda item: labels[item[0]][2])
        indicator_cells = [Cell(cid, labels[cid][0], labels[cid][1], sql.number(value)) for cid, value in found]
        name = (name_sq or name_en) if language == "sq" else (name_en or name_sq)
        result[periods[pkey]].append(
            Achievement(
                pk, code, name, kind, unit, value_type, direction, periods[pkey], baseline, baseline_year,
                target, actual, pct,
                band(pct, has_target=target is not None, has_actual=actual is not None, width=band_width),
                tuple(indicator_cells), report_id, stages.get(pk, ()),
            )
        )  # fmt: skip
    return result


def _flow_sums(
    periods: list[Period], periods_sql: str, params: list[Any], indicators: set[int]
) -> dict[tuple[int, int, int | None], Decimal]:
    """(period key, indicator, category or None for the total) -> the sum of the approved values of the cycles within
    the period: per year, the year's own cycle when it has one, else the sum of its half-years (each cycle's figures
    kept at approval), so that a year reported both ways is not counted twice."""
    marks = ", ".join("%s" for _ in indicators)
    query = f"""WITH {periods_sql}
        SELECT p.pkey, k.indicator_id, k.category_id, k.year, k.half, k.value
        FROM {sql.T["indicator_standing"]} k
        JOIN periods p ON k.last_q <= p.last_q AND k.first_q >= p.first_q
        WHERE k.indicator_id IN ({marks}) AND k.value IS NOT NULL"""
    # (pkey, indicator, category, year) -> half (0: the year) -> value of the cycle's latest approved report
    found: dict[tuple, dict[int, Decimal]] = defaultdict(dict)
    for pkey, indicator, category, year, half, value in sql.fetch(query, params + sorted(indicators)):
        found[(pkey, indicator, category, year)][half] = sql.number(value) or Decimal(0)
    sums: dict[tuple[int, int, int | None], Decimal] = defaultdict(Decimal)
    for (pkey, indicator, category, _year), halves in found.items():
        sums[(pkey, indicator, category)] += halves[0] if 0 in halves else sum(halves.values(), Decimal(0))
    return dict(sums)


def achievement(
    filters: Filters, period: Period, *, band_width: Decimal = DEFAULT_BAND_WIDTH, cells: bool = True
) -> list[Achievement]:
    """Each indicator's achievement in the period, in code order."""
    return achievement_over(filters, [period], band_width=band_width, cells=cells)[period]


def band_counts(achievements: list[Achievement]) -> dict[str, int]:
    counts = dict.fromkeys(BANDS, 0)
    for item in achievements:
        counts[item.band] += 1
    return counts
