"""Markdown in the documents (nsm.reports.document.markdown_section): headings become subsections, emphasis and
safe links are kept in Word and PDF, and nothing hostile written into a text reaches a file."""

import io
import zipfile

import docx
import pytest
from django.utils import timezone, translation
from pypdf import PdfReader

from nsm.reports.document import Bullets, Document, Paragraph, Run, Table, markdown_blocks, markdown_section
from nsm.reports.generate import render

HOSTILE = (
    "Before <script>alert('stolen')</script> after.\n\n<iframe src='https://evil.example/'></iframe>\n\n"
    "[click me](javascript:alert(1)) and [ok](https://example.org/plan)\n\n<img src=x onerror='alert(2)'>"
)


def document(*sections, language="en"):
    return Document(
        kind="plan",
        language=language,
        title="Title",
        subtitle="",
        cover_lines=(),
        sections=sections,
        strategy_code="AL-NSM",
        period="",
        generated_at=timezone.now(),
    )


def test_headings_make_subsections_and_text_before_them_stays_in_the_chapter():
    section = markdown_section("Context", "Intro.\n\n## Labour\n\nA\n\n### Seasonal\n\nB\n\n## Return\n\n- x\n- y")
    assert [block.text for block in section.blocks] == ["Intro."]
    assert [sub.title for sub in section.subsections] == ["Labour", "Return"]
    assert section.subsections[0].subsections[0].title == "Seasonal"
    assert section.subsections[0].subsections[0].blocks == (Paragraph("B", (Run("B"),)),)
    assert isinstance(section.subsections[1].blocks[0], Bullets)


def test_a_blank_text_prints_what_the_caller_says():
    assert markdown_section("Risks", "  ", empty="Not written yet.").blocks[0].text == "Not written yet."
    assert markdown_section("Risks", "").blocks == ()


def test_a_reference_is_replaced_by_the_resolvers_blocks():
    table = Table("Stocks", (), ())
    blocks = markdown_blocks(
        "[[context:MIG-01]]\n\n[[context:NONE]]", lambda e: (table,) if e.key == "MIG-01" else None
    )
    assert blocks[0] is table
    assert blocks[1] == Paragraph("[[context:NONE]]")


@pytest.mark.parametrize("language", ["sq", "en"])
def test_nothing_hostile_reaches_word_or_pdf(language):
    made = document(markdown_section("Analysis", HOSTILE), language=language)
    with translation.override(language):
        word = render(made, "docx")
        pdf = render(made, "pdf")
    xml = zipfile.ZipFile(io.BytesIO(word)).read("word/document.xml").decode()
    relationships = zipfile.ZipFile(io.BytesIO(word)).read("word/_rels/document.xml.rels").decode()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for output in (xml, text):
        assert "stolen" not in output and "<script" not in output and "iframe" not in output
        assert "Before" in output and "after." in output
    assert "javascript:" not in relationships and "https://example.org/plan" in relationships
    links = [
        annotation.get_object()["/A"]["/URI"]
        for page in PdfReader(io.BytesIO(pdf)).pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    assert links == ["https://example.org/plan"]


def test_emphasis_and_lists_in_word():
    made = document(markdown_section("Vision", "A **bold** *aim*.\n\n1. one\n2. two\n\n- a\n  - b"))
    word = docx.Document(io.BytesIO(render(made, "docx")))
    paragraphs = [p for p in word.paragraphs if p.text]
    aim = next(p for p in paragraphs if p.text == "A bold aim.")
    assert [(run.text, bool(run.bold), bool(run.italic)) for run in aim.runs] == [
        ("A ", False, False),
        ("bold", True, False),
        (" ", False, False),
        ("aim", False, True),
        (".", False, False),
    ]
    assert [p.text for p in paragraphs if p.text.startswith(("1.", "2."))] == ["1.\tone", "2.\ttwo"]
    assert [(p.text, p.style.name) for p in paragraphs if p.text in ("a", "b")] == [
        ("a", "List Bullet"),
        ("b", "List Bullet 2"),
    ]
