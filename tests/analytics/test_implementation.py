"""Implementation: statuses from approved lines, due vs ongoing, the two rates, groups and filters.

Expected figures are the hand-computed table in tests/analytics/conftest.py.
"""

from decimal import Decimal

import pytest

from nsm.analytics.groups import Filters
from nsm.analytics.implementation import (
    StatusCounts,
    activity_facts,
    implementation,
    implementation_by_year,
    implementation_over,
    percent,
)
from nsm.analytics.periods import Period
from tests.analytics.conftest import file_report, grow, line, open_half_year, report_of, value
from tests.factories import ActivityFactory

D = Decimal


def counts(row):
    """(due counts, ongoing counts) without the zeros."""
    return (
        {name: n for name, n in row.due.items() if n},
        {name: n for name, n in row.ongoing.items() if n},
    )


def test_percent_rounds_half_up_to_one_decimal_and_is_none_without_a_whole():
    assert percent(1, 3) == D("33.3")
    assert percent(2, 3) == D("66.7")
    assert percent(1, 8) == D("12.5")
    assert percent(1, 16) == D("6.3")  # 6.25 half up
    assert percent(0, 0) is None


def test_a_year_counts_due_and_ongoing_activities_by_their_latest_approved_status(approved_plan):
    result = implementation(Filters.of(approved_plan.strategy), Period.year(2024))

    assert counts(result.total) == (
        {"completed": 2, "on_track": 1, "delayed": 1, "cancelled": 1, "not_reported": 1},
        {"on_track": 1, "not_reported": 1},
    )
    assert result.total.activities == 8
    assert result.total.rate == D("40.0")  # 2 / (6 - 1 cancelled)
    assert result.total.on_schedule_rate == D("50.0")  # 1 / 2
    assert result.rows == ()


def test_a_first_half_year_takes_only_its_own_cycle(approved_plan):
    result = implementation(Filters.of(approved_plan.strategy), Period.half_year(2024, 1))

    assert counts(result.total) == (
        {"completed": 1, "delayed": 1},
        {"on_track": 3, "not_started": 1, "not_reported": 1},
    )
    assert result.total.rate == D("50.0")
    assert result.total.on_schedule_rate == D("60.0")


def test_a_second_half_year_carries_a_status_from_the_first(approved_plan):
    result = implementation(Filters.of(approved_plan.strategy), Period.half_year(2024, 2))

    # A3's only approved line is H1's on_track (AKPA's H2 "completed" is not approved).
    assert counts(result.total) == (
        {"completed": 1, "on_track": 1, "cancelled": 1, "not_reported": 1},
        {"on_track": 1, "not_reported": 1},
    )
    assert result.total.rate == D("33.3")  # 1 / (4 - 1)
    a3 = approved_plan.activities["A3"].pk
    facts = {fact.activity_id: fact for fact in activity_facts(Filters.of(approved_plan.strategy), result.period)}
    assert (facts[a3].status, facts[a3].due) == ("on_track", True)


def test_an_activity_completed_in_an_earlier_half_year_stays_completed(approved_plan):
    a1 = approved_plan.activities["A1"].pk
    facts = activity_facts(Filters.of(approved_plan.strategy), Period.year(2024), status="completed")
    assert a1 in {fact.activity_id for fact in facts}


def test_the_next_year_counts_activities_ending_in_it_as_due_with_last_years_status(approved_plan):
    result = implementation(Filters.of(approved_plan.strategy), Period.year(2025))

    # A4 (not reported), A5 (on_track at the end of 2024), A9 (not reported) all end in 2025.
    assert counts(result.total) == ({"on_track": 1, "not_reported": 2}, {})
    assert result.total.rate == D("0.0")
    assert result.total.on_schedule_rate is None


