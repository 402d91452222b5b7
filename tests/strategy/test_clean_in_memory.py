"""Checking objects in memory (`nsm.core.bulk.clean_in_memory`, a plan import's check) says what full_clean() says,
with the same messages under the same fields, without asking the database for each object."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nsm.core.bulk import UniqueKeys, clean_in_memory
from nsm.strategy.models import ActivityBudget, Strategy
from tests.factories import ActivityBudgetFactory, StrategyFactory


def errors_of(check) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        check()
    return raised.value.message_dict


@pytest.mark.parametrize(
    "changes",
    [
        {},  # the same year, source and donor as the stored line: its unique constraint
        {"amount": Decimal("-1")},  # clean() refuses it; the constraint on the amount is then not checked
        {"source": ActivityBudget.Source.DONOR},  # no donor named: clean() and a check constraint
        {"year": 2024, "source": ActivityBudget.Source.OTHER, "donor": "EU"},  # a donor on another line
    ],
)
def test_a_budget_line_is_refused_in_memory_as_full_clean_refuses_it(db, changes):
    stored = ActivityBudgetFactory()
    line = ActivityBudget(activity=stored.activity, year=stored.year, source=stored.source, amount=Decimal(5))
    for name, value in changes.items():
        setattr(line, name, value)
    expected = errors_of(line.full_clean)
    keys = UniqueKeys(ActivityBudget, [stored])
    with CaptureQueriesContext(connection) as queries:
        assert errors_of(lambda: clean_in_memory(line, keys)) == expected
    assert len(queries) == 0


def test_a_strategys_years_out_of_order_are_refused_in_memory_as_full_clean_refuses_them(db):
    strategy = Strategy(code="AL-NEW", start_year=2030, end_year=2024, plan_start_year=2024, plan_end_year=2026)
    expected = errors_of(strategy.full_clean)
    assert errors_of(lambda: clean_in_memory(strategy, UniqueKeys(Strategy))) == expected


def test_a_strategy_code_taken_is_still_refused_by_its_unique_field(db):
    StrategyFactory(code="AL-TAKEN")
    strategy = Strategy(code="AL-TAKEN", start_year=2024, end_year=2030, plan_start_year=2024, plan_end_year=2026)
    expected = errors_of(strategy.full_clean)
    assert "code" in expected
    assert errors_of(lambda: clean_in_memory(strategy, UniqueKeys(Strategy))) == expected


def test_a_valid_line_passes_and_its_key_is_then_taken(db):
    stored = ActivityBudgetFactory()
    keys = UniqueKeys(ActivityBudget, [stored])
    line = ActivityBudget(activity=stored.activity, year=2025, source=stored.source, amount=Decimal(5))
    clean_in_memory(line, keys)
    keys.add(line)
    twin = ActivityBudget(activity=stored.activity, year=2025, source=stored.source, amount=Decimal(7))
    assert errors_of(lambda: clean_in_memory(twin, keys)) == {
        "__all__": ["This activity already has a line for this year, source and donor."]
    }
