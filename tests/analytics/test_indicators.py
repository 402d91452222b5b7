"""Indicator achievement: the pure `progress()` and `band()`, and `achievement()` on the approved plan.

Expected figures are the hand-computed table in tests/analytics/conftest.py.
"""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nsm.analytics.groups import Filters
from nsm.analytics.indicators import (
    AT_RISK,
    NO_DATA,
    NO_TARGET,
    OFF_TRACK,
    ON_TRACK,
    achievement,
    achievement_over,
    band,
    band_counts,
    progress,
)
from nsm.analytics.periods import Period
from tests.analytics.conftest import grow

D = Decimal
INC, DEC, KEEP = "increase", "decrease", "maintain"


# --- progress() ---


@pytest.mark.parametrize(
    ("baseline", "target", "actual", "direction", "expected"),
    [
        # increase: (actual - baseline) / (target - baseline)
        ("100", "200", "150", INC, "50.0"),
        ("100", "200", "200", INC, "100.0"),
        ("100", "200", "250", INC, "150.0"),  # may exceed 100
        ("100", "200", "80", INC, "-20.0"),  # may be negative
        ("100", "200", "100", INC, "0.0"),
        ("0", "3", "1", INC, "33.3"),
        ("0", "3", "2", INC, "66.7"),  # half up
        ("0", "8", "1", INC, "12.5"),
        ("0", "16", "1", INC, "6.3"),  # 6.25 half up
        # decrease counts downwards: (baseline - actual) / (baseline - target)
        ("50", "30", "35", DEC, "75.0"),
        ("50", "30", "30", DEC, "100.0"),
        ("50", "30", "20", DEC, "150.0"),
        ("50", "30", "60", DEC, "-50.0"),
        # maintain: actual / target
        ("10", "10", "9", KEEP, "90.0"),
        ("10", "10", "12", KEEP, "120.0"),
        (None, "0", "0", KEEP, "100"),
        (None, "0", "1", KEEP, "0"),
        # a missing baseline counts as 0
        (None, "200", "50", INC, "25.0"),
        (None, "10", "5", DEC, "100"),  # "decrease" from 0 to 10: nothing to move, 5 is at or below 10
        (None, "10", "11", DEC, "0"),
        # target == baseline: 100 if reached in the indicator's direction, else 0
        ("100", "100", "100", INC, "100"),
        ("100", "100", "101", INC, "100"),
        ("100", "100", "99", INC, "0"),
        ("30", "30", "29", DEC, "100"),
        ("30", "30", "31", DEC, "0"),
        # a target on the wrong side of the baseline: reached or not
        ("100", "90", "95", INC, "100"),
        ("100", "90", "85", INC, "0"),
        # percent and yes/no are plain numbers
        ("20", "60", "40", INC, "50.0"),
        ("0", "1", "1", INC, "100.0"),
        ("0", "1", "0", INC, "0.0"),
        ("1", "1", "1", KEEP, "100.0"),
        ("1", "1", "0", KEEP, "0.0"),
    ],
)
def test_progress(baseline, target, actual, direction, expected):
    result = progress(None if baseline is None else D(baseline), D(target), D(actual), direction)
    assert result == D(expected)


@pytest.mark.parametrize(("target", "actual"), [(None, "5"), ("5", None), (None, None)])
@pytest.mark.parametrize("direction", [INC, DEC, KEEP])
def test_progress_without_target_or_actual_is_none(target, actual, direction):
    assert (
        progress(D(0), None if target is None else D(target), None if actual is None else D(actual), direction) is None
    )


numbers = st.decimals(min_value=-10_000, max_value=10_000, places=3, allow_nan=False, allow_infinity=False)


@given(baseline=numbers, target=numbers, low=numbers, high=numbers)
def test_progress_rises_with_the_actual_for_an_increase(baseline, target, low, high):
    low, high = sorted((low, high))
    assert progress(baseline, target, low, INC) <= progress(baseline, target, high, INC)


@given(baseline=numbers, target=numbers, low=numbers, high=numbers)
def test_progress_falls_with_the_actual_for_a_decrease(baseline, target, low, high):
    low, high = sorted((low, high))
    assert progress(baseline, target, low, DEC) >= progress(baseline, target, high, DEC)


@given(baseline=st.none() | numbers, target=numbers, direction=st.sampled_from([INC, DEC, KEEP]))
def test_reaching_the_target_is_100(baseline, target, direction):
    assert progress(baseline, target, target, direction) == 100


@given(baseline=numbers, target=numbers, direction=st.sampled_from([INC, DEC]))
def test_staying_at_the_baseline_is_0_when_there_is_a_distance(baseline, target, direction):
    sign = 1 if direction == INC else -1
    if (target - baseline) * sign > 0:
        assert progress(baseline, target, baseline, direction) == 0


