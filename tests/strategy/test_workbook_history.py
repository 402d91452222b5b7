"""What an import leaves in history: one row per item it changes, showing the final state, and nothing else;
and an import that fails half-way leaves nothing at all."""

import pytest
from django.core.exceptions import ValidationError

from nsm.strategy.models import Activity, ActivityBudget, IndicatorTarget, Result
from nsm.strategy.workbook import WorkbookError, apply_plan, read_workbook
from tests.strategy.workbook_support import load_code_lists, make_workbook, row_counts, set_cell, valid_sheets


@pytest.fixture(autouse=True)
def code_lists(db):
    load_code_lists()


def imported(sheets, *, by=None):
    parsed = read_workbook(make_workbook(sheets), name="plan.xlsx")
    assert parsed.errors == []
    return apply_plan(parsed, by=by)


def history_counts() -> dict[str, int]:
    return {name: count for name, count in row_counts().items() if name.startswith("history of")}


def test_changing_only_an_activitys_partners_records_one_history_row_with_the_new_partners():
    imported(valid_sheets())
    activity = Activity.objects.get(code="1.1.1.1")
    rows_before = activity.history.count()
    imported(set_cell(valid_sheets(), "Activities!E2", "ZKM; INSTAT"))
    assert activity.history.count() == rows_before + 1
    latest = activity.history.latest()
    assert sorted(p.institution.code for p in latest.partners.all()) == ["INSTAT", "ZKM"]
    assert sorted(p.code for p in activity.partners.all()) == ["INSTAT", "ZKM"]


def test_changing_only_an_activitys_partners_records_nothing_for_the_rest_of_the_plan():
    imported(valid_sheets())
    before = history_counts()
    imported(set_cell(valid_sheets(), "Activities!E2", "ZKM"))
    after = history_counts()
    assert after["history of Activity"] == before["history of Activity"] + 1
    assert {name: count for name, count in after.items() if name != "history of Activity"} == {
        name: count for name, count in before.items() if name != "history of Activity"
    }


def test_a_change_of_fields_and_lists_together_is_one_history_row_in_the_final_state():
    imported(valid_sheets())
    sheets = set_cell(valid_sheets(), "Results!C4", "Masa e re")
    set_cell(sheets, "Results!E4", "7")
    set_cell(sheets, "Results!F4", "8.8; 16.2")
    imported(sheets)
    measure = Result.objects.get(code="1.1.1")
    latest = measure.history.latest()
    assert measure.history.count() == 2
    assert latest.title_sq == "Masa e re"
    assert sorted(g.gcmobjective.number for g in latest.gcm_objectives.all()) == [7]
    assert sorted(t.sdgtarget.code for t in latest.sdg_targets.all()) == ["16.2", "8.8"]


def test_a_created_item_with_lists_has_one_created_history_row_showing_its_lists():
    imported(valid_sheets())
    [record] = Activity.objects.get(code="1.1.1.1").history.all()
    assert record.history_type == "+"
    assert sorted(p.institution.code for p in record.partners.all()) == ["AKPA", "QKM"]
    assert [g.targetgroup.code for g in record.target_groups.all()] == ["returnees"]


def test_a_validation_error_half_way_through_the_import_writes_nothing(monkeypatch):
    """The last thing written is a target: by then the strategy, institutions, results, activities, budget
    lines and indicators have been saved in the transaction, and all of them must be rolled back."""
    before = row_counts()
    written_before_failing = {}

    def refuse(target, *args, **kwargs):
        written_before_failing.update(activities=Activity.objects.count(), budget=ActivityBudget.objects.count())
        raise ValidationError({"value": "refused by the test"})

    monkeypatch.setattr(IndicatorTarget, "full_clean", refuse)
    parsed = read_workbook(make_workbook(valid_sheets()), name="plan.xlsx")
    assert parsed.errors == []
    with pytest.raises(WorkbookError) as raised:
        apply_plan(parsed, by=None)
    assert written_before_failing == {"activities": 2, "budget": 3}
    assert raised.value.messages == ["Targets!C2: refused by the test"]
    assert row_counts() == before


def refuse_every_target(target, *args, **kwargs):
    raise ValidationError("refused by the test")


def test_a_failure_half_way_through_changing_a_plan_keeps_the_plan_and_its_history_as_they_were(monkeypatch):
    imported(valid_sheets())
    before = row_counts()
    sheets = set_cell(valid_sheets(), "Activities!E2", "ZKM")
    set_cell(sheets, "Targets!C3", 999)
    monkeypatch.setattr(IndicatorTarget, "full_clean", refuse_every_target)
    with pytest.raises(WorkbookError):
        apply_plan(read_workbook(make_workbook(sheets)), by=None)
    assert row_counts() == before
    assert sorted(p.code for p in Activity.objects.get(code="1.1.1.1").partners.all()) == ["AKPA", "QKM"]
