"""`nsm rebuild-rollups` writes the figures kept at approval again from the approved reports."""

import io

import pytest
from django.core.management import CommandError, call_command

from nsm.monitoring import services
from nsm.monitoring.models import ActivityStanding, IndicatorStanding, ProgressReport
from tests.monitoring.conftest import fill


def kept():
    return (
        set(ActivityStanding.objects.values_list("activity_id", "line_id", "from_q", "until_q", "status")),
        set(IndicatorStanding.objects.values_list("indicator_id", "cycle_id", "report_id", "category_id", "value")),
    )


def test_approval_keeps_the_figures_and_the_command_writes_them_again(focal_point, secretariat, report):
    report = fill(report, focal_point)
    services.submit_report(report, by=focal_point)
    services.approve_report(ProgressReport.objects.get(pk=report.pk), by=secretariat)
    written = kept()
    assert len(written[0]) == report.activity_lines.count()
    assert len(written[1]) == report.indicator_values.count()
    ActivityStanding.objects.all().delete()  # as if the data had been changed behind the platform's back
    IndicatorStanding.objects.filter(category=None).delete()
    out = io.StringIO()
    call_command("rebuild-rollups", stdout=out)
    assert kept() == written
    assert f"{len(written[0])} activity standings" in out.getvalue()
    call_command("rebuild-rollups", strategy=report.cycle.strategy.code, stdout=io.StringIO())
    assert kept() == written


def test_reopening_takes_the_figures_away(focal_point, secretariat, report):
    report = fill(report, focal_point)
    services.submit_report(report, by=focal_point)
    approved = services.approve_report(ProgressReport.objects.get(pk=report.pk), by=secretariat)
    services.reopen_report(approved, by=secretariat, reason="A correction.")
    assert kept() == (set(), set())


def test_an_unknown_strategy_is_refused_in_words(db):
    with pytest.raises(CommandError, match="There is no strategy NOPE"):
        call_command("rebuild-rollups", strategy="NOPE")
