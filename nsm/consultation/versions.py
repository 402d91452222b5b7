"""A plan frozen as plain data (`snapshot`), the difference between two of them (`diff`) and its inverse (`apply`).

A snapshot always has the keys `format`, `strategy`, `results`, `activities` and `indicators`, and `chapters` when
the strategy has narrative chapters written (their Markdown by kind, `{"vision": {"sq": ..., "en": ...}}`; versions
frozen before chapters existed have none, and compare equal where none is written). It is JSON-able:
numbers of money and values are strings (`"1200.5"`), years are integers, references to institutions,
GCM objectives, SDG targets, target groups and disaggregation dimensions are their codes or numbers.
Goals, objectives, measures, activities and indicators are keyed by their code, the identity they keep from one
version to the next. An item whose code changed (a measure moved up, an activity renumbered) therefore shows as
one item removed and another added: the diff cannot tell a renumbering from a deletion and an addition.

`apply(old, diff(old, new)) == upgraded(new)` for any two snapshots: the diff explains every change (in today's
terms: `upgraded` reads a version frozen before a field was added as the plan would be frozen now).
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from nsm.core.codes import item_sort_key
from nsm.i18n import localized
from nsm.strategy.models import (
    Activity,
    ActivityBudget,
    Amendment,
    Chapter,
    Indicator,
    IndicatorTarget,
    LevelName,
    Result,
    Strategy,
    default_levels,
)
from nsm.strategy.selectors import bodies_prefetch

FORMAT = 1
SECTIONS = ("results", "activities", "indicators", "chapters")
# The sections a snapshot holds only when they hold something (versions frozen before they existed compare equal).
OPTIONAL_SECTIONS = ("chapters",)
STRATEGY_FIELDS = (
    "code", "title_sq", "title_en", "start_year", "end_year", "plan_start_year", "plan_end_year", "currency",
)  # fmt: skip
ZERO = Decimal(0)


class _Missing:
    """A field that one of the two snapshots does not have (never the case for snapshots of the same format)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


# --- Snapshot ---


def plain_number(value: Decimal | None) -> str | None:
    """`Decimal("1200.50")` -> `"1200.5"`, `Decimal("100.000")` -> `"100"`: one spelling per number."""
    if value is None:
        return None
    text = format(Decimal(value).normalize(), "f")
    return "0" if text in ("-0", "") else text


item_order = item_sort_key  # codes sort as numbers do, indicator codes with letters too


def _codes(items: Iterable[Any], attribute: str = "code") -> list[Any]:
    return sorted(getattr(item, attribute) for item in items)


def _withdrawal(item: Result | Activity | Indicator) -> dict[str, Any]:
    """A withdrawn item's date and reason; nothing for the others, so that versions frozen before withdrawal
    existed compare equal where nothing was withdrawn."""
    if item.withdrawn_on is None:
        return {}
    return {"withdrawn_on": item.withdrawn_on.isoformat(), "withdrawn_reason": item.withdrawn_reason}


def _reference(item: Strategy | Result | Activity) -> dict[str, Any]:
    """A published reference ("ACTION 68", "VKM nr. 414/2021") where the plan gives one; nothing otherwise, so that
    versions frozen before references existed compare equal."""
    return {"reference": item.reference} if item.reference else {}


# Versions frozen before plans had levels of their own named a result's level by a word.
LEGACY_DEPTHS = {"goal": 1, "objective": 2, "measure": 3}


def upgraded(snap: Mapping[str, Any]) -> dict[str, Any]:
    """A snapshot in today's terms: a result's `level` word of an older version becomes its `depth`; an activity of
    a version frozen before the responsible institutions were an ordered list gets `responsible`, its lead alone
    (the others it named were all supporting, its `partners`)."""
    results = snap.get("results") or {}
    activities = snap.get("activities") or {}
    old_levels = any("level" in item for item in results.values())
    old_bodies = any("lead" in item and "responsible" not in item for item in activities.values())
    if not (old_levels or old_bodies):
        return dict(snap)
    new = copy.deepcopy(dict(snap))
    for item in new["results"].values() if old_levels else ():
        level = item.pop("level", None)
        if level in LEGACY_DEPTHS:
            item.setdefault("depth", LEGACY_DEPTHS[level])
    for code, item in new["activities"].items() if old_bodies else ():
        if "lead" in item and "responsible" not in item:
            new["activities"][code] = _with_responsible(item)
    return new


