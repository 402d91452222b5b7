"""The progress-report workbook: a focal point's report as an Excel file to fill in offline, and its upload.

    data = export_report(report, "sq")            # bytes: the Report sheet, Activities, Indicators (long format)
    outcome = import_report(report, file, user)   # ImportOutcome; WorkbookError lists every error by its cell

The upload reads the whole file, applies the web form's rules (`services.validate_activity_line` and
`validate_indicator_line`) and reports every error as `Sheet!CELL: message`; nothing is written unless the whole
file is valid. It then saves through `services.save_report` at the version the file was made at, so that a file
made before someone else's change is refused as stale. A file that changes nothing (the same file uploaded twice)
writes nothing, and says so. A file belongs to one report: its Report sheet's report number, cycle (the period),
institution, strategy and version are all checked before any line is read. Reading the file (its upload bounds,
`settings.IMPORT_BOUNDS["report"]`, the zip, numbers, stored cells) is the reading kernel's (`nsm.core.spreadsheet`).
"""

from __future__ import annotations

import io
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from nsm.core import limits
from nsm.core.importing import Headers, Problems, Row, column_twice, upload_sheets
from nsm.core.spreadsheet import (
    CellValueError,
    FileInput,
    SheetReader,
    WorkbookError,
    as_text,
    first_sheet,
    formula_without_value,
    normalize_header,
    parse_number,
    parse_text,
)
from nsm.core.text import fold
from nsm.monitoring import selectors, services
from nsm.monitoring.models import ActivityProgress, ProgressReport, ReportEvent
from nsm.strategy.models import Indicator, stage_lines
from nsm.strategy.workbook import put_cell

__all__ = ["ImportOutcome", "WorkbookError", "export_report", "import_report", "workbook_name"]

# ----------------------------------------------------------------------------------------------------
# The format: sheets, columns and words, in English and Albanian (the file's vocabulary, not translated text)
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Col:
    """One column: its key, English and Albanian headers, width; editable columns are unlocked, others grey."""

    key: str
    en: str
    sq: str
    width: int = 14
    editable: bool = False
    kind: str = "text"
    hidden: bool = False
    aliases: tuple[str, ...] = ()  # the headers earlier workbooks gave the column
    required: bool = True  # an editable column the file must have (a newer column is optional in earlier files)

    def header(self, language: str) -> str:
        return self.sq if language == "sq" else self.en


@dataclass(frozen=True)
class Sheet:
    en: str
    sq: str

    def name(self, language: str) -> str:
        return self.sq if language == "sq" else self.en

    def matches(self, title: str) -> bool:
        return normalize_header(title) in (normalize_header(self.en), normalize_header(self.sq))


INFO = Sheet("Report", "Raporti")
ACTIVITIES = Sheet("Activities", "Aktivitetet")
INDICATORS = Sheet("Indicators", "Treguesit")
LISTS = Sheet("Lists", "Listat")  # hidden: the choices of the dropdowns

ACTIVITY_COLUMNS = (
    Col("code", "Code", "Kodi", 12),
    Col("title", "Activity", "Aktiviteti", 60),
    Col("status", "Status", "Statusi", 26, editable=True, kind="status"),
    Col("percent_complete", "Percent complete", "Përqindja e realizimit", 14, editable=True, kind="percent"),
    Col("spent_state_budget", "Spent: state budget", "Shpenzuar: buxheti i shtetit", 18, editable=True, kind="amount"),
    Col("spent_donor", "Spent: donors", "Shpenzuar: donatorët", 18, editable=True, kind="amount"),
    Col("spent_other", "Spent: other", "Shpenzuar: të tjera", 18, editable=True, kind="amount"),
    # Earlier workbooks had one narrative column: it is read as the Albanian one, the English one is left as stored.
    Col(
        "narrative_sq",
        "Narrative (Albanian)",
        "Përshkrimi (shqip)",
        45,
        editable=True,
        aliases=("Narrative", "Përshkrimi", "narrative"),
    ),
    Col("narrative_en", "Narrative (English)", "Përshkrimi (anglisht)", 45, editable=True, required=False),
)
INDICATOR_COLUMNS = (
    Col("code", "Code", "Kodi", 12),
    Col("name", "Indicator", "Treguesi", 50),
    Col("unit", "Unit", "Njësia", 10),
    Col("value_type", "Value type", "Lloji i vlerës", 12),
    Col("cell", "Cell", "Qeliza", 18),
    Col("value", "Value", "Vlera", 14, editable=True, kind="value"),
    Col("note", "Note", "Shënim", 40, editable=True),
    Col("source", "Source", "Burimi", 30, editable=True),
    Col("key", "Key", "Çelësi", hidden=True),  # "total" or "<dimension>:<category>" codes
)
INFO_FIELDS = (
    Col("strategy", "Strategy", "Strategjia"),
    Col("cycle", "Cycle", "Cikli"),
    Col("institution", "Institution", "Institucioni"),
    Col("status", "Status", "Statusi"),
    Col("report", "Report number", "Numri i raportit"),
    Col("version", "Version", "Versioni"),
)
INFO_HEADERS = Headers({column.key: (column.en, column.sq) for column in INFO_FIELDS})
TOTAL = {"en": "Total", "sq": "Gjithsej"}
TOTAL_KEY = "total"
YES_NO_WORDS = {"en": ("yes", "no"), "sq": ("po", "jo")}
YES_NO_VALUES = {"yes": Decimal(1), "po": Decimal(1), "no": Decimal(0), "jo": Decimal(0)}
SPENDING_PLACES, VALUE_PLACES = 2, 3

