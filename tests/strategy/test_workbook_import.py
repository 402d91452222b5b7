"""Importing a workbook: what it creates, changes and leaves alone, in one audited transaction."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from openpyxl.chart import BarChart, Reference

from nsm.accounts.models import Institution
from nsm.strategy.models import Activity, ActivityBudget, IndicatorTarget, Result, Strategy
from nsm.strategy.workbook import (
    WorkbookError,
    apply_plan,
    normalize_header,
    plan_changes,
    read_workbook,
    write_template,
    write_workbook,
)
from tests.factories import (
    ActivityBudgetFactory,
    ActivityFactory,
    InstitutionFactory,
    MeasureFactory,
    StrategyFactory,
)
from tests.strategy.workbook_support import (
    RESULTS_ALBANIAN,
    load_code_lists,
    make_workbook,
    row_counts,
    set_cell,
    valid_sheets,
)


@pytest.fixture(autouse=True)
def code_lists(db):
    load_code_lists()


def imported(sheets, *, by=None, name="plan.xlsx"):
    parsed = read_workbook(make_workbook(sheets), name=name)
    assert parsed.errors == []
    return apply_plan(parsed, by=by)


def test_a_new_plan_is_created_with_everything_the_file_says():
    summary = imported(valid_sheets())
    strategy = Strategy.objects.get(code="AL-WB-TEST")
    activity = Activity.objects.get(strategy=strategy, code="1.1.1.1")
    assert summary.totals == {"created": 13, "changed": 0, "deleted": 0, "unchanged": 0}
    assert (activity.lead.code, activity.start_label, activity.end_label) == ("MPB", "2024-Q2", "2025")
    assert sorted(p.code for p in activity.partners.all()) == ["AKPA", "QKM"]
    assert activity.measure.code == "1.1.1"
    amounts = sorted(ActivityBudget.objects.values_list("amount", flat=True))
    assert amounts == [Decimal("1200000"), Decimal("1200000.50"), Decimal("350000000")]
    assert IndicatorTarget.objects.get(year=2026).value == Decimal("200.5")


def test_the_summary_is_one_line_saying_what_was_created_updated_and_left_unchanged():
    imported(valid_sheets())
    sheets = set_cell(valid_sheets(), "Activities!C2", "Activity one")
    line = imported(sheets).summary()
    assert "\n" not in line
    assert line == "AL-WB-TEST: created 0; updated 1 (activities: 1); deleted 0; left unchanged 12."


def test_new_institutions_are_created_in_the_strategys_country():
    for code in ("MPB", "AKPA", "INSTAT"):  # Kosovo's own, of the same codes as Albania's
        InstitutionFactory(code=code, country="XK")
    imported(set_cell(valid_sheets(), "Strategy!B3", "XK"))
    created = Institution.objects.get(code="QKM")
    assert (created.name_en, created.kind, created.country, created.is_active) == (
        "Centre for Returning Migrants",
        "agency",
        "XK",
        True,
    )


def test_an_existing_institution_listed_in_the_file_keeps_its_country_and_names():
    mpb = Institution.objects.get(code="MPB")
    sheets = valid_sheets()
    sheets["Institutions"].append(["MPB", "Another name", "Another name", "agency"])
    before = (mpb.name_sq, mpb.name_en, mpb.kind, mpb.history.count())
    imported(sheets)
    mpb.refresh_from_db()
    assert (mpb.name_sq, mpb.name_en, mpb.kind, mpb.history.count()) == before
    assert Institution.objects.filter(code="MPB").count() == 1


def test_an_inactive_lead_institution_is_a_warning_and_stays_inactive():
    akpa = Institution.objects.get(code="AKPA")
    akpa.is_active = False  # a body that no longer exists
    akpa.save()
    sheets = valid_sheets()
    sheets["Institutions"].append(["AKPA", "Agjencia", "Agency", "agency"])
    parsed = read_workbook(make_workbook(sheets))
    apply_plan(parsed, by=None)
    assert parsed.errors == []
    assert [w for w in parsed.warnings if "inactive" in w] == [
        'Activities!E2: the institution "AKPA" is inactive (it no longer exists); it stays inactive',
        'Activities!D3: the institution "AKPA" is inactive (it no longer exists); it stays inactive',
    ]
    assert Institution.objects.get(code="AKPA").is_active is False
    assert Activity.objects.get(code="1.1.1.2").lead.code == "AKPA"


def test_an_existing_institution_is_not_changed_and_a_difference_is_a_warning():
    sheets = valid_sheets()
    sheets["Institutions"].append(["MPB", "Ministria", "Another name", "ministry"])
    name = Institution.objects.get(code="MPB").name_en
    parsed = read_workbook(make_workbook(sheets))
    apply_plan(parsed, by=None)
    assert parsed.warnings == ['Institutions!A3: institution "MPB" already exists; an import does not change it']
    assert Institution.objects.get(code="MPB").name_en == name


def test_importing_the_same_file_twice_changes_nothing_the_second_time(coordinator):
    data = make_workbook(valid_sheets())
    apply_plan(read_workbook(data), by=coordinator)
    before = row_counts()
    summary = apply_plan(read_workbook(data), by=coordinator)
    assert summary.has_changes is False
    assert row_counts() == before


def test_history_names_the_author_and_the_file(coordinator):
    imported(valid_sheets(), by=coordinator, name="plan-2024.xlsx")
    record = Activity.objects.get(code="1.1.1.1").history.earliest()
    assert (record.history_user, record.history_change_reason) == (coordinator, "import of plan-2024.xlsx")


def test_a_change_is_previewed_with_the_fields_that_change():
    imported(valid_sheets())
    sheets = set_cell(valid_sheets(), "Activities!D2", "ZKM")
    set_cell(sheets, "Activities!G2", "2026-Q1")
    preview = plan_changes(read_workbook(make_workbook(sheets)))
    activities = next(kind for kind in preview.kinds if kind.kind == "activities")
    assert [(c.label, c.fields) for c in activities.changed] == [("1.1.1.1", ("responsible", "end"))]
    assert [c.label for c in activities.unchanged] == ["1.1.1.2"]


def test_a_preview_writes_nothing():
    before = row_counts()
    plan_changes(read_workbook(make_workbook(valid_sheets())))
    assert row_counts() == before


def test_budget_lines_of_an_activity_in_the_file_follow_the_file():
    imported(valid_sheets())
    sheets = valid_sheets()
    del sheets["Budget"][2]  # the 2025 donor line of 1.1.1.1
    summary = imported(sheets)
    budget = next(kind for kind in summary.kinds if kind.kind == "budget")
    assert [c.label for c in budget.deleted] == ["1.1.1.1 / 2025 / donor / EU"]
    assert not ActivityBudget.objects.filter(source="donor").exists()


def test_items_left_out_of_the_file_are_left_alone():
    strategy = StrategyFactory(code="AL-WB-TEST")
    other = ActivityFactory(measure=MeasureFactory(parent__parent__strategy=strategy, parent__parent__code="7"))
    ActivityBudgetFactory(activity=other, year=2025)
    imported(valid_sheets())
    assert Result.objects.filter(strategy=strategy, code="7").exists()
    assert other.budget_lines.count() == 1


def test_targets_of_an_indicator_in_the_file_follow_the_file():
    imported(valid_sheets())
    sheets = valid_sheets()
    sheets["Targets"][2] = ["I.1", 2027, 300]
    imported(sheets)
    assert sorted(IndicatorTarget.objects.values_list("year", flat=True)) == [2025, 2027]


def test_unknown_columns_are_warnings_and_are_ignored():
    sheets = valid_sheets()
    sheets["Results"][0].append("Notes")
    sheets["Results"][1].append("remember this")
    parsed = read_workbook(make_workbook(sheets))
    assert parsed.errors == []
    assert parsed.warnings == ['Results!G1: the column "Notes" is not known; it is ignored']


def test_unknown_sheets_are_warnings_and_the_instructions_sheet_is_ignored():
    sheets = {"Instructions": [["read me"]], "Notes": [["x"]], **valid_sheets()}
    parsed = read_workbook(make_workbook(sheets))
    assert parsed.warnings == ['Notes!A1: the sheet "Notes" is not part of the format; it is ignored']


def test_a_chart_sheet_is_a_warning_and_is_ignored():
    workbook = load_workbook(io.BytesIO(make_workbook(valid_sheets())))
    chart = BarChart()
    chart.add_data(Reference(workbook["Budget"], min_col=5, min_row=1, max_row=4), titles_from_data=True)
    workbook.create_chartsheet("Costs chart").add_chart(chart)
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = read_workbook(buffer.getvalue())
    assert parsed.errors == []
    assert parsed.warnings == ['Costs chart!A1: the sheet "Costs chart" is a chart, not a table; it is ignored']
    assert len(parsed.budget) == 3


def test_headers_are_case_insensitive():
    sheets = valid_sheets()
    sheets["Activities"][0] = [header.upper() for header in sheets["Activities"][0]]
    sheets["Budget"][0] = ["Activity", "Year", "Source", "Donor", "Amount"]
    assert read_workbook(make_workbook(sheets)).errors == []


def test_albanian_sheet_names_and_headers_give_the_same_plan():
    english = read_workbook(make_workbook(valid_sheets()))
    sheets = valid_sheets()
    sheets["Rezultatet"] = [RESULTS_ALBANIAN, *sheets.pop("Results")[1:]]
    sheets["Aktivitetet"] = [
        [
            "Kodi",
            "Titulli SQ",
            "Titulli EN",
            "Institucioni përgjegjës",
            "Institucionet mbështetëse",
            "Fillimi",
            "Mbarimi",
            "Shënuesi gjinor",
            "Grupet e synuara",
            "Objektivat GCM",
        ],
        *sheets.pop("Activities")[1:],
    ]
    albanian = read_workbook(make_workbook(sheets))
    assert albanian.errors == []
    assert {c: r.values for c, r in albanian.activities.items()} == {c: r.values for c, r in english.activities.items()}
    assert {c: r.values for c, r in albanian.results.items()} == {c: r.values for c, r in english.results.items()}


def test_empty_rows_are_skipped():
    sheets = valid_sheets()
    sheets["Activities"].insert(2, [None] * 10)
    sheets["Activities"].insert(2, ["", "  ", None])
    assert read_workbook(make_workbook(sheets)).errors == []


def test_a_merged_cell_gives_its_value_to_every_cell_it_covers():
    workbook = load_workbook(io.BytesIO(make_workbook(valid_sheets())))
    budget = workbook["Budget"]
    budget["A3"] = None
    budget.merge_cells("A2:A3")  # both lines of activity 1.1.1.1 under one merged cell
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = read_workbook(buffer.getvalue())
    assert parsed.errors == []
    assert ("1.1.1.1", 2025, "donor", "EU") in parsed.budget


def test_the_strategy_sheet_may_leave_out_its_header_row():
    sheets = valid_sheets()
    sheets["Strategy"] = sheets["Strategy"][1:]
    assert read_workbook(make_workbook(sheets)).strategy_code == "AL-WB-TEST"


def test_an_invalid_file_cannot_be_applied():
    parsed = read_workbook(make_workbook(set_cell(valid_sheets(), "Budget!E2", -1)))
    with pytest.raises(WorkbookError):
        plan_changes(parsed)


def test_normalized_headers_ignore_case_accents_and_spacing():
    assert normalize_header(" Institucioni  Përgjegjës ") == "institucioni_pergjegjes"


def plan_with(activities: int) -> Strategy:
    strategy = StrategyFactory(code=f"AL-SIZE-{activities}")
    for number in range(activities):
        activity = ActivityFactory(measure=MeasureFactory(parent__parent__strategy=strategy))
        activity.partners.set(Institution.objects.filter(code__in=["AKPA", "ZKM"]))
        ActivityBudgetFactory(activity=activity, year=2024 + number % 3)
    return strategy


def queries(action) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def test_export_and_preview_read_the_plan_in_a_constant_number_of_queries():
    small, large = plan_with(2), plan_with(12)
    files = {}
    counts = [queries(lambda s=s: write_workbook(s, files.setdefault(s.code, io.BytesIO()))) for s in (small, large)]
    assert counts[0] == counts[1]
    parsed = [read_workbook(files[s.code].getvalue()) for s in (small, large)]
    assert [queries(lambda p=p: plan_changes(p)) for p in parsed] == [counts[0], counts[0]]


def test_the_export_has_bold_frozen_headers_text_codes_and_numeric_amounts():
    imported(valid_sheets())
    buffer = io.BytesIO()
    write_workbook(Strategy.objects.get(code="AL-WB-TEST"), buffer)
    workbook = load_workbook(buffer)
    budget = workbook["Budget"]
    assert workbook.sheetnames == [
        "Strategy",
        "Institutions",
        "Results",
        "Activities",
        "Budget",
        "Indicators",
        "Targets",
    ]
    assert budget["A1"].font.b and budget.freeze_panes == "A2"
    assert (budget["A2"].data_type, budget["A2"].number_format) == ("s", "@")
    assert budget["E3"].data_type == "n" and budget["E3"].value == 1200000.5
    assert workbook["Results"]["A2"].value == "1"


def test_text_that_looks_like_a_formula_is_exported_as_text():
    imported(valid_sheets())
    goal = Result.objects.get(code="1")
    goal.title_en = "=HYPERLINK(1)"
    goal.save()
    buffer = io.BytesIO()
    write_workbook(Strategy.objects.get(code="AL-WB-TEST"), buffer)
    cell = load_workbook(buffer)["Results"]["E2"]  # code, reference, level, title_sq, title_en
    assert (cell.value, cell.data_type) == ("=HYPERLINK(1)", "s")


def test_the_template_has_every_sheet_and_header_and_instructions():
    buffer = io.BytesIO()
    write_template(buffer)
    workbook = load_workbook(buffer)
    assert workbook.sheetnames[0] == "Instructions"
    assert [c.value for c in workbook["Targets"][1]] == ["indicator", "year", "value"]
    parsed = read_workbook(buffer.getvalue())
    assert parsed.warnings == []
    assert 'Strategy!B2: a value is required in the column "code"' in parsed.errors


def test_an_export_with_albanian_headers_imports_back_unchanged():
    imported(valid_sheets())
    buffer = io.BytesIO()
    write_workbook(Strategy.objects.get(code="AL-WB-TEST"), buffer, language="sq")
    assert load_workbook(buffer).sheetnames[:2] == ["Strategjia", "Institucionet"]
    parsed = read_workbook(buffer.getvalue())
    assert (parsed.errors, parsed.warnings) == ([], [])
    assert plan_changes(parsed).has_changes is False


def test_the_illustrative_flag_travels_with_the_plan():
    sheets = valid_sheets()
    sheets["Strategy"].append(["is_illustrative", "yes"])
    imported(sheets)
    strategy = Strategy.objects.get(code="AL-WB-TEST")
    buffer = io.BytesIO()
    write_workbook(strategy, buffer)
    strategy.delete()
    apply_plan(read_workbook(buffer.getvalue()), by=None)
    assert Strategy.objects.get(code="AL-WB-TEST").is_illustrative is True


def test_a_strategy_field_left_out_keeps_its_value():
    sheets = valid_sheets()
    sheets["Strategy"].append(["is_illustrative", "po"])
    imported(sheets)
    summary = imported(valid_sheets())
    assert summary.has_changes is False
    assert Strategy.objects.get(code="AL-WB-TEST").is_illustrative is True
