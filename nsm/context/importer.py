"""Import context statistics from a CSV or XLSX table (the statistics office's tables, the demo's reference file).

Columns (first row; English names, any order, case and accents aside): indicator, value, unit, year, source
(required), source_url, verified, notes (optional) and topic (optional: the topic of an indicator the file creates).
One row is one value.

Rules:
- The whole file is checked first; every error names its place, `Row 5, column year` in a CSV, `Sheet1!D5` in a
  workbook; nothing is written when there is any error.
- `indicator` is an indicator's code or its name (English or Albanian; case and accents do not matter); an unknown
  one is created with that name (as its English name), the unit and source most of its rows give, and a topic from
  the `topic` column or guessed from its name (Other when nothing matches). The import never changes an existing
  indicator.
- `year` is a year (2023), a period (2009-2013) or an approximate year (c. 2022): the value is filed under the
  last year, the period kept as written. One value per indicator and year: a row for a year that already has a
  value replaces it (the latest source wins; history keeps the replaced one). Two rows for the same indicator and
  year in one file are an error.
- `value` is a number (1 200, 1.200,5 or 1,200.5: digit grouping as in the plan workbook); a statement in words
  without digits (“one third”) is kept as a qualitative value, which is listed but not charted.
- `verified` is yes, partial or no (po, pjesërisht, jo); empty means no.
- Re-importing the same file changes nothing: rows equal to the stored values are not saved again.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from nsm.audit import acting_as
from nsm.context.models import ContextIndicator, ContextValue, validate_urls
from nsm.core import limits
from nsm.core.importing import Headers, Problems, all_or_nothing, column_twice, problems_of, upload_table
from nsm.core.spreadsheet import (
    CellValueError,
    FileInput,
    SheetReader,
    WorkbookError,
    as_text,
    formula_without_value,
    parse_number,
    parse_text,
)
from nsm.core.stale import bump_version
from nsm.core.text import fold

REQUIRED = ("indicator", "value", "unit", "year", "source")
OPTIONAL = ("source_url", "verified", "notes", "topic")
HEADERS = Headers(
    {"source_url": ("url", "source_urls"), "notes": ("note",)} | {name: () for name in REQUIRED + OPTIONAL}
)
MAX_LENGTH = {"indicator": 300, "unit": 100, "source": 500, "source_url": 2000, "notes": limits.LONG_TEXT_CHARS}
YEAR = re.compile(r"^(?:c\.\s*)?([0-9]{4})(?:\s*[-–]\s*([0-9]{4}))?$", re.IGNORECASE)  # 0-9: not ١٢٣
VERIFIED = {
    "yes": "yes",
    "po": "yes",
    "partial": "partial",
    "partly": "partial",
    "pjesërisht": "partial",
    "pjeserisht": "partial",
    "no": "no",
    "jo": "no",
    "": "no",
}
TOPIC_WORDS = (  # the first match decides: asylum before foreigners, remittances before anything
    ("remittance", ContextIndicator.Topic.REMITTANCES),
    ("asylum", ContextIndicator.Topic.ASYLUM),
    ("residence permit", ContextIndicator.Topic.RESIDENCE_PERMITS),
    ("return", ContextIndicator.Topic.RETURNS),
    ("diaspora", ContextIndicator.Topic.DIASPORA),
    ("abroad", ContextIndicator.Topic.DIASPORA),
    ("emigrant stock", ContextIndicator.Topic.DIASPORA),
    ("emigra", ContextIndicator.Topic.EMIGRATION),
    ("population", ContextIndicator.Topic.POPULATION),
)


class ContextImportError(WorkbookError):
    """A file that cannot be imported: `messages` lists every error, each naming its row and column or cell (at
    most IMPORT_MAX_ERRORS, then "and N more errors"); `total` counts them all."""


@dataclass
class ParsedRow:
    number: int
    place: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedTable:
    rows: list[ParsedRow]
    errors: Problems


@dataclass
class ImportSummary:
    indicators_created: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.indicators_created or self.created or self.updated)

    def line(self) -> str:
        return _(
            "%(indicators)d indicators created; values: %(created)d created, %(updated)d updated, "
            "%(unchanged)d unchanged."
        ) % {
            "indicators": self.indicators_created,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


# --- reading ---------------------------------------------------------------------------------------------


def _csv_place(row: int, column: str) -> str:
    return _("Row %(row)d, column %(column)s") % {"row": row, "column": column}


def _table(file: FileInput, name: str) -> SheetReader:
    """The file's table (the first sheet of an xlsx, or a CSV file), bounded as `settings.IMPORT_BOUNDS["context"]`
    says before it is read."""
    try:
        return upload_table(
            file, "context", name=name, place=lambda row, column: _csv_place(row, get_column_letter(column))
        )
    except WorkbookError as error:
        raise ContextImportError(error.messages) from error


def _placer(table: SheetReader) -> Any:
    """`place(row, index, column name)`: `Row 5, column year` in a CSV, `Sheet1!D5` in a workbook."""
    if not table.name:
        return lambda number, index, name: _csv_place(number, name)
    return lambda number, index, name: f"{table.name}!{get_column_letter(index + 1)}{number}"


def _columns(table: SheetReader, place: Any) -> tuple[dict[str, int], Problems]:
    """The column (0-based) of each name the first row gives, and the errors of that row."""
    header = HEADERS.read(table.row_values(1))
    errors = Problems()
    for column, text in header.unknown:
        errors.append(
            _("%(place)s: unknown column “%(name)s”; the columns are %(columns)s.")
            % {"place": place(1, column - 1, text), "name": text, "columns": ", ".join(REQUIRED + OPTIONAL)}
        )
    for column, text in header.repeated:
        errors.at(place(1, column - 1, HEADERS.key(text) or text), column_twice(text))
    missing = header.missing(REQUIRED)
    if missing:
        errors.append(_("The first row must name the columns; missing: %(columns)s.") % {"columns": ", ".join(missing)})
    return {name: column - 1 for name, column in header.columns.items()}, errors


def parse_year(raw: Any) -> tuple[int, str]:
    """`2023` -> (2023, ""); `2009-2013` -> (2013, "2009-2013"); `c. 2022` -> (2022, "c. 2022")."""
    text = as_text(raw)
    match = YEAR.fullmatch(text)
    if not match:
        raise CellValueError(_("expected a year such as 2023, a period such as 2009-2013, or c. 2022"))
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    if not (1900 <= first <= last <= 2100):
        raise CellValueError(_("expected years between 1900 and 2100, the first not after the last"))
    return last, "" if text == str(last) else text


def parse_value(raw: Any) -> tuple[Decimal | None, str]:
    """A number, or words without digits (a qualitative value): (number, "") or (None, words)."""
    text = as_text(raw)
    if isinstance(raw, str) and text and not re.search(r"\d", text):
        if len(text) > 100:
            raise CellValueError(_("a value in words has at most 100 characters"))
        return None, text
    number = parse_number(raw)
    if number != number.quantize(Decimal("0.0001")):
        raise CellValueError(_("at most 4 decimals are allowed"))
    if abs(number) >= Decimal(10) ** 11:
        raise CellValueError(_("the number is too large"))
    return number, ""


def guess_topic(name: str) -> str:
    lowered = name.casefold()
    return next((topic for word, topic in TOPIC_WORDS if word in lowered), ContextIndicator.Topic.OTHER)


def _topic(raw: Any) -> str:
    text = as_text(raw).casefold()
    for value, label in ContextIndicator.Topic.choices:
        if text in (value, str(label).casefold()):
            return value
    raise CellValueError(
        _("expected one of %(topics)s") % {"topics": ", ".join(v for v, _label in ContextIndicator.Topic.choices)}
    )


def _parse_cell(name: str, raw: Any) -> Any:
    text = as_text(raw)
    if name in REQUIRED and not text:
        raise CellValueError(_("required"))
    if name in MAX_LENGTH:
        parse_text(raw, MAX_LENGTH[name])
    if name == "year":
        return parse_year(raw)
    if name == "value":
        return parse_value(raw)
    if name == "verified":
        if text.casefold() not in VERIFIED:
            raise CellValueError(_("expected yes, partial or no"))
        return VERIFIED[text.casefold()]
    if name == "topic":
        return _topic(raw) if text else ""
    if name == "source_url":
        try:
            validate_urls(text)
        except ValidationError as error:
            raise CellValueError(" ".join(error.messages)) from error
    return text


def read_table(file: FileInput, *, name: str = "") -> ParsedTable:
    """Read and check a CSV or XLSX file: every row parsed, every error named. Raises ContextImportError for a file
    that cannot be read at all, or that passes one of the bounds of a context-statistics file."""
    name = name or (str(file) if isinstance(file, str | Path) else str(getattr(file, "name", "") or ""))
    table = _table(file, name)
    place = _placer(table)
    if not table.cells and not table.missing_formulas:
        raise ContextImportError([_("The file is empty.")])
    columns, errors = _columns(table, place)
    errors.refuse(ContextImportError)
    rows = []
    for number in table.rows():
        if number == 1:
            continue
        row = ParsedRow(number, {})
        keys = [(number, index + 1) for index in columns.values()]
        if not any(as_text(table.value(*key)) or key in table.missing_formulas for key in keys):
            continue
        for column, index in columns.items():
            row.place[column] = place(number, index, column)
            if (number, index + 1) in table.missing_formulas:
                errors.at(row.place[column], formula_without_value())
                continue
            try:
                row.values[column] = _parse_cell(column, table.value(number, index + 1))
            except CellValueError as error:
                errors.at(row.place[column], str(error))
        rows.append(row)
    if not rows and not errors:
        errors.append(_("The file has no rows below its header."))
    return ParsedTable(rows, errors)


# --- applying --------------------------------------------------------------------------------------------


def _indicator_lookup(country: str) -> dict[str, ContextIndicator]:
    lookup: dict[str, ContextIndicator] = {}
    for indicator in ContextIndicator.objects.filter(country=country):
        for key in (indicator.name_sq, indicator.name_en, indicator.code):
            if key:
                lookup[fold(key)] = indicator
    return lookup


def _new_code(name: str, taken: set[str]) -> str:
    base = slugify(name)[:55].strip("-") or "indicator"
    code, number = base, 2
    while code in taken:
        code, number = f"{base}-{number}", number + 1
    taken.add(code)
    return code


def _most_common(values: list[str]) -> str:
    return Counter(values).most_common(1)[0][0] if values else ""


def _check_duplicates(parsed: ParsedTable) -> list[str]:
    seen: dict[tuple[str, int], ParsedRow] = {}
    errors = []
    for row in parsed.rows:
        if "indicator" not in row.values or "year" not in row.values:
            continue
        key = (fold(row.values["indicator"]), row.values["year"][0])
        if key in seen:
            errors.append(
                _("%(place)s: a second value for this indicator and year (the first is on row %(row)d).")
                % {"place": row.place["year"], "row": seen[key].number}
            )
        else:
            seen[key] = row
    return errors


def _value_fields(row: ParsedRow, indicator: ContextIndicator) -> dict[str, Any]:
    year, period = row.values["year"]
    number, words = row.values["value"]
    unit = row.values["unit"]
    return {
        "year": year,
        "period": period,
        "value": number,
        "value_text": words,
        "unit": "" if unit in (indicator.unit_sq, indicator.unit_en) else unit,
        "source": row.values["source"],
        "source_url": row.values.get("source_url", ""),
        "verified": row.values.get("verified", ContextValue.Verified.NO),
        "note": row.values.get("notes", ""),
    }


def _differs(stored: ContextValue, wanted: dict[str, Any]) -> bool:
    return any(getattr(stored, name) != value for name, value in wanted.items())


def apply_import(parsed: ParsedTable, *, country: str, by: Any) -> ImportSummary:
    """Write a checked file in one transaction; raises ContextImportError (nothing written) when it has any error."""
    errors = problems_of(parsed.errors)
    errors.extend(_check_duplicates(parsed))
    if not errors.total and not re.fullmatch(r"[A-Z]{2}", country or ""):
        errors.append(_("The country is an ISO 3166 alpha-2 code, such as AL."))
    summary = ImportSummary()
    with all_or_nothing(errors, refuse=ContextImportError), acting_as(by, reason=_("import")):
        lookup = _indicator_lookup(country)
        taken = set(ContextIndicator.objects.filter(country=country).values_list("code", flat=True))
        rows_by_name: dict[str, list[ParsedRow]] = {}
        for row in parsed.rows:
            rows_by_name.setdefault(fold(row.values["indicator"]), []).append(row)
        stored = {
            (value.indicator_id, value.year): value
            for value in ContextValue.objects.select_for_update().filter(indicator__country=country)
        }
        for key, rows in rows_by_name.items():
            indicator = lookup.get(key)
            if indicator is None:
                indicator = _create_indicator(country, rows, taken)
                summary.indicators_created += 1
            for row in rows:
                wanted = _value_fields(row, indicator)
                value = stored.get((indicator.pk, wanted["year"]))
                if value is None:
                    value = ContextValue(indicator=indicator)
                    summary.created += 1
                elif _differs(value, wanted):
                    summary.updated += 1
                    bump_version(value, save=False)  # a page open on the value is now stale
                else:
                    summary.unchanged += 1
                    continue
                for name, item in wanted.items():
                    setattr(value, name, item)
                _save(value, row)
    return summary


def _create_indicator(country: str, rows: list[ParsedRow], taken: set[str]) -> ContextIndicator:
    name = rows[0].values["indicator"]
    topics = [row.values["topic"] for row in rows if row.values.get("topic")]
    indicator = ContextIndicator(
        country=country,
        code=_new_code(name, taken),
        name_en=name,
        topic=topics[0] if topics else guess_topic(name),
        unit_en=_most_common([row.values["unit"] for row in rows]),  # in the language of its name
        source=_most_common([row.values["source"] for row in rows]),
    )
    _save(indicator, rows[0])
    return indicator


def _save(obj: ContextIndicator | ContextValue, row: ParsedRow) -> None:
    try:
        obj.full_clean()
    except ValidationError as error:
        raise ContextImportError(
            [f"{row.place.get('indicator', row.number)}: {message}" for message in error.messages]
        ) from error
    obj.save()


def import_file(file: FileInput, *, country: str, by: Any, name: str = "") -> ImportSummary:
    """Read, check and write a file; raises ContextImportError with every error, and then nothing is written."""
    return apply_import(read_table(file, name=name), country=country, by=by)
