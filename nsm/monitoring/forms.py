"""Forms of the monitoring pages: a new reporting cycle, and a whole progress report (every line, one version).

The forms only parse what people type (numbers in the active locale, choices) into the services' inputs; the rules
of a line (0-100 %, completed means 100, breakdowns add up ...) are the services', and their errors come back to the
field they concern through `ReportForm.add_line_errors`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.boundfield import BoundField
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nsm.accounts.models import Institution
from nsm.core.forms import AmountField, BootstrapForm, EditsVersion, FilterForm, VersionField
from nsm.core.limits import LONG_TEXT_CHARS, refuse_control_characters, refuse_longer_than
from nsm.core.numbers import format_decimal
from nsm.monitoring import selectors
from nsm.monitoring.models import PLAUSIBILITY_NOTE_CHARS, ActivityProgress, ProgressReport, ReportingCycle
from nsm.monitoring.services import PLAUSIBILITY, ActivityLineInput, Conflict, IndicatorLineInput, LineError
from nsm.reference.models import DisaggregationDimension
from nsm.strategy.models import Indicator, Strategy, progress

# --- Cycles ---


class CycleForm(BootstrapForm, forms.Form):
    """A new reporting cycle: the period (a half-year or a year) and when reports open and are due."""

    kind = forms.ChoiceField(label=gettext_lazy("Period"), choices=ReportingCycle.Kind.choices)
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int)
    half = forms.TypedChoiceField(
        label=gettext_lazy("Half-year"),
        choices=[
            ("", "—"),
            (1, gettext_lazy("First half (January–June)")),
            (2, gettext_lazy("Second half (July–December)")),
        ],
        coerce=int,
        # Django takes any empty value (here the "no half" of a year cycle); the stubs allow only str or None.
        empty_value=0,  # type: ignore[arg-type]
        required=False,
        help_text=gettext_lazy("For a half-year cycle only."),
    )
    opens_on = forms.DateField(
        label=gettext_lazy("Opens on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    due_on = forms.DateField(
        label=gettext_lazy("Due on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["year"]).choices = [(year, year) for year in strategy.years]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data is None:  # Form.clean returns cleaned_data; the stubs allow a clean that returns nothing
            data = self.cleaned_data
        if data.get("kind") == ReportingCycle.Kind.HALF_YEAR and not data.get("half"):
            self.add_error("half", _("Choose the first or second half."))
        return data


# --- A report ---

BLANK = ("", "—")
OUT_OF_DATE = VersionField.default_error_messages["invalid"]


def _initial_number(value: Decimal | None) -> str:
    return "" if value is None else format_decimal(value)


def _initial_yes_no(value: Decimal | None) -> str:
    """A chosen value (yes/no, a stage) as its choice: "1"; a stored value outside the choices as a number."""
    return "" if value is None else str(int(value)) if value == value.to_integral_value() else format_decimal(value)


def _number_field(label: str, indicator: Indicator) -> forms.Field:
    """An indicator's value: a yes/no choice, the stage reached, or a number as people type it in their language."""
    choices = None
    if indicator.value_type == Indicator.ValueType.YES_NO:
        choices = [BLANK, ("1", _("Yes")), ("0", _("No"))]
    elif indicator.value_type == Indicator.ValueType.MILESTONE:
        stages = range(len(indicator.stages) + 1)
        choices = [BLANK, *((str(stage), indicator.stage_label(Decimal(stage))) for stage in stages)]
    if choices:
        return forms.TypedChoiceField(label=label, choices=choices, coerce=Decimal, empty_value=None, required=False)
    # No digit limits here: the service's rules say how many decimals and how large, in its own words.
    return AmountField(
        label=label, required=False, max_digits=None, decimal_places=None, min_value=None, widget=forms.TextInput
    )


def _text_field(label: str, *, rows: int = 0, limit: int = LONG_TEXT_CHARS, lang: str = "") -> forms.CharField:
    """A narrative, a note or a source: at most LONG_TEXT_CHARS characters and no control character, as the API and
    the report workbook take them (the browser stops typing at the bound; a longer post is refused in words).
    `lang`: the language the text is written in, for spelling checkers and screen readers."""
    attrs: dict[str, Any] = {"maxlength": limit, **({"rows": rows} if rows else {}), **({"lang": lang} if lang else {})}
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs=attrs) if rows else forms.TextInput(attrs=attrs),
        validators=[refuse_control_characters, partial(refuse_longer_than, limit)],
    )


