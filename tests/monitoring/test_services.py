"""The monitoring rules and the review workflow, through the services that every page, the API and the workbook use."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from nsm.monitoring import selectors, services
from nsm.monitoring.models import ActivityProgress, IndicatorValue, ProgressReport, ReportEvent, ReportingCycle
from nsm.monitoring.services import ActivityLineInput, IndicatorLineInput
from nsm.strategy.models import Activity, Indicator
from nsm.strategy.services import StaleVersion
from tests.factories import ActivityFactory, InstitutionFactory
from tests.monitoring.conftest import complete_inputs, fill

pytestmark = pytest.mark.django_db

S = ActivityProgress.Status


def first_activity(report):
    return report.activity_lines.order_by("activity__sort_key").first().activity


def counted(report):
    """The report's count indicator with sex disaggregation, and its categories."""
    line = next(item for item in selectors.report_detail(report).indicators if item.cells)
    return line.indicator, [cell.category for cell in line.cells]


def error_fields(error):
    return {(e.kind, e.field) for e in error.line_errors}


# --- Cycles ---


def test_opening_a_cycle_creates_a_prefilled_report_per_institution(cycle, report, other_report):
    assert cycle.status == ReportingCycle.Status.OPEN
    assert set(cycle.reports.values_list("institution__code", flat=True)) == {"MSHMS", "AKPA"}
    assert report.activity_lines.count() == 2
    indicator, categories = counted(report)
    assert [c.code for c in categories] == ["female", "male"]
    # the total and one cell per category, for the count; the percentage has only its total
    assert report.indicator_values.filter(indicator=indicator).count() == 3
    assert report.indicator_values.filter(category__isnull=True).count() == 2
    assert other_report.indicator_values.filter(indicator__code="1.1.1.y").count() == 1
    assert report.history.count() == 1  # created, with history
    assert report.activity_lines.first().history.count() == 1


def test_a_cycle_asks_only_for_activities_under_way_and_indicators_due(strategy, secretariat):
    from tests.monitoring.conftest import build_plan

    measure = build_plan(strategy, ["MSHMS"], activities_each=1)
    later = ActivityFactory(measure=measure, lead=InstitutionFactory(code="MSHMS"), start_year=2025, end_year=2025)
    finished = ActivityFactory(
        measure=measure, lead=InstitutionFactory(code="ASHDMF"), start_year=2024, end_year=2024, end_quarter=1
    )
    annual = Indicator.objects.get(code="1.1.1.1")
    assert annual.frequency == Indicator.Frequency.ANNUAL
    today = timezone.localdate()
    second_half = services.create_cycle(
        strategy, by=secretariat, kind="half_year", year=2024, half=2, opens_on=today, due_on=today
    )
    services.open_cycle(second_half, by=secretariat)
    lines = ActivityProgress.objects.filter(report__cycle=second_half)
    assert later.pk not in set(lines.values_list("activity_id", flat=True))
    assert finished.pk not in set(lines.values_list("activity_id", flat=True))
    assert IndicatorValue.objects.filter(report__cycle=second_half, indicator=annual).exists()  # due at year end
    first_half = services.create_cycle(
        strategy, by=secretariat, kind="half_year", year=2024, half=1, opens_on=today, due_on=today
    )
    services.open_cycle(first_half, by=secretariat)
    assert not IndicatorValue.objects.filter(report__cycle=first_half, indicator=annual).exists()
    assert ActivityProgress.objects.filter(report__cycle=first_half, activity=finished).exists()


def test_cycle_rules(strategy, secretariat):
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.create_cycle(strategy, by=secretariat, kind="year", year=2040, opens_on=today, due_on=today)
    with pytest.raises(ValidationError):
        services.create_cycle(
            strategy, by=secretariat, kind="year", year=2024, opens_on=today, due_on=today - datetime.timedelta(1)
        )
    services.create_cycle(strategy, by=secretariat, kind="year", year=2024, opens_on=today, due_on=today)
    with pytest.raises(ValidationError):
        services.create_cycle(strategy, by=secretariat, kind="year", year=2024, opens_on=today, due_on=today)


