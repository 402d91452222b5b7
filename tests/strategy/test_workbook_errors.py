"""Every import error names its cell, and a file with any error writes nothing (rows and history counted)."""

import io
import re
import zipfile

import pytest

from nsm.strategy.workbook import WorkbookError, apply_plan, read_workbook
from tests.factories import GoalFactory, ObjectiveFactory, StrategyFactory
from tests.strategy.workbook_support import (
    import_errors,
    load_code_lists,
    make_workbook,
    set_cell,
    valid_sheets,
)


@pytest.fixture(autouse=True)
def code_lists(db):
    load_code_lists()


def test_the_valid_workbook_of_these_tests_has_no_error():
    parsed = read_workbook(make_workbook(valid_sheets()))
    assert parsed.errors == []
    assert parsed.warnings == []


def test_a_missing_sheet_is_an_error_naming_the_sheet():
    sheets = valid_sheets()
    del sheets["Budget"]
    assert import_errors(sheets) == ['Budget!A1: the sheet "Budget" is missing']


def test_a_missing_required_column_is_an_error_on_the_header_row():
    sheets = valid_sheets()
    for row in sheets["Activities"]:
        del row[3]  # the lead column
    assert import_errors(sheets) == ['Activities!A1: the required column "responsible" is missing']


def test_a_missing_field_of_the_strategy_sheet_is_an_error():
    sheets = valid_sheets()
    sheets["Strategy"] = [row for row in sheets["Strategy"] if row[0] != "start_year"]
    assert import_errors(sheets) == ['Strategy!A1: the field "start_year" is missing']


def test_a_duplicate_code_is_an_error_naming_the_first_row():
    sheets = valid_sheets()
    sheets["Results"].append(["1.1.1", "measure", "Masa", "Measure", None, None])
    assert import_errors(sheets) == ["Results!A5: duplicate: row 4 already has 1.1.1"]


def test_a_duplicate_budget_line_is_an_error():
    sheets = valid_sheets()
    sheets["Budget"].append(["1.1.1.1", 2024, "state_budget", None, 5])
    assert import_errors(sheets) == ["Budget!A5: duplicate: row 2 already has 1.1.1.1 / 2024 / state_budget"]


def test_a_code_whose_parent_is_missing_is_an_error():
    sheets = valid_sheets()
    sheets["Results"].append(["1.2.1", "measure", "Masa", "Measure", None, None])
    assert import_errors(sheets) == ['Results!A5: the parent "1.2" of 1.2.1 is missing']


def test_an_activity_whose_measure_is_missing_is_an_error():
    sheets = valid_sheets()
    set_cell(sheets, "Activities!A3", "1.1.2.1")
    assert import_errors(sheets) == [
        'Activities!A3: the measure "1.1.2" of activity 1.1.2.1 is missing',
        'Budget!A4: budget line for an unknown activity "1.1.1.2"',
    ]


def test_a_parent_already_in_the_plan_is_not_missing():
    strategy = StrategyFactory(code="AL-WB-TEST")
    ObjectiveFactory(parent=GoalFactory(strategy=strategy, code="1"), code="1.2")
    sheets = valid_sheets()
    sheets["Results"].append(["1.2.1", "measure", "Masa", "Measure", None, None])
    assert read_workbook(make_workbook(sheets)).errors == []


def test_a_level_that_does_not_match_the_codes_depth_is_an_error_on_the_level():
    sheets = valid_sheets()
    set_cell(sheets, "Results!B3", "goal")
    assert import_errors(sheets) == [
        'Results!B3: the level "goal" does not match the code 1.1: in this plan it is on the level "Specific '
        'objective" (Policy goal 2 > Specific objective 2.1 > Measure 2.1.3 > Activity 2.1.3.4)'
    ]


def test_an_unknown_lead_institution_is_an_error():
    sheets = valid_sheets()
    set_cell(sheets, "Activities!D2", "MINT")
    assert import_errors(sheets) == ['Activities!D2: responsible institution "MINT" is not known']


def test_an_unknown_supporting_institution_is_an_error():
    sheets = valid_sheets()
    set_cell(sheets, "Activities!E2", "AKPA, XYZ")
    assert import_errors(sheets) == ['Activities!E2: supporting institution "XYZ" is not known']


def test_an_unknown_responsible_institution_is_an_error():
    sheets = valid_sheets()
    set_cell(sheets, "Indicators!M2", "NOBODY")
    assert import_errors(sheets) == ['Indicators!M2: responsible institution "NOBODY" is not known']


def test_an_unknown_target_group_is_an_error():
    sheets = valid_sheets()
    set_cell(sheets, "Activities!I2", "returnees; pilots")
    assert import_errors(sheets) == ['Activities!I2: target group "pilots" is not known']


def test_an_unknown_disaggregation_is_an_error():
    sheets = valid_sheets()
    set_cell(sheets, "Indicators!N2", "sex; colour")
    assert import_errors(sheets) == ['Indicators!N2: disaggregation "colour" is not known']


