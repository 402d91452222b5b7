"""How wide a table's columns are on the page: one rule that the Word and PDF renderers share.

The document model gives each column a relative width (`Column.width`): the page's width is shared out in that
proportion, except that no column is made narrower than what it must hold whole:

- its header's longest word, in bold at the table's font size: a header wraps at its spaces only, never inside a
  word ("Përgjegjës", "Disaggregation" stay whole);
- for a figure, the widest figure it prints (a figure never wraps);
- a phrase its text holds together with no-break spaces (a funding source, "Financim i pambuluar"), up to
  `SOFT_CAP` ems;
- if the page has room, the longest word of its text (a code, "Gjashtëmujore"), up to `SOFT_CAP` ems.

Widths are measured with the PDF's table font (DejaVu Sans Condensed, the files `make assets` ships). Word's Calibri
has the same widths as its metric twin Carlito, which measures at most 0.9 of DejaVu Sans Condensed Bold for every
word of the demonstration plan in both languages (0.81 for most) and at most as wide as DejaVu Sans Condensed in
regular text: `CALIBRI` scales the measure by that much. Where the font files are missing, every character counts as
`FALLBACK_EM` of an em.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.contrib.staticfiles import finders
from PIL import ImageFont

from nsm.reports.document import Kind, Table, Value, format_value

FONTS = {False: "vendor/fonts/DejaVuSansCondensed.ttf", True: "vendor/fonts/DejaVuSansCondensed-Bold.ttf"}
MEASURE_SIZE = 100  # the font is measured at this size and scaled: lengths stay precise to a hundredth of a point
FALLBACK_EM = 0.7  # a character's advance where the font is missing: wider than any DejaVu letter but "W" and "M"
SOFT_CAP = 12  # ems: a longer word in a cell (a web address) may wrap rather than widen its column
SAFETY = 1.02  # 2 % to spare: kerning, rounding of the widths, the renderer's own arithmetic
MAIN_SHARE = 2 / 3  # of its share by weight: less, and the table is set in the next smaller font (`fit`)
CALIBRI = (1.02, 0.92)  # Calibri (Carlito) against DejaVu Sans Condensed, regular and bold, with 2 % to spare

SPACES = re.compile(r"[ \t\r\n]+")  # where a header wraps: spaces only (a no-break space holds a figure together)
NO_BREAK = "\u00a0"
BREAKS = re.compile(r"[ \t\r\n]+|(?<=[-–—/])")  # where body text may wrap: spaces, and after a hyphen, dash or slash


@dataclass(frozen=True)
class Frame:
    """Where a table is set: the width it fills, its font size and what a cell adds to its text (padding on both
    sides and the border), all in points; and how wide the renderer's font is against DejaVu Sans Condensed, for
    regular and bold text (1 for the PDF's own font)."""

    width: float
    size: float
    padding: float
    metrics: tuple[float, float] = (1.0, 1.0)

    def text_width(self, text: str, *, bold: bool = False) -> float:
        return text_width(text, self.size, bold=bold) * self.metrics[bold]


_FONTS: dict[bool, ImageFont.FreeTypeFont] = {}


def _font(bold: bool) -> ImageFont.FreeTypeFont | None:
    """The font file, loaded once; None while it is missing (not remembered: `make assets` may bring it)."""
    if bold not in _FONTS:
        found = finders.find(FONTS[bold])
        if not found:
            return None
        _FONTS[bold] = ImageFont.truetype(str(found), MEASURE_SIZE, layout_engine=ImageFont.Layout.BASIC)
    return _FONTS[bold]


def _length(text: str, bold: bool) -> float:
    """`text`'s advance at MEASURE_SIZE points."""
    font = _font(bold)
    if font is None:
        return len(text) * FALLBACK_EM * MEASURE_SIZE
    return _measured(text, bold, font)


@functools.lru_cache(maxsize=20_000)
def _measured(text: str, bold: bool, font: ImageFont.FreeTypeFont) -> float:
    return float(font.getlength(text))


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """How wide `text` prints on one line at `size` points, in points."""
    return _length(text, bold) * size / MEASURE_SIZE


def header_words(label: str) -> list[str]:
    """The words a header may wrap between."""
    return [word for word in SPACES.split(label) if word]


def formatter() -> Callable[[Value, Kind], str]:
    """`format_value`, remembering what it printed: a table repeats its figures (0, the same costs), and formatting a
    number in the active language takes a while. For one table, in one language: measured for each frame `fit`
    tries, then printed."""
    done: dict[tuple[str, str, str], str] = {}

    def formatted(value: Value, kind: Kind) -> str:
        key = (kind, type(value).__name__, str(value))
        if key not in done:
            done[key] = format_value(value, kind)
        return done[key]

    return formatted


def minimum_widths(
    table: Table, frame: Frame, formatted: Callable[[Value, Kind], str] = format_value
) -> tuple[list[float], list[float]]:
    """For each column, the width it needs (its header's longest word, its widest figure) and the width it would
    like (that, or its longest word of text up to SOFT_CAP ems), in points with the cell's padding."""
    size, padding = frame.size, frame.padding
    needed = [
        max((frame.text_width(word, bold=True) for word in header_words(column.label)), default=0.0)
        for column in table.columns
    ]
    liked = list(needed)
    for row in table.rows:
        if row.heading:
            continue
        for index, (column, value) in enumerate(zip(table.columns, row.values, strict=False)):
            text = formatted(value, column.kind)
            if column.numeric:
                needed[index] = max(needed[index], frame.text_width(text, bold=row.total))
                continue
            for piece in BREAKS.split(text):
                width = min(frame.text_width(piece, bold=row.total), SOFT_CAP * size)
                if NO_BREAK in piece:  # held together on purpose ("Financim i pambuluar"): needed whole
                    needed[index] = max(needed[index], width)
                else:
                    liked[index] = max(liked[index], width)
    needed = [(width + padding) * SAFETY for width in needed]
    liked = [max(want, (width + padding) * SAFETY) for want, width in zip(needed, liked, strict=True)]
    return needed, liked


@dataclass(frozen=True)
class Widths:
    """A table's column widths in points, adding up to the frame's width; `fits` is False for a table whose
    header words and figures alone are wider than the page, which is squeezed below what they need (its headers
    then have to break inside a word rather than run into the next column)."""

    points: tuple[float, ...]
    fits: bool

    def shares(self) -> list[float]:
        """Each width as a share of the whole (0 to 1)."""
        total = sum(self.points) or 1.0
        return [width / total for width in self.points]


def column_widths(table: Table, frame: Frame) -> Widths:
    """The page's width shared out in proportion to `Column.width`, each column given at least the width it would
    like or, where the page has no room for that, the width it needs."""
    return fit(table, [frame])[1]


def fit(
    table: Table, frames: Sequence[Frame], formatted: Callable[[Value, Kind], str] | None = None
) -> tuple[int, Widths]:
    """The table's widths in the first of `frames` (the same page in the renderer's font sizes, the largest first)
    in which its main column, the one with the largest weight (the matrix's activity), keeps at least MAIN_SHARE of
    the width its weight asks for: with every column at the width it would like if that leaves the main column its
    room, else at the width it needs. Where no frame does, the last, each column as wide as it would like if the
    page has room. So a matrix with three years of costs keeps its size, and one with seven is set a point smaller
    rather than leave the activity's text a column a few words wide. Returns the frame's index and the widths.
    `formatted`: a `formatter()` the caller prints the table with, so each figure is formatted once."""
    formatted = formatted or formatter()
    if not frames:
        raise ValueError("fit() needs at least one frame")
    weights = [max(column.width, 0.0) for column in table.columns]
    main = max(range(len(weights)), key=weights.__getitem__, default=None)
    floors = []
    for index, frame in enumerate(frames):
        needed, liked = minimum_widths(table, frame, formatted)
        floors.append((needed, liked))
        for floor in (liked, needed):
            widths = _share(frame.width, weights, floor)
            if widths is not None and (
                main is None or widths[main] >= MAIN_SHARE * frame.width * weights[main] / sum(weights)
            ):
                return index, Widths(tuple(widths), fits=True)
    last, frame = len(frames) - 1, frames[-1]
    needed, liked = floors[-1]
    for floor in (liked, needed):
        widths = _share(frame.width, weights, floor)
        if widths is not None:
            return last, Widths(tuple(widths), fits=True)
    total = sum(needed) or 1.0
    return last, Widths(tuple(frame.width * width / total for width in needed), fits=False)


def _share(width: float, weights: Sequence[float], floor: Sequence[float]) -> list[float] | None:
    """`width` shared out in proportion to `weights`, no share below its `floor`: a column whose share falls short
    gets its floor, and the rest is shared again among the others. None if the floors alone exceed `width`."""
    if sum(floor) > width:
        return None
    count = len(weights)
    fixed: dict[int, float] = {}
    while True:
        free = width - sum(fixed.values())
        open_ = [index for index in range(count) if index not in fixed]
        weight = sum(weights[index] for index in open_)
        if not open_:  # every column at its floor: what is left goes in proportion, as the weights asked
            total = sum(weights) or 1.0
            return [fixed[index] + (free * weights[index] / total) for index in range(count)]
        shares = {index: free * weights[index] / weight if weight else free / len(open_) for index in open_}
        short = [index for index in open_ if shares[index] < floor[index]]
        if not short:
            return [fixed[index] if index in fixed else shares[index] for index in range(count)]
        for index in short:
            fixed[index] = floor[index]