def test_closing_a_cycle_locks_every_report_and_it_cannot_be_opened_again(cycle, report, secretariat, focal_point):
    services.close_cycle(cycle, by=secretariat)
    report.refresh_from_db()
    assert report.is_locked
    with pytest.raises(services.ReportLocked):
        fill(report, focal_point)
    with pytest.raises(services.TransitionRefused):
        services.open_cycle(cycle, by=secretariat)
    with pytest.raises(services.TransitionRefused):
        services.close_cycle(cycle, by=secretariat)
    assert report.events.filter(kind=ReportEvent.Kind.LOCKED).exists()


# --- Saving: the rules ---


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ({"status": "finished"}, "status"),
        ({"status": S.ON_TRACK, "percent_complete": 101}, "percent_complete"),
        ({"status": S.ON_TRACK, "percent_complete": -1}, "percent_complete"),
        ({"status": S.COMPLETED, "percent_complete": 90}, "percent_complete"),
        ({"status": S.NOT_STARTED, "percent_complete": 10}, "percent_complete"),
        ({"status": S.DELAYED, "percent_complete": 10}, "narrative_sq"),
        ({"status": S.CANCELLED, "narrative_sq": "  "}, "narrative_sq"),
        ({"status": S.ON_TRACK, "spent_state_budget": Decimal("-1")}, "spent_state_budget"),
        ({"status": S.ON_TRACK, "spent_donor": Decimal("0.001")}, "spent_donor"),
        ({"status": S.ON_TRACK, "spent_other": "abc"}, "spent_other"),
        ({"status": S.ON_TRACK, "spent_other": Decimal("1e14")}, "spent_other"),
    ],
)
def test_an_activity_line_that_breaks_a_rule_is_refused_and_nothing_is_written(report, focal_point, line, field):
    activity = first_activity(report)
    stored = report.activity_lines.get(activity=activity)
    with pytest.raises(services.ReportInvalid) as refused:
        services.save_report(
            report, by=focal_point, version=report.version, activities=[ActivityLineInput(activity.pk, **line)]
        )
    assert ("activity", field) in error_fields(refused.value)
    assert stored.history.count() == 1
    report.refresh_from_db()
    assert report.version == 1 and report.first_saved_at is None


def test_completed_means_100_and_not_started_means_0(report, focal_point):
    first, second = report.activity_lines.order_by("activity__sort_key")
    services.save_report(
        report,
        by=focal_point,
        version=report.version,
        activities=[
            ActivityLineInput(first.activity_id, status=S.COMPLETED),
            ActivityLineInput(second.activity_id, status=S.NOT_STARTED),
        ],
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.percent_complete, second.percent_complete) == (100, 0)


def test_every_error_of_a_save_is_reported_at_once(report, focal_point):
    first, second = report.activity_lines.order_by("activity__sort_key")
    with pytest.raises(services.ReportInvalid) as refused:
        services.save_report(
            report,
            by=focal_point,
            version=report.version,
            activities=[
                ActivityLineInput(first.activity_id, status=S.DELAYED),
                ActivityLineInput(second.activity_id, status=S.ON_TRACK, percent_complete=200),
            ],
        )
    assert len(refused.value.line_errors) == 2
    assert f"Activity {first.activity.code}" in refused.value.messages[0]


