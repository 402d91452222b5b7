"""The PDF renderer: the document model as data (`document_data`), laid out by Typst with the template
`templates/reports/typst/document.typ`.

The template sets A4 pages, a cover, a table of contents with page numbers, chapters on new pages, landscape pages
for wide sections, tables whose header row repeats on every page, and a footer with "page X of Y". The data go to
Typst as JSON and every text is set as a string, so nothing a user typed is read as Typst markup. Typst reads only
what it is handed: the template, the JSON, the charts' SVG (all in memory) and the shipped DejaVu fonts (`make
assets`), with no system font and no network; a missing font file stops the document with "run `make assets`".
The PDF is PDF/UA-1, tagged for screen readers (headings, tables with their header cells, each chart with its
description as alternative text), with its title and language.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from django.contrib.staticfiles import finders
from django.utils.translation import gettext as _

from nsm.charts import render_svg
from nsm.reports.document import (
    Block,
    Bullets,
    Chart,
    Document,
    KeyFigures,
    Paragraph,
    Run,
    Section,
    Table,
    colophon,
    format_value,
)
from nsm.reports.layout import SAFETY, Frame, fit, formatter, header_words, text_width

if TYPE_CHECKING:
    import typst

TEMPLATE_DIR = Path(__file__).parent / "templates" / "reports" / "typst"  # Typst's root: nothing else on the disk
FONTS = tuple(
    f"vendor/fonts/{name}"
    for name in (
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "DejaVuSans-Oblique.ttf",
        "DejaVuSansCondensed.ttf",
        "DejaVuSansCondensed-Bold.ttf",
    )
)
FONT = FONTS[0]
CHART_FONT = "DejaVu Sans"  # the template's font; charts are drawn with it so their labels measure right
PDF_STANDARDS: Final = "ua-1"  # PDF/UA-1: tagged, titled, every picture with its alternative text
WIDE_TABLE = 6  # columns from which a table is set in a smaller font

# What the template sets, in points, for the column widths (nsm/reports/layout.py): the width of the text on an A4
# page (portrait: 210 mm less 2 x 18 mm of margin; landscape: 297 mm less 2 x 15 mm), the table's font size, and a
# cell's inset on both sides with its rule (0.5 pt).
MM = 72 / 25.4
TEXT_WIDTH = {False: (210 - 2 * 18) * MM, True: (297 - 2 * 15) * MM}
TABLE_FONT = {False: (9.0, 2 * 1.5 * MM + 0.5), True: (8.0, 2 * 1 * MM + 0.5)}  # by `wide`: size, padding
COMPACT_SIZE = 7.0  # a wide table whose figures leave its main column too little room (`layout.fit`): "compact"
BODY_SIZE = 10.0
HEADING_SIZE = {1: 18.0, 2: 14.0, 3: 12.0}  # deeper headings: BODY_SIZE
REGULAR = 1.12  # DejaVu Sans against DejaVu Sans Condensed (layout.py measures the latter): 1.112, and a little
WIDEST_EM = 1.2  # no letter of DejaVu is wider: a shorter word needs no measuring
CHART_HEIGHT = 150 * MM  # at most; and never wider than the text
PX = 0.75  # a chart's SVG pixel, in points (as a browser prints it)

# A text's pieces where a line may break: at spaces, and after a hyphen, dash or slash (as layout.BREAKS)
PIECES = re.compile(r"([^\s\-–—/]*[\-–—/]+|[^\s\-–—/]+)")
SVG_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)(?:px)?"[^>]*?\bheight="([\d.]+)(?:px)?"', re.DOTALL)


# A text as the template takes it: a string, or its pieces, the odd ones a word too long for its line in pieces
# that fit it (`_breakable`).
Text = str | list[str | list[str]]


class PdfError(RuntimeError):
    """A PDF that cannot be made as it should be: a font file missing, or Typst warning of something."""


def render_pdf(document: Document) -> bytes:
    """The document as PDF bytes, with bookmarks from the headings and the document's title, description and
    language as metadata; PDF/UA-1, so tagged for screen readers."""
    import typst  # imported here: only PDF documents need it

    pdf, warnings = typst.compile_with_warnings(
        _sources(document),
        root=str(TEMPLATE_DIR),
        font_paths=fonts(),
        ignore_system_fonts=True,
        format="pdf",
        pdf_standards=PDF_STANDARDS,
        timestamp=_timestamp(document),
    )
    if warnings:
        raise PdfError("Typst: " + "; ".join(warning.message for warning in warnings))
    return pdf


def typst_query(document: Document, selector: str, *, probe: bool = False) -> Any:
    """What Typst's introspection finds for `selector` in the laid-out document (`typst.query`, as JSON). With
    `probe`, every header cell also records its text's width and its widest word (`<nsm-header>`): the tests check
    that the widths `layout.py` gives hold in Typst."""
    import typst

    return json.loads(
        typst.query(
            _sources(document),
            selector,
            root=str(TEMPLATE_DIR),
            font_paths=fonts(),
            ignore_system_fonts=True,
            sys_inputs={"probe": "1"} if probe else {},
        )
    )


def fonts() -> typst.Fonts:
    """The shipped DejaVu fonts and nothing else (neither the system's nor Typst's own); PdfError, saying to run
    `make assets`, if a file is missing."""
    found = {name: finders.find(name) for name in FONTS}
    missing = [name for name, path in found.items() if not path]
    if missing:
        raise PdfError(f"Font files {', '.join(missing)} not found: run `make assets`.")
    return _fonts(tuple(sorted({str(Path(str(path)).parent) for path in found.values()})))


@functools.cache
def _fonts(folders: tuple[str, ...]) -> typst.Fonts:
    import typst

    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=list(folders))


def typst_files(document: Document) -> dict[str, bytes]:
    """What Typst gets: the template, the document as JSON and each chart as an SVG file."""
    charts: dict[str, bytes] = {}
    data = document_data(document, charts)
    return {
        "main.typ": (TEMPLATE_DIR / "document.typ").read_bytes(),
        "document.json": json.dumps(data, ensure_ascii=False).encode(),
        **charts,
    }


def _sources(document: Document) -> Any:
    """`typst_files`, typed as the binding takes it (its type stubs leave out the dictionary of files)."""
    return typst_files(document)


def document_data(document: Document, charts: dict[str, bytes] | None = None) -> dict[str, Any]:
    """The document as the template reads it: texts ready to print (figures formatted in the active language),
    tables with their columns' shares of the width and font size. Each chart's SVG goes into `charts`."""
    charts = {} if charts is None else charts
    width = TEXT_WIDTH[False]
    return {
        "language": document.language,
        "title": document.title,
        "subtitle": document.subtitle,
        "keywords": [document.strategy_code, *([document.period] if document.period else [])],
        "footer": _text(document.footer, width / 2, 8),
        "page-of": _page_of(),
        "strings": {"contents": _("Contents")},
        "cover-title": _text(document.title, width, 24, bold=True),
        "cover-subtitle": _text(document.subtitle, width, 14),
        "cover-lines": [_text(line, width, 11) for line in document.cover_lines],
        "sections": [_section(section, 1, False, charts) for section in document.sections],
        "colophon": [
            _text(line, TEXT_WIDTH[document.sections[-1].landscape if document.sections else False], 8.5)
            for line in colophon(document)
        ],
    }


def _section(section: Section, depth: int, landscape: bool, charts: dict[str, bytes]) -> dict[str, Any]:
    """A section as the template prints it; a landscape chapter's subsections are on its landscape pages."""
    wide = landscape or section.landscape
    return {
        "title": _text(section.title, TEXT_WIDTH[wide], HEADING_SIZE.get(depth, BODY_SIZE), bold=True),
        "landscape": section.landscape,
        "new_page": section.new_page,
        "blocks": [_block(block, wide, charts) for block in section.blocks],
        "subsections": [_section(sub, depth + 1, wide, charts) for sub in section.subsections],
    }


