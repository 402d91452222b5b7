"""The same family of bad files for every importer: the plan workbook, the report workbook, a training's participants
and context statistics. Each is refused with a sentence (naming the bound or the cell), nothing is written, and no
exception escapes; on the web, the importer's page answers with the sentence, never a 500.

The bounds are lowered for these tests (`bounds` fixture), so that the files stay small and the tests fast; the
real 1,048,576-row files are bench/uploads.py's.
"""

from __future__ import annotations

import ast
import io
import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from nsm.capacity import services as capacity
from nsm.capacity.models import Participant
from nsm.context import importer as context
from nsm.context.models import ContextIndicator, ContextValue
from nsm.core.limits import LONG_TEXT_CHARS, TITLE_CHARS
from nsm.core.spreadsheet import WorkbookError
from nsm.monitoring.models import ActivityProgress, IndicatorValue, ReportEvent
from nsm.monitoring.workbook import export_report, import_report
from nsm.strategy.workbook import read_workbook
from tests.capacity.conftest import training  # noqa: F401 - a fixture of the capacity tests, used here
from tests.factories import InstitutionFactory
from tests.monitoring.conftest import cycle, report  # noqa: F401 - fixtures of the monitoring tests, used here
from tests.strategy.workbook_support import load_code_lists, make_workbook, row_counts, valid_sheets

ROWS, COLUMNS, CELLS = 20, 20, 2_000


@pytest.fixture(autouse=True)
def bounds(settings):
    """Small bounds for every kind of file: 20 rows a sheet, 20 columns, 2,000 cells, 256 KB a part, 512 KB in all."""
    kinds = ("plan", "report", "participants", "context")
    settings.IMPORT_BOUNDS = {kind: {"rows": ROWS, "columns": COLUMNS, "cells": CELLS} for kind in kinds}
    settings.IMPORT_MAX_MEMBER_BYTES = 256 * 1024
    settings.IMPORT_MAX_UNPACKED_BYTES = 512 * 1024
    return settings


# --- The four importers, each with a valid file to spoil -------------------------------------------------------


@dataclass
class Importer:
    kind: str
    workbook: Callable[[], Workbook]  # a valid file of this kind
    sheet: str  # the sheet it reads first
    text_cell: str  # a text cell it reads, and the limit of that field
    text_limit: int
    number_cell: str  # a cell it reads as a number
    run: Callable[[bytes, str], Any]  # give it the file, as its page does
    written: Callable[[], Any]  # what it would write, to compare before and after
    takes_csv: bool = False

    def refusal(self, data: bytes, name: str = "upload.xlsx") -> list[str]:
        """The sentences of the refusal: an exception of the importer's own, or a plan read with errors."""
        before = self.written()
        try:
            outcome = self.run(data, name)
        except (WorkbookError, context.ContextImportError) as refused:
            messages = refused.messages
        else:
            messages = outcome.errors.lines() if hasattr(outcome, "errors") else []
        assert messages, f"{self.kind}: the file was accepted"
        assert all(isinstance(message, str) and message.strip() for message in messages)
        assert self.written() == before, f"{self.kind}: something was written"
        return messages


def _book(sheets: dict[str, list[list[Any]]]) -> Workbook:
    return load_workbook(io.BytesIO(make_workbook(sheets)))


def plan_importer(request) -> Importer:
    load_code_lists()
    return Importer(
        "plan",
        lambda: _book(valid_sheets()),
        "Activities",
        "C2",
        TITLE_CHARS,
        "Budget!E2",
        lambda data, name: read_workbook(data, name=name),
        row_counts,
    )


def report_importer(request) -> Importer:
    the_report = request.getfixturevalue("report")
    user = request.getfixturevalue("focal_point")

    def written():
        the_report.refresh_from_db()
        history = (ActivityProgress.history.count(), IndicatorValue.history.count())
        return the_report.version, history, ReportEvent.objects.filter(report=the_report).count()

    return Importer(
        "report",
        lambda: load_workbook(io.BytesIO(export_report(the_report, "en"))),
        "Activities",
        "H2",
        LONG_TEXT_CHARS,
        "Activities!D2",
        lambda data, name: import_report(the_report, io.BytesIO(data), user),
        written,
    )


def participants_importer(request) -> Importer:
    the_training = request.getfixturevalue("training")
    user = request.getfixturevalue("secretariat")
    InstitutionFactory(code="MPB")
    rows = [["name", "institution code", "sex", "position", "pre", "post"], ["Ana Hoxha", "MPB", "female", "", 55, 80]]
    return Importer(
        "participants",
        lambda: _book({"Participants": rows}),
        "Participants",
        "A2",
        200,
        "Participants!E2",
        lambda data, name: capacity.import_participants(the_training, by=user, file=SimpleUploadedFile(name, data)),
        lambda: (Participant.objects.count(), Participant.history.count()),
        takes_csv=True,
    )


