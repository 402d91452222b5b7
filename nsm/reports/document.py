"""The document model: what a generated document says, as plain frozen dataclasses.

A builder (`annual.build_annual`, `plan.build_plan`) reads the data once, in a fixed number of queries, and returns a
`Document`; each renderer (`render_docx`, `render_pdf`, `render_xlsx`) only walks it and never touches the ORM. Text is
already translated (the builder runs in the document's language); figures stay raw (`Decimal`, `int`, `None`) with
their kind, so that Word and PDF print them in the document's locale and Excel stores them as numbers.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from nsm.core.markdown import Embed, Heading, Items, Para, Run, parse
from nsm.core.numbers import format_decimal, format_percent

Value = str | int | Decimal | None
Kind = Literal["text", "number", "money", "percent"]


@dataclass(frozen=True)
class Column:
    """A table's column: its heading, what its values are, and its relative width (the widths of a table are
    shared out in proportion)."""

    label: str
    kind: Kind = "text"
    width: float = 1.0

    @property
    def numeric(self) -> bool:
        return self.kind != "text"


@dataclass(frozen=True)
class Row:
    """A table row. A heading row (`heading` 1, 2, 3: goal, objective, measure) spans every column with its first
    value; a total row is printed in bold."""

    values: tuple[Value, ...]
    heading: int = 0
    total: bool = False


@dataclass(frozen=True)
class Table:
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    name: str = ""  # a short name, for an Excel sheet (31 characters at most)
    note: str = ""  # printed under the table
    sheet: bool = True  # a sheet of the Excel workbook; False: its rows are in another table's sheet already


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; `runs` (from Markdown) set its text in bold, italic, as code or as a link, else it is all
    plain `text`."""

    text: str
    runs: tuple[Run, ...] = ()


@dataclass(frozen=True)
class Bullets:
    """A list. From Markdown: `runs` gives each item's set text, `depths` its nesting (0 for the outer list), and an
    `ordered` list is numbered."""

    items: tuple[str, ...]
    runs: tuple[tuple[Run, ...], ...] = ()
    ordered: bool = False
    depths: tuple[int, ...] = ()

    def tree(self) -> list[tuple[int, str, tuple[Run, ...]]]:
        """(depth, text, runs) of each item, `runs` never empty (a plain item is one plain run)."""
        depths = self.depths or (0,) * len(self.items)
        runs = self.runs or tuple((Run(item),) for item in self.items)
        return list(zip(depths, self.items, runs, strict=True))


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: Value
    kind: Kind = "number"
    note: str = ""  # e.g. "12 of 40 activities"


@dataclass(frozen=True)
class KeyFigures:
    figures: tuple[KeyFigure, ...]


@dataclass(frozen=True)
class Chart:
    """A Vega-Lite spec (from `nsm.analytics.charts`), drawn as SVG in HTML and PDF and as PNG in Word, with the
    table of its numbers for readers who cannot see it (and for Excel)."""

    spec: dict[str, Any]
    table: Table

    @property
    def title(self) -> str:
        return str(self.spec.get("title", ""))

    @property
    def description(self) -> str:
        return str(self.spec.get("description", ""))


Block = Paragraph | Bullets | KeyFigures | Table | Chart


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...] = ()
    subsections: tuple[Section, ...] = ()
    landscape: bool = False  # wide tables: the section is laid out on landscape pages
    new_page: bool = False  # starts on a new page (a chapter always does), e.g. each institution's scorecard


@dataclass(frozen=True)
class Document:
    kind: Literal["annual", "plan", "consultation"]
    language: str  # "sq" or "en"
    title: str
    subtitle: str
    cover_lines: tuple[str, ...]  # the strategy, the period, who prepared it
    sections: tuple[Section, ...]
    strategy_code: str
    period: str  # "2025", "2025-H1"; "" for the plan
    generated_at: datetime.datetime
    data_stamp: str = ""  # what the figures were computed from (the analysis stamp)
    footer: str = ""

    def walk(self):
        """Every section with its depth (1 for a chapter), in reading order."""

        def visit(sections: tuple[Section, ...], depth: int):
            for section in sections:
                yield section, depth
                yield from visit(section.subsections, depth + 1)

        yield from visit(self.sections, 1)

    def tables(self):
        """Every table in reading order, a chart's table included."""
        for section, _depth in self.walk():
            for block in section.blocks:
                if isinstance(block, Table):
                    yield block
                elif isinstance(block, Chart):
                    yield block.table


# What a reference such as `[[context:MIG-01]]` in a Markdown text stands for in a document (a chart and its
# table); None: it is printed as written.
Resolve = Callable[[Embed], tuple[Block, ...] | None]


def markdown_blocks(text: str, resolve: Resolve | None = None) -> tuple[Block, ...]:
    """A Markdown text (`nsm.core.markdown`) as the document's blocks; a heading is a paragraph in bold. Raw HTML,
    scripts and unsafe links never come out (the parser drops them)."""
    return tuple(_blocks(parse(text), resolve))


