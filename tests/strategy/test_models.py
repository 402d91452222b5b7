"""The plan's invariants, held by the models whoever writes: codes, levels, parents, budgets, timeframes."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from nsm.strategy.models import Activity, ActivityBudget, Result
from tests.factories import (
    ActivityBudgetFactory,
    ActivityFactory,
    GoalFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    MeasureFactory,
    ObjectiveFactory,
    StrategyFactory,
)


def errors_of(obj) -> dict:
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    return error.value.message_dict


def test_a_goals_code_is_one_number(strategy):
    goal = Result(strategy=strategy, depth=1, code="2.1", title_en="Goal")
    assert "code" in errors_of(goal)


def test_an_objectives_code_starts_with_its_goals_code(strategy):
    goal = GoalFactory(strategy=strategy, code="2")
    objective = Result(strategy=strategy, parent=goal, depth=2, code="3.1", title_en="O")
    assert "code" in errors_of(objective)


def test_a_measure_needs_a_parent(strategy):
    measure = Result(strategy=strategy, depth=3, code="1.1.1", title_en="Measure")
    assert "code" in errors_of(measure)


def test_a_goal_has_no_parent(strategy):
    other = GoalFactory(strategy=strategy, code="1")
    goal = Result(strategy=strategy, parent=other, depth=1, code="2", title_en="Goal")
    assert "parent" in errors_of(goal)


def test_a_code_is_numbers_separated_by_dots(strategy):
    goal = Result(strategy=strategy, depth=1, code="A", title_en="Goal")
    assert "code" in errors_of(goal)


def test_a_result_needs_a_title_in_one_language(strategy):
    goal = Result(strategy=strategy, depth=1, code="1")
    assert errors_of(goal)


def test_two_results_of_a_strategy_cannot_share_a_code(strategy):
    GoalFactory(strategy=strategy, code="1")
    duplicate = Result(strategy=strategy, depth=1, code="1", title_en="Again")
    assert errors_of(duplicate)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_two_strategies_may_use_the_same_codes(strategy):
    GoalFactory(strategy=strategy, code="1")
    other = Result(strategy=StrategyFactory(code="OTHER"), depth=1, code="1", title_en="Goal")
    other.full_clean()


def test_codes_sort_as_numbers(strategy):
    for code in ("10", "2", "1"):
        GoalFactory(strategy=strategy, code=code)
    assert list(Result.objects.filter(strategy=strategy).values_list("code", flat=True)) == ["1", "2", "10"]


def test_an_activitys_code_is_its_measures_code_and_a_number(strategy):
    measure = MeasureFactory(parent=ObjectiveFactory(parent=GoalFactory(strategy=strategy, code="1"), code="1.1"))
    activity = ActivityFactory.build(measure=measure, strategy=strategy, code="1.2.1.1", lead=ActivityFactory().lead)
    assert "code" in errors_of(activity)


def test_an_activity_belongs_to_a_measure(strategy):
    objective = ObjectiveFactory(parent=GoalFactory(strategy=strategy, code="1"), code="1.1")
    activity = ActivityFactory.build(measure=objective, strategy=strategy, code="1.1.1", lead=ActivityFactory().lead)
    assert errors_of(activity)


def test_an_activity_cannot_start_after_it_ends(strategy):
    activity = ActivityFactory(measure__parent__parent__strategy=strategy)
    activity.start_year, activity.start_quarter, activity.end_year, activity.end_quarter = 2025, 3, 2025, 2
    assert "end_year" in errors_of(activity)


def test_an_activitys_timeframe_lies_within_the_strategys_years(strategy):
    activity = ActivityFactory(measure__parent__parent__strategy=strategy)
    activity.end_year = 2031
    assert "start_year" in errors_of(activity)


@pytest.mark.parametrize("marker", [3, 9])
def test_the_gender_marker_is_0_1_or_2(strategy, marker):
    activity = ActivityFactory(measure__parent__parent__strategy=strategy)
    activity.gender_marker = marker
    assert "gender_marker" in errors_of(activity)
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.filter(pk=activity.pk).update(gender_marker=marker)


def test_a_timeframe_reads_as_quarters_or_years(strategy):
    activity = ActivityFactory(start_year=2024, start_quarter=None, end_year=2025, end_quarter=3)
    assert (activity.start_label, activity.end_label, activity.start, activity.end) == (
        "2024", "2025-Q3", (2024, 1), (2025, 3)
    )  # fmt: skip


def test_a_budget_amount_cannot_be_negative(strategy):
    line = ActivityBudgetFactory.build(activity=ActivityFactory(), amount=Decimal(-1))
    assert "amount" in errors_of(line)
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()


def test_a_donor_line_names_its_donor(db):
    line = ActivityBudgetFactory.build(activity=ActivityFactory(), source=ActivityBudget.Source.DONOR, donor="")
    assert "donor" in errors_of(line)


def test_a_budget_year_lies_within_the_strategys_years(db):
    line = ActivityBudgetFactory.build(activity=ActivityFactory(), year=2040)
    assert "year" in errors_of(line)


def test_an_activity_has_one_line_per_year_source_and_donor(db):
    existing = ActivityBudgetFactory()
    duplicate = ActivityBudgetFactory.build(activity=existing.activity, year=existing.year, source=existing.source)
    assert errors_of(duplicate)


def test_two_indicators_of_a_strategy_cannot_share_a_code(strategy):
    first = IndicatorFactory(result__parent__parent__strategy=strategy, code="I.1")
    duplicate = IndicatorFactory.build(result=first.result, strategy=strategy, code="I.1")
    assert errors_of(duplicate)


def test_indicator_codes_sort_by_their_numbers(strategy):
    measure = MeasureFactory(parent__parent__strategy=strategy)
    for code in ("I.10", "I.2"):
        IndicatorFactory(result=measure, code=code)
    assert list(strategy.indicators.values_list("code", flat=True)) == ["I.2", "I.10"]


def test_a_target_cannot_come_before_the_baseline_year(strategy):
    target = IndicatorTargetFactory.build(indicator=IndicatorFactory(baseline_year=2025), year=2024)
    assert "year" in errors_of(target)


def test_a_yes_no_indicators_baseline_is_0_or_1(strategy):
    indicator = IndicatorFactory(value_type="yes_no", baseline=Decimal(2))
    assert "baseline" in errors_of(indicator)
