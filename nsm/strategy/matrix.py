"""The adopted action-plan matrix: one Excel sheet, or one table of a Word document, read through a mapping of its
columns (docs/import-matrix.md) into the multi-sheet workbook's reader, so that every check of the workbook applies.

    mapping = load_mapping(path_or_dict)                      # MatrixMapping; WorkbookError for a wrong mapping
    parsed = read_matrix(file, mapping, name="plan.docx")     # a ParsedPlan, its cells named as in the ORIGINAL file
    preview = plan_changes(parsed)                            # as for the workbook
    summary = apply_matrix(parsed, mapping, by=user)          # apply_plan, and the mapping saved on the strategy

The file is bounded before anything of it is parsed, as the workbook is (`settings.IMPORT_BOUNDS["plan"]`): its
size, then its zip (members, their sizes declared and unpacked), then its rows, columns and cells. Headings (goals,
objectives, sections) are rows of one merged cell, or of one cell holding a value; every other row is an action.
The matrix is turned into the workbook's sheets (Strategy, Results, Activities, Budget, Indicators, Targets) with a
map from each of their cells to the matrix's cell, and every error and warning is named by the matrix's cell:
`Matrix!C14: ...` for a sheet, `Table 1, row 14, column 3: ...` for a Word table.
"""

import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import column_index_from_string, get_column_letter

from nsm.audit import acting_as
from nsm.core.importing import Problems, all_or_nothing
from nsm.core.limits import EXCEL_CELL_CHARS
from nsm.core.spreadsheet import (
    ZIP_MAX_MEMBERS,
    Bounds,
    FileInput,
    MessageList,
    SheetReader,
    WorkbookError,
    as_text,
    bounds_for,
    check_declared_sizes,
    load_sheets,
    member_too_large,
    read_upload,
    unpacked_too_large,
)
from nsm.core.text import fold
from nsm.strategy.models import MAX_LEVELS, MIN_LEVELS, Strategy, default_levels
from nsm.strategy.timeframes import TimeframeError, parse_timeframe
from nsm.strategy.workbook import (
    ACTIVITIES,
    BUDGET,
    INDICATORS,
    RESULTS,
    STRATEGY,
    TARGETS,
    ImportSummary,
    ParsedPlan,
    SheetSpec,
    apply_plan,
    read_sheets,
)

MEANINGS = (
    "reference",
    "title_sq",
    "title_en",
    "responsible",
    "supporting",
    "timeframe",
    "cost_total",
    "source",
    "indicator",
    "baseline",
    "ignore",
)
YEAR_MEANING = re.compile(r"(cost|target)_((?:19|20|21)[0-9]{2})")
STRATEGY_FIELDS = tuple(column.field for column in STRATEGY.columns)
# A heading's own reference when the mapping gives no patterns: `I.`, `V`, `2.`, `1.2`, `A)`, `PG1`, `SO1.2`.
DEFAULT_REFERENCE = (
    r"^(?P<reference>(?:[IVXLC]+|[0-9]+(?:\.[0-9]+)*|[A-Z]|[A-Z]{1,4}\s?[0-9]+(?:\.[0-9]+)*))[.):]?(?=\s|$)"
)
REFERENCE_CHARS = 40
TEXT_SEPARATORS = " \t.:;-–—"  # between a heading's reference and its title
DOCX_MAIN = "word/document.xml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


# ----------------------------------------------------------------------------------------------------
# The mapping
# ----------------------------------------------------------------------------------------------------


@dataclass
class MatrixMapping:
    """How one strategy's matrix is read: where its table is, and what each column means."""

    strategy: dict[str, Any]
    columns: dict[int, str]  # column number (1-based) -> meaning
    header_rows: int = 1
    sheet: str = ""  # xlsx: the sheet's name; empty: the first sheet
    table: int = 1  # docx: the n-th table
    headings: list[str] = field(default_factory=list)  # a regular expression per level above the actions
    sources: dict[str, str] = field(default_factory=dict)  # the plan's words for a source -> the workbook's code
    raw: dict[str, Any] = field(default_factory=dict)  # as given, saved on the strategy
    name: str = "mapping"  # the file it came from, for the messages

    @property
    def code(self) -> str:
        return str(self.strategy.get("code", ""))

    @property
    def language(self) -> str:
        return "en" if "title_en" in self.columns.values() else "sq"

    def column_of(self, meaning: str) -> int | None:
        return next((number for number, what in self.columns.items() if what == meaning), None)

    def years(self, kind: str) -> dict[int, int]:
        """Column number -> year, of the `cost_<year>` (or `target_<year>`) columns."""
        found = {}
        for number, meaning in self.columns.items():
            match = YEAR_MEANING.fullmatch(meaning)
            if match and match.group(1) == kind:
                found[number] = int(match.group(2))
        return found


