"""Fixtures for the evidence base: the reference CSV, an indicator with a few values, another country's."""

from decimal import Decimal
from pathlib import Path

import pytest

from nsm.context.models import ContextIndicator, ContextValue
from nsm.demo.context import CONTEXT_FILE
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

HEADER = "indicator,value,unit,year,source,source_url,verified,notes\n"


@pytest.fixture
def reference_csv() -> Path:
    return CONTEXT_FILE


@pytest.fixture
def write_csv(tmp_path):
    """`write_csv(rows)`: a CSV file with the shared header and the given lines."""

    def write(*lines: str, header: str = HEADER) -> Path:
        path = tmp_path / "context.csv"
        path.write_text(header + "".join(line + "\n" for line in lines), encoding="utf-8")
        return path

    return write


@pytest.fixture
def remittances(db) -> ContextIndicator:
    indicator = ContextIndicator.objects.create(
        country="AL", code="remittances", name_en="Remittances received", topic="remittances", unit_en="EUR million"
    )
    for year, value in ((2020, "673"), (2021, "761"), (2023, "930")):
        ContextValue.objects.create(
            indicator=indicator, year=year, value=Decimal(value), source="Bank of Albania", verified="yes"
        )
    return indicator


@pytest.fixture
def kosovo_indicator(db) -> ContextIndicator:
    indicator = ContextIndicator.objects.create(
        country="XK", code="remittances", name_en="Remittances XK", unit_en="EUR"
    )
    ContextValue.objects.create(indicator=indicator, year=2022, value=Decimal("1200"), source="CBK")
    return indicator


@pytest.fixture
def kosovo_secretariat(db):
    user = UserFactory(username="secretariat-xk")
    MembershipFactory(user=user, institution=InstitutionFactory(code="MPB-XK", country="XK"), role="secretariat")
    return user
