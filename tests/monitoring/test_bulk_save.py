"""A report save writes in bulk (issue 16, item 3): one update and one insert of history rows per model, whatever
the report's size, each changed line with exactly its one history row, recorded as the user's."""

from dataclasses import replace

from django.db import connection
from django.test.utils import CaptureQueriesContext

from nsm.monitoring import services
from nsm.monitoring.models import ActivityProgress, IndicatorValue, ProgressReport
from tests.factories import StrategyFactory
from tests.monitoring.conftest import build_plan, complete_inputs, open_half_year

MOST_QUERIES = 15  # issue 16: a report's save in at most 15 queries, whatever its size


def _report(code: str, activities: int, secretariat) -> ProgressReport:
    strategy = StrategyFactory(code=code)
    build_plan(strategy, ["MSHMS"], activities_each=activities)
    cycle = open_half_year(strategy, secretariat)
    return ProgressReport.objects.get(cycle=cycle)


def _save_counting(report: ProgressReport, user) -> int:
    activities, indicators = complete_inputs(report)
    with CaptureQueriesContext(connection) as queries:
        changed = services.save_report(
            report, by=user, version=report.version, activities=activities, indicators=indicators
        )
    assert changed == len(activities) + sum(1 + len(line.cells) for line in indicators)
    return len(queries)


def test_a_save_runs_as_many_queries_for_forty_lines_as_for_two(secretariat, focal_point):
    small = _save_counting(_report("AL-BULK-2", 2, secretariat), focal_point)
    large = _save_counting(_report("AL-BULK-40", 40, secretariat), focal_point)
    assert small == large <= MOST_QUERIES


def test_each_changed_line_gets_one_history_row_as_the_users_and_unchanged_lines_none(secretariat, focal_point):
    report = _report("AL-BULK-H", 3, secretariat)
    activities, indicators = complete_inputs(report)
    services.save_report(report, by=focal_point, version=report.version, activities=activities, indicators=indicators)
    lines = list(ActivityProgress.objects.filter(report=report))
    assert [line.history.count() for line in lines] == [2, 2, 2]  # created with the cycle, then this save
    assert {line.history.first().history_user for line in lines} == {focal_point}
    assert {line.history.first().status for line in lines} == {"on_track"}
    report.refresh_from_db()
    first = activities[0]
    again = [replace(first, narrative_sq="Changed once.")]
    services.save_report(report, by=focal_point, version=report.version, activities=again + activities[1:])
    counts = {line.activity_id: line.history.count() for line in ActivityProgress.objects.filter(report=report)}
    assert counts == {first.activity_id: 3} | {line.activity_id: 2 for line in activities[1:]}
    assert all(value.history.count() == 2 for value in IndicatorValue.objects.filter(report=report))
