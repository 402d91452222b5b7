"""The plan through the API: strategies, results, activities and indicators equal the pages' selectors, are scoped
as the pages are (another country's user gets 404), are filtered and paged, and take a fixed number of queries."""

from decimal import Decimal

import pytest

from nsm.accounts.models import Membership
from nsm.strategy import selectors, services
from nsm.strategy.models import Indicator, Strategy, bodies_fields
from tests.analytics import conftest as analytics_fixtures
from tests.api.conftest import assert_error
from tests.factories import InstitutionFactory, MeasureFactory, MembershipFactory, StrategyFactory, UserFactory

BASE = "/api/v1/strategies/AL-NSM-TEST"
approved_plan = analytics_fixtures.approved_plan  # the hand-counted plan of tests/analytics/conftest.py


@pytest.fixture
def foreign_secretariat(db):
    user = UserFactory(username="xk-sec")
    MembershipFactory(
        user=user, institution=InstitutionFactory(code="XK-MPB", country="XK"), role=Membership.Role.SECRETARIAT
    )
    return user


def items(client, path, **params):
    response = client.get(path, {"limit": 200, **params})
    assert response.status_code == 200, response.content
    return response.json()["items"]


def codes(client, path, **params):
    return [item["code"] for item in items(client, path, **params)]


# --- Strategies ---


def test_the_strategies_are_those_of_the_callers_country(approved_plan, foreign_secretariat, focal_point, api_for):
    StrategyFactory(code="XK-NSM", country="XK", status=Strategy.Status.ADOPTED)
    StrategyFactory(code="AL-OLD", start_year=2018, end_year=2023, plan_start_year=2018, plan_end_year=2020)
    assert codes(api_for(focal_point), "/api/v1/strategies") == ["AL-NSM-TEST", "AL-OLD"]
    assert codes(api_for(foreign_secretariat), "/api/v1/strategies") == ["XK-NSM"]
    assert codes(api_for(foreign_secretariat), "/api/v1/strategies", status="drafting") == []
    assert codes(api_for(focal_point), "/api/v1/strategies", country="xk") == []


def test_a_strategy_reads_as_stored(approved_plan, viewer, api_for):
    body = api_for(viewer).get(BASE).json()
    strategy = approved_plan.strategy
    assert body["code"] == strategy.code
    assert (body["plan_start_year"], body["plan_end_year"]) == (2024, 2026)
    assert body["status"] == strategy.status
    assert Decimal(body["band_width"]) == strategy.band_width
    assert body["adopted_on"] is None


def test_pages_have_a_count_limit_and_offset(approved_plan, secretariat, api_for):
    body = api_for(secretariat).get(f"{BASE}/activities", {"limit": 2, "offset": 2}).json()
    assert (body["count"], body["limit"], body["offset"]) == (9, 2, 2)
    assert [item["code"] for item in body["items"]] == ["1.1.2.1", "1.1.2.2"]
    assert_error(api_for(secretariat).get(f"{BASE}/activities", {"limit": 0}), 400, "bad_request")
    assert_error(api_for(secretariat).get(f"{BASE}/activities", {"limit": 201}), 400, "bad_request")


# --- Results ---


def test_the_results_tree_flattened_equals_the_plan_tree(approved_plan, secretariat, api_for):
    results = items(api_for(secretariat), f"{BASE}/results")
    tree = selectors.plan_tree(approved_plan.strategy)
    nodes = [row.node for row in tree.rows if row.kind == "result"]
    assert [r["code"] for r in results] == [node.code for node in nodes]
    for result, node in zip(results, nodes, strict=True):
        assert result["depth"] == node.depth
        assert result["gcm_objectives"] == [gcm.number for gcm in node.gcm_objectives]
    by_code = {r["code"]: r for r in results}
    assert by_code["1"]["parent_code"] is None and by_code["1"]["parent_id"] is None
    assert by_code["1.1.2"]["parent_code"] == "1.1"
    assert by_code["1.1.2"]["parent_id"] == approved_plan.objectives["1.1"].pk
    assert by_code["1"]["sdg_targets"] == ["8.8", "10.7"]
    assert by_code["1.1"]["gcm_objectives"] == [2]
    assert codes(api_for(secretariat), f"{BASE}/results", depth=3) == ["1.1.1", "1.1.2", "2.1.1"]
    assert_error(api_for(secretariat).get(f"{BASE}/results", {"depth": "task"}), 400, "bad_request")


# --- Activities ---


