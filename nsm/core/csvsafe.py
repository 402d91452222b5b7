"""Every CSV the product writes goes through here, so that no cell is run as a formula when the file is opened.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and, in some programs, a tab or a carriage return
before them) as a formula: a plan item titled `=HYPERLINK("http://...")` would become a link, or worse, in the
hands of whoever opens the download. Such a text cell is written with an apostrophe in front, as spreadsheets
themselves do to show a text as it is (OWASP's advice for CSV injection). A text that reads as a plain number
(`-5`, `+1.5`, `-2.5e3`) stays as it is: it is a number, not a formula, and a negative amount must stay a number.
Numbers given as numbers are never touched. The xlsx files need none of this: their text cells are stored as text.
"""

import csv
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def cell(value: Any) -> str:
    """The text of one CSV cell: empty for None, numbers as they are, a text that would start a formula quoted."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeWriter:
    """`csv.writer`'s `writerow` and `writerows`, each cell through `cell`."""

    def __init__(self, out: Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: Any, **options: Any) -> SafeWriter:
    """A CSV writer (the options are `csv.writer`'s) whose cells a spreadsheet never runs as formulas."""
    return SafeWriter(out, **options)