def _with_responsible(item: dict[str, Any]) -> dict[str, Any]:
    """The item with `responsible` [its lead] right after `lead` (the order the compare page lists its fields in)."""
    upgraded_item: dict[str, Any] = {}
    for name, value in item.items():
        upgraded_item[name] = value
        if name == "lead":
            upgraded_item["responsible"] = [value]
    return upgraded_item


def _result_item(result: Result) -> dict[str, Any]:
    return {
        "depth": result.depth,
        **_reference(result),
        "title_sq": result.title_sq,
        "title_en": result.title_en,
        "gcm_objectives": _codes(result.gcm_objectives.all(), "number"),
        "sdg_targets": _codes(result.sdg_targets.all()),
        **_withdrawal(result),
    }


def _activity_item(activity: Activity) -> dict[str, Any]:
    budget = sorted(
        [line.year, line.source, line.donor, plain_number(line.amount)] for line in activity.budget_lines.all()
    )
    return {
        "measure": activity.measure.code,
        **_reference(activity),
        "title_sq": activity.title_sq,
        "title_en": activity.title_en,
        **_bodies(activity),
        "start_year": activity.start_year,
        "start_quarter": activity.start_quarter,
        "end_year": activity.end_year,
        "end_quarter": activity.end_quarter,
        "timeframe": activity.timeframe,
        "recurrence": activity.recurrence,
        "cost_basis": activity.cost_basis,
        "cost_note": activity.cost_note,
        "gender_marker": activity.gender_marker,
        "target_groups": _codes(activity.target_groups.all()),
        "gcm_objectives": _codes(activity.gcm_objectives.all(), "number"),
        "budget": budget,
        **_withdrawal(activity),
    }


def _bodies(activity: Activity) -> dict[str, Any]:
    """The institution that reports (`lead`), the responsible institutions in the plan's order with the lead at its
    place, the place of a lead the plan marks (only then: versions frozen before the order was kept compare equal),
    and the supporting institutions in order (`partners`, which were sorted codes when all were supporting: the order
    the existing lists were given)."""
    return {
        "lead": activity.lead.code,
        **({"lead_place": activity.lead_place} if activity.lead_place is not None else {}),
        "responsible": [institution.code for institution in activity.responsible_bodies],
        "partners": [institution.code for institution in activity.supporting_bodies],
    }


def _indicator_item(indicator: Indicator) -> dict[str, Any]:
    return {
        "result": indicator.result.code,
        "activity": indicator.activity.code if indicator.activity else None,
        "name_sq": indicator.name_sq,
        "name_en": indicator.name_en,
        "kind": indicator.kind,
        "unit": indicator.unit_sq,  # the one unit of versions kept before the English one existed
        **({"unit_en": indicator.unit_en} if indicator.unit_en else {}),
        "value_type": indicator.value_type,
        # Only when listed, so that a version kept before milestones existed compares equal.
        **{name: getattr(indicator, name) for name in ("milestones_sq", "milestones_en") if getattr(indicator, name)},
        "direction": indicator.direction,
        "baseline": plain_number(indicator.baseline),
        "baseline_year": indicator.baseline_year,
        "data_source": indicator.data_source_sq,
        **({"data_source_en": indicator.data_source_en} if indicator.data_source_en else {}),
        "frequency": indicator.frequency,
        **({"aggregation": indicator.aggregation} if indicator.aggregation != Indicator.Aggregation.STOCK else {}),
        "responsible": indicator.responsible.code if indicator.responsible else None,
        "disaggregation": _codes(indicator.disaggregation.all()),
        "targets": {str(target.year): plain_number(target.value) for target in indicator.targets.all()},
        # Only when computed, for the same reason as _withdrawal.
        **({"computed_from": indicator.computed_from} if indicator.computed_from else {}),
        **_withdrawal(indicator),
    }


def amendments_to_freeze(strategy: Strategy, last_version: Any) -> list[Amendment]:
    """The amendments of the adopted plan made since `last_version` was frozen (all of them without one), oldest
    first: what the next version will hold."""
    amendments = Amendment.objects.filter(strategy=strategy).select_related("made_by").order_by("pk")
    if last_version is not None and last_version.last_amendment_id:
        amendments = amendments.filter(pk__gt=last_version.last_amendment_id)
    return list(amendments)