def test_a_count_breakdown_must_add_up_to_the_total(report, focal_point):
    indicator, (female, male) = counted(report)
    with pytest.raises(services.ReportInvalid) as refused:
        services.save_report(
            report,
            by=focal_point,
            version=report.version,
            indicators=[
                IndicatorLineInput(indicator.pk, total=Decimal(10), cells={female.pk: Decimal(3), male.pk: Decimal(4)})
            ],
        )
    (error,) = refused.value.line_errors
    assert error.field == "total"
    assert "Female + Male = 7" in error.message and "10" in error.message
    with pytest.raises(services.ReportInvalid) as refused:
        services.save_report(
            report,
            by=focal_point,
            version=report.version,
            indicators=[IndicatorLineInput(indicator.pk, total=Decimal(10), cells={female.pk: Decimal(3)})],
        )
    assert error_fields(refused.value) == {("indicator", f"cell:{male.pk}")}
    with pytest.raises(services.ReportInvalid) as refused:
        services.save_report(
            report,
            by=focal_point,
            version=report.version,
            indicators=[IndicatorLineInput(indicator.pk, cells={female.pk: 3, male.pk: 4})],
        )
    assert error_fields(refused.value) == {("indicator", "total")}
    changed = services.save_report(
        report,
        by=focal_point,
        version=report.version,
        indicators=[
            IndicatorLineInput(indicator.pk, total=Decimal(7), cells={female.pk: 3, male.pk: 4}, note="n", source="s")
        ],
    )
    assert changed == 3
    values = {v.category_id: v.value for v in report.indicator_values.filter(indicator=indicator)}
    assert values == {None: 7, female.pk: 3, male.pk: 4}


def test_a_percentage_breakdown_is_not_added_up(report, focal_point):
    from nsm.reference.models import DisaggregationDimension

    percent = Indicator.objects.get(code="1.1.1.p")
    assert not report.indicator_values.filter(indicator=percent, category__isnull=False).exists()
    # a percentage with a sex breakdown: cells of 40 and 70 with a total of 55 are accepted
    sex = DisaggregationDimension.objects.get(code="sex")
    categories = list(sex.categories.order_by("position"))
    errors = services.validate_indicator_line(
        IndicatorLineInput(percent.pk, total=Decimal(55), cells={categories[0].pk: 40, categories[1].pk: 70}),
        percent,
        {sex.pk: categories},
    )
    assert errors == []


def test_a_yes_no_indicator_takes_yes_or_no(other_report, other_focal_point):
    yes_no = Indicator.objects.get(code="1.1.1.y")
    with pytest.raises(services.ReportInvalid) as refused:
        services.save_report(
            other_report,
            by=other_focal_point,
            version=other_report.version,
            indicators=[IndicatorLineInput(yes_no.pk, total=2)],
        )
    assert error_fields(refused.value) == {("indicator", "total")}
    services.save_report(
        other_report,
        by=other_focal_point,
        version=other_report.version,
        indicators=[IndicatorLineInput(yes_no.pk, total=1)],
    )


def test_lines_of_another_report_are_refused(report, other_report, focal_point):
    foreign = other_report.activity_lines.first().activity
    with pytest.raises(services.ReportInvalid):
        services.save_report(
            report,
            by=focal_point,
            version=report.version,
            activities=[ActivityLineInput(foreign.pk, status=S.ON_TRACK)],
        )


def test_saving_the_same_values_again_writes_nothing(report, focal_point):
    activities, indicators = complete_inputs(report)
    assert services.save_report(report, by=focal_point, version=1, activities=activities, indicators=indicators) > 0
    report.refresh_from_db()
    history_before = ActivityProgress.history.count() + IndicatorValue.history.count()
    assert (
        services.save_report(
            report, by=focal_point, version=report.version, activities=activities, indicators=indicators
        )
        == 0
    )
    assert ActivityProgress.history.count() + IndicatorValue.history.count() == history_before
    assert ProgressReport.objects.get(pk=report.pk).version == report.version


def test_a_save_on_a_stale_version_is_refused_with_what_changed(report, focal_point):
    activity = first_activity(report)
    services.save_report(
        report,
        by=focal_point,
        version=1,
        activities=[ActivityLineInput(activity.pk, status=S.DELAYED, narrative_sq="Procurement late")],
    )
    with pytest.raises(StaleVersion) as stale:
        services.save_report(
            report,
            by=focal_point,
            version=1,
            activities=[ActivityLineInput(activity.pk, status=S.ON_TRACK, percent_complete=10)],
        )
    text = " ".join(stale.value.messages)
    assert f"Activity {activity.code}" in text and "Procurement late" in text
    assert stale.value.current_version == 2
    line = report.activity_lines.get(activity=activity)
    assert line.status == S.DELAYED


