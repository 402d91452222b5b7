"""The start and end columns read a year, a half-year or a quarter with the timeframes' patterns: a half-year starts
with its first quarter and ends with its last."""

import pytest

from nsm.strategy.models import Activity
from nsm.strategy.workbook import CellValueError, apply_plan, parse_period, read_workbook
from tests.strategy.workbook_support import load_code_lists, make_workbook, set_cell, valid_sheets


@pytest.fixture
def code_lists(db):
    load_code_lists()


def read(**cells):
    sheets = valid_sheets()
    for ref, value in cells.items():
        set_cell(sheets, ref.replace("_", "!"), value)
    return read_workbook(make_workbook(sheets), name="plan.xlsx")


@pytest.mark.parametrize(
    ("value", "start", "end"),
    [
        ("2025", (2025, None), (2025, None)),
        (2025, (2025, None), (2025, None)),
        ("2025-Q2", (2025, 2), (2025, 2)),
        ("2026-T1", (2026, 1), (2026, 1)),
        ("Q3 2025", (2025, 3), (2025, 3)),
        ("tremujori i tretë 2025", (2025, 3), (2025, 3)),
        ("2025-H1", (2025, 1), (2025, 2)),
        ("H2 2025", (2025, 3), (2025, 4)),
        ("Second half of 2025", (2025, 3), (2025, 4)),
        ("Gjysma e dytë e vitit 2025", (2025, 3), (2025, 4)),
    ],
)
def test_a_period_is_its_first_quarter_as_a_start_and_its_last_as_an_end(value, start, end):
    assert parse_period(value) == start
    assert parse_period(value, end=True) == end


@pytest.mark.parametrize(
    "value", ["June 2025", "end of 2025", "2025-06", "2025-1", "2024-2026", "2025-H3", "third half of 2025", "２０２５"]
)
def test_a_month_a_date_a_span_or_other_digits_are_not_a_period(value):
    with pytest.raises(CellValueError, match="is not a period"):
        parse_period(value)


@pytest.mark.parametrize(("start", "end"), [("2025-H2", "2025-H2"), ("H2 2025", "H2 2025"), ("2025-H2", "H2 2025")])
def test_a_half_year_in_the_start_and_end_columns_is_quarters_3_to_4(code_lists, start, end):
    parsed = read(Activities_F2=start, Activities_G2=end)
    assert parsed.errors == []
    values = parsed.activities["1.1.1.1"].values
    assert (values["start"], values["end"]) == ((2025, 3), (2025, 4))
    apply_plan(parsed, by=None)
    activity = Activity.objects.get(code="1.1.1.1")
    assert (activity.start_year, activity.start_quarter, activity.end_year, activity.end_quarter) == (2025, 3, 2025, 4)


def test_a_start_that_is_not_a_period_is_an_error_on_its_cell(code_lists):
    parsed = read(Activities_F3="2025-H3")
    assert parsed.errors.lines() == [
        'Activities!F3: "2025-H3" is not a period: write a year (2025) or a quarter (2025-Q2)'
    ]
