"""Every change to the plan: one typed function per change, atomic, validated, and recorded in history.

Each service runs inside `acting_as(by)` so that simple-history names the author, calls `full_clean()` so that
the model's rules hold whoever calls it (page, import, API), and saves each object (no `update()`), so that
every change leaves a history row. Structural changes (create, move, delete) lock the strategy row first:
two editors adding a measure at once get different codes instead of a conflict.

Changes to an existing goal, objective, measure, activity or indicator (its fields, its place, its budget lines,
its targets) lock its row, compare the `version` the user edited with the stored one, and refuse a stale one
with `StaleVersion`, which says who changed what meanwhile; otherwise they bump the version as they save.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field, Model, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nsm.accounts.models import Institution
from nsm.audit import acting_as
from nsm.core import limits, stale
from nsm.core.bulk import UniqueKeys, chunks, clean_in_memory, record_history
from nsm.core.codes import sort_key
from nsm.core.stale import StaleVersion as StaleVersion  # re-exported: callers and tests catch it from here
from nsm.strategy import selectors
from nsm.strategy.models import (
    ActionPlan,
    Activity,
    ActivityBudget,
    ActivityInstitution,
    Amendment,
    Chapter,
    Indicator,
    IndicatorTarget,
    Named,
    Result,
    Strategy,
    named_list,
)

Direction = Literal["up", "down"]
M = TypeVar("M", bound=Model)
Sibling = TypeVar("Sibling", Result, Activity)
Versioned = Result | Activity | Indicator
V = TypeVar("V", bound=Versioned)


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


def _check_version(obj: Versioned, version: int | None) -> None:
    """Refuse a change made on `version` of a (locked) object that has moved on since; None skips the check."""
    stale.check_version(obj, version, _stale_messages)


def bump_version(obj: Versioned) -> None:
    """Save a locked object with its version one up: the change that touched it gets one history row."""
    stale.bump_version(obj)


def _describe(obj: Versioned, code: str | None = None) -> str:
    """`Measure 1.1.1`, `Activity 1.1.1.2`, `Indicator 1.1.a`: the object as the user knows it."""
    kind = obj.level_label if isinstance(obj, Result) else capfirst(obj._meta.verbose_name)
    return _("%(kind)s %(code)s") % {"kind": kind, "code": code or obj.code}


def _when(moment: Any) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _stale_messages(obj: Versioned, version: int) -> list[str]:
    """Who changed `obj` since `version`, when, and what: from its history (budget lines and targets included)."""
    entries = selectors.changes_since(obj, version)
    if entries:
        user, moment = entries[-1].user, entries[-1].when
    else:
        record = obj.history.order_by("-history_date", "-history_id").first()
        user = selectors.user_label(record.history_user) if record else ""
        moment = record.history_date if record else timezone.now()
    headline = _("%(item)s was changed by %(user)s on %(when)s since you opened it, so your change was not saved.")
    lines = [headline % {"item": _describe(obj), "user": user or _("another user"), "when": _when(moment)}]
    return lines + [_change_line(entry) for entry in entries]


def _change_line(entry: selectors.HistoryEntry) -> str:
    """One change as a line: `Ana Hoxha, 3 May 2025 14:02: Lead institution: MPB → AKPA`."""
    what = "; ".join(f"{capfirst(change.field)}: {change.old} → {change.new}" for change in entry.changes)
    if entry.subject:
        what = f"{entry.subject} ({entry.action_label}): {what}" if what else f"{entry.subject} ({entry.action_label})"
    return _("%(user)s, %(when)s: %(what)s") % {
        "user": entry.user or _("unknown user"),
        "when": _when(entry.when),
        "what": what or entry.action_label,
    }


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


def _split(obj: Model, data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Plain field values and many-to-many id sets, from form-like data; an activity's other institutions as an
    ordered tuple of `Named` ids (the plan's order)."""
    plain: dict[str, Any] = {}
    m2m: dict[str, Any] = {}
    for name, value in data.items():
        if isinstance(obj, Activity) and name == "partners":
            m2m[name] = named_list(value or ())
        elif obj._meta.get_field(name).many_to_many:
            m2m[name] = {getattr(item, "pk", item) for item in value or ()}
        else:
            plain[name] = value
    return plain, m2m


def set_named(activity: Activity, named: Sequence[Named]) -> None:
    """Write an activity's other institutions in the given order: rows kept, moved, added or removed, the fewest
    writes (no history row of their own: the activity's next save records them)."""
    set_named_many([(activity, named)])


