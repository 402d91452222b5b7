"""Charts of context series: a Vega-Lite spec (shared by pages and documents), rendered to SVG on the server.

`series_chart(series)` builds the spec as a plain dict, so that a document renderer can reuse it; `render_svg`
turns a spec into an inline SVG with vl-convert (no browser, no request leaves the server) and gives it a
`<title>` and `<desc>` for assistive technology. Pages show the same numbers in a table below the chart.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from nsm.context.selectors import ContextSeries
from nsm.strategy.selectors import format_decimal

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"


def chart_description(series: ContextSeries) -> str:
    """The chart in words: every value with its year, for the `<desc>` of the SVG."""
    values = "; ".join(
        f"{point.year_label}: {format_decimal(point.value)} {point.unit}".strip() for point in series.numeric_points
    )
    return _("%(name)s, %(unit)s, by year: %(values)s.") % {"name": series.name, "unit": series.unit, "values": values}


def series_chart(series: ContextSeries, *, width: int = 560, height: int = 240) -> dict[str, Any]:
    """A line chart of a series' numeric values by year, as a Vega-Lite spec (qualitative values are left out)."""
    values = [
        {"year": point.year, "label": point.year_label, "value": float(point.value)}  # type: ignore[arg-type]
        for point in series.numeric_points
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


def render_svg(spec: dict[str, Any]) -> SafeString:
    """The spec as an inline SVG element with `role="img"`, a `<title>` and a `<desc>`.

    Vega escapes the text it draws; the title and description added here are escaped too.
    """
    import vl_convert  # imported here: loading the renderer takes a moment, and only pages with charts need it

    svg = vl_convert.vegalite_to_svg(spec)
    title, desc = escape(spec.get("title", "")), escape(spec.get("description", ""))
    accessible = f'<title id="{{id}}-title">{title}</title><desc id="{{id}}-desc">{desc}</desc>'
    chart_id = "chart-" + re.sub(r"[^a-z0-9]+", "-", str(title).lower())[:40].strip("-")
    svg = re.sub(
        r"^<svg ",
        f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" class="nsm-chart img-fluid" ',
        svg,
        count=1,
    )
    svg = re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + accessible.replace("{id}", chart_id), svg, count=1)
    return mark_safe(svg)  # noqa: S308 - vl-convert's output, with text escaped by vega and above
