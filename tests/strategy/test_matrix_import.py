"""The adopted matrix as it is (docs/import-matrix.md): an Excel sheet or a Word table, read through a mapping."""

import io
import json
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from nsm.strategy.matrix import apply_matrix, load_mapping, read_matrix
from nsm.strategy.models import Activity, ActivityBudget, Indicator, IndicatorTarget, Result, Strategy
from nsm.strategy.workbook import WorkbookError, plan_changes
from tests.factories import InstitutionFactory
from tests.strategy.workbook_support import load_code_lists

HEADERS = ["No.", "Action", "Responsible", "Supporting", "Timeframe", "Cost 2025", "Cost 2026", "Source"]
HEADERS += ["Indicator", "Baseline", "Target 2026"]
TWO_LEVELS = {
    "strategy": {
        "code": "AL-DIASPORA-2024",
        "levels_en": "Section > Action",
        "levels_sq": "Seksioni > Veprimi",
        "title_en": "Diaspora action plan",
        "start_year": 2024,
        "end_year": 2030,
        "plan_start_year": 2024,
        "plan_end_year": 2026,
    },
    "sheet": "Matrix",
    "header_rows": 1,
    "columns": {
        "A": "reference",
        "B": "title_en",
        "C": "responsible",
        "D": "supporting",
        "E": "timeframe",
        "F": "cost_2025",
        "G": "cost_2026",
        "H": "source",
        "I": "indicator",
        "J": "baseline",
        "K": "target_2026",
    },
    "sources": {"State budget": "state_budget", "EU": "donor"},
}
MEPJ = "Ministria për Evropën dhe Punët e Jashtme"
AKD = "Agjencia Kombëtare e Diasporës"


@pytest.fixture
def institutions(db):
    load_code_lists()
    InstitutionFactory(code="MEPJ", name_sq=MEPJ, name_en="Ministry for Europe and Foreign Affairs")
    InstitutionFactory(code="AKD", name_sq=AKD, name_en="National Diaspora Agency")


def matrix_rows() -> list[Any]:
    """Rows of the two-level plan: a heading is a string, an action a list."""
    return [
        "I. Engagement of the diaspora",
        ["ACTION 1", "Map the diaspora\nin Europe", MEPJ, AKD, "2025", 1_000_000, "500 000", "State budget"]
        + ["Maps published", 0, 1],
        ["ACTION 2", "Hold a forum", f"{AKD}; MPB", None, "Q3 2025 to Q2 2026", "Brenda buxhetit"],
        "II. Investment",
        ["ACTION 3", "Open a desk", "AKD", MEPJ, "2026", None, 20_000, "EU"],
    ]