# --- band() ---


@pytest.mark.parametrize(
    ("pct", "expected"),
    [
        ("150", ON_TRACK),
        ("100", ON_TRACK),
        ("85.0", ON_TRACK),
        ("84.9", AT_RISK),
        ("70.0", AT_RISK),
        ("69.9", OFF_TRACK),
        ("0", OFF_TRACK),
        ("-20", OFF_TRACK),
    ],
)
def test_band_with_the_default_width_of_15(pct, expected):
    assert band(D(pct), has_target=True, has_actual=True) == expected


@pytest.mark.parametrize(
    ("pct", "width", "expected"),
    [
        ("90", "10", ON_TRACK),
        ("89.9", "10", AT_RISK),
        ("80", "10", AT_RISK),
        ("79.9", "10", OFF_TRACK),
        ("80", "20", ON_TRACK),
        ("60", "20", AT_RISK),
        ("59.9", "20", OFF_TRACK),
        ("99.9", "0", OFF_TRACK),
        ("100", "0", ON_TRACK),
    ],
)
def test_band_with_a_custom_width(pct, width, expected):
    assert band(D(pct), has_target=True, has_actual=True, width=D(width)) == expected


def test_band_without_target_or_actual():
    assert band(None, has_target=False, has_actual=False) == NO_TARGET
    assert band(D(50), has_target=False, has_actual=True) == NO_TARGET
    assert band(None, has_target=True, has_actual=False) == NO_DATA
    assert band(None, has_target=True, has_actual=True) == NO_DATA


# --- achievement() on the plan ---


def by_code(items):
    return {item.code: item for item in items}


def summary(item):
    return (item.baseline, item.target, item.actual, item.progress, item.band)


def test_achievement_of_a_year(approved_plan):
    items = achievement(Filters.of(approved_plan.strategy), Period.year(2024))
    assert [item.code for item in items] == ["I.1", "I.2", "I.3", "I.4"]
    rows = by_code(items)
    assert summary(rows["I.1"]) == (D(100), D(200), D(190), D("90.0"), ON_TRACK)
    assert summary(rows["I.2"]) == (D(50), D(30), D(35), D("75.0"), AT_RISK)
    assert summary(rows["I.3"]) == (D(20), D(60), D(40), D("50.0"), OFF_TRACK)
    # I.4: the approved H1 "no" (0), not the 1 in AKPA's H2 report that was submitted but never approved
    assert summary(rows["I.4"]) == (D(0), D(1), D(0), D("0.0"), OFF_TRACK)
    assert rows["I.4"].report_id == approved_plan.reports["H1 AKPA"].pk
    assert rows["I.1"].report_id == approved_plan.reports["H2 MSHMS"].pk
    assert band_counts(items) == {ON_TRACK: 1, AT_RISK: 1, OFF_TRACK: 2, NO_DATA: 0, NO_TARGET: 0}


def test_achievement_cells_come_from_the_report_of_the_total(approved_plan):
    plan = approved_plan
    rows = by_code(achievement(Filters.of(plan.strategy), Period.year(2024)))
    assert [(cell.category_id, cell.dimension, cell.label, cell.value) for cell in rows["I.1"].cells] == [
        (plan.female.pk, "Sex", "Female", D(100)),
        (plan.male.pk, "Sex", "Male", D(90)),
    ]
    h1 = by_code(achievement(Filters.of(plan.strategy), Period.half_year(2024, 1)))
    assert [cell.value for cell in h1["I.1"].cells] == [D(70), D(60)]
    assert rows["I.2"].cells == ()
    no_cells = by_code(achievement(Filters.of(plan.strategy), Period.year(2024), cells=False))
    assert no_cells["I.1"].cells == ()
    assert no_cells["I.1"].actual == D(190)


def test_achievement_of_a_half_year_takes_its_own_cycle_against_the_years_target(approved_plan):
    rows = by_code(achievement(Filters.of(approved_plan.strategy), Period.half_year(2024, 1)))
    assert summary(rows["I.1"]) == (D(100), D(200), D(130), D("30.0"), OFF_TRACK)
    assert summary(rows["I.2"]) == (D(50), D(30), None, None, NO_DATA)
    assert summary(rows["I.3"])[-1] == NO_DATA
    assert summary(rows["I.4"]) == (D(0), D(1), D(0), D("0.0"), OFF_TRACK)