def set_named_many(items: Sequence[tuple[Activity, Sequence[Named]]]) -> None:
    """`set_named` for many activities at once: their rows read in one query, each kind of write done once."""
    rows: dict[int, dict[int, ActivityInstitution]] = {activity.pk: {} for activity, _named in items}
    for part in chunks(list(rows)):
        for row in ActivityInstitution.objects.filter(activity__in=part):
            rows[row.activity_id][row.institution_id] = row
    gone: list[int] = []
    moved: list[ActivityInstitution] = []
    new: list[ActivityInstitution] = []
    for activity, named in items:
        kept = rows[activity.pk]
        wanted = {n.institution: (place, n.responsible) for place, n in enumerate(named, start=1)}
        gone += [body.pk for pk, body in kept.items() if pk not in wanted]
        for pk, (place, responsible) in wanted.items():
            body = kept.get(pk)
            if body is None:
                new.append(
                    ActivityInstitution(activity=activity, institution_id=pk, position=place, responsible=responsible)
                )
            elif (body.position, body.responsible) != (place, responsible):
                body.position, body.responsible = place, responsible
                moved.append(body)
        if hasattr(activity, "_prefetched_objects_cache"):
            activity._prefetched_objects_cache.pop("bodies", None)
            activity._prefetched_objects_cache.pop("partners", None)
    for part in chunks(gone):
        ActivityInstitution.objects.filter(pk__in=part).delete()
    if moved:
        ActivityInstitution.objects.bulk_update(moved, ["position", "responsible"])
    if new:
        ActivityInstitution.objects.bulk_create(new)


def _set_many_quietly(model: type[Model], objects: Sequence[Model], m2m: Sequence[Mapping[str, Any]]) -> None:
    """`set_m2m_quietly` for many objects of one model: for each field, the links read in one query, those that go
    deleted in one statement, the new ones inserted in one (the objects' next history rows record them)."""
    fields: dict[str, list[tuple[Any, Any]]] = {}
    for obj, values in zip(objects, m2m, strict=True):
        for name, ids in values.items():
            fields.setdefault(name, []).append((obj, ids))
    for name, items in fields.items():
        if model is Activity and name == "partners":
            set_named_many([(activity, named_list(ids)) for activity, ids in items])
            continue
        field = model._meta.get_field(name)
        through = field.remote_field.through  # type: ignore[union-attr]
        owner = through._meta.get_field(field.m2m_field_name()).attname  # type: ignore[union-attr]
        other = through._meta.get_field(field.m2m_reverse_field_name()).attname  # type: ignore[union-attr]
        links: dict[int, dict[int, int]] = {obj.pk: {} for obj, _ids in items}
        for part in chunks(list(links)):
            for pk, owner_pk, other_pk in through._default_manager.filter(**{f"{owner}__in": part}).values_list(
                "pk", owner, other
            ):
                links[owner_pk][other_pk] = pk
        gone = [pk for obj, ids in items for other_pk, pk in links[obj.pk].items() if other_pk not in ids]
        new = [through(**{owner: obj.pk, other: pk}) for obj, ids in items for pk in ids if pk not in links[obj.pk]]
        for part in chunks(gone):
            through._default_manager.filter(pk__in=part).delete()
        through._default_manager.bulk_create(new)
        for obj, _ids in items:
            getattr(obj, "_prefetched_objects_cache", {}).pop(name, None)


def _current_m2m(obj: Model, name: str) -> Any:
    if isinstance(obj, Activity) and name == "partners":
        return obj.named
    return set(getattr(obj, name).values_list("pk", flat=True))


def field_label(obj: Model | type[Model], name: str) -> str:
    """The verbose name of a field of the model (a form's or a service's field: never a reverse relation)."""
    model_field = obj._meta.get_field(name)
    if not isinstance(model_field, Field):
        raise TypeError(f"{obj._meta.label}.{name} is a reverse relation, not a field with a verbose name")
    return str(model_field.verbose_name)


def set_m2m_quietly(obj: Model, m2m: Mapping[str, Any]) -> None:
    """Set many-to-many fields without a history row each: the next save records them all in one row."""
    obj.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        for name, ids in m2m.items():
            if isinstance(obj, Activity) and name == "partners":
                set_named(obj, ids)
            else:
                getattr(obj, name).set(ids)
    finally:
        del obj.skip_history_when_saving  # type: ignore[attr-defined]


def full_clean_with_related(
    obj: Model,
    m2m: Mapping[str, Any],
    *,
    keys: UniqueKeys | None = None,
    institutions: Mapping[int, Institution] | None = None,
) -> None:
    """full_clean(), and the many-to-many values about to be set (an activity's supporting institutions are of its
    strategy's country): every error at once. A caller that has read the plan (an import) gives the unique `keys`
    of the rows there and every institution by id: the same rules are then checked without a query per object."""
    errors: dict[str, list] = {}
    try:
        if keys is None:
            obj.full_clean()
        else:
            clean_in_memory(obj, keys)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if isinstance(obj, Activity) and "partners" in m2m:
        try:
            obj.clean_partners(m2m["partners"], known=institutions)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def create_with_history(obj: M, data: Mapping[str, Any]) -> M:
    """Validate and save a new object with its many-to-many values, as one 'created' history row."""
    plain, m2m = _split(obj, data)
    for name, value in plain.items():
        setattr(obj, name, value)
    full_clean_with_related(obj, m2m)
    if not m2m:
        obj.save()
        return obj
    obj.skip_history_when_saving = True  # type: ignore[attr-defined]
    try:
        obj.save()
    finally:
        del obj.skip_history_when_saving  # type: ignore[attr-defined]
    set_m2m_quietly(obj, m2m)
    obj.save()
    record = obj.history.first()  # type: ignore[attr-defined]
    record.history_type = "+"
    record.save(update_fields=["history_type"])
    return obj