def _block(block: Block, landscape: bool, charts: dict[str, bytes]) -> dict[str, Any]:
    width = TEXT_WIDTH[landscape]
    if isinstance(block, Paragraph):
        if block.runs:
            return {"kind": "rich", "runs": _runs(block.runs, width)}
        return {"kind": "paragraph", "text": _text(block.text, width, BODY_SIZE)}
    if isinstance(block, Bullets):
        if block.runs or block.ordered or block.depths:
            return {"kind": "list", "ordered": block.ordered, "items": _items(block, width)}
        return {"kind": "bullets", "items": [_text(item, width - 6 * MM, BODY_SIZE) for item in block.items]}
    if isinstance(block, KeyFigures):
        box = (width - 2 * 4 * MM) / 3 - 2 * 3 * MM  # three to a row, 4 mm apart, 3 mm inside
        figures = [
            {
                "label": _text(figure.label, box, 9),
                "value": _text(format_value(figure.value, figure.kind), box, 16, bold=True),
                "note": _text(figure.note, box, 8.5),
            }
            for figure in block.figures
        ]
        return {"kind": "figures", "figures": figures}
    if isinstance(block, Table):
        return {"kind": "table", "table": _table(block, landscape)}
    if isinstance(block, Chart):
        name = f"chart-{len(charts) + 1}.svg"
        svg = chart_svg(block)
        charts[name] = svg.encode()
        return {
            "kind": "chart",
            "file": name,
            "width": _chart_width(svg, width),
            "alt": block.description or block.title,
            "title": _text(block.title, width, 9),
            "table": _table(block.table, landscape),
        }
    raise TypeError(f"Unknown block {type(block).__name__}")


