"""The document model as a Word file that the secretariat keeps editing.

Everything is carried by Word's own styles ("Title", "Heading 1-3", "Caption", "List Bullet", "Table Grid") and
fields (table of contents, page numbers, caption numbers), so that restyling, renumbering and updating the contents
work in Word and LibreOffice as in any hand-made report. The renderer walks the model only, never the ORM; numbers
are printed by `format_value` in the document's language.
"""

from __future__ import annotations

import io
import re
import struct
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document as new_word_document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu, Length, Pt
from docx.styles.style import ParagraphStyle
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph as WordParagraph

from nsm.reports.document import (
    Bullets,
    Chart,
    Document,
    KeyFigures,
    Paragraph,
    Run,
    Section,
    Table,
    colophon,
    format_value,
)
from nsm.reports.layout import CALIBRI, Frame, fit

PAGE_WIDTH, PAGE_HEIGHT = Cm(21), Cm(29.7)  # A4
MARGIN = Cm(2.5)
LANDSCAPE_SIDE_MARGIN = Cm(1.5)  # left and right on landscape pages, as in the PDF: the wide tables get the width
CHART_WIDTH = Cm(16)
FONT = "Calibri"  # has ë and ç; LibreOffice substitutes the metric-compatible Carlito
WORD_LANGUAGES = {"sq": "sq-AL", "en": "en-GB"}
HEADING_FILLS = {1: "D9E2F3", 2: "E9EEF7", 3: "F3F6FB"}  # decoration only: the row's text says what it is
TOC_INSTRUCTION = 'TOC \\o "1-3" \\h \\z \\u'
TABLE_FONT_SIZE = 9.0  # points: the "Table Text" style
COMPACT_FONT_SIZE = 8.0  # points: "Table Text Compact", for a wide table whose figures leave its main column too little
EMU_PER_POINT = 12700
WIDE_TABLE = 6  # columns from which a table's cells have narrow margins (1 mm a side), as in the PDF
NARROW_CELL_MARGIN = 57  # twips: 1 mm
# Points a cell adds to its text: Word's default cell margins (0.19 cm a side), or the narrow ones, and the border.
CELL_PADDING = {False: 2 * 5.4 + 0.5, True: 2 * NARROW_CELL_MARGIN / 20 + 0.5}


def render_docx(document: Document) -> bytes:
    """The document as DOCX bytes. Runs in the document's language, so numbers and fixed words follow it even when
    called outside `generate.render`."""
    with translation.override(document.language):
        writer = _Writer(document)
        writer.write()
        out = io.BytesIO()
        writer.word.save(out)
        return out.getvalue()


