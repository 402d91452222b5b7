"""The figures kept at approval (nsm.monitoring.kept) agree with a computation from the reports themselves, after any
sequence of plan edits, withdrawals, restorations, submissions, returns, approvals and reopenings (the state machine
of test_approved_figures_survive):

- the tables kept step by step are exactly what `rebuild` writes from scratch;
- every activity's status and every indicator's actual in every period of the plan, as the roll-ups read them from
  the kept tables, are what plain Python computes from the approved lines and values by the rule of the roll-ups.
"""

from collections import defaultdict
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis.stateful import invariant, run_state_machine_as_test

from nsm.analytics.groups import Filters
from nsm.analytics.implementation import activity_lines, activity_statuses
from nsm.analytics.indicators import achievement_over
from nsm.analytics.periods import Period, periods_of
from nsm.monitoring import kept
from nsm.monitoring.models import ActivityProgress, ActivityStanding, IndicatorStanding, IndicatorValue
from nsm.strategy.models import Activity, Indicator
from tests.analytics.test_approved_figures_survive import ApprovedFiguresSurvive

HALF_RANK = {1: 1, 2: 2, 0: 3}


def quarters(year, half):
    return year * 10 + (3 if half == 2 else 1), year * 10 + (2 if half == 1 else 4)


def kept_rows(strategy_id):
    activities = ActivityStanding.objects.filter(strategy_id=strategy_id).values_list(
        "activity_id", "line_id", "from_q", "until_q", "status", "percent_complete"
    )
    indicators = IndicatorStanding.objects.filter(strategy_id=strategy_id).values_list(
        "indicator_id", "cycle_id", "report_id", "category_id", "value", "first_q", "last_q", "rank"
    )
    return set(activities), set(indicators)


def expected_statuses(strategy, periods):
    """(activity, period) -> status, by the rule: the approved line with a status of the cycle that ends last by the
    period's end (a year before its second half, then the later cycle and report); withdrawn by then unless completed;
    not reported without such a line. For every activity whose timeframe overlaps the period."""
    lines = list(
        ActivityProgress.objects.filter(report__cycle__strategy=strategy, report__status="approved")
        .exclude(status="")
        .values_list(
            "activity_id", "status", "report_id", "report__cycle_id", "report__cycle__year", "report__cycle__half"
        )
    )
    result = {}
    for activity in Activity.objects.filter(strategy=strategy):
        first = activity.start_year * 10 + (activity.start_quarter or 1)
        last = activity.end_year * 10 + (activity.end_quarter or 4)
        withdrawn = None
        if activity.withdrawn_on is not None:
            withdrawn = activity.withdrawn_on.year * 10 + (activity.withdrawn_on.month + 2) // 3
        for period in periods:
            if first > period.last_quarter or last < period.first_quarter:
                continue
            candidates = [
                (quarters(year, half)[1], HALF_RANK[half], cycle, report, status)
                for pk, status, report, cycle, year, half in lines
                if pk == activity.pk and quarters(year, half)[1] <= period.last_quarter
            ]
            status = max(candidates)[4] if candidates else "not_reported"
            if withdrawn is not None and withdrawn <= period.last_quarter and status != "completed":
                status = "withdrawn"
            result[(activity.pk, period)] = status
    return result


def expected_actuals(strategy, periods):
    """(indicator, period) -> actual: per cycle within the period, the total of its latest approved report that gives
    one; a level or running total takes the latest cycle's, a flow the sum per year of the year's cycle or else of
    its halves."""
    totals = defaultdict(dict)  # indicator -> cycle -> (report, total, year, half)
    for indicator, report, cycle, year, half, value in IndicatorValue.objects.filter(
        report__cycle__strategy=strategy, report__status="approved", category=None, value__isnull=False
    ).values_list(
        "indicator_id", "report_id", "report__cycle_id", "report__cycle__year", "report__cycle__half", "value"
    ):
        if report > totals[indicator].get(cycle, (0,))[0]:
            totals[indicator][cycle] = (report, value, year, half)
    result = {}
    for indicator in Indicator.objects.filter(strategy=strategy):
        for period in periods:
            within = [
                (cycle, *found)
                for cycle, found in totals[indicator.pk].items()
                if quarters(found[2], found[3])[0] >= period.first_quarter
                and quarters(found[2], found[3])[1] <= period.last_quarter
            ]
            if not within:
                result[(indicator.pk, period)] = None
            elif indicator.aggregation == Indicator.Aggregation.FLOW:
                by_year = defaultdict(dict)
                for _cycle, _report, value, year, half in within:
                    by_year[year][half] = value
                result[(indicator.pk, period)] = sum(
                    (halves[0] if 0 in halves else sum(halves.values(), Decimal(0)) for halves in by_year.values()),
                    Decimal(0),
                )
            else:
                latest = max(within, key=lambda item: (quarters(item[3], item[4])[1], HALF_RANK[item[4]], item[0]))
                result[(indicator.pk, period)] = latest[2]
    return result


class KeptFiguresAgree(ApprovedFiguresSurvive):
    @invariant()
    def kept_step_by_step_is_what_a_rebuild_writes(self):
        before = kept_rows(self.strategy.pk)
        kept.rebuild([self.strategy.pk])
        assert kept_rows(self.strategy.pk) == before

    @invariant()
    def roll_ups_agree_with_the_reports(self):
        periods = [*periods_of(self.strategy), Period.span(self.strategy.plan_start_year, self.strategy.plan_end_year)]
        filters = Filters(strategy_id=self.strategy.pk)
        statuses = expected_statuses(self.strategy, periods)
        assert activity_statuses(filters, periods) == statuses
        for period in periods:  # one line per activity in the period, with its status
            lines = sorted((line.activity_id, line.status) for line in activity_lines(filters, period))
            assert lines == sorted((pk, status) for (pk, at), status in statuses.items() if at == period)
        found = {
            (item.indicator_id, period): item.actual
            for period, items in achievement_over(filters, periods, cells=False).items()
            for item in items
        }
        expected = expected_actuals(self.strategy, periods)
        assert found == {
            key: (None if value is None else Decimal(value).normalize()) for key, value in expected.items()
        }


def test_kept_figures_agree_with_the_reports(approved_plan):
    run_state_machine_as_test(
        lambda: KeptFiguresAgree(approved_plan),
        settings=settings(
            max_examples=40,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            database=None,
        ),
    )
