"""Amounts a plan states in another currency (EUR in a plan costed in ALL): kept as stated, with the stated rate,
and converted to the cent into the plan's currency, which every total and funding gap reads."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from nsm.strategy import services
from nsm.strategy.models import ActivityBudget
from nsm.strategy.services import BudgetLineInput
from nsm.strategy.workbook import apply_plan, read_workbook, write_workbook
from tests.factories import ActivityBudgetFactory
from tests.strategy.workbook_support import load_code_lists, make_workbook, set_cell, valid_sheets


@pytest.fixture(autouse=True)
def code_lists(db):
    load_code_lists()


def in_euro(rate="100.25"):
    sheets = valid_sheets()
    set_cell(sheets, "Budget!F1", "currency")
    set_cell(sheets, "Budget!G1", "rate")
    set_cell(sheets, "Budget!E4", "10 000,50")
    set_cell(sheets, "Budget!F4", "EUR")
    set_cell(sheets, "Budget!G4", rate)
    return sheets


def test_an_amount_in_another_currency_is_kept_as_stated_and_converted():
    parsed = read_workbook(make_workbook(in_euro()))
    assert parsed.errors == []
    apply_plan(parsed, by=None)
    line = ActivityBudget.objects.get(activity__code="1.1.1.2")
    assert (line.currency, line.stated_amount, line.rate) == ("EUR", Decimal("10000.50"), Decimal("100.25"))
    assert line.amount == Decimal("1002550.13")  # 10,000.50 x 100.25 = 1,002,550.125, to the cent


def test_a_stated_currency_without_its_rate_is_an_error_at_the_rate_cell():
    parsed = read_workbook(make_workbook(in_euro(rate=None)))
    assert parsed.errors.lines() == ["Budget!G4: the amount is in EUR: give the rate to ALL (ALL for 1 EUR)"]


def test_a_rate_without_another_currency_is_an_error():
    sheets = in_euro()
    set_cell(sheets, "Budget!F4", "ALL")
    parsed = read_workbook(make_workbook(sheets))
    assert parsed.errors.lines() == ["Budget!G4: a rate is given only with an amount in another currency"]


def test_the_export_writes_the_stated_amount_and_rate_and_imports_unchanged(tmp_path):
    apply_plan(read_workbook(make_workbook(in_euro())), by=None)
    line = ActivityBudget.objects.get(activity__code="1.1.1.2")
    path = tmp_path / "plan.xlsx"
    write_workbook(line.activity.strategy, path)
    again = read_workbook(path.read_bytes())
    assert again.errors == []
    summary = apply_plan(again, by=None)
    assert summary.totals["changed"] == 0 and summary.totals["created"] == 0


def test_an_amount_typed_on_the_page_is_in_the_plans_currency(coordinator):
    line = ActivityBudgetFactory(
        amount=Decimal("200.50"), currency="EUR", stated_amount=Decimal("2"), rate=Decimal("100.25")
    )
    line.full_clean()
    activity = line.activity
    typed = BudgetLineInput(year=line.year, source=line.source, amount=Decimal("300"))
    services.set_budget_lines(activity, by=coordinator, lines=[typed], version=activity.version)
    line.refresh_from_db()
    assert (line.amount, line.currency, line.stated_amount, line.rate) == (Decimal("300"), "", None, None)


def test_a_converted_amount_that_does_not_match_its_rate_is_refused():
    line = ActivityBudgetFactory.build(
        activity=ActivityBudgetFactory().activity, year=2025, amount=Decimal("1"), currency="EUR",
        stated_amount=Decimal("2"), rate=Decimal("100"),
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        line.full_clean()
    assert "not the stated amount at the stated rate" in refused.value.message_dict["amount"][0]


def test_a_converted_amount_too_large_is_an_error_at_the_amount_cell():
    sheets = in_euro(rate="120")
    set_cell(sheets, "Budget!E4", "9999999999999")
    parsed = read_workbook(make_workbook(sheets))
    assert len(parsed.errors) == 1 and parsed.errors[0].startswith("Budget!E4: the number is too large")
