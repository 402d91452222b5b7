"""Charts of context series: a Vega-Lite spec (shared by pages and documents), rendered to SVG on the server.

`series_chart(series)` builds the spec as a plain dict, so that a document renderer can reuse it; `render_svg`
turns a spec into an inline SVG with vl-convert (no browser, no request leaves the server) and gives it a
`<title>` and `<desc>` for assistive technology. Pages show the same numbers in a table below the chart.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from nsm.charts import VEGA_LITE_SCHEMA, render_svg
from nsm.context.selectors import ContextPoint, ContextSeries
from nsm.core.numbers import format_decimal

__all__ = ["chart_description", "render_svg", "series_chart"]


def _numbers(series: ContextSeries) -> list[tuple[ContextPoint, Decimal]]:
    """The series' numeric points (`numeric_points`), each with its number."""
    return [(point, point.value) for point in series.points if point.value is not None]


def chart_description(series: ContextSeries) -> str:
    """The chart in words: every value with its year, for the `<desc>` of the SVG."""
    values = "; ".join(
        f"{point.year_label}: {format_decimal(value)} {point.unit}".strip() for point, value in _numbers(series)
    )
    return _("%(name)s, %(unit)s, by year: %(values)s.") % {"name": series.name, "unit": series.unit, "values": values}


def series_chart(series: ContextSeries, *, width: int = 560, height: int = 240) -> dict[str, Any]:
    """A line chart of a series' numeric values by year, as a Vega-Lite spec (qualitative values are left out)."""
    values = [
        {"year": point.year, "label": point.year_label, "value": float(value)} for point, value in _numbers(series)
    ]
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": series.name,
        "description": chart_description(series),
        "width": width,
        "height": height,
        "data": {"values": values},
        "mark": {"type": "line", "point": {"size": 60, "filled": True}, "strokeWidth": 2},
        "encoding": {
            "x": {
                "field": "year",
                "type": "quantitative",
                "title": _("Year"),
                "scale": {"zero": False, "nice": False, "padding": 12},
                "axis": {"format": "d", "tickMinStep": 1},
            },
            "y": {"field": "value", "type": "quantitative", "title": series.unit, "axis": {"format": "~s"}},
        },
        "config": {"font": "sans-serif", "view": {"stroke": None}},
    }
