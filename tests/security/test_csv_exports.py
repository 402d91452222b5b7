"""Every CSV the product writes neutralises a cell that a spreadsheet would run as a formula; numbers stay numbers.

The finding: a plan item titled `=HYPERLINK(...)` came out raw in the open data's `activities.csv` and
`indicators.csv`. Each CSV export is opened with a formula in every text column; every writer goes through
`nsm.core.csvsafe` (a test below fails when a module writes CSV another way).
"""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from nsm.core import csvsafe
from tests.factories import (
    ActivityBudgetFactory,
    ActivityFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    InstitutionFactory,
    MeasureFactory,
    StrategyFactory,
)

pytestmark = pytest.mark.django_db

NSM = Path(__file__).resolve().parents[2] / "nsm"
# One payload per way a formula starts (short: a result's code holds 20 characters); the text columns take them in
# turn, each with its own number, so that every start meets codes, titles and names.
PAYLOADS = ["=1+1", "+1+1", "-1+1", "@SUM(1)", "\t=1", "\r=1", '=HYPERLINK("x")']
COLUMNS = [
    "activity_code", "title_sq", "title_en", "lead_code", "lead_name_sq", "lead_name_en",
    "indicator_code", "result_code", "name_sq", "name_en", "unit_sq",
]  # fmt: skip


def payload(column: str) -> str:
    index = COLUMNS.index(column)
    return f"{PAYLOADS[index % len(PAYLOADS)]}#{index}"


@pytest.fixture
def hostile_plan():
    """A published strategy whose every text that reaches a CSV is a formula; a baseline that is negative."""
    strategy = StrategyFactory(code="AL-CSV", is_public=True)
    lead = InstitutionFactory(
        code=payload("lead_code"), name_sq=payload("lead_name_sq"), name_en=payload("lead_name_en")
    )
    measure = MeasureFactory(parent__parent__strategy=strategy, code=payload("result_code"))
    activity = ActivityFactory(
        measure=measure,
        code=payload("activity_code"),
        title_sq=payload("title_sq"),
        title_en=payload("title_en"),
        lead=lead,
        start_year=2024,
        end_year=2025,
    )
    ActivityBudgetFactory(activity=activity, year=2024, amount=Decimal("1500.00"))
    indicator = IndicatorFactory(
        result=measure,
        code=payload("indicator_code"),
        name_sq=payload("name_sq"),
        name_en=payload("name_en"),
        unit_sq=payload("unit_sq"),
        baseline=Decimal("-5"),
    )
    IndicatorTargetFactory(indicator=indicator, year=2024, value=Decimal("10"))
    return strategy


# Every CSV export: its address and its text columns (the others are numbers, years and codes from a fixed list).
EXPORTS = {
    "/api/v1/open/strategies/AL-CSV/activities.csv": [
        "activity_code", "title_sq", "title_en", "lead_code", "lead_name_sq", "lead_name_en"
    ],
    "/api/v1/open/strategies/AL-CSV/indicators.csv": [
        "indicator_code", "result_code", "name_sq", "name_en", "unit_sq"
    ],
}  # fmt: skip


@pytest.mark.parametrize("address", EXPORTS)
def test_every_text_column_of_every_csv_export_is_written_as_text(public, hostile_plan, address):
    response = public.get(address)
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows
    for row in rows:
        for column in EXPORTS[address]:
            assert row[column] == "'" + payload(column), (column, row[column])
        for column, value in row.items():
            if column not in EXPORTS[address]:
                assert not value.startswith(("'", "=", "@", "\t", "\r")), (column, value)


def test_a_negative_number_stays_a_number(public, hostile_plan):
    response = public.get("/api/v1/open/strategies/AL-CSV/indicators.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert {row["baseline"] for row in rows} == {"-5"}


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-", "'-"),
        ("-5", "-5"),
        ("+3.25", "+3.25"),
        ("-2.5e3", "-2.5e3"),
        ("Kthim - riintegrim", "Kthim - riintegrim"),
        ("Ç'është", "Ç'është"),
        ("", ""),
        (None, ""),
        (Decimal("-1500.00"), "-1500.00"),
        (-7, "-7"),
        (2024, "2024"),
    ],
)
def test_a_cell_is_neutralised_only_when_a_spreadsheet_would_run_it(value, written):
    assert csvsafe.cell(value) == written


def test_no_module_writes_csv_but_through_csvsafe():
    """A new CSV export that calls `csv.writer` itself would skip the rule: every writer goes through csvsafe."""
    writers = [
        f"{path.relative_to(NSM.parent)}:{number}"
        for path in NSM.rglob("*.py")
        if path.name != "csvsafe.py" and "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bcsv\.(writer|DictWriter)\b", line)
    ]
    assert writers == []
