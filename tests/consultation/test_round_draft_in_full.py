"""Whoever reads a consultation round, an invited external stakeholder too, reads the draft in full: each activity's
responsible institutions (the lead named), supporting ones, timeframe and planned cost by year, and each
indicator's responsible institution, as the consulted version holds them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from nsm.consultation import rounds, versions
from nsm.consultation.models import PlanVersion
from nsm.strategy.models import Activity, ActivityBudget
from tests.consultation.round_fixtures import *  # noqa: F403 - the fixtures: ngo, stakeholder
from tests.consultation.round_fixtures import days
from tests.factories import ActivityBudgetFactory
from tests.monitoring.conftest import build_plan


@pytest.fixture
def costed_round(strategy, secretariat, ngo):
    build_plan(strategy, ["MSHMS", "AKPA"], activities_each=1)
    activity = Activity.objects.get(strategy=strategy, lead__code="MSHMS")
    ActivityBudgetFactory(activity=activity, year=2024, amount=Decimal("1500000"))
    ActivityBudgetFactory(activity=activity, year=2025, amount=Decimal("250000"), source=ActivityBudget.Source.DONOR,
                          donor="EU")  # fmt: skip
    version = PlanVersion.objects.create(strategy=strategy, number=1, snapshot=versions.snapshot(strategy))
    made = rounds.create_round(
        version, by=secretariat, title="Draft for comments", opens_on=days(-1), closes_on=days(30), invited=[ngo]
    )
    return made, activity


def test_the_invited_stakeholder_reads_costs_and_responsibilities(client_for, stakeholder, costed_round):
    round_, activity = costed_round
    page = client_for(stakeholder).get(reverse("consultation:round", args=[round_.pk])).content.decode()
    assert "MSHMS (lead)" in page
    assert "Planned cost (ALL)" in page
    assert "2024: 1,500,000" in page and "2025: 250,000" in page and "in all 1,750,000" in page
    assert "no cost planned" in page  # AKPA's activity has no budget line


def test_the_details_come_from_the_version_not_the_live_plan(costed_round):
    round_, activity = costed_round
    ActivityBudget.objects.filter(activity=activity).delete()
    detail = rounds.item_details(round_.version.snapshot)[f"activity:{activity.code}"]
    assert detail.lead == "MSHMS"
    assert detail.total_cost == Decimal("1750000")
