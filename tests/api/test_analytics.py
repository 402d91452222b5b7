"""The analysis roll-ups through the API: the same figures as the `nsm.analytics` functions, the pages' access rule,
the API's error shape for a bad period, goal or institution."""

from decimal import Decimal

import pytest

from nsm.accounts.models import Membership
from nsm.analytics import budget, implementation, indicators
from nsm.analytics.groups import Filters
from nsm.analytics.periods import Period
from tests.analytics import conftest as analytics_fixtures
from tests.api.conftest import assert_error
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

BASE = "/api/v1/strategies/AL-NSM-TEST"
approved_plan = analytics_fixtures.approved_plan  # the hand-counted plan of tests/analytics/conftest.py


@pytest.fixture
def stakeholder(db):
    user = UserFactory(username="ngo")
    MembershipFactory(user=user, institution=InstitutionFactory(code="IOM"), role=Membership.Role.STAKEHOLDER)
    return user


@pytest.fixture
def foreign_secretariat(db):
    user = UserFactory(username="xk-sec")
    institution = InstitutionFactory(code="XK-MPB", country="XK")
    MembershipFactory(user=user, institution=institution, role=Membership.Role.SECRETARIAT)
    return user


def test_implementation_by_goal_equals_the_roll_up(approved_plan, secretariat, api_for):
    response = api_for(secretariat).get(f"{BASE}/implementation", {"period": "2024", "by": "goal"})
    assert response.status_code == 200, response.content
    body = response.json()
    expected = implementation.implementation(Filters.of(approved_plan.strategy), Period.year(2024), "goal")
    assert body["period"] == "2024"
    assert body["total"]["due"] == {**dict(expected.total.due.items()), "total": expected.total.due.total}
    assert Decimal(body["total"]["rate"]) == expected.total.rate == Decimal("40.0")
    assert [(row["code"], Decimal(row["rate"])) for row in body["rows"]] == [
        ("1", Decimal("66.7")),
        ("2", Decimal("0")),
    ]


def test_filters_narrow_the_figures(approved_plan, coordinator, api_for):
    goal = approved_plan.goals["2"]
    body = api_for(coordinator).get(f"{BASE}/implementation", {"period": "2024", "goal": goal.pk}).json()
    assert body["total"]["due"]["total"] + body["total"]["ongoing"]["total"] == 4
    by_institution = api_for(coordinator).get(f"{BASE}/implementation", {"period": "2024", "institution": "akpa"})
    assert by_institution.json()["total"]["due"]["total"] == 2


def test_achievement_uses_approved_values_only(approved_plan, viewer, api_for):
    body = api_for(viewer).get(f"{BASE}/indicators/achievement", {"period": "2024"}).json()
    items = {item["code"]: item for item in body["items"]}
    expected = {a.code: a for a in indicators.achievement(Filters.of(approved_plan.strategy), Period.year(2024))}
    assert set(items) == set(expected)
    for code, item in items.items():
        assert item["band"] == expected[code].band
        assert (item["actual"] is None and expected[code].actual is None) or Decimal(item["actual"]) == expected[
            code
        ].actual
    i4 = approved_plan.indicators["I4"]
    assert Decimal(items[i4.code]["actual"]) == 0  # the unapproved report's 1 does not count
    i1 = approved_plan.indicators["I1"]
    assert sorted(Decimal(cell["value"]) for cell in items[i1.code]["cells"]) == [Decimal(90), Decimal(100)]


def test_budget_amounts_are_exact_strings(approved_plan, secretariat, api_for):
    body = api_for(secretariat).get(f"{BASE}/budget", {"period": "2024", "by": "goal"}).json()
    total = budget.budget(Filters.of(approved_plan.strategy), Period.year(2024)).total
    assert body["total"]["planned"] == str(total.planned) == "11000.00"
    assert body["total"]["spent"] == "3450.00"
    assert body["total"]["unfunded"] == "2500.00"
    assert sum(Decimal(row["planned"]) for row in body["rows"]) == Decimal("11000.00")


def test_budget_by_year_without_a_period_spans_the_plan(approved_plan, secretariat, api_for):
    body = api_for(secretariat).get(f"{BASE}/budget", {"by": "year"}).json()
    assert [row["code"] for row in body["rows"]] == ["2024", "2025"]
    assert body["period"] == "2024–2026"


def test_compliance_and_alignment(approved_plan, secretariat, api_for):
    client = api_for(secretariat)
    compliance = client.get(f"{BASE}/compliance").json()
    rows = {row["institution"]: row["cycles"] for row in compliance["rows"]}
    assert rows["MSHMS"] == {"2024-H1": "on_time", "2024-H2": "late"}
    assert rows["MB"]["2024-H2"] == "missing"
    alignment = client.get(f"{BASE}/gcm-alignment").json()
    assert len(alignment["objectives"]) == 23
    by_number = {row["number"]: row for row in alignment["objectives"]}
    assert by_number[3]["no_activity"] and by_number[3]["no_funding"]
    assert not by_number[5]["no_activity"]
    assert alignment["covered"] == sum(1 for row in alignment["objectives"] if not row["no_activity"])


@pytest.mark.parametrize(
    ("params", "field"),
    [({"period": "2019"}, "period"), ({"goal": 999999}, "goal"), ({"institution": "NOPE"}, "institution")],
)
def test_a_bad_scope_is_refused_with_the_field(approved_plan, secretariat, api_for, params, field):
    error = assert_error(api_for(secretariat).get(f"{BASE}/implementation", params), 422, "invalid")
    assert error["details"][0]["field"] == field


def test_a_malformed_period_or_dimension_is_a_bad_request(approved_plan, secretariat, api_for):
    assert_error(api_for(secretariat).get(f"{BASE}/implementation", {"period": "last year"}), 400, "bad_request")
    assert_error(api_for(secretariat).get(f"{BASE}/budget", {"by": "colour"}), 400, "bad_request")


@pytest.mark.parametrize("path", ["implementation", "indicators/achievement", "budget", "compliance", "gcm-alignment"])
def test_only_the_countrys_analysts_read_them(
    approved_plan, focal_point, stakeholder, foreign_secretariat, api_for, client, path
):
    for user in (focal_point, stakeholder, foreign_secretariat):
        assert_error(api_for(user).get(f"{BASE}/{path}"), 404, "not_found")
    assert_error(client.get(f"{BASE}/{path}"), 401, "unauthorized")


def test_the_roll_ups_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("implementation", "indicators/achievement", "budget", "compliance", "gcm-alignment"):
        assert f"/api/v1/strategies/{{code}}/{path}" in paths