_BOLD = Font(bold=True)
_GREY = PatternFill("solid", start_color="E7E7E7", end_color="E7E7E7")
_UNLOCKED = Protection(locked=False)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _language(language: str) -> str:
    return "sq" if (language or "").startswith("sq") else "en"


def _status_labels(language: str) -> dict[str, str]:
    with translation.override(language):
        return {code: str(label) for code, label in ActivityProgress.Status.choices}


def _status_by_text() -> dict[str, str]:
    """Status codes by their normalized code and labels in both languages."""
    known = {normalize_header(code): code for code in ActivityProgress.Status.values}
    for language in ("en", "sq"):
        known.update({normalize_header(label): code for code, label in _status_labels(language).items()})
    return known


def workbook_name(report: ProgressReport) -> str:
    return f"{report.cycle.strategy.code}-{report.cycle.label}-{report.institution.code}.xlsx"


def _category_key(category: Any) -> str:
    return f"{category.dimension.code}:{category.code}"


# ----------------------------------------------------------------------------------------------------
# Writing the workbook
# ----------------------------------------------------------------------------------------------------


def export_report(report: ProgressReport, language: str) -> bytes:
    """The report as a workbook to fill in: its lines prefilled, headers and labels in `language` (sq or en)."""
    language = _language(language)
    report = ProgressReport.objects.select_related("cycle__strategy", "institution").get(pk=report.pk)
    detail = selectors.report_detail(report)
    with translation.override(language):
        workbook = Workbook()
        workbook.remove(first_sheet(workbook))
        _write_info(workbook.create_sheet(INFO.name(language)), report, language)
        lists = _write_lists(workbook.create_sheet(LISTS.name(language)), language)
        _write_activities(workbook.create_sheet(ACTIVITIES.name(language), 1), detail, language, lists)
        _write_indicators(workbook.create_sheet(INDICATORS.name(language), 2), detail, language, lists)
        workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _protect(sheet: Any) -> None:
    """Locked cells cannot be changed (no password: this guards against slips, the upload checks everything)."""
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _write_info(sheet: Any, report: ProgressReport, language: str) -> None:
    sheet.cell(1, 1, _("Progress report")).font = Font(bold=True, size=14)
    cycle, institution = report.cycle, report.institution
    values = {
        "strategy": f"{cycle.strategy.code} {cycle.strategy.title}".strip(),
        "cycle": cycle.label,
        "institution": f"{institution.code} {institution.name}".strip(),
        "status": report.get_status_display(),
        "report": report.pk,
        "version": report.version,
    }
    for number, column in enumerate(INFO_FIELDS, start=3):
        sheet.cell(number, 1, column.header(language)).font = _BOLD
        put_cell(sheet, number, 2, values[column.key])
        sheet.cell(number, 2).alignment = Alignment(horizontal="left")
    start = len(INFO_FIELDS) + 4
    for number, line in enumerate(_instructions(), start=start):
        cell = sheet.cell(number, 1, line)
        cell.font = _BOLD if number == start else Font()
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 70
    _protect(sheet)


def _instructions() -> list[str]:
    """One sentence a line, each a message of its own for the translators."""
    return [
        _("How to fill in this workbook"),
        _("Activities: one row per activity. Choose the status from the list and give the percent complete (0-100)."),
        _("Give the amounts spent in the period by source; a delayed or cancelled activity needs a narrative."),
        _("Write the narrative in Albanian, in English or in both: either one is enough."),
        _("Indicators: one row per value. Give the total and, where there is a breakdown, one value per cell."),
        _("For counts the breakdown must add up to the total. The note and the source go on the Total row."),
        _("Yes/no indicators take yes or no (1 or 0)."),
        _("Grey cells cannot be changed. Do not add, copy or rename rows; rows left out keep their values."),
        _("Upload the file on the report's page: the rules of the web form apply and every error names its cell."),
        _("Nothing is saved while the file has any error."),
        _("If the report was changed after you downloaded this file, the upload is refused: download it again."),
    ]


