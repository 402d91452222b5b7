"""Indicators of an activity (its output indicators), beside those of goals, objectives and measures: the indicator
belongs to the activity's measure too, so every roll-up by result counts it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from nsm.strategy import services
from nsm.strategy.forms import IndicatorForm
from nsm.strategy.models import Activity, Indicator
from nsm.strategy.workbook import apply_plan, read_workbook, write_workbook
from tests.factories import ActivityFactory, IndicatorFactory, MeasureFactory
from tests.strategy.workbook_support import load_code_lists, make_workbook, set_cell, valid_sheets


@pytest.fixture
def activity(strategy):
    return ActivityFactory(measure=MeasureFactory(parent__parent__strategy=strategy))


def test_an_indicator_of_an_activity_belongs_to_its_measure(activity):
    indicator = IndicatorFactory(result=activity.measure, activity=activity)
    indicator.full_clean()
    other = ActivityFactory(strategy=activity.strategy)
    indicator.activity = other
    with pytest.raises(ValidationError) as refused:
        indicator.full_clean()
    assert "not one of this indicator's result" in refused.value.message_dict["activity"][0]


def test_the_indicator_form_offers_the_measures_activities(activity, coordinator):
    sibling = ActivityFactory(measure=activity.measure)
    instance = Indicator(strategy=activity.strategy, result=activity.measure, code="X.1")
    form = IndicatorForm(strategy=activity.strategy, instance=instance)
    assert list(form.fields["activity"].queryset) == [activity, sibling]
    goal_form = IndicatorForm(
        strategy=activity.strategy, instance=Indicator(strategy=activity.strategy, result=activity.measure.parent)
    )
    assert "activity" not in goal_form.fields


def test_the_pages_link_the_activity_and_its_indicators(client_for, coordinator, strategy, activity):
    indicator = IndicatorFactory(result=activity.measure, activity=activity, name_en="Counters opened")
    client = client_for(coordinator)
    page = client.get(reverse("strategy:activity", args=[strategy.code, activity.pk])).content.decode()
    assert "Indicators of this activity" in page and "Counters opened" in page
    page = client.get(reverse("strategy:indicator", args=[strategy.code, indicator.pk])).content.decode()
    assert 'id="indicator-activity"' in page and activity.code in page


def test_deleting_the_activity_leaves_its_indicator_with_the_measure(activity, coordinator):
    indicator = IndicatorFactory(result=activity.measure, activity=activity)
    version = indicator.version
    services.delete_activity(activity, by=coordinator, version=activity.version)
    indicator.refresh_from_db()
    assert (indicator.activity, indicator.result) == (None, activity.measure)
    assert indicator.version == version + 1  # a form opened before is refused as stale
    latest = indicator.history.first()
    assert (latest.activity_id, latest.history_user) == (None, coordinator)


@pytest.fixture
def code_lists(db):
    load_code_lists()


def test_the_workbook_names_an_activity_in_the_result_column_and_round_trips(code_lists, tmp_path):
    sheets = valid_sheets()
    set_cell(sheets, "Indicators!B2", "1.1.1.2")
    parsed = read_workbook(make_workbook(sheets))
    assert parsed.errors == []
    apply_plan(parsed, by=None)
    indicator = Indicator.objects.get(code=sheets["Indicators"][1][0])
    assert (indicator.activity.code, indicator.result.code) == ("1.1.1.2", "1.1.1")
    path = tmp_path / "plan.xlsx"
    write_workbook(indicator.strategy, path)
    again = read_workbook(path.read_bytes())
    summary = apply_plan(again, by=None)
    assert summary.totals["changed"] == 0 and summary.totals["created"] == 0
    assert Activity.objects.get(code="1.1.1.2").indicators.get() == indicator


def test_an_unknown_activity_or_result_is_an_error_at_its_cell(code_lists):
    sheets = valid_sheets()
    set_cell(sheets, "Indicators!B2", "1.1.1.9")
    parsed = read_workbook(make_workbook(sheets))
    assert parsed.errors.lines() == ['Indicators!B2: unknown result or activity "1.1.1.9"']
