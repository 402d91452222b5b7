"""The PDF renderer: read back with pypdf, as a reader's PDF viewer would see it, and through Typst's own
introspection where the layout itself is checked."""

import io
import re
import socket
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
import typst
from django.contrib.staticfiles import finders
from django.utils import translation
from PIL import Image
from pypdf import PdfReader

from nsm.reports.document import Chart, Column, Paragraph, Row, Section, Table
from nsm.reports.plan import build_plan
from nsm.reports.render_pdf import (
    MM,
    TEMPLATE_DIR,
    PdfError,
    document_data,
    fonts,
    render_pdf,
    typst_files,
    typst_query,
)
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


def test_table_of_contents_gives_the_page_each_heading_is_on(pdf):
    entries = re.findall(r"^(\S.*?) \.{3,} (\d+)$", pdf.pages[1].extract_text(), re.MULTILINE)
    assert [title for title, _page in entries] == [
        "Përmbledhje ekzekutive",
        "Zbatimi sipas qëllimit",
        "Nënseksioni: çështjet",
        "Aneks: matrica",
        "Përfundime",
    ]
    for title, page in entries:
        assert title in pdf.pages[int(page) - 1].extract_text(), (title, page)


def test_chapters_start_on_a_new_page(pdf):
    chapters = ("Përmbledhje ekzekutive", "Zbatimi sipas qëllimit", "Aneks: matrica", "Përfundime")
    firsts = [page.extract_text().splitlines()[0] for page in pdf.pages[2:]]
    assert all(title in firsts for title in chapters), firsts


def test_the_footer_says_page_x_of_y_in_the_documents_language_but_not_on_the_cover(pdf):
    count = len(pdf.pages)
    assert "faqja" not in pdf.pages[0].extract_text()
    for number, page in enumerate(pdf.pages[1:], 2):
        text = page.extract_text()
        assert f"faqja {number} nga {count}" in text
        assert "SKM 2024–2030 · Raporti vjetor i monitorimit 2025" in text


def test_a_long_tables_header_row_is_repeated_on_each_of_its_pages(pdf):
    matrix_pages = [page.extract_text() for page in pdf.pages if "1.1.1." in page.extract_text()]
    assert len(matrix_pages) >= 2
    assert all("Kodi Aktiviteti Përgjegjës Partnerë Afati 2025 (ALL)" in text for text in matrix_pages)


def test_bookmarks_follow_the_headings(pdf):
    titles = [item.title for item in pdf.outline if not isinstance(item, list)]
    assert "Përmbledhje ekzekutive" in titles


def test_fonts_embedded_are_dejavu(pdf):
    fonts_used = set()
    for page in pdf.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            fonts_used.add(str(font.get_object()["/BaseFont"]))
    assert fonts_used
    assert all("DejaVu" in name for name in fonts_used), fonts_used
    assert any("Condensed" in name for name in fonts_used)  # the tables


def test_typst_sees_the_shipped_fonts_and_no_other():
    folder = Path(finders.find("vendor/fonts/DejaVuSans.ttf")).parent
    found = fonts().fonts()
    assert len(found) == 5
    assert {font.family for font in found} == {"DejaVu Sans"}
    assert all(Path(font.path).parent == folder for font in found)


def test_english_document_prints_numbers_the_english_way():
    with translation.override("en"):
        text = text_of(PdfReader(io.BytesIO(render_pdf(sample_document(language="en", activities=3)))))
    assert "12,500,000" in text
    assert "page 2 of" in text


def test_pdf_names_its_title_description_and_keywords(pdf):
    assert pdf.metadata.title == "Raporti vjetor i monitorimit 2025"
    assert pdf.metadata.subject == "Strategjia Kombëtare për Migracionin 2024–2030"
    assert pdf.metadata["/Keywords"] == "AL-NSM-2024-2030, 2025"
    assert pdf.metadata.creation_date.isoformat() == "2026-01-15T09:30:00+00:00"  # when the document was made


