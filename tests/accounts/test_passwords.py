"""Passwords: a signed-in user changes theirs; someone who forgot theirs gets a link by e-mail, valid once and for
PASSWORD_RESET_TIMEOUT, at most PASSWORD_RESET_LIMIT requests an hour; neither way skips the second sign-in step."""

import datetime
import logging
import re
from unittest import mock

import pytest
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_otp import DEVICE_ID_SESSION_KEY

import nsm.settings as production
from nsm.accounts import twofactor
from nsm.accounts.models import RateCounter
from tests.factories import UserFactory

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a new and rather long one"
CHANGE = reverse("accounts:password-change")
RESET = reverse("accounts:password-reset")
SENT = reverse("accounts:password-reset-sent")
LOGIN = reverse("accounts:login")
HOME = reverse("home")


def change(client: Client, old: str = PASSWORD, new: str = NEW_PASSWORD, again: str | None = None):
    data = {"old_password": old, "new_password1": new, "new_password2": new if again is None else again}
    return client.post(CHANGE, data)


def ask_reset(client: Client, email: str, **extra):
    return client.post(RESET, {"email": email}, **extra)


def link_in(message) -> str:
    """The path of the reset link in an e-mail."""
    found = re.search(r"https?://[^/\s]+(/accounts/password/reset/[^\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def set_new_password(client: Client, link: str, password: str = NEW_PASSWORD):
    """Open the link (Django moves the token into the session and redirects), then send the new password twice."""
    opened = client.get(link)
    assert opened.status_code == 302, opened
    return client.post(opened["Location"], {"new_password1": password, "new_password2": password})


@pytest.fixture
def reset_link(public, focal_point) -> str:
    ask_reset(public, focal_point.email)
    assert len(mail.outbox) == 1
    return link_in(mail.outbox[0])


# --- changing one's password ---


def test_the_change_page_lists_the_password_rules_in_words(client_for, focal_point):
    text = client_for(focal_point).get(CHANGE).content.decode()
    assert 'id="password-rules"' in text
    assert "at least 10 characters" in text
    assert "can’t be a commonly used password" in text
    assert "can’t be entirely numeric" in text


def test_the_header_links_to_the_change_page_for_signed_in_users_only(client_for, focal_point, public):
    assert f'href="{CHANGE}"' in client_for(focal_point).get(HOME).content.decode()
    assert f'href="{CHANGE}"' not in public.get(HOME).content.decode()


def test_a_wrong_current_password_is_refused_with_every_error_and_the_rules_shown(client_for, focal_point):
    response = change(client_for(focal_point), old="not my password", new="short")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Your old password was entered incorrectly" in text
    assert "This password is too short. It must contain at least 10 characters." in text  # shown at the same time
    assert "at least 10 characters" in text and 'id="password-rules"' in text
    assert 'aria-invalid="true"' in text
    focal_point.refresh_from_db()
    assert focal_point.check_password(PASSWORD)


def test_two_different_new_passwords_are_refused(client_for, focal_point):
    response = change(client_for(focal_point), again="another long password")
    assert response.status_code == 200
    assert "The two password fields didn’t match." in response.content.decode()


def test_different_new_passwords_that_break_the_rules_are_told_both(client_for, focal_point):
    text = change(client_for(focal_point), old="not my password", new="12345", again="12346").content.decode()
    assert "Your old password was entered incorrectly" in text
    assert "The two password fields didn’t match." in text
    assert "This password is too short." in text and "This password is entirely numeric." in text
    assert text.index('name="old_password"') < text.index('name="new_password1"') < text.index('name="new_password2"')


def test_a_changed_password_keeps_this_session_and_ends_the_others(client_for, focal_point, caplog):
    client, elsewhere = client_for(focal_point), client_for(focal_point)
    with caplog.at_level(logging.INFO, logger="nsm.security"):
        response = change(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-change-done")
    focal_point.refresh_from_db()
    assert focal_point.check_password(NEW_PASSWORD)
    assert client.get(response["Location"]).status_code == 200  # still signed in here
    assert client.get(CHANGE).status_code == 200
    assert elsewhere.get(CHANGE)["Location"].startswith(LOGIN)  # the other session ended
    assert "password-changed user=focal ip=127.0.0.1" in caplog.text
    assert NEW_PASSWORD not in caplog.text and PASSWORD not in caplog.text


def test_a_two_factor_session_stays_verified_after_changing_the_password(client_for, secretariat):
    client = client_for(secretariat)
    assert change(client).status_code == 302
    assert client.get(HOME).status_code == 200  # not sent back to the code page


def test_the_change_page_needs_a_signed_in_user(public):
    assert public.get(CHANGE)["Location"].startswith(LOGIN)


# --- resetting a forgotten password by e-mail ---


def test_the_sign_in_page_links_to_the_reset_page(public):
    assert f'href="{RESET}"' in public.get(LOGIN).content.decode()


def test_a_reset_link_is_valid_for_an_hour_by_default():
    assert production.PASSWORD_RESET_TIMEOUT == 3600
    assert production.PASSWORD_RESET_LIMIT == 5


def test_a_reset_request_sends_one_email_with_a_link(public, focal_point, settings, caplog):
    settings.SITE_URL = "https://nsm.example.gov.al/"
    with caplog.at_level(logging.INFO, logger="nsm.security"):
        response = ask_reset(public, focal_point.email)
    assert response.status_code == 302 and response["Location"] == SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [focal_point.email]
    assert message.subject == "Choose a new password for the NSM platform"
    assert "https://nsm.example.gov.al/accounts/password/reset/" in message.body  # the site's address, not the Host
    assert "Your user name is focal." in message.body and "within 60 minutes" in message.body
    assert "password-reset-requested ip=127.0.0.1" in caplog.text and focal_point.email not in caplog.text


def languages_of_sent_emails(client: Client, email: str) -> list[str]:
    """The interface language active while each reset e-mail was rendered."""
    languages = []
    send_mail = PasswordResetForm.send_mail

    def spy(self, *args, **kwargs):
        languages.append(translation.get_language())
        return send_mail(self, *args, **kwargs)

    with mock.patch.object(PasswordResetForm, "send_mail", spy):
        ask_reset(client, email)
    return languages


def test_the_email_is_in_albanian_by_default(public, focal_point, settings):
    settings.LANGUAGE_CODE = "sq"
    assert languages_of_sent_emails(public, focal_point.email) == ["sq"]
    assert len(mail.outbox) == 1


def test_the_email_is_in_the_language_the_user_chose(focal_point, settings):
    settings.LANGUAGE_CODE = "sq"
    assert languages_of_sent_emails(Client(headers={"accept-language": "en"}), focal_point.email) == ["en"]


def test_the_link_sets_a_new_password_and_does_not_sign_in(public, focal_point, reset_link, caplog):
    with caplog.at_level(logging.INFO, logger="nsm.security"):
        response = set_new_password(public, reset_link)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-complete")
    assert "_auth_user_id" not in public.session
    focal_point.refresh_from_db()
    assert focal_point.check_password(NEW_PASSWORD)
    assert "password-reset user=focal ip=127.0.0.1" in caplog.text
    assert public.post(LOGIN, {"username": "focal", "password": NEW_PASSWORD}).status_code == 302


def test_a_link_used_once_is_refused_the_second_time(public, focal_point, reset_link):
    assert set_new_password(public, reset_link).status_code == 302
    again = Client().get(reset_link)
    assert again.status_code == 200
    assert "This link does not work: it was used already" in again.content.decode()
    assert 'name="new_password1"' not in again.content.decode()
    refused = set_new_password_directly(reset_link, "yet another long password")
    assert refused.status_code == 200
    focal_point.refresh_from_db()
    assert focal_point.check_password(NEW_PASSWORD)


def set_new_password_directly(link: str, password: str):
    """POST straight to the link, as a replay would."""
    return Client().post(link, {"new_password1": password, "new_password2": password})


def test_a_link_expires_after_the_reset_timeout(public, focal_point, reset_link, settings):
    later = datetime.datetime.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1)  # noqa: DTZ005 - Django's token uses naive local time
    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
        response = public.get(reset_link)
    assert response.status_code == 200
    assert "older than 60 minutes" in response.content.decode()
    focal_point.refresh_from_db()
    assert focal_point.check_password(PASSWORD)


def test_a_link_is_still_valid_just_before_the_timeout(public, reset_link, settings):
    sooner = datetime.datetime.now() + datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 60)  # noqa: DTZ005
    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=sooner):
        assert public.get(reset_link).status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_email(public, focal_point):
    known = ask_reset(public, focal_point.email)
    unknown = ask_reset(Client(), "nobody@example.org")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [focal_point.email]


