"""Reading an uploaded spreadsheet (xlsx) or CSV file, bounded before anything is parsed: the one reader of every
importer (the action-plan workbook, the progress-report workbook, a training's participants, context statistics).

    bounds = bounds_for("report")                 # the upload bounds of that kind of file, from the settings
    data = read_upload(file, bounds)              # the bytes, refusing a file over the size bound unread
    sheets, charts = load_sheets(data, bounds)    # every worksheet as a SheetReader of its stored cells
    table = load_table(data, bounds, name=name)   # the first sheet of an xlsx, or a CSV file's rows

Every bound is checked while the file streams, never from what the file says about itself (a sheet's declared
dimension, a zip member's declared size, can lie): the zip and each of its members are counted as they unpack;
rows, columns and cells are counted as they are read; reading stops at the first bound passed, and the file is
refused at once with a sentence that names the bound (`WorkbookError`). Cell by cell, a text longer than Excel's
32,767 characters or holding a control character is an error naming the cell; all of a file's such errors are
given together, at most `IMPORT_MAX_ERRORS` of them and then "and N more errors". Nothing of a file is kept but
its cells' values: no formula is ever evaluated, no macro read, no external reference followed.

The xlsx parts are read with the standard library's streaming XML parser (each element is dropped once read), so
the memory a file takes is that of the cells it keeps, which the bounds limit. This module imports no app of ours.
"""

from __future__ import annotations

import csv
import io
import math
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import ParseError, iterparse

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel, from_ISO8601
from openpyxl.worksheet.worksheet import Worksheet

from nsm.core.limits import EXCEL_CELL_CHARS, has_control_characters

FileInput = str | Path | bytes | IO[bytes]

EXCEL_MAX_ROWS, EXCEL_MAX_COLUMNS = 1_048_576, 16_384
XML_MAX_DEPTH = 64  # a worksheet nests about 6 deep; deeper is a crafted file
STYLES_MAX = 100_000  # cell formats in styles.xml (Excel allows about 64,000)
ZIP_MAX_MEMBERS = 10_000

# ----------------------------------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------------------------------


def more_errors(count: int) -> str:
    return ngettext("and %(count)s more error.", "and %(count)s more errors.", count) % {"count": f"{count:,}"}


class MessageList(list):
    """Messages of which at most `IMPORT_MAX_ERRORS` are kept: past that they are counted, not stored, so that a
    file with millions of wrong cells costs no more memory, and no longer a page, than one with a few hundred."""

    def __init__(self, messages: Iterable[str] = (), *, limit: int | None = None) -> None:
        super().__init__()
        self.limit = settings.IMPORT_MAX_ERRORS if limit is None else limit
        self.more = 0
        for message in messages:
            self.append(message)

    def append(self, message: str) -> None:
        if len(self) < self.limit:
            super().append(message)
        else:
            self.more += 1

    def extend(self, messages: Iterable[str]) -> None:
        for message in messages:
            self.append(message)

    @property
    def total(self) -> int:
        return len(self) + self.more

    def lines(self) -> list[str]:
        """The messages kept, then "and N more errors." when some were only counted."""
        return [*self, more_errors(self.more)] if self.more else list(self)


def capped(messages: str | Iterable[str]) -> MessageList:
    """Messages as a MessageList: at most IMPORT_MAX_ERRORS kept, the others counted."""
    if isinstance(messages, MessageList):
        return messages
    return MessageList([messages] if isinstance(messages, str) else messages)


def message_lines(messages: str | Iterable[str]) -> list[str]:
    """Messages as the lines to show: at most IMPORT_MAX_ERRORS, then "and N more errors."."""
    return capped(messages).lines()


class WorkbookError(Exception):
    """A file that cannot be imported; `messages` says why, each naming its cell where there is one: at most
    IMPORT_MAX_ERRORS of them, the last line then saying how many more there were; `total` counts them all."""

    def __init__(self, messages: str | Iterable[str]) -> None:
        kept = capped(messages)
        self.messages = kept.lines()
        self.total = kept.total
        super().__init__("\n".join(self.messages))


class CellValueError(ValueError):
    """A cell whose value cannot be read: the message says what was expected."""


# ----------------------------------------------------------------------------------------------------
# The bounds of each kind of file
# ----------------------------------------------------------------------------------------------------

KIND_LABELS = {
    "plan": gettext_lazy("an action-plan workbook"),
    "report": gettext_lazy("a progress-report workbook"),
    "participants": gettext_lazy("a participants file"),
    "context": gettext_lazy("a context-statistics file"),
}