def context_importer(request) -> Importer:
    user = request.getfixturevalue("secretariat")
    rows = [
        ["indicator", "value", "unit", "year", "source", "notes"],
        ["Remittances", 1200, "EUR million", 2023, "Bank of Albania", ""],
    ]
    return Importer(
        "context",
        lambda: _book({"Sheet1": rows}),
        "Sheet1",
        "A2",
        300,
        "Sheet1!B2",
        lambda data, name: context.import_file(io.BytesIO(data), country="AL", by=user, name=name),
        lambda: (ContextIndicator.objects.count(), ContextValue.objects.count(), ContextValue.history.count()),
        takes_csv=True,
    )


IMPORTERS = {
    "plan": plan_importer,
    "report": report_importer,
    "participants": participants_importer,
    "context": context_importer,
}


@pytest.fixture(params=list(IMPORTERS))
def importer(request, db) -> Importer:
    return IMPORTERS[request.param](request)


# --- The bad files: each spoils an importer's valid file -------------------------------------------------------


def _bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _set(book: Workbook, ref: str, value: Any, default_sheet: str) -> None:
    sheet, _bang, cell = ref.rpartition("!")
    book[sheet or default_sheet][cell] = value


def _rezip(
    data: bytes, change: Callable[[str, bytes], bytes] = lambda name, content: content, extra: dict | None = None
) -> bytes:
    """The archive with each member passed through `change`, and `extra` members (name: content) added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, change(item.filename, source.read(item.filename)))
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def too_many_rows(imp: Importer) -> tuple[bytes, str]:
    book = imp.workbook()
    sheet = book[imp.sheet]
    for number in range(sheet.max_row + 1, sheet.max_row + ROWS + 2):
        sheet.cell(number, 1, f"row {number}")
    return _bytes(book), f'The sheet "{imp.sheet}" has more than 20 rows'


def too_many_columns(imp: Importer) -> tuple[bytes, str]:
    book = imp.workbook()
    book[imp.sheet].cell(1, COLUMNS + 5, "my own column")
    return _bytes(book), f"{imp.sheet}!Y1 is past the last column allowed: "


def too_many_cells(imp: Importer) -> tuple[bytes, str]:
    """Within the rows and columns of a sheet, more cells than the file may hold (`cells`: the bound for this one)."""
    book = imp.workbook()
    sheet = book[imp.sheet]
    for row in range(sheet.max_row + 1, ROWS + 1):
        for column in range(1, COLUMNS + 1):
            sheet.cell(row, column, row * column)
    return _bytes(book), f"The file holds more than {too_many_cells.cells:,} cells"


too_many_cells.cells = 300


def _with_text(imp: Importer, text: str) -> bytes:
    """The valid file with `text` in its text cell, written into the XML: openpyxl cuts a text at 32,767."""
    book = imp.workbook()
    _set(book, imp.text_cell, "PLACEHOLDER-TEXT", imp.sheet)
    return _rezip(_bytes(book), lambda name, content: content.replace(b"PLACEHOLDER-TEXT", text.encode()))


def longer_than_excel(imp: Importer) -> tuple[bytes, str]:
    expected = f"{imp.sheet}!{imp.text_cell}: the cell holds 32,768 characters; a cell may hold at most 32,767"
    return _with_text(imp, "x" * 32_768), expected


def longer_than_the_field(imp: Importer) -> tuple[bytes, str]:
    book = imp.workbook()
    _set(book, imp.text_cell, "x" * (imp.text_limit + 1), imp.sheet)
    return _bytes(book), f"{imp.sheet}!{imp.text_cell}: the text has {imp.text_limit + 1:,} characters; at most"


def zip_bomb(imp: Importer) -> tuple[bytes, str]:
    data = _rezip(_bytes(imp.workbook()), extra={"xl/media/padding.bin": b"\0" * (2 * 1024 * 1024)})
    assert len(data) < 100_000
    return data, 'The part "xl/media/padding.bin" of the file is too large once unpacked'


def unpacked_too_large(imp: Importer) -> tuple[bytes, str]:
    parts = {f"xl/media/part{index}.bin": b"\0" * (200 * 1024) for index in range(3)}
    return _rezip(_bytes(imp.workbook()), extra=parts), "The file is too large once unpacked: the limit is 512.0"


def pdf_named_xlsx(imp: Importer) -> tuple[bytes, str]:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", "The file is not an Excel workbook (.xlsx)"


def control_character(imp: Importer) -> tuple[bytes, str]:
    book = imp.workbook()
    _set(book, imp.text_cell, "before_x0001_after", imp.sheet)  # how Excel writes U+0001 in a cell
    return _bytes(book), f"{imp.sheet}!{imp.text_cell}: the text holds a control character"


def formula_without_value(imp: Importer) -> tuple[bytes, str]:
    book = imp.workbook()
    _set(book, imp.text_cell, '=CONCATENATE("a","b")', imp.sheet)
    return _bytes(book), "the formula has no stored value"


def duplicate_sheet_in_another_case(imp: Importer) -> tuple[bytes, str]:
    book = imp.workbook()
    book.create_sheet("QQQQQQQQ")["A1"] = "a copy"
    twin = imp.sheet.lower() if imp.sheet.lower() != imp.sheet else imp.sheet.upper()
    twin = twin[: len(imp.sheet)]

    def rename(name: str, content: bytes) -> bytes:
        return content.replace(b'name="QQQQQQQQ"', f'name="{twin}"'.encode()) if name == "xl/workbook.xml" else content

    expected = f'two sheets whose names differ only in letter case, "{imp.sheet}" and "{twin}"'
    return _rezip(_bytes(book), rename), expected


def macros(imp: Importer) -> tuple[bytes, str]:
    return _rezip(_bytes(imp.workbook()), extra={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), "The workbook holds macros"


def arabic_indic_digits(imp: Importer) -> tuple[bytes, str]:
    book = imp.workbook()
    _set(book, imp.number_cell, "٥٠", imp.sheet)
    return _bytes(book), f"{imp.number_cell}: "


def damaged_part(imp: Importer) -> tuple[bytes, str]:
    def cut(name: str, content: bytes) -> bytes:
        return content[: len(content) // 2] if name == "xl/workbook.xml" else content

    return _rezip(_bytes(imp.workbook()), cut), "The file is damaged"


def document_type(imp: Importer) -> tuple[bytes, str]:
    """Entities declared in a part (the "billion laughs"): no part of an xlsx has a document type."""
    laughs = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'

    def declare(name: str, content: bytes) -> bytes:
        if name != "xl/workbook.xml":
            return content
        return content.replace(b"?>", b"?>" + laughs, 1) if content.startswith(b"<?xml") else laughs + content

    return _rezip(_bytes(imp.workbook()), declare), "The file is damaged"


def lying_dimension(imp: Importer) -> tuple[bytes, str]:
    """More rows than allowed in a sheet that declares itself two cells large: the rows are counted as read."""
    data, expected = too_many_rows(imp)

    def lie(name: str, content: bytes) -> bytes:
        return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', content)

    return _rezip(data, lie), expected


def lying_zip_sizes(imp: Importer) -> tuple[bytes, str]:
    """A sheet whose zip entry declares 100 bytes once unpacked, but unpacks to more: read as declared, no further."""
    data = bytearray(_bytes(imp.workbook()))
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) >= 0:  # each entry of the central directory
        length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46 : start + 46 + length].startswith(b"xl/worksheets/"):
            struct.pack_into("<I", data, start + 24, 100)
        start += 46
    return bytes(data), "The file is damaged"


BAD_FILES = [
    too_many_rows,
    lying_dimension,
    lying_zip_sizes,
    too_many_columns,
    too_many_cells,
    longer_than_excel,
    longer_than_the_field,
    zip_bomb,
    unpacked_too_large,
    pdf_named_xlsx,
    control_character,
    formula_without_value,
    duplicate_sheet_in_another_case,
    macros,
    arabic_indic_digits,
    damaged_part,
    document_type,
]


def _lower_cells(settings, bad) -> None:
    if hasattr(bad, "cells"):
        settings.IMPORT_BOUNDS = {
            kind: {**kind_bounds, "cells": bad.cells} for kind, kind_bounds in settings.IMPORT_BOUNDS.items()
        }


@pytest.mark.parametrize("bad", BAD_FILES)
def test_every_importer_refuses_every_bad_file_in_words_and_writes_nothing(importer, bad, bounds):
    _lower_cells(bounds, bad)
    data, expected = bad(importer)
    messages = importer.refusal(data)
    assert any(expected in message for message in messages), messages


def test_every_importer_reads_its_valid_file(importer):
    """The files spoiled above are valid as they are: each refusal is the spoiling's."""
    before = importer.written()
    outcome = importer.run(_bytes(importer.workbook()), "upload.xlsx")
    assert not getattr(outcome, "errors", None)
    if importer.kind != "plan":  # reading a plan writes nothing; the others save
        assert importer.written() != before or importer.kind == "report"