def test_an_ongoing_activity_completed_early_is_on_schedule(approved_plan):
    plan = approved_plan
    cycle = open_half_year(
        plan.strategy, plan.users["secretariat"], 2025, 1,
        opens_on=plan.cycles["H1"].opens_on, due_on=plan.cycles["H1"].due_on,
    )  # fmt: skip
    file_report(
        report_of(cycle, "AKPA"),
        plan.users["other_focal_point"],
        activities=[line(plan.activities["A4"], "completed", 100)],
        indicators=[value(plan.indicators["I4"], 1)],
        approve_by=plan.users["secretariat"],
    )
    result = implementation(Filters.of(plan.strategy), Period.half_year(2025, 1))
    # A4 ends 2025-Q4, completed early; A9 not reported; A5 ends 2025-Q2, on track since 2024-H2
    assert counts(result.total) == ({"on_track": 1}, {"completed": 1, "not_reported": 1})
    assert result.total.on_schedule_rate == D("50.0")
    assert result.total.rate == D("0.0")


def test_a_period_without_activities_has_no_rate(approved_plan):
    result = implementation(Filters.of(approved_plan.strategy), Period.year(2026))
    assert result.total.activities == 0
    assert result.total.rate is None
    assert result.total.on_schedule_rate is None


def test_cancelled_activities_leave_the_denominator_and_are_counted_on_their_own(approved_plan):
    mshms = approved_plan.institutions["MSHMS"]
    result = implementation(Filters.of(approved_plan.strategy, institution=mshms), Period.year(2024))
    assert result.total.due.cancelled == 1
    assert result.total.due.total == 3
    assert result.total.rate == D("100.0")  # 2 completed / (3 - 1)


def test_activities_without_an_approved_line_are_not_reported(approved_plan):
    facts = activity_facts(Filters.of(approved_plan.strategy), Period.year(2024), status="not_reported")
    assert {fact.activity_id for fact in facts} == {
        approved_plan.activities["A4"].pk,
        approved_plan.activities["A8"].pk,
    }


def test_activity_facts_narrow_to_due_and_a_group(approved_plan):
    plan = approved_plan
    facts = activity_facts(Filters.of(plan.strategy), Period.year(2024), due=False)
    assert {fact.activity_id for fact in facts} == {plan.activities["A4"].pk, plan.activities["A5"].pk}
    facts = activity_facts(Filters.of(plan.strategy), Period.year(2024), by="gcm", key=plan.gcm[7].pk)
    assert [(f.activity_id, f.status) for f in facts] == [(plan.activities["A6"].pk, "cancelled")]


def grouped(plan, by, period=None):
    result = implementation(Filters.of(plan.strategy), period or Period.year(2024), by)
    return result, {row.key: row for row in result.rows}


def test_grouped_by_goal(approved_plan):
    plan = approved_plan
    result, rows = grouped(plan, "goal")
    goal1, goal2 = rows[plan.goals["1"].pk], rows[plan.goals["2"].pk]
    assert [row.key for row in result.rows] == [plan.goals["1"].pk, plan.goals["2"].pk]
    assert counts(goal1) == ({"completed": 2, "on_track": 1}, {"not_reported": 1})
    assert (goal1.rate, goal1.on_schedule_rate) == (D("66.7"), D("0.0"))
    assert counts(goal2) == ({"delayed": 1, "cancelled": 1, "not_reported": 1}, {"on_track": 1})
    assert (goal2.rate, goal2.on_schedule_rate) == (D("0.0"), D("100.0"))
    assert goal1.code == "1"
    assert goal1.label.startswith("1 ")
    assert result.total.rate == D("40.0")


def test_grouped_by_institution(approved_plan):
    plan = approved_plan
    result, rows = grouped(plan, "institution")
    assert [row.code for row in result.rows] == ["AKPA", "MB", "MSHMS"]
    mshms, akpa, mb = (rows[plan.institutions[code].pk] for code in ("MSHMS", "AKPA", "MB"))
    assert counts(mshms) == ({"completed": 2, "cancelled": 1}, {"on_track": 1})
    assert (mshms.rate, mshms.on_schedule_rate) == (D("100.0"), D("100.0"))
    assert counts(akpa) == ({"on_track": 1, "delayed": 1}, {"not_reported": 1})
    assert (akpa.rate, akpa.on_schedule_rate) == (D("0.0"), D("0.0"))
    assert counts(mb) == ({"not_reported": 1}, {})
    assert (mb.rate, mb.on_schedule_rate) == (D("0.0"), None)