def _mapping_error(mapping_name: str, message: str) -> WorkbookError:
    return WorkbookError(
        _("The mapping %(name)s is not valid: %(message)s") % {"name": mapping_name, "message": message}
    )


def load_mapping(source: str | Path | dict[str, Any], *, kind: str = "xlsx", name: str = "") -> MatrixMapping:
    """The mapping of a JSON file (or a dict, as saved on a strategy); `kind` (xlsx or docx) says how its columns are
    named: by letter (`"C"`) for a sheet, by number (`"3"`) for a Word table. Refused in one sentence when wrong."""
    if isinstance(source, dict):
        raw, label = source, name or "mapping"
    else:
        label = name or Path(source).name
        try:
            text = Path(source).read_text(encoding="utf-8")
            raw = json.loads(text)
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise _mapping_error(label, _("it cannot be read as JSON (%(error)s).") % {"error": error}) from error
    if not isinstance(raw, dict):
        raise _mapping_error(label, _("it is not a JSON object."))
    strategy = raw.get("strategy")
    if isinstance(strategy, str):
        strategy = {"code": strategy}
    if not isinstance(strategy, dict) or not strategy.get("code"):
        raise _mapping_error(label, _('"strategy" must give the strategy\'s "code".'))
    unknown = sorted(set(strategy) - set(STRATEGY_FIELDS))
    if unknown:
        raise _mapping_error(label, _('"strategy" has fields that are not known: %(fields)s.') % {"fields": unknown})
    columns = _mapping_columns(raw.get("columns"), kind, label)
    header_rows, table = raw.get("header_rows", 1), raw.get("table", 1)
    if not isinstance(header_rows, int) or header_rows < 0 or not isinstance(table, int) or table < 1:
        raise _mapping_error(label, _('"header_rows" is a number from 0, and "table" a number from 1.'))
    headings = raw.get("headings") or []
    if not isinstance(headings, list) or not all(isinstance(pattern, str) for pattern in headings):
        raise _mapping_error(label, _('"headings" is a list of regular expressions, one per level.'))
    for pattern in headings:
        try:
            re.compile(pattern)
        except re.error as error:
            raise _mapping_error(
                label,
                _('the heading pattern "%(pattern)s" is not a regular expression: %(error)s.')
                % {"pattern": pattern, "error": error},
            ) from error
    sources = raw.get("sources") or {}
    if not isinstance(sources, dict) or not all(isinstance(value, str) for value in sources.values()):
        raise _mapping_error(label, _('"sources" maps the plan\'s words for a source to a source code.'))
    return MatrixMapping(
        strategy=dict(strategy),
        columns=columns,
        header_rows=header_rows,
        sheet=str(raw.get("sheet") or ""),
        table=table,
        headings=headings,
        sources={fold(key): value for key, value in sources.items()},
        raw=raw,
        name=label,
    )