# --- CSV files (participants and context statistics) ------------------------------------------------------------

CSV_HEADERS = {
    "participants": "name,institution code,sex,position,pre,post",
    "context": "indicator,value,unit,year,source,notes",
}
CSV_ROWS = {
    "participants": "Ana Hoxha,MPB,female,,55,80",
    "context": "Remittances,1200,EUR million,2023,Bank of Albania,",
}


def csv_file(kind: str, *lines: str) -> bytes:
    return "\n".join([CSV_HEADERS[kind], *lines]).encode()


BAD_CSV = [
    ("more rows than allowed", lambda kind: csv_file(kind, *[CSV_ROWS[kind]] * (ROWS + 1)), "has more than 20 rows"),
    ("too many columns", lambda kind: csv_file(kind, CSV_ROWS[kind] + "," * COLUMNS + "x"), "past the last column"),
    (
        "a field of 200,000 characters",
        lambda kind: csv_file(kind, "A" * 200_000 + CSV_ROWS[kind][CSV_ROWS[kind].index(",") :]),
        "Row 2 has a field longer than 131,072 characters (a cell may hold at most 32,767)",
    ),
    (
        "a field of 40,000 characters",
        lambda kind: csv_file(kind, "A" * 40_000 + CSV_ROWS[kind][CSV_ROWS[kind].index(",") :]),
        "holds 40,000 characters; a cell may hold at most 32,767",
    ),
    (
        "a quotation mark never closed",
        lambda kind: csv_file(kind, '"' + CSV_ROWS[kind], CSV_ROWS[kind]),
        "Row 2: a quotation mark opened on this row is never closed",
    ),
    ("a NUL character", lambda kind: csv_file(kind, "Ana\0" + CSV_ROWS[kind]), "holds a control character"),
    (
        "Arabic-Indic digits",
        lambda kind: csv_file(kind, CSV_ROWS[kind].replace("55", "٥٥").replace("1200", "١٢٠٠")),
        "",
    ),
    (
        "not UTF-8",
        lambda kind: csv_file(kind, CSV_ROWS[kind]).replace(b"Ana", b"\xe0na").replace(b"EUR", b"\xe0UR"),
        "",
    ),
]