def snapshot(strategy: Strategy) -> dict[str, Any]:
    """The plan of `strategy` as it stands, as plain JSON-able data, in a fixed number of queries (twelve)."""
    results = Result.objects.filter(strategy=strategy).prefetch_related("gcm_objectives", "sdg_targets")
    activities = (
        Activity.objects.filter(strategy=strategy)
        .select_related("measure", "lead")
        .prefetch_related(
            bodies_prefetch(), "target_groups", "gcm_objectives", Prefetch("budget_lines", ActivityBudget.objects.all())
        )
    )
    indicators = (
        Indicator.objects.filter(strategy=strategy)
        .select_related("result", "activity", "responsible")
        .prefetch_related("disaggregation", Prefetch("targets", IndicatorTarget.objects.all()))
    )
    return {
        "format": FORMAT,
        "strategy": {name: getattr(strategy, name) for name in STRATEGY_FIELDS} | _shape(strategy),
        "results": {result.code: _result_item(result) for result in results},
        "activities": {activity.code: _activity_item(activity) for activity in activities},
        "indicators": {indicator.code: _indicator_item(indicator) for indicator in indicators},
        **_chapters(strategy),
    }


def _chapters(strategy: Strategy) -> dict[str, Any]:
    """The written narrative chapters by kind, each in both languages; nothing when none is written."""
    written = {
        chapter.kind: {"sq": chapter.body_sq, "en": chapter.body_en}
        for chapter in Chapter.objects.filter(strategy=strategy).order_by("kind")
        if chapter.body_sq.strip() or chapter.body_en.strip()
    }
    return {"chapters": written} if written else {}


def _shape(strategy: Strategy) -> dict[str, Any]:
    """The strategy's reference and levels where they differ from the defaults (older versions have neither)."""
    shape = _reference(strategy)
    if strategy.levels != default_levels():
        shape["levels"] = strategy.levels
    return shape


# --- Costs ---


def cost_amounts(snap: Mapping[str, Any]) -> dict[tuple[int, str], Decimal]:
    """The plan's planned cost per (year, funding source), from the budget lines of its activities."""
    amounts: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    for item in snap.get("activities", {}).values():
        for year, source, _donor, amount in item.get("budget", ()):
            amounts[(int(year), source)] += Decimal(amount)
    return dict(amounts)


@dataclass(frozen=True)
class CostLine:
    """A cost in the old and in the new plan: for one year and source, for one year (source ""), or in all."""

    year: int | None
    source: str
    old: Decimal
    new: Decimal

    @property
    def difference(self) -> Decimal:
        return self.new - self.old

    @property
    def source_label(self) -> str:
        return str(dict(ActivityBudget.Source.choices).get(self.source, self.source))


@dataclass(frozen=True)
class CostComparison:
    lines: tuple[CostLine, ...]  # per year and source
    years: tuple[CostLine, ...]  # per year, all sources
    total: CostLine

    @property
    def changed(self) -> bool:
        return any(line.difference for line in self.lines)


def compare_costs(old: Mapping[str, Any], new: Mapping[str, Any]) -> CostComparison:
    old_amounts, new_amounts = cost_amounts(old), cost_amounts(new)
    keys = sorted(set(old_amounts) | set(new_amounts))
    lines = tuple(CostLine(year, source, old_amounts.get((year, source), ZERO), new_amounts.get((year, source), ZERO))
                  for year, source in keys)  # fmt: skip
    years = []
    for year in sorted({year for year, _source in keys}):
        of_year = [line for line in lines if line.year == year]
        years.append(CostLine(year, "", sum((x.old for x in of_year), ZERO), sum((x.new for x in of_year), ZERO)))
    total = CostLine(None, "", sum((x.old for x in lines), ZERO), sum((x.new for x in lines), ZERO))
    return CostComparison(lines=lines, years=tuple(years), total=total)


# --- Diff ---


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ItemChange:
    code: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True)
class SectionDiff:
    """Goals, objectives and measures (`results`), `activities` or `indicators`: what was added, removed, changed."""

    section: str
    added: tuple[tuple[str, dict[str, Any]], ...]
    removed: tuple[tuple[str, dict[str, Any]], ...]
    changed: tuple[ItemChange, ...]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass(frozen=True)