def create_many_with_history(model: type[M], objects: Sequence[M], m2m: Sequence[Mapping[str, Any]]) -> None:
    """`create_with_history` for many new objects of one model, already validated, each with its many-to-many values
    (`m2m`, in the same order): one insert per model and link table, and one 'created' history row per object
    showing its lists, in a few statements whatever their number (a plan import's)."""
    if not objects:
        return
    for obj in objects:
        if isinstance(obj, Result | Activity | Indicator):
            obj.fill_sort_key()
    model._default_manager.bulk_create(objects)
    links: dict[type[Model], list[Model]] = {}
    for obj, values in zip(objects, m2m, strict=True):
        for name, ids in values.items():
            for link in _links(obj, name, ids):
                links.setdefault(type(link), []).append(link)
    for through, rows in links.items():
        through._default_manager.bulk_create(rows)
    record_history(model, objects, created=True)


def _links(obj: Model, name: str, ids: Any) -> list[Model]:
    """The link rows that give a new object its many-to-many values (an activity's institutions: in order)."""
    if isinstance(obj, Activity) and name == "partners":
        return [
            ActivityInstitution(activity=obj, institution_id=n.institution, position=place, responsible=n.responsible)
            for place, n in enumerate(named_list(ids), start=1)
        ]
    field = obj._meta.get_field(name)
    through = field.remote_field.through  # type: ignore[union-attr]
    owner = through._meta.get_field(field.m2m_field_name()).attname  # type: ignore[union-attr]
    other = through._meta.get_field(field.m2m_reverse_field_name()).attname  # type: ignore[union-attr]
    return [through(**{owner: obj.pk, other: pk}) for pk in ids]


def update_many_with_history(
    model: type[M], objects: Sequence[M], m2m: Sequence[Mapping[str, Any]], fields: Sequence[str]
) -> None:
    """Save many changed objects of one model, already validated (their versions already bumped), with the
    many-to-many values that change (`m2m`, in the same order): one update per model, one history row per object
    showing its final state, lists included."""
    if not objects:
        return
    _set_many_quietly(model, objects, m2m)  # no history row of their own: the rows below record the final state
    model._default_manager.bulk_update(objects, fields)
    record_history(model, objects, created=False)


def _update(
    obj: V,
    data: Mapping[str, Any],
    *,
    version: int | None,
    by: Any,
    reason: str,
    check: Callable[[V], None] | None = None,
) -> V:
    """Apply `data` to a locked copy of `obj` edited at `version`; one history row if anything changed, else none;
    after adoption, one amendment naming the fields changed."""
    obj = _locked(obj)
    _check_version(obj, version)
    plain, m2m = _split(obj, data)
    changed_names = [name for name, value in plain.items() if getattr(obj, name) != value]
    changed = bool(changed_names)
    for name, value in plain.items():
        setattr(obj, name, value)
    full_clean_with_related(obj, m2m)
    if check is not None:
        check(obj)
    m2m_changed = {name: ids for name, ids in m2m.items() if _current_m2m(obj, name) != ids}
    if m2m_changed:
        set_m2m_quietly(obj, m2m_changed)
    if changed or m2m_changed:
        bump_version(obj)
        names = [field_label(obj, name) for name in [*changed_names, *m2m_changed]]
        amend(obj.strategy_id, by=by, reason=reason, item=obj, action=Amendment.Action.CHANGED, detail=", ".join(names))
    return obj


# --- Results ---


def create_result(*, strategy: Strategy, parent: Result | None, by: Any, reason: str = "", **fields: Any) -> Result:
    """Add a result of the first level (no parent) or one under `parent`, on the next level, numbered last."""
    if parent is not None and parent.depth >= strategy.result_depth:
        raise ValidationError(
            _("%(level)s %(code)s holds activities, not items of another level.")
            % {"level": parent.level_label, "code": parent.display_code}
        )
    with transaction.atomic(), acting_as(by):
        _lock_strategy(strategy.pk)
        result = Result(
            strategy=strategy,
            parent=parent,
            depth=parent.depth + 1 if parent else 1,
            code=next_result_code(strategy, parent),
        )
        create_with_history(result, fields)
        amend(strategy.pk, by=by, reason=reason, item=result, action=Amendment.Action.CREATED)
        return result


def update_result(
    result: Result, *, by: Any, data: Mapping[str, Any], version: int | None = None, reason: str = ""
) -> Result:
    """Change a result's titles, GCM objectives or SDG targets (its code changes only by moving it)."""
    with transaction.atomic(), acting_as(by):
        return _update(result, data, version=version, by=by, reason=reason)


def delete_result(result: Result, *, by: Any, version: int | None = None, reason: str = "") -> None:
    """Delete a result with everything under it: children, activities, budget lines, indicators, targets; refused
    when progress reports hold data about anything under it (withdraw it instead)."""
    with transaction.atomic(), acting_as(by):
        _lock_strategy(result.strategy_id)
        result = _locked(result)
        _check_version(result, version)
        _delete_unreported(result, by=by, reason=reason)