def _mapping_columns(given: Any, kind: str, label: str) -> dict[int, str]:
    if not isinstance(given, dict) or not given:
        raise _mapping_error(label, _('"columns" must assign a meaning to the columns of the table.'))
    columns: dict[int, str] = {}
    for key, meaning in given.items():
        number = _column_number(str(key), kind)
        if number is None:
            example = "C" if kind == "xlsx" else "3"
            raise _mapping_error(
                label,
                _('the column "%(column)s" is not a column (for example %(example)s).')
                % {"column": key, "example": example},
            )
        if not isinstance(meaning, str) or not (meaning in MEANINGS or YEAR_MEANING.fullmatch(meaning)):
            raise _mapping_error(
                label,
                _('the column %(column)s has no known meaning ("%(meaning)s").')
                % {
                    "column": key,
                    "meaning": meaning,
                },
            )
        if meaning != "ignore" and meaning in columns.values():
            raise _mapping_error(label, _('two columns mean "%(meaning)s".') % {"meaning": meaning})
        columns[number] = meaning
    meanings = set(columns.values())
    if not meanings & {"title_sq", "title_en"} or {"title_sq", "title_en"} <= meanings:
        raise _mapping_error(label, _("one column must hold the action's text: title_sq or title_en."))
    if "responsible" not in meanings:
        raise _mapping_error(label, _('one column must be "responsible" (the lead institution).'))
    if "cost_total" in meanings and any(m.startswith("cost_") and m != "cost_total" for m in meanings):
        raise _mapping_error(label, _("a cost_total column is read only when there are no cost_<year> columns."))
    return columns


def _column_number(key: str, kind: str) -> int | None:
    if kind == "docx":
        return int(key) if key.isdigit() and int(key) >= 1 else None
    try:
        return column_index_from_string(key.strip().upper())
    except ValueError:
        return None


# ----------------------------------------------------------------------------------------------------
# The matrix as rows of cells, each cell knowing where it is in the original file
# ----------------------------------------------------------------------------------------------------


@dataclass
class MatrixRow:
    number: int
    values: dict[int, Any]  # column number -> value (merged cells give theirs to every cell they cover)
    origins: dict[int, str]  # column number -> the original cell's name
    heading: bool = False
    heading_column: int = 1


def kind_of(name: str) -> str:
    """The kind of matrix a file's name says: docx or xlsx."""
    return "docx" if name.lower().endswith(".docx") else "xlsx"


def sheet_rows(sheet: SheetReader, mapping: MatrixMapping) -> list[MatrixRow]:
    """A sheet's rows below its headers: a row with one value of its own and nothing merged down into it from
    above is a heading (one merged cell across the row, or one cell filled)."""
    from_above: dict[tuple[int, int], Any] = {}
    for min_row, min_col, max_row, max_col, value in sheet.merged:
        for row in range(min_row + 1, max_row + 1):
            for column in range(min_col, max_col + 1):
                from_above[(row, column)] = value
    rows = []
    for number in sheet.rows():
        if number <= mapping.header_rows:
            continue
        own = [column for (row, column) in sheet.cells if row == number and as_text(sheet.cells[(row, column)])]
        if not own:
            continue
        wanted = set(mapping.columns) | set(own)
        values = {column: sheet.value(number, column) for column in wanted}
        origins = {column: sheet.cell(number, column) for column in wanted}
        inherited = any((number, column) in from_above for column in mapping.columns)
        heading = len(own) == 1 and not inherited
        rows.append(MatrixRow(number, values, origins, heading=heading, heading_column=min(own)))
    return rows


def _read_xlsx(data: bytes, mapping: MatrixMapping, bounds: Bounds) -> list[MatrixRow]:
    sheets, _charts = load_sheets(data, bounds)  # the workbook's reader: every bound checked while it reads
    if mapping.sheet:
        chosen = next((sheet for sheet in sheets if sheet.name.casefold() == mapping.sheet.casefold()), None)
        if chosen is None:
            raise WorkbookError(
                _('The workbook has no sheet "%(sheet)s": the mapping names one of %(sheets)s.')
                % {"sheet": mapping.sheet, "sheets": ", ".join(f'"{sheet.name}"' for sheet in sheets)}
            )
        return sheet_rows(chosen, mapping)
    if not sheets:
        raise WorkbookError(_("The workbook has no sheet with a table."))
    return sheet_rows(sheets[0], mapping)


