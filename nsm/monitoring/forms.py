"""Forms of the monitoring pages: a new reporting cycle, and a whole progress report (every line, one version).

The forms only parse what people type (numbers in the active locale, choices) into the services' inputs; the rules
of a line (0-100 %, completed means 100, breakdowns add up ...) are the services', and their errors come back to the
field they concern through `ReportForm.add_line_errors`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nsm.core.limits import LONG_TEXT_CHARS, refuse_control_characters, refuse_longer_than
from nsm.monitoring import selectors
from nsm.monitoring.models import ActivityProgress, ReportingCycle
from nsm.monitoring.services import ActivityLineInput, IndicatorLineInput, LineError
from nsm.reference.models import DisaggregationDimension
from nsm.strategy.forms import AmountField, BootstrapForm, EditsVersion
from nsm.strategy.models import Indicator, Strategy
from nsm.strategy.selectors import format_decimal

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
        empty_value=0,
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
        self.fields["year"].choices = [(year, year) for year in strategy.years]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == ReportingCycle.Kind.HALF_YEAR and not data.get("half"):
            self.add_error("half", _("Choose the first or second half."))
        return data


# --- A report ---

BLANK = ("", "—")


def _initial_number(value: Decimal | None) -> str:
    return "" if value is None else format_decimal(value)


def _initial_yes_no(value: Decimal | None) -> str:
    return "" if value is None else str(int(value)) if value in (0, 1) else format_decimal(value)


def _number_field(label: str, indicator: Indicator) -> forms.Field:
    """An indicator's value: a yes/no choice, or a number as people type it in their language."""
    if indicator.value_type == Indicator.ValueType.YES_NO:
        return forms.TypedChoiceField(
            label=label,
            choices=[BLANK, ("1", _("Yes")), ("0", _("No"))],
            coerce=Decimal,
            empty_value=None,
            required=False,
        )
    # No digit limits here: the service's rules say how many decimals and how large, in its own words.
    return AmountField(
        label=label, required=False, max_digits=None, decimal_places=None, min_value=None, widget=forms.TextInput
    )


def _text_field(label: str, *, rows: int = 0) -> forms.CharField:
    """A narrative, a note or a source: at most LONG_TEXT_CHARS characters and no control character, as the API and
    the report workbook take them (the browser stops typing at the bound; a longer post is refused in words)."""
    attrs = {"maxlength": LONG_TEXT_CHARS, **({"rows": rows} if rows else {})}
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs=attrs) if rows else forms.TextInput(attrs=attrs),
        validators=[refuse_control_characters, partial(refuse_longer_than, LONG_TEXT_CHARS)],
    )


