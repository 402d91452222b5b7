"""The PDF renderer: the document model as HTML (`templates/reports/document.html`), typeset by WeasyPrint.

The page layout lives in `static/reports/print.css`: A4 pages, a cover, a table of contents with page numbers,
chapters on new pages, landscape pages for wide tables, a footer with "page X of Y". WeasyPrint never reaches the
network: `StaticFetcher` answers only the stylesheet and the shipped DejaVu fonts (`make assets`), found through
Django's staticfiles finders, and data: URIs (the charts); anything else is refused and stops the rendering, so a
missing font fails loudly instead of printing with whatever the server happens to have.
"""

from __future__ import annotations

import base64
import functools
import math
import mimetypes
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from nsm.charts import render_svg
from nsm.reports.document import (
    Block,
    Bullets,
    Chart,
    Document,
    KeyFigures,
    Paragraph,
    Section,
    Table,
    colophon,
    format_value,
)
from nsm.reports.layout import Frame, fit

if TYPE_CHECKING:
    import weasyprint

# A stand-in root for the static files: the HTML links `reports/print.css` under it, the stylesheet reaches the fonts
# at `../vendor/fonts/`, as it would on the web server. Nothing is read from the disk at this path: the fetcher
# answers from the staticfiles finders.
STATIC_BASE = "file:///nsm-static/"
SERVED = ("reports/", "vendor/fonts/")  # the static folders WeasyPrint may read
FONT = "vendor/fonts/DejaVuSans.ttf"
CHART_FONT = "DejaVu Sans"  # the family print.css declares; charts are drawn with it so their labels measure right
WIDE_TABLE = 6  # columns from which a table is set in a smaller font

# What print.css sets, in points, for the column widths (nsm/reports/layout.py): the width of the text on an A4 page
# (portrait: 210 mm less 2 x 18 mm of margin; landscape: 297 mm less 2 x 15 mm), the table's font size, and a cell's
# padding on both sides with its border (0.5 pt).
MM = 72 / 25.4
TEXT_WIDTH = {False: (210 - 2 * 18) * MM, True: (297 - 2 * 15) * MM}
TABLE_FONT = {False: (9.0, 2 * 1.5 * MM + 0.5), True: (8.0, 2 * 1 * MM + 0.5)}  # by `wide`: size, padding
COMPACT_SIZE = 7.0  # a wide table whose figures leave its main column too little room (`layout.fit`): "compact"


def render_html(document: Document) -> str:
    """The document as one HTML page, for WeasyPrint (its stylesheet is linked relative to `STATIC_BASE`)."""
    sections = [_section(section, 1, str(number)) for number, section in enumerate(document.sections, 1)]
    return render_to_string(
        "reports/document.html",
        {
            "document": document,
            "colophon": colophon(document),
            "colophon_landscape": bool(sections) and sections[-1].landscape,  # on the last chapter's last page
            "sections": sections,
            "contents": [entry for section in sections for entry in section.flat() if entry.depth <= 3],
            # CSS strings, escaped for a <style> element by _css_string (Django's HTML escaping would show up there).
            "footer_css": mark_safe(_css_string(document.footer)),  # noqa: S308  # nosec B308, B703
            "page_of_css": mark_safe(_page_of_css()),  # noqa: S308  # nosec B308, B703
        },
    )


def render_pdf(document: Document) -> bytes:
    """The document as PDF bytes, with bookmarks from the headings and the document's title as metadata. The PDF is
    tagged (headings, tables with their header cells, the chart's description as its alternative text), so that a
    screen reader can follow it; that doubles the file's size and costs no noticeable time."""
    import weasyprint  # imported here: loading WeasyPrint takes a moment, and only PDF documents need it

    html = weasyprint.HTML(string=render_html(document), base_url=STATIC_BASE, url_fetcher=static_fetcher())
    return html.write_pdf(pdf_tags=True)