@dataclass(frozen=True)
class Bounds:
    """What one kind of upload may hold (`settings.IMPORT_BOUNDS[kind]` and the IMPORT_MAX_* settings)."""

    kind: str
    max_bytes: int
    max_unpacked_bytes: int
    max_member_bytes: int
    max_rows: int  # rows holding a value, in any one sheet
    max_columns: int  # the rightmost column holding a value
    max_cells: int  # stored cells (and shared texts) of the whole file
    max_cell_chars: int = EXCEL_CELL_CHARS

    @property
    def label(self) -> str:
        return str(KIND_LABELS.get(self.kind, gettext_lazy("an uploaded file")))


def bounds_for(kind: str) -> Bounds:
    """The bounds of `kind` ("plan", "report", "participants", "context") as the settings say now."""
    per_kind = settings.IMPORT_BOUNDS[kind]
    return Bounds(
        kind=kind,
        max_bytes=settings.IMPORT_MAX_BYTES,
        max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES,
        max_member_bytes=settings.IMPORT_MAX_MEMBER_BYTES,
        max_rows=per_kind["rows"],
        max_columns=per_kind["columns"],
        max_cells=per_kind["cells"],
        max_cell_chars=min(EXCEL_CELL_CHARS, per_kind.get("cell_chars", EXCEL_CELL_CHARS)),
    )


def _bounds(bounds: Bounds | str | None) -> Bounds:
    if isinstance(bounds, Bounds):
        return bounds
    return bounds_for(bounds or "plan")


def _too_many_rows(bounds: Bounds, sheet: str) -> WorkbookError:
    limit = f"{bounds.max_rows:,}"
    if sheet:
        return WorkbookError(
            _(
                'The sheet "%(sheet)s" has more than %(limit)s rows: %(kind)s may have at most %(limit)s rows in a '
                "sheet."
            )
            % {"sheet": sheet, "limit": limit, "kind": bounds.label}
        )
    return WorkbookError(
        _("The file has more than %(limit)s rows: %(kind)s may have at most %(limit)s rows.")
        % {"limit": limit, "kind": bounds.label}
    )


def _too_many_columns(bounds: Bounds, cell: str) -> WorkbookError:
    return WorkbookError(
        _("%(cell)s is past the last column allowed: %(kind)s may use at most %(limit)s columns (up to %(letter)s).")
        % {
            "cell": cell,
            "kind": bounds.label,
            "limit": f"{bounds.max_columns:,}",
            "letter": _letter(bounds.max_columns),
        }
    )


def _too_many_cells(bounds: Bounds) -> WorkbookError:
    return WorkbookError(
        _("The file holds more than %(limit)s cells: %(kind)s may hold at most %(limit)s.")
        % {"limit": f"{bounds.max_cells:,}", "kind": bounds.label}
    )


def _letter(column: int) -> str:
    return get_column_letter(min(max(column, 1), EXCEL_MAX_COLUMNS))


def cell_name(sheet: str, row: int, column: int) -> str:
    """`Activities!H12`, or `H12` for a CSV file (no sheet)."""
    reference = f"{_letter(column)}{row}"
    return f"{sheet}!{reference}" if sheet else reference


def formula_without_value() -> str:
    return _(
        "the formula has no stored value: open the file in a spreadsheet program, recalculate and save it, or type "
        "the value"
    )


# ----------------------------------------------------------------------------------------------------
# The file and its archive
# ----------------------------------------------------------------------------------------------------


def _too_large(limit: int) -> WorkbookError:
    return WorkbookError(_("The file is too large: the limit is %(limit)s.") % {"limit": filesizeformat(limit)})


def read_upload(file: FileInput, bounds: Bounds | str | None = None) -> bytes:
    """The file's bytes, refusing more than the size bound without reading further."""
    limit = _bounds(bounds).max_bytes
    if isinstance(file, bytes):
        data = file
    elif isinstance(file, str | Path):
        try:
            if Path(file).stat().st_size > limit:
                raise _too_large(limit)
            data = Path(file).read_bytes()
        except OSError as error:
            raise WorkbookError(_("The file cannot be read: %(error)s") % {"error": error.strerror}) from error
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    return data


def _not_xlsx() -> WorkbookError:
    return WorkbookError(
        _(
            "The file is not an Excel workbook (.xlsx). Save it as an .xlsx workbook (not .xls, .ods or "
            "CSV, and without a password) and try again."
        )
    )


def _damaged() -> WorkbookError:
    return WorkbookError(_("The file is damaged: it cannot be opened as an Excel workbook."))


def unpacked_too_large(bounds: Bounds) -> WorkbookError:
    return WorkbookError(
        _("The file is too large once unpacked: the limit is %(limit)s.")
        % {"limit": filesizeformat(bounds.max_unpacked_bytes)}
    )


