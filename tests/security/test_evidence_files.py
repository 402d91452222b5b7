"""Evidence and minutes are checked by their content: a Word or Excel file is a zip whose directory is bounded before
anything is unpacked, whose real structure is checked, and which may carry no macros; a PDF may carry no JavaScript.
Each refusal is a sentence that says why, and nothing is written."""

import datetime
import io
import time
import zipfile

import docx
import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from nsm.core import uploads
from nsm.monitoring import services
from nsm.monitoring.models import Evidence
from nsm.workinggroup import services as wg_services
from nsm.workinggroup.models import Meeting
from tests.monitoring.conftest import cycle, report  # noqa: F401 - fixtures, used by name (hence F811 below)

MACRO_DOCX_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def word() -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Procesverbal i takimit")
    document.save(buffer)
    return buffer.getvalue()


def excel() -> bytes:
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Pjesëmarrës"
    workbook.save(buffer)
    return buffer.getvalue()


def changed(data: bytes, *, add: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None) -> bytes:
    """A copy of the zip `data` with parts added or replaced."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item.filename, (replace or {}).get(item.filename, source.read(item.filename)))
        for name, content in (add or {}).items():
            out.writestr(name, content)
    return target.getvalue()


def attach(target, user, name: str, content: bytes):
    activity = target.activity_lines.first().activity_id
    return services.add_evidence(target, by=user, activity_id=activity, upload=SimpleUploadedFile(name, content))


def refusal(target, user, name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as error:
        attach(target, user, name, content)
    assert not Evidence.objects.exists()
    return " ".join(error.value.message_dict["file"])


def test_real_word_and_excel_files_are_accepted(report, focal_point):  # noqa: F811
    assert attach(report, focal_point, "minutes.docx", word()).content_type.endswith("wordprocessingml.document")
    report.refresh_from_db()
    assert attach(report, focal_point, "list.xlsx", excel()).content_type.endswith("spreadsheetml.sheet")


def test_a_word_file_with_a_vba_project_is_refused_as_macros(report, focal_point):  # noqa: F811
    macro = changed(word(), add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 VBA"})
    message = refusal(report, focal_point, "minutes.docx", macro)
    assert message == "The file contains macros: save it as .docx without macros and attach it again."


def test_a_macro_enabled_content_type_is_refused_as_macros(report, focal_point):  # noqa: F811
    data = word()
    types = (
        zipfile.ZipFile(io.BytesIO(data))
        .read("[Content_Types].xml")
        .replace(DOCX_MAIN.encode(), MACRO_DOCX_MAIN.encode())
    )
    message = refusal(report, focal_point, "minutes.docx", changed(data, replace={"[Content_Types].xml": types}))
    assert "contains macros" in message


def test_an_excel_4_macro_sheet_is_refused_as_macros(report, focal_point):  # noqa: F811
    macro = changed(excel(), add={"xl/macrosheets/sheet1.xml": b"<xm:macrosheet/>"})
    assert "save it as .xlsx without macros" in refusal(report, focal_point, "list.xlsx", macro)


def test_a_two_part_fake_workbook_is_refused_in_words(report, focal_point):  # noqa: F811
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "junk")
        archive.writestr("xl/workbook.xml", "more junk")
    message = refusal(report, focal_point, "list.xlsx", buffer.getvalue())
    assert message.startswith(
        "The file is not a complete Word (docx) or Excel (xlsx) document: [Content_Types].xml is not well-formed XML."
    )


@pytest.mark.parametrize(
    ("part", "content", "problem"),
    [
        ("[Content_Types].xml", b"<Types><Override", "[Content_Types].xml is not well-formed XML"),
        ("[Content_Types].xml", b"<Types/>", "[Content_Types].xml does not say what its main part word/document.xml"),
        ("word/document.xml", b"\x00\x01 not xml", "its main part word/document.xml is not what"),
        ("word/document.xml", b"<workbook/>", "its main part word/document.xml is not what"),
        ("_rels/.rels", b"<Relationships/>", "_rels/.rels does not name one main part"),
        (
            "[Content_Types].xml",
            b'<!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">]><Types>&a;</Types>',
            "[Content_Types].xml is not well-formed XML",
        ),
    ],
)
def test_a_word_file_whose_structure_is_broken_is_refused_with_the_reason(report, focal_point, part, content, problem):  # noqa: F811
    message = refusal(report, focal_point, "minutes.docx", changed(word(), replace={part: content}))
    assert problem in message and message.endswith("Open it in Word or Excel, save it again and attach it again.")


def test_a_word_file_that_unpacks_to_200_mb_is_refused_before_it_is_unpacked(report, focal_point, monkeypatch):  # noqa: F811
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(word())) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item.filename, source.read(item.filename))
        with out.open("word/media/image1.png", "w") as image:
            for _ in range(200):
                image.write(b"\0" * (1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024  # well inside the upload limit

    def unpacked(*args, **kwargs):
        raise AssertionError("a part was unpacked")

    monkeypatch.setattr(zipfile.ZipFile, "open", unpacked)
    started = time.monotonic()
    message = refusal(report, focal_point, "minutes.docx", buffer.getvalue())
    unpacked = sum(part.file_size for part in zipfile.ZipFile(buffer).infolist()) / 1024 / 1024
    assert 200 < unpacked < 202
    assert message.startswith(f"The file unpacks to {unpacked:.0f} MB; at most 50 MB are accepted.")
    assert time.monotonic() - started < 1


def test_a_compression_bomb_inside_the_size_bound_is_refused(report, focal_point):  # noqa: F811
    bomb = changed(word(), add={"word/media/image1.png": b"\0" * (30 * 1024 * 1024)})
    message = refusal(report, focal_point, "minutes.docx", bomb)
    assert message.startswith("The part word/media/image1.png of the file is compressed more than 200 times")


def test_the_number_of_parts_is_bounded(report, focal_point, settings):  # noqa: F811
    settings.EVIDENCE_MAX_MEMBERS = 30
    many = changed(word(), add={f"word/media/image{n}.png": b"x" for n in range(40)})
    message = refusal(report, focal_point, "minutes.docx", many)
    parts = len(zipfile.ZipFile(io.BytesIO(many)).infolist())
    assert message.startswith(f"The file holds {parts} parts; at most 30 are accepted.")


def test_the_unpacked_size_is_a_setting(report, focal_point, settings):  # noqa: F811
    settings.EVIDENCE_MAX_UNPACKED_BYTES = 1024 * 1024
    large = changed(word(), add={"word/media/image1.png": bytes(range(256)) * 8192})  # 2 MB, compressed 8 times
    assert "; at most 1 MB are accepted." in refusal(report, focal_point, "minutes.docx", large)


PDF = b"%%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R %s >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.parametrize(
    "action",
    [b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>", b"/AA << /O << /S /J#61vaScript /J#53 (x) >> >>"],
)
def test_a_pdf_with_javascript_is_refused(report, focal_point, action):  # noqa: F811
    message = refusal(report, focal_point, "report.pdf", PDF % action)
    assert message.startswith("The PDF contains JavaScript")


def test_a_pdf_with_names_that_only_begin_like_javascript_is_accepted(report, focal_point, monkeypatch):  # noqa: F811
    monkeypatch.setattr(uploads, "PDF_CHUNK_BYTES", 16)  # names cut by the chunks are seen whole
    attach(report, focal_point, "scan.pdf", PDF % b"/Filter /JBIG2Decode /JSON_like 1 /JSX 2")
    assert Evidence.objects.count() == 1
    with pytest.raises(ValidationError, match="JavaScript"):
        attach(report, focal_point, "again.pdf", PDF % b"/Names << /JavaScript 3 0 R >>")


def test_minutes_with_macros_are_refused_under_the_minutes_field(strategy, secretariat):
    macro = SimpleUploadedFile("minutes.docx", changed(word(), add={"word/vbaProject.bin": b"VBA"}))
    with pytest.raises(ValidationError) as error:
        wg_services.create_meeting(
            strategy, by=secretariat, body="iiwg", held_on=datetime.date(2025, 3, 1), title="Macro", minutes=macro
        )
    assert error.value.message_dict["minutes"] == [
        "The file contains macros: save it as .docx without macros and attach it again."
    ]
    assert not Meeting.objects.filter(title="Macro").exists()
