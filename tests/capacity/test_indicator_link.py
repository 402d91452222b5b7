"""An indicator marked as computed from trainings takes its report values from the training records: the officials
trained at the strategy's trainings that ended in the cycle's period, in total and by sex. The focal point cannot
type other values; the report page shows them read-only."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nsm.capacity import services as capacity
from nsm.monitoring import services
from nsm.monitoring.models import IndicatorValue, ProgressReport
from nsm.strategy import services as plan
from nsm.strategy.forms import IndicatorForm
from nsm.strategy.models import Indicator
from tests.capacity.conftest import make_training, person
from tests.monitoring.conftest import build_plan
from tests.monitoring.test_pages import form_values


@pytest.fixture
def indicator(strategy, coordinator):
    build_plan(strategy, ["MSHMS"], activities_each=1)
    indicator = Indicator.objects.get(strategy=strategy)  # a count by sex, owned by MSHMS, annual
    return plan.update_indicator(indicator, by=coordinator, data={"computed_from": "trainings"}, version=1)


@pytest.fixture
def trainings(strategy, secretariat):
    """Officials trained in 2024-H2: 2 women, 1 man, 1 other; the trainings of 2024-H1 and 2025 do not count."""
    autumn = make_training(strategy, secretariat, title="GCM", starts_on=datetime.date(2024, 9, 9),
                           ends_on=datetime.date(2024, 9, 10))  # fmt: skip
    capacity.save_participants(autumn, by=secretariat, rows=[
        person("Ana Hoxha", "MSHMS", "female"), person("Besa Kola", "MPB", "female"),
        person("Dritan Meta", "MPB", "male"), person("Eni Gjoka", "MPB", "other"),
    ])  # fmt: skip
    spring = make_training(strategy, secretariat, title="Law", starts_on=datetime.date(2024, 3, 1))
    capacity.save_participants(spring, by=secretariat, rows=[person("Fatos Lala", "MPB", "male")])
    late = make_training(strategy, secretariat, title="Data", starts_on=datetime.date(2024, 12, 30),
                         ends_on=datetime.date(2025, 1, 10))  # fmt: skip
    capacity.save_participants(late, by=secretariat, rows=[person("Gent Ruci", "MPB", "male")])
    return autumn


def open_cycle(strategy, secretariat, year=2024, half=2):
    cycle = services.create_cycle(
        strategy, by=secretariat, kind="half_year", year=year, half=half,
        opens_on=datetime.date(year, 1, 1), due_on=datetime.date(2030, 1, 1),
    )  # fmt: skip
    services.open_cycle(cycle, by=secretariat)
    return ProgressReport.objects.get(cycle=cycle, institution__code="MSHMS")


def values_of(report, indicator):
    values = IndicatorValue.objects.filter(report=report, indicator=indicator).select_related("category")
    return {value.category.code if value.category_id else "total": value.value for value in values}


def test_opening_a_cycle_fills_the_computed_values_with_history(strategy, secretariat, indicator, trainings):
    report = open_cycle(strategy, secretariat)
    assert values_of(report, indicator) == {"total": Decimal(4), "female": Decimal(2), "male": Decimal(1)}
    total = IndicatorValue.objects.get(report=report, indicator=indicator, category=None)
    record = total.history.first()
    assert (record.value, record.history_user, record.history_change_reason) == (
        Decimal(4), secretariat, "computed from trainings",
    )  # fmt: skip


def test_a_manual_indicator_is_left_empty(strategy, secretariat, coordinator, indicator, trainings):
    plan.update_indicator(indicator, by=coordinator, data={"computed_from": ""}, version=indicator.version)
    report = open_cycle(strategy, secretariat)
    assert values_of(report, indicator) == {"total": None, "female": None, "male": None}


def test_the_focal_point_cannot_change_a_computed_value(strategy, secretariat, focal_point, indicator, trainings):
    report = open_cycle(strategy, secretariat)
    female, male = (cell.pk for cell in indicator.disaggregation.get().categories.order_by("position", "code"))
    wrong = services.IndicatorLineInput(indicator.pk, total=Decimal(9), cells={female: 2, male: 1})
    with pytest.raises(services.ReportInvalid) as error:
        services.save_report(report, by=focal_point, version=report.version, indicators=[wrong])
    assert [e.field for e in error.value.line_errors] == ["total"]
    assert "computed from trainings (4)" in error.value.messages[0]
    same = services.IndicatorLineInput(indicator.pk, total=Decimal(4), cells={female: 2, male: 1}, note="From MPB")
    assert services.save_report(report, by=focal_point, version=report.version, indicators=[same]) == 1
    assert IndicatorValue.objects.get(report=report, indicator=indicator, category=None).note == "From MPB"


def test_the_report_page_shows_computed_values_read_only(client_for, strategy, secretariat, focal_point, indicator,
                                                         trainings):  # fmt: skip
    report = open_cycle(strategy, secretariat)
    client = client_for(focal_point)
    response = client.get(reverse("monitoring:report", args=[report.pk]))
    assert "Computed from trainings" in response.content.decode()
    data = form_values(response)
    assert f"i{indicator.pk}_total" not in data and f"i{indicator.pk}_note" in data
    data |= {f"i{indicator.pk}_total": "99", f"i{indicator.pk}_note": "Checked"}  # a tampered post is ignored
    assert client.post(reverse("monitoring:report", args=[report.pk]), data).status_code == 302
    total = IndicatorValue.objects.get(report=report, indicator=indicator, category=None)
    assert (total.value, total.note) == (Decimal(4), "Checked")


def test_the_report_page_brings_the_values_up_to_date(client_for, strategy, secretariat, focal_point, indicator,
                                                      trainings):  # fmt: skip
    report = open_cycle(strategy, secretariat)
    version = ProgressReport.objects.get(pk=report.pk).version
    capacity.save_participants(trainings, by=secretariat, rows=[person("Hana Doci", "MSHMS", "female")])
    response = client_for(focal_point).get(reverse("monitoring:report", args=[report.pk]))
    assert response.status_code == 200
    assert values_of(report, indicator) == {"total": Decimal(5), "female": Decimal(3), "male": Decimal(1)}
    assert response.context["form"]["version"].value() == version + 1
    record = IndicatorValue.objects.get(report=report, indicator=indicator, category=None).history.first()
    assert (record.value, record.history_user) == (Decimal(5), focal_point)


def test_a_submitted_report_keeps_its_values(client_for, strategy, secretariat, focal_point, indicator, trainings):
    report = open_cycle(strategy, secretariat)
    ProgressReport.objects.filter(pk=report.pk).update(status=ProgressReport.Status.SUBMITTED)
    capacity.save_participants(trainings, by=secretariat, rows=[person("Hana Doci", "MSHMS", "female")])
    assert services.refresh_computed_values(ProgressReport.objects.get(pk=report.pk), by=secretariat) == 0
    assert values_of(report, indicator)["total"] == Decimal(4)


def test_the_indicator_form_offers_the_choice_and_only_a_count_can_be_computed(strategy, coordinator, indicator):
    form = IndicatorForm(instance=indicator, strategy=strategy)
    assert "computed_from" in form.fields
    with pytest.raises(ValidationError) as error:
        plan.update_indicator(indicator, by=coordinator, data={"value_type": "percent"}, version=indicator.version)
    assert "computed_from" in error.value.message_dict


def test_the_report_page_with_a_computed_indicator_runs_in_a_fixed_number_of_queries(
    client_for, strategy, secretariat, focal_point, indicator, trainings
):
    report = open_cycle(strategy, secretariat)
    client = client_for(focal_point)
    page = reverse("monitoring:report", args=[report.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(page).status_code == 200
        return len(context)

    client.get(page)
    few = queries()
    for number in range(10):
        training = make_training(
            strategy, secretariat, title=f"T{number}", starts_on=datetime.date(2024, 10, number + 1)
        )
        rows = [person(f"P{number}-{n}", "MPB", "female" if n % 2 else "male") for n in range(20)]
        capacity.save_participants(training, by=secretariat, rows=rows)
    client.get(page)  # the values change once
    assert queries() == few
    assert values_of(report, indicator)["total"] == Decimal(204)