def _write_lists(sheet: Any, language: str) -> dict[str, str]:
    """The dropdowns' choices on a hidden sheet (a label may hold a comma, which an inline list cannot)."""
    labels = list(_status_labels(language).values())
    for number, label in enumerate(labels, start=1):
        put_cell(sheet, number, 1, label)
    for number, word in enumerate(YES_NO_WORDS[language], start=1):
        put_cell(sheet, number, 2, word)
    sheet.sheet_state = "hidden"
    _protect(sheet)
    name = sheet.title
    return {"status": f"'{name}'!$A$1:$A${len(labels)}", "yes_no": f"'{name}'!$B$1:$B$2"}


def _header_row(sheet: Any, columns: tuple[Col, ...], language: str) -> None:
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(1, index, column.header(language))
        cell.font = _BOLD
        if not column.editable:
            cell.fill = _GREY
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        sheet.column_dimensions[letter].hidden = column.hidden
    sheet.freeze_panes = "C2"


def _write_cell(sheet: Any, row: int, index: int, column: Col, value: Any, *, editable: bool | None = None) -> None:
    """A value (text as text, numbers as numbers); editable cells unlocked, the others grey."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    elif isinstance(value, Decimal):
        value = value.normalize()
    if value is not None and value != "":
        put_cell(sheet, row, index, value, "amount" if column.kind == "amount" else "text")
    cell = sheet.cell(row, index)
    if column.editable if editable is None else editable:
        cell.protection = _UNLOCKED
        if column.kind == "amount":
            cell.number_format = "#,##0.00"
        elif column.kind == "text":
            cell.number_format = "@"
            cell.alignment = _WRAP
    else:
        cell.fill = _GREY


def _validation(sheet: Any, ranges: Iterable[str], **options: Any) -> None:
    ranges = [r for r in ranges if r]
    if not ranges:
        return
    rule = DataValidation(allow_blank=True, showErrorMessage=True, errorTitle=_("Value not accepted"), **options)
    for cell_range in ranges:
        rule.add(cell_range)
    sheet.add_data_validation(rule)


def _write_activities(sheet: Any, detail: selectors.ReportDetail, language: str, lists: dict[str, str]) -> None:
    _header_row(sheet, ACTIVITY_COLUMNS, language)
    labels = _status_labels(language)
    number = 1
    for number, item in enumerate(detail.activities, start=2):
        line = item.line
        values = {
            "code": line.activity.code,
            "title": line.activity.title,
            "status": labels.get(line.status, ""),
            **{name: getattr(line, name) for name in ActivityProgress.VALUE_FIELDS if name != "status"},
        }
        for index, column in enumerate(ACTIVITY_COLUMNS, start=1):
            _write_cell(sheet, number, index, column, values[column.key])
    if number > 1:
        _validation(
            sheet, [f"C2:C{number}"], type="list", formula1=lists["status"], error=_("Choose a status from the list.")
        )
        _validation(
            sheet,
            [f"D2:D{number}"],
            type="whole",
            operator="between",
            formula1="0",
            formula2="100",
            error=_("The percent complete is a whole number from 0 to 100."),
        )
        _validation(
            sheet,
            [f"E2:G{number}"],
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            error=_("Spending cannot be negative."),
        )
    _protect(sheet)


def _indicator_rows(detail: selectors.ReportDetail, language: str) -> Iterable[tuple[Indicator, Any, dict[str, Any]]]:
    """(indicator, category or None, values) for each cell: the total first, then the breakdown."""
    for line in detail.indicators:
        indicator = line.indicator
        common = {
            "code": indicator.code,
            "name": indicator.name,
            "unit": indicator.unit,
            "value_type": indicator.get_value_type_display(),
        }
        total = line.total
        yield (
            indicator,
            None,
            common
            | {
                "cell": TOTAL[language],
                "value": total.value,
                "note": total.note,
                "source": total.source,
                "key": TOTAL_KEY,
            },
        )
        for cell in line.cells:
            yield (
                indicator,
                cell.category,
                common
                | {
                    "cell": cell.category.name,
                    "value": cell.value.value,
                    "key": _category_key(cell.category),
                },
            )


def _write_indicators(sheet: Any, detail: selectors.ReportDetail, language: str, lists: dict[str, str]) -> None:
    _header_row(sheet, INDICATOR_COLUMNS, language)
    yes_no_cells = []
    yes, no = YES_NO_WORDS[language]
    for number, (indicator, category, values) in enumerate(_indicator_rows(detail, language), start=2):
        if indicator.value_type == Indicator.ValueType.YES_NO:
            yes_no_cells.append(f"F{number}")
            if values["value"] is not None and values["value"] in (0, 1):
                values["value"] = yes if values["value"] == 1 else no
        elif indicator.value_type == Indicator.ValueType.MILESTONE and values["value"] is not None:
            values["value"] = indicator.stage_label(values["value"])  # read back by _parse_value
        for index, column in enumerate(INDICATOR_COLUMNS, start=1):
            editable = column.editable and (category is None or column.key == "value")
            _write_cell(sheet, number, index, column, values.get(column.key), editable=editable)
    _validation(
        sheet,
        yes_no_cells,
        type="list",
        formula1=lists["yes_no"],
        error=_("A yes/no indicator takes yes or no."),
    )
    _protect(sheet)


# ----------------------------------------------------------------------------------------------------
# Reading the workbook
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportOutcome:
    """What an upload did: how many values it changed (0: nothing was written) and the report's version after."""

    changed: int
    version: int

    @property
    def has_changes(self) -> bool:
        return self.changed > 0

    @property
    def message(self) -> str:
        if not self.changed:
            return _("No changes: the report already holds every value of the file. Nothing was saved.")
        return ngettext(
            "The workbook was uploaded: %(count)s value was saved.",
            "The workbook was uploaded: %(count)s values were saved.",
            self.changed,
        ) % {"count": self.changed}


