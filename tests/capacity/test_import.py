"""Participants imported from an xlsx or CSV file: every error names its cell, nothing is written on error, and
importing the same file again changes nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from nsm.capacity import services
from nsm.capacity.models import Participant
from nsm.strategy.workbook import WorkbookError
from tests.factories import InstitutionFactory

HEADER = ["name", "institution code", "sex", "position", "pre", "post"]


def xlsx(rows, title="Participants") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, delimiter=",") -> bytes:
    return "\n".join(delimiter.join("" if v is None else str(v) for v in row) for row in rows).encode("utf-8-sig")


@pytest.fixture(autouse=True)
def institutions(db):
    InstitutionFactory(code="MPB")
    InstitutionFactory(code="AKPA")


def test_an_xlsx_file_is_imported_and_importing_it_again_changes_nothing(training, secretariat):
    data = xlsx(
        [HEADER, ["Ana Hoxha", "MPB", "female", "Specialist", 40, 85], ["Besnik Leka", "akpa", "M", None, None, 70.0]]
    )
    saved = services.import_participants(training, by=secretariat, file=data)
    assert (saved.created, saved.updated, saved.unchanged) == (2, 0, 0)
    besnik = Participant.objects.get(name="Besnik Leka")
    assert (besnik.institution.code, besnik.sex, besnik.pre_score, besnik.post_score) == ("AKPA", "male", None, 70)
    history = Participant.history.count()
    again = services.import_participants(training, by=secretariat, file=data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Participant.history.count() == history


def test_a_csv_file_with_semicolons_is_imported(training, secretariat):
    data = csv_bytes([HEADER, ["Ana Hoxha", "MPB", "femër", "", "40", "85"]], delimiter=";")
    assert services.import_participants(training, by=secretariat, file=data).created == 1
    assert Participant.objects.get().sex == "female"


def test_every_error_names_its_cell_and_nothing_is_written(training, secretariat):
    data = xlsx([
        HEADER,
        ["Ana Hoxha", "MPB", "female", "", 40, 85],
        ["Besnik Leka", "NOPE", "male", "", 101, None],
        ["Cela Dema", "MPB", "woman", "", "", "good"],
        ["ana hoxha", "MPB", "female", "", None, None],
    ])  # fmt: skip
    with pytest.raises(WorkbookError) as error:
        services.import_participants(training, by=secretariat, file=data)
    assert error.value.messages[:3] == [
        "Participants!E3: A score is a whole number from 0 to 100.",
        "Participants!F4: A score is a whole number from 0 to 100.",
        'Participants!C4: "woman" is not a sex: write female, male or other.',
    ]
    assert not Participant.objects.exists()
    fixed = xlsx([
        HEADER,
        ["Ana Hoxha", "MPB", "female", "", 40, 85],
        ["Besnik Leka", "NOPE", "male", "", 10, None],
        ["ana hoxha", "MPB", "female", "", None, None],
    ])  # fmt: skip
    with pytest.raises(WorkbookError) as error:
        services.import_participants(training, by=secretariat, file=fixed)
    assert error.value.messages == [
        'Participants!B3: "NOPE" is not the code of an institution.',
        "Participants!A4: This person is listed already on row 2.",
    ]
    assert not Participant.objects.exists()


def test_a_csv_error_names_the_cell_without_a_sheet(training, secretariat):
    data = csv_bytes([HEADER, ["Ana Hoxha", "MPB", "female", "", "-5", ""]])
    with pytest.raises(WorkbookError) as error:
        services.import_participants(training, by=secretariat, file=data)
    assert error.value.messages == ["E2: A score is a whole number from 0 to 100."]


def test_a_file_without_the_required_columns_is_refused(training, secretariat):
    with pytest.raises(WorkbookError) as error:
        services.import_participants(training, by=secretariat, file=csv_bytes([["name", "position"], ["Ana", "x"]]))
    assert error.value.messages == [
        "A1: the header row has no column institution code.",
        "A1: the header row has no column sex.",
    ]


def test_the_import_page_lists_the_errors(client_for, secretariat, training):
    upload = SimpleUploadedFile("people.csv", csv_bytes([HEADER, ["Ana Hoxha", "MPB", "female", "", "", "200"]]))
    response = client_for(secretariat).post(
        reverse("capacity:participants-import", args=[training.pk]), {"file": upload}
    )
    assert response.status_code == 200
    assert "F2: A score is a whole number from 0 to 100." in response.content.decode()
    upload = SimpleUploadedFile("people.xlsx", xlsx([HEADER, ["Ana Hoxha", "MPB", "female", "", "", 90]]))
    response = client_for(secretariat).post(
        reverse("capacity:participants-import", args=[training.pk]), {"file": upload}
    )
    assert response.status_code == 302 and Participant.objects.get().post_score == 90
