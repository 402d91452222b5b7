"""From the lines a request sends to the services' inputs: what PUT and PATCH mean, said once.

- PATCH changes the fields each line sends and keeps the others; a field sent as null is emptied. An indicator's
  `cells` work the same way, cell by cell (`"cells": null` empties them all).
- PUT replaces whole lines: every field of every line it sends must be there, and every cell of an indicator; a line
  that leaves one out is refused (422 naming the line and the field), never stored as emptied.
- Either way a request sends a line at most once (one activity, one indicator, one cell: `female` and `sex.female`
  are the same cell), and no more lines than the report has: a repeated line is refused, not "the last one wins".

The services check the values and write (`services.save_report`); this module only reads what the request says
against the report's stored lines. The caller holds the report's row locked, so the values kept are the stored ones.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import gettext as _

from nsm.api import schemas
from nsm.i18n import localized_with_language
from nsm.monitoring.models import ActivityProgress, IndicatorValue, ProgressReport
from nsm.monitoring.services import ActivityLineInput, IndicatorLineInput, LineError, ReportInvalid

Kind = Literal["activity", "indicator"]


@dataclass(frozen=True)
class StoredIndicator:
    """An indicator line as stored: the total's row, and each cell's category id by the key a request may use."""

    code: str
    total: IndicatorValue
    cells: dict[int, IndicatorValue]  # category id -> the cell's row
    keys: dict[str, int]  # `female` and `sex.female` -> category id
    names: dict[int, str]  # category id -> the key the report answers (`female`, or `sex.female` when ambiguous)


def _stored_indicators(report: ProgressReport) -> dict[int, StoredIndicator]:
    rows: dict[int, list[IndicatorValue]] = defaultdict(list)
    for value in IndicatorValue.objects.filter(report=report).select_related("indicator", "category__dimension"):
        rows[value.indicator_id].append(value)
    stored = {}
    for indicator_id, values in rows.items():
        total = next((value for value in values if value.category_id is None), None)
        if total is None:
            continue
        cells = {value.category_id: value for value in values if value.category_id is not None}
        categories = [value.category for value in cells.values() if value.category is not None]
        names = schemas.cell_keys(categories)
        keys = {f"{c.dimension.code}.{c.code}": c.pk for c in categories} | {name: pk for pk, name in names.items()}
        stored[indicator_id] = StoredIndicator(total.indicator.code, total, cells, keys, names)
    return stored


def _too_many(sent: int, held: int, kind: str) -> LineError:
    if kind == "activities":
        message = _("The report has %(held)s activity lines; the request sends %(sent)s. Send each line once.")
    else:
        message = _("The report has %(held)s indicator lines; the request sends %(sent)s. Send each line once.")
    return LineError("report", None, kind, message % {"held": f"{held:,}", "sent": f"{sent:,}"})


def _repeated(kind: Kind, ids: list[int], codes: dict[int, str]) -> list[LineError]:
    field = f"{kind}_id"
    errors = []
    for object_id, count in Counter(ids).items():
        if count > 1:
            message = _("This line is sent %(count)s times in the request; send each line once.") % {"count": count}
            errors.append(LineError(kind, object_id, field, message, codes.get(object_id, "")))
    return errors


def _structure_errors(
    payload: schemas.AnyLinesIn, activities: dict[int, ActivityProgress], indicators: dict[int, StoredIndicator]
) -> list[LineError]:
    """Too many lines, or a line sent twice: refused before anything else is read from the request."""
    errors = []
    for kind, sent, held in (
        ("activities", len(payload.activities), len(activities)),
        ("indicators", len(payload.indicators), len(indicators)),
    ):
        if sent > held:
            errors.append(_too_many(sent, held, kind))
    if errors:
        return errors
    activity_codes = {pk: line.activity.code for pk, line in activities.items()}
    errors += _repeated("activity", [line.activity_id for line in payload.activities], activity_codes)
    indicator_codes = {pk: line.code for pk, line in indicators.items()}
    errors += _repeated("indicator", [line.indicator_id for line in payload.indicators], indicator_codes)
    return errors


def _missing(kind: Kind, object_id: int, code: str, names: list[str]) -> list[LineError]:
    message = _("A PUT replaces the whole line: send this field too, or use PATCH to change only the fields you send.")
    return [LineError(kind, object_id, name, message, code) for name in names]


def _activity_input(line: schemas.ActivityLineIn, stored: ActivityProgress | None) -> ActivityLineInput:
    """The line's values: those sent (null empties), the stored ones for fields left out."""
    sent = line.model_fields_set
    values: dict[str, Any] = {}
    for name in schemas.ACTIVITY_LINE_FIELDS:
        value = getattr(line if name in sent or stored is None else stored, name)
        values[name] = "" if value is None and name in ("status", "narrative_sq", "narrative_en") else value
    if "narrative" in sent:
        # The earlier name, as `GET` gives it: the narrative in the request's language, else the other. Changed, it
        # is written in the language it was shown in (Albanian when there was none); as shown, it changes nothing.
        shown, language = localized_with_language(stored, "narrative") if stored else ("", "")
        if (line.narrative or "") != shown:
            values[f"narrative_{language or 'sq'}"] = line.narrative or ""
    return ActivityLineInput(activity_id=line.activity_id, **values)


