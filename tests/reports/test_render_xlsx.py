"""The Excel rendering: one sheet per table, figures stored as numbers, heading rows merged, names valid."""

import io
from decimal import Decimal as D

import openpyxl
from django.utils import translation

from nsm.reports.document import Column, Row, Table
from nsm.reports.render_xlsx import _sheet_name, render_xlsx
from tests.reports.samples import ALBANIAN, sample_document


def workbook(document):
    with translation.override(document.language):
        return openpyxl.load_workbook(io.BytesIO(render_xlsx(document)))


def test_each_table_becomes_a_sheet_after_the_info_sheet():
    document = sample_document()
    book = workbook(document)
    assert book.sheetnames[1:] == [table.name for table in document.tables()]
    info = [row[0] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert info[:2] == [document.title, document.subtitle]
    assert document.data_stamp in [cell for row in book.worksheets[0].iter_rows(values_only=True) for cell in row]


def test_figures_are_numbers_with_a_number_format_not_text():
    sheet = workbook(sample_document())["Matrica"]
    rows = list(sheet.iter_rows(min_row=1, values_only=True))
    assert rows[0][0] == "Matrica e planit të veprimit"
    assert rows[1][:2] == ("Kodi", "Aktiviteti")
    first = next(row for row in rows if row[0] == "1.1.1.1")
    assert first[5] == 1_250_000 and isinstance(first[5], int)
    cell = next(c for c in sheet["F"] if c.value == 1_250_000)
    assert cell.number_format == "#,##0"
    assert first[8] is None  # no value stays an empty cell, not "—"


def test_heading_rows_are_merged_across_the_table_and_keep_albanian_letters():
    sheet = workbook(sample_document())["Matrica"]
    merged = [str(ranges) for ranges in sheet.merged_cells.ranges]
    assert "A3:I3" in merged and "A4:I4" in merged
    assert sheet["A3"].value == "Qëllimi 1: " + ALBANIAN and sheet["A3"].font.bold
    assert sheet.freeze_panes == "A3"


def test_percentages_keep_their_decimal_and_show_a_percent_sign():
    sheet = workbook(sample_document())["Zbatimi"]
    cell = next(c for c in sheet["C"] if c.value == 57.1)
    assert cell.number_format == '0.0"%"'


def test_sheet_names_are_valid_and_unique():
    table = Table(
        "Caption: with / forbidden * characters? and far too long for a sheet", (Column("A"),), (Row(("x",)),)
    )
    taken: set[str] = set()
    first, second = _sheet_name(table, taken), _sheet_name(table, taken)
    assert len(first) <= 31 and len(second) <= 31 and first != second
    assert not set("[]:*?/\\") & set(first + second)


def test_a_total_row_is_bold():
    sheet = workbook(sample_document())["Matrica"]
    total = next(row for row in sheet.iter_rows() if row[0].value == "Gjithsej")
    assert total[5].value == 99_000_000 and total[5].font.bold
    assert D(total[5].value) == D(99_000_000)
