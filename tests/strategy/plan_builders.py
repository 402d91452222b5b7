"""Plans of any size for the strategy tests: every activity costed, tagged and partnered like a real one."""

from decimal import Decimal

from nsm.accounts.models import Institution
from nsm.reference.models import DisaggregationDimension, GcmObjective, TargetGroup
from nsm.strategy.models import ActivityBudget, Result, Strategy
from tests.factories import (
    ActivityBudgetFactory,
    ActivityFactory,
    GoalFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    InstitutionFactory,
    MeasureFactory,
    ObjectiveFactory,
)


def gcm(number: int) -> GcmObjective:
    found, _created = GcmObjective.objects.get_or_create(number=number, defaults={"title_en": f"Objective {number}"})
    return found


def institution(code: str) -> Institution:
    return InstitutionFactory(code=code)


def measures(strategy: Strategy, count: int) -> list[Result]:
    """`count` measures, under as many goals as needed (two objectives a goal, two measures each)."""
    found = list(Result.objects.filter(strategy=strategy, depth=3).order_by("sort_key"))
    while len(found) < count:
        goal = GoalFactory(
            strategy=strategy, code=str(Result.objects.filter(strategy=strategy, parent=None).count() + 1)
        )
        for o in (1, 2):
            objective = ObjectiveFactory(parent=goal, code=f"{goal.code}.{o}")
            for m in (1, 2):
                measure = MeasureFactory(parent=objective, code=f"{objective.code}.{m}")
                measure.gcm_objectives.add(gcm(2))
                found.append(measure)
    return found[:count]


def add_activities(strategy: Strategy, count: int) -> None:
    """Add `count` activities spread over eight measures, each with a partner, a tag and two budget lines."""
    targets = measures(strategy, 8)
    leads = [institution(code) for code in ("MPB", "AKPA", "INSTAT", "MEPJ")]
    group = TargetGroup.objects.order_by("pk").first()
    for index in range(count):
        measure = targets[index % len(targets)]
        number = measure.activities.count() + 1
        activity = ActivityFactory(measure=measure, code=f"{measure.code}.{number}", lead=leads[index % 4])
        activity.partners.add(leads[(index + 1) % 4])
        if index % 2:
            activity.gcm_objectives.add(gcm(5))
        if group:
            activity.target_groups.add(group)
        ActivityBudgetFactory(activity=activity, year=2024, amount=Decimal("1000"))
        ActivityBudgetFactory(activity=activity, year=2025, source=ActivityBudget.Source.UNFUNDED, amount=Decimal(500))


def add_indicators(strategy: Strategy, count: int) -> None:
    """Add `count` indicators on the plan's measures, each with two targets and a disaggregation."""
    targets = measures(strategy, 8)
    dimension = DisaggregationDimension.objects.order_by("pk").first()
    start = strategy.indicators.count()
    for index in range(count):
        indicator = IndicatorFactory(
            result=targets[index % 8], code=f"I.{start + index + 1}", responsible=institution("INSTAT")
        )
        if dimension:
            indicator.disaggregation.add(dimension)
        IndicatorTargetFactory(indicator=indicator, year=2025, value=Decimal(120))
        IndicatorTargetFactory(indicator=indicator, year=2026, value=Decimal(150))