def xlsx_matrix(rows: list[Any], *, width: int = len(HEADERS)) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Matrix"
    sheet.append(HEADERS)
    for number, row in enumerate(rows, start=2):
        if isinstance(row, str):
            sheet.cell(number, 1, row)
            sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=width)
        else:
            for column, value in enumerate(row, start=1):
                sheet.cell(number, column, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def docx_matrix(rows: list[Any], headers: list[str]) -> bytes:
    document = docx.Document()
    document.add_paragraph("The action plan, as adopted")
    table = document.add_table(rows=0, cols=len(headers))
    for cell, text in zip(table.add_row().cells, headers, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        if isinstance(row, str):
            merged = cells[0].merge(cells[-1])
            merged.text = row
            continue
        for cell, value in zip(cells, row, strict=False):
            if value is None:
                continue
            first, *more = str(value).split("\n\n")
            cell.text = first
            for paragraph in more:
                cell.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


FOUR_HEADERS = ["Ref", "Activity", "Lead", "Partners", "Deadline", "Total cost"]
FOUR_LEVELS = {
    "strategy": {"code": "AL-NSM-MATRIX", "start_year": 2024, "end_year": 2030, "plan_start_year": 2024}
    | {"plan_end_year": 2026, "title_sq": "Strategjia"},
    "table": 1,
    "header_rows": 1,
    "columns": {"1": "reference", "2": "title_sq", "3": "responsible", "4": "supporting", "5": "timeframe"}
    | {"6": "cost_total"},
    "headings": [r"^(PG|Qëllimi)\s*\d+", r"^(SO|Objektivi)\s*[\d.]+", r"^(M|Masa)\s*[\d.]+"],
}


def four_level_rows() -> list[Any]:
    return [
        "PG1: Qeverisja e migracionit",
        "SO1.1 Të dhëna më të mira",
        "M1.1.1 Statistikat",
        ["1.1.1.a", "Hartimi i një\n\nregjistri", "MPB", "INSTAT\n\nAKPA", "Tremujori III 2025", "1 200 000"],
        ["1.1.1.b", "Trajnimi", "AKPA", None, "2026", None],
        "SO1.2 Kthimi",
        "M1.2.1 Riintegrimi",
        ["1.2.1.a", "Këshillimi", "AKPA", None, "Në vazhdimësi", None],
    ]


def codes(institutions) -> list[str]:
    return [institution.code for institution in institutions]


def read(data: bytes, mapping: dict, name: str = "matrix.xlsx"):
    kind = "docx" if name.endswith(".docx") else "xlsx"
    return read_matrix(io.BytesIO(data), load_mapping(mapping, kind=kind), name=name)


def test_a_two_level_excel_matrix_becomes_sections_and_actions(institutions):
    parsed = read(xlsx_matrix(matrix_rows()), TWO_LEVELS)
    assert parsed.errors == []
    apply_matrix(parsed, load_mapping(TWO_LEVELS), by=None)
    plan = Strategy.objects.get(code="AL-DIASPORA-2024")
    assert plan.depth == 2
    assert [(r.code, r.reference, r.title_en) for r in Result.objects.order_by("code")] == [
        ("1", "I", "Engagement of the diaspora"),
        ("2", "II", "Investment"),
    ]
    first, second, third = Activity.objects.order_by("code").prefetch_related("bodies__institution")
    assert (first.code, first.reference, first.title_en) == ("1.1", "ACTION 1", "Map the diaspora in Europe")
    assert (first.lead.code, codes(first.responsible_bodies), codes(first.supporting_bodies)) == (
        "MEPJ",
        ["MEPJ"],
        ["AKD"],
    )
    # several responsible institutions: all responsible, in order, the first the lead (none is marked)
    assert (second.code, second.lead.code, second.lead_place) == ("1.2", "AKD", None)
    assert (codes(second.responsible_bodies), second.supporting_bodies) == (["AKD", "MPB"], [])
    assert second.cost_basis == "within_budget"
    assert (third.code, third.reference, third.measure.code) == ("2.1", "ACTION 3", "2")
    lines = sorted(ActivityBudget.objects.values_list("activity__code", "year", "source", "donor", "amount"))
    assert [line[:4] for line in lines] == [
        ("1.1", 2025, "state_budget", ""),
        ("1.1", 2026, "state_budget", ""),
        ("2.1", 2026, "donor", "EU"),
    ]
    assert [int(line[4]) for line in lines] == [1_000_000, 500_000, 20_000]
    indicator = Indicator.objects.get()
    assert (indicator.code, indicator.name_en, indicator.baseline) == ("I.1.1", "Maps published", 0)
    assert list(IndicatorTarget.objects.values_list("year", "value")) == [(2026, 1)]
    assert plan.matrix_mapping == TWO_LEVELS


def test_a_four_level_word_table_becomes_goals_objectives_measures_and_activities(institutions):
    parsed = read(docx_matrix(four_level_rows(), FOUR_HEADERS), FOUR_LEVELS, "plan.docx")
    assert parsed.errors == []
    apply_matrix(parsed, load_mapping(FOUR_LEVELS, kind="docx"), by=None)
    results = [(r.code, r.reference, r.title_sq) for r in Result.objects.order_by("code")]
    assert results == [
        ("1", "PG1", "Qeverisja e migracionit"),
        ("1.1", "SO1.1", "Të dhëna më të mira"),
        ("1.1.1", "M1.1.1", "Statistikat"),
        ("1.2", "SO1.2", "Kthimi"),
        ("1.2.1", "M1.2.1", "Riintegrimi"),
    ]
    activities = {a.code: a for a in Activity.objects.all()}
    assert sorted(activities) == ["1.1.1.1", "1.1.1.2", "1.2.1.1"]
    first = activities["1.1.1.1"]
    assert (first.reference, first.title_sq) == ("1.1.1.a", "Hartimi i një regjistri")
    assert (codes(first.responsible_bodies), codes(first.supporting_bodies)) == (["MPB"], ["INSTAT", "AKPA"])
    assert first.timeframe == "Tremujori III 2025"
    assert list(ActivityBudget.objects.values_list("activity__code", "year")) == [("1.1.1.1", 2025)]


def test_errors_name_the_original_excel_cell(institutions):
    rows = matrix_rows()
    rows[1] = ["ACTION 1", "Map", "Ministria per Evropen dhe Punet e Jashtem", None, "soon", "lots", "1.200"]
    parsed = read(xlsx_matrix(rows), TWO_LEVELS)
    cells = sorted(message.partition(": ")[0] for message in parsed.errors)
    assert cells == ["Matrix!C3", "Matrix!E3", "Matrix!F3", "Matrix!G3"]
    assert any("did you mean" in message for message in parsed.errors)


def test_the_responsible_and_supporting_institutions_keep_the_matrix_order(institutions):
    rows = matrix_rows()
    rows[1] = ["ACTION 1", "Map the diaspora", f"{AKD}\n{MEPJ}, MPB", "INSTAT; AKPA", "2025"]
    apply_matrix(read(xlsx_matrix(rows), TWO_LEVELS), load_mapping(TWO_LEVELS), by=None)
    first = Activity.objects.prefetch_related("bodies__institution").get(code="1.1")
    assert (codes(first.responsible_bodies), first.lead.code, first.lead_place) == (["AKD", "MEPJ", "MPB"], "AKD", None)
    assert codes(first.supporting_bodies) == ["INSTAT", "AKPA"]
    assert not plan_changes(read(xlsx_matrix(rows), TWO_LEVELS)).has_changes
    rows[1][2] = f"{MEPJ}\n{AKD}, MPB"  # two responsible institutions swapped: one change
    changed = next(
        kind for kind in plan_changes(read(xlsx_matrix(rows), TWO_LEVELS)).kinds if kind.kind == "activities"
    )
    assert [(change.label, change.fields) for change in changed.changed] == [("1.1", ("responsible",))]


def test_an_institution_named_twice_is_an_error_at_the_matrix_cell(institutions):
    rows = matrix_rows()
    rows[1] = ["ACTION 1", "Map the diaspora", f"{AKD}; AKD", f"INSTAT; {MEPJ}", "2025"]
    rows[2] = ["ACTION 2", "Hold a forum", f"{AKD}; MPB", "mpb", "2025"]
    assert sorted(read(xlsx_matrix(rows), TWO_LEVELS).errors.lines()) == [
        "Matrix!C3: AKD is named twice: name each institution once",
        "Matrix!D4: MPB is named as responsible and as supporting: name each institution once, in one column",
    ]


def test_errors_name_the_original_word_cell(institutions):
    rows = four_level_rows()
    rows[4] = ["1.1.1.b", "Trajnimi", "MINT", None, "soon", None]
    parsed = read(docx_matrix(rows, FOUR_HEADERS), FOUR_LEVELS, "plan.docx")
    cells = sorted(message.partition(": ")[0] for message in parsed.errors)
    assert cells == ["Table 1, row 6, column 3", "Table 1, row 6, column 5"]


def test_a_heading_of_no_level_is_an_error_at_its_cell(institutions):
    rows = four_level_rows()
    rows[1] = "Chapter 2"
    parsed = read(docx_matrix(rows, FOUR_HEADERS), FOUR_LEVELS, "plan.docx")
    assert parsed.errors[0].startswith("Table 1, row 3, column 1: the heading")


def test_a_file_with_one_error_writes_nothing(institutions):
    rows = matrix_rows()
    rows[4] = ["ACTION 3", "Open a desk", "AKD", None, "soon"]
    parsed = read(xlsx_matrix(rows), TWO_LEVELS)
    assert len(parsed.errors) == 1
    with pytest.raises(WorkbookError):
        apply_matrix(parsed, load_mapping(TWO_LEVELS), by=None)
    assert not Strategy.objects.exists()
    assert not Activity.objects.exists()


def test_importing_the_same_matrix_again_changes_nothing(institutions):
    data = xlsx_matrix(matrix_rows())
    apply_matrix(read(data, TWO_LEVELS), load_mapping(TWO_LEVELS), by=None)
    histories = Activity.history.count() + Strategy.history.count()
    preview = plan_changes(read(data, TWO_LEVELS))
    assert not preview.has_changes
    summary = apply_matrix(read(data, TWO_LEVELS), load_mapping(TWO_LEVELS), by=None)
    assert not summary.has_changes
    assert Activity.history.count() + Strategy.history.count() == histories


def test_a_word_matrix_imported_again_changes_nothing(institutions):
    data = docx_matrix(four_level_rows(), FOUR_HEADERS)
    apply_matrix(read(data, FOUR_LEVELS, "plan.docx"), load_mapping(FOUR_LEVELS, kind="docx"), by=None)
    assert not plan_changes(read(data, FOUR_LEVELS, "plan.docx")).has_changes


def test_too_many_rows_are_refused_in_a_sentence(institutions, settings):
    settings.IMPORT_BOUNDS = {**settings.IMPORT_BOUNDS, "plan": {**settings.IMPORT_BOUNDS["plan"], "rows": 5}}
    rows = four_level_rows()
    with pytest.raises(WorkbookError) as refused:
        read(docx_matrix(rows, FOUR_HEADERS), FOUR_LEVELS, "plan.docx")
    assert refused.value.messages == [
        "Table 1 has more than 5 rows: an action-plan matrix may have at most 5 rows in a table."
    ]
    with pytest.raises(WorkbookError, match="more than 5 rows"):
        read(xlsx_matrix(matrix_rows() * 2), TWO_LEVELS)


def test_a_too_large_file_is_refused_in_a_sentence(institutions, settings):
    settings.IMPORT_MAX_BYTES = 1000
    for data, mapping, name in (
        (docx_matrix(four_level_rows(), FOUR_HEADERS), FOUR_LEVELS, "plan.docx"),
        (xlsx_matrix(matrix_rows()), TWO_LEVELS, "plan.xlsx"),
    ):
        with pytest.raises(WorkbookError) as refused:
            read(data, mapping, name)
        assert refused.value.messages == ["The file is too large: the limit is 1000\xa0bytes."]


def test_a_word_document_unpacking_too_large_is_refused(institutions, settings):
    settings.IMPORT_MAX_MEMBER_BYTES = 2000
    with pytest.raises(WorkbookError, match="too large once unpacked: the limit for one part"):
        read(docx_matrix(four_level_rows(), FOUR_HEADERS), FOUR_LEVELS, "plan.docx")


def test_a_file_that_is_not_a_word_document_is_refused(institutions):
    with pytest.raises(WorkbookError, match=r"not a Word document \(.docx\)"):
        read(b"just text", FOUR_LEVELS, "plan.docx")


def test_a_wrong_mapping_is_refused_in_a_sentence():
    with pytest.raises(WorkbookError, match="two columns mean"):
        load_mapping({**TWO_LEVELS, "columns": {"A": "title_en", "B": "title_en", "C": "responsible"}})
    with pytest.raises(WorkbookError, match="no cost_<year> columns"):
        load_mapping({**TWO_LEVELS, "columns": {**TWO_LEVELS["columns"], "L": "cost_total"}})


# -- the command ---------------------------------------------------------------------------------------------


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path) -> tuple[Path, Path]:
    matrix, mapping = tmp_path / "matrix.xlsx", tmp_path / "mapping.json"
    matrix.write_bytes(xlsx_matrix(matrix_rows()))
    mapping.write_text(json.dumps(TWO_LEVELS), encoding="utf-8")
    return matrix, mapping


def test_the_command_with_dry_run_writes_nothing(institutions, files):
    matrix, mapping = files
    out, _err = run("import-plan", str(matrix), "--mapping", str(mapping), "--dry-run")
    assert out.splitlines()[0].startswith("AL-DIASPORA-2024: created ")
    assert "results (Section): 2, activities: 3" in out
    assert not Strategy.objects.exists()


def test_the_command_imports_and_strategy_reuses_the_saved_mapping(institutions, files, coordinator):
    matrix, mapping = files
    out, _err = run("import-plan", str(matrix), "--mapping", str(mapping), "--user", "coordinator")
    assert "activities: 3" in out
    plan = Strategy.objects.get(code="AL-DIASPORA-2024")
    assert plan.matrix_mapping == TWO_LEVELS
    assert plan.history.latest().history_user == coordinator
    out, _err = run("import-plan", str(matrix), "--strategy", "AL-DIASPORA-2024")
    assert "created 0; updated 0; deleted 0; left unchanged" in out


def test_the_command_names_the_original_cells_and_writes_nothing(institutions, files):
    matrix, mapping = files
    rows = matrix_rows()
    rows[4] = ["ACTION 3", "Open a desk", "AKD", None, "soon"]
    matrix.write_bytes(xlsx_matrix(rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import-plan", str(matrix), "--mapping", str(mapping), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().startswith('Matrix!E6: "soon" is not a timeframe')
    assert not Strategy.objects.exists()


def test_a_word_matrix_without_a_mapping_is_refused(institutions, tmp_path):
    path = tmp_path / "plan.docx"
    path.write_bytes(docx_matrix(four_level_rows(), FOUR_HEADERS))
    with pytest.raises(CommandError, match="read through a mapping"):
        run("import-plan", str(path))
