"""An import moves on the version of every result, activity and indicator it changes (or whose budget lines or
targets it changes) by exactly one, so that a page edit begun before the import is refused as stale."""

import pytest

from nsm.strategy.models import Activity, Indicator, Result
from nsm.strategy.workbook import apply_plan, read_workbook
from tests.strategy.workbook_support import load_code_lists, make_workbook, set_cell, valid_sheets


@pytest.fixture(autouse=True)
def code_lists(db):
    load_code_lists()


def imported(sheets):
    parsed = read_workbook(make_workbook(sheets), name="plan.xlsx")
    assert parsed.errors == []
    return apply_plan(parsed, by=None)


def versions() -> dict[str, int]:
    plan = [*Result.objects.all(), *Activity.objects.all(), *Indicator.objects.all()]
    return {f"{type(item).__name__} {item.code}": item.version for item in plan}


@pytest.fixture
def plan() -> dict[str, int]:
    """The test plan, imported once: everything at version 1."""
    imported(valid_sheets())
    assert set(versions().values()) == {1}
    return versions()


def bumped(before: dict[str, int]) -> dict[str, int]:
    """The items whose version changed, with how much it went up."""
    return {name: version - before[name] for name, version in versions().items() if version != before[name]}


def test_importing_the_same_file_again_keeps_every_version(plan):
    imported(valid_sheets())
    assert bumped(plan) == {}


def test_a_changed_title_bumps_that_items_version_by_one(plan):
    imported(set_cell(valid_sheets(), "Results!D3", "Objective one"))
    assert bumped(plan) == {"Result 1.1": 1}


def test_a_change_of_lists_only_bumps_the_version(plan):
    imported(set_cell(valid_sheets(), "Indicators!N2", "sex"))
    assert bumped(plan) == {"Indicator I.1": 1}


def test_a_changed_budget_line_bumps_its_activitys_version_with_one_history_row(plan):
    activity = Activity.objects.get(code="1.1.1.2")
    history = activity.history.count()
    imported(set_cell(valid_sheets(), "Budget!E4", 5000))
    assert bumped(plan) == {"Activity 1.1.1.2": 1}
    assert activity.history.count() == history + 1
    assert activity.history.latest().version == 2


def test_a_deleted_budget_line_bumps_its_activitys_version(plan):
    sheets = valid_sheets()
    del sheets["Budget"][3]  # the only line of 1.1.1.2
    imported(sheets)
    assert bumped(plan) == {"Activity 1.1.1.2": 1}


def test_a_budget_line_of_an_activity_left_out_of_the_activities_sheet_bumps_that_activity(plan):
    sheets = set_cell(valid_sheets(), "Budget!E4", 5000)
    del sheets["Activities"][2]  # 1.1.1.2 is only named in the Budget sheet
    imported(sheets)
    assert bumped(plan) == {"Activity 1.1.1.2": 1}


def test_an_activity_changed_together_with_its_budget_goes_up_by_one_only(plan):
    sheets = set_cell(valid_sheets(), "Activities!E2", "ZKM")
    set_cell(sheets, "Budget!E2", 7)
    imported(sheets)
    assert bumped(plan) == {"Activity 1.1.1.1": 1}


def test_a_changed_target_bumps_its_indicators_version(plan):
    imported(set_cell(valid_sheets(), "Targets!C2", 175))
    assert bumped(plan) == {"Indicator I.1": 1}
