"""`nsm generate`: synthetic benchmark data of the declared shape, valid by the models' and monitoring's rules."""

import dataclasses
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import call_command

from nsm.accounts.models import Institution
from nsm.core.codes import sort_key
from nsm.demo import generate as generator
from nsm.demo.generate import COUNTRIES, NATIONAL_CODE, SCALES, Scale, generate
from nsm.monitoring import selectors
from nsm.monitoring.models import ActivityProgress, IndicatorValue, ProgressReport, ReportingCycle
from nsm.reference.models import GcmObjective
from nsm.strategy.models import Activity, ActivityBudget, Indicator, IndicatorTarget, Result, Strategy
from tests.factories import StrategyFactory

SMALL = Scale(
    strategies=2,
    goals=2,
    objectives_per_goal=2,
    measures_per_goal=3,
    activities=14,
    indicators=15,
    institutions=6,
    first_year=2024,
    last_year=2026,
)
Status = ActivityProgress.Status


@pytest.fixture
def small(db) -> dict[str, int]:
    return generate(SMALL, seed=7)


def test_national_scale_has_the_issues_numbers():
    national = SCALES["national"]
    assert (national.strategies, national.goals, national.objectives, national.measures) == (1, 8, 24, 80)
    assert (national.activities, national.indicators, national.cycles, national.institutions) == (600, 200, 14, 40)
    assert national.code(0) == NATIONAL_CODE == "BENCH-XA-2024-2030"


def test_multi_scale_is_fifty_national_strategies_in_unused_countries():
    multi = SCALES["multi"]
    assert dataclasses.replace(multi, strategies=1) == SCALES["national"]
    assert multi.codes()[0] == NATIONAL_CODE
    assert len(set(multi.codes())) == 50
    assert len(set(COUNTRIES)) >= 50
    assert not {"AL", "XK", "QA"} & set(COUNTRIES)


def test_generate_creates_the_declared_shape(small):
    strategies = Strategy.objects.filter(code__in=SMALL.codes())
    assert sorted(strategies.values_list("code", flat=True)) == ["BENCH-XA-2024-2026", "BENCH-XB-2024-2026"]
    for strategy in strategies:
        results = Result.objects.filter(strategy=strategy)
        assert results.filter(depth=1).count() == 2
        assert results.filter(depth=2).count() == 4
        assert results.filter(depth=3).count() == 6
        assert Activity.objects.filter(strategy=strategy).count() == 14
        assert Indicator.objects.filter(strategy=strategy).count() == 15
        assert ReportingCycle.objects.filter(strategy=strategy).count() == 6
        assert IndicatorTarget.objects.filter(indicator__strategy=strategy).count() == 15 * 3
        assert Institution.objects.filter(country=strategy.country).count() == 6
        leads = Activity.objects.filter(strategy=strategy).values_list("lead__country", flat=True)
        assert set(leads) == {strategy.country}
    assert small["activity"] == 28
    assert small["indicator value"] == IndicatorValue.objects.count()


def test_every_row_passes_the_models_validation(small):
    for model in (Strategy, Result, Activity, ActivityBudget, Indicator, IndicatorTarget, ReportingCycle):
        for row in model.objects.all():
            row.full_clean()
    for result in Result.objects.all():
        assert result.sort_key == sort_key(result.code)
    for activity in Activity.objects.select_related("measure"):
        assert activity.code.rpartition(".")[0] == activity.measure.code
        assert activity.sort_key == sort_key(activity.code)
        assert (SMALL.first_year, 1) <= activity.start <= activity.end <= (SMALL.last_year, 4)


def test_budget_lines_cover_each_year_of_the_timeframe(small):
    years = defaultdict(set)
    for line in ActivityBudget.objects.all():
        years[line.activity_id].add(line.year)
        assert (line.source == ActivityBudget.Source.DONOR) == bool(line.donor)
    for activity in Activity.objects.all():
        assert years[activity.pk] == set(range(activity.start_year, activity.end_year + 1))


def test_reports_hold_the_lines_monitoring_would_open(small):
    """One line per activity under way and one cell per indicator due, in the report of its institution."""
    for cycle in ReportingCycle.objects.select_related("strategy"):
        expected_lines = {(a.lead_id, a.pk) for a in selectors.activities_in_period(cycle.strategy, cycle)}
        lines = set(ActivityProgress.objects.filter(report__cycle=cycle).values_list("report__institution", "activity"))
        assert lines == expected_lines
        expected_cells = {
            (i.responsible_id, i.pk, cell)
            for i in selectors.indicators_due(cycle.strategy, cycle)
            for cell in [None, *(c.pk for c in selectors.cells_of(i))]
        }
        cells = IndicatorValue.objects.filter(report__cycle=cycle).values_list(
            "report__institution", "indicator", "category"
        )
        assert set(cells) == expected_cells
        assert len(cells) == len(expected_cells)