def member_too_large(bounds: Bounds, name: str) -> WorkbookError:
    return WorkbookError(
        _('The part "%(part)s" of the file is too large once unpacked: the limit for one part is %(limit)s.')
        % {"part": name, "limit": filesizeformat(bounds.max_member_bytes)}
    )


def check_archive(data: bytes, bounds: Bounds | str | None = None) -> None:
    """An xlsx is a zip: refuse other files, damaged archives, macros and zip bombs before anything is unpacked.

    The sizes checked here are those the archive declares; reading counts the bytes really unpacked as well."""
    bounds = _bounds(bounds)
    if not data.startswith(b"PK"):
        raise _not_xlsx()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise _damaged() from error
    if not any(entry.filename.startswith("xl/") for entry in entries):
        raise _not_xlsx()
    if len(entries) > ZIP_MAX_MEMBERS:
        raise _damaged()
    if any(_is_macro(entry.filename) for entry in entries):
        raise WorkbookError(
            _("The workbook holds macros: save it as an Excel workbook (.xlsx) without macros and upload it again.")
        )
    check_declared_sizes(entries, bounds)


def check_declared_sizes(entries: list[zipfile.ZipInfo], bounds: Bounds) -> None:
    """Refuse an archive whose directory declares a part, or a whole, larger than the bounds (any zip: xlsx, docx)."""
    for entry in entries:
        if entry.file_size > bounds.max_member_bytes:
            raise member_too_large(bounds, entry.filename)
    if sum(entry.file_size for entry in entries) > bounds.max_unpacked_bytes:
        raise unpacked_too_large(bounds)


