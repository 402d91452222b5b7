"""Budget: planned by source for the period's years, spent from approved lines, execution and gap.

Expected figures are the hand-computed table in tests/analytics/conftest.py.
"""

from decimal import Decimal

import pytest

from nsm.analytics.budget import ZERO, BudgetRow, budget
from nsm.analytics.groups import Filters
from nsm.analytics.periods import Period
from nsm.monitoring import services
from tests.analytics.conftest import file_report, grow, line, report_of, value

D = Decimal
MONEY = ("planned_state_budget", "planned_donor", "planned_other", "unfunded", "spent_state_budget", "spent_donor",
         "spent_other")  # fmt: skip


def money(row):
    """(planned state, donor, other, unfunded, spent state, donor, other) as integers."""
    return tuple(int(getattr(row, name)) for name in MONEY)


def test_budget_of_a_year(approved_plan):
    total = budget(Filters.of(approved_plan.strategy), Period.year(2024)).total
    assert money(total) == (5300, 2700, 500, 2500, 2850, 500, 100)
    assert total.planned == D("11000.00")
    assert total.funded == D("8500.00")
    assert total.spent == D("3450.00")
    assert total.execution_rate == D("31.4")
    assert total.gap_share == D("22.7")
    assert all(getattr(total, name).as_tuple().exponent == -2 for name in MONEY)


def test_a_half_year_is_measured_against_its_whole_years_plan(approved_plan):
    total = budget(Filters.of(approved_plan.strategy), Period.half_year(2024, 1)).total
    assert money(total) == (5300, 2700, 500, 2500, 1900, 500, 100)
    assert total.execution_rate == D("22.7")  # 2500 / 11000
    second = budget(Filters.of(approved_plan.strategy), Period.half_year(2024, 2)).total
    assert money(second)[4:] == (950, 0, 0)  # A2 700 + A5 250; AKPA's unapproved 9999 and 8888 do not count


def test_the_next_year_plans_without_spending(approved_plan):
    total = budget(Filters.of(approved_plan.strategy), Period.year(2025)).total
    assert money(total) == (5000, 2000, 0, 1000, 0, 0, 0)
    assert total.execution_rate == D("0.0")
    assert total.gap_share == D("12.5")


def test_a_span_adds_its_years(approved_plan):
    total = budget(Filters.of(approved_plan.strategy), Period.span(2024, 2025)).total
    assert total.planned == D("19000.00")
    assert total.spent == D("3450.00")


def test_nothing_planned_has_no_rates(approved_plan):
    total = budget(Filters.of(approved_plan.strategy), Period.year(2026)).total
    assert total == BudgetRow(None, "")
    assert total.execution_rate is None
    assert total.gap_share is None


def test_spending_counts_once_approved(approved_plan):
    plan = approved_plan
    report = plan.reports["H2 AKPA"]
    report.refresh_from_db()
    services.approve_report(report, by=plan.users["secretariat"], version=report.version)
    total = budget(Filters.of(plan.strategy), Period.year(2024)).total
    assert money(total)[4:] == (2850 + 9999, 500 + 8888, 100)


def test_a_year_cycle_is_not_counted_twice_when_half_years_exist(approved_plan):
    """A 2024 year cycle, reported and approved, repeats the half-years' spending: left out of every figure."""
    plan = approved_plan
    secretariat = plan.users["secretariat"]
    cycle = services.create_cycle(
        plan.strategy, by=secretariat, kind="year", year=2024, opens_on=plan.cycles["H1"].opens_on,
        due_on=plan.cycles["H1"].due_on,
    )  # fmt: skip
    services.open_cycle(cycle, by=secretariat)
    a, i = plan.activities, plan.indicators
    file_report(
        report_of(cycle, "MSHMS"),
        plan.users["focal_point"],
        activities=[
            line(a[name], "on_track", 50, state=5000, donor=5000, other=5000) for name in ("A1", "A2", "A5", "A6")
        ],
        indicators=[value(i["I1"], 190), value(i["I2"], 35), value(i["I3"], 40)],
        approve_by=secretariat,
    )
    filters = Filters.of(plan.strategy)
    assert money(budget(filters, Period.year(2024)).total)[4:] == (2850, 500, 100)
    assert money(budget(filters, Period.span(2024, 2025)).total)[4:] == (2850, 500, 100)
    by_year = budget(filters, Period.year(2024), "year")
    assert money(by_year.rows[0])[4:] == (2850, 500, 100)


def test_a_year_cycle_counts_when_the_year_has_no_half_years(approved_plan):
    plan = approved_plan
    secretariat = plan.users["secretariat"]
    cycle = services.create_cycle(
        plan.strategy, by=secretariat, kind="year", year=2025, opens_on=plan.cycles["H1"].opens_on,
        due_on=plan.cycles["H1"].due_on,
    )  # fmt: skip
    services.open_cycle(cycle, by=secretariat)
    a, i = plan.activities, plan.indicators
    file_report(
        report_of(cycle, "MSHMS"),
        plan.users["focal_point"],
        activities=[line(a["A5"], "completed", 100, state=600), line(a["A9"], "on_track", 50, donor=400)],
        indicators=[value(i["I1"], 250), value(i["I2"], 25), value(i["I3"], 45)],
        approve_by=secretariat,
    )
    total = budget(Filters.of(plan.strategy), Period.year(2025)).total
    assert money(total)[4:] == (600, 400, 0)
    assert total.execution_rate == D("12.5")  # 1000 / 8000
    assert budget(Filters.of(plan.strategy), Period.half_year(2025, 1)).total.spent == ZERO  # a year is not in H1


