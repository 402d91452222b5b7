"""Indicator values through the API: approved values only unless the secretariat or the coordinator asks for more,
the reports each role may see, the filters, and a fixed number of queries."""

from decimal import Decimal

import pytest

from nsm.accounts.models import Membership
from nsm.monitoring.models import IndicatorValue, ProgressReport
from tests.analytics import conftest as analytics_fixtures
from tests.api.conftest import assert_error
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

PATH = "/api/v1/strategies/AL-NSM-TEST/indicator-values"
approved_plan = analytics_fixtures.approved_plan  # the hand-counted plan of tests/analytics/conftest.py


def values(client, **params):
    response = client.get(PATH, {"limit": 200, **params})
    assert response.status_code == 200, response.content
    return response.json()["items"]


def cells(items):
    """(cycle, institution, indicator, category or None, value) of each item."""
    return sorted(
        (v["cycle_label"], v["institution"]["code"], v["indicator_code"], v["category"] or "", Decimal(v["value"]))
        for v in items
    )


def expected(plan, **report_filters):
    rows = IndicatorValue.objects.filter(
        report__cycle__strategy=plan.strategy, value__isnull=False, **report_filters
    ).select_related("report__cycle", "report__institution", "indicator", "category")
    return sorted(
        (
            v.report.cycle.label,
            v.report.institution.code,
            v.indicator.code,
            v.category.code if v.category else "",
            Decimal(v.value),
        )
        for v in rows
    )


def test_viewers_read_the_approved_values(approved_plan, viewer, api_for):
    found = cells(values(api_for(viewer)))
    assert found == expected(approved_plan, report__status=ProgressReport.Status.APPROVED)
    assert found == sorted(
        [
            ("2024-H1", "MSHMS", "I.1", "", Decimal(130)),
            ("2024-H1", "MSHMS", "I.1", "female", Decimal(70)),
            ("2024-H1", "MSHMS", "I.1", "male", Decimal(60)),
            ("2024-H1", "AKPA", "I.4", "", Decimal(0)),
            ("2024-H2", "MSHMS", "I.1", "", Decimal(190)),
            ("2024-H2", "MSHMS", "I.1", "female", Decimal(100)),
            ("2024-H2", "MSHMS", "I.1", "male", Decimal(90)),
            ("2024-H2", "MSHMS", "I.2", "", Decimal(35)),
            ("2024-H2", "MSHMS", "I.3", "", Decimal(40)),
        ]
    )


def test_a_value_says_where_it_comes_from(approved_plan, viewer, api_for):
    found = values(api_for(viewer), indicator="I.1", cycle=approved_plan.cycles["H2"].pk)
    assert [(v["dimension"], v["category"], v["value"]) for v in found] == [
        (None, None, "190"),
        ("sex", "female", "100"),
        ("sex", "male", "90"),
    ]
    total = found[0]
    report = approved_plan.reports["H2 MSHMS"]
    assert total["report_id"] == report.pk
    assert total["report_status"] == "approved"
    assert (total["cycle_id"], total["cycle_label"], total["year"]) == (report.cycle_id, "2024-H2", 2024)
    assert total["institution"]["code"] == "MSHMS"
    assert total["indicator_id"] == approved_plan.indicators["I1"].pk
    assert total["source"] == "Records"


@pytest.mark.parametrize("persona", ["secretariat", "coordinator"])
def test_overseers_may_include_unapproved_values(approved_plan, request, api_for, persona):
    client = api_for(request.getfixturevalue(persona))
    assert ("2024-H2", "AKPA", "I.4", "", Decimal(1)) not in cells(values(client))
    everything = values(client, include_unapproved="true")
    assert cells(everything) == expected(approved_plan)
    unapproved = [v for v in everything if v["report_status"] != "approved"]
    assert [(v["indicator_code"], v["value"], v["report_status"]) for v in unapproved] == [("I.4", "1", "submitted")]


@pytest.mark.parametrize("persona", ["viewer", "focal_point"])
def test_others_may_not_include_unapproved_values(approved_plan, request, api_for, persona):
    client = api_for(request.getfixturevalue(persona))
    assert_error(client.get(PATH, {"include_unapproved": "true"}), 403, "forbidden")


def test_a_focal_point_reads_its_own_institutions_approved_values_only(approved_plan, focal_point, api_for):
    assert cells(values(api_for(focal_point))) == expected(
        approved_plan, report__status=ProgressReport.Status.APPROVED, report__institution__code="MSHMS"
    )


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"indicator": "I.1"}, 6),
        ({"indicator": "I.4"}, 1),
        ({"year": 2024}, 9),
        ({"year": 2025}, 0),
        ({"institution": "akpa"}, 1),
        ({"indicator": "I.1", "year": 2024, "institution": "MSHMS"}, 6),
    ],
)
def test_values_are_filtered(approved_plan, secretariat, api_for, params, count):
    assert len(values(api_for(secretariat), **params)) == count


def test_values_are_filtered_by_cycle_and_paged(approved_plan, secretariat, api_for):
    client = api_for(secretariat)
    assert {v["cycle_label"] for v in values(client, cycle=approved_plan.cycles["H1"].pk)} == {"2024-H1"}
    body = client.get(PATH, {"limit": 4, "offset": 2}).json()
    assert (body["count"], body["limit"], body["offset"], len(body["items"])) == (9, 4, 2, 4)
    assert body["items"] == values(client)[2:6]


def test_another_countrys_user_gets_404(approved_plan, api_for, client):
    user = UserFactory(username="xk-viewer")
    MembershipFactory(
        user=user, institution=InstitutionFactory(code="XK-ASK", country="XK"), role=Membership.Role.VIEWER
    )
    assert_error(api_for(user).get(PATH), 404, "not_found")
    assert_error(client.get(PATH), 401, "unauthorized")


QUERIES = 6  # the token and memberships (3), the strategy, the page, the count


@pytest.mark.parametrize("params", [{}, {"include_unapproved": "true"}])
def test_values_take_a_fixed_number_of_queries(
    approved_plan, secretariat, api_for, django_assert_max_num_queries, params
):
    client = api_for(secretariat)
    with django_assert_max_num_queries(QUERIES):
        small = client.get(PATH, {"limit": 200, **params})
    analytics_fixtures.grow(approved_plan)
    client = api_for(secretariat)
    with django_assert_max_num_queries(QUERIES):
        large = client.get(PATH, {"limit": 200, **params})
    assert large.json()["count"] > small.json()["count"]