def _confirmation_fields() -> dict[str, forms.Field]:
    """The confirmation of a line's unusual values: shown only when the line has one (see `services.*_warnings`)."""
    return {
        "confirm": forms.BooleanField(label=_("I confirm this value"), required=False),
        "plausibility_note": _text_field(_("Why the value is right"), limit=PLAUSIBILITY_NOTE_CHARS),
    }


def _activity_fields(line: ActivityProgress) -> dict[str, forms.Field]:
    spending = {
        name: AmountField(
            label=capfirst(cast("models.Field[Any, Any]", ActivityProgress._meta.get_field(name)).verbose_name),
            required=False,
            max_digits=None,
            decimal_places=None,
            min_value=None,
        )
        for name in ActivityProgress.SPENDING_FIELDS
    }
    return {
        "status": forms.ChoiceField(
            label=_("Status"), choices=[BLANK, *ActivityProgress.Status.choices], required=False
        ),
        "percent_complete": forms.IntegerField(
            label=_("Percent complete"),
            required=False,
            widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "inputmode": "numeric"}),
        ),
        **spending,
        # Either language suffices (a delayed or cancelled activity needs one of them).
        "narrative_sq": _text_field(_("Narrative (Albanian)"), rows=3, lang="sq"),
        "narrative_en": _text_field(_("Narrative (English, optional)"), rows=3, lang="en"),
        **_confirmation_fields(),
    }


@dataclass(frozen=True)
class CellGroup:
    """The cells of one disaggregation dimension of an indicator line (female, male; age groups ...)."""

    dimension: DisaggregationDimension
    cells: tuple[tuple[selectors.IndicatorCell, BoundField | None], ...]


@dataclass(frozen=True)
class ActivityRow:
    item: selectors.ActivityLine
    planned: Decimal
    fields: Mapping[str, BoundField]
    warnings: tuple[str, ...] = ()  # unusual values of the line (as typed, or as stored)
    previous: selectors.Previous | None = None  # the latest approved status of an earlier cycle
    changes: tuple[selectors.Change, ...] = ()  # what changed since the report was returned

    @property
    def anchor(self) -> str:
        return f"activity-{self.item.activity.pk}"

    @property
    def comment_target(self) -> str:
        return f"comment-{self.anchor}"


@dataclass(frozen=True)
class IndicatorRow:
    item: selectors.IndicatorLine
    target: Decimal | None
    groups: tuple[CellGroup, ...]
    fields: Mapping[str, BoundField]
    warnings: tuple[str, ...] = ()
    previous: selectors.Previous | None = None  # the latest approved total of an earlier cycle
    changes: tuple[selectors.Change, ...] = ()
    part_of_year: bool = False  # a half-year's value of a flow: a part of the year's figure, not comparable

    @property
    def progress(self) -> Decimal | None:
        """How far the reported total has moved from the baseline towards the year's target, in % (None without
        either, for a text indicator, and for a half-year's value of a flow, which is only part of the year's)."""
        indicator = self.item.indicator
        if indicator.value_type == Indicator.ValueType.TEXT or self.part_of_year:
            return None
        return progress(indicator.baseline, self.target, self.item.total.value, indicator.direction)

    @property
    def anchor(self) -> str:
        return f"indicator-{self.item.indicator.pk}"

    @property
    def comment_target(self) -> str:
        return f"comment-{self.anchor}"


@dataclass(frozen=True)
class TheirValue:
    """The value someone else saved in a field that the user changed too: as shown, and as the input takes it."""

    shown: str
    raw: str


def _stored_activity(line: ActivityProgress) -> dict[str, Any]:
    """The values of an activity line as its inputs take them."""
    values: dict[str, Any] = {}
    for name in (*ActivityProgress.VALUE_FIELDS, "plausibility_note"):
        value = getattr(line, name)
        values[name] = _initial_number(value) if name in ActivityProgress.SPENDING_FIELDS else value
    values["confirm"] = bool(line.plausibility_note)
    return values


def _canonical(value: Any) -> str:
    """A stored value as the hidden `original` field carries it: not localized, so that it reads back exactly."""
    return "" if value is None else str(value)


