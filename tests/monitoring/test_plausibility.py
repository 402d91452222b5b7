"""Plausibility: an unusual value is a warning, not an error. A caller that confirms (the report page) gives a note
with it, or the save is refused with the warning; a caller that does not (the API, the workbook) stores the value
and the reviewer sees it flagged as not confirmed. The hard rules stay errors."""

from decimal import Decimal

import pytest

from nsm.monitoring import selectors, services
from nsm.monitoring.models import ActivityProgress, IndicatorValue
from nsm.strategy.models import Indicator
from tests.factories import ActivityBudgetFactory, IndicatorTargetFactory

HUGE = Decimal("999999999999")


def plan(year=Decimal("6500000"), total=Decimal("13000000")):
    return services.ActivityPlan(year=2024, planned_year=year, planned_total=total, currency="ALL")


def spending(**amounts):
    return {"status": "on_track", "percent_complete": 40, **amounts}


@pytest.fixture
def costed(report):
    """The report's first activity line, planned at 6.5 M ALL in 2024 and 6.5 M in 2025."""
    line = ActivityProgress.objects.filter(report=report).select_related("activity").order_by("pk").first()
    ActivityBudgetFactory(activity=line.activity, year=2024, amount=Decimal("6500000"))
    ActivityBudgetFactory(activity=line.activity, year=2025, amount=Decimal("6500000"))
    return line


# --- The rules, without the database ---


def test_999_999_999_999_all_against_an_activity_planned_at_6_5_million_is_a_warning():
    [warning] = services.activity_warnings(7, spending(spent_state_budget=HUGE), plan(), "1.1.1.1")
    assert warning.field == services.PLAUSIBILITY and warning.object_id == 7
    assert "999,999,999,999 ALL" in warning.message and "planned cost for 2024 (6,500,000 ALL)" in warning.message


def test_spending_is_added_up_over_its_sources_and_compared_with_the_total_when_the_year_has_no_cost():
    values = spending(spent_state_budget=Decimal("4000000"), spent_donor=Decimal("3000000"))
    assert services.activity_warnings(7, values, plan()) != []
    assert services.activity_warnings(7, values, plan(year=Decimal("8000000"))) == []
    [warning] = services.activity_warnings(7, values, plan(year=Decimal(0), total=Decimal("5000000")))
    assert "total planned cost (5,000,000 ALL)" in warning.message
    assert services.activity_warnings(7, values, plan(year=Decimal(0), total=Decimal(0))) == []


@pytest.mark.parametrize(
    ("status", "percent", "warned"),
    [("on_track", 100, True), ("delayed", 100, True), ("cancelled", 100, True), ("on_track", 60, False)],
)
def test_a_percent_that_sits_badly_with_the_status_is_a_warning(status, percent, warned):
    values = {"status": status, "percent_complete": percent}
    assert bool(services.activity_warnings(7, values, plan())) is warned


@pytest.mark.parametrize(("status", "percent"), [("completed", 40), ("not_started", 60)])
def test_the_hard_rules_of_percent_and_status_stay_errors(status, percent):
    errors = services.validate_activity_line(services.ActivityLineInput(7, status=status, percent_complete=percent))
    assert [error.field for error in errors] == ["percent_complete"]


@pytest.mark.parametrize(
    ("total", "warned"),
    [(Decimal(150), False), (Decimal(550), False), (Decimal(700), True), (Decimal(-400), True), (Decimal(0), False)],
)
def test_an_indicator_value_far_outside_its_baseline_and_target_is_a_warning(total, warned):
    indicator = Indicator(pk=3, code="1.1.1.1", baseline=Decimal(100), value_type=Indicator.ValueType.NUMBER)
    found = services.indicator_warnings(indicator, total, Decimal(150))
    assert bool(found) is warned  # 150 is the larger size: more than 450 below 100 or above 150 is far off


def test_yes_no_indicators_and_those_without_baseline_or_target_are_not_compared():
    yes_no = Indicator(pk=3, code="y", baseline=Decimal(0), value_type=Indicator.ValueType.YES_NO)
    unknown = Indicator(pk=4, code="u", baseline=None, value_type=Indicator.ValueType.NUMBER)
    assert services.indicator_warnings(yes_no, Decimal(1), None) == []
    assert services.indicator_warnings(unknown, Decimal(10**9), None) == []