def move_result(
    result: Result, *, by: Any, direction: Direction, version: int | None = None, reason: str = ""
) -> Result:
    """Swap a result with its previous or next sibling: their codes, and those of both subtrees, are swapped.

    Codes give the order, so moving `2` down makes it `3` (and `2.1` becomes `3.1`, `2.1.1.4` becomes
    `3.1.1.4` ...) while the old `3` becomes `2`. Indicator codes that embed a renumbered result's code follow
    it (`2.1.a` becomes `3.1.a`); other indicator codes (`I.7`) stay. Each object is saved, so each keeps its
    history. At the first or last place nothing changes.
    """
    with transaction.atomic(), acting_as(by):
        _lock_strategy(result.strategy_id)
        result = _locked(result)
        _check_version(result, version)
        siblings = list(
            Result.objects.select_for_update().filter(strategy_id=result.strategy_id, parent_id=result.parent_id)
        )
        neighbour = _neighbour(result, siblings, direction)
        if neighbour is not None:
            old_code = result.code
            _swap_subtrees(result, neighbour)
            _amend_move(result, old_code, by=by, reason=reason)
            result.refresh_from_db()
        return result


def _neighbour(obj: Sibling, siblings: list[Sibling], direction: Direction) -> Sibling | None:
    siblings.sort(key=lambda sibling: sort_key(sibling.code))
    position = next(i for i, sibling in enumerate(siblings) if sibling.pk == obj.pk)
    other = position - 1 if direction == "up" else position + 1
    return siblings[other] if 0 <= other < len(siblings) else None


def _subtree(result: Result) -> list[Versioned]:
    """A result, the results under it (parents first), their activities and the indicators named after them.

    All locked, so that an edit saved meanwhile is neither lost nor overwritten by the renumbering.
    """
    prefix = f"{result.code}."
    below = Result.objects.select_for_update().filter(strategy_id=result.strategy_id, code__startswith=prefix)
    results = [result, *sorted(below, key=lambda r: r.code.count("."))]
    activities = Activity.objects.select_for_update().filter(strategy_id=result.strategy_id, code__startswith=prefix)
    return [*results, *activities, *_indicators_named_after(results)]


def _indicators_named_after(results: list[Result]) -> list[Indicator]:
    """The indicators of `results` whose code starts with their result's code and a dot (`1.1.1.a` on 1.1.1)."""
    codes = {result.pk: result.code for result in results}
    indicators = Indicator.objects.select_for_update().filter(result_id__in=codes).order_by("pk")
    return [indicator for indicator in indicators if indicator.code.startswith(f"{codes[indicator.result_id]}.")]


def _swap_subtrees(first: Result, second: Result) -> None:
    """Give `first`'s subtree `second`'s code and back, through temporary codes kept out of history."""
    first_tree, second_tree = _subtree(first), _subtree(second)
    first_code, second_code = first.code, second.code
    for obj in first_tree:
        _save_quietly(obj, _temporary_code(obj))
    for obj in second_tree:
        _recode(obj, first_code + obj.code[len(second_code) :])
    for obj in first_tree:
        _recode(obj, second_code + _original_suffix(obj, first_code))


def _temporary_code(obj: Versioned) -> str:
    """A code no real one has: results and activities never start with 0, indicators never with `_`."""
    return f"_{obj.pk}" if isinstance(obj, Indicator) else f"0.{obj.pk}"


def _save_quietly(obj: Versioned, temporary_code: str) -> None:
    """Park an object on a temporary code without writing history."""
    obj._original_code = obj.code  # type: ignore[union-attr]
    obj.code = temporary_code
    obj.skip_history_when_saving = True  # type: ignore[union-attr]
    try:
        obj.save()
    finally:
        del obj.skip_history_when_saving  # type: ignore[union-attr]


def _original_suffix(obj: Versioned, old_prefix: str) -> str:
    return obj._original_code[len(old_prefix) :]  # type: ignore[union-attr]


def _recode(obj: Versioned, code: str) -> None:
    """Give an object its new code, validated against its (already renumbered) parent, and save it."""
    old_code = getattr(obj, "_original_code", obj.code)
    obj.code = code
    for cached in ("parent", "measure", "result"):
        obj._state.fields_cache.pop(cached, None)
    try:
        obj.full_clean()
    except ValidationError as error:
        message = _("%(item)s cannot be renumbered %(code)s: %(reason)s") % {
            "item": _describe(obj, old_code),
            "code": code,
            "reason": " ".join(error.messages),
        }
        raise ValidationError(message) from error
    bump_version(obj)


# --- Activities ---


def create_activity(*, measure: Result, by: Any, reason: str = "", **fields: Any) -> Activity:
    """Add an activity under a result of the plan's last level of results (a measure), numbered after its last
    activity."""
    if not measure.holds_activities:
        raise ValidationError(
            _("An activity belongs to an item of level %(depth)s (%(name)s).")
            % {
                "depth": measure.strategy.result_depth,
                "name": measure.strategy.level_name(measure.strategy.result_depth),
            }
        )
    with transaction.atomic(), acting_as(by):
        _lock_strategy(measure.strategy_id)
        activity = Activity(strategy_id=measure.strategy_id, measure=measure, code=next_activity_code(measure))
        create_with_history(activity, fields)
        amend(activity.strategy_id, by=by, reason=reason, item=activity, action=Amendment.Action.CREATED)
        return activity