class ReportForm(EditsVersion, BootstrapForm, forms.Form):
    """Every line of a report, posted at once with the version of the report it was rendered from, and the values it
    was rendered with (`original`, hidden): the service saves only what the user changed, and merges it with what
    someone else saved meanwhile.

    Fields are named by line: `a<activity id>_<field>` for an activity (with `_confirm` and `_plausibility_note`,
    the confirmation of an unusual value), `i<indicator id>_total`, `i<indicator id>_c<category id>`,
    `i<indicator id>_note`, `i<indicator id>_source` (and the confirmation) for an indicator.

    `typed` gives values to show instead of the stored ones (what the user typed in fields that someone else
    changed too).
    """

    original = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, data: Any = None, *, detail: selectors.ReportDetail, typed: Mapping[str, Any] | None = None, **kw: Any
    ) -> None:
        self.detail = detail
        self.labels: dict[str, str] = {}  # field name -> the field's name with its line, for the error summary
        initial: dict[str, Any] = {}
        original: dict[str, str] = {}
        fields: dict[str, forms.Field] = {}
        for item in detail.activities:
            line = item.line
            stored = _stored_activity(line)
            for name, field in _activity_fields(line).items():
                key = f"a{line.activity_id}_{name}"
                fields[key] = field
                initial[key] = stored[name]
                if name != "confirm":
                    original[key] = _canonical(getattr(line, name))
                self.labels[key] = _("Activity %(code)s: %(field)s") % {
                    "code": item.activity.code,
                    "field": field.label,
                }
        for indicator_line in detail.indicators:
            self._indicator_fields(indicator_line, fields, initial, original)
        super().__init__(data, initial={**initial, **(typed or {}), "original": json.dumps(original)}, **kw)
        self.fields.update(fields)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", _widget_class(field))
        self.add_version(detail.report.version)

    def _indicator_fields(
        self, item: selectors.IndicatorLine, fields: dict[str, forms.Field], initial: dict[str, Any], original: dict
    ) -> None:
        indicator = item.indicator
        chosen = indicator.value_type in (Indicator.ValueType.YES_NO, Indicator.ValueType.MILESTONE)
        show = _initial_yes_no if chosen else _initial_number
        prefix = f"i{indicator.pk}"
        fields[f"{prefix}_total"] = _number_field(_("Total"), indicator)
        initial[f"{prefix}_total"] = show(item.total.value)
        original[f"{prefix}_total"] = _canonical(item.total.value)
        for cell in item.cells:
            key = f"{prefix}_c{cell.category.pk}"
            fields[key] = _number_field(str(cell.category.name), indicator)
            initial[key] = show(cell.value.value)
            original[key] = _canonical(cell.value.value)
        in_words = indicator.value_type == Indicator.ValueType.TEXT  # reported in its note, which takes the value
        if indicator.computed_from or in_words:  # shown read-only (or not); the form gives back what is stored
            for key in [f"{prefix}_total", *(f"{prefix}_c{c.category.pk}" for c in item.cells)]:
                fields[key].disabled = True
        fields[f"{prefix}_note"] = _text_field(
            _("Value in words") if in_words else _("Note"), rows=3 if in_words else 2
        )
        fields[f"{prefix}_source"] = _text_field(_("Source"))
        for name, field in _confirmation_fields().items():
            fields[f"{prefix}_{name}"] = field
        for name in ("note", "source", "plausibility_note"):
            initial[f"{prefix}_{name}"] = original[f"{prefix}_{name}"] = getattr(item.total, name)
        initial[f"{prefix}_confirm"] = bool(item.total.plausibility_note)
        keys = [f"{prefix}_total", *(f"{prefix}_c{c.category.pk}" for c in item.cells), f"{prefix}_note"]
        for key in [*keys, f"{prefix}_source", f"{prefix}_confirm", f"{prefix}_plausibility_note"]:
            label = fields[key].label
            self.labels[key] = _("Indicator %(code)s: %(field)s") % {"code": indicator.code, "field": label}

    def clean_original(self) -> dict[str, str]:
        """The values the page was rendered with, as `__init__` wrote them; anything else is an outdated page."""
        try:
            values = json.loads(self.cleaned_data.get("original") or "")
        except ValueError:
            values = None
        if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            raise ValidationError(OUT_OF_DATE)
        return values

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.fields:  # a confirmation says why
            if name.endswith("_confirm") and data.get(name):
                note = name.removesuffix("_confirm") + "_plausibility_note"
                if not (data.get(note) or "").strip() and note not in self.errors:
                    self.add_error(note, _("Say in a few words why the value is right."))
        return data

    # --- What the services get ---

    def activity_inputs(self) -> list[ActivityLineInput]:
        return [self._activity_input(item, self.cleaned_data) for item in self.detail.activities]

    def indicator_inputs(self) -> list[IndicatorLineInput]:
        return [self._indicator_input(item, self.cleaned_data) for item in self.detail.indicators]

    def original_inputs(self) -> tuple[list[ActivityLineInput], list[IndicatorLineInput]]:
        """The lines as the page showed them (for the merge): read back from the hidden `original` field."""
        shown = self.cleaned_data.get("original")
        if not isinstance(shown, dict):
            return [], []
        activities, indicators = [], []
        for item in self.detail.activities:
            prefix = f"a{item.line.activity_id}_"
            if all(prefix + name in shown for name in (*ActivityProgress.VALUE_FIELDS, "plausibility_note")):
                activities.append(_activity_from_text(item.line.activity_id, shown, prefix))
        for line in self.detail.indicators:
            prefix = f"i{line.indicator.pk}_"
            names = ["total", "note", "source", "plausibility_note", *(f"c{c.category.pk}" for c in line.cells)]
            if all(prefix + name in shown for name in names):
                indicators.append(_indicator_from_text(line, shown, prefix))
        return activities, indicators

    @staticmethod
    def _activity_input(item: selectors.ActivityLine, data: Mapping[str, Any]) -> ActivityLineInput:
        key = f"a{item.line.activity_id}_"
        values: dict[str, Any] = {name: data.get(key + name) for name in ActivityProgress.VALUE_FIELDS}
        values["status"] = values["status"] or ""
        values["narrative_sq"] = values["narrative_sq"] or ""
        values["narrative_en"] = values["narrative_en"] or ""
        note = (data.get(key + "plausibility_note") or "") if data.get(key + "confirm") else ""
        return ActivityLineInput(activity_id=item.line.activity_id, plausibility_note=note, **values)

    @staticmethod
    def _indicator_input(item: selectors.IndicatorLine, data: Mapping[str, Any]) -> IndicatorLineInput:
        prefix = f"i{item.indicator.pk}_"
        return IndicatorLineInput(
            indicator_id=item.indicator.pk,
            total=data.get(prefix + "total"),
            cells={cell.category.pk: data.get(f"{prefix}c{cell.category.pk}") for cell in item.cells},
            note=data.get(prefix + "note") or "",
            source=data.get(prefix + "source") or "",
            plausibility_note=(data.get(prefix + "plausibility_note") or "") if data.get(prefix + "confirm") else "",
        )

    # --- The services' errors and warnings, next to their fields ---

    def add_line_errors(self, errors: Iterable[LineError]) -> None:
        """Each error at its field, and one about no field on top. A field whose input could not be read already
        says so: the service's view of the empty value it got instead is left out."""
        unreadable = set(self.errors) if self.is_bound else set()
        for error in errors:
            name = field_name(error)
            if name in unreadable:
                continue
            if name in self.fields:
                self.add_error(name, error.message)
            else:
                code = f"{error.code}: " if error.code else ""
                self.add_error(None, code + error.message)

    def show_conflicts(self, conflicts: Iterable[Conflict]) -> None:
        """Each value that someone else changed too, at its field: their value beside the user's, kept in it."""
        if not hasattr(self, "cleaned_data"):
            self.cleaned_data = {}  # an unbound form, shown with the user's values: errors may still be added
        for conflict in conflicts:
            name = field_name(LineError(conflict.kind, conflict.object_id, conflict.field, ""))
            if name not in self.fields:
                continue
            theirs = self._their_value(name, conflict.theirs)
            self[name].their_value = theirs  # type: ignore[attr-defined]
            message = _(
                "Someone else changed this value meanwhile, to: %(theirs)s. Yours is kept in the field and is not "
                "saved yet: keep it, or use theirs, then save again."
            )
            self.add_error(name, message % {"theirs": theirs.shown})

    def _their_value(self, name: str, value: Any) -> TheirValue:
        field = self.fields[name]
        if value is None or value == "":
            return TheirValue(shown=_("(empty)"), raw="")
        if isinstance(field, forms.ChoiceField):
            raw = str(int(value)) if isinstance(value, Decimal) and value in (0, 1) else str(value)
            choices: Iterable[tuple[Any, Any]] = field.choices  # type: ignore[assignment]
            shown = {str(key): label for key, label in choices}.get(raw, raw)
            return TheirValue(shown=str(shown), raw=raw)
        if isinstance(value, Decimal):
            return TheirValue(shown=format_decimal(value), raw=format_decimal(value))
        return TheirValue(shown=str(value), raw=str(value))

    def error_summary(self) -> list[tuple[str, str, list[str]]]:
        """(field id, field with its line, messages) for every field with an error, in the order of the page."""
        return [
            (self[name].id_for_label, self.labels.get(name, name), [str(message) for message in self.errors[name]])
            for name in self.fields
            if name in self.errors and name not in ("version", "original")
        ]

    # --- What the template walks ---

    def bound(self, names: Sequence[str], prefix: str) -> dict[str, BoundField]:
        return {name: self[prefix + name] for name in names}