def rows_by_key(result):
    return {row.key: row for row in result.rows}


def test_budget_by_goal(approved_plan):
    plan = approved_plan
    result = budget(Filters.of(plan.strategy), Period.year(2024), "goal")
    rows = rows_by_key(result)
    assert [row.code for row in result.rows] == ["1", "2"]
    assert money(rows[plan.goals["1"].pk]) == (4500, 2000, 0, 500, 2600, 200, 0)
    assert money(rows[plan.goals["2"].pk]) == (800, 700, 500, 2000, 250, 300, 100)
    assert money(result.total) == (5300, 2700, 500, 2500, 2850, 500, 100)


def test_budget_by_institution(approved_plan):
    plan = approved_plan
    result = budget(Filters.of(plan.strategy), Period.year(2024), "institution")
    rows = rows_by_key(result)
    assert [row.code for row in result.rows] == ["AKPA", "MB", "MSHMS"]
    assert money(rows[plan.institutions["MSHMS"].pk]) == (3500, 1000, 500, 2000, 2450, 500, 0)
    assert money(rows[plan.institutions["AKPA"].pk]) == (1800, 1000, 0, 500, 400, 0, 100)
    assert money(rows[plan.institutions["MB"].pk]) == (0, 700, 0, 0, 0, 0, 0)
    assert rows[plan.institutions["MB"].pk].execution_rate == D("0.0")


def test_budget_by_gcm_counts_an_activity_under_each_of_its_objectives(approved_plan):
    plan = approved_plan
    result = budget(Filters.of(plan.strategy), Period.year(2024), "gcm")
    by_number = {row.code: (int(row.planned), int(row.spent), int(row.funded)) for row in result.rows}
    assert by_number == {
        "1": (4000, 2400, 4000),
        "2": (5000, 2400, 5000),
        "5": (4000, 650, 2000),
        "7": (2000, 300, 0),
        "18": (2000, 400, 1500),
    }
    assert (int(result.total.planned), int(result.total.spent)) == (11000, 3450)  # each activity once


def test_budget_by_year(approved_plan):
    result = budget(Filters.of(approved_plan.strategy), Period.span(2024, 2026), "year")
    assert [(row.key, int(row.planned), int(row.spent)) for row in result.rows] == [
        (2024, 11000, 3450),
        (2025, 8000, 0),
    ]
    assert (int(result.total.planned), int(result.total.spent)) == (19000, 3450)


def test_budget_filters(approved_plan):
    plan = approved_plan
    year = Period.year(2024)
    assert money(budget(Filters.of(plan.strategy, goal=plan.goals["1"]), year).total) == (
        4500, 2000, 0, 500, 2600, 200, 0,
    )  # fmt: skip
    assert money(budget(Filters.of(plan.strategy, institution=plan.institutions["AKPA"]), year).total) == (
        1800, 1000, 0, 500, 400, 0, 100,
    )  # fmt: skip
    gcm2 = budget(Filters.of(plan.strategy, gcm=plan.gcm[2]), year).total
    assert (int(gcm2.planned), int(gcm2.spent)) == (5000, 2400)


# --- Agreement ---


@pytest.mark.parametrize("by", ["goal", "objective", "measure", "institution", "gender_marker"])
@pytest.mark.parametrize("period", [Period.year(2024), Period.half_year(2024, 1), Period.span(2024, 2026)])
def test_single_valued_groups_add_up_to_the_total_of_the_ungrouped_query(approved_plan, by, period):
    filters = Filters.of(approved_plan.strategy)
    grouped = budget(filters, period, by)
    alone = budget(filters, period).total
    assert grouped.total == alone
    for name in MONEY:
        assert sum((getattr(row, name) for row in grouped.rows), ZERO) == getattr(alone, name)


def test_institution_rows_add_up_to_goal_rows(approved_plan):
    filters = Filters.of(approved_plan.strategy)
    goals = budget(filters, Period.year(2024), "goal").rows
    institutions = budget(filters, Period.year(2024), "institution").rows
    for name in MONEY:
        assert sum((getattr(r, name) for r in goals), ZERO) == sum((getattr(r, name) for r in institutions), ZERO)


# --- Query counts ---


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        (None, 1),
        ("goal", 2),
        ("institution", 2),
        ("year", 1),
        ("gcm", 3),
        ("target_group", 3),
    ],
)
def test_budget_runs_in_a_fixed_number_of_queries(approved_plan, django_assert_num_queries, by, expected):
    """The figures, the group names, and for overlapping groups the total on its own."""
    filters = Filters.of(approved_plan.strategy)
    with django_assert_num_queries(expected):
        budget(filters, Period.year(2024), by)
    grow(approved_plan)
    with django_assert_num_queries(expected):
        bigger = budget(filters, Period.span(2024, 2025), by)
    assert bigger.total.planned == D("19300.00")
    assert bigger.total.spent == D("3500.00")
