"""The consultation report as Word, PDF and Excel, in both languages: made from the issued report (the figures of the
report page), with every comment, its answer and reason, and never an e-mail address; `nsm report consultation`."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from docx import Document as WordDocument
from pypdf import PdfReader

from nsm.consultation import issue, report
from nsm.reports.consultation import build_consultation, generate_consultation
from nsm.reports.document import Table
from tests.consultation.issued_fixtures import *  # noqa: F403 - the fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(closed_round, secretariat):
    return issue.issue_report(closed_round, by=secretariat)


def docx_text(content: bytes) -> str:
    word = WordDocument(io.BytesIO(content))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return "\n".join([paragraph.text for paragraph in word.paragraphs] + cells)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def xlsx_text(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)


TEXTS = {"docx": docx_text, "pdf": pdf_text, "xlsx": xlsx_text}


@pytest.mark.parametrize("language", ["sq", "en"])
@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx"])
def test_every_format_has_the_answers_and_no_email_address(issued, language, fmt):
    text = TEXTS[fmt](generate_consultation(issued, language=language, fmt=fmt).content)
    assert "Outside the plan" in text and "Name the lead institution." in text and "NGO-A" in text
    assert "@" not in text and "arta" not in text.lower().replace("arta hoxha", "")


def test_the_document_says_its_own_words_in_albanian(issued, settings):
    document = build_consultation(issued, "sq")
    english = build_consultation(issued, "en")
    assert english.title == "Consultation report"
    assert document.language == "sq" and document.kind == "consultation"


def test_the_documents_figures_are_the_report_pages(issued, closed_round):
    built = report.build(closed_round)
    document = build_consultation(issued, "en")
    participants = next(table for table in document.tables() if table.name == "Participants")
    assert [list(row.values[1:-1]) for row in participants.rows[:-1]] == [row.by_sex for row in built.rows]
    assert participants.rows[-1].values[-1] == built.participants
    comments: Table = next(table for table in document.tables() if table.name == "Comments")
    assert [row.values[5] for row in comments.rows] == [comment.answer_reason for comment in built.comments]
    assert [row.values[4] for row in comments.rows] == [
        str(comment.get_answer_display()) if comment.answer else "Not answered" for comment in built.comments
    ]


def test_anyone_downloads_an_issued_report(issued, public):
    response = public.get(reverse("reports:consultation", args=[issued.pk, "en", "docx"]))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('_en.docx"')
    assert public.get(reverse("reports:consultation", args=[issued.pk, "fr", "docx"])).status_code == 404
    assert public.get(reverse("reports:consultation", args=[issued.pk, "en", "odt"])).status_code == 404
    assert public.get(reverse("reports:consultation", args=[issued.pk + 1, "en", "pdf"])).status_code == 404


def run(*args):
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_the_command_writes_the_latest_issue(issued, closed_round, tmp_path):
    target = tmp_path / "consultation.docx"
    output = run("consultation", "AL-NSM-TEST", "--round", str(closed_round.pk), "--lang", "en", "-o", str(target))
    assert f"Wrote {target}" in output
    assert "Outside the plan" in docx_text(target.read_bytes())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["consultation", "AL-NSM-TEST"], "The consultation report needs --round"),
        (["consultation", "AL-NSM-TEST", "--round", "x9"], "AL-NSM-TEST has no consultation round 'x9'. Its rounds:"),
        (["consultation", "AL-NSM-TEST", "--round", "999"], "has no consultation round '999'"),
        (["consultation", "NOPE", "--round", "1"], "No strategy has the code 'NOPE'"),
        (["plan", "AL-NSM-TEST", "--round", "1"], "--round is for the consultation report only."),
    ],
)
def test_the_command_refuses_in_words(closed_round, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace("'", "'")):
        run(*args)


def test_the_command_refuses_a_round_not_issued_and_a_wrong_format(closed_round, secretariat):
    with pytest.raises(CommandError, match="No consultation report was issued for round"):
        run("consultation", "AL-NSM-TEST", "--round", str(closed_round.pk))
    issue.issue_report(closed_round, by=secretariat)
    with pytest.raises(CommandError, match="Unknown format odt"):
        run("consultation", "AL-NSM-TEST", "--round", str(closed_round.pk), "--format", "odt")
    with pytest.raises(CommandError, match="Unknown language fr"):
        run("consultation", "AL-NSM-TEST", "--round", str(closed_round.pk), "--lang", "fr")


def test_the_colophon_says_when_it_was_issued(issued):
    text = pdf_text(generate_consultation(issued, language="en", fmt="pdf").content)
    assert "as the comments and answers stood then" in text and "data as approved" not in text