@dataclass
class _IndicatorRows:
    """The rows of one indicator in the file, by category id (None: the total)."""

    line: selectors.IndicatorLine
    rows: dict[int | None, Row] = field(default_factory=dict)

    def cell(self, category_id: int | None, key: str) -> str:
        row = self.rows.get(category_id) or next(iter(self.rows.values()))
        return row.cell(key) if category_id in self.rows else row.cell("code")

    @property
    def bad(self) -> bool:
        return any(row.bad & {"value", "note", "source"} for row in self.rows.values())


class _Reader:
    """Reads the sheets against the report's stored lines, collecting every error with its cell."""

    def __init__(self, report: ProgressReport, detail: selectors.ReportDetail, sheets: list[SheetReader]) -> None:
        self.report = report
        self.detail = detail
        self.errors = Problems()  # at most IMPORT_MAX_ERRORS kept, the others counted
        self.version: int | None = None
        self.activities: dict[int, Row] = {}  # activity id -> its row
        self.indicators: dict[int, _IndicatorRows] = {}  # indicator id -> its rows
        self.sheets: dict[Sheet, SheetReader] = {}
        for sheet in sheets:
            spec = next((s for s in (INFO, ACTIVITIES, INDICATORS, LISTS) if s.matches(sheet.name)), None)
            if spec is None:
                continue  # a sheet of the user's own: not read
            if spec in self.sheets:
                self.errors.at(
                    f"{sheet.name}!A1",
                    _('the sheet "%(sheet)s" repeats the sheet "%(other)s"')
                    % {"sheet": sheet.name, "other": self.sheets[spec].name},
                )
            else:
                self.sheets[spec] = sheet

    def read(self) -> None:
        if INFO not in self.sheets:
            raise WorkbookError(
                _(
                    "This is not a progress report workbook: it has no sheet %(sheet)s. Download the report's "
                    "workbook from its page, fill it in and upload it."
                )
                % {"sheet": INFO.en}
            )
        self._read_info(self.sheets[INFO])
        self.errors.refuse()  # another report's file, or the wrong version: its lines are not this report's to check
        for spec, read in ((ACTIVITIES, self._read_activities), (INDICATORS, self._read_indicators)):
            if spec in self.sheets:
                read(self.sheets[spec])
            else:
                self.errors.at(f"{spec.en}!A1", _('the sheet "%(sheet)s" is missing') % {"sheet": spec.en})

    # -- the Report sheet: which report, at which version ----------------------------------------------------

    def _read_info(self, sheet: SheetReader) -> None:
        """Which report the file is of: its number, cycle (the period), institution and strategy must be this
        report's, and its version not ahead of the report's."""
        found: dict[str, tuple[str, Any]] = {}
        for number in sheet.rows(columns=(1,)):
            key = INFO_HEADERS.key(sheet.value(number, 1))
            if key is not None and key not in found:
                found[key] = (f"{sheet.name}!B{number}", sheet.value(number, 2))
        download_again = _("download the report's workbook again")
        for key in ("report", "cycle", "institution", "version"):
            if key not in found:
                label = next(c.en for c in INFO_FIELDS if c.key == key)
                self.errors.at(
                    f"{sheet.name}!A1",
                    _('the field "%(field)s" is missing: %(advice)s') % {"field": label, "advice": download_again},
                )
        if "report" in found:
            self._check_report_number(*found["report"], download_again)
        self._check_identity(found)
        if "version" in found:
            self._check_version(*found["version"], download_again)

    def _check_report_number(self, cell: str, raw: Any, download_again: str) -> None:
        try:
            number = _whole_number(raw)
        except CellValueError as error:
            self.errors.at(cell, f"{error}: {download_again}")
            return
        if number != self.report.pk:
            self.errors.at(
                cell,
                _("this workbook belongs to another report (number %(other)s): download this report's workbook")
                % {"other": number},
            )

    def _check_identity(self, found: dict[str, tuple[str, Any]]) -> None:
        """The cycle by its label (2025-H1: the period), the institution and the strategy by their codes (the
        first word of the cell, which also holds the name)."""
        cycle = self.report.cycle
        expected = {
            "cycle": (cycle.label, lambda text: text),
            "institution": (self.report.institution.code, _first_word),
            "strategy": (cycle.strategy.code, _first_word),
        }
        messages = {
            "cycle": _(
                "this workbook is of the period %(file)s, and this report of %(report)s: download this report's "
                "workbook"
            ),
            "institution": _(
                "this workbook is of the institution %(file)s, and this report of %(report)s: download this "
                "report's workbook"
            ),
            "strategy": _(
                "this workbook is of the strategy %(file)s, and this report of %(report)s: download this report's "
                "workbook"
            ),
        }
        for key, (wanted, read) in expected.items():
            if key not in found:
                continue
            cell, raw = found[key]
            given = read(as_text(raw))
            if given.casefold() != wanted.casefold():
                self.errors.at(cell, messages[key] % {"file": given or '""', "report": wanted})

    def _check_version(self, cell: str, raw: Any, download_again: str) -> None:
        """A version behind the report's is stale (someone changed the report since: `save_report` says so); one
        ahead of it was never this report's."""
        try:
            number = _whole_number(raw)
        except CellValueError as error:
            self.errors.at(cell, f"{error}: {download_again}")
            return
        if number < 1 or number > self.report.version:
            self.errors.at(
                cell,
                _(
                    "the file says version %(file)s, but this report is at version %(report)s: the file was not "
                    "downloaded from this report as it is (or its version was edited); %(advice)s"
                )
                % {"file": number, "report": self.report.version, "advice": download_again},
            )
            return
        self.version = number

    # -- sheets of lines --------------------------------------------------------------------------------------

    def _columns(
        self, sheet: SheetReader, columns: tuple[Col, ...], required: Iterable[str]
    ) -> tuple[int, dict[str, int]]:
        """The header row's number and the column of each key; missing required columns are errors."""
        rows = sheet.rows()
        header = rows[0] if rows else 1
        names = {column.key: (column.en, column.sq, *column.aliases) for column in columns}
        found = Headers(names).read(sheet.row_values(header))
        for index, text in found.repeated:
            self.errors.at(sheet.cell(header, index), column_twice(text))
        english = {column.key: column.en for column in columns}
        for key in found.missing(required):
            self.errors.at(
                f"{sheet.name}!A{header}", _('the column "%(column)s" is missing') % {"column": english[key]}
            )
        return header, found.columns

    def _rows(self, sheet: SheetReader, columns: tuple[Col, ...], required: Iterable[str]) -> list[Row]:
        """Each row under the header with its cells' references and raw values (formulas without a value: errors)."""
        header, found = self._columns(sheet, columns, required)
        rows = []
        for number in sheet.rows(columns=found.values()):
            if number <= header:
                continue
            row = Row(sheet.name, number)
            for key, index in found.items():
                row.refs[key] = f"{sheet.name}!{get_column_letter(index)}{number}"
                row.values[key] = sheet.value(number, index)
                if row.values[key] is None and (number, index) in sheet.missing_formulas:
                    self.errors.at(row.refs[key], formula_without_value())
                    row.bad.add(key)
            rows.append(row)
        return rows

    def _parse(self, row: Row, key: str, parse: Any, *args: Any) -> None:
        """Replace the raw value by the parsed one, or record the error and mark the column bad."""
        if key in row.bad:
            row.values[key] = None
            return
        try:
            row.values[key] = parse(row.values.get(key), *args)
        except CellValueError as error:
            self.errors.at(row.refs[key], str(error))
            row.values[key] = None
            row.bad.add(key)

    def _code(self, row: Row, editable: Iterable[str], message: str) -> str:
        """The row's code; a row with values but no code is an error, an empty row is skipped."""
        code = as_text(row.values.get("code"))
        if not code and any(row.values.get(key) not in (None, "") for key in editable):
            self.errors.at(row.cell("code"), message)
        return code

    def _read_activities(self, sheet: SheetReader) -> None:
        editable = [c.key for c in ACTIVITY_COLUMNS if c.editable]
        required = [c.key for c in ACTIVITY_COLUMNS if c.editable and c.required]
        lines = {item.line.activity.code: item.line for item in self.detail.activities}
        statuses = _status_by_text()
        seen: dict[str, int] = {}
        for row in self._rows(sheet, ACTIVITY_COLUMNS, ["code", *required]):
            code = self._code(row, editable, _("the row has values but no activity code"))
            if not code:
                continue
            line = lines.get(code)
            if line is None:
                self.errors.at(row.cell("code"), _('"%(code)s" is not an activity of this report') % {"code": code})
                continue
            if code in seen:
                self.errors.at(
                    row.cell("code"),
                    _("the activity %(code)s is on row %(row)s already") % {"code": code, "row": seen[code]},
                )
                continue
            seen[code] = row.number
            self._parse(row, "status", _parse_status, statuses)
            self._parse(row, "percent_complete", _parse_percent)
            for name in ActivityProgress.SPENDING_FIELDS:
                self._parse(row, name, _parse_number, SPENDING_PLACES)
            for name in ("narrative_sq", "narrative_en"):
                if name in row.refs:
                    self._parse(row, name, parse_text, limits.LONG_TEXT_CHARS)
                else:  # an earlier workbook without the English column: the English narrative stays as stored
                    row.values[name] = getattr(line, name)
            self.activities[line.activity_id] = row

    def _read_indicators(self, sheet: SheetReader) -> None:
        lines = {line.indicator.code: line for line in self.detail.indicators}
        seen: dict[tuple[int, int | None], int] = {}
        for row in self._rows(sheet, INDICATOR_COLUMNS, ("code", "value", "note", "source")):
            code = self._code(row, ("value", "note", "source"), _("the row has values but no indicator code"))
            if not code:
                continue
            line = lines.get(code)
            if line is None:
                self.errors.at(row.cell("code"), _('"%(code)s" is not an indicator of this report') % {"code": code})
                continue
            known, category_id = self._category(row, line)
            if not known:
                continue
            key = (line.indicator.pk, category_id)
            if key in seen:
                self.errors.at(
                    row.cell("cell"),
                    _("this cell of the indicator %(code)s is on row %(row)s already")
                    % {"code": code, "row": seen[key]},
                )
                continue
            seen[key] = row.number
            self._parse(row, "value", _parse_value, line.indicator)
            for name in ("note", "source"):
                self._parse(row, name, parse_text, limits.LONG_TEXT_CHARS)
                if category_id is not None and row.values[name]:
                    self.errors.at(row.cell(name), _("the note and the source go on the Total row"))
                    row.bad.add(name)
            self.indicators.setdefault(line.indicator.pk, _IndicatorRows(line)).rows[category_id] = row

    def _category(self, row: Row, line: selectors.IndicatorLine) -> tuple[bool, int | None]:
        """Which cell of the indicator the row holds: by the hidden key, else by the cell's name (either language)."""
        key = as_text(row.values.get("key")).lower()
        name = normalize_header(row.values.get("cell"))
        if key == TOTAL_KEY or (not key and name in {normalize_header(t) for t in TOTAL.values()}):
            return True, None
        for cell in line.cells:
            category = cell.category
            names = {normalize_header(category.name_en), normalize_header(category.name_sq), category.code.lower()}
            if (key and key == _category_key(category).lower()) or (not key and name in names - {""}):
                return True, category.pk
        shown = as_text(row.values.get("key") or row.values.get("cell"))
        self.errors.at(
            row.cell("key" if key else "cell"),
            _('"%(cell)s" is not a cell of the indicator %(code)s') % {"cell": shown, "code": line.indicator.code},
        )
        return False, None

    # -- the lines to save -------------------------------------------------------------------------------------

    def activity_inputs(self) -> list[services.ActivityLineInput]:
        return [
            services.ActivityLineInput(
                activity_id=activity_id,
                status=row.values["status"] or "",
                percent_complete=row.values["percent_complete"],
                spent_state_budget=row.values["spent_state_budget"],
                spent_donor=row.values["spent_donor"],
                spent_other=row.values["spent_other"],
                narrative_sq=row.values["narrative_sq"] or "",
                narrative_en=row.values["narrative_en"] or "",
            )
            for activity_id, row in self.activities.items()
        ]

    def indicator_inputs(self) -> list[services.IndicatorLineInput]:
        """Each indicator in the file, its rows left out keeping their stored values."""
        inputs = []
        for indicator_id, entry in self.indicators.items():
            total_row, stored = entry.rows.get(None), entry.line.total
            cells = {
                cell.category.pk: (
                    entry.rows[cell.category.pk].values["value"] if cell.category.pk in entry.rows else cell.value.value
                )
                for cell in entry.line.cells
            }
            inputs.append(
                services.IndicatorLineInput(
                    indicator_id=indicator_id,
                    total=total_row.values["value"] if total_row else stored.value,
                    cells=cells,
                    note=(total_row.values["note"] or "") if total_row else stored.note,
                    source=(total_row.values["source"] or "") if total_row else stored.source,
                )
            )
        return inputs

    def validate(
        self, activities: list[services.ActivityLineInput], indicators: list[services.IndicatorLineInput]
    ) -> None:
        """The web form's rules, each error on its cell; a value that could not be read is not checked again."""
        codes = {item.line.activity_id: item.line.activity.code for item in self.detail.activities}
        for line in activities:
            row = self.activities[line.activity_id]
            for error in services.validate_activity_line(line, codes[line.activity_id]):
                if error.field not in row.bad:
                    self.errors.at(self.cell_of(error), error.message)
        for indicator_input in indicators:
            entry = self.indicators[indicator_input.indicator_id]
            if entry.bad:
                continue
            for error in services.validate_indicator_line(
                indicator_input, entry.line.indicator, _dimensions(entry.line)
            ):
                self.errors.at(self.cell_of(error), error.message)

    def cell_of(self, error: services.LineError) -> str:
        """The cell a service's error is about: the line's row, the field's column."""
        if error.kind == "activity" and error.object_id in self.activities:
            return self.activities[error.object_id].cell(error.field or "code")
        if error.kind == "indicator" and error.object_id in self.indicators:
            entry = self.indicators[error.object_id]
            if error.field.startswith("cell:"):
                return entry.cell(int(error.field[5:]), "value")
            return entry.cell(None, "value" if error.field == "total" else error.field or "code")
        return f"{self.sheets[INFO].name}!A1"