class _Writer:
    """One Word document being written: the current page orientation and the caption counters."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.word: WordDocument = new_word_document()
        self.landscape = False
        self.counters = {"Figure": 0, "Table": 0}
        self.cell_style, self.note_style = _set_up_styles(self.word, WORD_LANGUAGES.get(document.language, "en-GB"))
        self.compact_style = _compact_style(self.word, self.cell_style)
        _set_up_settings(self.word)
        _set_up_properties(self.word, document)

    def write(self) -> None:
        self.first_page()
        self.contents()
        for section, depth, landscape in _sections(self.document):
            if depth == 1 and (section is self.document.sections[0] or landscape != self.landscape):
                self.new_word_section(landscape=landscape)
            elif depth == 1 or section.new_page:  # as in the PDF: each chapter, and a section so marked, on a new page
                self.word.add_page_break()
            self.word.add_heading(section.title, level=min(depth, 9))
            for block in section.blocks:
                self.block(block)
        self.colophon()

    # -- pages -----------------------------------------------------------------------------------------------------

    def first_page(self) -> None:
        """A4 portrait, the footer with page numbers (not on the cover), then the cover."""
        section = self.word.sections[0]
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, MARGIN)
        section.footer_distance = Cm(1.2)
        section.different_first_page_header_footer = True
        self.footer(section.footer.paragraphs[0])
        title = self.word.add_paragraph(self.document.title, style="Title")
        title.paragraph_format.space_before = Cm(6)
        if self.document.subtitle:
            self.word.add_paragraph(self.document.subtitle, style="Subtitle")
        for line in self.document.cover_lines:
            self.word.add_paragraph(line)
        self.word.add_page_break()

    def footer(self, paragraph: WordParagraph) -> None:
        """ "<footer> · Page X of Y", centred so that it sits well on portrait and landscape pages alike."""
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if self.document.footer:
            paragraph.add_run(self.document.footer + "  ·  ")
        fields = {"page": "PAGE", "pages": "NUMPAGES"}
        for index, piece in enumerate(re.split(r"%\((page|pages)\)s", _("Page %(page)s of %(pages)s"))):
            if index % 2:
                _add_field(paragraph, fields[piece], "1")
            elif piece:
                paragraph.add_run(piece)

    def colophon(self) -> None:
        """When the document was made and from which data, in words, after the last chapter (on its last page, as
        in the PDF), kept in one piece."""
        for index, line in enumerate(colophon(self.document)):
            paragraph = self.word.add_paragraph(line, style=self.note_style)
            paragraph.paragraph_format.keep_with_next = True
            if index == 0:
                paragraph.paragraph_format.space_before = Pt(24)

    def contents(self) -> None:
        """The table of contents as a field Word fills in; until then it shows how to fill it in."""
        self.word.add_paragraph(_("Contents"), style="TOC Heading")
        _add_field(
            self.word.add_paragraph(),
            TOC_INSTRUCTION,
            _("Right-click here and choose “Update field” to fill in the table of contents."),
            dirty=True,
        )

    def new_word_section(self, *, landscape: bool) -> None:
        """A new page in a new Word section; its footer stays linked to the previous one."""
        section = self.word.add_section(WD_SECTION.NEW_PAGE)
        section.different_first_page_header_footer = False
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (PAGE_HEIGHT, PAGE_WIDTH) if landscape else (PAGE_WIDTH, PAGE_HEIGHT)
        section.left_margin = section.right_margin = LANDSCAPE_SIDE_MARGIN if landscape else MARGIN
        self.landscape = landscape

    @property
    def usable_width(self) -> Length:
        if self.landscape:
            return Emu(PAGE_HEIGHT - 2 * LANDSCAPE_SIDE_MARGIN)
        return Emu(PAGE_WIDTH - 2 * MARGIN)

    @property
    def usable_height(self) -> Length:
        return Emu((PAGE_WIDTH if self.landscape else PAGE_HEIGHT) - 2 * MARGIN)

    # -- blocks ----------------------------------------------------------------------------------------------------

    def block(self, block: Paragraph | Bullets | KeyFigures | Table | Chart) -> None:
        if isinstance(block, Paragraph):
            if block.runs:
                _add_runs(self.word.add_paragraph(), block.runs)
            else:
                self.word.add_paragraph(block.text)
        elif isinstance(block, Bullets):
            self.bullets(block)
        elif isinstance(block, KeyFigures):
            self.key_figures(block)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Chart):
            self.chart(block)

    def bullets(self, block: Bullets) -> None:
        """A bulleted list in Word's "List Bullet" styles (2 and 3 for nested items); a numbered one with its numbers
        written out, hanging, so that a second list starts again at 1 (Word's "List Number" would go on counting)."""
        numbers: list[int] = []
        for depth, _text, runs in block.tree():
            level = min(depth, 2)
            if block.ordered:
                del numbers[depth + 1 :]
                numbers += [0] * (depth + 1 - len(numbers))
                numbers[depth] += 1
                paragraph = self.word.add_paragraph()
                paragraph.paragraph_format.left_indent = Cm(0.75 * (level + 1))
                paragraph.paragraph_format.first_line_indent = Cm(-0.75)
                paragraph.paragraph_format.space_after = Pt(2)
                paragraph.add_run(f"{numbers[depth]}.\t")
            else:
                paragraph = self.word.add_paragraph(style="List Bullet" + (f" {level + 1}" if level else ""))
            _add_runs(paragraph, runs)

    def caption(self, label: str, sequence: str, text: str) -> WordParagraph:
        """ "Table 3: …" with a SEQ field, as Word's Insert Caption makes it, so that Word renumbers on insertion."""
        self.counters[sequence] += 1
        paragraph = self.word.add_paragraph(style="Caption")
        paragraph.add_run(label + " ")
        _add_field(paragraph, f"SEQ {sequence} \\* ARABIC", str(self.counters[sequence]))
        paragraph.add_run(": " + text if text else "")
        return paragraph

    def table(self, table: Table) -> None:
        self.caption(_("Table"), "Table", table.caption).paragraph_format.keep_with_next = True
        wide = len(table.columns) >= WIDE_TABLE
        sizes = (TABLE_FONT_SIZE, COMPACT_FONT_SIZE) if wide else (TABLE_FONT_SIZE,)
        frames = [Frame(self.usable_width / EMU_PER_POINT, size, CELL_PADDING[wide], CALIBRI) for size in sizes]
        chosen, fitted = fit(table, frames)  # as in the PDF: a point smaller if the main column has too little room
        style = self.compact_style if chosen else self.cell_style
        widths = [int(points * EMU_PER_POINT) // 635 * 635 for points in fitted.points]
        grid = self.new_grid(widths)
        if wide:
            _narrow_cell_margins(grid)
        header = grid.rows[0]
        _mark_header(header)
        for cell, column in zip(header.cells, table.columns, strict=True):
            self.fill(cell, column.label, numeric=column.numeric, bold=True, style=style)
        self.rows(grid, table, widths, style)
        if table.note:
            self.word.add_paragraph(table.note, style=self.note_style)

    def rows(self, grid, table: Table, widths: list[int], cell_style: ParagraphStyle) -> None:
        """The table's rows, written as WordprocessingML text and parsed once: building them cell by cell through
        python-docx took seconds for a national plan's few thousand rows (each element found its place by scanning
        its siblings)."""
        style = escape(cell_style.style_id)
        twips = [width // 635 for width in widths]
        parts = []
        for row in table.rows:
            if row.heading:
                fill = HEADING_FILLS.get(row.heading, HEADING_FILLS[3])
                properties = (
                    f'<w:tcW w:w="{sum(twips)}" w:type="dxa"/><w:gridSpan w:val="{len(twips)}"/>'
                    f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
                )
                text = format_value(row.values[0] if row.values else None)
                parts.append(f"<w:tr>{_cell_xml(properties, style, text, numeric=False, bold=True)}</w:tr>")
                continue
            values = tuple(row.values) + (None,) * (len(table.columns) - len(row.values))
            cells = "".join(
                _cell_xml(
                    f'<w:tcW w:w="{width}" w:type="dxa"/>',
                    style,
                    format_value(value, column.kind),
                    numeric=column.numeric,
                    bold=row.total,
                )
                for column, value, width in zip(table.columns, values, twips, strict=False)
            )
            parts.append(f"<w:tr>{cells}</w:tr>")
        if parts:
            parsed = parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(parts)}</w:tbl>")
            grid._tbl.extend(list(parsed))

    def new_grid(self, widths: list[int]):
        """A one-row table in "Table Grid" with fixed column widths; rows added later take the same widths."""
        grid = self.word.add_table(rows=1, cols=len(widths))
        grid.style = self.word.styles["Table Grid"]
        grid.autofit = False
        grid.alignment = WD_TABLE_ALIGNMENT.LEFT
        for column, cell, width in zip(grid.columns, grid.rows[0].cells, widths, strict=True):
            column.width = cell.width = Emu(width)
        return grid

    def fill(
        self, cell: _Cell, text: str, *, numeric: bool = False, bold: bool = False, style: ParagraphStyle | None = None
    ) -> None:
        paragraph = cell.paragraphs[0]
        # by id: python-docx's lookup by style scans every style
        paragraph._p.style = (style or self.cell_style).style_id
        if numeric:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(text)
        if bold:
            run.bold = True

    def key_figures(self, block: KeyFigures) -> None:
        """A small table: what is measured, the figure (large, bold), and what it is made of."""
        with_notes = any(figure.note for figure in block.figures)
        grid = self.new_grid(_shares(self.usable_width, [4, 3, 4] if with_notes else [6, 3]))
        for index, figure in enumerate(block.figures):
            cells = (grid.rows[0] if index == 0 else grid.add_row()).cells
            self.fill(cells[0], figure.label)
            self.fill(cells[1], format_value(figure.value, figure.kind), numeric=True, bold=True)
            cells[1].paragraphs[0].runs[0].font.size = Pt(12)
            if with_notes:
                self.fill(cells[2], figure.note)
        self.word.add_paragraph()

    def chart(self, chart: Chart) -> None:
        """The chart as a picture (alt text: its description), its caption, then its numbers as an editable table."""
        import vl_convert  # loading the renderer takes a moment: only documents with charts pay for it

        png = vl_convert.vegalite_to_png(chart.spec, scale=2, allowed_base_urls=[])
        pixels_wide, pixels_high = struct.unpack(">II", png[16:24])  # the PNG's IHDR chunk
        width: int = min(CHART_WIDTH, self.usable_width)
        width = min(width, int(self.usable_height * 0.6 * pixels_wide / pixels_high))
        paragraph = self.word.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = True
        picture = paragraph.add_run().add_picture(io.BytesIO(png), width=Emu(width))
        properties = picture._inline.docPr
        properties.set("descr", chart.description)
        properties.set("title", chart.title)
        self.caption(_("Figure"), "Figure", chart.title)
        self.table(chart.table)


def _cell_xml(properties: str, style: str, text: str, *, numeric: bool, bold: bool) -> str:
    """One table cell: its properties, and a paragraph in the table text style, right-aligned for a figure."""
    alignment = '<w:jc w:val="right"/>' if numeric else ""
    run_properties = "<w:rPr><w:b/><w:bCs/></w:rPr>" if bold else ""
    text = escape(text)
    run = f'<w:r>{run_properties}<w:t xml:space="preserve">{text}</w:t></w:r>' if text else ""
    return (
        f'<w:tc><w:tcPr>{properties}</w:tcPr><w:p><w:pPr><w:pStyle w:val="{style}"/>{alignment}</w:pPr>'
        f"{run}</w:p></w:tc>"
    )


def _sections(document: Document):
    """(section, depth, landscape) in reading order; a landscape chapter keeps its subsections landscape."""

    def visit(sections: tuple[Section, ...], depth: int, landscape: bool):
        for section in sections:
            wide = landscape or section.landscape
            yield section, depth, wide
            yield from visit(section.subsections, depth + 1, wide)

    yield from visit(document.sections, 1, False)


def _shares(total: int, weights: list[float]) -> list[int]:
    """`total` shared out in proportion to `weights` (in EMU, whole twips so that Word keeps them as given)."""
    whole = sum(weights) or 1
    return [int(total * weight / whole) // 635 * 635 for weight in weights]


def _set_up_styles(word: WordDocument, language: str) -> tuple[ParagraphStyle, ParagraphStyle]:
    """Calibri everywhere instead of the template's theme fonts, the document language on every run, and two styles
    of our own: "Table Text" (9 pt, so that wide tables fit) and "Note" (small print under tables)."""
    styles = word.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        for name in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{name}"), None)
        for name in ("ascii", "hAnsi", "eastAsia", "cs"):
            fonts.set(qn(f"w:{name}"), FONT)
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), language)
    normal = word.styles["Normal"]
    normal.font.name = FONT
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), language)
    normal.element.get_or_add_rPr().append(lang)
    word.styles["Footer"].font.size = Pt(8)
    cell_style = word.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    cell_style.base_style = normal
    cell_style.font.size = Pt(9)
    cell_style.paragraph_format.space_after = Pt(0)
    cell_style.paragraph_format.line_spacing = 1.0
    note_style = word.styles.add_style("Note", WD_STYLE_TYPE.PARAGRAPH)
    note_style.base_style = normal
    note_style.font.size = Pt(8)
    note_style.paragraph_format.space_before = Pt(3)
    return cell_style, note_style


