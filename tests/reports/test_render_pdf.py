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
