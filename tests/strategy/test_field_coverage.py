"""A plan field travels everywhere the plan goes (docs/architecture.md, "Adding a field end to end"): the version
snapshot, the workbook and the API schema. A field of Result, Activity or Indicator missing from one of them fails
here, unless it is listed below with the reason it is left out."""

import datetime

import pytest

from nsm.api import schemas
from nsm.consultation import versions
from nsm.strategy import workbook
from nsm.strategy.models import Activity, Indicator, Result, Withdrawable
from tests.factories import ActivityFactory, IndicatorFactory

# Kept by every model for its own use: never a field of the plan's formats.
INTERNAL = {"id", "strategy", "sort_key", "version", "code"}
WITHDRAWAL = {field.name for field in Withdrawable._meta.get_fields()}

# Where a format names a field otherwise (the workbook writes a timeframe as two periods and the text as written,
# the API the parent's id).
ALIASES = {
    "workbook": {
        "start_year": "start",
        "start_quarter": "start",
        "end_year": "end",
        "end_quarter": "end",
        "recurrence": "timeframe",  # read from the timeframe as written
        "depth": "level",  # a result's level, named as the plan names it (and given by its code)
        "activity": "result",  # an activity's indicator names the activity in the result column
        "lead": "responsible",  # the responsible institutions in order; the lead is the marked one, else the first
        "lead_place": "marked_lead",  # the responsible institution the plan marks lead, by name or code
        "partners": "supporting",  # with the other responsible institutions of the responsible column
    },
    "api": {"parent": "parent_id"},
    # The one unit and data source of versions kept before the English ones existed were Albanian, and keep the name.
    "snapshot": {"unit_sq": "unit", "data_source_sq": "data_source"},
}
# Fields a format leaves out on purpose, with the reason.
LEFT_OUT = {
    "workbook": {
        # An item's place in the tree is its code: the workbook derives the parent and the measure from it.
        "parent": "derived from the code",
        "measure": "derived from the code",
        # Withdrawal is a step with its reason and date on the item's page; an item left out of a workbook is never
        # deleted, and a re-import of an exported plan leaves withdrawn items as they are.
        **dict.fromkeys(WITHDRAWAL, "withdrawn on the item's page"),
        "computed_from": "chosen on the indicator's page",
    },
    "snapshot": {"parent": "derived from the code (the snapshot's key)"},
    "api": {},
}


def model_fields(model):
    return {
        field.name
        for field in model._meta.get_fields()
        if (field.concrete or (field.many_to_many and not field.auto_created)) and field.name not in INTERNAL
    }


def missing(model, format_name, names):
    aliases, left_out = ALIASES.get(format_name, {}), LEFT_OUT[format_name]
    return sorted(name for name in model_fields(model) - set(left_out) if aliases.get(name, name) not in names)


SHEETS = {Result: workbook.RESULTS, Activity: workbook.ACTIVITIES, Indicator: workbook.INDICATORS}
SCHEMAS = {Result: schemas.ResultOut, Activity: schemas.ActivityOut, Indicator: schemas.IndicatorOut}


@pytest.mark.parametrize("model", [Result, Activity, Indicator], ids=lambda model: model.__name__)
def test_every_plan_field_is_a_column_of_the_workbook(model):
    assert missing(model, "workbook", {column.field for column in SHEETS[model].columns}) == []


@pytest.mark.parametrize("model", [Result, Activity, Indicator], ids=lambda model: model.__name__)
def test_every_plan_field_is_in_the_api_schema(model):
    assert missing(model, "api", set(SCHEMAS[model].model_fields)) == []


@pytest.mark.django_db
def test_every_plan_field_is_frozen_in_a_version():
    withdrawn = {"withdrawn_on": datetime.date(2025, 3, 1), "withdrawn_reason": "Merged"}
    # A version keeps a reference only where the plan gives one, the place of a lead only where the plan marks one, and
    # stages only where an indicator lists them (versions frozen before these existed compare equal).
    activity = ActivityFactory(
        reference="ACTION 1",
        lead_place=1,
        measure__reference="M1",
        measure__withdrawn_on=withdrawn["withdrawn_on"],
        **withdrawn,
    )
    indicator = IndicatorFactory(
        result=activity.measure,
        computed_from="trainings",
        aggregation="flow",
        milestones_sq="Hartuar\nMiratuar",
        milestones_en="Drafted\nAdopted",
        **withdrawn,
    )
    items = {
        Result: versions._result_item(activity.measure),
        Activity: versions._activity_item(activity),
        Indicator: versions._indicator_item(indicator),
    }
    for model, item in items.items():
        assert missing(model, "snapshot", set(item)) == [], model.__name__
