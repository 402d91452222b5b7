"""Files that are not a readable xlsx workbook get one clear message, and nothing is read further."""

import io
import zipfile

import pytest

from nsm.strategy.workbook import WorkbookError, read_workbook
from tests.strategy.workbook_support import load_code_lists, make_workbook, valid_sheets

NOT_XLSX = (
    "The file is not an Excel workbook (.xlsx). Save it as an .xlsx workbook (not .xls, .ods or CSV, "
    "and without a password) and try again."
)
DAMAGED = "The file is damaged: it cannot be opened as an Excel workbook."


@pytest.fixture(autouse=True)
def code_lists(db):
    load_code_lists()


def refusal(data) -> list[str]:
    with pytest.raises(WorkbookError) as raised:
        read_workbook(data)
    return raised.value.messages


def zipped(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_text_file_is_not_a_workbook():
    assert refusal(b"code;title\n1;Goal\n") == [NOT_XLSX]


def test_an_old_xls_file_is_not_a_workbook():
    assert refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512) == [NOT_XLSX]


def test_a_zip_that_is_not_a_spreadsheet_is_not_a_workbook():
    assert refusal(zipped({"word/document.xml": b"<w:document/>"})) == [NOT_XLSX]


def test_a_truncated_workbook_is_damaged():
    data = make_workbook(valid_sheets())
    assert refusal(data[: len(data) // 2]) == [DAMAGED]


def test_a_workbook_with_broken_parts_is_damaged():
    assert refusal(zipped({"[Content_Types].xml": b"<not-xml", "xl/workbook.xml": b"<<<"})) == [DAMAGED]


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.IMPORT_MAX_BYTES = 1000
    assert refusal(make_workbook(valid_sheets())) == ["The file is too large: the limit is 1000\xa0bytes."]


def test_a_file_over_the_size_limit_on_disk_is_refused_before_reading_it(settings, tmp_path):
    settings.IMPORT_MAX_BYTES = 1000
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK" + b"\x00" * 2000)
    assert refusal(path) == ["The file is too large: the limit is 1000\xa0bytes."]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    bomb = zipped({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"\x00" * (5 * 1024 * 1024)})
    assert len(bomb) < 20_000
    assert refusal(bomb) == ["The file is too large once unpacked: the limit is 1.0\xa0MB."]


def test_a_file_that_does_not_exist_gets_one_message(tmp_path):
    assert refusal(tmp_path / "missing.xlsx") == ["The file cannot be read: No such file or directory"]