def update_activity(
    activity: Activity, *, by: Any, data: Mapping[str, Any], version: int | None = None, reason: str = ""
) -> Activity:
    """Change an activity's titles, institutions, timeframe, cost basis, gender marker, target groups or GCM tags."""
    with transaction.atomic(), acting_as(by):
        return _update(activity, data, version=version, by=by, reason=reason, check=_check_cost_basis)


def _check_cost_basis(activity: Activity) -> None:
    """An activity marked within the existing budget, or not yet costed, has no budget lines: its lines are removed
    on its budget page first (a change of basis deletes nothing)."""
    if activity.is_costed:
        return
    count = activity.budget_lines.count()
    if count:
        raise ValidationError(
            {
                "cost_basis": ngettext(
                    "Activity %(code)s has %(count)s budget line: remove it on the activity's budget page before "
                    'marking the activity "%(basis)s".',
                    "Activity %(code)s has %(count)s budget lines: remove them on the activity's budget page before "
                    'marking the activity "%(basis)s".',
                    count,
                )
                % {"code": activity.code, "count": count, "basis": activity.get_cost_basis_display()}
            }
        )


def delete_activity(activity: Activity, *, by: Any, version: int | None = None, reason: str = "") -> None:
    """Delete an activity and its budget lines (each deletion kept in history); refused when progress reports hold
    data about it (withdraw it instead)."""
    with transaction.atomic(), acting_as(by):
        _lock_strategy(activity.strategy_id)
        activity = _locked(activity)
        _check_version(activity, version)
        _delete_unreported(activity, by=by, reason=reason)


def move_activity(
    activity: Activity, *, by: Any, direction: Direction, version: int | None = None, reason: str = ""
) -> Activity:
    """Swap an activity's code with its previous or next sibling under the same measure."""
    with transaction.atomic(), acting_as(by):
        _lock_strategy(activity.strategy_id)
        activity = _locked(activity)
        _check_version(activity, version)
        siblings = list(Activity.objects.select_for_update().filter(measure_id=activity.measure_id))
        neighbour = _neighbour(activity, siblings, direction)
        if neighbour is not None:
            old_code = activity.code
            _swap_codes(activity, neighbour)
            _amend_move(activity, old_code, by=by, reason=reason)
        return activity


def _swap_codes(obj: Activity | Indicator, neighbour: Activity | Indicator) -> None:
    first_code, second_code = obj.code, neighbour.code
    _save_quietly(obj, _temporary_code(obj))
    _recode(neighbour, first_code)
    _recode(obj, second_code)


def set_budget_lines(
    activity: Activity, *, by: Any, lines: Iterable[BudgetLineInput], version: int | None = None, reason: str = ""
) -> Activity:
    """Make the budget exactly `lines`: changed amounts updated, new lines added, missing ones deleted.

    Every line is checked before anything is written, and all the problems are reported together.
    """
    wanted, errors = _budget_by_key(lines)
    with transaction.atomic(), acting_as(by):
        activity = _locked(activity)
        _check_version(activity, version)
        existing = {(b.year, b.source, b.donor): b for b in activity.budget_lines.all()}
        changed = []
        for key, amount in sorted(wanted.items()):
            line = existing.get(key) or ActivityBudget(activity=activity, year=key[0], source=key[1], donor=key[2])
            if line.pk and line.amount == amount:
                continue
            line.amount = amount  # typed in the plan's currency: a currency stated before no longer applies
            line.currency, line.stated_amount, line.rate = "", None, None
            errors += _line_errors(line, selectors.budget_line_label(line))
            changed.append(line)
        if errors:
            raise ValidationError(errors)
        removed = [existing[key] for key in sorted(existing.keys() - wanted.keys())]
        if removed or changed:
            bump_version(activity)  # first: what is recorded after the new version's row is what changed with it
            detail = "; ".join(selectors.budget_line_label(line) for line in [*changed, *removed])
            amend(
                activity.strategy_id, by=by, reason=reason, item=activity, action=Amendment.Action.BUDGET, detail=detail
            )
        _write_lines(removed, changed)
        return activity


def _budget_by_key(lines: Iterable[BudgetLineInput]) -> tuple[dict[tuple[int, str, str], Decimal], list[str]]:
    """The lines by (year, source, donor), and a message for each line given twice."""
    wanted: dict[tuple[int, str, str], Decimal] = {}
    errors = []
    for line in lines:
        key = (line.year, line.source, line.donor.strip())
        if key in wanted:
            label = selectors.budget_line_label(ActivityBudget(year=key[0], source=key[1], donor=key[2]))
            errors.append(_("%(line)s is given twice.") % {"line": label})
        wanted[key] = line.amount
    return wanted, errors


def _line_errors(line: ActivityBudget | IndicatorTarget, label: str) -> list[str]:
    """A budget line's or target's validation messages, each saying which line it is about."""
    try:
        line.full_clean()
    except ValidationError as error:
        return [_("%(line)s: %(message)s") % {"line": label, "message": message} for message in error.messages]
    return []