def _runs(runs: tuple[Run, ...], width: float) -> list[dict[str, Any]]:
    """Markdown's runs as the template sets them (`rich`): each text breakable as `_text` makes it."""
    return [
        {
            "text": _text(run.text, width, BODY_SIZE, bold=run.bold),
            "bold": run.bold,
            "italic": run.italic,
            "code": run.code,
            "link": run.link,
        }
        for run in runs
    ]


def _items(block: Bullets, width: float) -> list[dict[str, Any]]:
    """A Markdown list as a tree: each item with the items nested under it (`children`)."""
    root: list[dict[str, Any]] = []
    levels = [root]  # where an item of each depth goes: the outer list, then the last item's children ...
    for depth, _plain, runs in block.tree():
        depth = min(depth, len(levels) - 1)  # never deeper than one below the item before
        item: dict[str, Any] = {"runs": _runs(runs, width - 6 * MM * (depth + 1)), "children": []}
        levels[depth].append(item)
        del levels[depth + 1 :]
        levels.append(item["children"])
    return root


def table_frames(table: Table, landscape: bool) -> list[Frame]:
    """Where the template may set `table`: the page's text width, and the font and inset of a wide table (8 pt, or
    the compact 7 pt) or another (9 pt)."""
    wide = len(table.columns) >= WIDE_TABLE
    normal, padding = TABLE_FONT[wide]
    return [Frame(TEXT_WIDTH[landscape], size, padding) for size in ((normal, COMPACT_SIZE) if wide else (normal,))]


def _table(table: Table, landscape: bool = False) -> dict[str, Any]:
    """Each column's share of the width, from `layout.fit` (in proportion to `Column.width`, none narrower than its
    header's longest word or its widest figure, in the font that leaves the main column its room); every value
    formatted by its column's kind. `compact`: set in the smaller font; `fits`: every header word fits its column."""
    frames = table_frames(table, landscape)
    formatted = formatter()
    chosen, widths = fit(table, frames, formatted)
    frame = frames[chosen]
    room = [max(points - frame.padding, 0.0) for points in widths.points]
    count = len(table.columns)
    columns = [
        {
            "label": _cell(column.label, space, frame.size, bold=True),
            "label-text": column.label,
            "label-words": header_words(column.label),
            "numeric": column.numeric,
        }
        for column, space in zip(table.columns, room, strict=True)
    ]
    rows: list[dict[str, Any]] = []
    for row in table.rows:
        if row.heading:
            text = format_value(row.values[0], table.columns[0].kind) if row.values else ""
            rows.append(
                {"heading": row.heading, "total": False, "cells": [_cell(text, sum(room), frame.size, bold=True)]}
            )
            continue
        texts = [formatted(value, column.kind) for value, column in zip(row.values, table.columns, strict=False)]
        texts += [""] * (count - len(texts))  # a short row: its last cells empty
        cells = [_cell(text, space, frame.size, bold=row.total) for text, space in zip(texts, room, strict=True)]
        rows.append({"heading": 0, "total": row.total, "cells": cells})
    return {
        "caption": _text(table.caption, TEXT_WIDTH[landscape], 9.5, bold=True),
        "note": _text(table.note, TEXT_WIDTH[landscape], 8),
        "columns": columns,
        "rows": rows,
        "widths": [round(share, 6) for share in widths.shares()],
        "size": frame.size,
        "wide": count >= WIDE_TABLE,
        "compact": chosen > 0,
        "fits": widths.fits,
    }


