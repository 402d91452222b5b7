"""Text indicators (issue 15, item 4): a qualitative indicator reported in words ("The one-stop shop is open in three
regions"). It has no number as baseline or target; the focal point writes what was reached in the line's value in
words (the note), which the report needs before it is submitted; a number given to it is refused at its field or
cell."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from nsm.monitoring import selectors, services
from nsm.monitoring.models import ProgressReport
from nsm.strategy import services as plan_services
from nsm.strategy.models import Indicator
from tests.factories import IndicatorFactory, InstitutionFactory
from tests.monitoring.conftest import build_plan, open_half_year
from tests.monitoring.test_workbook import errors_of, indicator_row, upload, workbook_of
from tests.strategy.workbook_support import import_errors, load_code_lists, valid_sheets

TEXT = Indicator.ValueType.TEXT


def test_a_text_indicator_has_no_number_as_baseline_or_target(strategy, secretariat):
    measure = build_plan(strategy, ["MSHMS"])
    indicator = IndicatorFactory(result=measure, code="1.1.1.t", value_type=TEXT, unit_en="", baseline=Decimal(3))
    with pytest.raises(ValidationError) as refused:
        indicator.full_clean()
    assert refused.value.message_dict["baseline"] == [
        "A text indicator has no number as baseline: describe the starting point in words."
    ]
    indicator.baseline = None
    indicator.full_clean()
    with pytest.raises(ValidationError) as refused:
        plan_services.set_targets(indicator, by=secretariat, targets={2025: Decimal(1)})
    assert "A text indicator has no number as target" in str(refused.value)


def test_the_plan_workbook_refuses_a_number_for_a_text_indicator_at_its_cells(db):
    load_code_lists()
    sheets = valid_sheets()
    sheets["Indicators"][1][6] = "text"  # I.1: value_type; its baseline is 100, it has two targets and a breakdown
    assert import_errors(sheets) == [
        "Indicators!I2: A text indicator has no number as baseline: describe the starting point in words.",
        "Indicators!N2: Words are not broken down by sex or age: a text indicator has no disaggregation.",
        "Targets!C2: a text indicator has no number as target",
        "Targets!C3: a text indicator has no number as target",
    ]


@pytest.fixture
def text_report(strategy, secretariat, focal_point):
    measure = build_plan(strategy, ["MSHMS"])
    IndicatorFactory(result=measure, code="1.1.1.t", value_type=TEXT, unit_en="", baseline=None,
                     responsible=InstitutionFactory(code="MSHMS"))  # fmt: skip
    cycle = open_half_year(strategy, secretariat)
    return ProgressReport.objects.get(cycle=cycle, institution__code="MSHMS")


def _text_line(**given):
    return services.IndicatorLineInput(Indicator.objects.get(code="1.1.1.t").pk, **given)


def test_the_value_in_words_is_what_the_report_needs_and_a_number_is_refused(text_report, focal_point):
    report = text_report
    missing = {item.code: str(item.message) for item in selectors.report_detail(report).missing}
    assert missing["1.1.1.t"] == "Say in words what was reached in this period."
    with pytest.raises(services.ReportInvalid) as refused:
        services.save_report(report, by=focal_point, version=report.version, indicators=[_text_line(total=Decimal(2))])
    assert "A text indicator is reported in words, in the value in words: it takes no number." in str(refused.value)
    words = "The one-stop shop is open in Tirana, Durrës and Shkodër."
    services.save_report(report, by=focal_point, version=report.version, indicators=[_text_line(note=words)])
    report.refresh_from_db()
    assert "1.1.1.t" not in {item.code for item in selectors.report_detail(report).missing}
    assert report.indicator_values.get(indicator__code="1.1.1.t", category=None).note == words


def test_the_report_page_asks_for_the_value_in_words_only(text_report, focal_point, client_for):
    page = client_for(focal_point).get(reverse("monitoring:report", args=[text_report.pk])).content.decode()
    indicator = Indicator.objects.get(code="1.1.1.t")
    start = page.index(f'id="indicator-{indicator.pk}"')
    card = page[start : page.index("</article>", start)]
    assert "Value in words" in card and "Say in words what was reached by the end of this period." in card
    assert f'name="i{indicator.pk}_total"' not in card


def test_the_report_workbook_refuses_a_number_at_its_cell_and_takes_the_words(text_report, focal_point):
    report = text_report
    workbook = workbook_of(report)
    sheet = workbook["Indicators"]
    row = indicator_row(sheet, "1.1.1.t")
    sheet[f"F{row}"] = 3
    assert (
        f"Indicators!F{row}: A text indicator is reported in words, in the value in words: it takes no number."
        in errors_of(report, workbook, focal_point)
    )
    sheet[f"F{row}"] = None
    sheet[f"G{row}"] = "Open in three regions."
    upload(report, workbook, focal_point)
    assert report.indicator_values.get(indicator__code="1.1.1.t", category=None).note == "Open in three regions."


def test_the_value_type_of_an_indicator_with_reported_values_cannot_change(text_report, focal_point):
    report = text_report
    services.save_report(report, by=focal_point, version=report.version, indicators=[_text_line(note="Open.")])
    indicator = Indicator.objects.get(code="1.1.1.t")
    indicator.value_type = Indicator.ValueType.NUMBER
    with pytest.raises(ValidationError) as refused:
        indicator.full_clean()
    assert "Institutions have reported values of this indicator" in refused.value.message_dict["value_type"][0]


def test_an_indicator_with_targets_does_not_become_text_nor_a_milestone_with_fewer_stages(strategy, secretariat):
    measure = build_plan(strategy, ["MSHMS"])
    indicator = IndicatorFactory(result=measure, code="1.1.1.n", unit_en="", baseline=None)
    plan_services.set_targets(indicator, by=secretariat, targets={2025: Decimal(3)})
    indicator.value_type = TEXT
    with pytest.raises(ValidationError) as refused:
        indicator.full_clean()
    assert refused.value.message_dict["value_type"] == [
        "The indicator has targets: remove them before it becomes a text indicator."
    ]
    indicator.value_type, indicator.milestones_en = Indicator.ValueType.MILESTONE, "Drafted\nAdopted"
    with pytest.raises(ValidationError) as refused:
        indicator.full_clean()
    assert refused.value.message_dict["milestones_sq"] == [
        "Its targets name stages up to 3: list at least as many stages."
    ]
    indicator.milestones_en = "Drafted\nConsulted\nAdopted"
    indicator.full_clean()


def test_stages_and_words_are_not_added_up_over_periods_nor_words_broken_down(db):
    milestone = Indicator(value_type=Indicator.ValueType.MILESTONE, milestones_en="A\nB", aggregation="flow")
    assert list(milestone.value_type_errors()) == ["aggregation"]
    load_code_lists()
    sheets = valid_sheets()
    sheets["Indicators"][1][6] = "text"  # I.1, broken down by sex and age group
    sheets["Indicators"][1][8] = None
    del sheets["Targets"][1:]
    assert import_errors(sheets) == [
        "Indicators!N2: Words are not broken down by sex or age: a text indicator has no disaggregation."
    ]


def test_the_quality_check_asks_no_number_of_a_text_indicator(strategy):
    from nsm.consultation.quality import _indicators

    measure = build_plan(strategy, ["MSHMS"])
    IndicatorFactory(result=measure, code="1.1.1.t", value_type=TEXT, unit_en="", baseline=None, data_source_en="")
    reasons = {gap.reason for gap in _indicators(strategy) if gap.code == "1.1.1.t"}
    assert "no_data_source" in reasons and not reasons & {"no_baseline", "no_target"}