def _write_lines(removed: Iterable[Model], changed: Iterable[Model]) -> None:
    for line in removed:
        line.delete()
    for line in changed:
        line.save()


# --- Indicators ---


def create_indicator(*, result: Result, by: Any, reason: str = "", **fields: Any) -> Indicator:
    """Add an indicator to a goal, objective or measure; its code defaults to the next free letter."""
    with transaction.atomic(), acting_as(by):
        _lock_strategy(result.strategy_id)
        fields.setdefault("code", next_indicator_code(result))
        indicator = Indicator(strategy_id=result.strategy_id, result=result)
        create_with_history(indicator, fields)
        amend(indicator.strategy_id, by=by, reason=reason, item=indicator, action=Amendment.Action.CREATED)
        return indicator


def update_indicator(
    indicator: Indicator, *, by: Any, data: Mapping[str, Any], version: int | None = None, reason: str = ""
) -> Indicator:
    """Change an indicator; its baseline year may not come after its first target (the workbook refuses that)."""
    with transaction.atomic(), acting_as(by):
        return _update(indicator, data, version=version, by=by, reason=reason, check=_check_baseline_before_targets)


def _check_baseline_before_targets(indicator: Indicator) -> None:
    if not indicator.baseline_year:
        return
    first = indicator.targets.order_by("year").values_list("year", flat=True).first()
    if first is not None and indicator.baseline_year > first:
        raise ValidationError(
            {
                "baseline_year": _(
                    "The baseline year cannot come after the first target year (%(year)s): change the targets first."
                )
                % {"year": first}
            }
        )


def move_indicator(
    indicator: Indicator, *, by: Any, direction: Direction, version: int | None = None, reason: str = ""
) -> Indicator:
    """Swap an indicator's code with the previous or next indicator of the same result (codes give the order)."""
    with transaction.atomic(), acting_as(by):
        _lock_strategy(indicator.strategy_id)
        indicator = _locked(indicator)
        _check_version(indicator, version)
        locked = Indicator.objects.select_for_update().filter(result_id=indicator.result_id)
        siblings = sorted(locked, key=lambda sibling: sibling.sort_key)
        position = next(i for i, sibling in enumerate(siblings) if sibling.pk == indicator.pk)
        other = position - 1 if direction == "up" else position + 1
        if 0 <= other < len(siblings):
            old_code = indicator.code
            _swap_codes(indicator, siblings[other])
            _amend_move(indicator, old_code, by=by, reason=reason)
        return indicator


def delete_indicator(indicator: Indicator, *, by: Any, version: int | None = None, reason: str = "") -> None:
    """Delete an indicator and its targets (each deletion kept in history); refused when progress reports hold
    values of it (withdraw it instead)."""
    with transaction.atomic(), acting_as(by):
        indicator = _locked(indicator)
        _check_version(indicator, version)
        _delete_unreported(indicator, by=by, reason=reason)


def set_targets(
    indicator: Indicator,
    *,
    by: Any,
    targets: Mapping[int, Decimal | None],
    version: int | None = None,
    reason: str = "",
) -> Indicator:
    """Set one target value per year; a year given as None loses its target, a year not given keeps it."""
    with transaction.atomic(), acting_as(by):
        indicator = _locked(indicator)
        _check_version(indicator, version)
        existing = {target.year: target for target in indicator.targets.all()}
        removed, changed, errors = [], [], []
        for year, value in sorted(targets.items()):
            target = existing.get(year)
            if value is None:
                removed += [target] if target is not None else []
                continue
            if target is not None and target.value == value:
                continue
            target = target or IndicatorTarget(indicator=indicator, year=year)
            target.value = value
            errors += _line_errors(target, _("Target for %(year)s") % {"year": year})
            changed.append(target)
        if errors:
            raise ValidationError(errors)
        if removed or changed:
            bump_version(indicator)  # first, as in set_budget_lines
            years = ", ".join(str(target.year) for target in sorted([*changed, *removed], key=lambda t: t.year))
            amend(
                indicator.strategy_id,
                by=by,
                reason=reason,
                item=indicator,
                action=Amendment.Action.TARGETS,
                detail=years,
            )
        _write_lines(removed, changed)
        return indicator


# --- Deleting and withdrawing ---


def _delete_unreported(obj: Versioned, *, by: Any, reason: str) -> None:
    """Delete a (locked) plan item with the untouched draft-report lines that refer to it; refuse, in words, when
    reports hold data about it. The database refuses too (PROTECT), whatever the path."""
    summary = selectors.deletion_summary(obj)
    if summary.is_reported:
        raise ValidationError(reported_refusal(obj, summary))
    activities, indicators = _tree_ids(obj)
    for line in selectors.unreported_lines(activities):
        line.delete()
    for value in selectors.unreported_values(indicators):
        value.delete()
    if isinstance(obj, Activity):  # its output indicators stay with its measure, each change in their history
        for indicator in Indicator.objects.select_for_update().filter(activity=obj):
            indicator.activity = None
            bump_version(indicator)
    amend(obj.strategy_id, by=by, reason=reason, item=obj, action=Amendment.Action.DELETED, detail=str(obj))
    obj.delete()


