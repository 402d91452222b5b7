"""The roll-ups follow a plan of any shape (issue 15, item 1): two to five levels, the activities on the last.

Each plan is built through the services, so that the codes and depths are the ones a user makes; the expected
figures are counted by hand from the plan's own tree, in plain Python.
"""

import pytest

from nsm.analytics.alignment import gcm_alignment
from nsm.analytics.groups import Filters
from nsm.analytics.implementation import implementation
from nsm.analytics.indicators import achievement
from nsm.analytics.periods import Period
from nsm.reference.models import GcmObjective, SdgTarget
from nsm.strategy import services
from nsm.strategy.models import Result
from tests.factories import IndicatorFactory, IndicatorTargetFactory, InstitutionFactory, StrategyFactory

NAMES = ["Pillar", "Objective", "Output", "Sub-output", "Activity"]


def build(levels: int, coordinator, *, per_result: int = 2) -> tuple:
    """A plan of `levels` levels: two first-level results, `per_result` children under each result, two activities
    under each result of the last level of results. Returns (strategy, first-level results, activities)."""
    strategy = StrategyFactory(
        code=f"SHAPE-{levels}", levels=[{"en": name, "sq": name} for name in NAMES[: levels - 1] + ["Activity"]]
    )
    lead = InstitutionFactory()
    tops = [services.create_result(strategy=strategy, parent=None, by=coordinator, title_en=f"Top {n}") for n in (1, 2)]
    layer = tops
    for _depth in range(2, levels):
        layer = [
            services.create_result(strategy=strategy, parent=parent, by=coordinator, title_en="Child")
            for parent in layer
            for _n in range(per_result)
        ]
    activities = [
        services.create_activity(
            measure=parent, by=coordinator, title_en="Act", lead=lead, start_year=2024, end_year=2024
        )
        for parent in layer
        for _n in range(2)
    ]
    return strategy, tops, activities


@pytest.mark.parametrize("levels", [2, 3, 4, 5])
def test_implementation_by_first_level_counts_every_activity_under_it(levels, coordinator):
    strategy, tops, activities = build(levels, coordinator)
    assert {activity.code.count(".") + 1 for activity in activities} == {levels}
    result = implementation(Filters.of(strategy), Period.year(2024), "goal")
    per_top = {row.key: row.activities for row in result.rows}
    by_hand = {top.pk: sum(1 for a in activities if a.code.split(".")[0] == top.code) for top in tops}
    assert per_top == by_hand
    assert result.total.activities == len(activities)
    narrowed = implementation(Filters.of(strategy, goal=tops[1]), Period.year(2024)).total
    assert narrowed.activities == by_hand[tops[1].pk]


@pytest.mark.parametrize("levels", [2, 3, 4, 5])
def test_grouping_by_objective_is_the_second_level_or_nothing(levels, coordinator):
    strategy, _tops, activities = build(levels, coordinator)
    rows = implementation(Filters.of(strategy), Period.year(2024), "objective").rows
    if levels == 2:  # no second level of results: no group
        assert rows == ()
        return
    second = Result.objects.filter(strategy=strategy, depth=2)
    by_hand = {r.pk: sum(1 for a in activities if a.code.startswith(r.code + ".")) for r in second}
    assert {row.key: row.activities for row in rows} == by_hand


@pytest.mark.parametrize("levels", [2, 5])
def test_a_gcm_objective_and_an_sdg_target_of_a_first_level_result_reach_the_activities_under_it(levels, coordinator):
    strategy, tops, activities = build(levels, coordinator)
    gcm = GcmObjective.objects.get(number=19)
    tops[0].gcm_objectives.add(gcm)
    tops[0].sdg_targets.add(SdgTarget.objects.get(code="10.7"))
    under_first = sum(1 for a in activities if a.code.split(".")[0] == tops[0].code)
    by_gcm = {row.key: row.activities for row in implementation(Filters.of(strategy), Period.year(2024), "gcm").rows}
    assert by_gcm[gcm.pk] == under_first
    by_sdg = implementation(Filters.of(strategy), Period.year(2024), "sdg").rows
    assert [row.activities for row in by_sdg if row.key is not None] == [under_first]
    alignment = gcm_alignment(Filters.of(strategy), Period.year(2024))
    assert next(row for row in alignment.objectives if row.number == 19).activities == under_first
    narrowed = implementation(Filters.of(strategy, gcm=gcm), Period.year(2024)).total
    assert narrowed.activities == under_first


@pytest.mark.parametrize("levels", [2, 5])
def test_indicators_of_any_level_are_narrowed_to_their_first_level_result(levels, coordinator):
    strategy, tops, _activities = build(levels, coordinator)
    deepest = Result.objects.filter(strategy=strategy, depth=levels - 1, code__startswith=tops[1].code).first()
    indicators = [IndicatorFactory(result=result, strategy=strategy) for result in (tops[0], deepest)]
    for indicator in indicators:
        IndicatorTargetFactory(indicator=indicator, year=2024)
    items = achievement(Filters.of(strategy, goal=tops[1]), Period.year(2024))
    assert [item.indicator_id for item in items] == [indicators[1].pk]
