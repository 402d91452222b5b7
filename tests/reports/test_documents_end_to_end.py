"""The documents as their readers get them: the annual report of the hand-counted plan written to Word and PDF, opened
with python-docx and pypdf, in both languages. The headings are there, in the document's language, and the figures
printed are the roll-ups' figures. Structure and text are compared, never bytes."""

import io
import re
from decimal import Decimal as D

import docx
import pytest
from django.utils import translation
from pypdf import PdfReader

from nsm.analytics.budget import budget
from nsm.analytics.groups import Filters
from nsm.analytics.implementation import implementation
from nsm.analytics.periods import Period
from nsm.reports.document import format_value
from nsm.reports.generate import generate

YEAR = Period.year(2024)


def make(plan, fmt, language="en", kind="annual"):
    return generate(kind, plan.strategy, period=YEAR if kind == "annual" else None, language=language, fmt=fmt)


def docx_text(content):
    word = docx.Document(io.BytesIO(content))
    headings = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Heading")]
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return word, headings, cells


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return reader, re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def expected_figures(plan, language):
    filters = Filters.of(plan.strategy)
    total = implementation(filters, YEAR).total
    money = budget(filters, YEAR).total
    with translation.override(language):
        return {
            "rate": format_value(total.rate, "percent"),
            "planned": format_value(money.planned, "money"),
            "spent": format_value(money.spent, "money"),
            "gap": format_value(money.unfunded, "money"),
            "execution": format_value(money.execution_rate, "percent"),
        }


@pytest.mark.parametrize("language", ["en", "sq"])
def test_the_word_report_prints_the_roll_ups_figures_under_its_headings(approved_plan, language):
    output = make(approved_plan, "docx", language)
    assert output.filename == f"AL-NSM-TEST_annual-2024_{language}.docx"
    word, headings, cells = docx_text(output.content)
    with translation.override(language):
        summary = translation.gettext("Executive summary")
        budget_title = translation.gettext("Budget execution and funding gap")
        by_goal = translation.gettext("By goal")
    assert headings[0] == ("Heading 1", summary)
    assert ("Heading 1", budget_title) in headings
    assert ("Heading 2", by_goal) in headings
    figures = expected_figures(approved_plan, language)
    assert figures["rate"] in cells  # the implementation rate's key figure: 40.0 % / 40 %
    assert figures["planned"] in cells and figures["spent"] in cells and figures["gap"] in cells
    assert word.core_properties.language.startswith(language)
    if language == "sq":
        assert figures["planned"] == "11.000"  # Albanian grouping
    else:
        assert figures["planned"] == "11,000"


@pytest.mark.parametrize("language", ["en", "sq"])
def test_the_pdf_report_prints_the_roll_ups_figures_under_its_headings(approved_plan, language):
    output = make(approved_plan, "pdf", language)
    reader, text = pdf_text(output.content)
    with translation.override(language):
        for title in ("Executive summary", "Indicators", "Reporting compliance", "Annex: status of every activity"):
            assert translation.gettext(title) in text
    figures = expected_figures(approved_plan, language)
    for name in ("rate", "planned", "spent", "gap", "execution"):
        assert figures[name].replace("\u00a0", " ") in text.replace("\u00a0", " "), name
    assert len(reader.pages) > 5
    assert reader.trailer["/Root"]["/Lang"] == language


def test_the_albanian_report_is_in_albanian(approved_plan):
    _word, english, _cells = docx_text(make(approved_plan, "docx", "en").content)
    _word, albanian, _cells = docx_text(make(approved_plan, "docx", "sq").content)
    assert len(english) == len(albanian)
    assert [text for _style, text in english] != [text for _style, text in albanian]
    assert albanian[0][1] == "Përmbledhje ekzekutive"


def test_the_plan_document_comes_in_word_pdf_and_excel(approved_plan):
    word, headings, cells = docx_text(make(approved_plan, "docx", kind="plan").content)
    assert ("Heading 1", "Action plan matrix") in headings and ("Heading 1", "Indicator passport") in headings
    a4 = approved_plan.activities["A4"]
    assert a4.code in cells and "3,000" in cells  # A4's 2025 cost: donor 2,000 + unfunded 1,000
    landscape = [section for section in word.sections if section.page_width > section.page_height]
    assert landscape
    _reader, text = pdf_text(make(approved_plan, "pdf", kind="plan").content)
    assert "Action plan matrix" in text and a4.code in text
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(make(approved_plan, "xlsx", kind="plan").content))
    sheet = book["Action plan"]
    row = next(row for row in sheet.iter_rows(values_only=True) if row[0] == a4.code)
    assert row[5:9] == (1000, 3000, 0, 4000)
    assert D(row[8]) == D(4000)
