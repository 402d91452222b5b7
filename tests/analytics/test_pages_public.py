"""The public page: approved figures of a published strategy, without sign-in; nothing else.

Data: `approved_plan` (tests/analytics/conftest.py), whose figures are counted by hand in its docstring.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nsm.analytics import services
from nsm.analytics.budget import budget
from nsm.analytics.groups import Filters
from nsm.analytics.implementation import implementation
from nsm.analytics.indicators import achievement
from nsm.analytics.periods import Period
from tests.factories import ActivityFactory, IndicatorFactory, IndicatorTargetFactory, StrategyFactory

D = Decimal
CODE = "AL-NSM-TEST"
PAGE = f"/public/{CODE}/"
MAX_QUERIES = 15


@pytest.fixture
def published(approved_plan):
    services.set_public(approved_plan.strategy, public=True, by=approved_plan.users["secretariat"])
    return approved_plan


def test_anonymous_visitor_sees_a_published_strategy(published, public):
    response = public.get(PAGE)
    assert response.status_code == 200
    assert "Goal 1" in response.content.decode()


def test_an_unpublished_strategy_answers_404_to_everyone(approved_plan, public, client_for):
    assert public.get(PAGE).status_code == 404
    assert client_for(approved_plan.users["secretariat"]).get(PAGE).status_code == 404


def test_a_withdrawn_strategy_answers_404_again(published, public):
    services.set_public(published.strategy, public=False, by=published.users["secretariat"])
    assert public.get(PAGE).status_code == 404


def test_the_list_shows_public_strategies_only(published, public):
    StrategyFactory(code="AL-NSM-HIDDEN", title_en="Hidden strategy")
    response = public.get("/public/")
    assert response.status_code == 200
    html = response.content.decode()
    assert PAGE in html
    assert "AL-NSM-HIDDEN" not in html and "Hidden strategy" not in html


def test_figures_equal_the_roll_ups(published, public):
    response = public.get(PAGE, {"period": "2024"})
    filters, year = Filters.of(published.strategy), Period.year(2024)
    assert response.context["period"] == year
    assert response.context["implementation"] == implementation(filters, year).total
    assert response.context["implementation"].rate == D("40.0")
    items = [item for item, _style in response.context["indicators"]]
    assert items == achievement(filters, year, cells=False)
    assert response.context["budget"] == budget(filters, year, "goal")
    assert response.context["covered"] == 5 and response.context["objectives"] == 23
    html = response.content.decode()
    assert "40\u00a0%" in html  # the headline implementation rate
    assert "5 of 23" in html
    assert "On track" in html and "Off track" in html  # bands in words


def test_the_year_can_be_chosen_and_a_wrong_one_is_explained(published, public):
    assert public.get(PAGE, {"period": "2025"}).context["period"] == Period.year(2025)
    response = public.get(PAGE, {"period": "1999"})
    assert response.status_code == 200
    assert response.context["period"] == Period.year(2024)
    assert "not in the action plan" in response.content.decode()


def test_the_page_never_shows_unapproved_values_names_or_narratives(published, public):
    html = public.get(PAGE, {"period": "2024"}).content.decode()
    items = {item.code: item for item, _style in public.get(PAGE, {"period": "2024"}).context["indicators"]}
    assert items["I.4"].actual == D(0)  # the unapproved H2 report says 1
    for unapproved in ("9999", "9,999", "8888", "8,888"):  # spending on the submitted, unapproved H2 AKPA report
        assert unapproved not in html
    assert "Waiting for the premises." not in html and "Merged into another programme." not in html  # narratives
    for user in published.users.values():
        assert user.get_full_name() not in html and user.username not in html
    assert "approved monitoring reports only" in html


def test_the_public_page_in_albanian(published, public):
    html = public.get(PAGE, HTTP_ACCEPT_LANGUAGE="sq").content.decode()
    assert '<html lang="sq">' in html
    assert "Treguesi I.1" in html and "Qëllimi 1" in html
    assert "Vlera bazë" in html


def count_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(PAGE, params).status_code == 200
    return len(context.captured_queries)


def test_query_count_does_not_grow_with_the_plan(published, public):
    small = [count_queries(public, {}), count_queries(public, {"period": "2025"})]
    measure = published.measures["2.1.1"]
    for number in range(6):
        indicator = IndicatorFactory(result=measure, code=f"I.9{number}")
        IndicatorTargetFactory(indicator=indicator, year=2024, value=D(10))
        ActivityFactory(measure=measure, code=f"2.1.1.{20 + number}", lead=published.institutions["MB"])
    large = [count_queries(public, {}), count_queries(public, {"period": "2025"})]
    assert small == large
    assert max(large) <= MAX_QUERIES
