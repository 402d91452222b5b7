"""The access rules of accounts/access.py, in terms of institutions and roles."""

import pytest
from django.http import Http404

from nsm.accounts import access
from nsm.accounts.models import Membership
from nsm.strategy.models import Strategy
from tests.factories import InstitutionFactory, MembershipFactory, StrategyFactory, UserFactory


@pytest.mark.parametrize("persona", ["coordinator", "secretariat"])
def test_coordinator_and_secretariat_may_edit_the_plan(persona, request):
    user = request.getfixturevalue(persona)
    assert access.can_edit_plan(user)
    assert access.can_edit_plan(user, "AL")


@pytest.mark.parametrize("persona", ["focal_point", "viewer"])
def test_focal_point_and_viewer_may_not_edit_the_plan(persona, request):
    user = request.getfixturevalue(persona)
    assert not access.can_edit_plan(user)
    assert not access.can_edit_plan(user, "AL")


def test_anonymous_visitor_may_not_edit_the_plan(db):
    from django.contrib.auth.models import AnonymousUser

    assert not access.can_edit_plan(AnonymousUser())
    assert access.roles(AnonymousUser()) == set()


def test_coordinator_of_another_country_may_not_edit_albanias_plan(db):
    kosovo = InstitutionFactory(code="XK-MPB", country="XK")
    user = UserFactory(username="xk-coordinator")
    MembershipFactory(user=user, institution=kosovo, role=Membership.Role.COORDINATOR)
    assert access.can_edit_plan(user, "XK")
    assert not access.can_edit_plan(user, "AL")


def test_superuser_may_edit_every_plan(db):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert access.can_edit_plan(admin, "AL")
    assert access.can_edit_plan(admin, "XK")


def test_institution_ids_are_filtered_by_role(db):
    user = UserFactory(username="two-hats")
    mpb = InstitutionFactory(code="MPB")
    instat = InstitutionFactory(code="INSTAT")
    MembershipFactory(user=user, institution=mpb, role=Membership.Role.SECRETARIAT)
    MembershipFactory(user=user, institution=instat, role=Membership.Role.FOCAL_POINT)
    assert access.institution_ids(user) == {mpb.pk, instat.pk}
    assert access.institution_ids(user, {Membership.Role.FOCAL_POINT}) == {instat.pk}


def test_strategies_are_visible_to_members_of_the_countrys_institutions(viewer, strategy):
    other = StrategyFactory(code="XK-NSM", country="XK")
    visible = set(Strategy.objects.visible_to(viewer))
    assert strategy in visible
    assert other not in visible


def test_get_for_user_answers_404_for_forbidden_and_missing_alike(viewer, strategy):
    other = StrategyFactory(code="XK-NSM", country="XK")
    assert access.get_for_user(Strategy.objects, viewer, strategy.pk) == strategy
    with pytest.raises(Http404):
        access.get_for_user(Strategy.objects, viewer, other.pk)
    with pytest.raises(Http404):
        access.get_for_user(Strategy.objects, viewer, 987654)
    with pytest.raises(Http404):
        access.get_for_user(Strategy.objects, viewer, "not-a-number")


def test_get_for_user_with_write_needs_an_editing_role(viewer, coordinator, strategy):
    with pytest.raises(Http404):
        access.get_for_user(Strategy.objects, viewer, strategy.pk, write=True)
    assert access.get_for_user(Strategy.objects, coordinator, strategy.pk, write=True) == strategy


def test_memberships_are_read_once_per_user_object(viewer, django_assert_num_queries):
    access.roles(viewer)
    with django_assert_num_queries(0):
        access.roles(viewer)
        access.countries(viewer)
        access.can_edit_plan(viewer, "AL")


# Who may do what in their own country, verb by verb (the rules the pages, the API and the services ask for).
VERBS = {
    "may_read_internal": {"focal_point", "secretariat", "coordinator", "viewer"},
    "may_manage": {"secretariat", "coordinator"},
    "may_answer": {"secretariat", "coordinator"},
    "may_review": {"secretariat"},
    "may_oversee": {"secretariat", "coordinator"},
    "may_analyse": {"secretariat", "coordinator", "viewer"},
    "may_publish": {"secretariat"},
}
PERSONAS = ["focal_point", "secretariat", "coordinator", "viewer", "stakeholder"]


@pytest.mark.parametrize("verb", sorted(VERBS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_verb_holds_for_its_roles_in_their_own_country_only(verb, persona, request, db):
    if persona == "stakeholder":
        user = UserFactory(username="stakeholder")
        MembershipFactory(user=user, institution=InstitutionFactory(code="NGO"), role=Membership.Role.STAKEHOLDER)
    else:
        user = request.getfixturevalue(persona)
    may = getattr(access, verb)
    assert may(user, "AL") is (persona in VERBS[verb])
    assert may(user, "XK") is False


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_each_verb_holds_for_a_superuser_and_never_for_an_anonymous_visitor(verb, db):
    from django.contrib.auth.models import AnonymousUser

    may = getattr(access, verb)
    assert may(UserFactory(username="root", is_superuser=True, is_staff=True), "XK") is True
    assert may(AnonymousUser(), "AL") is False


def test_managed_countries_are_those_where_may_manage_holds(coordinator, viewer):
    assert access.managed_countries(coordinator) == {"AL"}
    assert access.managed_countries(viewer) == set()
