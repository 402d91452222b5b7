"""The people pages: the secretariat and the coordinator of a country list its users and pending invitations, invite
someone by e-mail (a link valid once and for INVITATION_DAYS), change a user's role and institution, deactivate and
reactivate them, and reset a lost second factor; never for another country, never for themselves, never making
anyone an administrator; every change audited."""

import datetime
import re
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from nsm.accounts import services, twofactor
from nsm.accounts.models import AccountEvent, Invitation, Membership, User
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

PEOPLE = reverse("accounts:people")
INVITE = reverse("accounts:people-invite")
LOGIN = reverse("accounts:login")
ENROLL = reverse("accounts:two-factor-enroll")
PASSWORD = "a long and new password"


def person_url(user) -> str:
    return reverse("accounts:person", args=[user.pk])


def invitation_data(**changes) -> dict:
    data = {
        "first_name": "Elira",
        "last_name": "Hoxha",
        "email": "elira.hoxha@example.org",
        "institution": InstitutionFactory(code="MPB").pk,
        "role": Membership.Role.SECRETARIAT,
        "language": "en",
    }
    return {**data, **changes}


def link_in(message) -> str:
    found = re.search(r"https?://[^/\s]+(/accounts/invitation/[^\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def invite(client: Client, **changes) -> str:
    """Send an invitation through the page; the path of the e-mailed link."""
    sent = len(mail.outbox)
    response = client.post(INVITE, invitation_data(**changes))
    assert response.status_code == 302, response.content.decode()
    assert len(mail.outbox) == sent + 1
    return link_in(mail.outbox[-1])


def set_password(client: Client, link: str, password: str = PASSWORD):
    """Open the link (its key moves into the session), then send the password twice."""
    opened = client.get(link)
    assert opened.status_code == 302
    return client.post(opened["Location"], {"new_password1": password, "new_password2": password})


@pytest.fixture
def xk_secretariat(db):
    user = UserFactory(username="secretariat-xk")
    MembershipFactory(user=user, institution=InstitutionFactory(code="MPB", country="XK"), role="secretariat")
    return user


# --- the list ---


def test_the_people_page_lists_the_countrys_users_with_role_institution_status_and_last_sign_in(
    client_for, secretariat, focal_point, xk_secretariat
):
    focal_point.last_login = timezone.now()
    focal_point.save()
    gone = UserFactory(username="gone", is_active=False)
    MembershipFactory(user=gone, institution=InstitutionFactory(code="AKPA"), role=Membership.Role.FOCAL_POINT)
    text = client_for(secretariat).get(PEOPLE).content.decode()
    assert "focal" in text and "MSHMS" in text and "Focal point" in text
    assert "gone" in text and "Deactivated" in text
    assert "secretariat-xk" not in text  # Kosovo's people are not Albania's secretariat's
    assert "Never" in text  # the secretariat's own last sign-in, made by force_login, is a date; gone never signed in


def test_the_people_page_lists_pending_invitations_not_accepted_or_cancelled_ones(client_for, secretariat):
    client = client_for(secretariat)
    invite(client, email="pending@example.org")
    invite(client, email="cancelled@example.org")
    services.cancel_invitation(Invitation.objects.get(email="cancelled@example.org"), by=secretariat)
    client.get(PEOPLE)  # shows the messages of the invitations sent
    listed = client.get(PEOPLE)
    assert [invitation.email for invitation in listed.context["invitations"]] == ["pending@example.org"]
    assert "cancelled@example.org" not in listed.content.decode()


def _people(count: int, start: int = 0) -> None:
    institutions = [InstitutionFactory(code=f"P{n}") for n in range(3)]
    for n in range(start, start + count):
        user = UserFactory(username=f"person{n}")
        MembershipFactory(user=user, institution=institutions[n % 3], role=Membership.Role.FOCAL_POINT)
        Invitation.objects.create(
            email=f"invited{n}@example.org", first_name="I", last_name=str(n), institution=institutions[n % 3],
            role=Membership.Role.VIEWER, key_hash=f"{n:064d}", expires_at=timezone.now() + datetime.timedelta(days=1),
        )  # fmt: skip
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def test_the_people_page_takes_as_many_queries_for_60_people_as_for_3(
    client_for, secretariat, django_assert_num_queries
):
    client = client_for(secretariat)
    _people(3)
    # The session, the user (with their device) and their memberships, as on any page; the people, their
    # memberships in the country, the pending invitations.
    client.get(PEOPLE)
    with django_assert_num_queries(6) as few:
        small = client.get(PEOPLE)
    _people(57, start=3)
    with django_assert_num_queries(len(few.captured_queries)):
        large = client.get(PEOPLE)
    assert small.content.decode().count("person") < large.content.decode().count("person")
    assert large.content.decode().count('href="/accounts/people/') >= 60


# --- who reaches the pages ---


@pytest.mark.parametrize("who", ["focal_point", "viewer"])
def test_only_the_secretariat_and_the_coordinator_reach_the_people_pages(request, client_for, who, secretariat):
    client = client_for(request.getfixturevalue(who))
    assert client.get(PEOPLE).status_code == 404
    assert client.get(INVITE).status_code == 404
    assert client.get(person_url(secretariat)).status_code == 404


def test_the_anonymous_visitor_is_sent_to_sign_in(public):
    response = public.get(PEOPLE)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_the_navigation_links_the_people_page_for_the_secretariat_and_the_coordinator_only(
    client_for, secretariat, coordinator, focal_point
):
    home = reverse("home")
    assert f'href="{PEOPLE}"' in client_for(secretariat).get(home).content.decode()
    assert f'href="{PEOPLE}"' in client_for(coordinator).get(home).content.decode()
    assert f'href="{PEOPLE}"' not in client_for(focal_point).get(home).content.decode()


def test_another_countrys_secretariat_gets_404_for_albanias_people_and_invitations(
    client_for, secretariat, focal_point, xk_secretariat
):
    invite(client_for(secretariat))
    invitation = Invitation.objects.get()
    client = client_for(xk_secretariat)
    assert client.get(person_url(focal_point)).status_code == 404
    assert (
        client.post(reverse("accounts:person-deactivate", args=[focal_point.pk]), {"confirm": "yes"}).status_code == 404
    )
    assert (
        client.post(reverse("accounts:invitation-cancel", args=[invitation.pk]), {"confirm": "yes"}).status_code == 404
    )
    assert client.post(reverse("accounts:invitation-resend", args=[invitation.pk])).status_code == 404
    focal_point.refresh_from_db()
    invitation.refresh_from_db()
    assert focal_point.is_active and invitation.is_pending


# --- inviting ---


def test_an_invited_secretariat_sets_a_password_signs_in_and_is_sent_to_enrol_the_second_factor(
    client_for, secretariat
):
    link = invite(client_for(secretariat))
    message = mail.outbox[-1]
    assert message.to == ["elira.hoxha@example.org"]
    assert "7 days" in message.body and "elira.hoxha@example.org" in message.body

    newcomer = Client()
    done = set_password(newcomer, link)
    assert done.status_code == 302 and done["Location"] == LOGIN
    user = User.objects.get(username="elira.hoxha@example.org")
    assert (user.first_name, user.last_name, user.is_superuser, user.is_staff) == ("Elira", "Hoxha", False, False)
    assert user.memberships.get().role == Membership.Role.SECRETARIAT
    assert AccountEvent.objects.get(user=user).kind == AccountEvent.Kind.JOINED

    signed_in = newcomer.post(LOGIN, {"username": "elira.hoxha@example.org", "password": PASSWORD}, follow=True)
    assert signed_in.redirect_chain[-1][0].startswith(ENROLL)
    assert "Set up two-factor sign-in" in signed_in.content.decode()


def test_an_invited_focal_point_signs_in_without_a_second_factor(client_for, secretariat):
    link = invite(
        client_for(secretariat), role=Membership.Role.FOCAL_POINT, institution=InstitutionFactory(code="MSHMS").pk
    )
    newcomer = Client()
    set_password(newcomer, link)
    signed_in = newcomer.post(LOGIN, {"username": "elira.hoxha@example.org", "password": PASSWORD})
    assert signed_in["Location"] == reverse("home")


def test_the_password_page_lists_the_rules_in_words_and_refuses_a_weak_password(client_for, secretariat):
    link = invite(client_for(secretariat))
    newcomer = Client()
    form = newcomer.get(newcomer.get(link)["Location"])
    assert 'id="password-rules"' in form.content.decode()
    refused = set_password(newcomer, link, password="12345")
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "too short" in text and "entirely numeric" in text
    assert not User.objects.filter(username="elira.hoxha@example.org").exists()


def test_a_link_used_once_is_refused_the_second_time(client_for, secretariat):
    link = invite(client_for(secretariat))
    set_password(Client(), link)
    again = Client()
    response = again.get(again.get(link)["Location"])
    assert "This invitation has been used already" in response.content.decode()
    assert 'name="new_password1"' not in response.content.decode()
    assert set_password(again, link, password="another long password").status_code == 200
    assert User.objects.get(username="elira.hoxha@example.org").check_password(PASSWORD)


def test_an_expired_link_is_refused(client_for, secretariat, settings):
    settings.INVITATION_DAYS = 2
    link = invite(client_for(secretariat))
    later = timezone.now() + datetime.timedelta(days=2, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = set_password(Client(), link)
    assert "This invitation has expired" in response.content.decode()
    assert not User.objects.filter(username="elira.hoxha@example.org").exists()


def test_an_unknown_link_is_refused_in_a_sentence(public):
    opened = public.get(reverse("accounts:invitation", args=["not-a-key"]), follow=True)
    assert "This link does not work" in opened.content.decode()


def test_sending_again_makes_a_new_link_and_the_old_one_stops_working(client_for, secretariat):
    client = client_for(secretariat)
    old = invite(client)
    invitation = Invitation.objects.get()
    assert client.post(reverse("accounts:invitation-resend", args=[invitation.pk])).status_code == 302
    new = link_in(mail.outbox[-1])
    assert new != old
    assert "does not work" in Client().get(old, follow=True).content.decode()
    assert set_password(Client(), new)["Location"] == LOGIN
    history = list(Invitation.history.filter(id=invitation.pk).values_list("history_user_id", flat=True))
    assert secretariat.pk in history


def test_a_cancelled_link_is_refused(client_for, secretariat):
    client = client_for(secretariat)
    link = invite(client)
    invitation = Invitation.objects.get()
    client.post(reverse("accounts:invitation-cancel", args=[invitation.pk]), {"confirm": "yes"})
    assert "was cancelled" in Client().get(link, follow=True).content.decode()


def test_a_refused_invitation_keeps_every_typed_value_and_shows_every_error_at_once(client_for, secretariat):
    data = invitation_data(first_name="Elira", last_name="", email="not an address", role="superuser")
    response = client_for(secretariat).post(INVITE, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"last_name", "email", "role"}
    text = response.content.decode()
    assert 'value="Elira"' in text and 'value="not an address"' in text
    assert f'<option value="{data["institution"]}" selected>' in text
    assert not Invitation.objects.exists() and not mail.outbox


def test_the_invitation_offers_only_the_own_countrys_institutions_and_refuses_another_posted(
    client_for, secretariat, xk_secretariat
):
    kosovo = InstitutionFactory(code="AKPA", country="XK")
    client = client_for(secretariat)
    choices = client.get(INVITE).context["form"].fields["institution"].queryset
    assert kosovo not in choices and choices.filter(country="AL").count() == choices.count()
    response = client.post(INVITE, invitation_data(institution=kosovo.pk))
    assert "institution" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_nobody_is_made_a_superuser_through_an_invitation(client_for, coordinator):
    link = invite(client_for(coordinator), is_superuser="on", is_staff="on")
    set_password(Client(), link)
    user = User.objects.get(username="elira.hoxha@example.org")
    assert not user.is_superuser and not user.is_staff


def test_an_address_with_an_account_or_a_pending_invitation_is_refused(client_for, secretariat, focal_point):
    client = client_for(secretariat)
    taken = client.post(INVITE, invitation_data(email=focal_point.email.upper()))
    assert "has an account already" in taken.content.decode()
    invite(client)
    again = client.post(INVITE, invitation_data(email="Elira.Hoxha@example.org"))
    assert "pending already" in again.context["form"].errors["email"][0]
    assert Invitation.objects.count() == 1


def test_an_invitation_the_mail_server_refuses_is_kept_to_be_sent_again(client_for, secretariat):
    with mock.patch("nsm.accounts.services.send_mail", side_effect=smtplib.SMTPException("down")):
        response = client_for(secretariat).post(INVITE, invitation_data(), follow=True)
    assert "could not be sent" in response.content.decode()
    assert Invitation.objects.get().is_pending


# --- changing a membership ---


def membership_data(membership, **changes) -> dict:
    prefix = f"m{membership.pk}"
    data = {
        "membership": membership.pk,
        f"{prefix}-institution": membership.institution_id,
        f"{prefix}-role": membership.role,
        f"{prefix}-seen": f"{membership.institution_id}:{membership.role}",
    }
    return {**data, **{f"{prefix}-{name}": value for name, value in changes.items()}}


def test_the_secretariat_changes_a_role_and_institution_and_both_histories_name_them(
    client_for, secretariat, focal_point
):
    membership = focal_point.memberships.get()
    akpa = InstitutionFactory(code="AKPA")
    response = client_for(secretariat).post(
        person_url(focal_point), membership_data(membership, institution=akpa.pk, role=Membership.Role.VIEWER)
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.institution, membership.role) == (akpa, Membership.Role.VIEWER)
    assert membership.history.latest().history_user == secretariat
    event = AccountEvent.objects.get(user=focal_point)
    assert (event.kind, event.by, event.detail) == (
        AccountEvent.Kind.MEMBERSHIP_CHANGED, secretariat, "Focal point at MSHMS → Viewer at AKPA"
    )  # fmt: skip


def test_nobody_raises_their_own_role(client_for, secretariat):
    membership = secretariat.memberships.get()
    client = client_for(secretariat)
    page = client.get(person_url(secretariat)).content.decode()
    assert "You cannot change your own role or institution" in page
    response = client.post(person_url(secretariat), membership_data(membership, role=Membership.Role.COORDINATOR))
    assert response.status_code == 200
    assert "You cannot change your own role or institution" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Membership.Role.SECRETARIAT
    assert not AccountEvent.objects.exists()


def test_another_countrys_institution_posted_for_a_membership_is_refused(client_for, secretariat, focal_point):
    kosovo = InstitutionFactory(code="AKPA", country="XK")
    membership = focal_point.memberships.get()
    response = client_for(secretariat).post(person_url(focal_point), membership_data(membership, institution=kosovo.pk))
    assert response.status_code == 200
    assert response.context["membership_forms"][0].errors["institution"]
    membership.refresh_from_db()
    assert membership.institution.country == "AL"
    with pytest.raises(Exception, match="not an institution of a country whose people you manage"):
        services.change_membership(membership, by=secretariat, institution=kosovo, role=membership.role)


def test_a_membership_changed_meanwhile_is_refused_and_the_choice_stays_in_the_form(
    client_for, secretariat, coordinator, focal_point
):
    membership = focal_point.memberships.get()
    seen = membership_data(membership, role=Membership.Role.VIEWER)
    services.change_membership(membership, by=coordinator, institution=membership.institution, role="stakeholder")
    response = client_for(secretariat).post(person_url(focal_point), seen)
    text = response.content.decode()
    assert "Someone else changed this membership" in text and "External stakeholder at MSHMS" in text
    assert response.context["membership_forms"][0]["role"].value() == Membership.Role.VIEWER
    membership.refresh_from_db()
    assert membership.role == Membership.Role.STAKEHOLDER


def test_the_secretariat_does_not_change_an_administrators_account(client_for, secretariat):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    membership = MembershipFactory(user=admin, institution=InstitutionFactory(code="MPB"), role="viewer")
    client = client_for(secretariat)
    client.post(person_url(admin), membership_data(membership, role=Membership.Role.FOCAL_POINT))
    response = client.post(reverse("accounts:person-deactivate", args=[admin.pk]), {"confirm": "yes"}, follow=True)
    assert "only an administrator changes their account" in response.content.decode()
    admin.refresh_from_db()
    membership.refresh_from_db()
    assert admin.is_active and membership.role == Membership.Role.VIEWER


# --- deactivating, reactivating, the second factor ---


def test_deactivating_asks_first_then_the_user_cannot_sign_in_and_reactivating_lets_them_again(
    client_for, secretariat, focal_point
):
    client = client_for(secretariat)
    url = reverse("accounts:person-deactivate", args=[focal_point.pk])
    asked = client.post(url)
    assert "Nothing they wrote is deleted" in asked.content.decode()
    focal_point.refresh_from_db()
    assert focal_point.is_active
    client.post(url, {"confirm": "yes"})
    focal_point.refresh_from_db()
    assert not focal_point.is_active
    refused = Client().post(LOGIN, {"username": "focal", "password": "correct horse battery"})
    assert refused.status_code == 200  # the sign-in form again
    client.post(reverse("accounts:person-reactivate", args=[focal_point.pk]), {"confirm": "yes"})
    focal_point.refresh_from_db()
    assert focal_point.is_active
    kinds = list(AccountEvent.objects.filter(user=focal_point, by=secretariat).values_list("kind", flat=True))
    assert kinds == [AccountEvent.Kind.REACTIVATED, AccountEvent.Kind.DEACTIVATED]


def test_nobody_deactivates_themselves(client_for, coordinator):
    response = client_for(coordinator).post(
        reverse("accounts:person-deactivate", args=[coordinator.pk]), {"confirm": "yes"}, follow=True
    )
    assert "You cannot deactivate yourself" in response.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.is_active


def test_resetting_a_lost_second_factor_sends_the_user_to_enrol_at_their_next_sign_in(
    client_for, secretariat, coordinator
):
    coordinators_session = client_for(coordinator)  # verified with the device that is now lost
    assert twofactor.confirmed_device(coordinator) is not None
    client_for(secretariat).post(reverse("accounts:person-reset-two-factor", args=[coordinator.pk]), {"confirm": "yes"})
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert AccountEvent.objects.get(user=coordinator).kind == AccountEvent.Kind.TWO_FACTOR_RESET
    assert coordinators_session.get(PEOPLE)["Location"].startswith(ENROLL)
    fresh = Client()
    fresh.post(LOGIN, {"username": "coordinator", "password": "correct horse battery"})
    assert fresh.get(reverse("home"))["Location"].startswith(ENROLL)
