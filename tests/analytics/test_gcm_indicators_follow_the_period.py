"""The GCM alignment page counts indicators for the chosen period, as it counts activities (issue 16, item 5).

An activity is in a period when its timeframe overlaps it; an indicator when it has a target for one of the period's
years. The whole action plan (2024-2026, the page's default) counts the indicators with a target in any of its years.

A plan of its own, counted by hand: measure M1 tagged GCM 1, measure M4 tagged GCM 4; no report is needed (the
counts read the plan, not the reports).
"""

import re
from html import unescape

import pytest
from django.urls import reverse

from nsm.analytics.alignment import gcm_alignment
from nsm.analytics.groups import Filters
from nsm.analytics.periods import Period
from nsm.reference.models import GcmObjective
from tests.factories import ActivityFactory, IndicatorFactory, IndicatorTargetFactory, MeasureFactory

# name: (GCM objective of its measure, first year, last year)
ACTIVITIES = {"a1": (1, 2024, 2024), "a2": (1, 2025, 2026), "a3": (4, 2026, 2026)}
# name: (GCM objective of its measure, the years it has a target for)
INDICATORS = {"i1": (1, (2024, 2025)), "i2": (1, (2026,)), "i3": (1, ()), "i4": (4, (2024,))}
PLAN = (2024, 2026)


def hand_count(first: int, last: int) -> dict[int, tuple[int, int]]:
    """GCM objective -> (activities, indicators) in the years first..last, counted in plain Python."""
    return {
        gcm: (
            sum(1 for g, start, end in ACTIVITIES.values() if g == gcm and start <= last and end >= first),
            sum(1 for g, years in INDICATORS.values() if g == gcm and any(first <= y <= last for y in years)),
        )
        for gcm in (1, 4)
    }


@pytest.fixture
def small_plan(strategy):
    gcm = {objective.number: objective for objective in GcmObjective.objects.filter(number__in=(1, 4))}
    measures = {number: MeasureFactory(parent__parent__strategy=strategy) for number in gcm}
    for number, measure in measures.items():
        measure.gcm_objectives.add(gcm[number])
    for number, first, last in ACTIVITIES.values():
        ActivityFactory(measure=measures[number], start_year=first, start_quarter=1, end_year=last, end_quarter=4)
    for number, years in INDICATORS.values():
        indicator = IndicatorFactory(result=measures[number])
        for year in years:
            IndicatorTargetFactory(indicator=indicator, year=year)
    return strategy


def shown(html: str, number: int) -> tuple[int, int]:
    """(activities, indicators) in the page's table row of GCM objective `number`."""
    row = re.search(rf'<span class="nsm-code fw-semibold">{number}\.</span>.*?</tr>', html, re.S)
    assert row, number
    cells = re.findall(r'<td class="nsm-num">(.*?)</td>', row.group(0), re.S)
    activities, indicators = (int(unescape(re.sub(r"<[^>]+>", "", cell)).strip()) for cell in cells[:2])
    return activities, indicators


def test_the_hand_count_differs_from_year_to_year():
    assert hand_count(2024, 2024) == {1: (1, 1), 4: (0, 1)}
    assert hand_count(2025, 2025) == {1: (1, 1), 4: (0, 0)}
    assert hand_count(2026, 2026) == {1: (1, 1), 4: (1, 0)}
    assert hand_count(*PLAN) == {1: (2, 2), 4: (1, 1)}  # i3, without a target, is in no period


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_the_gcm_page_counts_the_indicators_of_the_chosen_year(small_plan, client_for, secretariat, year):
    response = client_for(secretariat).get(reverse("tracking:gcm", args=[small_plan.code]), {"period": str(year)})
    assert response.status_code == 200
    assert response.context["period"] == Period.year(year)
    html = response.content.decode()
    expected = hand_count(year, year)
    assert {number: shown(html, number) for number in expected} == expected
    rows = {row.number: row for row in gcm_alignment(Filters.of(small_plan), Period.year(year)).objectives}
    assert {number: (rows[number].activities, rows[number].indicators) for number in expected} == expected


def test_the_gcm_page_counts_the_indicators_of_the_whole_plan_by_default(small_plan, client_for, secretariat):
    response = client_for(secretariat).get(reverse("tracking:gcm", args=[small_plan.code]))
    assert response.context["whole_plan"] is True
    expected = hand_count(*PLAN)
    assert {number: shown(response.content.decode(), number) for number in expected} == expected


def test_an_objective_whose_indicators_are_due_in_other_years_is_flagged_in_this_one(small_plan):
    rows = {row.number: row for row in gcm_alignment(Filters.of(small_plan), Period.year(2025)).objectives}
    assert rows[4].no_indicator and rows[4].no_activity
    rows = {row.number: row for row in gcm_alignment(Filters.of(small_plan), Period.year(2026)).objectives}
    assert rows[4].no_indicator and not rows[4].no_activity