def test_an_inactive_user_gets_no_email(public, db):
    UserFactory(username="gone", is_active=False)
    response = ask_reset(public, "gone@example.org")
    assert response.status_code == 302 and response["Location"] == SENT
    assert mail.outbox == []


def test_the_sixth_request_for_one_address_in_an_hour_is_refused_without_email(public, focal_point, caplog):
    for number in range(5):
        response = ask_reset(Client(REMOTE_ADDR=f"198.51.100.{number}"), focal_point.email)
        assert response.status_code == 302
    with caplog.at_level(logging.INFO, logger="nsm.security"):
        refused = ask_reset(Client(REMOTE_ADDR="198.51.100.99"), focal_point.email.upper())
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert "at most 5 times an hour" in refused.content.decode()
    assert len(mail.outbox) == 5
    assert "password-reset-limited ip=198.51.100.99" in caplog.text


def test_the_sixth_request_from_one_client_in_an_hour_is_refused_without_email(public, db):
    users = [UserFactory(username=f"person{number}") for number in range(6)]
    for user in users[:5]:
        assert ask_reset(public, user.email).status_code == 302
    assert ask_reset(public, users[5].email).status_code == 429
    assert [message.to for message in mail.outbox] == [[user.email] for user in users[:5]]


def test_unknown_addresses_count_towards_the_limit_too(public, db):
    for number in range(5):
        assert ask_reset(public, f"nobody{number}@example.org").status_code == 302
    assert ask_reset(public, "nobody5@example.org").status_code == 429