def _check_docx_archive(data: bytes, bounds: Bounds) -> None:
    """A .docx is a zip: refuse another file, macros and zip bombs from the directory, then count the bytes each part
    really unpacks to (a directory may lie), before Word's XML is parsed."""
    not_docx = WorkbookError(
        _("The file is not a Word document (.docx). Save it as a .docx document (not .doc or .odt) and try again.")
    )
    if not data.startswith(b"PK"):
        raise not_docx
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if DOCX_MAIN not in names:
                raise not_docx
            if len(entries) > ZIP_MAX_MEMBERS:
                raise _damaged_docx()
            if any("vbaproject" in name.lower() for name in names):
                raise WorkbookError(
                    _("The document holds macros: save it as a Word document (.docx) without macros and try again.")
                )
            check_declared_sizes(entries, bounds)
            unpacked = 0
            for entry in entries:
                unpacked += _unpacked_size(archive, entry, bounds, bounds.max_unpacked_bytes - unpacked)
            head = archive.read(DOCX_MAIN)[:4096]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError) as error:
        raise _damaged_docx() from error
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise _damaged_docx()


def _damaged_docx() -> WorkbookError:
    return WorkbookError(_("The file is damaged: it cannot be opened as a Word document."))


def _unpacked_size(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, bounds: Bounds, left: int) -> int:
    size = 0
    with archive.open(entry) as part:
        while chunk := part.read(64 * 1024):
            size += len(chunk)
            if size > bounds.max_member_bytes:
                raise member_too_large(bounds, entry.filename)
            if size > left:
                raise unpacked_too_large(bounds)
    return size


def _docx_cell_name(table: int, row: int, column: int) -> str:
    return _("Table %(table)s, row %(row)s, column %(column)s") % {"table": table, "row": row, "column": column}


def word_tables(data: bytes, bounds: Bounds) -> list[Any]:
    """The tables of a Word document (python-docx's), its archive checked first (`_check_docx_archive`)."""
    import docx  # python-docx: only for a Word matrix

    _check_docx_archive(data, bounds)
    try:
        return docx.Document(io.BytesIO(data)).tables
    except Exception as error:  # noqa: BLE001 - any failure to open the document is one sentence
        raise _damaged_docx() from error


def table_rows(table: Any, mapping: MatrixMapping, bounds: Bounds) -> list[MatrixRow]:
    """The rows of the mapping's table (`table`, one of word_tables'), its rows, columns and cells bounded first."""
    _check_table_bounds(table._tbl, mapping.table, bounds)
    return _table_rows(table._tbl, mapping)


def _read_docx(data: bytes, mapping: MatrixMapping, bounds: Bounds) -> list[MatrixRow]:
    tables = word_tables(data, bounds)
    if len(tables) < mapping.table:
        raise WorkbookError(
            _("The document has %(count)s tables: the mapping reads table %(table)s.")
            % {"count": len(tables), "table": mapping.table}
        )
    return table_rows(tables[mapping.table - 1], mapping, bounds)


def _check_table_bounds(tbl: Any, number: int, bounds: Bounds) -> None:
    """Rows, columns and cells counted on the table's elements, before any text is read."""
    rows = tbl.tr_lst
    if len(rows) > bounds.max_rows:
        raise WorkbookError(
            _("Table %(table)s has more than %(limit)s rows: %(kind)s may have at most %(limit)s rows in a table.")
            % {"table": number, "limit": f"{bounds.max_rows:,}", "kind": _("an action-plan matrix")}
        )
    cells = 0
    for index, tr in enumerate(rows, start=1):
        width = tr.grid_before + sum(tc.grid_span for tc in tr.tc_lst)
        cells += len(tr.tc_lst)
        if width > bounds.max_columns:
            raise WorkbookError(
                _("%(cell)s is past the last column allowed: %(kind)s may use at most %(limit)s columns.")
                % {
                    "cell": _docx_cell_name(number, index, width),
                    "kind": _("an action-plan matrix"),
                    "limit": f"{bounds.max_columns:,}",
                }
            )
    if cells > bounds.max_cells:
        raise WorkbookError(
            _("The file holds more than %(limit)s cells: %(kind)s may hold at most %(limit)s.")
            % {"limit": f"{bounds.max_cells:,}", "kind": _("an action-plan matrix")}
        )