def test_achievement_of_a_year_without_cycles_has_no_data_or_no_target(approved_plan):
    rows = by_code(achievement(Filters.of(approved_plan.strategy), Period.year(2025)))
    assert {code: (row.target, row.actual, row.band) for code, row in rows.items()} == {
        "I.1": (D(300), None, NO_DATA),
        "I.2": (D(20), None, NO_DATA),
        "I.3": (None, None, NO_TARGET),
        "I.4": (D(1), None, NO_DATA),
    }


def test_achievement_ignores_an_unapproved_report_entirely(approved_plan):
    """AKPA's H2 report (I.4 = 1) counts once approved."""
    from nsm.monitoring import services

    plan = approved_plan
    filters = Filters.of(plan.strategy)
    assert by_code(achievement(filters, Period.half_year(2024, 2)))["I.4"].actual is None
    report = plan.reports["H2 AKPA"]
    report.refresh_from_db()
    services.approve_report(report, by=plan.users["secretariat"], version=report.version)
    assert summary(by_code(achievement(filters, Period.year(2024)))["I.4"]) == (D(0), D(1), D(1), D("100.0"), ON_TRACK)


def test_achievement_with_a_custom_band_width(approved_plan):
    rows = by_code(achievement(Filters.of(approved_plan.strategy), Period.year(2024), band_width=D(5)))
    assert rows["I.1"].band == AT_RISK  # 90 < 95, >= 90
    assert rows["I.2"].band == OFF_TRACK  # 75 < 90
    rows = by_code(achievement(Filters.of(approved_plan.strategy), Period.year(2024), band_width=D(25)))
    assert (rows["I.2"].band, rows["I.3"].band) == (ON_TRACK, AT_RISK)


def test_achievement_filters(approved_plan):
    plan = approved_plan
    strategy = plan.strategy
    year = Period.year(2024)
    assert [i.code for i in achievement(Filters.of(strategy, goal=plan.goals["1"]), year)] == ["I.1", "I.2"]
    assert [i.code for i in achievement(Filters.of(strategy, goal=plan.goals["2"]), year)] == ["I.3", "I.4"]
    assert [i.code for i in achievement(Filters.of(strategy, institution=plan.institutions["AKPA"]), year)] == ["I.4"]
    assert [i.code for i in achievement(Filters.of(strategy, gcm=plan.gcm[2]), year)] == ["I.1", "I.2"]
    assert [i.code for i in achievement(Filters.of(strategy, gcm=plan.gcm[1]), year)] == ["I.1"]
    assert [i.code for i in achievement(Filters.of(strategy, gcm=plan.gcm[5]), year)] == ["I.3"]


def test_achievement_over_overlapping_periods_reads_each_cell_once(approved_plan):
    plan = approved_plan
    together = achievement_over(Filters.of(plan.strategy), [Period.year(2024), Period.half_year(2024, 2)])
    for items in together.values():
        assert [(cell.label, cell.value) for cell in by_code(items)["I.1"].cells] == [
            ("Female", D(100)),
            ("Male", D(90)),
        ]


def test_achievement_over_disjoint_periods_equals_achievement_for_each(approved_plan):
    filters = Filters.of(approved_plan.strategy)
    periods = [Period.half_year(2024, 1), Period.half_year(2024, 2), Period.year(2025)]
    together = achievement_over(filters, periods)
    assert list(together) == periods
    for period in periods:
        assert together[period] == achievement(filters, period)


def test_achievement_over_several_periods_equals_achievement_for_each(approved_plan):
    filters = Filters.of(approved_plan.strategy)
    periods = [Period.year(2024), Period.half_year(2024, 1), Period.half_year(2024, 2), Period.year(2025)]
    together = achievement_over(filters, periods)
    assert list(together) == periods
    for period in periods:
        assert together[period] == achievement(filters, period)


def test_achievement_over_no_periods_is_empty(approved_plan):
    assert achievement_over(Filters.of(approved_plan.strategy), []) == {}


# --- Query counts ---


def test_achievement_runs_in_a_fixed_number_of_queries(approved_plan, django_assert_num_queries):
    filters = Filters.of(approved_plan.strategy)
    periods = [Period.year(2024), Period.year(2025), Period.half_year(2025, 1)]
    # the figures with the cells of the reports chosen, and the categories of those cells
    with django_assert_num_queries(2):
        achievement(filters, Period.year(2024))
    with django_assert_num_queries(2):
        achievement_over(filters, periods)
    with django_assert_num_queries(1):
        achievement(filters, Period.year(2024), cells=False)
    grow(approved_plan)
    with django_assert_num_queries(2):
        bigger = achievement(filters, Period.year(2024))
    with django_assert_num_queries(2):
        over = achievement_over(filters, periods)
    assert len(bigger) == 6
    assert by_code(over[Period.half_year(2025, 1)])["I.1"].actual == D(250)