def test_grouped_by_gcm_uses_an_activitys_own_objectives_before_those_above_it(approved_plan):
    plan = approved_plan
    result, rows = grouped(plan, "gcm")
    assert [row.code for row in result.rows] == ["1", "2", "5", "7", "18"]
    by_number = {row.code: row for row in result.rows}
    assert by_number["1"].activities == 2  # A1 A2
    assert by_number["2"].activities == 3  # A1 A2 A4; not A3 (own GCM 18)
    assert by_number["5"].activities == 4  # A5-A8 in 2024
    assert by_number["7"].activities == 1  # A6
    assert by_number["18"].activities == 1  # A3
    assert counts(by_number["2"]) == ({"completed": 2}, {"not_reported": 1})
    assert by_number["2"].rate == D("100.0")
    assert result.total.activities == 8  # each activity once in the total
    assert rows[plan.gcm[5].pk].label.startswith("GCM 5")


def test_grouped_by_sdg(approved_plan):
    plan = approved_plan
    _result, rows = grouped(plan, "sdg")
    assert set(rows) == {plan.sdg["10.7"].pk, plan.sdg["8.8"].pk}
    assert rows[plan.sdg["10.7"].pk].activities == 8
    assert rows[plan.sdg["8.8"].pk].activities == 4
    assert rows[plan.sdg["8.8"].pk].rate == D("66.7")


def test_grouped_by_target_group(approved_plan):
    plan = approved_plan
    _result, rows = grouped(plan, "target_group")
    by_code = {row.code: row.activities for row in rows.values()}
    assert by_code == {
        "women": 2,
        "trafficking_victims": 1,
        "youth": 1,
        "returnees": 2,
        "unaccompanied_children": 1,
    }
    women = rows[plan.target_groups["women"].pk]
    assert counts(women) == ({"completed": 1, "not_reported": 1}, {})


def test_grouped_by_gender_marker(approved_plan):
    result, rows = grouped(approved_plan, "gender_marker")
    assert [row.key for row in result.rows] == [0, 1, 2]
    assert {key: row.activities for key, row in rows.items()} == {0: 4, 1: 2, 2: 2}
    assert counts(rows[2]) == ({"completed": 1, "not_reported": 1}, {})
    assert rows[2].rate == D("50.0")


def test_an_unknown_dimension_is_refused(approved_plan):
    with pytest.raises(ValueError):
        implementation(Filters.of(approved_plan.strategy), Period.year(2024), "colour")


def test_filter_by_goal(approved_plan):
    plan = approved_plan
    result = implementation(Filters.of(plan.strategy, goal=plan.goals["1"]), Period.year(2024))
    assert result.total.activities == 4
    assert result.total.rate == D("66.7")


def test_filter_by_institution(approved_plan):
    plan = approved_plan
    result = implementation(Filters.of(plan.strategy, institution=plan.institutions["AKPA"]), Period.year(2024))
    assert counts(result.total) == ({"on_track": 1, "delayed": 1}, {"not_reported": 1})


def test_filter_by_gcm_follows_own_tags_first(approved_plan):
    plan = approved_plan
    two = implementation(Filters.of(plan.strategy, gcm=plan.gcm[2]), Period.year(2024))
    assert {f.activity_id for f in activity_facts(Filters.of(plan.strategy, gcm=plan.gcm[2]), Period.year(2024))} == {
        plan.activities[name].pk for name in ("A1", "A2", "A4")
    }
    assert two.total.activities == 3
    eighteen = implementation(Filters.of(plan.strategy, gcm=plan.gcm[18]), Period.year(2024))
    assert counts(eighteen.total) == ({"on_track": 1}, {})