def _dimensions(line: selectors.IndicatorLine) -> dict[int, list[Any]]:
    dimensions: dict[int, list[Any]] = defaultdict(list)
    for cell in line.cells:
        dimensions[cell.category.dimension_id].append(cell.category)
    return dimensions


# -- cell values -------------------------------------------------------------------------------------------------


def _parse_number(raw: Any, places: int) -> Decimal | None:
    """A number (Albanian or English digit grouping); a float cell off only by binary rounding (a formula's
    result) is rounded to `places`. Range and decimal places are the services' rules."""
    if raw is None or raw == "":
        return None
    number = parse_number(raw)
    if isinstance(raw, float) and abs(number) < Decimal(10) ** 15:
        rounded = number.quantize(Decimal(1).scaleb(-places))
        if rounded != number and math.isclose(float(rounded), raw, rel_tol=1e-12):
            return rounded
    return number


def _first_word(text: str) -> str:
    return text.split(maxsplit=1)[0] if text.split() else ""


def _whole_number(raw: Any) -> int:
    number = parse_number(raw)
    if number != number.to_integral_value():
        raise CellValueError(_('"%(value)s" is not a whole number') % {"value": as_text(raw)})
    return int(number)


def _parse_percent(raw: Any) -> int | None:
    if raw is None or raw == "":
        return None
    text = as_text(raw)
    if isinstance(raw, str) and text.endswith("%"):
        raw = text[:-1].strip()
    return _whole_number(raw)


