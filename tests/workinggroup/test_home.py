"""Overdue action points show on the home page of the owner institution's members (its focal point among its own
action points) and of the secretariat only."""

import pytest
from django.urls import reverse

from nsm.accounts.models import Membership
from nsm.workinggroup import services
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

TEXT = "Send the health measures"


def test_the_secretariat_sees_overdue_action_points(client_for, secretariat, overdue_point):
    page = client_for(secretariat).get(reverse("home")).content.decode()
    assert "Overdue action points" in page
    assert TEXT in page
    assert "overdue: due on" in page  # said in words, not only by colour


def test_the_owners_focal_point_sees_them_among_its_own_action_points(client_for, focal_point, overdue_point):
    page = client_for(focal_point).get(reverse("home")).content.decode()
    assert "Your action points" in page
    assert TEXT in page
    assert "Overdue" in page  # said in words, not only by colour
    assert "Overdue action points" not in page  # not twice
    assert reverse("workinggroup:action-point", args=[overdue_point.pk]) in page  # where its status is reported


def test_a_viewer_of_the_owner_institution_sees_them_too(client_for, overdue_point):
    reader = UserFactory(username="mshms.reader")
    MembershipFactory(user=reader, institution=InstitutionFactory(code="MSHMS"), role=Membership.Role.VIEWER)
    assert TEXT in client_for(reader).get(reverse("home")).content.decode()


@pytest.mark.parametrize("persona", ["other_focal_point", "viewer", "coordinator"])
def test_others_do_not_see_them(persona, request, client_for, overdue_point):
    page = client_for(request.getfixturevalue(persona)).get(reverse("home")).content.decode()
    assert "Overdue action points" not in page


def test_a_done_action_point_leaves_the_home_page(client_for, focal_point, overdue_point):
    services.report_action_point(overdue_point, by=focal_point, version=1, status="done", note="")
    assert TEXT not in client_for(focal_point).get(reverse("home")).content.decode()


def test_the_public_home_page_has_no_panel(public, overdue_point):
    assert "Overdue action points" not in public.get(reverse("home")).content.decode()
