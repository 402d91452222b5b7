"""Typing is never lost, in the services: Submit saves first, then submits; a save made on a page that someone else
changed meanwhile merges with their changes instead of being refused."""

from decimal import Decimal

import pytest

from nsm.monitoring import selectors, services
from nsm.monitoring.models import ActivityProgress, IndicatorValue, ProgressReport, ReportEvent
from tests.monitoring.conftest import complete_inputs, fill

Line = services.ActivityLineInput


def shown(report):
    """The lines as the report page shows them now: what its hidden `original` field carries."""
    detail = selectors.report_detail(report)
    activities = [
        Line(
            item.line.activity_id,
            status=item.line.status,
            percent_complete=item.line.percent_complete,
            spent_state_budget=item.line.spent_state_budget,
            spent_donor=item.line.spent_donor,
            spent_other=item.line.spent_other,
            narrative_sq=item.line.narrative,
            plausibility_note=item.line.plausibility_note,
        )
        for item in detail.activities
    ]
    indicators = [
        services.IndicatorLineInput(
            item.indicator.pk,
            total=item.total.value,
            cells={cell.category.pk: cell.value.value for cell in item.cells},
            note=item.total.note,
            source=item.total.source,
            plausibility_note=item.total.plausibility_note,
        )
        for item in detail.indicators
    ]
    return activities, indicators


def edited(lines, activity_id, **values):
    """The page's lines with one activity line changed as the user typed it."""
    return [
        services.ActivityLineInput(**{**line.__dict__, **values}) if line.activity_id == activity_id else line
        for line in lines
    ]


def stored(report, activity_id):
    return ActivityProgress.objects.get(report=report, activity_id=activity_id)


# --- Submit saves first ---


