"""The rules every spreadsheet importer shares, written once (the plan workbook, the adopted matrix, the report
workbook, a training's participants, context statistics):

    data, table = upload_table(file, "participants", name=name)  # bounded before it is parsed (nsm.core.spreadsheet)
    header = HEADERS.read(table.row_values(1))      # columns by any of their names, case and accents aside
    problems = Problems()                           # every error at once, each naming its cell, capped
    problems.at(table.cell(4, 2), "...")            # "Participants!B4: ..."
    with all_or_nothing(problems):                  # nothing written when there is any error; one transaction
        ...

This module imports no app of ours: the institutions' lookup, which needs the Institution model, is
`nsm.accounts.names.InstitutionNames`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from nsm.core.spreadsheet import (
    FileInput,
    MessageList,
    SheetReader,
    WorkbookError,
    as_text,
    bounds_for,
    load_sheets,
    load_table,
    normalize_header,
    read_upload,
)

# ----------------------------------------------------------------------------------------------------
# Reading: every upload bounded before it is parsed
# ----------------------------------------------------------------------------------------------------


def upload_sheets(file: FileInput, kind: str) -> tuple[list[SheetReader], list[str]]:
    """The worksheets of an uploaded xlsx and the titles of its chart sheets, bounded as `IMPORT_BOUNDS[kind]` says
    (its size before it is read, its zip, rows, columns and cells while it is)."""
    bounds = bounds_for(kind)
    return load_sheets(read_upload(file, bounds), bounds)


def upload_table(
    file: FileInput, kind: str, *, name: str = "", place: Callable[[int, int], str] | None = None
) -> SheetReader:
    """The table of a one-table upload (the first sheet of an xlsx, or a CSV file), bounded as upload_sheets."""
    bounds = bounds_for(kind)
    return load_table(read_upload(file, bounds), bounds, name=name, place=place)


# ----------------------------------------------------------------------------------------------------
# Errors: every one at once, each naming its cell, capped to a readable number
# ----------------------------------------------------------------------------------------------------


class Problems(MessageList):
    """The errors (or warnings) of one import, each `Sheet!B4: what is expected`: at most IMPORT_MAX_ERRORS kept,
    the others counted."""

    def at(self, cell: str, message: str) -> None:
        self.append(f"{cell}: {message}" if cell else message)

    def extend(self, messages: Iterable[str]) -> None:
        """Messages added, and those another list only counted counted here too."""
        super().extend(messages)
        self.more += getattr(messages, "more", 0)

    def refuse(self, error: Callable[[MessageList], Exception] = WorkbookError) -> None:
        """Raise `error` with every message when there is any."""
        if self.total:
            raise error(self)


def problems_of(messages: Iterable[str]) -> Problems:
    """Messages (a list, or another MessageList with the count of those it only counted) as Problems."""
    problems = Problems()
    problems.extend(messages)
    return problems


@dataclass(frozen=True)
class RowError:
    """A refused value of a row given as data (typed on a page, or read from a file): its row (1-based among the
    rows given, or the file's row), field, what is expected, and the cell when it came from a file."""

    row: int
    field: str
    message: str
    cell: str = ""

    def __str__(self) -> str:
        where = self.cell or _("Row %(row)s") % {"row": self.row}
        return f"{where}: {self.message}"


@dataclass
class Row:
    """One row of a sheet: the cell of each column (for messages), the values read, the columns that failed."""

    sheet: str
    number: int
    refs: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    bad: set[str] = field(default_factory=set)

    def cell(self, name: str) -> str:
        """The cell of the column `name`, else of the row's code, else the row's first cell."""
        found = self.refs.get(name) or self.refs.get("code") or next(iter(self.refs.values()), "")
        return found or f"{self.sheet}!A{self.number or 1}"


# ----------------------------------------------------------------------------------------------------
# Headers: a column by any of its names, in either language, case, accents, spacing and punctuation aside
# ----------------------------------------------------------------------------------------------------


@dataclass
class HeaderRow:
    """A header row read: the column of each key, the header as written, and the cells not understood."""

    columns: dict[str, int] = field(default_factory=dict)  # key -> column number
    written: dict[str, str] = field(default_factory=dict)  # key -> the header as the file writes it
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (column number, text) naming no column
    repeated: list[tuple[int, str]] = field(default_factory=list)  # (column number, text) naming a column again

    def missing(self, required: Iterable[str]) -> list[str]:
        return [key for key in required if key not in self.columns]


class Headers:
    """The columns of a table by every header that names them: its key, its English and Albanian headers, and the
    headers earlier files gave it. `Institucioni përgjegjës`, `institucioni pergjegjes` and
    `INSTITUCIONI_PERGJEGJES` are one header (`normalize_header`)."""

    def __init__(self, columns: Mapping[str, Iterable[str]]) -> None:
        self.by_name: dict[str, str] = {}
        for key, names in columns.items():
            for name in (key, *names):
                self.by_name.setdefault(normalize_header(name), key)

    def key(self, text: Any) -> str | None:
        """The key of the column `text` names, or None."""
        name = normalize_header(as_text(text))
        return self.by_name.get(name) if name else None

    def read(self, cells: Iterable[tuple[int, Any]]) -> HeaderRow:
        """The header row's cells, (column number, value): the first header naming a column wins."""
        header = HeaderRow()
        for column, value in cells:
            text = as_text(value)
            if not text:
                continue
            key = self.key(text)
            if key is None:
                header.unknown.append((column, text))
            elif key in header.columns:
                header.repeated.append((column, text))
            else:
                header.columns[key] = column
                header.written[key] = text
        return header


def column_twice(text: str) -> str:
    """The message of a header that names a column named already in the row."""
    return _('the column "%(column)s" appears twice') % {"column": text}


# ----------------------------------------------------------------------------------------------------
# Writing: all or nothing
# ----------------------------------------------------------------------------------------------------


@contextmanager
def all_or_nothing(
    problems: Iterable[str] = (), *, refuse: Callable[[MessageList], Exception] = WorkbookError
) -> Iterator[None]:
    """Write an import in one transaction, and only when it has no error: with any of `problems`, `refuse` is raised
    with every one of them before anything is written; an exception raised while writing undoes every write."""
    problems_of(problems).refuse(refuse)
    with transaction.atomic():
        yield
