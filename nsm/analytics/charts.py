"""Charts of the roll-ups: Vega-Lite specs as plain dicts, shared by the pages and the Word/PDF documents.

Each builder takes the roll-up's rows and a title, and returns a spec whose `description` says every number in
words (`render_svg` puts it in the SVG's `<desc>`). Colours come from the Okabe-Ito palette, which stays distinct
for colour-blind readers, and every colour is named in a legend or on an axis, so colour never carries a meaning
alone. Pages show the same numbers in a table next to the chart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from nsm.analytics.budget import BudgetRow
from nsm.analytics.implementation import STATUSES, Implementation, ImplementationRow
from nsm.analytics.indicators import BAND_LABELS, BANDS
from nsm.charts import VEGA_LITE_SCHEMA, render_svg
from nsm.core.numbers import format_decimal, format_percent

__all__ = [
    "STATUS_LABELS",
    "ChartTable",
    "TableCell",
    "TableRow",
    "bands_chart",
    "budget_chart",
    "implementation_chart",
    "rates_by_year_chart",
    "render_svg",
    "short_label",
]

STATUS_LABELS = {
    "completed": gettext_lazy("Completed"),
    "on_track": gettext_lazy("On track"),
    "delayed": gettext_lazy("Delayed"),
    "not_started": gettext_lazy("Not started"),
    "cancelled": gettext_lazy("Cancelled"),
    "withdrawn": gettext_lazy("Withdrawn from the plan"),
    "not_reported": gettext_lazy("Not reported"),
}
# Okabe-Ito: bluish green, sky blue, orange, yellow, reddish purple; grey for what is unknown.
STATUS_COLOURS = {
    "completed": "#009E73",
    "on_track": "#56B4E9",
    "delayed": "#E69F00",
    "not_started": "#F0E442",
    "cancelled": "#CC79A7",
    "withdrawn": "#8C6D31",
    "not_reported": "#BBBBBB",
}
BAND_COLOURS = {
    "on_track": "#009E73",
    "at_risk": "#E69F00",
    "off_track": "#D55E00",
    "no_data": "#BBBBBB",
    "no_target": "#888888",
}
BUDGET_COLOURS = {"planned": "#0072B2", "spent": "#009E73", "unfunded": "#D55E00"}
LABEL_LENGTH = 40
CONFIG = {"font": "sans-serif", "view": {"stroke": None}, "axis": {"labelFontSize": 12, "titleFontSize": 12}}


@dataclass(frozen=True)
class TableCell:
    """A figure of a table: its text, and where the reader finds what lies behind it ("" for no link)."""

    text: str
    url: str = ""
    numeric: bool = True


@dataclass(frozen=True)
class TableRow:
    header: TableCell
    cells: tuple[TableCell, ...] = ()


@dataclass(frozen=True)
class ChartTable:
    """The numbers of a chart as a table (the `_chart.html` partial shows it; a document can print it)."""

    caption: str
    columns: tuple[str, ...]  # the first one heads the row headers
    rows: tuple[TableRow, ...] = field(default_factory=tuple)


def short_label(label: str, limit: int = LABEL_LENGTH) -> str:
    """A group's label cut to `limit` characters (its code comes first, so it survives): "2 Migration an…"."""
    label = " ".join(str(label).split())
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _number(value: Decimal | int) -> str:
    return format_decimal(value)


def _spec(title: str, description: str, data: list[dict[str, Any]], **rest: Any) -> dict[str, Any]:
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": str(title),
        "description": description,
        "data": {"values": data},
        **rest,
        "config": CONFIG,
    }


def _legend(title: str | None) -> dict[str, Any]:
    return {"title": title, "orient": "bottom", "direction": "horizontal", "columns": 3, "labelFontSize": 12}


def implementation_chart(rows: Iterable[ImplementationRow], title: str, *, width: int = 300) -> dict[str, Any]:
    """Horizontal stacked bars: per group, its activities in the period (due and ongoing) by status."""
    rows = list(rows)
    order = {status: index for index, status in enumerate(STATUSES)}
    labels = [str(STATUS_LABELS[status]) for status in STATUSES]
    data, words = [], []
    for row in rows:
        name = short_label(row.label or _("All activities"))
        counts = row.by_status.items()
        data += [
            {"group": name, "status": str(STATUS_LABELS[status]), "order": order[status], "count": count}
            for status, count in counts
            if count
        ]
        parts = ", ".join(f"{STATUS_LABELS[status]} {count}" for status, count in counts)
        words.append(
            ngettext(
                "%(group)s: %(total)s activity (%(parts)s)",
                "%(group)s: %(total)s activities (%(parts)s)",
                row.activities,
            )
            % {"group": name, "total": row.activities, "parts": parts}
        )
    description = _("Activities in the period by status. %(groups)s.") % {"groups": "; ".join(words) or _("none")}
    return _spec(
        title,
        description,
        data,
        width=width,
        height={"step": 24},
        mark={"type": "bar", "tooltip": True, "stroke": "#333333", "strokeWidth": 0.5},
        encoding={
            "y": {
                "field": "group",
                "type": "nominal",
                "title": None,
                "sort": [short_label(row.label or _("All activities")) for row in rows],
                "axis": {"labelLimit": 200},
            },
            "x": {"field": "count", "type": "quantitative", "stack": "zero", "title": _("Activities")},
            "color": {
                "field": "status",
                "type": "nominal",
                "scale": {"domain": labels, "range": [STATUS_COLOURS[status] for status in STATUSES]},
                "legend": _legend(_("Status")),
            },
            "order": {"field": "order", "type": "quantitative"},
        },
    )


