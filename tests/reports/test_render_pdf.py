"""The PDF renderer: read back with pypdf, as a reader's PDF viewer would see it."""

import io
import socket
from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import translation
from pypdf import PdfReader
from weasyprint.urls import FatalURLFetchingError

from nsm.reports.document import Chart
from nsm.reports.layout import header_words
from nsm.reports.plan import build_plan
from nsm.reports.render_pdf import render_html, render_pdf, static_fetcher, static_path
from tests.reports.samples import sample_document


@pytest.fixture(scope="module")
def pdf():
    with translation.override("sq"):
        return PdfReader(io.BytesIO(render_pdf(sample_document(activities=40))))


def text_of(reader):
    return "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_prints_headings_albanian_letters_and_numbers_formatted_in_albanian(pdf):
    text = text_of(pdf)
    for heading in ("Përmbledhje ekzekutive", "Zbatimi sipas qëllimit", "Nënseksioni: çështjet", "Aneks: matrica"):
        assert heading in text
    assert "çështje të kthimit" in text
    assert "12.500.000" in text  # Albanian grouping
    assert "62,5" in text


def test_pdf_has_a_portrait_cover_and_landscape_pages(pdf):
    assert len(pdf.pages) > 1
    cover = pdf.pages[0].mediabox
    assert cover.width < cover.height
    assert any(page.mediabox.width > page.mediabox.height for page in pdf.pages)


def test_table_of_contents_lists_the_section_titles(pdf):
    contents = pdf.pages[1].extract_text()
    for title in ("Përmbledhje ekzekutive", "Zbatimi sipas qëllimit", "Aneks: matrica", "Përfundime"):
        assert title in contents


def test_bookmarks_follow_the_headings(pdf):
    titles = [item.title for item in pdf.outline if not isinstance(item, list)]
    assert "Përmbledhje ekzekutive" in titles


def test_fonts_embedded_are_dejavu(pdf):
    fonts = set()
    for page in pdf.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts
    assert all("DejaVu" in name for name in fonts), fonts


def test_english_document_prints_numbers_the_english_way():
    with translation.override("en"):
        text = text_of(PdfReader(io.BytesIO(render_pdf(sample_document(language="en", activities=3)))))
    assert "12,500,000" in text


def test_html_names_its_language_and_title():
    with translation.override("sq"):
        html = render_html(sample_document(activities=3))
    assert '<html lang="sq">' in html
    assert "<title>Raporti vjetor i monitorimit 2025</title>" in html


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/font.ttf",
        "https://example.com/print.css",
        "file:///etc/passwd",
        "file:///nsm-static/reports/../../settings.py",
        "file:///nsm-static/vendor/js/htmx.min.js",
    ],
)
def test_fetcher_refuses_anything_but_the_stylesheet_and_fonts(url):
    with pytest.raises(ValueError):
        static_fetcher().fetch(url)


def test_fetcher_answers_data_uris():
    assert static_fetcher().fetch("data:text/plain,ok").read() == b"ok"


def test_fetcher_serves_the_stylesheet_and_fonts():
    assert static_path("file:///nsm-static/reports/print.css").name == "print.css"
    assert static_path("file:///nsm-static/vendor/fonts/DejaVuSans.ttf").stat().st_size > 100_000


def test_render_works_without_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    with translation.override("sq"):
        assert render_pdf(sample_document(activities=3)).startswith(b"%PDF")


def test_render_fails_loudly_when_the_fonts_are_missing(settings):
    """Without `make assets` the fonts are missing: no PDF set in whatever fonts the server happens to have."""
    settings.STATICFILES_DIRS = []  # the project's static folder, where `make assets` puts the fonts
    with pytest.raises(FatalURLFetchingError, match="vendor/fonts"), translation.override("sq"):
        render_pdf(sample_document(activities=3))


def test_pdf_is_tagged_with_the_language_and_the_charts_description_as_alternative_text(pdf):
    catalog = pdf.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "sq"
    figures = [node for node in structure(catalog["/StructTreeRoot"]) if node.get("/S") == "/Figure"]
    assert [str(figure["/Alt"]) for figure in figures] == [sample_chart().description]


def structure(node):
    """Every element of a tagged PDF's structure tree."""
    node = node.get_object()
    if not isinstance(node, dict):
        return
    yield node
    kids = node.get("/K")
    kids = kids.get_object() if kids is not None else []
    for kid in kids if isinstance(kids, list) else [kids]:
        yield from structure(kid)


def sample_chart():
    with translation.override("sq"):
        document = sample_document(activities=3)
    return next(block for section, _depth in document.walk() for block in section.blocks if isinstance(block, Chart))