def test_the_limit_is_counted_in_the_database_without_the_address_and_starts_again_after_an_hour(public, db):
    """Every process of every server reads the same rows; no e-mail address is stored, only its hash."""
    for _number in range(5):
        ask_reset(public, "someone@example.org")
    keys = list(RateCounter.objects.values_list("key", "count"))
    assert sorted(count for _key, count in keys) == [5, 5]
    assert not any("someone" in key for key, _count in keys)
    assert ask_reset(public, "someone@example.org").status_code == 429
    RateCounter.objects.update(started=timezone.now() - datetime.timedelta(hours=1, seconds=1))
    assert ask_reset(public, "someone@example.org").status_code == 302


def test_a_reset_ends_every_session_of_the_user(client_for, focal_point, public):
    elsewhere = client_for(focal_point)  # signed in before the request: a sign-in after it would void the link
    assert elsewhere.get(CHANGE).status_code == 200
    ask_reset(public, focal_point.email)
    set_new_password(public, link_in(mail.outbox[0]))
    assert elsewhere.get(CHANGE)["Location"].startswith(LOGIN)


def test_signing_in_voids_a_link_sent_before(public, focal_point, reset_link):
    assert public.post(LOGIN, {"username": "focal", "password": PASSWORD}).status_code == 302
    assert "This link does not work" in Client().get(reset_link).content.decode()


def test_after_a_reset_a_two_factor_role_still_gives_its_code(public, secretariat):
    device = twofactor.add_confirmed_device(secretariat)
    ask_reset(public, secretariat.email)
    set_new_password(public, link_in(mail.outbox[0]))
    assert public.post(LOGIN, {"username": "secretariat", "password": NEW_PASSWORD}).status_code == 302
    assert DEVICE_ID_SESSION_KEY not in public.session
    response = public.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two-factor"))
    assert twofactor.confirmed_device(secretariat) == device  # the reset left the device in place