def _parse_status(raw: Any, statuses: dict[str, str]) -> str:
    text = as_text(raw)
    if not text:
        return ""
    code = statuses.get(normalize_header(text))
    if code is None:
        raise CellValueError(_('"%(value)s" is not a status: choose one from the list') % {"value": text})
    return code


def _parse_value(raw: Any, indicator: Indicator) -> Decimal | None:
    if isinstance(raw, str) and indicator.value_type == Indicator.ValueType.YES_NO:
        word = YES_NO_VALUES.get(raw.strip().lower())
        if word is not None:
            return word
    if isinstance(raw, str) and indicator.value_type == Indicator.ValueType.MILESTONE:
        stage = _stage_number(raw, indicator)
        if stage is not None:
            return stage
    return _parse_number(raw, VALUE_PLACES)


def _stage_number(raw: str, indicator: Indicator) -> Decimal | None:
    """A milestone value written as its stage: "2", "2. Consulted" (as exported) or "Consulted", in either language,
    case and accents aside; None when the text names no stage (it is then read as a number, or refused)."""
    numbered = re.fullmatch(r"\s*(\d{1,2})\s*(?:[.)](?!\d).*)?", raw, flags=re.DOTALL)  # "2", "2. X"; not "1.5"
    if numbered:
        return Decimal(numbered.group(1))
    written = fold(raw)
    for stages in (stage_lines(indicator.milestones_sq), stage_lines(indicator.milestones_en)):
        for number, stage in enumerate(stages, start=1):
            if fold(stage) == written:
                return Decimal(number)
    return None


