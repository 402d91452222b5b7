"""Charts: Vega-Lite specs (plain dicts, shared by pages and documents) rendered to SVG on the server.

`render_svg` turns a spec into an inline SVG with vl-convert (no browser, no request leaves the server) and gives it
a `<title>` and `<desc>` for assistive technology. Pages show the same numbers in a table next to the chart.
The SVG carries no `style` attribute and no `<style>` element, which the Content-Security-Policy (`style-src 'self'`)
would block: `csp_safe_svg` turns declarations into SVG presentation attributes.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from typing import Any

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"

# CSS properties that SVG also accepts as presentation attributes with the same syntax (not `transform`, whose
# CSS form takes units).
PRESENTATION_ATTRIBUTES = frozenset(
    {
        "alignment-baseline", "baseline-shift", "clip-path", "clip-rule", "color", "cursor", "display",
        "dominant-baseline", "fill", "fill-opacity", "fill-rule", "filter", "font-family", "font-size",
        "font-size-adjust", "font-stretch", "font-style", "font-variant", "font-weight", "letter-spacing",
        "marker-end", "marker-mid", "marker-start", "mask", "opacity", "overflow", "paint-order", "pointer-events",
        "shape-rendering", "stop-color", "stop-opacity", "stroke", "stroke-dasharray", "stroke-dashoffset",
        "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-opacity", "stroke-width", "text-anchor",
        "text-decoration", "text-rendering", "vector-effect", "visibility", "word-spacing",
        "writing-mode",
    }
)  # fmt: skip
_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>.*?</style\s*>|<style\b[^>]*/>", re.IGNORECASE | re.DOTALL)
_TAG_WITH_STYLE = re.compile(r"<[a-zA-Z][^\s/>]*(?:\s+[^\s=/>]+(?:=\"[^\"]*\"|='[^']*')?)*\s*/?>")
_STYLE_ATTRIBUTE = re.compile(r"\s+style=(\"[^\"]*\"|'[^']*')", re.IGNORECASE)
_DECLARATION_SEPARATOR = re.compile(r";(?![^(]*\))")


def render_svg(spec: dict[str, Any]) -> SafeString:
    """`draw_svg`, cached by the spec: the same numbers with the same labels draw the same picture, and drawing
    takes a few hundred milliseconds. The cache is Django's default cache (per process unless configured)."""
    key = "nsm-svg-" + hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = str(draw_svg(spec))
        cache.set(key, svg, 24 * 3600)
    return mark_safe(svg)  # noqa: S308 - draw_svg's output, escaped there  # nosec B308, B703


def draw_svg(spec: dict[str, Any]) -> SafeString:
    """The spec as an inline SVG element with `role="img"`, a `<title>` and a `<desc>`.

    Vega escapes the text it draws; the title and description added here are escaped too.
    """
    import vl_convert  # imported here: loading the renderer takes a moment, and only pages with charts need it

    svg = csp_safe_svg(vl_convert.vegalite_to_svg(spec))
    # One accessible image, named by its title and description (and its data table beside it): the marks' own ARIA
    # roles inside it would be read, unnamed, as images of their own.
    svg = _INNER_ARIA.sub("", svg)
    title, desc = escape(spec.get("title", "")), escape(spec.get("description", ""))
    accessible = f'<title id="{{id}}-title">{title}</title><desc id="{{id}}-desc">{desc}</desc>'
    chart_id = "chart-" + re.sub(r"[^a-z0-9]+", "-", str(title).lower())[:40].strip("-")
    svg = re.sub(r'^(<svg[^>]*?) class="([^"]*)"', r'\1 class="\2 nsm-chart img-fluid"', svg, count=1)
    if "nsm-chart" not in svg.partition(">")[0]:
        svg = svg.replace("<svg ", '<svg class="nsm-chart img-fluid" ', 1)
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" ', 1)
    svg = re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + accessible.replace("{id}", chart_id), svg, count=1)
    return mark_safe(svg)  # noqa: S308 - vl-convert's output, with text escaped by vega and above  # nosec B308, B703


def warm_up() -> None:
    """Start the renderer (vl-convert's JavaScript engine) with one tiny chart, so that the first real chart does not
    pay for it (about a second). The worker does this when it starts (nsm.analytics.apps)."""
    import vl_convert

    vl_convert.vegalite_to_svg({"$schema": VEGA_LITE_SCHEMA, "mark": "point", "data": {"values": [{}]}})


_INNER_ARIA = re.compile(r'\s(?:role|aria-roledescription|aria-label|aria-hidden)="[^"]*"')


def csp_safe_svg(svg: str) -> str:
    """The SVG without `<style>` elements, and with each `style="a: b; c: d"` attribute turned into presentation
    attributes (`a="b" c="d"`, replacing an attribute of the same name, as the style would win over it); other
    declarations are dropped. The Content-Security-Policy would block both, and say so in the console."""
    svg = _STYLE_ELEMENT.sub("", svg)
    return _TAG_WITH_STYLE.sub(_presentation_attributes, svg)


def _presentation_attributes(match: re.Match[str]) -> str:
    tag = match.group(0)
    found = _STYLE_ATTRIBUTE.search(tag)
    if found is None:
        return tag
    tag = tag[: found.start()] + tag[found.end() :]
    for declaration in _DECLARATION_SEPARATOR.split(html.unescape(found.group(1)[1:-1])):
        name, _colon, value = declaration.partition(":")
        name, value = name.strip().lower(), value.replace("!important", "").strip()
        if name not in PRESENTATION_ATTRIBUTES or not value:
            continue
        tag = _set_attribute(tag, name, f' {name}="{escape(value)}"')
    return tag


def _set_attribute(tag: str, name: str, attribute: str) -> str:
    """`tag` with `attribute` (` name="value"`) in place of its attribute `name`, or added before its end."""
    existing = re.compile(rf"\s{re.escape(name)}=(\"[^\"]*\"|'[^']*')")
    if existing.search(tag):
        return existing.sub(lambda _match: attribute, tag, count=1)
    return re.sub(r"\s*(/?)>$", lambda match: f"{attribute}{' ' if match.group(1) else ''}{match.group(1)}>", tag)
