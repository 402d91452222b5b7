"""Costs as plans state them: costed by year and source, within an institution's existing budget, or not yet costed.
Only a costed activity has budget lines; the others print in words, never as 0, and count in no funding gap."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from nsm.consultation import quality
from nsm.strategy import services
from nsm.strategy.models import Activity, ActivityBudget, CostBasis
from nsm.strategy.selectors import plan_tree
from nsm.strategy.services import BudgetLineInput
from nsm.strategy.workbook import apply_plan, read_workbook, write_workbook
from tests.factories import ActivityBudgetFactory, ActivityFactory, MeasureFactory
from tests.strategy.workbook_support import load_code_lists, make_workbook, set_cell, valid_sheets


@pytest.fixture
def plan_activity(strategy):
    return ActivityFactory(measure=MeasureFactory(parent__parent__strategy=strategy))


def test_an_activity_with_budget_lines_cannot_be_marked_within_budget_and_nothing_is_lost(plan_activity, coordinator):
    ActivityBudgetFactory(activity=plan_activity, amount=Decimal("1200000"))
    with pytest.raises(ValidationError) as refused:
        services.update_activity(
            plan_activity, by=coordinator, data={"cost_basis": CostBasis.WITHIN_BUDGET}, version=plan_activity.version
        )
    assert "has 1 budget line" in refused.value.message_dict["cost_basis"][0]
    plan_activity.refresh_from_db()
    assert plan_activity.cost_basis == CostBasis.COSTED and plan_activity.budget_lines.count() == 1


def test_an_activity_not_costed_takes_no_budget_line(plan_activity, coordinator):
    services.update_activity(
        plan_activity, by=coordinator, data={"cost_basis": CostBasis.NOT_COSTED}, version=plan_activity.version
    )
    plan_activity.refresh_from_db()
    line = BudgetLineInput(year=2025, source=ActivityBudget.Source.STATE_BUDGET, donor="", amount=Decimal("5"))
    with pytest.raises(ValidationError) as refused:
        services.set_budget_lines(plan_activity, by=coordinator, lines=[line], version=plan_activity.version)
    assert 'is marked "Not yet costed"' in " ".join(refused.value.messages)
    assert not ActivityBudget.objects.exists()


def test_the_plan_page_says_in_words_what_is_not_costed_and_never_prints_0(
    client_for, coordinator, strategy, plan_activity
):
    within = ActivityFactory(
        measure=plan_activity.measure, cost_basis=CostBasis.WITHIN_BUDGET, cost_note="within the budget of MPB"
    )
    ActivityFactory(measure=plan_activity.measure, cost_basis=CostBasis.NOT_COSTED)
    client = client_for(coordinator)
    page = client.get(reverse("strategy:detail", args=[strategy.code])).content.decode()
    assert page.count("Within the existing budget") == 1 and page.count("Not yet costed") == 1
    detail = client.get(reverse("strategy:activity", args=[strategy.code, within.pk])).content.decode()
    assert "Within the existing budget: within the budget of MPB" in detail
    assert "Edit the budget" not in detail and "has no budget lines" in detail


def test_the_funding_gap_and_the_total_count_only_costed_activities(strategy, plan_activity):
    ActivityBudgetFactory(activity=plan_activity, source=ActivityBudget.Source.UNFUNDED, amount=Decimal("300"))
    ActivityFactory(measure=plan_activity.measure, cost_basis=CostBasis.NOT_COSTED)
    tree = plan_tree(strategy)
    assert (tree.costs.total, tree.costs.unfunded) == (Decimal("300"), Decimal("300"))


def test_the_quality_check_flags_an_uncosted_activity_but_not_one_within_budget(strategy, plan_activity):
    ActivityBudgetFactory(activity=plan_activity)
    within = ActivityFactory(measure=plan_activity.measure, cost_basis=CostBasis.WITHIN_BUDGET)
    uncosted = ActivityFactory(measure=plan_activity.measure, cost_basis=CostBasis.NOT_COSTED)
    no_cost = {gap.code: gap.message for gap in quality.check(strategy) if gap.reason == "no_cost"}
    assert no_cost == {uncosted.code: "It is not yet costed."}
    assert within.code not in no_cost


# -- the workbook ---------------------------------------------------------------------------------------------


@pytest.fixture
def code_lists(db):
    load_code_lists()


def with_cost(basis, note=None):
    sheets = valid_sheets()
    set_cell(sheets, "Activities!K1", "cost_basis")
    set_cell(sheets, "Activities!L1", "cost_note")
    set_cell(sheets, "Activities!K3", basis)
    set_cell(sheets, "Activities!L3", note)
    sheets["Budget"] = [row for row in sheets["Budget"] if row[0] != "1.1.1.2"]
    return sheets


@pytest.mark.parametrize(
    ("written", "basis"),
    [
        ("within_budget", "within_budget"),
        ("Brenda buxhetit të miratuar të institucionit", "within_budget"),
        ("Within the approved budget of the institution", "within_budget"),
        ("Pa kosto shtesë", "within_budget"),
        ("not_costed", "not_costed"),
        ("Not yet costed", "not_costed"),
        ("E pakostuar", "not_costed"),
        ("Costed", "costed"),
        (None, "costed"),
    ],
)
def test_the_workbook_reads_a_cost_basis_as_plans_write_it(code_lists, written, basis):
    parsed = read_workbook(make_workbook(with_cost(written)))
    assert parsed.errors == []
    assert parsed.activities["1.1.1.2"].values["cost_basis"] == basis


def test_a_budget_line_of_an_activity_not_costed_is_an_error_at_its_cell(code_lists):
    sheets = valid_sheets()
    set_cell(sheets, "Activities!K1", "cost_basis")
    set_cell(sheets, "Activities!K2", "not costed")
    parsed = read_workbook(make_workbook(sheets))
    assert parsed.errors and all(error.startswith("Budget!A") for error in parsed.errors)
    assert 'activity 1.1.1.1 is marked "Not yet costed"' in parsed.errors[0]


def test_an_unknown_cost_basis_is_an_error_at_its_cell(code_lists):
    parsed = read_workbook(make_workbook(with_cost("maybe")))
    assert parsed.errors.lines()[0].startswith('Activities!K3: "maybe" is not a cost basis')


def test_a_plan_with_costs_in_words_exports_and_imports_unchanged(code_lists, tmp_path):
    apply_plan(read_workbook(make_workbook(with_cost("within budget", "within the budget of AKPA"))), by=None)
    activity = Activity.objects.get(code="1.1.1.2")
    assert (activity.cost_basis, activity.cost_note) == ("within_budget", "within the budget of AKPA")
    path = tmp_path / "plan.xlsx"
    write_workbook(activity.strategy, path)
    again = read_workbook(path.read_bytes())
    assert again.errors == []
    summary = apply_plan(again, by=None)
    assert summary.totals["changed"] == 0 and summary.totals["created"] == 0
