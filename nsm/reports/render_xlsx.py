"""A document as an Excel workbook: an Info sheet (title, cover, key figures, what the data is), then one sheet per
table, in reading order. Figures are stored as numbers with a number format, never as text, so that they add up in
Excel; a heading row (goal, objective, measure) is merged across the table and bold, a total row bold."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from nsm.core.spreadsheet import first_sheet
from nsm.reports.document import Document, KeyFigures, Table, Value, colophon, format_value

FORMATS = {"money": "#,##0", "number": "#,##0.###", "percent": '0.0"%"'}
BOLD = Font(bold=True)
HEADING_FILL = PatternFill("solid", fgColor="DDE7F0")
WRAP = Alignment(wrap_text=True, vertical="top")
SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def render_xlsx(document: Document) -> bytes:
    workbook = Workbook()
    info = first_sheet(workbook)
    info.title = _("Info")[:31]
    _info_sheet(info, document)
    names = {info.title}
    for table in (table for table in document.tables() if table.sheet):
        sheet = workbook.create_sheet(_sheet_name(table, names))
        _table_sheet(sheet, table)
    workbook.properties.title = document.title
    workbook.properties.subject = document.subtitle
    workbook.properties.language = document.language
    workbook.properties.creator = "NSM"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _append(sheet, values: list) -> None:
    """A row of values, every text kept as text: a title beginning with "=" (typed in the plan, or imported) would
    otherwise be stored as a formula that Excel runs when the file is opened."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if cell.data_type == "f":
            cell.data_type = "s"


def _sheet_name(table: Table, taken: set[str]) -> str:
    """The table's short name, made valid for Excel (31 characters, none of []:*?/\\) and unique."""
    base = SHEET_NAME.sub(" ", table.name or table.caption).strip()[:31] or _("Table")
    name, number = base, 2
    while name.lower() in {taken_name.lower() for taken_name in taken}:
        suffix = f" ({number})"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(name)
    return name


def _info_sheet(sheet, document: Document) -> None:
    _append(sheet, [document.title])
    sheet["A1"].font = Font(bold=True, size=14)
    _append(sheet, [document.subtitle])
    for line in document.cover_lines:
        _append(sheet, [line])
    _append(sheet, [colophon(document)[0]])  # when it was made, in words; the data version on the next row
    if document.data_stamp:
        _append(sheet, [_("Data stamp"), document.data_stamp])
    _append(sheet, [])
    for section, _depth in document.walk():
        for block in section.blocks:
            if isinstance(block, KeyFigures):
                for figure in block.figures:
                    _append(sheet, [figure.label, _cell(figure.value), figure.note])
                    _number_format(sheet.cell(sheet.max_row, 2), figure.value, figure.kind)
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 24
    sheet.column_dimensions["C"].width = 40


def _cell(value: Value):
    """Decimal stays a number (openpyxl writes it as one); None an empty cell; a text has plain spaces (the no-break
    spaces that hold a phrase together on the printed page, as the matrix's sources, would only get in the way of
    Excel's search and filters)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str):
        return value.replace("\u00a0", " ")
    return value


def _number_format(cell, value: Value, kind: str) -> None:
    if kind in FORMATS and isinstance(value, int | Decimal):
        cell.number_format = FORMATS[kind]


def _table_sheet(sheet, table: Table) -> None:
    width = len(table.columns)
    _append(sheet, [table.caption])
    sheet["A1"].font = Font(bold=True, size=12)
    _append(sheet, [column.label for column in table.columns])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = BOLD
        cell.alignment = WRAP
    for row in table.rows:
        if row.heading:
            _append(sheet, [format_value(row.values[0])])
            number = sheet.max_row
            if width > 1:
                sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=width)
            cell = sheet.cell(number, 1)
            cell.font, cell.fill, cell.alignment = BOLD, HEADING_FILL, WRAP
            continue
        _append(sheet, [_cell(value) for value in row.values])
        number = sheet.max_row
        for index, (column, value) in enumerate(zip(table.columns, row.values, strict=False), start=1):
            cell = sheet.cell(number, index)
            _number_format(cell, value, column.kind)
            if row.total:
                cell.font = BOLD
            if not column.numeric:
                cell.alignment = WRAP
    if table.note:
        _append(sheet, [])
        _append(sheet, [table.note])
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, min(80, round(column.width * 14)))
