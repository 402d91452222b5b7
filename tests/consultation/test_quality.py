"""The plan quality check: each gap it finds, the links to the items, its fixed number of queries, its page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from nsm.consultation import quality
from nsm.reference.models import GcmObjective
from tests.factories import (
    ActivityBudgetFactory,
    ActivityFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    InstitutionFactory,
    MeasureFactory,
    StrategyFactory,
)
from tests.strategy.plan_builders import add_activities, add_indicators, gcm


@pytest.fixture
def measure(strategy):
    measure = MeasureFactory(parent__parent__strategy=strategy, parent__parent__code="1", parent__code="1.1",
                             code="1.1.1")  # fmt: skip
    return measure


def complete_activity(measure, code, **fields):
    activity = ActivityFactory(measure=measure, code=code, lead=InstitutionFactory(code="MPB"), **fields)
    activity.gcm_objectives.add(gcm(3))
    ActivityBudgetFactory(activity=activity, year=2024, amount=Decimal(100))
    return activity


def complete_indicator(result, code, **fields):
    indicator = IndicatorFactory(result=result, code=code, responsible=InstitutionFactory(code="INSTAT"), **fields)
    IndicatorTargetFactory(indicator=indicator, year=2025)
    return indicator


def reasons(gaps, kind):
    return sorted((gap.code, gap.reason) for gap in gaps if gap.kind == kind)


def test_a_complete_activity_and_indicator_have_no_gap(strategy, measure):
    complete_activity(measure, "1.1.1.1")
    complete_indicator(measure, "1.1.1.a")
    gaps = quality.check(strategy)
    assert reasons(gaps, "activity") == []
    assert reasons(gaps, "indicator") == []
    assert reasons(gaps, "measure") == []


def test_activities_with_an_inactive_lead_no_cost_a_timeframe_outside_the_plan_or_no_gcm(strategy, measure):
    complete_activity(measure, "1.1.1.1")
    retired = ActivityFactory(measure=measure, code="1.1.1.2", lead=InstitutionFactory(code="OLD", is_active=False))
    retired.gcm_objectives.add(gcm(3))
    ActivityBudgetFactory(activity=retired, amount=Decimal(0))  # a zero line is no cost
    late = complete_activity(measure, "1.1.1.3", start_year=2027, end_year=2028)  # the plan is 2024-2026
    ActivityFactory(measure=measure, code="1.1.1.4", lead=InstitutionFactory(code="MPB"))  # no GCM, no cost

    gaps = quality.check(strategy)

    assert reasons(gaps, "activity") == [
        ("1.1.1.2", "inactive_lead"), ("1.1.1.2", "no_cost"),
        ("1.1.1.3", "timeframe"),
        ("1.1.1.4", "no_cost"), ("1.1.1.4", "no_gcm"),
    ]  # fmt: skip
    timeframe = next(gap for gap in gaps if gap.reason == "timeframe")
    assert timeframe.url == reverse("strategy:activity", args=[strategy.code, late.pk])
    assert "2024–2026" in timeframe.message


def test_an_activity_takes_the_gcm_objectives_of_its_measure(strategy, measure):
    measure.gcm_objectives.add(gcm(7))
    ActivityFactory(measure=measure, code="1.1.1.1", lead=InstitutionFactory(code="MPB"))
    assert "no_gcm" not in {gap.reason for gap in quality.check(strategy)}


def test_indicators_without_baseline_target_data_source_or_owner(strategy, measure):
    complete_indicator(measure, "1.1.1.a")
    indicator = IndicatorFactory(result=measure, code="1.1.1.b", baseline=None, data_source_en=" ", responsible=None)

    gaps = quality.check(strategy)

    assert reasons(gaps, "indicator") == [
        ("1.1.1.b", "no_baseline"), ("1.1.1.b", "no_data_source"), ("1.1.1.b", "no_owner"), ("1.1.1.b", "no_target"),
    ]  # fmt: skip
    assert {gap.url for gap in gaps if gap.kind == "indicator"} == {
        reverse("strategy:indicator", args=[strategy.code, indicator.pk])
    }


def test_measures_without_an_indicator_of_their_own(strategy, measure):
    other = MeasureFactory(parent=measure.parent, code="1.1.2")
    complete_indicator(measure, "1.1.1.a")
    complete_indicator(measure.parent, "1.1.a")  # on the objective: does not count for its measures

    gaps = [gap for gap in quality.check(strategy) if gap.kind == "measure"]

    assert [(gap.code, gap.reason) for gap in gaps] == [("1.1.2", "no_indicator")]
    assert gaps[0].url == reverse("strategy:result", args=[strategy.code, other.pk])


def test_gcm_objectives_the_plan_does_not_touch(strategy, measure):
    for number in range(1, 24):
        gcm(number)
    measure.gcm_objectives.add(gcm(2))
    complete_activity(measure, "1.1.1.1")  # GCM 3
    untouched = [int(gap.code) for gap in quality.check(strategy) if gap.kind == "gcm"]
    assert untouched == [n for n in GcmObjective.objects.order_by("number").values_list("number", flat=True)
                         if n not in (2, 3)]  # fmt: skip
    assert 1 in untouched and 23 in untouched


def test_the_check_runs_the_same_number_of_queries_for_a_small_and_a_bigger_plan(strategy, django_assert_num_queries):
    add_activities(strategy, 2)
    add_indicators(strategy, 2)
    with django_assert_num_queries(6):
        small = quality.check(strategy)
    add_activities(strategy, 30)
    add_indicators(strategy, 20)
    with django_assert_num_queries(6):
        quality.check(strategy)
    assert small


def test_the_quality_page_links_each_gap_to_its_item(strategy, measure, viewer, client_for):
    activity = ActivityFactory(measure=measure, code="1.1.1.1", lead=InstitutionFactory(code="MPB"))
    page = client_for(viewer).get(reverse("consultation:quality", args=[strategy.code]))
    assert page.status_code == 200
    content = page.content.decode()
    assert reverse("strategy:activity", args=[strategy.code, activity.pk]) in content
    assert reverse("strategy:result", args=[strategy.code, measure.pk]) in content
    assert "It has no cost" in content


def test_the_versions_page_shows_the_number_of_gaps(strategy, measure, coordinator, client_for):
    ActivityFactory(measure=measure, code="1.1.1.1", lead=InstitutionFactory(code="MPB"))
    expected = len(quality.check(strategy))
    page = client_for(coordinator).get(reverse("consultation:versions", args=[strategy.code]))
    assert f"Quality check: {expected} gaps" in page.content.decode()


def test_another_countrys_quality_check_answers_404(coordinator, client_for):
    foreign = StrategyFactory(code="XK-NSM", country="XK")
    assert client_for(coordinator).get(reverse("consultation:quality", args=[foreign.code])).status_code == 404