def _activity_fields(line: ActivityProgress) -> dict[str, forms.Field]:
    spending = {
        name: AmountField(
            label=capfirst(ActivityProgress._meta.get_field(name).verbose_name),
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
        "narrative": _text_field(_("Narrative"), rows=3),
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

    @property
    def anchor(self) -> str:
        return f"indicator-{self.item.indicator.pk}"

    @property
    def comment_target(self) -> str:
        return f"comment-{self.anchor}"


class ReportForm(EditsVersion, BootstrapForm, forms.Form):
    """Every line of a report, posted at once with the version of the report it was rendered from.

    Fields are named by line: `a<activity id>_<field>` for an activity, `i<indicator id>_total`,
    `i<indicator id>_c<category id>`, `i<indicator id>_note` and `i<indicator id>_source` for an indicator.
    """

    def __init__(self, data: Any = None, *, detail: selectors.ReportDetail, **kwargs: Any) -> None:
        self.detail = detail
        self.labels: dict[str, str] = {}  # field name -> the field's name with its line, for the error summary
        initial: dict[str, Any] = {}
        fields: dict[str, forms.Field] = {}
        for item in detail.activities:
            line = item.line
            for name, field in _activity_fields(line).items():
                key = f"a{line.activity_id}_{name}"
                fields[key] = field
                value = getattr(line, name)
                initial[key] = _initial_number(value) if name in ActivityProgress.SPENDING_FIELDS else value
                self.labels[key] = _("Activity %(code)s: %(field)s") % {
                    "code": item.activity.code,
                    "field": field.label,
                }
        for item in detail.indicators:
            indicator = item.indicator
            show = _initial_yes_no if indicator.value_type == Indicator.ValueType.YES_NO else _initial_number
            prefix = f"i{indicator.pk}"
            fields[f"{prefix}_total"] = _number_field(_("Total"), indicator)
            initial[f"{prefix}_total"] = show(item.total.value)
            for cell in item.cells:
                key = f"{prefix}_c{cell.category.pk}"
                fields[key] = _number_field(str(cell.category.name), indicator)
                initial[key] = show(cell.value.value)
            if indicator.computed_from:  # shown read-only; the stored values are what the form gives back
                for key in [f"{prefix}_total", *(f"{prefix}_c{c.category.pk}" for c in item.cells)]:
                    fields[key].disabled = True
            fields[f"{prefix}_note"] = _text_field(_("Note"), rows=2)
            fields[f"{prefix}_source"] = _text_field(_("Source"))
            initial[f"{prefix}_note"] = item.total.note
            initial[f"{prefix}_source"] = item.total.source
            keys = [f"{prefix}_total", *(f"{prefix}_c{c.category.pk}" for c in item.cells), f"{prefix}_note"]
            for key in [*keys, f"{prefix}_source"]:
                label = fields[key].label
                self.labels[key] = _("Indicator %(code)s: %(field)s") % {"code": indicator.code, "field": label}
        super().__init__(data, initial=initial, **kwargs)
        self.fields.update(fields)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", _widget_class(field))
        self.add_version(detail.report.version)

    # --- What the services get ---

    def activity_inputs(self) -> list[ActivityLineInput]:
        data = self.cleaned_data
        inputs = []
        for item in self.detail.activities:
            key = f"a{item.line.activity_id}_"
            values = {name: data.get(key + name) for name in ActivityProgress.VALUE_FIELDS}
            values["status"] = values["status"] or ""
            values["narrative"] = values["narrative"] or ""
            inputs.append(ActivityLineInput(activity_id=item.line.activity_id, **values))
        return inputs

    def indicator_inputs(self) -> list[IndicatorLineInput]:
        data = self.cleaned_data
        inputs = []
        for item in self.detail.indicators:
            prefix = f"i{item.indicator.pk}_"
            inputs.append(
                IndicatorLineInput(
                    indicator_id=item.indicator.pk,
                    total=data.get(prefix + "total"),
                    cells={cell.category.pk: data.get(f"{prefix}c{cell.category.pk}") for cell in item.cells},
                    note=data.get(prefix + "note") or "",
                    source=data.get(prefix + "source") or "",
                )
            )
        return inputs

    # --- The services' errors, next to their fields ---

    def add_line_errors(self, errors: Iterable[LineError]) -> None:
        for error in errors:
            name = field_name(error)
            if name in self.fields:
                self.add_error(name, error.message)
            else:
                code = f"{error.code}: " if error.code else ""
                self.add_error(None, code + error.message)

    def error_summary(self) -> list[tuple[str, str, list[str]]]:
        """(field id, field with its line, messages) for every field with an error, in the order of the page."""
        return [
            (self[name].id_for_label, self.labels.get(name, name), list(self.errors[name]))
            for name in self.fields
            if name in self.errors and name != "version"
        ]

    # --- What the template walks ---

    def bound(self, names: Sequence[str], prefix: str) -> dict[str, BoundField]:
        return {name: self[prefix + name] for name in names}


def field_name(error: LineError) -> str:
    """The form field a service error is about: `a12_status`, `i7_total`, `i7_c3`, `i7_note` ..."""
    if error.kind == "activity" and error.field:
        return f"a{error.object_id}_{error.field}"
    if error.kind == "indicator" and error.field:
        if error.field.startswith("cell:"):
            return f"i{error.object_id}_c{error.field.removeprefix('cell:')}"
        return f"i{error.object_id}_{error.field}"
    return ""


def _widget_class(field: forms.Field) -> str:
    if isinstance(field.widget, forms.Select):
        return "form-select"
    if isinstance(field, AmountField) or isinstance(field.widget, forms.NumberInput):
        return "form-control text-end"
    return "form-control"


ACTIVITY_FIELD_NAMES = ("status", "percent_complete", *ActivityProgress.SPENDING_FIELDS, "narrative")


def report_rows(
    detail: selectors.ReportDetail, form: ReportForm | None = None
) -> tuple[list[ActivityRow], list[IndicatorRow]]:
    """The lines of a report as the page shows them, with their inputs when the form is given."""
    year = detail.report.cycle.year
    activities = [
        ActivityRow(
            item=item,
            planned=selectors.spending_planned(item.line, year),
            fields=form.bound(ACTIVITY_FIELD_NAMES, f"a{item.line.activity_id}_") if form else {},
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
        indicators.append(
            IndicatorRow(
                item=item,
                target=item.target,
                groups=tuple(CellGroup(dimensions[pk], tuple(cells)) for pk, cells in groups.items()),
                fields=form.bound(("total", "note", "source"), prefix) if form else {},
            )
        )
    return activities, indicators