# --- Submission and review ---


def test_what_is_missing_blocks_submission(report, focal_point):
    detail = selectors.report_detail(report)
    assert len(detail.missing) == 4  # two activities without status, two indicators without value
    with pytest.raises(services.ReportInvalid) as refused:
        services.submit_report(report, by=focal_point, version=report.version)
    assert len(refused.value.line_errors) == 4
    # a note saying why there is no value is enough for an indicator
    percent = Indicator.objects.get(code="1.1.1.p")
    services.save_report(
        report, by=focal_point, version=1, indicators=[IndicatorLineInput(percent.pk, note="Survey not run yet")]
    )
    assert len(selectors.report_detail(report).missing) == 3


def test_the_whole_loop_submit_return_resubmit_approve(report, focal_point, secretariat):
    fill(report, focal_point)
    assert report.board_status() == ProgressReport.BoardStatus.DRAFT
    services.submit_report(report, by=focal_point, version=report.version)
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED and not report.submitted_late
    with pytest.raises(services.ReportLocked):
        fill(report, focal_point)
    activity = first_activity(report)
    services.add_comment(report, by=secretariat, text="Which trainings?", activity_id=activity.pk)
    with pytest.raises(ValidationError):
        services.return_report(report, by=secretariat, reason="  ")
    services.return_report(report, by=secretariat, reason="Give the numbers of trained staff.")
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.RETURNED
    assert report.return_reason == "Give the numbers of trained staff."
    services.save_report(
        report,
        by=focal_point,
        version=report.version,
        activities=[ActivityLineInput(activity.pk, status=S.COMPLETED, narrative_sq="40 staff trained")],
    )
    report.refresh_from_db()
    services.submit_report(report, by=focal_point, version=report.version)
    services.approve_report(report, by=secretariat)
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.APPROVED and report.is_locked and report.return_reason == ""
    with pytest.raises(services.ReportLocked):
        services.save_report(
            report,
            by=focal_point,
            version=report.version,
            activities=[ActivityLineInput(activity.pk, status=S.ON_TRACK)],
        )
    kinds = list(report.events.values_list("kind", flat=True))
    assert kinds == ["saved", "submitted", "returned", "saved", "submitted", "approved"]
    returned = report.events.get(kind="returned")
    assert returned.user == secretariat and returned.reason == "Give the numbers of trained staff."


def test_transitions_that_do_not_apply_are_refused(report, focal_point, secretariat):
    with pytest.raises(services.TransitionRefused):
        services.approve_report(report, by=secretariat)
    with pytest.raises(services.TransitionRefused):
        services.return_report(report, by=secretariat, reason="No")
    with pytest.raises(services.TransitionRefused):
        services.reopen_report(report, by=secretariat, reason="Why not")
    fill(report, focal_point)
    services.submit_report(report, by=focal_point, version=report.version)
    with pytest.raises(services.ReportLocked):
        services.submit_report(report, by=focal_point)


def test_reopening_an_approved_report_needs_a_reason_and_makes_it_editable(report, focal_point, secretariat):
    fill(report, focal_point)
    services.submit_report(report, by=focal_point, version=report.version)
    services.approve_report(report, by=secretariat)
    with pytest.raises(ValidationError):
        services.reopen_report(report, by=secretariat, reason="")
    services.reopen_report(report, by=secretariat, reason="INSTAT corrected the figures")
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.RETURNED and report.is_editable
    assert report.events.last().reason == "INSTAT corrected the figures"


