"""A meeting of the IIWG on the test strategy: participants from MSHMS and AKPA, a decision, and action points owned
by MSHMS (the `focal_point`'s institution), one overdue, and by AKPA (the `other_focal_point`'s)."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from nsm.workinggroup import services
from tests.factories import InstitutionFactory


def pdf_file(name: str = "minutes.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%minutes\n%%EOF\n", content_type="application/pdf")


# The three parts a Word document cannot do without (nsm/core/uploads.py checks them).
DOCX_PARTS = {
    "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override '
    'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
    'document.main+xml"/></Types>',
    "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
    'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>',
    "word/document.xml": '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>',
}


def docx_file(name: str = "minutes.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", DOCX_PARTS["[Content_Types].xml"])
        archive.writestr("_rels/.rels", DOCX_PARTS["_rels/.rels"])
        archive.writestr("word/document.xml", DOCX_PARTS["word/document.xml"])
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def meeting(strategy, secretariat, focal_point, other_focal_point, today):
    made = services.create_meeting(
        strategy,
        by=secretariat,
        body="iiwg",
        held_on=datetime.date(2025, 3, 12),
        title="Second IIWG meeting",
        agenda="1. Draft action plan\n2. Consultation",
        location="Tirana",
        minutes=pdf_file(),
    )
    mshms, akpa = InstitutionFactory(code="MSHMS"), InstitutionFactory(code="AKPA")
    services.add_participant(made, by=secretariat, institution=mshms, name="Alma Kola", sex="female", position="Head")
    services.add_participant(made, by=secretariat, institution=mshms, name="Ilir Leka", sex="male")
    services.add_participant(made, by=secretariat, institution=akpa, name="Teuta Duka", sex="female")
    decision = services.add_decision(made, by=secretariat, text_sq="Approve the draft for consultation.")
    services.add_action_point(
        made,
        by=secretariat,
        text_sq="Send the health measures' costs",
        owner=mshms,
        due_on=today - datetime.timedelta(days=5),
        decision=decision,
    )
    services.add_action_point(
        made,
        by=secretariat,
        text_sq="Review the employment targets",
        owner=akpa,
        due_on=today + datetime.timedelta(days=20),
    )
    return made


@pytest.fixture
def overdue_point(meeting):
    return meeting.action_points.get(owner__code="MSHMS")


@pytest.fixture
def other_point(meeting):
    return meeting.action_points.get(owner__code="AKPA")
