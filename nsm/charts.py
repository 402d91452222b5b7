"""Charts: Vega-Lite specs (plain dicts, shared by pages and documents) rendered to SVG on the server.

`render_svg` turns a spec into an inline SVG with vl-convert (no browser, no request leaves the server) and gives it
a `<title>` and `<desc>` for assistive technology. Pages show the same numbers in a table next to the chart.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"


def render_svg(spec: dict[str, Any]) -> SafeString:
    """`draw_svg`, cached by the spec: the same numbers with the same labels draw the same picture, and drawing
    takes a few hundred milliseconds. The cache is Django's default cache (per process unless configured)."""
    key = "nsm-svg-" + hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = str(draw_svg(spec))
        cache.set(key, svg, 24 * 3600)
    return mark_safe(svg)  # noqa: S308 - draw_svg's output, escaped there


def draw_svg(spec: dict[str, Any]) -> SafeString:
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