def _compact_style(word: WordDocument, cell_style: ParagraphStyle) -> ParagraphStyle:
    """ "Table Text Compact": "Table Text" a point smaller, for a wide table with many figures (a matrix with seven
    years of costs), as the PDF sets it."""
    style = word.styles.add_style("Table Text Compact", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = cell_style
    style.font.size = Pt(COMPACT_FONT_SIZE)
    return style


def _set_up_settings(word: WordDocument) -> None:
    """`w:updateFields`: Word offers to update the fields (the table of contents first) when the file opens."""
    settings = word.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    compat = settings.find(qn("w:compat"))
    if compat is not None:
        compat.addprevious(update)
    else:
        settings.append(update)


def _set_up_properties(word: WordDocument, document: Document) -> None:
    """What Word shows under File > Info; without the template's thumbnail, a picture of some other document."""
    relationships = word.part.package.rels
    for key in [key for key, relationship in relationships.items() if relationship.reltype == RT.THUMBNAIL]:
        relationships.pop(key)
    properties = word.core_properties
    properties.title = document.title
    properties.subject = document.subtitle
    properties.language = WORD_LANGUAGES.get(document.language, "en-GB")
    properties.author = properties.last_modified_by = "NSM"
    properties.keywords = document.strategy_code
    properties.comments = document.data_stamp
    properties.category = document.period
    properties.created = properties.modified = document.generated_at
    properties.revision = 1


def _add_runs(paragraph: WordParagraph, runs: tuple[Run, ...]) -> None:
    """Markdown's runs: bold, italic, code in a monospaced font, a link as a hyperlink (blue, underlined)."""
    for run in runs:
        if run.link:
            _add_hyperlink(paragraph, run)
            continue
        word_run = paragraph.add_run(run.text)  # a line break in the text is a <w:br/>
        word_run.bold = run.bold or None
        word_run.italic = run.italic or None
        if run.code:
            word_run.font.name = "Consolas"


def _add_hyperlink(paragraph: WordParagraph, run: Run) -> None:
    """A hyperlink to an outside address or a path of the site, with its text set as the run says."""
    relationship = paragraph.part.relate_to(run.link, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relationship)
    word_run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    for name, value in (("w:color", "1F4E9A"), ("w:u", "single")):
        element = OxmlElement(name)
        element.set(qn("w:val"), value)
        properties.append(element)
    if run.bold:
        properties.append(OxmlElement("w:b"))
    if run.italic:
        properties.append(OxmlElement("w:i"))
    word_run.append(properties)
    text = OxmlElement("w:t")
    text.set(qn("xml:space"), "preserve")
    text.text = run.text
    word_run.append(text)
    link.append(word_run)
    paragraph._p.append(link)


def _add_field(paragraph: WordParagraph, instruction: str, shown: str, *, dirty: bool = False) -> None:
    """A complex field (begin, instruction, separate, the result shown until Word updates it, end)."""

    def field_char(kind: str) -> None:
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        if dirty and kind == "begin":
            char.set(qn("w:dirty"), "true")
        paragraph.add_run()._r.append(char)

    field_char("begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    paragraph.add_run()._r.append(text)
    field_char("separate")
    paragraph.add_run(shown)
    field_char("end")


def _narrow_cell_margins(grid) -> None:
    """Cell margins of 1 mm left and right for every cell of the table, instead of the style's 0.19 cm."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(NARROW_CELL_MARGIN))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    properties = grid._tbl.tblPr
    look = properties.find(qn("w:tblLook"))  # the schema's order: ... tblLayout, tblCellMar, tblLook
    if look is not None:
        look.addprevious(margins)
    else:
        properties.append(margins)


def _mark_header(row: _Row) -> None:
    """Repeat the row at the top of each page, and keep it in one piece."""
    properties = row._tr.get_or_add_trPr()
    for name in ("w:cantSplit", "w:tblHeader"):
        properties.append(OxmlElement(name))


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)