@pytest.mark.parametrize("kind", ["participants", "context"])
@pytest.mark.parametrize(("what", "make", "expected"), BAD_CSV, ids=[case[0] for case in BAD_CSV])
def test_the_csv_importers_refuse_every_bad_csv_in_words(request, kind, what, make, expected):
    imp = IMPORTERS[kind](request)
    messages = imp.refusal(make(kind), "upload.csv")
    assert any(expected in message for message in messages), messages


def test_a_csv_error_list_stops_at_the_readable_number(request, settings):
    settings.IMPORT_MAX_ERRORS = 5
    imp = IMPORTERS["participants"](request)
    messages = imp.refusal(csv_file("participants", *["Ana,MPB,nobody"] * 12), "upload.csv")
    assert len(messages) == 6
    assert messages[-1] == "and 7 more errors."


# --- On the web: the page says it, never a 500 ------------------------------------------------------------------


def _page(request, kind: str) -> tuple[Any, str, dict[str, Any]]:
    """The client of someone who may import that kind of file, the page's address, and its form's other fields."""
    client_for = request.getfixturevalue("client_for")
    if kind == "plan":
        return client_for(request.getfixturevalue("coordinator")), reverse("strategy:import"), {}
    if kind == "report":
        report = request.getfixturevalue("report")
        return (
            client_for(request.getfixturevalue("focal_point")),
            reverse("monitoring:report-upload", args=[report.pk]),
            {},
        )
    if kind == "participants":
        url = reverse("capacity:participants-import", args=[request.getfixturevalue("training").pk])
        return client_for(request.getfixturevalue("secretariat")), url, {}
    return client_for(request.getfixturevalue("secretariat")), reverse("context:import"), {}


@pytest.mark.parametrize("bad", [too_many_rows, longer_than_excel, duplicate_sheet_in_another_case, zip_bomb])
def test_every_import_page_shows_the_refusal(request, importer, bad):
    client, url, fields = _page(request, importer.kind)
    data, expected = bad(importer)
    before = importer.written()
    response = client.post(url, {"file": SimpleUploadedFile("upload.xlsx", data), **fields})
    assert response.status_code in (200, 400)
    assert expected.replace('"', "&quot;") in response.content.decode()
    assert importer.written() == before


def test_the_reading_kernel_is_on_the_ground_floor():
    """nsm/core/spreadsheet.py imports no app of ours (only nsm.core): every importer can use it."""
    source = Path(__file__).resolve().parents[2] / "nsm" / "core" / "spreadsheet.py"
    modules = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    ours = {module for module in modules if module.split(".")[0] == "nsm"}
    assert ours and all(module.startswith("nsm.core") for module in ours), ours