def test_a_gcm_number_outside_1_to_23_is_an_error():
    sheets = valid_sheets()
    set_cell(sheets, "Results!E4", "2; 24")
    assert import_errors(sheets) == ["Results!E4: GCM objective 24 is outside 1-23"]


def test_an_unknown_sdg_target_is_an_error():
    sheets = valid_sheets()
    set_cell(sheets, "Results!F4", "10.7; 99.9")
    assert import_errors(sheets) == ['Results!F4: SDG target "99.9" is not known']


@pytest.mark.parametrize(
    ("cell", "value", "year"),
    [("Budget!B2", 2031, 2031), ("Activities!F3", "2023-Q4", 2023), ("Targets!B2", 2032, 2032)],
)
def test_a_year_outside_the_strategys_years_is_an_error(cell, value, year):
    sheets = set_cell(valid_sheets(), cell, value)
    assert import_errors(sheets) == [f"{cell}: the year {year} lies outside the strategy's years (2024-2030)"]


def test_an_activity_that_starts_after_it_ends_is_an_error_on_its_start():
    sheets = valid_sheets()
    set_cell(sheets, "Activities!F3", "2026-Q4")
    assert import_errors(sheets) == ["Activities!F3: the activity starts (2026-Q4) after it ends (2026-Q3)"]


def test_a_negative_amount_is_an_error():
    sheets = valid_sheets()
    set_cell(sheets, "Budget!E2", -5)
    assert import_errors(sheets) == ["Budget!E2: the amount cannot be negative"]


@pytest.mark.parametrize(("cell", "value"), [("Budget!E2", "lots"), ("Targets!C2", "150 persons")])
def test_a_value_that_is_not_a_number_is_an_error(cell, value):
    sheets = set_cell(valid_sheets(), cell, value)
    assert import_errors(sheets) == [f'{cell}: "{value}" is not a number']


def test_an_ambiguous_number_is_an_error():
    sheets = set_cell(valid_sheets(), "Budget!E2", "1.200")
    [error] = import_errors(sheets)
    assert error.startswith('Budget!E2: "1.200" is ambiguous')


def test_a_target_for_an_unknown_indicator_is_an_error():
    sheets = valid_sheets()
    set_cell(sheets, "Targets!A2", "I.9")
    assert import_errors(sheets) == ['Targets!A2: target for an unknown indicator "I.9"']


def test_a_baseline_year_after_the_first_target_year_is_an_error_on_the_baseline_year():
    sheets = valid_sheets()
    set_cell(sheets, "Indicators!J2", 2026)
    assert import_errors(sheets) == ["Indicators!J2: the baseline year 2026 is after the first target year (2025)"]


@pytest.mark.parametrize("marker", [3, -1, "high"])
def test_a_gender_marker_other_than_0_1_2_is_an_error(marker):
    sheets = set_cell(valid_sheets(), "Activities!H2", marker)
    assert import_errors(sheets) == [f'Activities!H2: the gender marker is 0, 1 or 2, not "{marker}"']


def test_a_formula_without_a_stored_value_is_an_error():
    sheets = set_cell(valid_sheets(), "Budget!E2", "=1000*2")
    assert import_errors(sheets) == [
        "Budget!E2: the formula has no stored value: open the file in a spreadsheet program, recalculate "
        "and save it, or type the value"
    ]


