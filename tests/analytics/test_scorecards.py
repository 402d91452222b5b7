"""Each institution's scorecard (/analysis/<code>/scorecards/...): the same figures as the dashboard's roll-ups, one
card per institution, in a constant number of queries."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nsm.analytics.budget import budget
from nsm.analytics.compliance import ON_TIME, compliance
from nsm.analytics.implementation import implementation
from nsm.analytics.periods import Period
from nsm.analytics.scorecards import period_cycles, scorecards
from nsm.analytics.views_common import selection, with_analysis_stamp
from nsm.strategy.models import Strategy
from tests.analytics.conftest import grow
from tests.factories import InstitutionFactory

YEAR = Period.year(2024)


def picked_for(plan, period="2024"):
    strategy = with_analysis_stamp(Strategy.objects.filter(pk=plan.strategy.pk)).get()
    return selection(RequestFactory().get("/", {"period": period}), strategy)


@pytest.mark.parametrize("period", ["2024", "2025-H1", "2025"])
def test_every_card_has_the_figures_of_the_dashboards_roll_ups(approved_plan, period):
    picked = picked_for(approved_plan, period)
    cards = scorecards(picked.strategy, picked.period, picked.filters).cards
    led = {row.key: row for row in implementation(picked.filters, picked.period, "institution").rows}
    money = {row.key: row for row in budget(picked.filters, picked.period, "institution").rows}
    reports = {
        row.institution_id: row
        for row in compliance(picked.strategy, cycles=period_cycles(picked.strategy, picked.period)).rows
    }
    assert {card.institution_id for card in cards} == set(led) | set(reports)
    for card in cards:
        if card.institution_id in led:
            assert card.activities == led[card.institution_id]
            assert card.money.planned == money[card.institution_id].planned
            assert card.money.spent == money[card.institution_id].spent
        if card.institution_id in reports:
            assert card.on_time == reports[card.institution_id].count(ON_TIME)
    assert [card.code for card in cards] == sorted(card.code for card in cards)
    total = budget(picked.filters, picked.period)
    assert sum(card.money.planned for card in cards) == total.total.planned  # every activity has a lead


def test_the_list_links_each_institution_to_its_card(approved_plan, secretariat, client_for):
    client = client_for(secretariat)
    html = client.get(reverse("analytics:scorecards", args=[approved_plan.strategy.code]) + "?period=2024").content
    for code in ("MSHMS", "AKPA", "MB"):
        assert f"/scorecards/{code}/?period=2024".encode() in html
    card = picked_for(approved_plan)
    mshms = next(c for c in scorecards(card.strategy, card.period).cards if c.code == "MSHMS")
    page = client.get(reverse("analytics:scorecard", args=[approved_plan.strategy.code, "MSHMS"]) + "?period=2024")
    text = page.content.decode()
    assert page.status_code == 200 and "scorecard, 2024" in text
    assert f"{mshms.on_time} on time, {mshms.late} late, {mshms.missing} missing" in text


def test_an_institution_with_nothing_in_the_period_has_an_empty_card_and_an_unknown_code_none(
    approved_plan, secretariat, client_for
):
    client = client_for(secretariat)
    InstitutionFactory(code="MZHE")
    page = client.get(reverse("analytics:scorecard", args=[approved_plan.strategy.code, "MZHE"]) + "?period=2024")
    assert page.status_code == 200 and "0 on time, 0 late, 0 missing" in page.content.decode()
    InstitutionFactory(code="KOS", country="XK")
    for code in ("NOBODY", "<script>", "KOS"):
        url = reverse("analytics:scorecard", args=[approved_plan.strategy.code, code])
        assert client.get(url).status_code == 404


def test_a_card_is_its_institutions_whatever_institution_the_query_string_names(approved_plan, secretariat, client_for):
    client = client_for(secretariat)
    code, akpa = approved_plan.strategy.code, approved_plan.institutions["AKPA"]
    mshms = next(c for c in scorecards(approved_plan.strategy, YEAR).cards if c.code == "MSHMS")
    url = reverse("analytics:scorecard", args=[code, "MSHMS"]) + f"?period=2024&institution={akpa.pk}"
    text = client.get(url).content.decode()
    assert f"{mshms.on_time} on time, {mshms.late} late, {mshms.missing} missing" in text
    assert "This page is MSHMS&#x27;s scorecard: the institution chosen is left aside." in text


def test_an_institution_code_with_a_slash_has_its_card(approved_plan, secretariat, client_for):
    approved_plan.activities["A1"].lead.__class__.objects.filter(code="MB").update(code="MB/DPV")
    client = client_for(secretariat)
    listing = client.get(reverse("analytics:scorecards", args=[approved_plan.strategy.code]) + "?period=2024")
    assert listing.status_code == 200 and b"/scorecards/MB/DPV/?period=2024" in listing.content
    card = client.get(reverse("analytics:scorecard", args=[approved_plan.strategy.code, "MB/DPV"]))
    assert card.status_code == 200


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_scorecard_pages_run_a_constant_number_of_queries(approved_plan, secretariat, client_for):
    client = client_for(secretariat)
    code = approved_plan.strategy.code
    urls = SimpleNamespace(
        list=reverse("analytics:scorecards", args=[code]) + "?period=2024",
        card=reverse("analytics:scorecard", args=[code, "AKPA"]) + "?period=2024",
    )
    small = (_count(client, urls.list), _count(client, urls.card))
    grow(approved_plan)
    assert (_count(client, urls.list), _count(client, urls.card)) == small
    assert max(small) <= 14