def budget_chart(rows: Iterable[BudgetRow], title: str, *, currency: str = "", width: int = 300) -> dict[str, Any]:
    """Grouped horizontal bars: per group, the planned cost, the spending reported and the unfunded part."""
    rows = list(rows)
    measures = {"planned": _("Planned"), "spent": _("Spent"), "unfunded": _("Unfunded")}
    data, words = [], []
    for row in rows:
        name = short_label(row.label or _("All activities"))
        values = {"planned": row.planned, "spent": row.spent, "unfunded": row.unfunded}
        data += [
            {"group": name, "measure": str(measures[key]), "order": index, "amount": float(value)}
            for index, (key, value) in enumerate(values.items())
        ]
        words.append(
            _("%(group)s: planned %(planned)s, spent %(spent)s, unfunded %(unfunded)s")
            % {
                "group": name,
                "planned": _number(row.planned),
                "spent": _number(row.spent),
                "unfunded": _number(row.unfunded),
            }
        )
    description = _("Budget in %(currency)s. %(groups)s.") % {
        "currency": currency or "-",
        "groups": "; ".join(words) or _("none"),
    }
    return _spec(
        title,
        description,
        data,
        width=width,
        height={"step": 12},
        mark={"type": "bar", "tooltip": True},
        encoding={
            "y": {
                "field": "group",
                "type": "nominal",
                "title": None,
                "sort": [short_label(row.label or _("All activities")) for row in rows],
                "axis": {"labelLimit": 200},
            },
            "yOffset": {"field": "measure", "sort": [str(label) for label in measures.values()]},
            "x": {
                "field": "amount",
                "type": "quantitative",
                "title": f"{_('Amount')} ({currency})" if currency else _("Amount"),
                "axis": {"format": "~s"},
            },
            "color": {
                "field": "measure",
                "type": "nominal",
                "scale": {
                    "domain": [str(label) for label in measures.values()],
                    "range": list(BUDGET_COLOURS.values()),
                },
                "legend": _legend(None),
            },
        },
    )


def bands_chart(counts: Mapping[str, int], title: str, *, width: int = 300) -> dict[str, Any]:
    """Horizontal bars: how many indicators are on track, at risk, off track, without data, without a target."""
    data = [
        {"band": str(BAND_LABELS[name]), "count": counts.get(name, 0), "colour": BAND_COLOURS[name]} for name in BANDS
    ]
    words = ", ".join(f"{item['band']} {item['count']}" for item in data)
    description = _("Indicators by band: %(bands)s.") % {"bands": words}
    return _spec(
        title,
        description,
        data,
        width=width,
        height={"step": 26},
        encoding={
            "y": {"field": "band", "type": "nominal", "title": None, "sort": [item["band"] for item in data]},
            "x": {"field": "count", "type": "quantitative", "title": _("Indicators"), "axis": {"tickMinStep": 1}},
        },
        layer=[
            {
                "mark": {"type": "bar", "tooltip": True, "stroke": "#333333", "strokeWidth": 0.5},
                "encoding": {"color": {"field": "colour", "scale": None}},
            },
            {"mark": {"type": "text", "align": "left", "dx": 4}, "encoding": {"text": {"field": "count"}}},
        ],
    )


def rates_by_year_chart(implementations: Iterable[Implementation], title: str, *, width: int = 300) -> dict[str, Any]:
    """Bars per year: the implementation rate (completed of the activities due), with the rate written on each."""
    data, words = [], []
    for item in implementations:
        rate = item.total.rate
        year = item.period.label
        data.append({"year": year, "rate": float(rate) if rate is not None else None})
        words.append(f"{year}: {format_percent(rate) if rate is not None else _('no activity due')}")
    description = _("Implementation rate by year: %(years)s.") % {"years": "; ".join(words) or _("none")}
    return _spec(
        title,
        description,
        data,
        width=width,
        height=220,
        encoding={
            "x": {"field": "year", "type": "ordinal", "title": _("Year"), "axis": {"labelAngle": 0}},
            "y": {
                "field": "rate",
                "type": "quantitative",
                "title": _("Implementation rate (%)"),
                "scale": {"domain": [0, 100]},
            },
        },
        layer=[
            {"mark": {"type": "bar", "color": "#0072B2", "tooltip": True}},
            {"mark": {"type": "text", "dy": -6}, "encoding": {"text": {"field": "rate", "format": ".1f"}}},
        ],
    )
