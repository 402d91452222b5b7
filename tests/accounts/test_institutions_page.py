"""The public list of institutions (/accounts/institutions/, among the reference pages) shows only what the visitor
may see: their own countries' institutions when signed in, and to everybody those of the countries that publish
something (a strategy's public page, a public consultation round open today). Before, it listed every country's."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from nsm.accounts.models import Membership
from nsm.consultation import rounds
from nsm.consultation.models import PlanVersion
from tests.factories import InstitutionFactory, MembershipFactory, StrategyFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:institutions")


@pytest.fixture
def kosovo(db):
    """Kosovo's ministry, whose code is Albanian-looking on purpose, and a user of it."""
    ministry = InstitutionFactory(code="MPB-XK", country="XK", name_en="Ministry of Internal Affairs of Kosovo")
    user = UserFactory(username="xk-user")
    MembershipFactory(user=user, institution=ministry, role=Membership.Role.SECRETARIAT)
    return user


@pytest.fixture
def albania(db):
    return InstitutionFactory(code="AL-MIN", country="AL", name_en="Albanian Test Ministry")


def codes(response) -> set[str]:
    return {institution.code for institution in response.context["institutions"]}


def test_the_public_sees_no_country_that_publishes_nothing(public, kosovo, albania):
    response = public.get(URL)
    assert response.status_code == 200
    assert "MPB-XK" not in codes(response) and "AL-MIN" not in codes(response)


def test_the_public_sees_the_institutions_of_a_country_with_a_public_strategy(public, kosovo, albania):
    StrategyFactory(code="AL-PUBLIC", country="AL", is_public=True)
    found = codes(public.get(URL))
    assert "AL-MIN" in found and "MPB-XK" not in found


def test_an_open_public_round_publishes_its_countrys_institutions(public, kosovo, albania, admin_user):
    strategy = StrategyFactory(code="XK-DRAFT", country="XK")
    version = PlanVersion.objects.create(strategy=strategy, number=1, snapshot={})
    today = timezone.localdate()
    round_ = rounds.create_round(
        version, by=admin_user, title="Public round", opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30), is_public=True,
    )  # fmt: skip
    found = codes(public.get(URL))
    assert "MPB-XK" in found and "AL-MIN" not in found
    yesterday = today - datetime.timedelta(days=1)
    rounds.update_round(round_, by=admin_user, opens_on=yesterday - datetime.timedelta(days=40), closes_on=yesterday)
    assert "MPB-XK" not in codes(public.get(URL))  # closed: nothing of Kosovo is public any more


def test_a_signed_in_user_sees_their_own_countrys(client_for, kosovo, albania):
    found = codes(client_for(kosovo).get(URL))
    assert "MPB-XK" in found and "AL-MIN" not in found


def test_a_superuser_sees_every_country_with_its_country_named(admin_client, kosovo, albania):
    response = admin_client.get(URL)
    assert {"MPB-XK", "AL-MIN"} <= codes(response)
    assert "<td>XK</td>" in response.content.decode()


def test_one_country_by_its_parameter_never_beyond_what_the_visitor_may_see(admin_client, client_for, kosovo, albania):
    assert codes(admin_client.get(URL, {"country": "xk"})) == {"MPB-XK"}
    assert codes(client_for(kosovo).get(URL, {"country": "AL"})) == set()


def test_the_public_page_runs_one_query(public, albania, django_assert_max_num_queries):
    StrategyFactory(code="AL-PUBLIC", country="AL", is_public=True)
    with django_assert_max_num_queries(1):
        assert "AL-MIN" in codes(public.get(URL))