def _tc_text(tc: Any) -> str:
    """A Word cell's text: its paragraphs and line breaks are lines; a tab is a space."""
    lines = []
    for paragraph in tc.iter(f"{W}p"):
        pieces = []
        for node in paragraph.iter(f"{W}t", f"{W}br", f"{W}cr", f"{W}tab"):
            if node.tag == f"{W}t":
                pieces.append(node.text or "")
            else:
                pieces.append(" " if node.tag == f"{W}tab" else "\n")
        lines.append("".join(pieces))
    return "\n".join(lines).strip()


def _table_rows(tbl: Any, mapping: MatrixMapping) -> list[MatrixRow]:
    """A Word table's rows below its headers. A cell continuing a vertical merge gives the value of the cell above
    it; a row whose cells are one cell (merged across) or whose only text is in one cell is a heading."""
    above: dict[int, tuple[Any, str]] = {}  # grid column -> (value, origin) of the last row, for vertical merges
    rows = []
    for number, tr in enumerate(tbl.tr_lst, start=1):
        values: dict[int, Any] = {}
        origins: dict[int, str] = {}
        own: list[int] = []
        inherited = False
        column = tr.grid_before + 1
        for tc in tr.tc_lst:
            span = tc.grid_span
            if tc.vMerge == "continue" and column in above:
                value, origin = above[column]
                inherited = inherited or (bool(value) and column in mapping.columns)
            else:
                value, origin = _tc_text(tc), _docx_cell_name(mapping.table, number, column)
                if value:
                    own.append(column)
            if isinstance(value, str) and len(value) > EXCEL_CELL_CHARS:
                value = value[: EXCEL_CELL_CHARS + 1]  # the reader names it as too long; no more is kept
            for covered in range(column, column + span):
                values[covered], origins[covered] = value, origin
                above[covered] = (value, origin)
            column += span
        if number <= mapping.header_rows or not own:
            continue
        rows.append(MatrixRow(number, values, origins, heading=len(own) == 1 and not inherited, heading_column=own[0]))
    return rows


# ----------------------------------------------------------------------------------------------------
# The matrix as the workbook's sheets
# ----------------------------------------------------------------------------------------------------


class _Sheet:
    """One sheet of the workbook being built: its header row, its rows, and the original cell of each cell."""

    def __init__(self, spec: SheetSpec, fields: Iterable[str], places: dict[str, str]) -> None:
        self.spec = spec
        self.fields = list(fields)
        self.cells: dict[tuple[int, int], Any] = {(1, index): name for index, name in enumerate(self.fields, start=1)}
        self.places = places
        self.count = 1

    def add(self, values: dict[str, Any], origins: dict[str, str], default: str) -> None:
        self.count += 1
        for index, name in enumerate(self.fields, start=1):
            value = values.get(name)
            if value is not None and value != "":
                self.cells[(self.count, index)] = value
            self.places[f"{self.spec.name}!{get_column_letter(index)}{self.count}"] = origins.get(name, default)

    def reader(self) -> SheetReader:
        return SheetReader(self.spec.name, self.cells)


