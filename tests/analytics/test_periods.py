"""Periods: quarter keys, parsing, labels, the plan's periods."""

import datetime

import pytest

from nsm.analytics.periods import Period, default_period, periods_of, quarter_key
from tests.factories import StrategyFactory


@pytest.mark.parametrize(
    ("period", "first", "last", "label", "slug"),
    [
        (Period.year(2025), 20251, 20254, "2025", "2025"),
        (Period.half_year(2025, 1), 20251, 20252, "2025-H1", "2025-H1"),
        (Period.half_year(2025, 2), 20253, 20254, "2025-H2", "2025-H2"),
        (Period.span(2024, 2026), 20241, 20264, "2024–2026", "2024-2026"),
    ],
)
def test_period_quarters_and_labels(period, first, last, label, slug):
    assert (period.first_quarter, period.last_quarter, period.label, period.slug, str(period)) == (
        first, last, label, slug, label,
    )  # fmt: skip
    assert period.target_year == period.last_year


def test_quarter_key():
    assert quarter_key(2025, 3) == 20253


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2025", Period.year(2025)), (" 2025-h1 ", Period.half_year(2025, 1)), ("2025-H2", Period.half_year(2025, 2))],
)
def test_parse(text, expected):
    assert Period.parse(text) == expected
    assert Period.parse(expected.slug) == expected


@pytest.mark.parametrize("text", ["", None, "25", "2025-H3", "2025-Q1", "2026-2024", "2024-2026-H1", "x2025"])
def test_parse_refuses_anything_else(text):
    with pytest.raises(ValueError):
        Period.parse(text)


def test_invalid_periods_are_refused():
    with pytest.raises(ValueError):
        Period.half_year(2025, 3)
    with pytest.raises(ValueError):
        Period.span(2026, 2024)


@pytest.mark.django_db
def test_periods_of_a_plan_and_the_default():
    strategy = StrategyFactory(plan_start_year=2024, plan_end_year=2025)
    assert periods_of(strategy) == [
        Period.year(2024), Period.half_year(2024, 1), Period.half_year(2024, 2),
        Period.year(2025), Period.half_year(2025, 1), Period.half_year(2025, 2),
    ]  # fmt: skip
    assert periods_of(strategy, halves=False) == [Period.year(2024), Period.year(2025)]
    assert default_period(strategy, datetime.date(2023, 5, 1)) == Period.year(2024)
    assert default_period(strategy, datetime.date(2025, 5, 1)) == Period.year(2025)
    assert default_period(strategy, datetime.date(2030, 5, 1)) == Period.year(2025)


@pytest.mark.parametrize("text", ["2024-2026", "2024–2026", " 2024 - 2026 "])
def test_parse_reads_the_years_of_an_action_plan(text):
    period = Period.parse(text)
    assert period == Period.span(2024, 2026)
    assert Period.parse(period.slug) == period


@pytest.mark.django_db
def test_several_action_plans_add_their_spans_and_the_whole_to_the_periods():
    strategy = StrategyFactory(plan_start_year=2024, plan_end_year=2028, end_year=2030)
    years = [Period.year(year) for year in range(2024, 2029)]
    assert periods_of(strategy, halves=False, plans=[(2024, 2028)]) == years
    assert periods_of(strategy, halves=False, plans=[(2027, 2028), (2024, 2026)]) == [
        Period.span(2024, 2026), Period.span(2027, 2028), Period.span(2024, 2028), *years,
    ]  # fmt: skip
    assert periods_of(strategy, halves=False, plans=[(2024, 2027), (2028, 2028)]) == [
        Period.span(2024, 2027), Period.span(2024, 2028), *years,
    ]  # fmt: skip