def static_fetcher() -> weasyprint.URLFetcher:
    """A WeasyPrint URL fetcher that answers the static files under `STATIC_BASE` and data: URIs, nothing else."""
    import weasyprint

    class StaticFetcher(weasyprint.URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> weasyprint.urls.URLFetcherResponse:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_path(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return weasyprint.urls.URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    return StaticFetcher(fail_on_errors=True)


def static_path(url: str) -> Path:
    """The file a URL under `STATIC_BASE` names, if it lies in one of the `SERVED` static folders; ValueError for
    any other URL (another scheme, another folder, a way out with `..`, a file the finders do not know)."""
    if not url.startswith(STATIC_BASE):
        raise ValueError(f"The PDF renderer reads no outside resource: {url}")
    name = posixpath.normpath(unquote(urlsplit(url).path).removeprefix(urlsplit(STATIC_BASE).path))
    if name.startswith(("/", "..")) or not name.startswith(SERVED):
        raise ValueError(f"The PDF renderer reads only its stylesheet and fonts: {url}")
    found = finders.find(name)
    if not found:
        raise ValueError(f"Static file {name} not found: run `make assets`.")
    return Path(found)


@dataclass
class SectionView:
    """A section as the template prints it: its anchor, heading level and blocks ready to print."""

    id: str
    title: str
    depth: int
    landscape: bool
    blocks: list[dict[str, Any]]
    subsections: list[SectionView] = field(default_factory=list)

    @property
    def level(self) -> int:
        return min(self.depth, 6)

    def flat(self) -> Iterator[SectionView]:
        yield self
        for subsection in self.subsections:
            yield from subsection.flat()


def _section(section: Section, depth: int, number: str, landscape: bool = False) -> SectionView:
    """A section as the template prints it; a landscape chapter's subsections are on its landscape pages."""
    wide = landscape or section.landscape
    return SectionView(
        id=f"section-{number.replace('.', '-')}",
        title=section.title,
        depth=depth,
        landscape=section.landscape,
        blocks=[_block(block, wide) for block in section.blocks],
        subsections=[
            _section(sub, depth + 1, f"{number}.{index}", wide) for index, sub in enumerate(section.subsections, 1)
        ],
    )


def _block(block: Block, landscape: bool = False) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"kind": "paragraph", "text": block.text}
    if isinstance(block, Bullets):
        return {"kind": "bullets", "items": block.items}
    if isinstance(block, KeyFigures):
        figures = [
            {"label": figure.label, "value": format_value(figure.value, figure.kind), "note": figure.note}
            for figure in block.figures
        ]
        return {"kind": "figures", "figures": figures}
    if isinstance(block, Table):
        return {"kind": "table", "table": _table(block, landscape)}
    if isinstance(block, Chart):
        alt = block.description or block.title
        return {
            "kind": "chart",
            "title": block.title,
            "src": _chart_src(block),
            "alt": alt,
            "table": _table(block.table, landscape),
        }
    raise TypeError(f"Unknown block {type(block).__name__}")


def table_frames(table: Table, landscape: bool) -> list[Frame]:
    """Where print.css may set `table`: the page's text width, and the font and padding of a wide table (8 pt, or
    the compact 7 pt) or another (9 pt)."""
    wide = len(table.columns) >= WIDE_TABLE
    normal, padding = TABLE_FONT[wide]
    return [Frame(TEXT_WIDTH[landscape], size, padding) for size in ((normal, COMPACT_SIZE) if wide else (normal,))]


def _table(table: Table, landscape: bool = False) -> dict[str, Any]:
    """Column widths in percent, shared out by `layout.fit` (in proportion to `Column.width`, none narrower than its
    header's longest word or its widest figure, in the font that leaves the main column its room); every value
    formatted by its column's kind."""
    chosen, widths = fit(table, table_frames(table, landscape))
    columns = [
        {"label": column.label, "numeric": column.numeric, "width": f"{math.floor(100_000 * share) / 1000:.3f}%"}
        for column, share in zip(table.columns, widths.shares(), strict=True)
    ]
    rows = []
    for row in table.rows:
        cells = [
            {"text": format_value(value, column.kind), "numeric": column.numeric}
            for value, column in zip(row.values, table.columns, strict=False)
        ]
        rows.append({"heading": row.heading, "total": row.total, "cells": cells})
    return {
        "caption": table.caption,
        "note": table.note,
        "columns": columns,
        "rows": rows,
        # "wide": the smaller font, "compact" smaller still; "fits": every header word fits its column, so headers wrap
        # at their spaces only
        "classes": " ".join(
            name
            for name, on in (("wide", len(columns) >= WIDE_TABLE), ("compact", chosen > 0), ("fits", widths.fits))
            if on
        ),
    }


def _chart_src(chart: Chart) -> str:
    """The chart as an SVG data: URI, its text set in the document's font (WeasyPrint draws it with print.css's
    @font-face fonts, vl-convert measures the labels with the same files). An <img> rather than inline SVG, so that
    the description is the image's alternative text."""
    _register_fonts()
    # The title is the figure's caption, so the picture leaves it out rather than print it twice.
    spec = {**chart.spec, "title": "", "config": {**chart.spec.get("config", {}), "font": CHART_FONT}}
    svg = str(render_svg(spec))
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@functools.cache
def _register_fonts() -> None:
    import vl_convert

    found = finders.find(FONT)
    if found:
        vl_convert.register_font_directory(str(Path(found).parent))


def _page_of_css() -> str:
    """ "page X of Y" in the active language, as a CSS `content` value with the page counters in place."""
    text = _("page %(page)s of %(pages)s") % {"page": "\0page\0", "pages": "\0pages\0"}
    parts = re.split(r"\0(pages?)\0", text)
    return " ".join(f"counter({part})" if index % 2 else _css_string(part) for index, part in enumerate(parts))


def _css_string(text: str) -> str:
    """`text` as a quoted CSS string, safe inside an HTML <style> element (no quote, backslash or < left)."""
    escaped = "".join(f"\\{ord(char):x} " if char in '"\\<>\n\r' else char for char in text)
    return f'"{escaped}"'
