"""The admin: code lists are read-only for staff, users are edited with their memberships."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from nsm.accounts.models import Institution, Membership
from nsm.reference.models import GcmObjective
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "reference_gcmobjective",
    "reference_gcmprinciple",
    "reference_sdgtarget",
    "reference_sdgindicator",
    "reference_mgidomain",
    "reference_targetgroup",
    "reference_disaggregationdimension",
    "reference_county",
    "reference_municipality",
    "accounts_institution",
    "accounts_user",
    "accounts_membership",
]


@pytest.mark.parametrize("name", CHANGELISTS)
def test_a_superuser_can_open_each_list_in_the_admin(admin_client, name):
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_a_superuser_edits_a_user_with_the_memberships_inline(admin_client, viewer):
    html = admin_client.get(reverse("admin:accounts_user_change", args=[viewer.pk])).content.decode()
    assert "memberships-TOTAL_FORMS" in html


def test_an_institutions_history_opens_in_the_admin(admin_client):
    institution = Institution.objects.get(code="MPB")
    response = admin_client.get(reverse("admin:accounts_institution_history", args=[institution.pk]))
    assert response.status_code == 200


@pytest.fixture
def staff(db):
    """Staff who may view the GCM objectives, but is no superuser."""
    user = UserFactory(username="staff", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_gcmobjective"))
    return user


def test_staff_may_read_a_code_list_but_not_add_to_it(staff, client_for):
    client = client_for(staff)
    assert client.get(reverse("admin:reference_gcmobjective_changelist")).status_code == 200
    assert client.get(reverse("admin:reference_gcmobjective_add")).status_code == 403


def test_staff_with_the_change_permission_still_cannot_change_a_code_list(staff, client_for):
    staff.user_permissions.add(Permission.objects.get(codename="change_gcmobjective"))
    objective = GcmObjective.objects.get(number=1)
    url = reverse("admin:reference_gcmobjective_change", args=[objective.pk])
    client_for(staff).post(url, {"number": 1, "title_en": "Changed"})
    objective.refresh_from_db()
    assert objective.title_en.startswith("Collect")


def test_membership_admin_lists_roles(admin_client, focal_point):
    html = admin_client.get(reverse("admin:accounts_membership_changelist")).content.decode()
    assert Membership.objects.get(user=focal_point).get_role_display() in html