def _blocks(parsed, resolve: Resolve | None) -> list[Block]:
    blocks: list[Block] = []
    for block in parsed:
        if isinstance(block, Heading):
            blocks.append(Paragraph(block.text, tuple(dataclasses.replace(run, bold=True) for run in block.runs)))
        elif isinstance(block, Para):
            blocks.append(Paragraph(block.text, block.runs))
        elif isinstance(block, Items):
            texts = tuple("".join(run.text for run in runs) for runs in block.items)
            blocks.append(Bullets(texts, block.items, block.ordered, block.depths))
        elif isinstance(block, Embed):
            found = resolve(block) if resolve else None
            blocks.extend(found if found is not None else (Paragraph(block.text),))
    return blocks


def markdown_section(
    title: str, text: str, *, resolve: Resolve | None = None, new_page: bool = False, empty: str = ""
) -> Section:
    """A chapter from a Markdown text: what comes before its first heading is the chapter's own text; each heading
    of the text's highest level starts a subsection, a deeper one a subsection of that. `empty` is printed when the
    text is blank (e.g. "Not written yet.")."""
    parsed = parse(text)
    top = min((block.level for block in parsed if isinstance(block, Heading)), default=1)
    own: list = []
    subsections: list[tuple[str, list, list[tuple[str, list]]]] = []
    for block in parsed:
        if isinstance(block, Heading):
            if block.level <= top or not subsections:
                subsections.append((block.text, [], []))
            else:
                subsections[-1][2].append((block.text, []))
            continue
        if not subsections:
            target = own
        elif subsections[-1][2]:
            target = subsections[-1][2][-1][1]
        else:
            target = subsections[-1][1]
        target.append(block)
    if not parsed and empty:
        own.append(Para((Run(empty),)))
    return Section(
        title,
        blocks=tuple(_blocks(own, resolve)),
        subsections=tuple(
            Section(
                sub_title,
                blocks=tuple(_blocks(sub_blocks, resolve)),
                subsections=tuple(Section(t, blocks=tuple(_blocks(b, resolve))) for t, b in deeper),
            )
            for sub_title, sub_blocks, deeper in subsections
        ),
        new_page=new_page,
    )


CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def printable(document: Document) -> Document:
    """The document with every control character in its text turned into a space. A vertical tab pasted from a
    spreadsheet into a title or a narrative is text that XML (Word, Excel) cannot carry: openpyxl and python-docx
    refuse it, and the whole document would fail. The charts' specs are left alone (vl-convert draws any text)."""

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return CONTROL_CHARACTERS.sub(" ", value)
        if isinstance(value, tuple):
            return tuple(clean(item) for item in value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            changes = {f.name: clean(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "spec"}
            return dataclasses.replace(value, **changes)
        return value

    return clean(document)


def format_value(value: Value, kind: Kind = "text") -> str:
    """A value as printed in Word and PDF, in the active locale: "—" for no value (None), "" for an empty text,
    "45,5 %" for a percentage."""
    if value is None:
        return "—"
    if kind == "text" or isinstance(value, str):
        return str(value)
    if kind == "percent":
        return format_percent(value)
    if kind == "money":
        return format_decimal(Decimal(value).quantize(Decimal(1), ROUND_HALF_UP))
    return format_decimal(value)


def active_language() -> str:
    """ "sq" or "en": the language a builder writes in."""
    return (get_language() or "en").split("-")[0]


def day_in_words(day: datetime.date, language: str) -> str:
    """ "6 December 2026", "6 dhjetor 2026": the day, the month's name in `language` and the year. Albanian writes
    the months in lower case (Django's catalogue gives them capitalised, as in a calendar's heading)."""
    with translation.override(language):
        month = date_format(day, "F")
    return f"{day.day} {month.lower() if language == 'sq' else month} {day.year}"


def colophon(document: Document) -> tuple[str, ...]:
    """The colophon that closes the document, in its language: when it was made and from which data, in words
    ("Made on 6 December 2026 from the data as approved at 09:14."), in the platform's time zone; then the data
    version, as the Documents page lists it, to match a copy with its entry there. The cover says neither."""
    moment = timezone.localtime(document.generated_at)
    with translation.override(document.language):
        when = {"day": day_in_words(moment.date(), document.language), "time": date_format(moment, "H:i")}
        if document.kind == "consultation":  # the content frozen when the secretariat issued it
            lines = [_("Issued on %(day)s at %(time)s, as the comments and answers stood then.") % when]
        else:
            lines = [_("Made on %(day)s from the data as approved at %(time)s.") % when]
        if document.data_stamp:
            lines.append(_("Data version: %(stamp)s") % {"stamp": document.data_stamp})
    return tuple(lines)


__all__ = [
    "Block",
    "Bullets",
    "Chart",
    "Column",
    "Document",
    "KeyFigure",
    "KeyFigures",
    "Paragraph",
    "Row",
    "Section",
    "Table",
    "Value",
    "Resolve",
    "Run",
    "active_language",
    "colophon",
    "day_in_words",
    "format_value",
    "markdown_blocks",
    "markdown_section",
    "printable",
]
