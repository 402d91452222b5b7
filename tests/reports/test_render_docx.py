"""The Word document: real styles and fields, landscape sections, tables that read and edit well, charts with alt
text, and numbers in the document's language."""

import io

import pytest
from django.utils import translation
from docx import Document as open_docx
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from nsm.reports.layout import CALIBRI, header_words, text_width
from nsm.reports.render_docx import render_docx
from tests.reports.samples import ALBANIAN, sample_document


def written(language: str):
    """The sample (built in its own language, as a builder would) and its Word file opened again."""
    with translation.override(language):
        document = sample_document(language=language)
    return document, open_docx(io.BytesIO(render_docx(document)))


@pytest.fixture(scope="module")
def albanian_sample():
    return written("sq")


@pytest.fixture(scope="module")
def albanian(albanian_sample):
    return albanian_sample[1]


@pytest.fixture(scope="module")
def english():
    return written("en")[1]


def instructions(element) -> str:
    return " ".join(text.text for text in element.iter(qn("w:instrText")))


def test_section_titles_are_headings_by_depth_in_reading_order(albanian):
    headings = [(p.style.name, p.text) for p in albanian.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        ("Heading 1", "Përmbledhje ekzekutive"),
        ("Heading 1", "Zbatimi sipas qëllimit"),
        ("Heading 2", "Nënseksioni: çështjet"),
        ("Heading 1", "Aneks: matrica"),
        ("Heading 1", "Përfundime"),
    ]


def test_cover_uses_title_and_subtitle_styles_and_the_document_ends_with_the_colophon(albanian, english):
    assert albanian.paragraphs[0].style.name == "Title"
    assert albanian.paragraphs[0].text == "Raporti vjetor i monitorimit 2025"
    assert albanian.paragraphs[1].style.name == "Subtitle"
    cover = [paragraph.text for paragraph in albanian.paragraphs[: page_break(albanian)]]
    assert not any("2026" in line or "12.40" in line for line in cover)  # neither when nor which data
    made, version = (paragraph.text for paragraph in english.paragraphs[-2:])
    assert made == "Made on 15 January 2026 from the data as approved at 10:30."  # 09:30 UTC, in Tirana
    assert version == "Data version: 12.40/3.9/120.130/600.700/200.210"
    assert "15 janar 2026" in albanian.paragraphs[-2].text and "10:30" in albanian.paragraphs[-2].text
    assert all(paragraph.style.name == "Note" for paragraph in albanian.paragraphs[-2:])


def page_break(word) -> int:
    """The index of the paragraph that ends the cover."""
    return next(index for index, paragraph in enumerate(word.paragraphs) if 'w:type="page"' in paragraph._p.xml)


def test_a_table_of_contents_field_is_there_and_word_is_asked_to_update_fields(albanian):
    assert 'TOC \\o "1-3" \\h \\z \\u' in instructions(albanian.element.body)
    update = albanian.settings.element.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"


def test_the_footer_carries_the_footer_text_and_page_x_of_y_fields(albanian):
    footer = albanian.sections[0].footer
    assert "SKM 2024–2030" in footer.paragraphs[0].text
    assert "PAGE" in instructions(footer._element).split()
    assert "NUMPAGES" in instructions(footer._element).split()
    assert all(section.footer.is_linked_to_previous for section in albanian.sections[1:])


def test_the_landscape_section_is_a_landscape_word_section_and_the_next_one_is_portrait(albanian):
    orientations = [section.orientation for section in albanian.sections]
    landscape = orientations.index(WD_ORIENT.LANDSCAPE)
    wide = albanian.sections[landscape]
    assert wide.page_width > wide.page_height
    assert orientations[landscape + 1] == WD_ORIENT.PORTRAIT
    assert albanian.sections[landscape + 1].page_width < albanian.sections[landscape + 1].page_height
    assert orientations.count(WD_ORIENT.LANDSCAPE) == 1


def matrix(document):
    return next(table for table in document.tables if table.rows[0].cells[0].text == "Kodi")


def test_a_heading_row_is_one_bold_cell_across_all_columns(albanian):
    heading = matrix(albanian).rows[1]
    cells = heading._tr.tc_lst
    assert len(cells) == 1 and cells[0].grid_span == 9
    assert heading.cells[0].text == "Qëllimi 1: " + ALBANIAN
    assert all(run.bold for run in heading.cells[0].paragraphs[0].runs)


def test_the_header_row_repeats_on_each_page_and_is_bold(albanian):
    for table in albanian.tables[1:]:
        header = table.rows[0]
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(run.bold for cell in header.cells for run in cell.paragraphs[0].runs)
        assert table.style.name == "Table Grid"