def test_activities_equal_the_plan_trees(approved_plan, coordinator, api_for):
    activities = {a["code"]: a for a in items(api_for(coordinator), f"{BASE}/activities")}
    tree = selectors.plan_tree(approved_plan.strategy)
    nodes = [row.node for row in tree.rows if row.kind == "activity"]
    assert list(activities) == [node.code for node in nodes]
    for node in nodes:
        activity = activities[node.code]
        assert activity["id"] == node.pk
        assert activity["lead"]["code"] == node.lead.code
        assert [r["code"] for r in activity["responsible"]] == [r.code for r in node.responsible]
        assert activity["lead_place"] == node.lead_place
        assert [p["code"] for p in activity["partners"]] == [p.code for p in node.supporting]
        assert activity["timeframe"] == node.timeframe
        assert activity["gender_marker"] == node.gender_marker
        assert activity["gcm_objectives"] == [gcm.number for gcm in node.gcm_objectives]
        assert activity["gcm_from_measure"] == node.gcm_from_measure
        assert Decimal(activity["planned_total"]) == node.costs.total
    a4 = activities["1.1.2.2"]
    assert (a4["start_year"], a4["start_quarter"], a4["end_year"], a4["end_quarter"]) == (2024, 3, 2025, 4)
    assert a4["timeframe"] == "2024-Q3–2025-Q4"
    assert a4["budget_lines"] == [
        {"year": 2024, "source": "donor", "donor": "EU", "amount": "1000.00"},
        {"year": 2025, "source": "donor", "donor": "EU", "amount": "2000.00"},
        {"year": 2025, "source": "unfunded", "donor": "", "amount": "1000.00"},
    ]
    assert a4["planned_total"] == "4000.00"
    assert a4["measure"] == {"id": approved_plan.measures["1.1.2"].pk, "code": "1.1.2"}
    a1 = activities["1.1.1.1"]
    assert [group["code"] for group in a1["target_groups"]] == sorted(
        ["women", "trafficking_victims"],
        key=lambda code: (approved_plan.target_groups[code].position, code),
    )
    assert (activities["1.1.2.1"]["gcm_objectives"], activities["1.1.2.1"]["gcm_from_measure"]) == ([18], False)
    assert (a1["gcm_objectives"], a1["gcm_from_measure"]) == ([1], True)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"measure": "1.1"}, ["1.1.1.1", "1.1.1.2", "1.1.2.1", "1.1.2.2"]),
        ({"measure": "1.1.2"}, ["1.1.2.1", "1.1.2.2"]),
        ({"measure": "1.1.1.1"}, []),
        ({"institution": "akpa"}, ["1.1.2.1", "1.1.2.2", "2.1.1.3"]),
        ({"gcm": 1}, ["1.1.1.1", "1.1.1.2"]),
        ({"gcm": 18}, ["1.1.2.1"]),
        ({"gcm": 7}, ["2.1.1.2"]),
        ({"gcm": 5}, ["2.1.1.1", "2.1.1.2", "2.1.1.3", "2.1.1.4", "2.1.1.5"]),
        ({"year": 2025}, ["1.1.2.2", "2.1.1.1", "2.1.1.5"]),
        ({"institution": "MSHMS", "year": 2025}, ["2.1.1.1", "2.1.1.5"]),
    ],
)
def test_activities_are_filtered(approved_plan, secretariat, api_for, params, expected):
    assert codes(api_for(secretariat), f"{BASE}/activities", **params) == expected


def test_an_activity_gives_its_responsible_institutions_in_the_plans_order_and_the_marked_lead(
    approved_plan, coordinator, api_for
):
    activity = approved_plan.activities["A5"]
    mshms, akpa, mb = (approved_plan.institutions[code] for code in ("MSHMS", "AKPA", "MB"))
    iom, instat = InstitutionFactory(code="IOM"), InstitutionFactory(code="INSTAT")
    data = {"title_en": activity.title_en, "start_year": activity.start_year, "end_year": activity.end_year}
    services.update_activity(activity, by=coordinator, data={**data, **bodies_fields([mb, mshms, akpa], [iom, instat],
                                                                                     marked=akpa)})  # fmt: skip
    client = api_for(coordinator)
    body = client.get(f"/api/v1/activities/{activity.pk}").json()
    assert [r["code"] for r in body["responsible"]] == ["MB", "MSHMS", "AKPA"]
    assert (body["lead"]["code"], body["lead_place"]) == ("AKPA", 3)
    assert [p["code"] for p in body["partners"]] == ["IOM", "INSTAT"]  # supporting, in the plan's order
    assert activity.code in codes(client, f"{BASE}/activities", institution="akpa")  # the lead's code
    assert activity.code not in codes(client, f"{BASE}/activities", institution="mb")

    services.update_activity(activity, by=coordinator, data={**data, **bodies_fields([mb, mshms])})
    body = client.get(f"/api/v1/activities/{activity.pk}").json()
    assert ([r["code"] for r in body["responsible"]], body["lead"]["code"], body["lead_place"]) == (
        ["MB", "MSHMS"], "MB", None,
    )  # fmt: skip
    assert body["partners"] == []


def test_one_activity_reads_as_listed(approved_plan, focal_point, api_for):
    client = api_for(focal_point)
    listed = {a["code"]: a for a in items(client, f"{BASE}/activities")}
    activity = approved_plan.activities["A5"]
    response = client.get(f"/api/v1/activities/{activity.pk}")
    assert response.status_code == 200
    assert response.json() == listed[activity.code]


