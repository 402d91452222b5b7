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
from nsm.reports.document import colophon, format_value
from nsm.reports.generate import generate, render
from nsm.reports.plan import build_plan
from nsm.reports.render_pdf import typst_query

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
        level = approved_plan.strategy.top_level_name
        by_goal = translation.gettext("By %(level)s") % {"level": level.lower()}
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
    assert row[5:8] == (1000, 3000, 4000)  # 2024, 2025 and the total: no activity is costed in 2026
    assert row[8] == "Donor, Unfunded"  # plain spaces: the no-break ones are for the printed page
    assert D(row[7]) == D(4000)


def outline_titles(reader):
    def walk(items):
        for item in items:
            if isinstance(item, list):
                yield from walk(item)
            else:
                yield item.title

    return list(walk(reader.outline))


def plain(content):
    """The text of a piece of Typst content, as `typst.query` gives it in JSON."""
    if isinstance(content, list):
        return "".join(plain(item) for item in content)
    if not isinstance(content, dict):
        return ""
    if content["func"] == "text":
        return content["text"]
    if content["func"] == "space":
        return " "
    return "".join(plain(content[key]) for key in ("body", "child", "children") if key in content)


def pdf_tables(document):
    """The tables Typst lays out in the PDF, each as its rows of cell texts (the header row first; a heading row
    of the matrix is one cell)."""
    tables = []
    for table in typst_query(document, "table"):
        rows, cells = [], []
        for child in table["children"]:
            if child["func"] == "header":
                rows.append([plain(cell).strip() for cell in child["children"]])
            elif child["func"] == "cell":
                cells.append(plain(child).strip())
                if len(cells) == len(table["columns"]):
                    rows.append(cells)
                    cells = []
        tables.append(rows)
    return tables


@pytest.mark.parametrize("language", ["en", "sq"])
def test_the_word_file_matches_the_pdf(approved_plan, language):
    """Word and PDF rendered from one Document: the same chapters and sections, the same tables with the same
    columns shown (the matrix without 2026, where no activity is costed), the same acronyms, the same colophon."""
    approved_plan.activities["A1"].partners.add(approved_plan.institutions["MB"])
    with translation.override(language):
        document = build_plan(approved_plan.strategy)
    word = docx.Document(io.BytesIO(render(document, "docx")))
    reader = PdfReader(io.BytesIO(render(document, "pdf")))
    with translation.override(language):
        tables = pdf_tables(document)
        contents = translation.gettext("Contents")

    titles = [section.title for section, _depth in document.walk()]
    assert [p.text for p in word.paragraphs if p.style.name.startswith("Heading")] == titles
    assert [title for title in outline_titles(reader) if title != contents] == titles

    captioned = [table for table in word.tables if 'w:val="Caption"' in table._tbl.getprevious().xml]  # not figures
    word_tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in captioned]
    assert [table[0] for table in word_tables] == [table[0] for table in tables]
    assert [table[0] for table in tables] == [[column.label for column in t.columns] for t in document.tables()]
    matrix = next(table for table in document.tables() if table.rows[0].heading)
    assert "2026" not in [column.label for column in matrix.columns]

    acronyms = next(table for table in document.tables() if table is document.sections[0].blocks[0])
    expected = [list(row.values) for row in acronyms.rows]
    assert [row[0] for row in expected] == ["AKPA", "MB", "MSHMS"]
    assert word_tables[0][1:] == expected == tables[0][1:]
    pdf_text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert all(f"{code} {name}" in pdf_text for code, name in expected)

    lines = colophon(document)
    assert [p.text for p in word.paragraphs[-len(lines) :]] == list(lines)
    assert all(line in pdf_text for line in lines)
    cover = reader.pages[0].extract_text()
    assert document.data_stamp not in cover and lines[0] not in cover