def _is_macro(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith("vbaproject.bin") or lowered.startswith("xl/macrosheets/")


class _Budget:
    """What the whole file may still unpack to, and how many cells it may still hold, counted as it is read."""

    def __init__(self, bounds: Bounds) -> None:
        self.bounds = bounds
        self.unpacked = 0
        self.cells = 0

    def cell(self) -> None:
        self.cells += 1
        if self.cells > self.bounds.max_cells:
            raise _too_many_cells(self.bounds)


class _CountedStream(io.RawIOBase):
    """A zip member as it unpacks, refused once it passes its bound or the whole file passes its own, and
    refused when it declares a document type: no part of an xlsx has one, and entities are how XML grows."""

    def __init__(self, stream: IO[bytes], name: str, budget: _Budget) -> None:
        self.stream, self.name, self.budget, self.read_bytes = stream, name, budget, 0
        self.tail = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self.stream.read(min(len(buffer), 1 << 16))
        size = len(chunk)
        self.read_bytes += size
        self.budget.unpacked += size
        if self.read_bytes > self.budget.bounds.max_member_bytes:
            raise member_too_large(self.budget.bounds, self.name)
        if self.budget.unpacked > self.budget.bounds.max_unpacked_bytes:
            raise unpacked_too_large(self.budget.bounds)
        window = self.tail + chunk
        if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
            raise _damaged()
        self.tail = window[-8:]
        buffer[:size] = chunk
        return size


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _events(archive: zipfile.ZipFile, name: str, budget: _Budget) -> Iterator[tuple[str, Any, list[Any]]]:
    """(event, element, stack of open elements) of one XML part, streaming; each element is dropped from its
    parent once ended, so that memory holds only the path to the current element."""
    stack: list[Any] = []
    try:
        with archive.open(name) as raw:
            stream = io.BufferedReader(_CountedStream(raw, name, budget), 1 << 16)
            # Document types are refused as the part streams (_CountedStream), so no entity is ever declared.
            for event, element in iterparse(stream, events=("start", "end")):  # noqa: S314  # nosec B314
                if event == "start":
                    stack.append(element)
                    if len(stack) > XML_MAX_DEPTH:
                        raise _damaged()
                    yield event, element, stack
                else:
                    yield event, element, stack
                    stack.pop()
                    if stack:
                        del stack[-1][:]
    except WorkbookError:
        raise
    except (ParseError, zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, RuntimeError) as error:
        raise _damaged() from error


# ----------------------------------------------------------------------------------------------------
# Cells
# ----------------------------------------------------------------------------------------------------


@dataclass
class SheetReader:
    """The stored cells of one sheet (or of a CSV file: no name), with merged ranges and formulas that have no
    stored value. Holds only cells with a value, each text stripped."""

    name: str
    cells: dict[tuple[int, int], Any]
    merged: list[tuple[int, int, int, int, Any]] = field(default_factory=list)
    missing_formulas: set[tuple[int, int]] = field(default_factory=set)

    def value(self, row: int, column: int) -> Any:
        value = self.cells.get((row, column))
        if value is None:
            for min_row, min_col, max_row, max_col, top_left in self.merged:
                if min_row <= row <= max_row and min_col <= column <= max_col:
                    return top_left
        return value

    def rows(self, columns: Iterable[int] | None = None) -> list[int]:
        """Row numbers with a value of their own (in `columns`, when given); empty rows are skipped."""
        wanted = None if columns is None else set(columns)
        keys = set(self.cells) | self.missing_formulas
        return sorted({row for row, column in keys if wanted is None or column in wanted})

    def row_values(self, row: int) -> list[tuple[int, Any]]:
        return sorted((column, value) for (r, column), value in self.cells.items() if r == row)

    def cell(self, row: int, column: int) -> str:
        return cell_name(self.name, row, column)


@dataclass
class _TooLong:
    """A text past the bound: only its length is kept."""

    length: int


_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    """Excel writes characters XML cannot hold as `_xHHHH_` (a control character, `_x000D_` a carriage return)
    and a literal `_x` as `_x005F_x`: the text as the spreadsheet program shows it."""
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogates(text: str) -> bool:
    """Half of a character (`_xD800_` unescaped): no database stores it."""
    return bool(_SURROGATE.search(text))


class _Cells:
    """A sheet's cells as they are read: bounds on rows and columns, each text checked."""

    def __init__(
        self,
        name: str,
        bounds: Bounds,
        budget: _Budget,
        problems: MessageList,
        place: Callable[[int, int], str] | None = None,
    ) -> None:
        self.name, self.bounds, self.budget, self.problems = name, bounds, budget, problems
        self.place = place or (lambda row, column: cell_name(name, row, column))
        self.cells: dict[tuple[int, int], Any] = {}
        self.missing_formulas: set[tuple[int, int]] = set()
        self.rows_with_values = 0
        self.row_has_value = False

    def start_row(self) -> None:
        self.row_has_value = False

    def end_row(self) -> None:
        if self.row_has_value:
            self.rows_with_values += 1
            if self.rows_with_values > self.bounds.max_rows:
                raise _too_many_rows(self.bounds, self.name)

    def add(self, row: int, column: int, value: Any, *, formula: bool = False) -> None:
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                value = None
        if value is None and not formula:
            return
        self.row_has_value = True
        if column > self.bounds.max_columns:
            raise _too_many_columns(self.bounds, self.place(row, column))
        if value is None:
            self.missing_formulas.add((row, column))
            return
        if isinstance(value, _TooLong | str):
            value = self._text(row, column, value)
            if value is None:
                return
        self.cells[(row, column)] = value

    def _text(self, row: int, column: int, value: str | _TooLong) -> str | None:
        length = value.length if isinstance(value, _TooLong) else len(value)
        # A _TooLong is past Excel's length, the most that any bound allows (bounds_for): always refused here.
        if isinstance(value, _TooLong) or length > self.bounds.max_cell_chars:
            self.problems.append(
                _("%(cell)s: the cell holds %(length)s characters; a cell may hold at most %(limit)s.")
                % {
                    "cell": self.place(row, column),
                    "length": f"{length:,}",
                    "limit": f"{self.bounds.max_cell_chars:,}",
                }
            )
            return None
        if has_control_characters(value) or _surrogates(value):
            self.problems.append(
                _("%(cell)s: the text holds a control character (such as NUL) that cannot be stored: remove it.")
                % {"cell": self.place(row, column)}
            )
            return None
        return value


# ----------------------------------------------------------------------------------------------------
# The xlsx workbook, part by part
# ----------------------------------------------------------------------------------------------------

_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass
class _Part:
    title: str
    kind: str  # worksheet, chartsheet, ...
    path: str | None
    hidden: bool = False


def _relationships(archive: zipfile.ZipFile, part: str, budget: _Budget) -> dict[str, tuple[str, str]]:
    """The relationships of `part`: id -> (type, path inside the archive)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in archive.NameToInfo:
        return {}
    found: dict[str, tuple[str, str]] = {}
    for event, element, _stack in _events(archive, rels, budget):
        if event == "end" and _local(element.tag) == "Relationship":
            if len(found) > ZIP_MAX_MEMBERS:
                raise _damaged()
            target = element.get("Target", "")
            if element.get("TargetMode") == "External":
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            found[element.get("Id", "")] = (element.get("Type", "").rpartition("/")[2], path)
    return found


def _workbook_path(archive: zipfile.ZipFile, budget: _Budget) -> str:
    for kind, path in _relationships(archive, "", budget).values():
        if kind == "officeDocument" and path in archive.NameToInfo:
            return path
    if "xl/workbook.xml" in archive.NameToInfo:
        return "xl/workbook.xml"
    raise _not_xlsx()


def _workbook_parts(archive: zipfile.ZipFile, budget: _Budget) -> tuple[list[_Part], dict[str, str], bool]:
    """The sheets in their order, the workbook's other parts by type (styles, sharedStrings), and whether dates
    count from 1904."""
    path = _workbook_path(archive, budget)
    rels = _relationships(archive, path, budget)
    sheets: list[_Part] = []
    date1904 = False
    for event, element, _stack in _events(archive, path, budget):
        if event != "end":
            continue
        tag = _local(element.tag)
        if tag == "sheet":
            if len(sheets) >= 1000:
                raise _damaged()
            kind, target = rels.get(element.get(_RELATIONSHIP, ""), ("", None))
            hidden = element.get("state", "visible") != "visible"
            sheets.append(_Part(element.get("name", ""), kind, target, hidden))
        elif tag == "workbookPr":
            date1904 = element.get("date1904", "0").lower() in ("1", "true")
    others = {kind: target for kind, target in rels.values() if kind in ("styles", "sharedStrings")}
    return sheets, others, date1904


def _check_sheet_names(sheets: list[_Part]) -> None:
    """Excel refuses two sheets whose names differ only in letter case; a crafted file may have them."""
    seen: dict[str, str] = {}
    for sheet in sheets:
        key = sheet.title.casefold()
        if key in seen:
            raise WorkbookError(
                _(
                    'The workbook has two sheets whose names differ only in letter case, "%(first)s" and '
                    '"%(second)s": rename or delete one of them and upload the file again.'
                )
                % {"first": seen[key], "second": sheet.title}
            )
        seen[key] = sheet.title


def _date_styles(archive: zipfile.ZipFile, path: str | None, budget: _Budget) -> tuple[set[int], set[int]]:
    """The cell formats (by index) that show a date, and those that show a duration, as openpyxl reads them."""
    if not path or path not in archive.NameToInfo:
        return set(), set()
    custom: dict[int, str] = {}
    formats: list[int] = []
    for event, element, stack in _events(archive, path, budget):
        if event != "end":
            continue
        tag = _local(element.tag)
        if tag == "numFmt":
            custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
        elif tag == "xf" and len(stack) >= 2 and _local(stack[-2].tag) == "cellXfs":
            if len(formats) >= STYLES_MAX:
                raise _damaged()
            formats.append(int(element.get("numFmtId", "0")))
    dates, durations = set(), set()
    for index, number in enumerate(formats):
        code = custom.get(number, BUILTIN_FORMATS.get(number, "General"))
        if is_date_format(code):
            dates.add(index)
        if is_timedelta_format(code):
            durations.add(index)
    return dates, durations


def _shared_strings(archive: zipfile.ZipFile, path: str | None, budget: _Budget) -> list[str | _TooLong]:
    """The shared texts, counted against the cells bound (a file needs no more texts than cells); a text past
    Excel's length is kept as its length only."""
    if not path or path not in archive.NameToInfo:
        return []
    strings: list[str | _TooLong] = []
    parts: list[str] = []
    size = 0
    for event, element, stack in _events(archive, path, budget):
        if event != "end":
            continue
        tag = _local(element.tag)
        if tag == "t" and _in_text(stack, "si"):
            text = element.text or ""
            size += len(text)
            if size <= EXCEL_CELL_CHARS * 2:
                parts.append(text)
        elif tag == "si":
            budget.cell()
            text = _unescape("".join(parts))
            strings.append(_TooLong(size) if size > EXCEL_CELL_CHARS * 2 or len(text) > EXCEL_CELL_CHARS else text)
            parts, size = [], 0
    return strings


def _in_text(stack: list[Any], container: str) -> bool:
    """A `t` element of the text itself (`si/t`, `si/r/t`), not of its phonetic reading (`si/rPh/t`)."""
    parents = [_local(element.tag) for element in stack[-3:-1]]
    return parents[-1:] == [container] or parents == [container, "r"]


_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


@dataclass
class _Styles:
    dates: set[int]
    durations: set[int]
    epoch: Any


def _number(text: str) -> int | float:
    return float(text) if any(mark in text for mark in ".Ee") or text.lower() in ("inf", "nan") else int(text)


def _cell_value(
    kind: str, text: str | None, inline: list[str], style: int, strings: list[str | _TooLong], styles: _Styles
) -> Any:
    """A cell's value as openpyxl gives it with `data_only=True` (a formula's stored result)."""
    if kind == "inlineStr":
        size = sum(len(piece) for piece in inline)
        if size > EXCEL_CELL_CHARS * 2:  # not kept: only its length matters
            return _TooLong(size)
        return _unescape("".join(inline)) if inline else None
    if text is None or text == "":
        return None
    if kind == "s":
        index = int(text)
        if not 0 <= index < len(strings):
            raise _damaged()
        return strings[index]
    if kind in ("str", "e"):
        return _unescape(text)
    if kind == "b":
        return bool(int(text))
    if kind == "d":
        return from_ISO8601(text)
    value = _number(text)
    if isinstance(value, float) and not math.isfinite(value):
        raise _damaged()
    if style in styles.dates:
        try:
            return from_excel(value, styles.epoch, timedelta=style in styles.durations)
        except (OverflowError, ValueError):
            return "#VALUE!"
    return value


def _read_worksheet(
    archive: zipfile.ZipFile,
    part: _Part,
    strings: list[str | _TooLong],
    styles: _Styles,
    bounds: Bounds,
    budget: _Budget,
    problems: MessageList,
) -> SheetReader:
    if part.path is None:  # _read_workbook keeps only the worksheets found in the archive
        raise _damaged()
    cells = _Cells(part.title, bounds, budget, problems)
    merged: list[tuple[int, int, int, int]] = []
    row = column = 0
    text: str | None = None
    inline: list[str] = []
    kind, style, formula = "n", 0, False
    for event, element, stack in _events(archive, part.path, budget):
        tag = _local(element.tag)
        if event == "start":
            if tag == "row":
                budget.cell()  # every row element, with or without cells, is work to read
                number = element.get("r")
                row = int(number) if number else row + 1
                column = 0
                if not 1 <= row <= EXCEL_MAX_ROWS:
                    raise _damaged()
                cells.start_row()
            elif tag == "c":
                budget.cell()
                reference = element.get("r")
                if reference:
                    match = _REFERENCE.fullmatch(reference)
                    if not match:
                        raise _damaged()
                    column, row_of_cell = _column_number(match.group(1)), int(match.group(2))
                    if row_of_cell != row and row_of_cell:
                        row = row_of_cell
                else:
                    column += 1
                if not 1 <= column <= EXCEL_MAX_COLUMNS:
                    raise _damaged()
                kind, text, formula, inline = element.get("t", "n"), None, False, []
                style = int(element.get("s", "0") or 0)
            continue
        if tag == "v" and _local(stack[-2].tag) == "c":
            text = element.text or ""
        elif tag == "f":
            formula = True
        elif tag == "t" and _in_text(stack, "is"):
            piece = element.text or ""
            inline.append(piece if len(piece) <= EXCEL_CELL_CHARS * 2 else " " * len(piece))
        elif tag == "c":
            value = _cell_value(kind, text, inline, style, strings, styles)
            cells.add(row, column, value, formula=formula)
        elif tag == "row":
            cells.end_row()
        elif tag == "mergeCell":
            budget.cell()
            merged.append(_merge_range(element.get("ref", "")))
    sheet = SheetReader(part.title, cells.cells, missing_formulas=cells.missing_formulas)
    for min_row, min_col, max_row, max_col in merged:
        top_left = sheet.cells.get((min_row, min_col))
        if top_left is not None:
            sheet.merged.append((min_row, min_col, max_row, max_col, top_left))
    return sheet


def _merge_range(reference: str) -> tuple[int, int, int, int]:
    first, _colon, last = reference.partition(":")
    start, end = (_REFERENCE.fullmatch(part) for part in (first, last or first))
    if start is None or end is None:
        raise _damaged()
    return int(start.group(2)), _column_number(start.group(1)), int(end.group(2)), _column_number(end.group(1))


def load_sheets(
    data: bytes, bounds: Bounds | str | None = None, *, first_only: bool = False
) -> tuple[list[SheetReader], list[str]]:
    """The worksheets (tables of cells) and the titles of the other sheets (chart sheets), which have no cells.

    Checks the archive first (`check_archive`); raises WorkbookError at the first bound passed, and with every
    cell that holds too long a text or a control character once the file is read."""
    bounds = _bounds(bounds)
    check_archive(data, bounds)
    budget = _Budget(bounds)
    problems = MessageList()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as error:
        raise _damaged() from error
    try:
        with archive:
            return _read_workbook(archive, bounds, budget, problems, first_only=first_only)
    except (ValueError, IndexError, KeyError, OverflowError, TypeError, NotImplementedError) as error:
        raise _damaged() from error


def _read_workbook(
    archive: zipfile.ZipFile, bounds: Bounds, budget: _Budget, problems: MessageList, *, first_only: bool
) -> tuple[list[SheetReader], list[str]]:
    parts, others, date1904 = _workbook_parts(archive, budget)
    _check_sheet_names(parts)
    tables = [part for part in parts if part.kind == "worksheet"]
    if any(part.path not in archive.NameToInfo for part in tables):
        raise _damaged()
    if first_only:
        tables = tables[:1]
    dates, durations = _date_styles(archive, others.get("styles"), budget)
    styles = _Styles(dates, durations, MAC_EPOCH if date1904 else WINDOWS_EPOCH)
    strings = _shared_strings(archive, others.get("sharedStrings"), budget) if tables else []
    sheets = [_read_worksheet(archive, part, strings, styles, bounds, budget, problems) for part in tables]
    if problems:
        raise WorkbookError(problems)
    return sheets, [part.title for part in parts if part.kind != "worksheet"]


# ----------------------------------------------------------------------------------------------------
# CSV files
# ----------------------------------------------------------------------------------------------------


def _delimiter(text: str) -> str:
    """Comma, semicolon (a spreadsheet program's CSV in Albanian) or tab, as the header line shows."""
    first = text.split("\n", 1)[0]
    counts = {delimiter: first.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","


def read_csv(
    data: bytes, bounds: Bounds | str | None = None, *, place: Callable[[int, int], str] | None = None
) -> SheetReader:
    """The cells of a CSV file in UTF-8 (comma, semicolon or tab), bounded as a sheet is; `place(row, column)`
    names a cell in messages (default `C5`). A quotation mark never closed is refused in words."""
    bounds = _bounds(bounds)
    not_utf8 = _("The file is not UTF-8 text: save the CSV as UTF-8 and try again.")
    # Decoded as it is read, so that reading stops at a bound without decoding the rest.
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
    try:
        delimiter = _delimiter(text.read(4096))
        text.seek(0)
    except UnicodeDecodeError as error:
        raise WorkbookError(not_utf8) from error
    problems = MessageList()
    budget = _Budget(bounds)
    cells = _Cells("", bounds, budget, problems, place)
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    number = 0
    try:
        for number, values in enumerate(reader, start=1):
            budget.cell()  # an empty line is work to read too
            cells.start_row()
            for column, value in enumerate(values, start=1):
                budget.cell()
                cells.add(number, column, value)
            cells.end_row()
    except csv.Error as error:
        raise _csv_error(error, number + 1, bounds) from error
    except UnicodeDecodeError as error:
        raise WorkbookError(not_utf8) from error
    if problems:
        raise WorkbookError(problems)
    return SheetReader("", cells.cells)


def _csv_error(error: csv.Error, row: int, bounds: Bounds) -> WorkbookError:
    text = str(error)
    if "field larger than field limit" in text:
        return WorkbookError(
            _(
                "Row %(row)s has a field longer than %(read)s characters (a cell may hold at most %(limit)s): a "
                "quotation mark opened there may never be closed."
            )
            % {"row": f"{row:,}", "read": f"{csv.field_size_limit():,}", "limit": f"{bounds.max_cell_chars:,}"}
        )
    if "unexpected end of data" in text:
        return WorkbookError(
            _(
                "Row %(row)s: a quotation mark opened on this row is never closed. Close it (a quotation mark "
                "inside a text is written twice) and upload the file again."
            )
            % {"row": f"{row:,}"}
        )
    if "expected after" in text:
        return WorkbookError(
            _(
                'Row %(row)s: a quotation mark inside a quoted text must be written twice (""); save the file '
                "from a spreadsheet program and upload it again."
            )
            % {"row": f"{row:,}"}
        )
    return WorkbookError(_("Row %(row)s cannot be read as CSV: %(error)s") % {"row": f"{row:,}", "error": text})


def is_workbook(data: bytes, name: str = "") -> bool:
    """An xlsx by its content (a zip), or by its name when the content is neither zip nor text."""
    return data.startswith(b"PK") or name.lower().endswith((".xlsx", ".xlsm", ".xls"))


def load_table(
    data: bytes,
    bounds: Bounds | str | None = None,
    *,
    name: str = "",
    place: Callable[[int, int], str] | None = None,
) -> SheetReader:
    """The first worksheet of an xlsx, or the rows of a CSV file: the table of a one-table upload."""
    if is_workbook(data, name):
        sheets, _charts = load_sheets(data, bounds, first_only=True)
        if not sheets:
            raise WorkbookError(_("The workbook has no sheet with a table."))
        return sheets[0]
    return read_csv(data, bounds, place=place)


# ----------------------------------------------------------------------------------------------------
# Values
# ----------------------------------------------------------------------------------------------------


def as_text(value: Any) -> str:
    """A cell as text: numbers without a trailing `.0`, dates as ISO dates, text stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


def parse_text(value: Any, limit: int) -> str:
    """A cell as text within its field's limit (nsm/core/limits.py): a longer text is an error, never cut."""
    text = as_text(value)
    if len(text) > limit:
        raise CellValueError(
            _("the text has %(length)s characters; at most %(limit)s are allowed")
            % {"length": f"{len(text):,}", "limit": f"{limit:,}"}
        )
    return text


def normalize_header(text: Any) -> str:
    """`Institucioni përgjegjës` -> `institucioni_pergjegjes`: case, accents and spacing do not matter."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")


_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2212": "-"})
# Digits are 0-9 only: `\d` would also take Arabic-Indic (١٢٣), Devanagari or full-width digits, which Python's
# int() and Decimal() read as numbers, but no one types in a plan by mistake and no spreadsheet sums.
_NUMBER_FORMS = (
    # (pattern with the whole part and the fraction, the grouping separator to remove from the whole part)
    (re.compile(r"(?P<whole>[0-9]+)"), ""),
    (re.compile(r"(?P<whole>[1-9][0-9]{0,2}(?: [0-9]{3})+)(?:[.,](?P<fraction>[0-9]+))?"), " "),
    (re.compile(r"(?P<whole>[1-9][0-9]{0,2}(?:\.[0-9]{3})+),(?P<fraction>[0-9]+)"), "."),
    (re.compile(r"(?P<whole>[1-9][0-9]{0,2}(?:,[0-9]{3})+)\.(?P<fraction>[0-9]+)"), ","),
    (re.compile(r"(?P<whole>[1-9][0-9]{0,2}(?:\.[0-9]{3}){2,})"), "."),
    (re.compile(r"(?P<whole>[1-9][0-9]{0,2}(?:,[0-9]{3}){2,})"), ","),
)
_AMBIGUOUS = re.compile(r"[1-9][0-9]{0,2}[.,][0-9]{3}")
_DECIMAL = re.compile(r"(?P<whole>[0-9]*)[.,](?P<fraction>[0-9]+)")


def has_other_digits(text: str) -> bool:
    """Digits other than 0-9 (Arabic-Indic ١٢٣, Persian, Devanagari, full-width ...)."""
    return any(char.isdigit() and not "0" <= char <= "9" for char in text)


def parse_number(value: Any) -> Decimal:
    """A numeric cell, or text with Albanian or English digit grouping, as a Decimal.

    `1 200 000`, `1.200.000`, `1,200,000`, `1 200,50`, `1.200,50`, `1,200.50` and `1200,5` are read; a single
    `.` or `,` followed by exactly three digits after one to three digits (`1.200`, `12,500`) could be a
    thousands separator or a decimal point, so it is refused as ambiguous rather than guessed. Only the digits
    0-9 are digits.
    """
    if isinstance(value, bool) or value is None:
        raise CellValueError(_("expected a number"))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellValueError(_("expected a number"))
        return Decimal(repr(value))
    if not isinstance(value, str):
        raise CellValueError(_("expected a number, not a date or other value"))
    return _parse_number_text(value)


def _parse_number_text(value: str) -> Decimal:
    if has_other_digits(value):
        raise CellValueError(
            _('"%(value)s" is not a number: write it with the digits 0 to 9') % {"value": value.strip()}
        )
    text = value.translate(_SPACES).strip()
    sign = ""
    if text[:1] in ("-", "+"):
        sign, text = text[0], text[1:].strip()
    for pattern, group in _NUMBER_FORMS:
        match = pattern.fullmatch(text)
        if match:
            whole = match.group("whole").replace(group, "") if group else match.group("whole")
            return _decimal(sign, whole, match.groupdict().get("fraction"))
    if _AMBIGUOUS.fullmatch(text):
        raise CellValueError(
            _(
                '"%(value)s" is ambiguous: write 1200 or 1 200 for a thousand and two hundred, 1,2 or 1.2 '
                "for one point two"
            )
            % {"value": value.strip()}
        )
    match = _DECIMAL.fullmatch(text)
    if match:
        return _decimal(sign, match.group("whole") or "0", match.group("fraction"))
    raise CellValueError(_('"%(value)s" is not a number') % {"value": value.strip()})


def _decimal(sign: str, whole: str, fraction: str | None) -> Decimal:
    return Decimal(f"{sign}{whole}.{fraction}" if fraction else f"{sign}{whole}")


def parse_integer(value: Any) -> int:
    number = parse_number(value)
    if number != number.to_integral_value():
        raise CellValueError(_('"%(value)s" is not a whole number') % {"value": as_text(value)})
    return int(number)


# ----------------------------------------------------------------------------------------------------
# Writing
# ----------------------------------------------------------------------------------------------------


def first_sheet(workbook: Workbook) -> Worksheet:
    """The worksheet a new workbook (`Workbook()`) starts with: openpyxl's `active` may also be None or a chart
    sheet in general."""
    sheet = workbook.active
    if not isinstance(sheet, Worksheet):
        raise TypeError("the workbook has no active worksheet")
    return sheet