def test_disaggregated_counts_add_up_to_the_total(small):
    totals, sums = {}, defaultdict(Decimal)
    values = IndicatorValue.objects.filter(indicator__value_type="number", value__isnull=False)
    for value in values.select_related("category"):
        if value.category is None:
            totals[value.report_id, value.indicator_id] = value.value
        else:
            sums[value.report_id, value.indicator_id, value.category.dimension_id] += value.value
    assert totals and sums
    for (report, indicator, _dimension), total in sums.items():
        assert total == totals[report, indicator]


def test_percent_complete_matches_the_status(small):
    lines = list(ActivityProgress.objects.values_list("status", "percent_complete"))
    for status, percent in lines:
        if status == Status.COMPLETED:
            assert percent == 100
        elif status == Status.NOT_STARTED:
            assert percent == 0
        elif status in (Status.ON_TRACK, Status.DELAYED):
            assert 0 < percent < 100
        elif status == "":
            assert percent is None
    assert {status for status, _p in lines} >= {Status.ON_TRACK, Status.COMPLETED}


def test_activities_complete_only_once_their_timeframe_ends(small):
    completed = ActivityProgress.objects.filter(status=Status.COMPLETED).select_related("activity", "report__cycle")
    for line in completed:
        assert line.report.cycle.quarters[1] >= line.activity.end


def test_past_cycles_are_closed_and_approved_the_last_two_open(small):
    cycles = list(ReportingCycle.objects.filter(strategy__code=SMALL.code(0)).order_by("year", "half"))
    assert [c.status for c in cycles] == ["closed"] * 4 + ["open"] * 2
    for report in ProgressReport.objects.filter(cycle__in=cycles[:4]):
        assert report.status == ProgressReport.Status.APPROVED
        assert report.first_saved_at <= report.submitted_at < report.approved_at
        assert report.submitted_late == (report.submitted_at.date() > report.cycle.due_on)


def test_some_gcm_objectives_have_no_activity(small):
    strategy = Strategy.objects.get(code=SMALL.code(0))
    served = set(Result.objects.filter(strategy=strategy).values_list("gcm_objectives", flat=True))
    served |= set(Activity.objects.filter(strategy=strategy).values_list("gcm_objectives", flat=True))
    assert GcmObjective.objects.exclude(pk__in=served).count() >= SMALL.gcm_gaps


def test_no_history_is_recorded(small):
    assert Strategy.history.count() == Activity.history.count() == ProgressReport.history.count() == 0
    assert IndicatorValue.history.count() == Institution.history.count() == 0


def test_running_again_is_a_no_op(small):
    rows = IndicatorValue.objects.count(), ActivityProgress.objects.count(), Institution.objects.count()
    out = io.StringIO()
    assert generate(SMALL, seed=7, stdout=out) == {}
    assert "already there" in out.getvalue()
    assert (IndicatorValue.objects.count(), ActivityProgress.objects.count(), Institution.objects.count()) == rows


def test_missing_strategies_of_a_scale_are_added_with_the_same_data(db):
    """The first strategy is the same whether made alone or with the others: one scale extends the other."""
    generate(dataclasses.replace(SMALL, strategies=1), seed=7)
    alone = _snapshot(SMALL.code(0))
    created = generate(SMALL, seed=7)
    assert created["strategy"] == 1
    assert _snapshot(SMALL.code(0)) == alone


def test_replace_deletes_the_bench_data_and_makes_it_again_identically(small):
    before = _snapshot(SMALL.code(1))
    other = StrategyFactory()
    out = io.StringIO()
    created = generate(SMALL, seed=7, stdout=out, replace=True)
    assert "Deleted the benchmark data: 2 strategies, 12 institutions." in out.getvalue()
    assert created["strategy"] == 2
    assert _snapshot(SMALL.code(1)) == before
    assert Strategy.objects.filter(pk=other.pk).exists()
    assert Strategy.history.exclude(pk__in=other.history.values("pk")).count() == 0


def test_command_prints_the_counts_and_is_idempotent(db, monkeypatch):
    monkeypatch.setitem(generator.SCALES, "national", dataclasses.replace(SMALL, strategies=1))
    out = io.StringIO()
    call_command("generate", "--scale", "national", stdout=out)
    text = out.getvalue()
    assert "BENCH-XA-2024-2026:" in text
    assert f"activity progress: {ActivityProgress.objects.count():,}" in text
    assert "Created" in text and "seconds" in text
    again = io.StringIO()
    call_command("generate", "--scale", "national", stdout=again)
    assert "nothing to do" in again.getvalue()


def _snapshot(code: str) -> tuple:
    """The generated content of one strategy, without primary keys."""
    strategy = Strategy.objects.get(code=code)
    return (
        list(Activity.objects.filter(strategy=strategy).values_list("code", "lead__code", "start_year", "end_year")),
        list(
            ActivityProgress.objects.filter(activity__strategy=strategy)
            .order_by("report__cycle__year", "report__cycle__half", "activity__sort_key")
            .values_list("activity__code", "status", "percent_complete", "spent_state_budget")
        ),
        list(
            IndicatorValue.objects.filter(indicator__strategy=strategy)
            .order_by("report__cycle__year", "report__cycle__half", "indicator__sort_key", "category__code")
            .values_list("indicator__code", "category__code", "value")
        ),
    )