def test_a_table_with_a_long_word_stays_inside_the_page():
    import weasyprint

    from nsm.reports.document import Column, Row, Section, Table
    from nsm.reports.render_pdf import STATIC_BASE

    columns = (Column("Kodi", width=0.5), *(Column(f"Kolona {n}", "money") for n in range(8)))
    table = Table("Tabelë e gjerë", columns, (Row(("ç" * 300, *(Decimal(10) ** 12,) * 8)),))
    document = replace(sample_document(activities=3), sections=(Section("Tabela", blocks=(table,)),))
    with translation.override("sq"):
        html = render_html(document)
    pages = weasyprint.HTML(string=html, base_url=STATIC_BASE, url_fetcher=static_fetcher()).render().pages
    cells = 0
    for page in pages:
        page_box = page._page_box  # WeasyPrint's layout: every box with its place on the page
        right_edge = page_box.content_box_x() + page_box.width
        (html_box,) = (child for child in page_box.children if child.element_tag == "html")  # not the footer
        boxes = list(html_box.descendants())
        cells += sum(box.element_tag == "td" for box in boxes)
        assert all(box.border_box_x() + box.border_width() <= right_edge + 0.01 for box in boxes)
    assert cells >= 8


# --- Headers wrap at their spaces only ---


def header_cells(html):
    """Each header cell of each table as WeasyPrint lays it out, on every page it is repeated on: (its text as
    written, its lines as printed, and whether any piece of its text runs past the cell's right edge)."""
    import weasyprint
    from weasyprint.formatting_structure import boxes

    from nsm.reports.render_pdf import STATIC_BASE

    pages = weasyprint.HTML(string=html, base_url=STATIC_BASE, url_fetcher=static_fetcher()).render().pages
    for page in pages:
        for group in page._page_box.descendants():
            if not (isinstance(group, boxes.TableRowGroupBox) and group.is_header):
                continue
            for row in group.children:
                for cell in row.children:
                    lines = [
                        [text for text in line.descendants() if isinstance(text, boxes.TextBox)]
                        for line in cell.descendants()
                        if isinstance(line, boxes.LineBox)
                    ]
                    right = cell.content_box_x() + cell.width
                    overflows = any(text.position_x + text.width > right + 0.01 for line in lines for text in line)
                    printed = ["".join(text.text for text in line).strip() for line in lines]
                    yield " ".join(cell.element.itertext()), printed, overflows


def split_headers(html):
    """The header cells that print a piece of a word on a line, or run into the next column."""
    found, split = 0, []
    for label, printed, overflows in header_cells(html):
        found += 1
        words = set(header_words(label))
        if overflows or any(piece not in words for line in printed for piece in line.split()):
            split.append((label, printed))
    assert found, "no header cell found"
    return split


def test_no_header_of_the_sample_breaks_inside_a_word():
    with translation.override("sq"):
        html = render_html(sample_document(activities=40))
    assert split_headers(html) == []


@pytest.mark.parametrize("language", ["en", "sq"])
def test_no_header_of_the_plan_breaks_inside_a_word(approved_plan, language):
    """The plan's matrix and its 15-column indicator passport, as the builder makes them."""
    with translation.override(language):
        html = render_html(build_plan(approved_plan.strategy))
    assert split_headers(html) == []


def test_the_check_finds_a_header_broken_inside_a_word():
    """A table whose header words cannot all fit across the page: there the PDF breaks them, and the check above
    says so (it is not a check that always passes)."""
    from nsm.reports.document import Column, Row, Section, Table

    columns = tuple(Column(f"Zbërthimi{n}") for n in range(24))
    table = Table("Tabelë shumë e gjerë", columns, (Row(("",) * 24),))
    document = replace(sample_document(activities=1), sections=(Section("Tabela", blocks=(table,)),))
    with translation.override("sq"):
        html = render_html(document)
    assert '<table class="wide compact">' in html  # not "fits": the renderer knows the words cannot fit
    assert len(split_headers(html)) == 24


def test_a_matrix_costed_over_seven_years_is_set_a_point_smaller_with_its_headers_whole(approved_plan):
    """Seven year columns of figures, each as wide as its widest total, would leave the activity a column a few
    words wide at 8 pt: the matrix is set at 7 pt (in Word, "Table Text Compact", a point under "Table Text"), the
    activity keeps two thirds of its share, and no header breaks inside a word."""
    import docx

    from nsm.reports.render_docx import render_docx
    from tests.factories import ActivityBudgetFactory

    for year in range(2026, 2031):
        ActivityBudgetFactory(activity=approved_plan.activities["A9"], year=year, amount=Decimal(12_500_000))
    with translation.override("sq"):
        document = build_plan(approved_plan.strategy)
        html = render_html(document)
    matrix = next(table for table in document.tables() if table.rows and table.rows[0].heading)
    assert [column.label for column in matrix.columns][5:12] == [str(year) for year in range(2024, 2031)]
    assert html.count('<table class="wide compact fits">') == 1  # the matrix; the passport keeps 8 pt
    assert split_headers(html) == []
    word = docx.Document(io.BytesIO(render_docx(document)))
    table = next(table for table in word.tables if len(table.columns) == len(matrix.columns))
    assert {paragraph.style.name for cell in table.rows[0].cells for paragraph in cell.paragraphs} == {
        "Table Text Compact"
    }
