"""Every change to the plan: one typed function per change, atomic, validated, and recorded in history.

Each service runs inside `acting_as(by)` so that simple-history names the author, calls `full_clean()` so that
the model's rules hold whoever calls it (page, import, API), and saves each object (no `update()`), so that
every change leaves a history row. Structural changes (create, move, delete) lock the strategy row first:
two editors adding a measure at once get different codes instead of a conflict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from nsm.audit import acting_as
from nsm.strategy.models import (
    Activity,
    ActivityBudget,
    Indicator,
    IndicatorTarget,
    Result,
    Strategy,
    sort_key,
)

Direction = Literal["up", "down"]
M = TypeVar("M", bound=Model)
Sibling = TypeVar("Sibling", Result, Activity)
CHILD_LEVEL = {
    None: Result.Level.GOAL,
    Result.Level.GOAL: Result.Level.OBJECTIVE,
    Result.Level.OBJECTIVE: Result.Level.MEASURE,
}


@dataclass(frozen=True)
class BudgetLineInput:
    """One cell of an activity's budget: year x source (x donor) -> amount."""

    year: int
    source: str
    amount: Decimal
    donor: str = ""


# --- Helpers ---


def _lock_strategy(strategy_id: int) -> Strategy:
    return Strategy.objects.select_for_update().get(pk=strategy_id)


def _locked(obj: M) -> M:
    """A fresh copy of `obj`, locked for the rest of the transaction, so that no concurrent edit is lost."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def _next_number(codes: Iterable[str]) -> int:
    return max((int(code.rpartition(".")[2]) for code in codes), default=0) + 1


def next_result_code(strategy: Strategy, parent: Result | None) -> str:
    """The next free number under `parent` (or among the goals): one more than the largest in use."""
    siblings = Result.objects.filter(strategy=strategy, parent=parent).values_list("code", flat=True)
    number = _next_number(siblings)
    return f"{parent.code}.{number}" if parent else str(number)


def next_activity_code(measure: Result) -> str:
    codes = Activity.objects.filter(measure=measure).values_list("code", flat=True)
    return f"{measure.code}.{_next_number(codes)}"


def next_indicator_code(result: Result) -> str:
    """A new indicator's suggested code: the result's code and the first free letter (`2.1.a`, `2.1.b`)."""
    taken = set(Indicator.objects.filter(strategy_id=result.strategy_id).values_list("code", flat=True))
    letters = [chr(letter) for letter in range(ord("a"), ord("z") + 1)]
    suffixes = letters + [f"{letter}{number}" for number in range(2, 100) for letter in letters]
    return next(code for suffix in suffixes if (code := f"{result.code}.{suffix}") not in taken)


def _split(obj: Model, data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, set]]:
    """Plain field values and many-to-many id sets, from form-like data."""
    plain, m2m = {}, {}
    for name, value in data.items():
        if obj._meta.get_field(name).many_to_many:
            m2m[name] = {getattr(item, "pk", item) for item in value or ()}
        else:
            plain[name] = value
    return plain, m2m


def _set_m2m(obj: Model, m2m: Mapping[str, set]) -> None:
    """Set many-to-many fields without a history row each: the next save records them all in one row."""
    obj.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        for name, ids in m2m.items():
            getattr(obj, name).set(ids)
    finally:
        del obj.skip_history_when_saving  # type: ignore[attr-defined]


def _create(obj: Model, data: Mapping[str, Any]) -> Model:
    """Validate and save a new object with its many-to-many values, as one 'created' history row."""
    plain, m2m = _split(obj, data)
    for name, value in plain.items():
        setattr(obj, name, value)
    obj.full_clean()
    if not m2m:
        obj.save()
        return obj
    obj.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        obj.save()
    finally:
        del obj.skip_history_when_saving  # type: ignore[attr-defined]
    _set_m2m(obj, m2m)
    obj.save()
    record = obj.history.first()  # type: ignore[attr-defined]
    record.history_type = "+"
    record.save(update_fields=["history_type"])
    return obj


def _update(obj: Model, data: Mapping[str, Any]) -> Model:
    """Apply `data` to a locked copy of `obj`; one history row if anything changed, none otherwise."""
    obj = _locked(obj)
    plain, m2m = _split(obj, data)
    changed = any(getattr(obj, name) != value for name, value in plain.items())
    for name, value in plain.items():
        setattr(obj, name, value)
    obj.full_clean()
    m2m_changed = {
        name: ids for name, ids in m2m.items() if set(getattr(obj, name).values_list("pk", flat=True)) != ids
    }
    if m2m_changed:
        _set_m2m(obj, m2m_changed)
    if changed or m2m_changed:
        obj.save()
    return obj


# --- Results ---


def create_result(*, strategy: Strategy, parent: Result | None, by: Any, **fields: Any) -> Result:
    """Add a goal (no parent), an objective under a goal or a measure under an objective, numbered last."""
    if parent is not None and parent.level not in CHILD_LEVEL:
        raise ValidationError(_("A measure has activities, not goals, objectives or measures under it."))
    with transaction.atomic(), acting_as(by):
        _lock_strategy(strategy.pk)
        result = Result(
            strategy=strategy,
            parent=parent,
            level=CHILD_LEVEL[parent.level if parent else None],
            code=next_result_code(strategy, parent),
        )
        return _create(result, fields)


def update_result(result: Result, *, by: Any, data: Mapping[str, Any]) -> Result:
    """Change a result's titles, GCM objectives or SDG targets (its code changes only by moving it)."""
    with transaction.atomic(), acting_as(by):
        return _update(result, data)