def _activity_from_text(activity_id: int, shown: Mapping[str, str], prefix: str) -> ActivityLineInput:
    def number(name: str) -> Decimal | None:
        return _decimal_or_none(shown[prefix + name])

    percent = shown[prefix + "percent_complete"]
    return ActivityLineInput(
        activity_id=activity_id,
        status=shown[prefix + "status"],
        percent_complete=int(percent) if percent.isdigit() else None,
        spent_state_budget=number("spent_state_budget"),
        spent_donor=number("spent_donor"),
        spent_other=number("spent_other"),
        narrative_sq=shown[prefix + "narrative_sq"],
        narrative_en=shown[prefix + "narrative_en"],
        plausibility_note=shown[prefix + "plausibility_note"],
    )


def _indicator_from_text(item: selectors.IndicatorLine, shown: Mapping[str, str], prefix: str) -> IndicatorLineInput:
    return IndicatorLineInput(
        indicator_id=item.indicator.pk,
        total=_decimal_or_none(shown[prefix + "total"]),
        cells={c.category.pk: _decimal_or_none(shown[f"{prefix}c{c.category.pk}"]) for c in item.cells},
        note=shown[prefix + "note"],
        source=shown[prefix + "source"],
        plausibility_note=shown[prefix + "plausibility_note"],
    )