# --- Indicators ---


def test_indicators_equal_the_indicator_table(approved_plan, viewer, api_for):
    indicators = items(api_for(viewer), f"{BASE}/indicators")
    table = selectors.indicator_table(Indicator.objects.filter(strategy=approved_plan.strategy))
    assert [i["code"] for i in indicators] == [row.indicator.code for row in table.rows]
    for indicator, row in zip(indicators, table.rows, strict=True):
        targets = {t["year"]: Decimal(t["value"]) for t in indicator["targets"]}
        assert targets == {
            year: value for year, value in zip(table.years, row.targets, strict=True) if value is not None
        }
        assert Decimal(indicator["baseline"]) == row.indicator.baseline
        assert indicator["responsible"]["code"] == row.indicator.responsible.code
    i1 = next(i for i in indicators if i["code"] == "I.1")
    assert i1["targets"] == [{"year": 2024, "value": "200"}, {"year": 2025, "value": "300"}]
    assert (i1["baseline"], i1["baseline_year"], i1["frequency"]) == ("100", 2023, "semiannual")
    assert i1["disaggregation"] == ["sex"]
    assert i1["result"] == {"id": approved_plan.measures["1.1.1"].pk, "code": "1.1.1"}
    i2 = next(i for i in indicators if i["code"] == "I.2")
    assert (i2["direction"], i2["disaggregation"]) == ("decrease", [])


@pytest.mark.parametrize(
    ("params", "expected"),
    [({"result": "1.1"}, ["I.1", "I.2"]), ({"result": "2"}, ["I.3", "I.4"]), ({"institution": "akpa"}, ["I.4"])],
)
def test_indicators_are_filtered(approved_plan, secretariat, api_for, params, expected):
    assert sorted(codes(api_for(secretariat), f"{BASE}/indicators", **params)) == expected


def test_one_indicator_reads_as_listed(approved_plan, coordinator, api_for):
    client = api_for(coordinator)
    indicator = approved_plan.indicators["I3"]
    listed = next(i for i in items(client, f"{BASE}/indicators") if i["id"] == indicator.pk)
    assert client.get(f"/api/v1/indicators/{indicator.pk}").json() == listed


# --- Scoping ---


@pytest.mark.parametrize("persona", ["focal_point", "other_focal_point", "secretariat", "coordinator", "viewer"])
def test_every_internal_role_of_the_country_reads_the_plan(approved_plan, request, api_for, persona):
    client = api_for(request.getfixturevalue(persona))
    for path in ("", "/results", "/activities", "/indicators"):
        assert client.get(f"{BASE}{path}").status_code == 200, path
    assert client.get(f"/api/v1/activities/{approved_plan.activities['A1'].pk}").status_code == 200


def test_another_countrys_user_gets_404_everywhere(approved_plan, foreign_secretariat, api_for, client):
    foreign = api_for(foreign_secretariat)
    paths = [
        BASE,
        f"{BASE}/results",
        f"{BASE}/activities",
        f"{BASE}/indicators",
        f"/api/v1/activities/{approved_plan.activities['A1'].pk}",
        f"/api/v1/indicators/{approved_plan.indicators['I1'].pk}",
    ]
    for path in paths:
        assert_error(foreign.get(path), 404, "not_found")
        assert_error(client.get(path), 401, "unauthorized")
    assert_error(foreign.get("/api/v1/strategies/NO-SUCH"), 404, "not_found")
    assert_error(foreign.get("/api/v1/activities/999999"), 404, "not_found")


def test_a_stakeholder_sees_no_plan(approved_plan, api_for):
    user = UserFactory(username="ngo")
    MembershipFactory(user=user, institution=InstitutionFactory(code="IOM"), role=Membership.Role.STAKEHOLDER)
    assert codes(api_for(user), "/api/v1/strategies") == []
    assert_error(api_for(user).get(f"{BASE}/activities"), 404, "not_found")


# --- Query counts ---

# path -> queries: the token and its user's memberships (3), then the strategy, the count, the page and its prefetches
QUERIES = {
    "/api/v1/strategies": 5,
    f"{BASE}/results": 8,
    f"{BASE}/activities": 11,
    f"{BASE}/indicators": 8,
}


@pytest.mark.parametrize("path", list(QUERIES))
def test_lists_take_a_fixed_number_of_queries(approved_plan, secretariat, api_for, django_assert_max_num_queries, path):
    client = api_for(secretariat)
    with django_assert_max_num_queries(QUERIES[path]):
        small = client.get(path, {"limit": 200})
    analytics_fixtures.grow(approved_plan)
    StrategyFactory(code="AL-MORE")
    MeasureFactory(parent=approved_plan.objectives["2.1"], code="2.1.2").gcm_objectives.add(approved_plan.gcm[9])
    client = api_for(secretariat)
    with django_assert_max_num_queries(QUERIES[path]):
        large = client.get(path, {"limit": 200})
    assert large.json()["count"] > small.json()["count"]