def test_a_report_of_a_closed_cycle_can_be_reopened_and_then_approved(cycle, report, focal_point, secretariat):
    services.close_cycle(cycle, by=secretariat)
    services.reopen_report(report, by=secretariat, reason="Late data from the regions")
    report.refresh_from_db()
    assert report.reopened and report.is_editable
    fill(report, focal_point)
    services.submit_report(report, by=focal_point, version=report.version)
    services.approve_report(report, by=secretariat)
    report.refresh_from_db()
    assert report.is_locked and not report.reopened


def test_a_late_submission_is_accepted_and_marked_late(cycle, report, focal_point):
    ReportingCycle.objects.filter(pk=cycle.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
    report.refresh_from_db()
    assert report.board_status() == ProgressReport.BoardStatus.OVERDUE
    fill(report, focal_point)
    services.submit_report(report, by=focal_point, version=report.version)
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED and report.submitted_late
    assert report.events.get(kind="submitted").late


def test_board_statuses(cycle, report, other_report, focal_point):
    assert report.board_status() == ProgressReport.BoardStatus.NOT_STARTED
    fill(report, focal_point)
    assert report.board_status() == ProgressReport.BoardStatus.DRAFT
    board = selectors.board(cycle, ProgressReport.objects.all())
    assert board.counts == {"draft": 1, "not_started": 1}
    row = next(row for row in board.rows if row.report.pk == report.pk)
    assert (row.activities, row.activities_filled, row.indicators, row.indicators_filled) == (2, 2, 2, 2)


def test_comments_attach_to_a_line_of_the_report_only(report, other_report, secretariat):
    with pytest.raises(ValidationError):
        services.add_comment(report, by=secretariat, text="")
    foreign = other_report.activity_lines.first().activity
    with pytest.raises(ValidationError):
        services.add_comment(report, by=secretariat, text="?", activity_id=foreign.pk)
    services.add_comment(report, by=secretariat, text="Overall fine")
    detail = selectors.report_detail(report)
    assert [c.text for c in detail.general_comments] == ["Overall fine"]


# --- Evidence ---


def pdf(name="report.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n", "application/pdf")


def test_evidence_type_is_checked_from_the_content(report, focal_point, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    activity = first_activity(report)
    evidence = services.add_evidence(report, by=focal_point, activity_id=activity.pk, upload=pdf())
    assert evidence.content_type == "application/pdf" and evidence.size > 0
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not an image", "image/png")
    with pytest.raises(ValidationError):
        services.add_evidence(report, by=focal_point, activity_id=activity.pk, upload=fake)
    renamed = SimpleUploadedFile("scan.png", pdf().read(), "image/png")
    with pytest.raises(ValidationError, match="content is pdf"):
        services.add_evidence(report, by=focal_point, activity_id=activity.pk, upload=renamed)
    settings.EVIDENCE_MAX_BYTES = 10
    with pytest.raises(ValidationError, match="larger than"):
        services.add_evidence(report, by=focal_point, activity_id=activity.pk, upload=pdf())


def test_history_keeps_every_value_change_with_its_author(report, focal_point):
    activity = first_activity(report)
    services.save_report(
        report,
        by=focal_point,
        version=1,
        activities=[ActivityLineInput(activity.pk, status=S.ON_TRACK, percent_complete=20)],
    )
    services.save_report(
        report,
        by=focal_point,
        version=2,
        activities=[ActivityLineInput(activity.pk, status=S.ON_TRACK, percent_complete=60)],
    )
    entries = selectors.report_history(report)
    changes = [(c.field, c.old, c.new) for e in entries for c in e.changes if e.subject == f"Activity {activity.code}"]
    assert ("percent complete", "20", "60") in changes
    assert all(entry.user for entry in entries if entry.action == "changed")


def test_the_report_page_selector_runs_in_a_fixed_number_of_queries(report, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        detail = selectors.report_detail(report)
    assert len(detail.activities) == 2


def test_activity_model_is_unchanged_by_reporting(report, focal_point):
    fill(report, focal_point)
    assert Activity.objects.filter(version__gt=1).count() == 0