def _decimal_or_none(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def field_name(error: LineError) -> str:
    """The form field a service error is about: `a12_status`, `i7_total`, `i7_c3`, `i7_note`, `a12_confirm` (an
    unusual value to confirm) ..."""
    name = "confirm" if error.field == PLAUSIBILITY else error.field
    if error.kind == "activity" and name:
        return f"a{error.object_id}_{name}"
    if error.kind == "indicator" and name:
        if name.startswith("cell:"):
            return f"i{error.object_id}_c{name.removeprefix('cell:')}"
        return f"i{error.object_id}_{name}"
    return ""


def _widget_class(field: forms.Field) -> str:
    if isinstance(field.widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(field.widget, forms.Select):
        return "form-select"
    if isinstance(field, AmountField) or isinstance(field.widget, forms.NumberInput):
        return "form-control text-end"
    return "form-control"


ACTIVITY_FIELD_NAMES = (
    "status",
    "percent_complete",
    *ActivityProgress.SPENDING_FIELDS,
    "narrative_sq",
    "narrative_en",
    "confirm",
    "plausibility_note",
)


def report_rows(
    detail: selectors.ReportDetail,
    form: ReportForm | None = None,
    warnings: Mapping[tuple[str, int], Sequence[LineError]] | None = None,
    context: selectors.ReviewContext | None = None,
) -> tuple[list[ActivityRow], list[IndicatorRow]]:
    """The lines of a report as the page shows them, with their inputs when the form is given, the unusual
    values of each line (`warnings`, by `("activity", id)` or `("indicator", id)`) and, with `context`, the previous
    period's figures and what changed since a return."""
    warnings = warnings or {}
    context = context or selectors.ReviewContext({}, {}, None, {})
    year = detail.report.cycle.year
    activities = [
        ActivityRow(
            item=item,
            planned=selectors.spending_planned(item.line, year),
            fields=form.bound(ACTIVITY_FIELD_NAMES, f"a{item.line.activity_id}_") if form else {},
            warnings=tuple(w.message for w in warnings.get(("activity", item.line.activity_id), ())),
            previous=context.activities.get(item.line.activity_id),
            changes=context.changes.get(("activity", item.line.activity_id), ()),
        )
        for item in detail.activities
    ]
    indicators = []
    for item in detail.indicators:
        prefix = f"i{item.indicator.pk}_"
        groups: dict[int, list[tuple[selectors.IndicatorCell, BoundField | None]]] = {}
        dimensions = {}
        for cell in item.cells:
            dimension = cell.category.dimension
            dimensions[dimension.pk] = dimension
            groups.setdefault(dimension.pk, []).append((cell, form[f"{prefix}c{cell.category.pk}"] if form else None))
        names = ("total", "note", "source", "confirm", "plausibility_note")
        indicators.append(
            IndicatorRow(
                item=item,
                target=item.target,
                groups=tuple(CellGroup(dimensions[pk], tuple(cells)) for pk, cells in groups.items()),
                fields=form.bound(names, prefix) if form else {},
                warnings=tuple(w.message for w in warnings.get(("indicator", item.indicator.pk), ())),
                previous=context.indicators.get(item.indicator.pk),
                changes=context.changes.get(("indicator", item.indicator.pk), ()),
                part_of_year=bool(detail.report.cycle.half)
                and item.indicator.aggregation == Indicator.Aggregation.FLOW,
            )
        )
    return activities, indicators


# --- The filters of the report list and of a cycle's board (GET, no JavaScript) ---

STATUS_CHOICES = [("", gettext_lazy("Any status")), *ProgressReport.BoardStatus.choices]


class ReportFilterForm(FilterForm, forms.Form):
    """The report list's filters; the choices are those of the reports the user may see. A value not understood
    is left out and said so, never an error page."""

    strategy = forms.ChoiceField(label=gettext_lazy("Strategy"), required=False)
    cycle = forms.TypedChoiceField(label=gettext_lazy("Cycle"), coerce=int, empty_value=None, required=False)
    institution = forms.TypedChoiceField(
        label=gettext_lazy("Institution"), coerce=int, empty_value=None, required=False
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=STATUS_CHOICES, required=False)

    def __init__(self, data: Any, *, cycles: Sequence[ReportingCycle], institutions: Sequence[Institution]) -> None:
        super().__init__(data)
        strategies = {cycle.strategy.code: cycle.strategy for cycle in cycles}
        choice = cast(dict[str, forms.ChoiceField], self.fields)
        choice["strategy"].choices = [
            ("", _("All strategies")),
            *((code, f"{code}: {strategies[code].title}") for code in sorted(strategies)),
        ]
        choice["cycle"].choices = [
            ("", _("All cycles")),
            *((cycle.pk, f"{cycle.label} {cycle.strategy.code}") for cycle in cycles),
        ]
        choice["institution"].choices = [
            ("", _("All institutions")),
            *((institution.pk, f"{institution.code}: {institution.name}") for institution in institutions),
        ]

    def wanted(self) -> selectors.ReportFilter:
        """The filters understood; those not understood are left out (the form keeps their errors)."""
        if not self.is_bound:
            return selectors.ReportFilter()
        self.is_valid()
        data = self.cleaned_data
        return selectors.ReportFilter(
            strategy_code=data.get("strategy") or "",
            cycle_pk=data.get("cycle"),
            institution_pk=data.get("institution"),
            status=data.get("status") or "",
        )


class BoardFilterForm(FilterForm, forms.Form):
    """A cycle board's filters: a status and text in the institution's code or name."""

    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=STATUS_CHOICES, required=False)
    q = forms.CharField(label=gettext_lazy("Institution contains"), max_length=200, required=False)

    def __init__(self, data: Any) -> None:
        super().__init__(data)
        self.fields["q"].widget.attrs.update({"type": "search", "maxlength": 200})

    def wanted(self) -> tuple[str, str]:
        """The status and the text understood (either "" when not asked or not understood)."""
        if not self.is_bound:
            return "", ""
        self.is_valid()
        return self.cleaned_data.get("status") or "", (self.cleaned_data.get("q") or "").strip()