def _with_stored_value(data: bytes, sheet_number: int, cell: str, value: str) -> bytes:
    """Give a formula cell the value a spreadsheet program would have stored with it."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == f"xl/worksheets/sheet{sheet_number}.xml":
                pattern = rf'(<c r="{cell}"[^>]*>\s*<f>[^<]*</f>)\s*(<v\s*/>|<v></v>)?'
                content = re.sub(pattern.encode(), rb"\1<v>" + value.encode() + b"</v>", content)
            out.writestr(item, content)
    return target.getvalue()


def test_a_formulas_stored_value_is_used():
    sheets = set_cell(valid_sheets(), "Budget!E2", "=1000*2")
    data = _with_stored_value(make_workbook(sheets), 5, "E2", "2000")
    parsed = read_workbook(data)
    assert parsed.errors == []
    assert parsed.budget[("1.1.1.1", 2024, "state_budget", "")].values["amount"] == 2000


def test_every_error_of_the_file_is_reported_at_once():
    sheets = valid_sheets()
    set_cell(sheets, "Activities!D2", "MINT")
    set_cell(sheets, "Budget!E3", -1)
    set_cell(sheets, "Targets!C3", "many")
    assert import_errors(sheets) == [
        'Activities!D2: responsible institution "MINT" is not known',
        "Budget!E3: the amount cannot be negative",
        'Targets!C3: "many" is not a number',
    ]


def test_an_empty_required_cell_is_an_error():
    sheets = set_cell(valid_sheets(), "Activities!D3", None)
    assert import_errors(sheets) == ['Activities!D3: a value is required in the column "lead"']


def test_a_new_institution_without_any_name_is_an_error():
    sheets = set_cell(set_cell(valid_sheets(), "Institutions!B2", None), "Institutions!C2", None)
    assert import_errors(sheets) == [
        'Institutions!B2: the new institution "QKM" needs its name, in Albanian or in English'
    ]


def test_an_item_without_any_title_is_an_error():
    sheets = valid_sheets()
    set_cell(sheets, "Results!C2", None)
    set_cell(sheets, "Results!D2", None)
    assert import_errors(sheets) == ["Results!C2: give a title or name in Albanian or in English"]


def test_a_donor_line_without_its_donor_is_an_error():
    sheets = set_cell(valid_sheets(), "Budget!D3", None)
    assert import_errors(sheets) == ["Budget!D3: name the donor of a donor-funded line"]


def test_an_amount_with_more_than_two_decimals_is_an_error():
    sheets = set_cell(valid_sheets(), "Budget!E2", "1 000,125")
    assert import_errors(sheets) == ["Budget!E2: at most 2 decimals are allowed"]


@pytest.mark.parametrize(
    ("cell", "number"),
    [
        ("Results!A3", 1.1),  # a result's code
        ("Activities!A3", 1.1),  # an activity's code
        ("Budget!A4", 2.1),  # the activity a budget line belongs to
        ("Indicators!A2", 2.1),  # an indicator's code
        ("Indicators!B2", 1.1),  # the result an indicator measures
        ("Targets!A2", 2.1),  # the indicator a target belongs to
        ("Results!F4", 16.1),  # an SDG target: 16.10 typed as a number
    ],
)
def test_a_code_stored_as_a_number_with_a_fraction_is_an_error_asking_for_text(cell, number):
    """Excel keeps `2.10` typed in a General cell as the number 2.1: the code it meant cannot be known."""
    errors = read_workbook(make_workbook(set_cell(valid_sheets(), cell, number))).errors
    assert errors[0] == (
        f"{cell}: the code {number} is stored as a number, and a number loses trailing zeros (2.10 is stored as "
        "2.1): write codes as text (format the cells as Text, or type an apostrophe before the code)"
    )


def test_a_whole_number_in_a_code_cell_is_read_as_that_code():
    sheets = set_cell(valid_sheets(), "Results!A2", 1)
    set_cell(sheets, "Results!A3", "1.1")
    parsed = read_workbook(make_workbook(sheets))
    assert parsed.errors == []
    assert "1" in parsed.results


def test_a_donor_named_on_a_line_that_is_not_a_donor_line_is_an_error_on_the_donor_cell():
    sheets = valid_sheets()
    sheets["Budget"] += [["1.1.1.2", 2024, "state_budget", None, 1], ["1.1.1.2", 2026, "other", "EU", 5]]
    assert import_errors(sheets) == ['Budget!D6: a donor is named only on a line whose source is "donor"']


def test_an_amount_with_more_than_fifteen_digits_is_refused_naming_its_cell():
    """SQLite stores decimals as floating point (15 exact digits): more would be rounded without a word."""
    errors = import_errors(set_cell(valid_sheets(), "Budget!E2", 12345678901234567))
    assert any(error.startswith("Budget!E2: ") for error in errors), errors


def test_a_target_with_more_than_fifteen_digits_is_refused_naming_its_cell():
    errors = import_errors(set_cell(valid_sheets(), "Targets!C2", "1234567890123.4567"))
    assert any(error.startswith("Targets!C2: ") for error in errors), errors


def test_an_error_list_stops_at_a_readable_number_and_counts_the_rest(settings):
    """A file with millions of wrong cells listed them all (5,241,885 errors on one page): now the first
    IMPORT_MAX_ERRORS, then how many more."""
    settings.IMPORT_MAX_ERRORS = 3
    sheets = valid_sheets()
    lines = [(year, source) for year in range(2026, 2031) for source in ("other", "unfunded")]
    sheets["Budget"] += [["1.1.1.1", year, source, None, f"lots {index}"] for index, (year, source) in enumerate(lines)]
    parsed = read_workbook(make_workbook(sheets), name="plan.xlsx")
    assert parsed.errors.total == 10
    assert parsed.errors.lines() == [
        'Budget!E5: "lots 0" is not a number',
        'Budget!E6: "lots 1" is not a number',
        'Budget!E7: "lots 2" is not a number',
        "and 7 more errors.",
    ]
    with pytest.raises(WorkbookError) as raised:
        apply_plan(parsed, by=None)
    assert raised.value.messages[-1] == "and 7 more errors." and raised.value.total == 10


def test_a_title_longer_than_its_limit_is_an_error_on_its_cell_never_cut():
    """A 200,000-character cell was imported, exported cut to Excel's 32,767, and re-imported cut."""
    errors = import_errors(set_cell(valid_sheets(), "Activities!C2", "x" * 2_001))
    assert errors == ["Activities!C2: the text has 2,001 characters; at most 2,000 are allowed"]
