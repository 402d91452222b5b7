"""The self-assessment's document in both languages and every format, and `nsm report sdg-1072` with its
refusals."""

import io
import sys
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from nsm.__main__ import main
from nsm.assessment import services
from nsm.assessment.document import build_assessment
from nsm.assessment.models import SubCategory
from nsm.reports.document import Table
from nsm.reports.generate import YEAR_DOCUMENTS, generate_for_year
from tests.assessment.conftest import answer_all


@pytest.fixture
def two_assessments(strategy, secretariat):
    first = services.create_assessment(strategy, year=2023, by=secretariat)
    answer_all(first, secretariat, {"1.1": "partial"})
    services.set_status(first, by=secretariat, version=None, status="final")
    current = services.create_assessment(strategy, year=2025, by=secretariat)
    answer_all(current, secretariat, {"1.1": "yes", "2.1": "yes"})
    return first, current


def run(*args):
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_the_document_is_registered_with_the_reports():
    assert "sdg-1072" in YEAR_DOCUMENTS


@pytest.mark.parametrize("language", ["en", "sq"])
def test_the_document_holds_the_values_the_comparison_and_every_answer(two_assessments, language):
    _first, current = two_assessments
    document = build_assessment(current, language)
    assert document.kind == "sdg-1072" and document.language == language and document.period == "2025"
    tables = {table.name: table for table in document.tables()}
    values = tables[next(name for name in tables if tables[name].rows and len(tables[name].rows) == 7)]
    # domain 1: one yes of five = 20 %; before, one partial = 10 %
    assert values.rows[0].values[2:][0] == 20
    assert values.rows[0].values[4:] == (10, 10)
    answers = [t for t in document.tables() if isinstance(t, Table) and len(t.columns) == 5]
    assert sum(len(t.rows) for t in answers) == 30
    titles = [section.title for section, _depth in document.walk()]
    assert len(titles) == 1 + 1 + 6 + 1  # summary, comparison, six domains, method


def test_the_domains_are_named_in_the_documents_language(two_assessments):
    _first, current = two_assessments
    sq = [section.title for section, _depth in build_assessment(current, "sq").walk()]
    assert any("Të drejtat e migrantëve" in title for title in sq)


@pytest.mark.parametrize("language", ["en", "sq"])
@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx"])
def test_every_format_is_made_in_both_languages(two_assessments, strategy, language, fmt):
    output = generate_for_year("sdg-1072", strategy, year=2025, language=language, fmt=fmt)
    assert output.filename == f"{strategy.code}_sdg-1072-2025_{language}.{fmt}"
    if fmt == "pdf":
        assert output.content.startswith(b"%PDF")
    else:
        assert zipfile.is_zipfile(io.BytesIO(output.content))
    if fmt == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(output.content))
        assert len(workbook.sheetnames) >= 8


def test_the_command_writes_the_file_asked_for(two_assessments, strategy, tmp_path):
    target = tmp_path / "sdg.xlsx"
    said = run("sdg-1072", strategy.code, "--year", "2025", "--lang", "en", "--format", "xlsx", "-o", str(target))
    assert target.exists() and "Wrote" in said


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sdg-1072", "AL-NSM-TEST", "--lang", "en"], "needs --year"),
        (["sdg-1072", "AL-NSM-TEST", "--year", "20x5"], "is not a year"),
        (["sdg-1072", "AL-NSM-TEST", "--year", "2019"], "no SDG 10.7.2 self-assessment for 2019"),
        (["sdg-1072", "AL-NSM-TEST", "--year", "2025", "--lang", "fr"], "Unknown language fr"),
        (["sdg-1072", "AL-NSM-TEST", "--year", "2025", "--format", "odt"], "Unknown format odt"),
        (["sdg-1072", "AL-NSM-TEST", "--year", "2025", "--period", "2025"], "takes --year"),
        (["plan", "AL-NSM-TEST", "--year", "2025"], "--year is for sdg-1072 only"),
        (["sdg-1072", "NOPE", "--year", "2025"], "No strategy has the code"),
        (["sdg", "AL-NSM-TEST"], "choose annual, plan, gcm-review, consultation or sdg-1072"),
    ],
)
def test_unknown_or_unusable_arguments_are_refused_in_words(two_assessments, args, message):
    with pytest.raises(CommandError) as refused:
        run(*args)
    assert message in str(refused.value)


def test_a_missing_year_lists_the_years_there_are(two_assessments):
    with pytest.raises(CommandError, match="has one for: 2023, 2025"):
        run("sdg-1072", "AL-NSM-TEST", "--year", "2024")


def test_a_refusal_exits_with_status_1(two_assessments, capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["nsm", "report", "sdg-1072", "AL-NSM-TEST", "--year", "1999"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
    assert "no SDG 10.7.2 self-assessment for 1999" in capsys.readouterr().err


def test_the_remarks_are_a_chapter_and_the_evidence_is_plain_text(two_assessments, secretariat):
    _first, current = two_assessments
    sub = SubCategory.objects.get(number="1.1")
    given = {sub.pk: services.AnswerInput("yes", "**Law** on health\n\n- item one")}
    services.save_answers(current, by=secretariat, version=None, answers=given, note="Intro\n\n# Gaps\n\nNone.")
    document = build_assessment(current, "en")
    titles = [section.title for section, _depth in document.walk()]
    assert "Remarks" in titles and "Gaps" in titles
    cells = [row.values[3] for table in document.tables() if len(table.columns) == 5 for row in table.rows]
    assert "Law on health\n- item one" in cells