def reported_refusal(obj: Versioned, summary: selectors.DeletionSummary, code: str | None = None) -> str:
    """`Activity 1.1.1.2 cannot be deleted: progress reports hold 3 lines and 1 review comment about it. Withdraw it
    instead: ...`"""
    parts = [
        (summary.reported_lines, ngettext("%(n)s activity line", "%(n)s activity lines", summary.reported_lines)),
        (summary.reported_values, ngettext("%(n)s indicator value", "%(n)s indicator values", summary.reported_values)),
        (summary.comments, ngettext("%(n)s review comment", "%(n)s review comments", summary.comments)),
    ]
    counts = ", ".join(text % {"n": n} for n, text in parts if n)
    return _(
        "%(item)s cannot be deleted: progress reports hold %(counts)s about it. Withdraw it instead: it leaves "
        "future reporting cycles and every reported figure is kept."
    ) % {"item": _describe(obj, code), "counts": counts}


def _tree_ids(obj: Versioned) -> tuple[list[int], list[int]]:
    """The activities and indicators at or under `obj`."""
    if isinstance(obj, Activity):
        return [obj.pk], []
    if isinstance(obj, Indicator):
        return [], [obj.pk]
    prefix = f"{obj.code}."
    results = Result.objects.filter(Q(code=obj.code) | Q(code__startswith=prefix), strategy_id=obj.strategy_id)
    activities = Activity.objects.filter(strategy_id=obj.strategy_id, code__startswith=prefix)
    indicators = Indicator.objects.filter(strategy_id=obj.strategy_id, result__in=results)
    return list(activities.values_list("pk", flat=True)), list(indicators.values_list("pk", flat=True))


def _subtree_items(obj: Versioned) -> list[Versioned]:
    """`obj` and, for a result, every result, activity and indicator under it, locked."""
    if not isinstance(obj, Result):
        return [obj]
    prefix = f"{obj.code}."
    below = Result.objects.select_for_update().filter(strategy_id=obj.strategy_id, code__startswith=prefix)
    activities, indicators = _tree_ids(obj)
    return [
        obj,
        *below,
        *Activity.objects.select_for_update().filter(pk__in=activities),
        *Indicator.objects.select_for_update().filter(pk__in=indicators),
    ]


def withdraw(
    obj: Versioned,
    *,
    by: Any,
    reason: str,
    on: datetime.date | None = None,
    version: int | None = None,
) -> Versioned:
    """Withdraw an activity, an indicator or a result (with everything under it) from the plan.

    It stays in the plan, the reports, the history and the roll-ups (shown as withdrawn); it gets no line in the
    cycles opened after it; the untouched lines of open draft reports go. Reported data are never touched.
    """
    reason = (reason or "").strip()
    errors = []
    if not reason:
        errors.append(_("Give the reason for the withdrawal."))
    elif len(reason) > limits.LONG_TEXT_CHARS or limits.has_control_characters(reason):
        errors.append(
            _("The reason is at most %(limit)s characters of plain text.") % {"limit": limits.LONG_TEXT_CHARS}
        )
    with transaction.atomic(), acting_as(by):
        _lock_strategy(obj.strategy_id)
        obj = _locked(obj)
        _check_version(obj, version)
        if obj.is_withdrawn:
            errors.append(_("%(item)s is already withdrawn.") % {"item": _describe(obj)})
        if errors:
            raise ValidationError(errors)
        on = on or timezone.localdate()
        amend(obj.strategy_id, by=by, reason=reason, item=obj, action=Amendment.Action.WITHDRAWN)
        for item in _subtree_items(obj):
            if item.is_withdrawn:
                continue  # withdrawn before, for its own reason: it keeps it
            item.withdrawn_on, item.withdrawn_reason = on, reason
            bump_version(item)
        activities, indicators = _tree_ids(obj)
        open_drafts = Q(report__cycle__status="open")
        for line in selectors.unreported_lines(activities).filter(open_drafts):
            line.delete()
        for value in selectors.unreported_values(indicators).filter(open_drafts):
            value.delete()
        obj.refresh_from_db()
        return obj


def restore(obj: Versioned, *, by: Any, version: int | None = None, reason: str = "") -> Versioned:
    """Bring a withdrawn item back into the plan; for a result, with the items under it that were withdrawn with it
    (same day, same reason). It is reported again from the next cycle opened."""
    with transaction.atomic(), acting_as(by):
        _lock_strategy(obj.strategy_id)
        obj = _locked(obj)
        _check_version(obj, version)
        if not obj.is_withdrawn:
            raise ValidationError(_("%(item)s is not withdrawn.") % {"item": _describe(obj)})
        amend(obj.strategy_id, by=by, reason=reason, item=obj, action=Amendment.Action.RESTORED)
        together = (obj.withdrawn_on, obj.withdrawn_reason)
        for item in _subtree_items(obj):
            if (item.withdrawn_on, item.withdrawn_reason) == together:
                item.withdrawn_on, item.withdrawn_reason = None, ""
                bump_version(item)
        obj.refresh_from_db()
        return obj


