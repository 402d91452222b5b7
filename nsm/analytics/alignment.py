"""GCM alignment: the 23 objectives against the plan, and the guiding principles through markers and target groups.

For each GCM objective: the activities in the period that serve it (an activity's own GCM objectives, else those of
its measure and the results above it), their planned cost, unfunded part and approved spending in the period, and
the indicators in the period on results tagged with it (or below a result tagged with it). An objective with no
activity, no indicator or no funded cost is flagged. The groups overlap: an activity serving two objectives counts
under both.

Activities and indicators are limited to the period by the same kind of rule, read from the plan and not from the
reports: an activity is in the period when its timeframe overlaps it; an indicator when it has a target for one of
the period's years (its target years are its timeframe; the whole action plan counts those with a target in any of
its years). Neither depends on what was reported.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from nsm.analytics import sql
from nsm.analytics.budget import BudgetRow, budget
from nsm.analytics.groups import Filters
from nsm.analytics.implementation import percent
from nsm.analytics.periods import Period
from nsm.reference.models import GcmObjective, GcmPrinciple, TargetGroup
from nsm.strategy.models import Activity

# Guiding principles the plan's own tags can show: gender-responsive through the gender marker (1 or 2);
# child-sensitive and human rights through the target groups that name who is protected.
PRINCIPLE_TARGET_GROUPS = {
    "h": ("unaccompanied_children", "youth"),
    "f": ("trafficking_victims", "asylum_seekers", "roma_egyptians", "persons_with_disabilities"),
}


@dataclass(frozen=True)
class GcmRow:
    gcm_id: int
    number: int
    title: str
    short_label: str
    activities: int
    indicators: int
    budget: BudgetRow

    @property
    def no_activity(self) -> bool:
        return self.activities == 0

    @property
    def no_indicator(self) -> bool:
        return self.indicators == 0

    @property
    def no_funding(self) -> bool:
        return self.budget.funded == 0

    @property
    def flagged(self) -> bool:
        return self.no_activity or self.no_indicator or self.no_funding


@dataclass(frozen=True)
class CountRow:
    key: Any
    label: str
    activities: int
    share: Decimal | None


@dataclass(frozen=True)
class PrincipleRow:
    letter: str
    title: str
    activities: int
    share: Decimal | None
    basis: str  # what the count is drawn from, in words


@dataclass(frozen=True)
class Alignment:
    period: Period
    objectives: tuple[GcmRow, ...]
    activities: int  # all activities in scope
    gender_markers: tuple[CountRow, ...]
    target_groups: tuple[CountRow, ...]
    principles: tuple[PrincipleRow, ...]

    @property
    def covered(self) -> int:
        return sum(1 for row in self.objectives if not row.no_activity)

    @property
    def flagged(self) -> tuple[GcmRow, ...]:
        return tuple(row for row in self.objectives if row.flagged)


def _counts(filters: Filters, period: Period) -> dict[tuple[str, Any], int]:
    """Activities in the period (their timeframe overlaps it) per GCM objective, per gender marker and target group,
    and in all; indicators in the period (a target for one of its years) per GCM objective: one query."""
    scope_sql, params = sql.activity_scope_cte(filters)
    scope_sql += """, inperiod AS (SELECT * FROM scope WHERE first_q <= %s AND last_q >= %s)"""
    params += [period.last_quarter, period.first_quarter]
    indicator_filter = f"""AND EXISTS (SELECT 1 FROM {sql.T["target"]} it WHERE it.indicator_id = i.id
        AND it.year >= %s AND it.year <= %s)"""
    indicator_params: list[Any] = [period.first_year, period.last_year]
    up = sql.ancestry("res")
    if filters.goal_id:
        indicator_filter += f" AND {up.root} = %s"
        indicator_params.append(filters.goal_id)
    if filters.institution_id:
        indicator_filter += " AND i.responsible_id = %s"
        indicator_params.append(filters.institution_id)
    query = f"""WITH {scope_sql}, {sql.activity_gcm_cte("inperiod")}
        SELECT 'activities', NULL, COUNT(*) FROM inperiod
        UNION ALL SELECT 'gcm', g.gcm_id, COUNT(DISTINCT g.activity_id) FROM act_gcm g GROUP BY g.gcm_id
        UNION ALL SELECT 'marker', s.gender_marker, COUNT(*) FROM inperiod s GROUP BY s.gender_marker
        UNION ALL SELECT 'group', tg.targetgroup_id, COUNT(*) FROM {sql.T["activity_tg"]} tg
            JOIN inperiod s ON s.id = tg.activity_id GROUP BY tg.targetgroup_id
        UNION ALL SELECT 'indicator', rg.gcmobjective_id, COUNT(DISTINCT i.id) FROM {sql.T["indicator"]} i
            JOIN {sql.T["result"]} res ON res.id = i.result_id
            {up.joins}
            JOIN {sql.T["result_gcm"]} rg ON rg.result_id IN ({up.ids})
            WHERE i.strategy_id = %s {indicator_filter}
            GROUP BY rg.gcmobjective_id"""
    principle_params: list[Any] = []
    for letter, codes in PRINCIPLE_TARGET_GROUPS.items():
        query += f"""
        UNION ALL SELECT %s, NULL, COUNT(DISTINCT tg.activity_id) FROM {sql.T["activity_tg"]} tg
            JOIN inperiod s ON s.id = tg.activity_id JOIN {TargetGroup._meta.db_table} t ON t.id = tg.targetgroup_id
            WHERE t.code IN ({", ".join("%s" for _ in codes)})"""
        principle_params += [f"principle-{letter}", *codes]  # the kind column: the key column holds numbers
    rows = sql.fetch(query, params + [filters.strategy_id, *indicator_params, *principle_params])
    return {(kind, key): count for kind, key, count in rows}


def gcm_alignment(filters: Filters, period: Period) -> Alignment:
    """All 23 objectives, with their activities, cost, spending and indicators in the period (seven queries)."""
    counts = _counts(filters, period)
    money = {row.key: row for row in budget(filters, period, "gcm").rows}
    objectives = tuple(
        GcmRow(
            gcm.pk,
            gcm.number,
            gcm.title,
            gcm.short_label,
            counts.get(("gcm", gcm.pk), 0),
            0 if filters.gcm_id and gcm.pk != filters.gcm_id else counts.get(("indicator", gcm.pk), 0),
            money.get(gcm.pk) or BudgetRow(gcm.pk, ""),
        )
        for gcm in GcmObjective.objects.order_by("number")
    )
    total = counts.get(("activities", None), 0)
    markers = tuple(
        CountRow(value, str(label), counts.get(("marker", value), 0), percent(counts.get(("marker", value), 0), total))
        for value, label in Activity.GenderMarker.choices
    )
    groups = list(TargetGroup.objects.order_by("position", "code"))
    target_groups = tuple(
        CountRow(
            group.pk, group.name, counts.get(("group", group.pk), 0), percent(counts.get(("group", group.pk), 0), total)
        )
        for group in groups
    )
    principles = _principles(counts, groups, total)
    return Alignment(period, objectives, total, markers, target_groups, principles)


def _principles(counts: dict[tuple[str, Any], int], groups: list[TargetGroup], total: int) -> tuple[PrincipleRow, ...]:
    """Gender-responsive (g): activities with gender marker 1 or 2; child-sensitive (h) and human rights (f):
    activities for at least one of the target groups named in PRINCIPLE_TARGET_GROUPS."""
    by_code = {group.code: group for group in groups}
    rows = []
    for principle in GcmPrinciple.objects.filter(letter__in=["g", *PRINCIPLE_TARGET_GROUPS]).order_by("letter"):
        if principle.letter == "g":
            activities = counts.get(("marker", 1), 0) + counts.get(("marker", 2), 0)
            basis = _("gender marker 1 or 2")
        else:
            activities = counts.get((f"principle-{principle.letter}", None), 0)
            named = [by_code[code].name for code in PRINCIPLE_TARGET_GROUPS[principle.letter] if code in by_code]
            basis = _("target groups: %(groups)s") % {"groups": ", ".join(named)}
        rows.append(PrincipleRow(principle.letter, principle.title, activities, percent(activities, total), str(basis)))
    return tuple(rows)


def gcm_members(filters: Filters, period: Period) -> dict[tuple[str, int], tuple[int, ...]]:
    """The activities and indicators behind each objective's counts in `gcm_alignment`, by the same rules: ("activity",
    gcm id) and ("indicator", gcm id) -> their ids, sorted; one query. For the documents that print what is behind a
    count (the GCM review)."""
    scope_sql, params = sql.activity_scope_cte(filters)
    scope_sql += """, inperiod AS (SELECT * FROM scope WHERE first_q <= %s AND last_q >= %s)"""
    params += [period.last_quarter, period.first_quarter]
    up = sql.ancestry("res")
    indicator_filter = ""
    indicator_params: list[Any] = [period.first_year, period.last_year]
    if filters.goal_id:
        indicator_filter += f" AND {up.root} = %s"
        indicator_params.append(filters.goal_id)
    if filters.institution_id:
        indicator_filter += " AND i.responsible_id = %s"
        indicator_params.append(filters.institution_id)
    query = f"""WITH {scope_sql}, {sql.activity_gcm_cte("inperiod")}
        SELECT DISTINCT 'activity', g.gcm_id, g.activity_id FROM act_gcm g
        UNION
        SELECT DISTINCT 'indicator', rg.gcmobjective_id, i.id FROM {sql.T["indicator"]} i
            JOIN {sql.T["result"]} res ON res.id = i.result_id
            {up.joins}
            JOIN {sql.T["result_gcm"]} rg ON rg.result_id IN ({up.ids})
            WHERE i.strategy_id = %s AND EXISTS (SELECT 1 FROM {sql.T["target"]} it WHERE it.indicator_id = i.id
                AND it.year >= %s AND it.year <= %s) {indicator_filter}"""
    found: dict[tuple[str, int], list[int]] = defaultdict(list)
    for kind, gcm_id, pk in sql.fetch(query, params + [filters.strategy_id, *indicator_params]):
        if kind == "indicator" and filters.gcm_id and gcm_id != filters.gcm_id:
            continue  # as gcm_alignment: narrowed to one objective, the others count no indicator
        found[(kind, gcm_id)].append(pk)
    return {key: tuple(sorted(ids)) for key, ids in found.items()}


def coverage_gaps(alignment: Alignment) -> dict[str, list[GcmRow]]:
    """The flagged objectives by reason."""
    gaps: dict[str, list[GcmRow]] = defaultdict(list)
    for row in alignment.objectives:
        if row.no_activity:
            gaps["no_activity"].append(row)
        if row.no_indicator:
            gaps["no_indicator"].append(row)
        if row.no_funding:
            gaps["no_funding"].append(row)
    return gaps