def test_numbers_follow_the_document_language_and_are_right_aligned(albanian, english):
    first_activity = matrix(albanian).rows[3]
    assert first_activity.cells[5].text == "1.250.000"
    assert first_activity.cells[5].paragraphs[0].alignment == 2  # right
    assert first_activity.cells[8].text == "—"
    assert matrix(english).rows[3].cells[5].text == "1,250,000"
    total = matrix(albanian).rows[-1]
    assert total.cells[0].text == "Gjithsej" and total.cells[5].text == "99.000.000"
    assert all(run.bold for run in total.cells[5].paragraphs[0].runs)


def test_albanian_letters_are_preserved(albanian):
    assert ALBANIAN.lower() in "\n".join(p.text for p in albanian.paragraphs)


def test_one_picture_per_chart_with_its_description_as_alt_text(albanian_sample):
    document, albanian = albanian_sample
    chart = document.sections[1].blocks[0]
    pictures = albanian.inline_shapes
    assert len(pictures) == 1
    properties = pictures[0]._inline.docPr
    assert properties.get("descr") == chart.description and chart.description
    assert properties.get("title") == chart.title
    assert pictures[0].width <= 16 * 360000
    captions = [p.text for p in albanian.paragraphs if p.style.name == "Caption"]
    assert any(chart.title in caption for caption in captions)
    assert any(table.rows[0].cells[0].text == "Qëllimi" for table in albanian.tables)


def test_the_language_is_set_on_the_styles_and_the_properties(albanian, english):
    normal = albanian.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert normal.get(qn("w:val")) == "sq-AL"
    defaults = albanian.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert defaults.get(qn("w:val")) == "sq-AL"
    assert english.styles["Normal"].element.rPr.find(qn("w:lang")).get(qn("w:val")) == "en-GB"
    assert albanian.core_properties.language == "sq-AL"
    assert albanian.core_properties.title == "Raporti vjetor i monitorimit 2025"
    assert albanian.core_properties.author == "NSM"
    assert albanian.styles["Normal"].font.name == "Calibri"


def test_a_table_has_its_caption_above_and_its_note_below(albanian):
    table = matrix(albanian)._tbl
    caption, note = table.getprevious(), table.getnext()
    assert caption.style == "Caption" and caption.xpath("string(.)").endswith("Matrica e planit të veprimit")
    assert "SEQ Table" in instructions(caption)
    assert note.xpath("string(.)") == "Shumat janë në lekë."


def test_column_widths_share_the_landscape_page_width_in_proportion(albanian):
    widths = [column.width for column in matrix(albanian).columns]
    landscape_usable = (29.7 - 2 * 1.5) * 360000  # 1.5 cm margins left and right, as in the PDF
    assert landscape_usable * 0.99 < sum(widths) <= landscape_usable
    assert abs(widths[1] / widths[0] - 4) < 0.01  # neither needs more than its share
    landscape = next(section for section in albanian.sections if section.orientation == WD_ORIENT.LANDSCAPE)
    assert abs(landscape.left_margin - 1.5 * 360000) < 635 and landscape.right_margin == landscape.left_margin


def test_no_header_word_is_wider_than_its_column(albanian):
    """Word breaks a word only where it does not fit its cell: every column is at least as wide as its header's
    longest word in bold Calibri (measured with DejaVu Sans Condensed Bold scaled by `CALIBRI`, as Carlito, its
    metric twin, measures) with the cell's margins; the figures fit whole too."""
    for table in albanian.tables[1:]:
        labels = [cell.text for cell in table.rows[0].cells]
        wide = len(labels) >= 6
        margins = 2 * (57 if wide else 108) / 20  # points: the table's cell margins, left and right
        for label, column in zip(labels, table.columns, strict=True):
            words = header_words(label)
            assert " ".join(words) == label  # the header is printed as it is, with no break of its own
            longest = max(text_width(word, 9, bold=True) * CALIBRI[1] for word in words)
            assert column.width / 12700 >= longest + margins, (label, column.width / 12700, longest + margins)
    table = matrix(albanian)
    for cell, column in zip(table.rows[-1].cells[5:7], list(table.columns)[5:7], strict=True):  # the total figures
        assert text_width(cell.text, 9, bold=True) * CALIBRI[1] + 2 * 57 / 20 <= column.width / 12700


def test_bullets_and_paragraphs_use_word_styles_and_key_figures_form_a_small_table(albanian):
    bullets = [p.text for p in albanian.paragraphs if p.style.name == "List Bullet"]
    assert bullets == ["Çështja e parë: vonesa në prokurim.", "Çështja e dytë: mungesë fondesh."]
    figures = albanian.tables[0]
    assert [cell.text for cell in figures.rows[0].cells] == ["Norma e zbatimit", "62,5\u00a0%", "5 nga 8 aktivitete"]
    assert figures.rows[1].cells[1].text == "12.500.000"