# --- Amendments ---


def amend(
    strategy_id: int, *, by: Any, reason: str, item: Versioned | str, action: str, detail: str = ""
) -> Amendment | None:
    """After adoption, record a change to the plan as an amendment; refuse it when no reason is given. Before
    adoption, nothing. Called inside the change's own transaction, so both are written or neither."""
    strategy = Strategy.objects.only("status").get(pk=strategy_id)
    if not strategy.is_amended_on_change:
        return None
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"amendment_reason": _("The plan is adopted: every change is an amendment. Say why this change is made.")}
        )
    if len(reason) > limits.LONG_TEXT_CHARS or limits.has_control_characters(reason):
        raise ValidationError(
            {
                "amendment_reason": _("The reason is at most %(limit)s characters of plain text.")
                % {"limit": limits.LONG_TEXT_CHARS}
            }
        )
    label = item if isinstance(item, str) else _describe(item)
    return Amendment.objects.create(
        strategy_id=strategy_id,
        made_by=by if getattr(by, "pk", None) else None,
        item=label[:300],
        action=action,
        detail=detail,
        reason=reason,
    )


def _amend_move(obj: Versioned, old_code: str, *, by: Any, reason: str) -> None:
    obj.refresh_from_db()
    detail = _("%(old)s becomes %(new)s") % {"old": old_code, "new": obj.code}
    amend(
        obj.strategy_id,
        by=by,
        reason=reason,
        item=_describe(obj, old_code),
        action=Amendment.Action.MOVED,
        detail=detail,
    )


# --- Action plans ---


def add_action_plan(
    *, strategy: Strategy, by: Any, start_year: int, end_year: int, title_sq: str = "", title_en: str = ""
) -> ActionPlan:
    """Add the next action plan of a strategy (drafting). The first one, until now implied by the strategy's
    action-plan years, is written out first with the strategy's adoption; the strategy's action-plan years become
    the span of all of them. Validated and audited in one transaction."""
    with transaction.atomic(), acting_as(by):
        strategy = _lock_strategy(strategy.pk)
        if not ActionPlan.objects.filter(strategy=strategy).exists():
            create_with_history(selectors.implied_action_plan(strategy), {})
        plan = ActionPlan(strategy=strategy, start_year=start_year, end_year=end_year)
        create_with_history(plan, {"title_sq": title_sq, "title_en": title_en})
        _sync_plan_years(strategy)
        return plan


def update_action_plan(plan: ActionPlan, *, by: Any, data: Mapping[str, Any]) -> ActionPlan:
    """Change an action plan's titles, years, status or adoption; the strategy's action-plan years follow."""
    with transaction.atomic(), acting_as(by):
        strategy = _lock_strategy(plan.strategy_id)
        plan = _locked(plan)
        plan.strategy = strategy
        changed = [name for name, value in data.items() if getattr(plan, name) != value]
        if not changed:
            return plan
        for name in changed:
            setattr(plan, name, data[name])
        plan.full_clean()
        plan.save()
        _sync_plan_years(strategy)
        return plan


def _sync_plan_years(strategy: Strategy) -> None:
    """The strategy's action-plan years: from the first action plan's first year to the last one's last year."""
    span = strategy.action_plan_span()
    if span is None:
        return
    first, last = span
    if (strategy.plan_start_year, strategy.plan_end_year) != (first, last):
        strategy.plan_start_year, strategy.plan_end_year = first, last
        strategy.full_clean()
        strategy.save()


def save_chapter(
    strategy: Strategy, kind: str, *, by: Any, body_sq: str, body_en: str, version: int | None = None
) -> Chapter:
    """Write a narrative chapter of `strategy` in both languages, edited at `version` (0: the chapter did not exist
    yet; None: unchecked). A chapter changed (or written) by someone else since is refused with `StaleVersion`,
    saying who changed it and what; a save that changes nothing writes nothing."""
    if kind not in Chapter.Kind.values:
        raise ValidationError({"kind": _("There is no such chapter.")})
    with transaction.atomic(), acting_as(by):
        _lock_strategy(strategy.pk)  # two first saves of the same chapter do not both create it
        chapter = Chapter.objects.select_for_update().filter(strategy=strategy, kind=kind).first()
        item = _("The chapter “%(chapter)s”") % {"chapter": Chapter.Kind(kind).label}
        if chapter is None:
            if version:
                raise stale.StaleVersion(
                    [_("%(item)s was removed since you opened it, so your change was not saved.") % {"item": item}],
                    current_version=0,
                )
            chapter = Chapter(strategy=strategy, kind=kind, body_sq=body_sq, body_en=body_en)
            chapter.full_clean()
            chapter.save()
            return chapter
        # Who changed it and when, not the texts themselves: a chapter runs to thousands of words.
        told = stale.told_by_history(item)
        stale.check_version(chapter, version, lambda locked, edited: list(told(locked, edited))[:1])
        if (chapter.body_sq, chapter.body_en) == (body_sq, body_en):
            return chapter
        chapter.body_sq, chapter.body_en = body_sq, body_en
        chapter.full_clean()
        stale.bump_version(chapter)
        return chapter
