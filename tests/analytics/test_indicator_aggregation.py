"""A year's figure of an indicator reported each half-year follows what the indicator counts (issue 16, item 5).

A flow (people trained) adds its half-years up; a level (a share, a number in place) and a running total take the
latest value. Before, every indicator took the latest, so a flow's year was its second half alone. The figures are
counted by hand below, from the values the focal point reported.
"""

import datetime

import pytest
from django.utils import timezone

from nsm.analytics.groups import Filters
from nsm.analytics.indicators import achievement
from nsm.analytics.periods import Period
from nsm.strategy.models import Indicator
from tests.analytics.conftest import file_report, open_half_year, report_of, sex_categories, value
from tests.factories import IndicatorFactory, IndicatorTargetFactory, InstitutionFactory, MeasureFactory

H1, H2 = 120, 80  # the two half-years' totals
H1_WOMEN, H2_WOMEN = 70, 30


@pytest.fixture
def reported(strategy, secretariat, focal_point):
    """Three half-yearly indicators of MSHMS, one per way of adding up, each reported 120 then 80 in 2024 (approved)."""
    mshms = InstitutionFactory(code="MSHMS")
    measure = MeasureFactory(parent__parent__strategy=strategy)
    female, male = sex_categories()
    indicators = {}
    for aggregation in Indicator.Aggregation.values:
        indicator = IndicatorFactory(
            result=measure, strategy=strategy, responsible=mshms, frequency="semiannual", aggregation=aggregation,
            baseline=0, baseline_year=2023,
        )  # fmt: skip
        indicator.disaggregation.add(female.dimension)
        IndicatorTargetFactory(indicator=indicator, year=2024, value=400)
        indicators[aggregation] = indicator
    today = timezone.localdate()
    for half, total, women in ((1, H1, H1_WOMEN), (2, H2, H2_WOMEN)):
        cycle = open_half_year(strategy, secretariat, 2024, half, opens_on=today, due_on=today + datetime.timedelta(9))
        cells = {female.pk: women, male.pk: total - women}
        values = [value(indicator, total, cells) for indicator in indicators.values()]
        file_report(report_of(cycle, "MSHMS"), focal_point, indicators=values, approve_by=secretariat)
    return indicators


def figures(strategy, period):
    return {item.indicator_id: item for item in achievement(Filters.of(strategy), period)}


def test_a_flow_adds_its_half_years_up_and_a_level_takes_the_latest(strategy, reported):
    year = figures(strategy, Period.year(2024))
    flow, stock, running = (reported[name].pk for name in ("flow", "stock", "cumulative"))
    assert year[flow].actual == H1 + H2 == 200
    assert year[stock].actual == H2 and year[running].actual == H2
    assert year[flow].progress == pytest.approx(50.0)  # 200 of the target 400, from 0
    assert {cell.label: cell.value for cell in year[flow].cells} == {
        "Female": H1_WOMEN + H2_WOMEN, "Male": H1 + H2 - H1_WOMEN - H2_WOMEN,
    }  # fmt: skip
    assert {cell.label: cell.value for cell in year[stock].cells} == {"Female": H2_WOMEN, "Male": H2 - H2_WOMEN}


def test_a_half_year_is_its_own_value_whatever_the_indicator(strategy, reported):
    first = figures(strategy, Period.half_year(2024, 1))
    assert {item.actual for item in first.values()} == {H1}
