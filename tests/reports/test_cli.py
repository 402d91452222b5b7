"""`nsm report`: a document straight to a file; a wrong strategy, period or folder exits 1 with a clear message."""

import io
import sys

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from nsm.__main__ import main


def run(*args):
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_the_annual_report_is_written_to_the_file_asked_for(approved_plan, tmp_path):
    target = tmp_path / "annual.xlsx"
    output = run("annual", "AL-NSM-TEST", "--period", "2024", "--lang", "en", "--format", "xlsx", "-o", str(target))
    assert f"Wrote {target}" in output
    book = openpyxl.load_workbook(target)
    assert book.worksheets[0]["A1"].value == "Annual monitoring report 2024"
    assert "Budget" in book.sheetnames


def test_the_plan_needs_no_period_and_gets_a_default_name(approved_plan, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run("plan", "AL-NSM-TEST", "--lang", "sq", "--format", "xlsx")
    assert (tmp_path / "AL-NSM-TEST_plan_sq.xlsx").stat().st_size > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["annual", "NOPE", "--period", "2024"], "No strategy has the code 'NOPE'. Strategies: AL-NSM-TEST."),
        (["annual", "AL-NSM-TEST"], "The annual report needs --period"),
        (["annual", "AL-NSM-TEST", "--period", "20x4"], "'20x4' is not a period. A period is a year such as 2025"),
        (["annual", "AL-NSM-TEST", "--period", "2031"], "2031 lies outside the action plan of AL-NSM-TEST (2024–2026)"),
        (["plan", "AL-NSM-TEST", "-o", "/no/such/folder/plan.docx"], "The folder '/no/such/folder' does not exist."),
        (["plan", "AL-NSM-TEST", "--format", "odt"], "Unknown format odt: choose docx, pdf or xlsx."),
        (["plan", "AL-NSM-TEST", "--lang", "fr"], "Unknown language fr: choose sq or en."),
        (["budget", "AL-NSM-TEST"], "Unknown document budget: choose annual, plan, consultation or sdg-1072."),
        (
            ["plan", "AL-NSM-TEST", "--period", "2025"],
            "2025 are not the years of one of the action plans of AL-NSM-TEST (2024–2026).",
        ),
        (["plan", "AL-NSM-TEST", "-o", "/"], "'/' is a folder: give the file's name"),
    ],
)
def test_a_document_that_cannot_be_made_is_refused_in_words(approved_plan, args, message):
    with pytest.raises(CommandError) as refused:
        run(*args)
    assert message in str(refused.value)


def test_a_refusal_exits_with_status_1(approved_plan, capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["nsm", "report", "annual", "NOPE", "--period", "2024"])
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 1
    assert "No strategy has the code 'NOPE'" in capsys.readouterr().err
