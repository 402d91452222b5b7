"""The internal pages' indexes are for people who work on plans: an external stakeholder (or a signed-in user with no
internal role) gets 404 from the access door (`access.internal_page`), as for a page that does not exist, and the
navigation does not offer them; before, they got 200 and an empty page."""

import pytest
from django.urls import reverse

from nsm.accounts import access
from nsm.accounts.models import Membership
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

INDEXES = [
    "monitoring:reports",
    "capacity:index",
    "workinggroup:index",
    "context:list",
    "analytics:index",
    "reports:index",
]
NAV_LINKS = {"monitoring:reports": "Reports", "capacity:index": "Trainings", "workinggroup:index": "Working group"}


@pytest.fixture
def stakeholder(db):
    user = UserFactory(username="ngo-user")
    MembershipFactory(user=user, institution=InstitutionFactory(code="NGO-X"), role=Membership.Role.STAKEHOLDER)
    return user


@pytest.mark.parametrize("name", INDEXES)
def test_an_external_stakeholder_gets_404_on_every_internal_index(name, stakeholder, client_for):
    assert client_for(stakeholder).get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", INDEXES)
def test_a_signed_in_user_without_a_membership_gets_404(name, client_for):
    assert client_for(UserFactory(username="nobody")).get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", INDEXES)
def test_internal_users_still_open_the_indexes(name, focal_point, viewer, client_for):
    for user in (focal_point, viewer):
        assert client_for(user).get(reverse(name)).status_code in (200, 302), (name, user)


@pytest.mark.parametrize("name", INDEXES)
def test_the_anonymous_visitor_is_sent_to_sign_in_first(name, public):
    response = public.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_navigation_offers_a_stakeholder_only_their_pages(stakeholder, focal_point, client_for):
    page = client_for(stakeholder).get(reverse("consultation:mine")).content.decode()
    assert reverse("consultation:mine") in page
    for name in NAV_LINKS:
        assert f'href="{reverse(name)}"' not in page, name
    internal = client_for(focal_point).get(reverse("home")).content.decode()
    for name in NAV_LINKS:
        assert f'href="{reverse(name)}"' in internal, name


def test_who_is_internal(stakeholder, focal_point, admin_user):
    assert (access.is_internal(stakeholder), access.is_internal(focal_point), access.is_internal(admin_user)) == (
        False,
        True,
        True,
    )