def test_submit_saves_the_typed_values_then_submits(report, focal_point):
    original = shown(report)
    activities, indicators = complete_inputs(report)
    activities = [Line(**{**line.__dict__, "plausibility_note": ""}) for line in activities]
    outcome = services.save_and_submit_report(
        report, by=focal_point, version=1, activities=activities, indicators=indicators, original=original
    )
    report.refresh_from_db()
    assert outcome.submitted and report.status == ProgressReport.Status.SUBMITTED
    assert not ActivityProgress.objects.filter(report=report).exclude(narrative_sq="Going well.").exists()
    kinds = list(report.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == [ReportEvent.Kind.SAVED, ReportEvent.Kind.SUBMITTED]


def test_a_refused_save_submits_nothing_and_writes_nothing(report, focal_point):
    original = shown(report)
    activities, indicators = complete_inputs(report)
    wrong = activities[0].activity_id
    activities = edited(activities, wrong, status="completed", percent_complete=40)
    with pytest.raises(services.ReportInvalid) as refused:
        services.save_and_submit_report(
            report, by=focal_point, version=1, activities=activities, indicators=indicators, original=original
        )
    assert [(e.object_id, e.field) for e in refused.value.line_errors] == [(wrong, "percent_complete")]
    report.refresh_from_db()
    assert (report.status, report.version) == (ProgressReport.Status.DRAFT, 1)
    assert not ActivityProgress.objects.filter(report=report).exclude(status="").exists()


def test_a_submit_of_an_incomplete_report_keeps_what_was_typed_and_says_what_is_missing(report, focal_point):
    activities, _indicators = shown(report)
    first = activities[0].activity_id
    typed = edited(activities, first, narrative_sq="Typed before pressing Submit.")
    outcome = services.save_and_submit_report(
        report, by=focal_point, version=1, activities=typed, indicators=[], original=shown(report)
    )
    report.refresh_from_db()
    assert not outcome.submitted and outcome.changed == 1 and outcome.missing
    assert report.status == ProgressReport.Status.DRAFT and report.version == 2
    assert stored(report, first).narrative == "Typed before pressing Submit."


# --- A stale save merges ---


def test_two_people_editing_different_lines_both_keep_their_changes(report, focal_point, colleague):
    page = shown(report)  # both open the report at version 1
    first, second = page[0][0].activity_id, page[0][1].activity_id
    services.save_report_edits(
        report, by=colleague, version=1, activities=edited(page[0], first, status="delayed", narrative_sq="Late."),
        indicators=page[1], original=page,
    )  # fmt: skip
    outcome = services.save_report_edits(
        report, by=focal_point, version=1, activities=edited(page[0], second, status="not_started"),
        indicators=page[1], original=page,
    )  # fmt: skip
    assert outcome.conflicts == () and outcome.changed == 1
    assert "Arta Kola changed the report" in outcome.news[0] and "both saved" in outcome.news[0]
    assert any("Under way, delayed" in line for line in outcome.news[1:])
    assert (stored(report, first).status, stored(report, first).narrative) == ("delayed", "Late.")
    assert (stored(report, second).status, stored(report, second).percent_complete) == ("not_started", 0)
    report.refresh_from_db()
    assert report.version == 3 == outcome.version


def test_two_people_changing_the_same_value_get_it_side_by_side_and_keep_the_rest(report, focal_point, colleague):
    page = shown(report)
    first = page[0][0].activity_id
    theirs = edited(page[0], first, status="delayed", percent_complete=20, narrative_sq="Waiting for the funds.")
    services.save_report_edits(report, by=colleague, version=1, activities=theirs, indicators=page[1], original=page)
    mine = edited(
        page[0], first, status="delayed", percent_complete=35, spent_donor=Decimal("1200"), narrative_sq="Late again."
    )
    outcome = services.save_report_edits(
        report, by=focal_point, version=1, activities=mine, indicators=page[1], original=page
    )
    clashes = {(c.field, c.theirs, c.mine) for c in outcome.conflicts}
    assert clashes == {("percent_complete", 20, 35), ("narrative_sq", "Waiting for the funds.", "Late again.")}
    assert "except the values you both changed" in outcome.news[0]
    line = stored(report, first)
    # Theirs is kept where both changed it; mine is saved where only I changed it; the same value is no conflict.
    assert (line.status, line.percent_complete, line.narrative) == ("delayed", 20, "Waiting for the funds.")
    assert line.spent_donor == Decimal("1200")


def test_a_merge_that_would_break_a_rule_keeps_the_stored_line_and_shows_every_difference(
    report, focal_point, colleague
):
    page = shown(report)
    first = page[0][0].activity_id
    services.save_report_edits(
        report, by=colleague, version=1, activities=edited(page[0], first, status="completed", percent_complete=100),
        indicators=page[1], original=page,
    )  # fmt: skip
    mine = edited(page[0], first, status="on_track", percent_complete=60)
    outcome = services.save_report_edits(
        report, by=focal_point, version=1, activities=mine, indicators=page[1], original=page
    )
    assert {c.field for c in outcome.conflicts} == {"status", "percent_complete"}
    line = stored(report, first)
    assert (line.status, line.percent_complete) == ("completed", 100)


def test_indicator_cells_merge_value_by_value(report, focal_point, colleague):
    page = shown(report)
    counted = next(line for line in page[1] if line.cells)
    female, male = sorted(counted.cells)

    def with_values(**values):
        return [
            services.IndicatorLineInput(**{**line.__dict__, **values}) if line is counted else line for line in page[1]
        ]

    services.save_report_edits(
        report, by=colleague, version=1, activities=page[0],
        indicators=with_values(total=Decimal(10), cells={female: Decimal(4), male: Decimal(6)}), original=page,
    )  # fmt: skip
    outcome = services.save_report_edits(
        report, by=focal_point, version=1, activities=page[0], indicators=with_values(source="Registry"),
        original=page,
    )  # fmt: skip
    assert outcome.conflicts == () and outcome.news
    total = IndicatorValue.objects.get(report=report, indicator_id=counted.indicator_id, category=None)
    assert (total.value, total.source) == (Decimal(10), "Registry")


def test_a_save_and_submit_that_met_changes_made_meanwhile_saves_but_does_not_submit(report, focal_point, colleague):
    fill(report, colleague)  # at version 2, every line filled in
    page = shown(report)
    first = page[0][0].activity_id
    services.save_report_edits(
        report, by=colleague, version=2, activities=edited(page[0], first, narrative_sq="Updated."),
        indicators=page[1], original=page,
    )  # fmt: skip
    second = page[0][1].activity_id
    outcome = services.save_and_submit_report(
        report, by=focal_point, version=2, activities=edited(page[0], second, narrative_sq="Mine."),
        indicators=page[1], original=page,
    )  # fmt: skip
    report.refresh_from_db()
    assert not outcome.submitted and outcome.news and report.status == ProgressReport.Status.DRAFT
    assert (stored(report, first).narrative, stored(report, second).narrative) == ("Updated.", "Mine.")


def test_a_save_without_the_page_it_was_typed_on_is_still_refused_when_stale(report, focal_point):
    """The API and the workbook send only the version: a stale one is refused as before, nothing written."""
    activities, _ = shown(report)
    services.save_report(
        report, by=focal_point, version=1, activities=edited(activities, activities[0].activity_id, narrative_sq="A")
    )
    with pytest.raises(services.StaleVersion):
        services.save_report(
            report,
            by=focal_point,
            version=1,
            activities=edited(activities, activities[1].activity_id, narrative_sq="B"),
        )