# --- Saving ---


def test_a_caller_that_confirms_is_refused_without_a_note_and_nothing_is_written(report, focal_point, costed):
    line = services.ActivityLineInput(
        costed.activity_id, status="on_track", percent_complete=40, spent_state_budget=HUGE, plausibility_note=""
    )
    with pytest.raises(services.ReportInvalid) as refused:
        services.save_report(report, by=focal_point, version=1, activities=[line])
    assert refused.value.line_errors == []
    [warning] = refused.value.warnings
    assert warning.object_id == costed.activity_id and "above the activity's planned cost" in warning.message
    costed.refresh_from_db()
    assert costed.spent_state_budget is None


def test_a_confirmed_unusual_value_is_saved_with_its_note(report, focal_point, costed):
    line = services.ActivityLineInput(
        costed.activity_id, status="on_track", percent_complete=40, spent_state_budget=Decimal("9000000"),
        plausibility_note="  Two years of works paid at once.  ",
    )  # fmt: skip
    services.save_report(report, by=focal_point, version=1, activities=[line])
    costed.refresh_from_db()
    assert (costed.spent_state_budget, costed.plausibility_note) == (
        Decimal("9000000"),
        "Two years of works paid at once.",
    )


def test_a_note_without_an_unusual_value_is_not_kept(report, focal_point, costed):
    line = services.ActivityLineInput(
        costed.activity_id, status="on_track", percent_complete=40, spent_state_budget=Decimal(1000),
        plausibility_note="Nothing unusual.",
    )  # fmt: skip
    services.save_report(report, by=focal_point, version=1, activities=[line])
    costed.refresh_from_db()
    assert costed.plausibility_note == ""


def test_a_caller_that_does_not_confirm_stores_the_value_and_the_reviewer_sees_it_flagged(report, focal_point, costed):
    """The API and the workbook send no note: the value is stored, the warning stays for the review."""
    line = services.ActivityLineInput(costed.activity_id, status="on_track", percent_complete=40, spent_donor=HUGE)
    services.save_report(report, by=focal_point, version=1, activities=[line])
    found = services.report_warnings(selectors.report_detail(report))
    assert list(found) == [("activity", costed.activity_id)]
    costed.refresh_from_db()
    assert costed.plausibility_note == ""


def test_an_unusual_indicator_total_is_confirmed_on_the_total(report, focal_point):
    total = IndicatorValue.objects.select_related("indicator").get(
        report=report, category=None, indicator__code="1.1.1.p"
    )
    IndicatorTargetFactory(indicator=total.indicator, year=2024, value=Decimal(60))
    line = services.IndicatorLineInput(total.indicator_id, total=Decimal(900), plausibility_note="")
    with pytest.raises(services.ReportInvalid) as refused:
        services.save_report(report, by=focal_point, version=1, indicators=[line])
    assert "far outside the range of the baseline (100) and the target (60)" in refused.value.warnings[0].message
    confirmed = services.IndicatorLineInput(total.indicator_id, total=Decimal(900), plausibility_note="New method.")
    services.save_report(report, by=focal_point, version=1, indicators=[confirmed])
    total.refresh_from_db()
    assert (total.value, total.plausibility_note) == (Decimal(900), "New method.")


def test_errors_and_unusual_values_of_other_lines_are_told_at_once(report, focal_point, costed):
    other = ActivityProgress.objects.filter(report=report).exclude(pk=costed.pk).first()
    lines = [
        services.ActivityLineInput(costed.activity_id, status="on_track", percent_complete=40, spent_other=HUGE,
                                   plausibility_note=""),
        services.ActivityLineInput(other.activity_id, status="completed", percent_complete=30, plausibility_note=""),
    ]  # fmt: skip
    with pytest.raises(services.ReportInvalid) as refused:
        services.save_report(report, by=focal_point, version=1, activities=lines)
    assert [e.object_id for e in refused.value.line_errors] == [other.activity_id]
    assert [w.object_id for w in refused.value.warnings] == [costed.activity_id]