def test_filters_combine(approved_plan):
    plan = approved_plan
    filters = Filters.of(plan.strategy, goal=plan.goals["2"], institution=plan.institutions["MSHMS"])
    result = implementation(filters, Period.year(2024))
    assert counts(result.total) == ({"cancelled": 1}, {"on_track": 1})  # A6, A5
    assert result.total.rate is None


def test_implementation_by_year(approved_plan):
    years = implementation_by_year(Filters.of(approved_plan.strategy), range(2024, 2027))
    assert [item.period for item in years] == [Period.year(2024), Period.year(2025), Period.year(2026)]
    assert [item.total.activities for item in years] == [8, 3, 0]
    assert [item.total.rate for item in years] == [D("40.0"), D("0.0"), None]


def test_implementation_over_several_periods_equals_each_period(approved_plan):
    filters = Filters.of(approved_plan.strategy)
    periods = [Period.year(2024), Period.half_year(2024, 1), Period.half_year(2024, 2), Period.year(2025)]
    together = implementation_over(filters, periods, "institution")
    for period, item in zip(periods, together, strict=True):
        alone = implementation(filters, period, "institution")
        assert (item.period, item.by, item.total, item.rows) == (alone.period, alone.by, alone.total, alone.rows)


def test_other_strategies_data_do_not_count(approved_plan, secretariat):
    from tests.factories import StrategyFactory

    other = StrategyFactory(code="AL-OTHER")
    ActivityFactory(measure__parent__parent__strategy=other, lead=approved_plan.institutions["MSHMS"])
    result = implementation(Filters.of(approved_plan.strategy), Period.year(2024))
    assert result.total.activities == 8


def test_status_counts_add_up():
    total = StatusCounts(completed=1, cancelled=2) + StatusCounts(completed=3, not_reported=1)
    assert total == StatusCounts(completed=4, cancelled=2, not_reported=1)
    assert total.total == 7


# --- Agreement ---


@pytest.mark.parametrize("by", ["goal", "objective", "measure", "institution", "gender_marker"])
@pytest.mark.parametrize("period", [Period.year(2024), Period.half_year(2024, 2), Period.year(2025)])
def test_single_valued_groups_add_up_to_the_total(approved_plan, by, period):
    result = implementation(Filters.of(approved_plan.strategy), period, by)
    due = sum((row.due for row in result.rows), StatusCounts())
    ongoing = sum((row.ongoing for row in result.rows), StatusCounts())
    assert (due, ongoing) == (result.total.due, result.total.ongoing)


def test_institution_rows_add_up_to_goal_rows(approved_plan):
    filters = Filters.of(approved_plan.strategy)
    by_goal = implementation(filters, Period.year(2024), "goal")
    by_institution = implementation(filters, Period.year(2024), "institution")
    assert sum((row.by_status for row in by_goal.rows), StatusCounts()) == sum(
        (row.by_status for row in by_institution.rows), StatusCounts()
    )


# --- Query counts ---


@pytest.mark.parametrize("by", [None, "goal", "institution", "gcm", "target_group"])
def test_implementation_runs_in_a_fixed_number_of_queries(approved_plan, django_assert_num_queries, by):
    filters = Filters.of(approved_plan.strategy)
    expected = 1 if by is None else 2  # the figures, and the group names
    periods = [Period.year(2024), Period.year(2025)]
    with django_assert_num_queries(expected):
        implementation(filters, Period.year(2024), by)
    with django_assert_num_queries(expected):
        implementation_over(filters, periods, by)
    grow(approved_plan)
    with django_assert_num_queries(expected):
        bigger = implementation(filters, Period.year(2024), by)
    with django_assert_num_queries(expected):
        over = implementation_over(filters, periods, by)
    assert bigger.total.activities == 8 + 6
    assert over[1].total.due.completed == 1  # A5, completed in 2025-H1