def test_typst_is_given_the_template_the_data_and_the_charts_only():
    with translation.override("sq"):
        files = typst_files(sample_document(activities=3))
    assert set(files) == {"main.typ", "document.json", "chart-1.svg"}
    assert files["chart-1.svg"].startswith(b"<svg")
    assert [path.name for path in TEMPLATE_DIR.iterdir()] == ["document.typ"]  # Typst's root: nothing else to read


def test_render_works_without_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    with translation.override("sq"):
        assert render_pdf(sample_document(activities=3)).startswith(b"%PDF")


def test_render_fails_loudly_when_the_fonts_are_missing(settings):
    """Without `make assets` the fonts are missing: no PDF set in whatever fonts the server happens to have."""
    settings.STATICFILES_DIRS = []  # the project's static folder, where `make assets` puts the fonts
    with pytest.raises(PdfError, match=r"vendor/fonts/DejaVuSans\.ttf.*run `make assets`"), translation.override("sq"):
        render_pdf(sample_document(activities=3))


def test_pdf_is_tagged_pdf_ua_with_the_language_table_headers_and_the_charts_description_as_alternative_text(pdf):
    catalog = pdf.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "sq"
    assert b"pdfuaid:part>1<" in catalog["/Metadata"].get_data()  # PDF/UA-1, which Typst checks as it writes
    nodes = list(structure(catalog["/StructTreeRoot"]))
    figures = [node for node in nodes if node.get("/S") == "/Figure"]
    assert [str(figure["/Alt"]) for figure in figures] == [sample_chart().description]
    headers = [node for node in nodes if node.get("/S") == "/TH"]
    assert len(headers) >= 3 + 9  # the chart's table and the matrix, with its goal and objective rows
    assert [node.get("/S") for node in nodes].count("/H1") == 4 + 1  # the chapters and the contents


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


# --- What users type is printed as they typed it ---

HOSTILE = (
    "#set page(width: 1cm) *bold* _em_ $x^2$ @ref <label> [content] \\ backslash \\\\ "
    '"double" \'single\' `raw` ~ -- --- = heading + list / 1. enum #read("/etc/passwd") '
    '#image("x.svg") // comment /* block */ #{ 1 + 1 } ëË çÇ'
)
RTL = "שלום עולם"
LONG = "Zbërthimi" + "ç" * 300


def hostile_document():
    table = Table(
        HOSTILE,
        (Column("#Kodi *"), Column("$Vlera$", "money")),
        (Row((HOSTILE, Decimal(5))), Row((LONG, Decimal(6)))),
        note=HOSTILE,
    )
    section = Section(HOSTILE, blocks=(Paragraph(HOSTILE), Paragraph(RTL), Paragraph(LONG), table))
    return replace(sample_document(activities=1), title=HOSTILE, footer=HOSTILE, sections=(section,))


def test_text_with_typst_markup_prints_as_written():
    with translation.override("sq"):
        reader = PdfReader(io.BytesIO(render_pdf(hostile_document())))
    text = text_of(reader)
    squeezed = re.sub(r"\s+", "", text)
    # the cover, the contents, the heading, the paragraph, the table's caption, cell and note, two footers
    assert squeezed.count(re.sub(r"\s+", "", HOSTILE)) == 9
    assert HOSTILE in re.sub(r"\s+", " ", text)  # where no line broke inside it, with its spaces
    assert all(word in text for word in RTL.split())  # pypdf reads the words in the order they are drawn
    assert LONG in squeezed  # broken across lines, each letter there in order
    assert reader.metadata.title == HOSTILE
    assert reader.pages[0].mediabox.width > 500  # `#set page(width: 1cm)` was not obeyed


