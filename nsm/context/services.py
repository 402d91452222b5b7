"""Every change to the evidence base: typed, atomic, validated (`full_clean`) and recorded in history as `by`'s.

Saves go through `save()` (never `update()`), so that each change leaves a history row; a save that would change
nothing is skipped, so that history shows only real changes. A value carries a version: a change made on a page
rendered before someone else's change is refused with `StaleVersion`, which says who changed what meanwhile.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from nsm.audit import acting_as
from nsm.context.models import ContextIndicator, ContextValue
from nsm.core.stale import bump_version, check_version, told_by_history

INDICATOR_FIELDS = ("code", "name_sq", "name_en", "topic", "unit_sq", "unit_en", "source", "notes")
VALUE_FIELDS = ("year", "period", "value", "value_text", "unit", "source", "source_url", "verified", "note")


def _changed(obj: Model, values: dict[str, Any], allowed: tuple[str, ...]) -> bool:
    """Set the allowed fields on `obj`; whether any of them differs from what it held."""
    changed = False
    for name, value in values.items():
        if name not in allowed:
            raise TypeError(f"{type(obj).__name__} has no editable field {name!r}")
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _save(obj: Model) -> None:
    obj.full_clean()
    obj.save()


def create_indicator(*, by: Any, country: str, **values: Any) -> ContextIndicator:
    indicator = ContextIndicator(country=country)
    _changed(indicator, values, INDICATOR_FIELDS)
    with transaction.atomic(), acting_as(by):
        _save(indicator)
    return indicator


def update_indicator(indicator: ContextIndicator, /, *, by: Any, **values: Any) -> bool:
    """Change an indicator's fields; False when nothing changed (nothing written)."""
    with transaction.atomic(), acting_as(by):
        locked = ContextIndicator.objects.select_for_update().get(pk=indicator.pk)
        if not _changed(locked, values, INDICATOR_FIELDS):
            return False
        _save(locked)
    _changed(indicator, values, INDICATOR_FIELDS)
    return True


def add_value(indicator: ContextIndicator, /, *, by: Any, **values: Any) -> ContextValue:
    """A new value for a year the indicator has none for (the model refuses a second value for a year)."""
    value = ContextValue(indicator=indicator)
    _changed(value, values, VALUE_FIELDS)
    with transaction.atomic(), acting_as(by):
        _save(value)
    return value


def update_value(value: ContextValue, /, *, by: Any, version: int | None = None, **values: Any) -> bool:
    """Change a value, its year or its source, edited at `version` (None: unchecked); False when nothing changed
    (nothing written). A stale version is refused with `StaleVersion`, saying who changed what meanwhile."""
    with transaction.atomic(), acting_as(by):
        locked = ContextValue.objects.select_for_update().select_related("indicator").get(pk=value.pk)
        item = _("The value of %(name)s for %(year)s") % {"name": locked.indicator, "year": locked.year_label}
        check_version(locked, version, told_by_history(item))
        if not _changed(locked, values, VALUE_FIELDS):
            return False
        bump_version(locked, save=False)
        _save(locked)
    _changed(value, values, VALUE_FIELDS)
    value.version = locked.version
    return True


def delete_value(value: ContextValue, *, by: Any) -> None:
    """Remove a value; its history stays."""
    with transaction.atomic(), acting_as(by):
        value.delete()