def _one_line(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


class _Converter:
    """Turns the matrix's rows into the workbook's sheets; `places` maps each cell made to the matrix's cell."""

    def __init__(self, mapping: MatrixMapping, rows: list[MatrixRow]) -> None:
        self.mapping = mapping
        self.rows = rows
        self.places: dict[str, str] = {}
        self.errors = Problems()
        self.current = Strategy.objects.filter(code=mapping.code).first()
        self.depth = self._depth()
        if not MIN_LEVELS <= self.depth <= MAX_LEVELS:
            raise _mapping_error(mapping.name, _("a plan has from 2 to 5 levels, the last one its actions."))
        if mapping.headings and len(mapping.headings) != self.depth - 1:
            raise _mapping_error(
                mapping.name,
                _('"headings" gives one pattern for each level above the actions: %(count)s in this plan.')
                % {"count": self.depth - 1},
            )
        if not mapping.headings and self.depth > 2:
            raise _mapping_error(
                mapping.name, _('a plan of more than two levels needs "headings": one pattern for each level.')
            )
        self.language = mapping.language
        title = f"title_{self.language}"
        self.strategy = _Sheet(STRATEGY, ["field", "value"], self.places)
        self.results = _Sheet(RESULTS, ["code", "reference", title], self.places)
        activity_fields = ["code", "reference", title, "responsible", "supporting", "timeframe", "start", "end"]
        self.has_costs = bool(mapping.years("cost")) or mapping.column_of("cost_total") is not None
        if self.has_costs:
            activity_fields.append("cost_basis")
        self.activities = _Sheet(ACTIVITIES, activity_fields, self.places)
        self.budget = _Sheet(BUDGET, ["activity", "year", "source", "donor", "amount"], self.places)
        self.indicators = _Sheet(INDICATORS, ["code", "result", f"name_{self.language}", "baseline"], self.places)
        self.targets = _Sheet(TARGETS, ["indicator", "year", "value"], self.places)
        self.path: list[int] = []  # the numbers of the last heading on each level
        self.children: dict[str, int] = {}  # code -> how many items are under it so far

    def _depth(self) -> int:
        for key in ("levels_en", "levels_sq"):
            names = str(self.mapping.strategy.get(key) or "")
            if names.strip():
                return len(names.split(">"))
        if self.current is not None:
            return self.current.depth
        return len(default_levels())

    def sheets(self) -> list[SheetReader]:
        self._strategy_sheet()
        for row in self.rows:
            if row.heading:
                self._heading(row)
            else:
                self._action(row)
        return [
            s.reader()
            for s in (self.strategy, self.results, self.activities, self.budget, self.indicators, self.targets)
        ]

    # -- Strategy: the mapping's fields, else the strategy's own --------------------------------------------------

    def _strategy_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if self.current is not None:
            plan = self.current
            values = {
                "code": plan.code,
                "reference": plan.reference,
                "country": plan.country,
                "title_sq": plan.title_sq,
                "title_en": plan.title_en,
                "start_year": plan.start_year,
                "end_year": plan.end_year,
                "plan_start_year": plan.plan_start_year,
                "plan_end_year": plan.plan_end_year,
                "currency": plan.currency,
                "is_illustrative": "yes" if plan.is_illustrative else "no",
            }
        values.update(self.mapping.strategy)
        return values

    def _strategy_sheet(self) -> None:
        where = f"{self.mapping.name}: strategy"
        self.places[f"{STRATEGY.name}!A1"] = where
        for name, value in self._strategy_values().items():
            if value is None or value == "":
                continue
            here = f"{where}.{name}"
            self.strategy.add({"field": name, "value": value}, {}, here)

    def _plan_years(self) -> range | None:
        values = self._strategy_values()
        try:
            return range(int(values["plan_start_year"]), int(values["plan_end_year"]) + 1)
        except (KeyError, TypeError, ValueError):
            return None

    # -- headings: results ----------------------------------------------------------------------------------------

    def _heading(self, row: MatrixRow) -> None:
        text = as_text(row.values.get(row.heading_column))
        origin = row.origins.get(row.heading_column, "")
        level, reference, title = self._heading_level(text)
        if level is None:
            self.errors.at(
                origin,
                _('the heading "%(text)s" matches none of the mapping\'s heading patterns') % {"text": text[:80]},
            )
            return
        if level > len(self.path) + 1:
            self.errors.at(
                origin,
                _("a heading of level %(level)s comes before any heading of level %(above)s above it")
                % {"level": level, "above": level - 1},
            )
            return
        code = self._next_code(self.path[: level - 1])
        self.path = [*self.path[: level - 1], int(code.rpartition(".")[2])]
        values = {"code": code, "reference": reference, f"title_{self.language}": _one_line(title)}
        self.results.add(values, {}, origin)

    def _heading_level(self, text: str) -> tuple[int | None, str, str]:
        """The heading's level (1 in a plan of two levels, else that of the first pattern it matches), its
        reference as written and its title."""
        if not self.mapping.headings:
            return 1, *_split_heading(text, re.match(DEFAULT_REFERENCE, text))
        for level, pattern in enumerate(self.mapping.headings, start=1):
            match = re.match(pattern, text, flags=re.IGNORECASE)
            if match:
                return level, *_split_heading(text, match)
        return None, "", text

    def _next_code(self, parent: list[int]) -> str:
        key = ".".join(str(number) for number in parent)
        self.children[key] = self.children.get(key, 0) + 1
        return ".".join([*(str(number) for number in parent), str(self.children[key])])

    # -- actions: activities, budget lines, indicators, targets --------------------------------------------------

    def _cell(self, row: MatrixRow, meaning: str) -> tuple[Any, str]:
        column = self.mapping.column_of(meaning)
        if column is None:
            return None, ""
        value = row.values.get(column)
        return (value.strip() if isinstance(value, str) else value), row.origins.get(column, "")

    def _action(self, row: MatrixRow) -> None:
        title, title_at = self._cell(row, f"title_{self.language}")
        anchor = title_at or next(iter(row.origins.values()), "")
        if len(self.path) != self.depth - 1:
            self.errors.at(
                anchor,
                _("this action comes before a heading of each level above it (%(levels)s levels of headings)")
                % {"levels": self.depth - 1},
            )
            return
        code = self._next_code(self.path)
        reference, reference_at = self._cell(row, "reference")
        responsible, responsible_at = self._cell(row, "responsible")
        supporting, supporting_at = self._cell(row, "supporting")
        timeframe, timeframe_at = self._cell(row, "timeframe")
        values = {  # the institutions as written, in order: the workbook's reader splits and finds them
            "code": code,
            "reference": _one_line(as_text(reference)),
            f"title_{self.language}": _one_line(title),
            "responsible": as_text(responsible) or None,
            "supporting": as_text(supporting),
            "timeframe": _one_line(as_text(timeframe)),
        }
        origins = {
            "code": reference_at or anchor,
            "reference": reference_at,
            f"title_{self.language}": title_at,
            "responsible": responsible_at or anchor,
            "supporting": supporting_at or anchor,
            "timeframe": timeframe_at or anchor,
            "start": timeframe_at or anchor,
            "end": timeframe_at or anchor,
        }
        self._costs(row, code, values, origins, anchor)
        self.activities.add(values, origins, anchor)
        self._indicator(row, code, anchor)

    def _costs(self, row: MatrixRow, code: str, values: dict, origins: dict, anchor: str) -> None:
        source_text, source_at = self._cell(row, "source")
        source, donor = self._source(as_text(source_text))
        years: dict[int, int | None] = dict(self.mapping.years("cost"))
        total = self.mapping.column_of("cost_total")
        if total is not None:
            years = {total: self._first_year(as_text(values.get("timeframe")))}
        for column, year in years.items():
            amount, at = row.values.get(column), row.origins.get(column, anchor)
            text = as_text(amount)
            if not text:
                continue
            if isinstance(amount, str) and not any(char.isdigit() for char in text):
                values["cost_basis"], origins["cost_basis"] = _one_line(text), at  # "Brenda buxhetit"
                continue
            line = {"activity": code, "year": year, "source": source, "donor": donor, "amount": amount}
            self.budget.add(line, {"source": source_at or at, "donor": source_at or at}, at)

    def _source(self, text: str) -> tuple[str, str]:
        """The workbook's source code for the plan's words (the mapping's `sources`), the state budget when empty; a
        donor is named by the words written."""
        if not text:
            return "state_budget", ""
        code = self.mapping.sources.get(fold(text), text)
        return code, (text if code == "donor" else "")

    def _first_year(self, timeframe: str) -> int | None:
        years = self._plan_years()
        if years is not None and timeframe:
            try:
                return parse_timeframe(timeframe, years).start[0]
            except TimeframeError:
                pass
        return years.start if years is not None else None

    def _indicator(self, row: MatrixRow, code: str, anchor: str) -> None:
        name, name_at = self._cell(row, "indicator")
        if not as_text(name):
            return
        baseline, baseline_at = self._cell(row, "baseline")
        indicator = f"I.{code}"
        values = {"code": indicator, "result": code, f"name_{self.language}": _one_line(name), "baseline": baseline}
        self.indicators.add(values, {f"name_{self.language}": name_at, "baseline": baseline_at or name_at}, name_at)
        for column, year in self.mapping.years("target").items():
            value, at = row.values.get(column), row.origins.get(column, anchor)
            if as_text(value):
                self.targets.add({"indicator": indicator, "year": year, "value": value}, {}, at)


def _split_heading(text: str, match: re.Match[str] | None) -> tuple[str, str]:
    """`PG1: Improve ...` -> (`PG1`, `Improve ...`): the heading's reference as written, then its title."""
    if match is None:
        return "", text
    groups = match.groupdict()
    reference = (groups.get("reference") or match.group(0)).strip().rstrip(".:)").strip()
    title = text[match.end() :].lstrip(TEXT_SEPARATORS).strip()
    if len(reference) > REFERENCE_CHARS or not title:
        return "", text
    return reference, title


# ----------------------------------------------------------------------------------------------------
# Reading, and naming every message by the original cell
# ----------------------------------------------------------------------------------------------------


def _renamed(message: str, places: dict[str, str]) -> str:
    cell, separator, rest = message.partition(": ")
    return f"{places[cell]}: {rest}" if separator and cell in places else message


def _rename_all(messages: MessageList, places: dict[str, str]) -> Problems:
    renamed = Problems(_renamed(message, places) for message in messages)
    renamed.more += messages.more
    return renamed


def _relocate(parsed: ParsedPlan, places: dict[str, str]) -> None:
    """Every cell the parsed plan names (its errors, warnings, and each row's cells, for the errors of the write)
    becomes the matrix's cell."""
    parsed.errors = _rename_all(parsed.errors, places)
    parsed.warnings = _rename_all(parsed.warnings, places)
    rows = [parsed.strategy] if parsed.strategy else []
    for table in (parsed.results, parsed.activities, parsed.budget, parsed.indicators, parsed.targets):
        rows.extend(table.values())
    for row in rows:
        row.refs = {name: places.get(cell, cell) for name, cell in row.refs.items()}
    parsed.named_institutions = [
        (places.get(cell, cell), written, code) for cell, written, code in parsed.named_institutions
    ]


def read_matrix(file: FileInput, mapping: MatrixMapping, *, name: str | None = None) -> ParsedPlan:
    """Read and check a matrix (.xlsx or .docx, by its name) through its mapping. A file that cannot be read, or
    passes one of the plan's upload bounds, raises WorkbookError with one sentence; every other problem is an error
    of the ParsedPlan naming the matrix's cell."""
    file_name = name or (Path(file).name if isinstance(file, str | Path) else getattr(file, "name", "") or "")
    bounds = bounds_for("plan")
    data = read_upload(file, bounds)
    kind = kind_of(file_name) if file_name else ("docx" if b"word/" in data[:2048] else "xlsx")
    rows = _read_docx(data, mapping, bounds) if kind == "docx" else _read_xlsx(data, mapping, bounds)
    return read_rows(rows, mapping, name=file_name)


def read_rows(rows: list[MatrixRow], mapping: MatrixMapping, *, name: str) -> ParsedPlan:
    """Check the matrix's rows (of the mapping's sheet or table: sheet_rows, table_rows) as read_matrix does, for a
    file already opened."""
    converter = _Converter(mapping, rows)
    sheets = converter.sheets()
    parsed = read_sheets(sheets, name=Path(name).name)
    _relocate(parsed, converter.places)
    if converter.errors:
        converter.errors.extend(parsed.errors)
        parsed.errors = converter.errors
    return parsed


def apply_matrix(
    parsed: ParsedPlan, mapping: MatrixMapping, *, by: Any, expected: str | None = None, amendment_reason: str = ""
) -> ImportSummary:
    """Import the matrix's plan (apply_plan) and keep its mapping on the strategy for the next import, in one
    transaction; the mapping is saved (with its history row) only when it changed. With `expected` (the fingerprint
    of the preview confirmed), PreviewOutdated is raised and nothing written when the import would now do otherwise."""
    with all_or_nothing(parsed.errors):
        summary = apply_plan(parsed, by=by, expected=expected, amendment_reason=amendment_reason)
        strategy = Strategy.objects.select_for_update().get(code=parsed.strategy_code)
        if strategy.matrix_mapping != mapping.raw:
            reason = _("import of %(name)s") % {"name": parsed.file_name or "matrix"}
            with acting_as(by, reason=reason):
                strategy.matrix_mapping = mapping.raw
                strategy.save(update_fields=["matrix_mapping"])
    return summary
