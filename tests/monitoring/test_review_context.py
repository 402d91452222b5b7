"""The review shows each line in its context: the latest approved figures of an earlier cycle, the progress of the
reported value towards the year's target, and, for a report submitted again after a return, what changed since."""

from decimal import Decimal

from nsm.monitoring import services
from nsm.monitoring.models import ProgressReport
from nsm.strategy.models import IndicatorTarget
from tests.monitoring.conftest import fill
from tests.monitoring.test_pages import REPORT_QUERIES, open_cycle_on, text_of, url


def test_the_next_cycle_shows_the_latest_approved_figures_and_the_progress(
    client_for, focal_point, secretariat, report
):
    report = fill(report, focal_point)
    line = report.activity_lines.select_related("activity").first()
    services.submit_report(report, by=focal_point)
    services.approve_report(ProgressReport.objects.get(pk=report.pk), by=secretariat)
    count = report.indicator_values.select_related("indicator").get(category=None, indicator__code="1.1.1.1").indicator
    IndicatorTarget.objects.create(indicator=count, year=2025, value=count.baseline + 20)
    later = ProgressReport.objects.get(
        cycle=open_cycle_on(report.cycle.strategy, secretariat, 2025), institution=report.institution
    )
    page = text_of(client_for(focal_point).get(url("report", later.pk)))
    assert "Latest approved report before this one (2024-H2): Under way, on schedule, 50 %" in page
    assert "Latest approved value before this report (2024-H2): 10" in page
    assert line.activity.code in page

    activities = [services.ActivityLineInput(line.activity_id, status="on_track", percent_complete=60)]
    reported = count.baseline + 5
    indicators = [services.IndicatorLineInput(count.pk, total=reported, source="Registry")]
    services.save_report(later, by=focal_point, version=later.version, activities=activities, indicators=indicators)
    page = text_of(client_for(secretariat).get(url("report", later.pk)))
    assert "Progress towards the target: 25 %" in page  # 5 of the 20 from the baseline to the target


def test_a_first_report_says_there_is_nothing_approved_before(client_for, focal_point, report):
    page = text_of(client_for(focal_point).get(url("report", report.pk)))
    assert "No approved report before this one." in page
    assert "No approved value before this report." in page
    assert "Changed since the report was returned" not in page


def test_a_report_submitted_again_shows_what_changed_since_the_return(
    client_for, focal_point, secretariat, report, django_assert_max_num_queries
):
    report = fill(report, focal_point)
    services.submit_report(report, by=focal_point)
    services.return_report(ProgressReport.objects.get(pk=report.pk), by=secretariat, reason="Check A1.")
    report.refresh_from_db()
    line = report.activity_lines.order_by("activity__sort_key").first()
    count = report.indicator_values.get(category=None, indicator__code="1.1.1.1")
    cells = {
        value.category_id: Decimal(6)
        for value in report.indicator_values.filter(indicator=count.indicator).exclude(category=None)
    }
    services.save_report(
        report, by=focal_point, version=report.version,
        activities=[services.ActivityLineInput(line.activity_id, status="completed", percent_complete=None,
                                               spent_state_budget=Decimal("1000.00"), narrative_sq="Finished early.")],
        indicators=[services.IndicatorLineInput(count.indicator_id, total=Decimal(12), cells=cells, source="Registry")],
    )  # fmt: skip
    report.refresh_from_db()
    services.submit_report(report, by=focal_point)
    client = client_for(secretariat)
    with django_assert_max_num_queries(REPORT_QUERIES + 2):
        response = client.get(url("report", report.pk))
    page = text_of(response)
    assert "Submitted again after it was returned on" in page and "Check A1." in page
    assert "Status: Under way, on schedule → Completed" in page
    assert "Percent complete: 50 → 100" in page
    assert "Narrative (Albanian): text changed" in page
    assert "Total: 10 → 12" in page
    assert page.count("Changed since the report was returned:") == 2  # the activity and the indicator, no other


def test_a_report_reopened_and_submitted_again_shows_what_changed_since_the_reopening(
    client_for, focal_point, secretariat, report
):
    report = fill(report, focal_point)
    services.submit_report(report, by=focal_point)
    services.return_report(ProgressReport.objects.get(pk=report.pk), by=secretariat, reason="First return.")
    report.refresh_from_db()
    line = report.activity_lines.order_by("activity__sort_key").first()
    first = [services.ActivityLineInput(line.activity_id, status="delayed", percent_complete=20, narrative_sq="Late.")]
    services.save_report(report, by=focal_point, version=report.version, activities=first)
    report.refresh_from_db()
    services.submit_report(report, by=focal_point)
    approved = services.approve_report(ProgressReport.objects.get(pk=report.pk), by=secretariat)
    services.reopen_report(approved, by=secretariat, reason="Correct the percent.")
    report.refresh_from_db()
    second = [services.ActivityLineInput(line.activity_id, status="delayed", percent_complete=30, narrative_sq="Late.")]
    services.save_report(report, by=focal_point, version=report.version, activities=second)
    report.refresh_from_db()
    services.submit_report(report, by=focal_point)
    page = text_of(client_for(secretariat).get(url("report", report.pk)))
    banner = page.split("Submitted again after it was returned on")[1].split("Each line says")[0]
    assert "Correct the percent." in banner and "First return." not in banner
    assert "Percent complete: 20 → 30" in page  # since the reopening, not since the first return
    assert "Status:" not in page.split("Changed since the report was returned:")[1].split("Evidence")[0]