class Diff:
    strategy: tuple[FieldChange, ...]
    sections: tuple[SectionDiff, ...]
    costs: CostComparison
    extra: tuple[FieldChange, ...] = ()  # top-level keys other than the plan's sections (the format number)

    @property
    def is_empty(self) -> bool:
        return not self.strategy and not self.extra and all(section.is_empty for section in self.sections)

    def section(self, name: str) -> SectionDiff:
        return next(section for section in self.sections if section.section == name)


def _field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    names = list(old) + [name for name in new if name not in old]
    return tuple(
        FieldChange(name, old.get(name, MISSING), new.get(name, MISSING))
        for name in names
        if old.get(name, MISSING) != new.get(name, MISSING)
    )


def _section_diff(name: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> SectionDiff:
    def ordered(codes: Iterable[str]) -> list[str]:
        if name == "chapters":  # in the document's order
            return sorted(codes, key=lambda kind: (kind not in Chapter.Kind.values, _chapter_place(kind), kind))
        return sorted(codes, key=item_order)

    changed = []
    for code in ordered(set(old) & set(new)):
        changes = _field_changes(old[code], new[code])
        if changes:
            changed.append(ItemChange(code, changes))
    return SectionDiff(
        section=name,
        added=tuple((code, copy.deepcopy(new[code])) for code in ordered(set(new) - set(old))),
        removed=tuple((code, copy.deepcopy(old[code])) for code in ordered(set(old) - set(new))),
        changed=tuple(changed),
    )


def _chapter_place(kind: str) -> int:
    return Chapter.position(kind) if kind in Chapter.Kind.values else 0


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> Diff:
    """What changed from the `old` snapshot to the `new` one: items added, removed and changed field by field."""
    old, new = upgraded(old), upgraded(new)
    others = {key: value for key, value in old.items() if key not in (*SECTIONS, "strategy")}
    new_others = {key: value for key, value in new.items() if key not in (*SECTIONS, "strategy")}
    return Diff(
        strategy=_field_changes(old.get("strategy", {}), new.get("strategy", {})),
        sections=tuple(_section_diff(name, old.get(name, {}), new.get(name, {})) for name in SECTIONS),
        costs=compare_costs(old, new),
        extra=_field_changes(others, new_others),
    )


def _apply_fields(target: dict[str, Any], changes: Iterable[FieldChange]) -> None:
    for change in changes:
        if change.new is MISSING:
            target.pop(change.field, None)
        else:
            target[change.field] = copy.deepcopy(change.new)


def apply(old: Mapping[str, Any], difference: Diff) -> dict[str, Any]:
    """The new snapshot, rebuilt from the old one and the diff between them."""
    new = copy.deepcopy(upgraded(old))
    _apply_fields(new, difference.extra)
    new.setdefault("strategy", {})
    _apply_fields(new["strategy"], difference.strategy)
    for section in difference.sections:
        items = new.get(section.section, {})
        for code, _item in section.removed:
            del items[code]
        for change in section.changed:
            _apply_fields(items[change.code], change.changes)
        for code, item in section.added:
            items[code] = copy.deepcopy(item)
        if items or section.section not in OPTIONAL_SECTIONS:
            new[section.section] = items
        else:
            new.pop(section.section, None)
    return new


# --- Summary ---


@dataclass(frozen=True)
class Summary:
    levels: tuple[tuple[str, int], ...]  # each level of results, named as the plan names it, with its count
    activities: int
    indicators: int
    costs: tuple[CostLine, ...]  # per year: the plan's cost (new) per year; old is zero
    total: Decimal
    activity_level: str = ""


def summary(snap: Mapping[str, Any]) -> Summary:
    """Counts and cost per year of a snapshot, for a version's page: one count per level of the plan as it stood."""
    snap = upgraded(snap)
    levels = (snap.get("strategy") or {}).get("levels") or default_levels()
    names = [localized(LevelName(level), "name") for level in levels]
    depths = [item.get("depth") for item in snap.get("results", {}).values()]
    costs = compare_costs({}, snap)
    return Summary(
        levels=tuple((names[depth - 1], depths.count(depth)) for depth in range(1, len(names))),
        activity_level=names[-1],
        activities=len(snap.get("activities", {})),
        indicators=len(snap.get("indicators", {})),
        costs=costs.years,
        total=costs.total.new,
    )
