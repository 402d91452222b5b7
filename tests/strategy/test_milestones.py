"""Milestone indicators (issue 15, item 4): a qualitative indicator whose value is the stage reached, in order
("1. Drafted", "2. Consulted", "3. Adopted"). Its stages are declared with the indicator, in both languages; its
baseline, targets and reported values are stage numbers, shown in words on the pages and in the report workbook."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from nsm.monitoring import services
from nsm.monitoring.models import ProgressReport
from nsm.strategy import services as plan_services
from nsm.strategy.models import Indicator
from tests.factories import IndicatorFactory, InstitutionFactory
from tests.monitoring.conftest import build_plan, complete_inputs, open_half_year
from tests.monitoring.test_workbook import errors_of, indicator_row, upload, workbook_of

STAGES_SQ = "Hartuar\nKonsultuar\nMiratuar"
STAGES_EN = "Drafted\nConsulted\nAdopted"


def milestone(result, **fields):
    values = {
        "result": result, "code": "1.1.1.m", "value_type": Indicator.ValueType.MILESTONE, "unit_en": "",
        "milestones_sq": STAGES_SQ, "milestones_en": STAGES_EN, "baseline": Decimal(0),
        "responsible": InstitutionFactory(code="MSHMS"),
    } | fields  # fmt: skip
    return IndicatorFactory(**values)


def refusals(**fields) -> dict[str, list[str]]:
    indicator = Indicator(**({"value_type": Indicator.ValueType.MILESTONE, "milestones_en": STAGES_EN} | fields))
    return {name: [str(message)] for name, message in indicator.value_type_errors().items()}


def test_a_milestone_indicator_lists_two_to_twelve_stages_alike_in_both_languages():
    assert refusals() == {}
    assert refusals(milestones_sq="Hartuar\n\nMiratuar\n") == {
        "milestones_en": ["List as many stages in English (3) as in Albanian (2)."]
    }
    assert "List from 2 to 12 stages" in refusals(milestones_en="Adopted")["milestones_sq"][0]
    assert (
        "List from 2 to 12 stages" in refusals(milestones_en="\n".join(f"S{n}" for n in range(13)))["milestones_sq"][0]
    )
    assert refusals(direction=Indicator.Direction.DECREASE) == {
        "direction": ["Milestones are reached in order: the direction is Increase."]
    }
    assert refusals(baseline=Decimal(4)) == {"baseline": ["The baseline is the number of the stage reached, 0 to 3."]}
    assert refusals(baseline=Decimal("1.5"))["baseline"]
    number = Indicator(value_type=Indicator.ValueType.NUMBER, milestones_en=STAGES_EN)
    assert list(number.value_type_errors()) == ["milestones_sq"]


def test_targets_are_stages_and_values_read_in_words(strategy, secretariat):
    measure = build_plan(strategy, ["MSHMS"])
    indicator = milestone(measure)
    with pytest.raises(ValidationError) as refused:
        plan_services.set_targets(indicator, by=secretariat, targets={2025: Decimal(4)})
    assert "A target is the number of a stage, 1 to 3." in str(refused.value)
    plan_services.set_targets(indicator, by=secretariat, targets={2025: Decimal(3)})
    with translation.override("en"):
        assert indicator.stage_label(Decimal(2)) == "2. Consulted"
        assert indicator.stage_label(Decimal(0)) == "0. No stage reached"
        shown = Template("{% load plan %}{{ value|indicator_value:indicator }}")
        assert shown.render(Context({"value": Decimal(3), "indicator": indicator})) == "3. Adopted"
    with translation.override("sq"):
        assert indicator.stage_label(Decimal(2)) == "2. Konsultuar"


def test_the_indicator_form_keeps_the_stages_and_the_page_lists_them(strategy, secretariat, client_for):
    measure = build_plan(strategy, ["MSHMS"])
    indicator = IndicatorFactory(result=measure, code="1.1.1.n", unit_en="")
    client = client_for(secretariat)
    url = reverse("strategy:indicator_edit", args=[strategy.code, indicator.pk])
    page = client.get(url).content.decode()
    post = {
        "code": indicator.code, "name_sq": indicator.name_sq, "name_en": indicator.name_en, "kind": indicator.kind,
        "unit_en": "", "value_type": "milestone", "milestones_sq": STAGES_SQ, "milestones_en": "Drafted\nAdopted",
        "direction": "increase", "baseline": "0", "baseline_year": "", "data_source_en": "", "frequency": "annual",
        "aggregation": "stock", "responsible": "", "computed_from": "", "version": indicator.version,
    }  # fmt: skip
    assert 'name="milestones_sq"' in page
    refused = client.post(url, post)
    assert refused.status_code == 200 and "List as many stages in English (2) as in Albanian (3)." in (
        refused.content.decode()
    )
    assert "Hartuar\nKonsultuar\nMiratuar" in refused.content.decode()  # what was typed stays on screen
    assert client.post(url, post | {"milestones_en": STAGES_EN}).status_code == 302
    indicator.refresh_from_db()
    assert (indicator.milestones_sq, indicator.milestones_en) == (STAGES_SQ, STAGES_EN)
    assert indicator.history.latest().milestones_en == STAGES_EN
    detail = client.get(reverse("strategy:indicator", args=[strategy.code, indicator.pk])).content.decode()
    assert '<ol class="mb-0 ps-3" id="indicator-stages"><li>Drafted</li><li>Consulted</li>' in detail


@pytest.fixture
def milestone_report(strategy, secretariat, focal_point):
    measure = build_plan(strategy, ["MSHMS"])
    milestone(measure)
    cycle = open_half_year(strategy, secretariat)
    return ProgressReport.objects.get(cycle=cycle, institution__code="MSHMS")


def _line(report, value):
    indicator = Indicator.objects.get(code="1.1.1.m")
    return services.IndicatorLineInput(indicator.pk, total=value)


def test_a_focal_point_reports_the_stage_reached_and_nothing_else(milestone_report, focal_point):
    report = milestone_report
    with pytest.raises(services.ReportInvalid) as refused:
        services.save_report(report, by=focal_point, version=report.version, indicators=[_line(report, Decimal(4))])
    assert "A milestone indicator takes the number of the stage reached, 0 to 3." in str(refused.value)
    services.save_report(report, by=focal_point, version=report.version, indicators=[_line(report, Decimal(2))])
    assert report.indicator_values.get(indicator__code="1.1.1.m").value == 2


def test_the_report_page_offers_the_stages_by_name(milestone_report, focal_point, client_for):
    page = client_for(focal_point).get(reverse("monitoring:report", args=[milestone_report.pk])).content.decode()
    assert '<option value="2">2. Consulted</option>' in page
    assert '<option value="0">0. No stage reached</option>' in page


def test_the_report_workbook_writes_the_stage_in_words_and_reads_it_back(milestone_report, focal_point):
    report = milestone_report
    services.save_report(report, by=focal_point, version=report.version, indicators=[_line(report, Decimal(1))])
    report.refresh_from_db()
    workbook = workbook_of(report)
    sheet = workbook["Indicators"]
    row = indicator_row(sheet, "1.1.1.m")
    assert sheet[f"F{row}"].value == "1. Drafted"
    sheet[f"F{row}"] = "konsultuar"  # the Albanian name, without caring for case
    upload(report, workbook, focal_point)
    assert report.indicator_values.get(indicator__code="1.1.1.m").value == 2
    report.refresh_from_db()
    workbook = workbook_of(report)
    sheet = workbook["Indicators"]
    sheet[f"F{row}"] = "Published"
    errors = errors_of(report, workbook, focal_point)
    assert any(error.startswith(f"Indicators!F{row}:") for error in errors), errors
    sheet[f"F{row}"] = "1.5"  # a number written as text is not "stage 1"
    assert f"Indicators!F{row}: A milestone indicator takes the number of the stage reached, 0 to 3." in errors_of(
        report, workbook, focal_point
    )
    sheet[f"F{row}"] = 7
    assert f"Indicators!F{row}: A milestone indicator takes the number of the stage reached, 0 to 3." in errors_of(
        report, workbook, focal_point
    )


def test_the_plan_workbook_carries_the_stages_refuses_a_target_beyond_them_and_re_imports_unchanged(db):
    import io

    from nsm.strategy.models import Strategy
    from nsm.strategy.workbook import apply_plan, plan_changes, read_workbook, write_workbook
    from tests.strategy.workbook_support import import_errors, load_code_lists, make_workbook, valid_sheets

    load_code_lists()
    sheets = valid_sheets()
    indicators, targets = sheets["Indicators"], sheets["Targets"]
    indicators[0] += ["milestones_sq", "milestones_en"]
    indicators[1] += [None, None]
    row = ["I.2", "1.1.1", "Ligji", "The law", "output", None, "milestone", "increase", 0, 2023, None, "annual"]
    indicators.append([*row, "INSTAT", None, STAGES_SQ, STAGES_EN])
    targets.append(["I.2", 2026, 4])
    assert import_errors(sheets) == ["Targets!C4: a target of a milestone indicator is the number of a stage, 1 to 3"]
    indicators[2][15] = "Drafted\nAdopted"
    targets[3][2] = 3
    assert import_errors(sheets) == ["Indicators!P3: List as many stages in English (2) as in Albanian (3)."]
    indicators[2][15] = STAGES_EN
    parsed = read_workbook(make_workbook(sheets), name="plan.xlsx")
    assert parsed.errors == []
    apply_plan(parsed, by=None)
    indicator = Indicator.objects.get(code="I.2")
    assert (indicator.value_type, indicator.milestones_en, indicator.targets.get().value) == ("milestone", STAGES_EN, 3)
    buffer = io.BytesIO()
    write_workbook(Strategy.objects.get(code="AL-WB-TEST"), buffer, language="sq")
    again = read_workbook(buffer.getvalue())
    assert again.errors == [] and plan_changes(again).has_changes is False


def test_the_approved_stage_is_read_in_words_by_the_iptt_and_the_annual_report(
    milestone_report, focal_point, secretariat, client_for
):
    from nsm.analytics.periods import Period
    from nsm.reports.annual import build_annual

    report = milestone_report
    activities, indicators = complete_inputs(report)
    indicators = [line for line in indicators if line.indicator_id != _line(report, None).indicator_id]
    lines = [*indicators, _line(report, Decimal(2))]
    services.save_report(report, by=focal_point, version=report.version, activities=activities, indicators=lines)
    report.refresh_from_db()
    report = services.submit_report(report, by=focal_point, version=report.version)
    services.approve_report(report, by=secretariat, version=report.version)
    strategy = report.cycle.strategy
    page = client_for(secretariat).get(reverse("tracking:iptt", args=[strategy.code]) + "?period=2024")
    assert "2. Consulted" in page.content.decode()
    with translation.override("sq"):
        document = build_annual(strategy, Period.year(2024))
    rows = [row.values for table in document.tables() for row in table.rows]
    assert any("2. Konsultuar" in row and "0. Asnjë fazë e arritur" in row for row in rows), rows