# ----------------------------------------------------------------------------------------------------
# The upload
# ----------------------------------------------------------------------------------------------------


def _changes(
    detail: selectors.ReportDetail,
    activities: list[services.ActivityLineInput],
    indicators: list[services.IndicatorLineInput],
) -> int:
    """How many stored lines and cells the inputs would change, compared as save_report stores them."""
    stored_lines = {item.line.activity_id: item.line for item in detail.activities}
    stored_values = {line.indicator.pk: line for line in detail.indicators}
    changed = 0
    for line_input in activities:
        stored = stored_lines[line_input.activity_id]
        values = services.normalized_activity_line(line_input)
        changed += any(getattr(stored, name) != value for name, value in values.items())
    for indicator_input in indicators:
        stored_line = stored_values[indicator_input.indicator_id]
        total = stored_line.total
        changed += (total.value, total.note, total.source) != (
            indicator_input.total,
            indicator_input.note.strip(),
            indicator_input.source.strip(),
        )
        changed += sum(cell.value.value != indicator_input.cells.get(cell.category.pk) for cell in stored_line.cells)
    return changed


def import_report(report: ProgressReport, file: FileInput, user: Any) -> ImportOutcome:
    """Read a filled-in workbook of `report` and save its values as the web form does, at the file's version.

    Raises WorkbookError (every error, `Sheet!CELL: message`; nothing written), ReportLocked (the report cannot be
    changed now) or StaleVersion (the file changes values but the report changed since it was downloaded).
    """
    report = ProgressReport.objects.select_related("cycle__strategy", "institution").get(pk=report.pk)
    if not report.is_editable:
        services.require_editable(report)
    sheets, _charts = upload_sheets(file, "report")
    detail = selectors.report_detail(report)
    reader = _Reader(report, detail, sheets)
    reader.read()
    activities, indicators = reader.activity_inputs(), reader.indicator_inputs()
    reader.validate(activities, indicators)
    reader.errors.refuse()
    if not _changes(detail, activities, indicators):
        return ImportOutcome(changed=0, version=report.version)
    try:
        changed = services.save_report(
            report,
            by=user,
            version=reader.version,
            activities=activities,
            indicators=indicators,
            event=ReportEvent.Kind.IMPORTED,
        )
    except services.ReportInvalid as error:  # the rules held when read: only a change made meanwhile gets here
        raise WorkbookError([f"{reader.cell_of(e)}: {e.message}" for e in error.line_errors]) from error
    report.refresh_from_db(fields=["version"])
    return ImportOutcome(changed=changed, version=report.version)