def _text(text: str, width: float, size: float, *, bold: bool = False) -> Text:
    """A text in DejaVu Sans, for a line `width` points wide (see `_breakable`)."""
    return _breakable(text, width / REGULAR, size, bold)


def _cell(text: str, width: float, size: float, *, bold: bool = False) -> Text:
    """A table cell's text, in DejaVu Sans Condensed, for a column `width` points wide (see `_breakable`)."""
    return _breakable(text, width, size, bold)


def _breakable(text: str, width: float, size: float, bold: bool) -> Text:
    """`text` as it is, or, if a word of it (up to a space, hyphen, dash or slash) is wider than `width` points in
    DejaVu Sans Condensed at `size`, cut into pieces whose odd ones are those words, each cut in turn into pieces
    that fit the line: the template lets a line break between them, where Typst would run the word off the page (a
    word broken so reads, copied, as the word)."""
    shortest = width / (size * WIDEST_EM)
    parts = PIECES.split(text)
    long = {
        index
        for index in range(1, len(parts), 2)
        if len(parts[index]) > shortest and text_width(parts[index], size, bold=bold) > width
    }
    if not long:
        return text
    pieces: list[str | list[str]] = []
    current = ""
    for index, part in enumerate(parts):
        if index in long:
            pieces += [current, _chunks(part, width / SAFETY, size, bold)]
            current = ""
        else:
            current += part
    return [*pieces, current]


def _chunks(word: str, width: float, size: float, bold: bool) -> list[str]:
    """`word` in pieces as long as fit in `width` points (a letter with its accents kept whole)."""
    chunks, current = [], ""
    for char in word:
        if current and not unicodedata.combining(char) and text_width(current + char, size, bold=bold) > width:
            chunks.append(current)
            current = ""
        current += char
    return [*chunks, current]


def _page_of() -> list[str]:
    """ "page X of Y" in the active language, as the template reads it: the text between the numbers at even
    places, "page" or "pages" (the number to print) at odd ones."""
    text = _("page %(page)s of %(pages)s") % {"page": "\0page\0", "pages": "\0pages\0"}
    return re.split(r"\0(pages?)\0", text)


def chart_svg(chart: Chart) -> str:
    """The chart as SVG, its text set in the document's font (Typst draws it with the shipped fonts, vl-convert
    measures the labels with the same files)."""
    _register_fonts()
    # The title is the figure's caption, so the picture leaves it out rather than print it twice.
    spec = {**chart.spec, "title": "", "config": {**chart.spec.get("config", {}), "font": CHART_FONT}}
    return str(render_svg(spec))


def _chart_width(svg: str, text_width: float) -> float:
    """The chart's width in points: at its drawn size (a 300-pixel-wide chart is 80 mm), never wider than the text
    or taller than CHART_HEIGHT."""
    size = SVG_SIZE.search(svg)
    if not size:
        return text_width
    width, height = float(size.group(1)) * PX, float(size.group(2)) * PX
    scale = min(1.0, text_width / width if width else 1.0, CHART_HEIGHT / height if height else 1.0)
    return round(width * scale, 2)


@functools.cache
def _register_fonts() -> None:
    import vl_convert

    found = finders.find(FONT)
    if found:
        vl_convert.register_font_directory(str(Path(str(found)).parent))


def _timestamp(document: Document) -> datetime.datetime | None:
    """The PDF's creation date: when the document was made (the same document, the same bytes)."""
    moment = document.generated_at
    return moment.astimezone(datetime.UTC).replace(microsecond=0) if moment.tzinfo else None