def _sent(line: schemas.ActivityLineIn) -> set[str]:
    """The fields a line sends, `narrative` (the earlier name) counted as `narrative_sq`."""
    sent = set(line.model_fields_set)
    return sent | {"narrative_sq"} if "narrative" in sent else sent


def _indicator_input(
    line: schemas.IndicatorLineIn, stored: StoredIndicator | None, *, whole: bool, errors: list[LineError]
) -> IndicatorLineInput:
    """The line's values with its cells keyed by category id; unknown, repeated or (PUT) missing cells are errors."""
    sent = line.model_fields_set
    code = stored.code if stored else ""

    def value(name: str) -> Any:
        if name in sent:
            return getattr(line, name)
        return getattr(stored.total, "value" if name == "total" else name) if stored else None

    cells: dict[int, Any] = {} if stored is None else {pk: cell.value for pk, cell in stored.cells.items()}
    if "cells" in sent:
        given = line.cells or {}
        if line.cells is None:
            cells = dict.fromkeys(cells)
        keys_of: dict[int, list[str]] = defaultdict(list)
        for key, number in given.items():
            pk = stored.keys.get(key) if stored else None
            if pk is None:
                if stored is not None:
                    message = _("This indicator is not disaggregated by this category.")
                    errors.append(LineError("indicator", line.indicator_id, f"cells.{key}", message, code))
                continue
            keys_of[pk].append(key)
            cells[pk] = number
        for keys in keys_of.values():
            if len(keys) > 1:
                message = _("The same cell is sent as %(keys)s; send it once.") % {"keys": ", ".join(keys)}
                errors.append(LineError("indicator", line.indicator_id, f"cells.{keys[0]}", message, code))
        if whole and stored is not None and line.cells is not None:
            left_out = [stored.names[pk] for pk in stored.cells if pk not in keys_of]
            errors += _missing("indicator", line.indicator_id, code, [f"cells.{name}" for name in left_out])
    return IndicatorLineInput(line.indicator_id, value("total"), cells, value("note") or "", value("source") or "")


def line_inputs(
    report: ProgressReport, payload: schemas.AnyLinesIn, *, whole: bool
) -> tuple[list[ActivityLineInput], list[IndicatorLineInput]]:
    """The services' inputs for the lines of `payload` (`whole`: PUT, else PATCH); `ReportInvalid` lists what the
    request gets wrong as a request (too many lines, a line twice, a field or cell left out by a PUT, a cell the
    indicator does not have). The values themselves are the service's to check."""
    activities = {
        line.activity_id: line for line in ActivityProgress.objects.filter(report=report).select_related("activity")
    }
    indicators = _stored_indicators(report)
    errors = _structure_errors(payload, activities, indicators)
    if errors:
        raise ReportInvalid(errors)
    activity_inputs = []
    for line in payload.activities:
        stored = activities.get(line.activity_id)
        if whole and stored is not None:
            left_out = [name for name in schemas.ACTIVITY_LINE_REQUIRED if name not in _sent(line)]
            errors += _missing("activity", line.activity_id, stored.activity.code, left_out)
        activity_inputs.append(_activity_input(line, stored))
    indicator_inputs = []
    for indicator_line in payload.indicators:
        stored_indicator = indicators.get(indicator_line.indicator_id)
        if whole and stored_indicator is not None:
            left_out = [name for name in schemas.INDICATOR_LINE_FIELDS if name not in indicator_line.model_fields_set]
            errors += _missing("indicator", indicator_line.indicator_id, stored_indicator.code, left_out)
        indicator_inputs.append(_indicator_input(indicator_line, stored_indicator, whole=whole, errors=errors))
    if errors:
        raise ReportInvalid(errors)
    return activity_inputs, indicator_inputs