def delete_result(result: Result, *, by: Any) -> None:
    """Delete a result with everything under it: children, activities, budget lines, indicators, targets."""
    with transaction.atomic(), acting_as(by):
        _lock_strategy(result.strategy_id)
        Result.objects.get(pk=result.pk).delete()


def move_result(result: Result, *, by: Any, direction: Direction) -> Result:
    """Swap a result with its previous or next sibling: their codes, and those of both subtrees, are swapped.

    Codes give the order, so moving `2` down makes it `3` (and `2.1` becomes `3.1`, `2.1.1.4` becomes
    `3.1.1.4` ...) while the old `3` becomes `2`. Each object is saved, so each keeps its history;
    indicator codes are left as they are. At the first or last place nothing changes.
    """
    with transaction.atomic(), acting_as(by):
        _lock_strategy(result.strategy_id)
        result = Result.objects.get(pk=result.pk)
        siblings = list(Result.objects.filter(strategy_id=result.strategy_id, parent_id=result.parent_id))
        neighbour = _neighbour(result, siblings, direction)
        if neighbour is not None:
            _swap_subtrees(result, neighbour)
            result.refresh_from_db()
        return result


def _neighbour(obj: Sibling, siblings: list[Sibling], direction: Direction) -> Sibling | None:
    siblings.sort(key=lambda sibling: sort_key(sibling.code))
    position = next(i for i, sibling in enumerate(siblings) if sibling.pk == obj.pk)
    other = position - 1 if direction == "up" else position + 1
    return siblings[other] if 0 <= other < len(siblings) else None


def _subtree(result: Result) -> list[Result | Activity]:
    """A result, the results under it (parents first) and their activities."""
    prefix = f"{result.code}."
    results = Result.objects.filter(strategy_id=result.strategy_id, code__startswith=prefix)
    activities = Activity.objects.filter(strategy_id=result.strategy_id, code__startswith=prefix)
    return [result, *sorted(results, key=lambda r: r.code.count(".")), *activities]


def _swap_subtrees(first: Result, second: Result) -> None:
    """Give `first`'s subtree `second`'s code and back, through temporary codes kept out of history."""
    first_tree, second_tree = _subtree(first), _subtree(second)
    first_code, second_code = first.code, second.code
    for obj in first_tree:
        _save_quietly(obj, f"0.{obj.pk}")
    for obj in second_tree:
        _recode(obj, first_code + obj.code[len(second_code) :])
    for obj in first_tree:
        _recode(obj, second_code + _original_suffix(obj, first_code))


def _save_quietly(obj: Result | Activity | Indicator, temporary_code: str) -> None:
    """Park an object on a temporary code (a leading 0 no real code has) without writing history."""
    obj._original_code = obj.code  # type: ignore[union-attr]
    obj.code = temporary_code
    obj.skip_history_when_saving = True  # type: ignore[union-attr]
    try:
        obj.save()
    finally:
        del obj.skip_history_when_saving  # type: ignore[union-attr]


def _original_suffix(obj: Result | Activity | Indicator, old_prefix: str) -> str:
    return obj._original_code[len(old_prefix) :]  # type: ignore[union-attr]


def _recode(obj: Result | Activity | Indicator, code: str) -> None:
    """Give an object its new code, validated against its (already renumbered) parent, and save it."""
    obj.code = code
    for cached in ("parent", "measure", "result"):
        obj._state.fields_cache.pop(cached, None)
    obj.full_clean()
    obj.save()


# --- Activities ---


def create_activity(*, measure: Result, by: Any, **fields: Any) -> Activity:
    """Add an activity under a measure, numbered after the measure's last activity."""
    if measure.level != Result.Level.MEASURE:
        raise ValidationError(_("An activity belongs to a measure."))
    with transaction.atomic(), acting_as(by):
        _lock_strategy(measure.strategy_id)
        activity = Activity(strategy_id=measure.strategy_id, measure=measure, code=next_activity_code(measure))
        return _create(activity, fields)