def test_a_word_too_long_for_its_line_breaks_inside_the_page():
    columns = (Column("Kodi", width=0.5), *(Column(f"Kolona {n}", "money") for n in range(8)))
    table = Table("Tabelë e gjerë", columns, (Row(("ç" * 300, *(Decimal(10) ** 12,) * 8)),))
    section = Section("Tabela", blocks=(Paragraph("ë" * 400), table), landscape=True)
    document = replace(sample_document(activities=3), sections=(section,))
    with translation.override("sq"):
        pages = page_images(document)
        text = text_of(PdfReader(io.BytesIO(render_pdf(document))))
    assert len(pages) == 3
    for image in pages:
        landscape = image.width > image.height
        margin = round((15 if landscape else 18) * MM * image.width / (842 if landscape else 595))
        strip = image.crop((image.width - margin + 2, 0, image.width, image.height))
        assert strip.getextrema() == (255, 255), "something printed in the right margin"
    assert "ç" * 300 in re.sub(r"\s+", "", text) and "ë" * 400 in re.sub(r"\s+", "", text)
    assert text.count("1.000.000.000.000") == 8


def page_images(document, ppi=50):
    """The document's pages as Typst draws them, in grey."""
    pages = typst.compile(
        typst_files(document),
        root=str(TEMPLATE_DIR),
        font_paths=fonts(),
        ignore_system_fonts=True,
        format="png",
        ppi=ppi,
    )
    return [Image.open(io.BytesIO(page)).convert("L") for page in (pages if isinstance(pages, list) else [pages])]


# --- Headers wrap at their spaces only ---


def header_cells(document):
    """Each header cell of each table as Typst lays it out, on every page it is repeated on: its label, the width
    its text has in the cell and its widest word, in points, measured by Typst in the cell's own font."""
    return [found["value"] for found in typst_query(document, "<nsm-header>", probe=True)]


def split_headers(document):
    """The header cells with a word wider than the cell: that word would be broken, or run into the next column."""
    cells = header_cells(document)
    assert cells, "no header cell found"
    return [cell["label"] for cell in cells if cell["widest"] > cell["width"] + 0.01]


def tables_data(document):
    """The tables as the template gets them (document_data), in reading order."""

    def walk(sections):
        for section in sections:
            for block in section["blocks"]:
                if block["kind"] in ("table", "chart"):
                    yield block["table"]
            yield from walk(section["subsections"])

    return list(walk(document_data(document)["sections"]))


def test_no_header_of_the_sample_breaks_inside_a_word():
    with translation.override("sq"):
        document = sample_document(activities=40)
        assert split_headers(document) == []
        cells = header_cells(document)
    assert len(cells) >= 3 + 9 * 2 and (len(cells) - 3) % 9 == 0  # the matrix's header on each of its pages


@pytest.mark.parametrize("language", ["en", "sq"])
def test_no_header_of_the_plan_breaks_inside_a_word(approved_plan, language):
    """The plan's matrix and its 15-column indicator passport, as the builder makes them."""
    with translation.override(language):
        assert split_headers(build_plan(approved_plan.strategy)) == []


def test_the_check_finds_a_header_broken_inside_a_word():
    """A table whose header words cannot all fit across the page: there the PDF breaks them, and the check above
    says so (it is not a check that always passes)."""
    columns = tuple(Column(f"Zbërthimi{n}") for n in range(24))
    table = Table("Tabelë shumë e gjerë", columns, (Row(("",) * 24),))
    document = replace(sample_document(activities=1), sections=(Section("Tabela", blocks=(table,)),))
    with translation.override("sq"):
        (data,) = tables_data(document)
        assert data["compact"] and not data["fits"]  # the renderer knows the words cannot fit
        assert len(split_headers(document)) == 24


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
        tables = tables_data(document)
        assert split_headers(document) == []
    matrix = next(table for table in document.tables() if table.rows and table.rows[0].heading)
    assert [column.label for column in matrix.columns][5:12] == [str(year) for year in range(2024, 2031)]
    compact = [table for table in tables if table["compact"]]
    assert len(compact) == 1 and compact[0]["size"] == 7 and compact[0]["fits"]  # the matrix; the passport keeps 8 pt
    assert len(compact[0]["columns"]) == len(matrix.columns)
    word = docx.Document(io.BytesIO(render_docx(document)))
    table = next(table for table in word.tables if len(table.columns) == len(matrix.columns))
    assert {paragraph.style.name for cell in table.rows[0].cells for paragraph in cell.paragraphs} == {
        "Table Text Compact"
    }