def board_workbook(board: selectors.Board) -> bytes:
    """A cycle's board as a workbook: one row per institution's report with its status (as the board words it), how
    much is filled in, its comments and when it was submitted; the interface's language. Reads nothing more."""
    book = Workbook()
    sheet = first_sheet(book)
    sheet.title = _("Board")[:31]
    headers = [
        (_("Institution code"), 16), (_("Institution"), 48), (_("Status"), 16), (_("Activities filled"), 12),
        (_("Activities"), 12), (_("Indicators filled"), 12), (_("Indicators"), 12), (_("Comments"), 12),
        (_("Submitted"), 20), (_("Late"), 8), (_("Due on"), 14),
    ]  # fmt: skip
    for column, (text, width) in enumerate(headers, start=1):
        sheet.cell(1, column, text).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "C2"
    for number, row in enumerate(board.rows, start=2):
        report = row.report
        put_cell(sheet, number, 1, report.institution.code)
        put_cell(sheet, number, 2, report.institution.name)
        put_cell(sheet, number, 3, row.board_status_label)
        for column, value in enumerate(
            (row.activities_filled, row.activities, row.indicators_filled, row.indicators, row.comments), start=4
        ):
            sheet.cell(number, column, value)
        if report.submitted_at is not None:  # local time, without a zone: Excel has none
            submitted = sheet.cell(number, 9, timezone.localtime(report.submitted_at).replace(tzinfo=None))
            submitted.number_format = "yyyy-mm-dd hh:mm"
            put_cell(sheet, number, 10, _("Yes") if report.submitted_late else _("No"))
        due = sheet.cell(number, 11, board.cycle.due_on)
        due.number_format = "yyyy-mm-dd"
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