def update_activity(activity: Activity, *, by: Any, data: Mapping[str, Any]) -> Activity:
    """Change an activity's titles, institutions, timeframe, gender marker, target groups or GCM tags."""
    with transaction.atomic(), acting_as(by):
        return _update(activity, data)


def delete_activity(activity: Activity, *, by: Any) -> None:
    """Delete an activity and its budget lines (each deletion kept in history)."""
    with transaction.atomic(), acting_as(by):
        _lock_strategy(activity.strategy_id)
        Activity.objects.get(pk=activity.pk).delete()


def move_activity(activity: Activity, *, by: Any, direction: Direction) -> Activity:
    """Swap an activity's code with its previous or next sibling under the same measure."""
    with transaction.atomic(), acting_as(by):
        _lock_strategy(activity.strategy_id)
        activity = Activity.objects.get(pk=activity.pk)
        neighbour = _neighbour(activity, list(Activity.objects.filter(measure_id=activity.measure_id)), direction)
        if neighbour is not None:
            first_code, second_code = activity.code, neighbour.code
            _save_quietly(activity, f"0.{activity.pk}")
            _recode(neighbour, first_code)
            _recode(activity, second_code)
        return activity


def set_budget_lines(activity: Activity, *, by: Any, lines: Iterable[BudgetLineInput]) -> Activity:
    """Make the budget exactly `lines`: changed amounts updated, new lines added, missing ones deleted."""
    wanted: dict[tuple[int, str, str], Decimal] = {}
    for line in lines:
        key = (line.year, line.source, line.donor.strip())
        if key in wanted:
            raise ValidationError(
                _("The budget has two lines for %(year)s, %(source)s %(donor)s.")
                % {"year": line.year, "source": line.source, "donor": line.donor}
            )
        wanted[key] = line.amount
    with transaction.atomic(), acting_as(by):
        activity = _locked(activity)
        existing = {(b.year, b.source, b.donor): b for b in activity.budget_lines.all()}
        for key in existing.keys() - wanted.keys():
            existing[key].delete()
        for key, amount in sorted(wanted.items()):
            line = existing.get(key) or ActivityBudget(activity=activity, year=key[0], source=key[1], donor=key[2])
            if line.pk and line.amount == amount:
                continue
            line.amount = amount
            line.full_clean()
            line.save()
        return activity


# --- Indicators ---


def create_indicator(*, result: Result, by: Any, **fields: Any) -> Indicator:
    """Add an indicator to a goal, objective or measure; its code defaults to the next free letter."""
    with transaction.atomic(), acting_as(by):
        _lock_strategy(result.strategy_id)
        fields.setdefault("code", next_indicator_code(result))
        indicator = Indicator(strategy_id=result.strategy_id, result=result)
        return _create(indicator, fields)


def update_indicator(indicator: Indicator, *, by: Any, data: Mapping[str, Any]) -> Indicator:
    with transaction.atomic(), acting_as(by):
        return _update(indicator, data)


def move_indicator(indicator: Indicator, *, by: Any, direction: Direction) -> Indicator:
    """Swap an indicator's code with the previous or next indicator of the same result (codes give the order)."""
    with transaction.atomic(), acting_as(by):
        _lock_strategy(indicator.strategy_id)
        indicator = Indicator.objects.get(pk=indicator.pk)
        siblings = sorted(Indicator.objects.filter(result_id=indicator.result_id), key=lambda i: i.sort_key)
        position = next(i for i, sibling in enumerate(siblings) if sibling.pk == indicator.pk)
        other = position - 1 if direction == "up" else position + 1
        if 0 <= other < len(siblings):
            neighbour = siblings[other]
            first_code, second_code = indicator.code, neighbour.code
            _save_quietly(indicator, f"0.{indicator.pk}")
            _recode(neighbour, first_code)
            _recode(indicator, second_code)
        return indicator


def delete_indicator(indicator: Indicator, *, by: Any) -> None:
    """Delete an indicator and its targets (each deletion kept in history)."""
    with transaction.atomic(), acting_as(by):
        Indicator.objects.get(pk=indicator.pk).delete()


def set_targets(indicator: Indicator, *, by: Any, targets: Mapping[int, Decimal | None]) -> Indicator:
    """Set one target value per year; a year given as None loses its target, a year not given keeps it."""
    with transaction.atomic(), acting_as(by):
        indicator = _locked(indicator)
        existing = {target.year: target for target in indicator.targets.all()}
        for year, value in sorted(targets.items()):
            target = existing.get(year)
            if value is None:
                if target is not None:
                    target.delete()
                continue
            if target is not None and target.value == value:
                continue
            target = target or IndicatorTarget(indicator=indicator, year=year)
            target.value = value
            target.full_clean()
            target.save()
        return indicator
