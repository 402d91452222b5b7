"""Every figure of the demo's dashboard counted by hand (issue 16, item 5): for each year and half-year of each demo
strategy, plain Python over the approved reports and the plan computes each activity's status, the implementation
counts and rate, each indicator's actual and the budget (planned by source, spent, the funding gap), and the roll-ups
that the pages and documents show must say the same."""

from collections import Counter, defaultdict
from decimal import Decimal

from nsm.analytics.budget import budget
from nsm.analytics.groups import Filters
from nsm.analytics.implementation import implementation, percent
from nsm.analytics.indicators import achievement
from nsm.analytics.periods import periods_of
from nsm.monitoring.models import ActivityProgress, ReportingCycle
from nsm.strategy.models import Activity, ActivityBudget, Strategy
from tests.analytics.test_kept_figures_agree import expected_actuals, expected_statuses, quarters

ZERO = Decimal("0.00")


def implementation_by_hand(strategy, period, statuses):
    """Due and ongoing activities by status, and the rate completed / (due - cancelled - withdrawn)."""
    due, ongoing = Counter(), Counter()
    for activity in Activity.objects.filter(strategy=strategy):
        if (activity.pk, period) not in statuses:
            continue
        last = activity.end_year * 10 + (activity.end_quarter or 4)
        (due if last <= period.last_quarter else ongoing)[statuses[(activity.pk, period)]] += 1
    rate = percent(due["completed"], sum(due.values()) - due["cancelled"] - due["withdrawn"])
    return due, ongoing, rate


def budget_by_hand(strategy, period):
    """Planned by source for the period's years; spent on approved lines of cycles within the period, a year cycle
    left out when its year is reported in half-years."""
    planned = defaultdict(lambda: ZERO)
    for line in ActivityBudget.objects.filter(
        activity__strategy=strategy, year__gte=period.first_year, year__lte=period.last_year
    ):
        planned[line.source] += line.amount
    halves = set(ReportingCycle.objects.filter(strategy=strategy, kind="half_year").values_list("year", flat=True))
    spent = ZERO
    for line in ActivityProgress.objects.filter(
        report__cycle__strategy=strategy, report__status="approved"
    ).select_related("report__cycle"):
        cycle = line.report.cycle
        first, last = quarters(cycle.year, cycle.half)
        if first < period.first_quarter or last > period.last_quarter:
            continue
        if cycle.kind == "year" and cycle.year in halves:
            continue
        spent += sum((amount or ZERO for amount in (line.spent_state_budget, line.spent_donor, line.spent_other)), ZERO)
    return planned, spent


def test_every_figure_of_the_demo_is_what_a_count_by_hand_gives(demo):
    checked, seen = 0, Counter()
    for strategy in Strategy.objects.all():
        filters = Filters(strategy_id=strategy.pk)
        periods = periods_of(strategy)
        statuses = expected_statuses(strategy, periods)
        actuals = expected_actuals(strategy, periods)
        for period in periods:
            due, ongoing, rate = implementation_by_hand(strategy, period, statuses)
            rolled = implementation(filters, period).total
            assert {k: v for k, v in rolled.due.items() if v} == dict(+due), (strategy.code, period)
            assert {k: v for k, v in rolled.ongoing.items() if v} == dict(+ongoing), (strategy.code, period)
            assert rolled.rate == rate
            found = {item.indicator_id: item.actual for item in achievement(filters, period, cells=False)}
            assert found == {
                pk: (None if value is None else Decimal(value).normalize())
                for (pk, at), value in actuals.items()
                if at == period
            }, (strategy.code, period)
            planned, spent = budget_by_hand(strategy, period)
            total = budget(filters, period).total
            assert (total.planned_state_budget, total.planned_donor, total.planned_other, total.unfunded) == (
                planned["state_budget"], planned["donor"], planned["other"], planned["unfunded"],
            ), (strategy.code, period)  # fmt: skip
            assert total.spent == spent, (strategy.code, period)
            checked += 1
            seen["rate"] += rate is not None
            seen["actual"] += any(value is not None for value in found.values())
            seen["spent"] += spent > 0
    assert checked >= 2 * 3  # two demo strategies, at least a year and its halves each
    assert seen["rate"] and seen["actual"] and seen["spent"]  # figures, not only empty periods, were compared
