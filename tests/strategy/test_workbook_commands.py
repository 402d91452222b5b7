"""`nsm import-plan FILE.xlsx` and `nsm export-plan STRATEGY_CODE FILE.xlsx`: output and exit codes."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from nsm.strategy.models import Activity, Strategy
from tests.strategy.workbook_support import load_code_lists, make_workbook, row_counts, set_cell, valid_sheets

NSM = Path(sys.executable).parent / "nsm"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def code_lists(db):
    load_code_lists()


@pytest.fixture
def plan_file(tmp_path) -> Path:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(make_workbook(valid_sheets()))
    return path


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_one_line_of_what_was_created(code_lists, plan_file):
    out, err = run("import-plan", str(plan_file))
    assert out.splitlines() == [
        "AL-WB-TEST: created 13 (strategy: 1, institutions: 1, results (Policy goal > Specific objective > Measure): "
        "3, activities: 2, budget lines: 3, indicators: 1, targets: 2); updated 0; deleted 0; left unchanged 0."
    ]
    assert err == ""


def test_import_records_the_user_and_the_file_name_in_the_history(code_lists, plan_file, coordinator):
    run("import-plan", str(plan_file), "--user", "coordinator")
    record = Activity.objects.get(code="1.1.1.1").history.earliest()
    assert (record.history_user, record.history_change_reason) == (coordinator, "import of plan.xlsx")


def test_import_without_a_user_leaves_the_history_user_empty(code_lists, plan_file):
    run("import-plan", str(plan_file))
    assert Activity.objects.get(code="1.1.1.1").history.earliest().history_user is None


def test_import_with_an_unknown_user_fails_before_reading(code_lists, plan_file):
    with pytest.raises(CommandError, match='There is no user "nobody"'):
        run("import-plan", str(plan_file), "--user", "nobody")
    assert not Strategy.objects.exists()


def test_import_errors_go_to_stderr_one_per_line_and_nothing_is_written(code_lists, tmp_path):
    sheets = set_cell(valid_sheets(), "Activities!D2", "MINT")
    set_cell(sheets, "Budget!E3", "1.200")
    path = tmp_path / "bad.xlsx"
    path.write_bytes(make_workbook(sheets))
    before, err = row_counts(), io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import-plan", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines()[0] == 'Activities!D2: responsible institution "MINT" is not known'
    assert err.getvalue().splitlines()[1].startswith('Budget!E3: "1.200" is ambiguous')
    assert row_counts() == before


def test_import_warnings_go_to_stderr(code_lists, tmp_path):
    sheets = valid_sheets()
    sheets["Targets"][0].append("comment")
    path = tmp_path / "plan.xlsx"
    path.write_bytes(make_workbook(sheets))
    _out, err = run("import-plan", str(path))
    assert err.splitlines() == ['warning: Targets!D1: the column "comment" is not known; it is ignored']


def test_export_of_an_unknown_strategy_fails_with_a_clear_message(db, tmp_path):
    with pytest.raises(CommandError, match='There is no strategy with the code "NOPE"'):
        run("export-plan", "NOPE", str(tmp_path / "out.xlsx"))
    assert not (tmp_path / "out.xlsx").exists()


def test_export_then_import_changes_nothing(code_lists, plan_file, tmp_path):
    run("import-plan", str(plan_file))
    out, _err = run("export-plan", "AL-WB-TEST", str(tmp_path / "out.xlsx"))
    assert out.strip() == f"AL-WB-TEST: plan written to {tmp_path / 'out.xlsx'}."
    out, _err = run("import-plan", str(tmp_path / "out.xlsx"))
    assert out.strip() == "AL-WB-TEST: created 0; updated 0; deleted 0; left unchanged 16."


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory) -> dict[str, str]:
    """A database of its own for the `nsm` processes, migrated, with the code lists the workbook uses."""
    folder = tmp_path_factory.mktemp("cli")
    env = {
        **os.environ,
        "NSM_DATABASE_URL": f"sqlite:///{folder / 'cli.sqlite3'}",
        "NSM_SECRET_KEY": "test-only-secret-key",
        "NSM_VAR_DIR": str(folder),
        "NSM_LANGUAGE": "en",
    }
    subprocess.run([str(NSM), "migrate", "-v0"], env=env, check=True, cwd=ROOT)  # noqa: S603
    load = "from tests.strategy.workbook_support import load_code_lists; load_code_lists()"
    command = [sys.executable, "-m", "nsm", "shell", "--no-imports", "-c", load]
    subprocess.run(command, env=env, check=True, cwd=ROOT)  # noqa: S603
    return env


def nsm(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(NSM), *args], env=env, cwd=ROOT, capture_output=True, text=True)  # noqa: S603


def test_the_nsm_commands_exit_0_on_success_and_1_on_errors(cli_env, tmp_path):
    good, bad, text = tmp_path / "good.xlsx", tmp_path / "bad.xlsx", tmp_path / "notes.xlsx"
    good.write_bytes(make_workbook(valid_sheets()))
    bad.write_bytes(make_workbook(set_cell(valid_sheets(), "Activities!H2", 7)))
    text.write_text("not a workbook")

    imported = nsm(cli_env, "import-plan", str(good))
    assert (imported.returncode, len(imported.stdout.splitlines()), imported.stderr) == (0, 1, "")

    refused = nsm(cli_env, "import-plan", str(bad))
    assert refused.returncode == 1
    assert refused.stderr.splitlines()[0] == 'Activities!H2: the gender marker is 0, 1 or 2, not "7"'
    assert "Traceback" not in refused.stderr

    unreadable = nsm(cli_env, "import-plan", str(text))
    assert unreadable.returncode == 1
    assert unreadable.stderr.splitlines()[0].startswith("The file is not an Excel workbook (.xlsx).")

    missing = nsm(cli_env, "export-plan", "NOPE", str(tmp_path / "out.xlsx"))
    assert (missing.returncode, missing.stderr.strip()) == (
        1,
        'CommandError: There is no strategy with the code "NOPE".',
    )

    exported = nsm(cli_env, "export-plan", "AL-WB-TEST", str(tmp_path / "out.xlsx"))
    again = nsm(cli_env, "import-plan", str(tmp_path / "out.xlsx"))
    assert (exported.returncode, again.returncode) == (0, 0)
    assert again.stdout.strip() == "AL-WB-TEST: created 0; updated 0; deleted 0; left unchanged 16."
