"""Sign-in security: Argon2 passwords, the lockout after repeated failures, two-factor sign-in for the roles that
change plans, the security log, and the cookie and deploy settings."""

import datetime
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

import nsm.settings as production
from nsm.accounts import services, twofactor
from nsm.accounts.models import Membership
from tests.conftest import next_totp_code
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

PASSWORD = "correct horse battery"
LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:two-factor")
ENROLL = reverse("accounts:two-factor-enroll")
HOME = reverse("home")


def sign_in_with_password(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def fail(client: Client, username: str, times: int, **extra) -> None:
    for _ in range(times):
        sign_in_with_password(client, username, "wrong password", **extra)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


# --- passwords ---


def test_a_new_password_is_stored_with_argon2(settings, db):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = UserFactory(username="newcomer")
    user.set_password("a long new password")
    assert user.password.startswith("argon2$")


def test_a_pbkdf2_hash_is_upgraded_to_argon2_at_sign_in(settings, public, focal_point):
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    focal_point.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    focal_point.save()
    assert sign_in_with_password(public, "focal").status_code == 302
    focal_point.refresh_from_db()
    assert focal_point.password.startswith("argon2$")
    assert focal_point.check_password(PASSWORD)


# --- lockout ---


def test_repeated_failures_lock_the_user_name_even_for_the_right_password(settings, public, focal_point):
    assert settings.AXES_FAILURE_LIMIT == 5
    fail(public, "focal", 4)
    assert sign_in_with_password(public, "focal", "wrong password").status_code == 429
    response = sign_in_with_password(public, "focal")
    assert response.status_code == 429
    assert "_auth_user_id" not in public.session
    text = response.content.decode()
    assert "Sign-in blocked for a while" in text
    assert "blocked for 15 minutes" in text and "Try again after" in text
    assert "contact the platform's administrators" in text
    assert response["Retry-After"] == "900"


def test_the_lockout_page_names_the_configured_contact(settings, public, focal_point):
    settings.SUPPORT_CONTACT = "helpdesk@nsm.example.gov.al"
    fail(public, "focal", 5)
    assert "helpdesk@nsm.example.gov.al" in sign_in_with_password(public, "focal").content.decode()


def test_fewer_failures_than_the_limit_do_not_lock(public, focal_point):
    fail(public, "focal", 4)
    assert sign_in_with_password(public, "focal").status_code == 302


def test_the_lock_ends_after_the_cool_off(settings, public, focal_point):
    fail(public, "focal", 5)
    assert sign_in_with_password(public, "focal").status_code == 429
    later = settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
    for attempt in AccessAttempt.objects.all():  # as if the cool-off had passed since the last try
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - later)
    assert sign_in_with_password(public, "focal").status_code == 302


def test_an_administrator_can_lift_the_lock(public, focal_point):
    fail(public, "focal", 5)
    reset(username="focal")
    assert sign_in_with_password(public, "focal").status_code == 302


def test_other_users_and_other_addresses_are_not_locked(public, focal_point, viewer):
    fail(public, "focal", 5)
    assert sign_in_with_password(public, "viewer").status_code == 302
    elsewhere = Client(REMOTE_ADDR="10.9.9.9")
    assert sign_in_with_password(elsewhere, "focal").status_code == 302


def test_behind_a_proxy_the_address_the_proxy_appended_is_counted(settings, focal_point):
    settings.BEHIND_PROXY = True
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    fail(proxy, "focal", 5, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    locked = sign_in_with_password(proxy, "focal", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7")
    assert locked.status_code == 429  # the spoofable first address changed; the proxy's did not
    other_client = sign_in_with_password(proxy, "focal", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other_client.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_an_address_that_is_not_one_is_not_stored(settings, focal_point):
    """A forged X-Forwarded-For (or a request without an address) is recorded without an address, never as text that
    PostgreSQL's address column would refuse with an error."""
    settings.BEHIND_PROXY = True
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    assert (
        sign_in_with_password(proxy, "focal", "wrong", HTTP_X_FORWARDED_FOR="1.2.3.4, not-an-address").status_code
        == 200
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [None]
    assert sign_in_with_password(proxy, "focal", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 302


def test_the_api_token_of_a_locked_out_user_still_works(public, secretariat):
    _token, key = services.create_api_token(secretariat, name="script")
    fail(public, "secretariat", 5)
    response = Client(headers={"authorization": f"Bearer {key}"}).get("/api/v1/reports")
    assert response.status_code == 200


# --- two-factor sign-in ---


def test_the_secretariat_signing_in_with_a_password_only_reaches_the_code_page(public, secretariat):
    twofactor.add_confirmed_device(secretariat)
    response = public.post(LOGIN, {"username": "secretariat", "password": PASSWORD}, follow=True)
    assert response.templates[0].name == "accounts/two_factor.html"
    assert response.redirect_chain[-1][0] == f"{VERIFY}?next=%2F"
    page = public.get(reverse("monitoring:reports"))
    assert page.status_code == 302 and page["Location"].startswith(VERIFY)


def test_the_code_page_has_a_labelled_one_time_code_input(public, secretariat):
    twofactor.add_confirmed_device(secretariat)
    sign_in_with_password(public, "secretariat")
    text = public.get(VERIFY).content.decode()
    assert '<label class="form-label fw-semibold" for="id_code">Six-digit code</label>' in text
    assert 'autocomplete="one-time-code"' in text and 'inputmode="numeric"' in text


def test_a_wrong_code_is_refused(public, secretariat, caplog):
    device = twofactor.add_confirmed_device(secretariat)
    sign_in_with_password(public, "secretariat")
    wrong = str((int(twofactor.current_code(device)) + 1) % 1000000).zfill(6)
    with caplog.at_level(logging.INFO, logger="nsm.security"):
        response = public.post(VERIFY, {"code": wrong, "next": "/"})
    assert response.status_code == 200
    assert "This code is not right" in response.content.decode()
    assert public.get(HOME).status_code == 302
    assert "two-factor-failed user=secretariat" in caplog.text


def test_the_right_code_lets_the_secretariat_in(public, secretariat, caplog):
    device = twofactor.add_confirmed_device(secretariat)
    sign_in_with_password(public, "secretariat")
    with caplog.at_level(logging.INFO, logger="nsm.security"):
        response = public.post(VERIFY, {"code": next_totp_code(device), "next": "/monitoring/reports/"})
    assert response.status_code == 302 and response["Location"] == "/monitoring/reports/"
    assert public.get(reverse("monitoring:reports")).status_code == 200
    assert public.get(HOME).status_code == 200
    assert "two-factor-verified user=secretariat" in caplog.text


def test_a_code_given_with_a_space_is_accepted(public, coordinator):
    device = twofactor.add_confirmed_device(coordinator)
    sign_in_with_password(public, "coordinator")
    code = next_totp_code(device)
    assert public.post(VERIFY, {"code": f"{code[:3]} {code[3:]}"}).status_code == 302


def test_a_code_is_accepted_once(public, secretariat):
    device = twofactor.add_confirmed_device(secretariat)
    sign_in_with_password(public, "secretariat")
    code = next_totp_code(device)
    assert public.post(VERIFY, {"code": code}).status_code == 302
    again = Client()
    sign_in_with_password(again, "secretariat")
    assert again.post(VERIFY, {"code": code}).status_code == 200
    assert again.get(HOME).status_code == 302


def test_wrong_codes_slow_further_tries(settings, public, secretariat):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = twofactor.add_confirmed_device(secretariat)
    sign_in_with_password(public, "secretariat")
    public.post(VERIFY, {"code": "000000" if twofactor.current_code(device) != "000000" else "111111"})
    response = public.post(VERIFY, {"code": next_totp_code(device)})
    assert response.status_code == 200
    assert "Too many wrong codes. Wait" in response.content.decode()


def test_a_coordinator_without_a_device_enrolls_one(public, coordinator):
    response = public.post(LOGIN, {"username": "coordinator", "password": PASSWORD}, follow=True)
    assert response.templates[0].name == "accounts/two_factor_enroll.html"
    text = response.content.decode()
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    secret = twofactor.secret_base32(device)
    assert 'src="data:image/svg+xml' in text and 'alt="QR code that adds NSM to an authenticator app"' in text
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in text
    assert "style=" not in text
    assert public.get(ENROLL).context["secret_groups"][0] == secret[:4]  # the same secret on reload

    done = public.post(ENROLL, {"code": next_totp_code(device), "next": "/"}, follow=True)
    assert done.redirect_chain[0][0] == "/"
    assert "Two-factor sign-in is set up" in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert public.get(reverse("monitoring:reports")).status_code == 200


def test_enrollment_refuses_a_wrong_code(public, coordinator):
    sign_in_with_password(public, "coordinator")
    public.get(ENROLL)
    device = TOTPDevice.objects.get(user=coordinator)
    wrong = str((int(twofactor.current_code(device)) + 1) % 1000000).zfill(6)
    assert public.post(ENROLL, {"code": wrong}).status_code == 200
    device.refresh_from_db()
    assert not device.confirmed


def test_a_second_device_cannot_be_enrolled_with_the_password_alone(public, secretariat):
    twofactor.add_confirmed_device(secretariat)
    sign_in_with_password(public, "secretariat")
    response = public.get(ENROLL)
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=secretariat).count() == 1


def test_a_superuser_is_asked_for_a_code_too(public, superuser):
    response = public.post(LOGIN, {"username": "root", "password": PASSWORD}, follow=True)
    assert response.templates[0].name == "accounts/two_factor_enroll.html"
    assert public.get(reverse("admin:index")).status_code == 302


@pytest.mark.parametrize("persona", ["focal_point", "viewer"])
def test_focal_points_and_viewers_are_not_asked_for_a_code(persona, request, public):
    user = request.getfixturevalue(persona)
    response = public.post(LOGIN, {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain == [(HOME, 302)]
    assert response.context["user"] == user
    assert public.get(VERIFY).status_code == 302


def test_a_user_waiting_for_the_code_may_sign_out_and_switch_language(public, secretariat):
    twofactor.add_confirmed_device(secretariat)
    sign_in_with_password(public, "secretariat")
    assert public.post(reverse("set_language"), {"language": "sq", "next": VERIFY})["Location"] == VERIFY
    public.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in public.session


def test_htmx_requests_are_sent_to_the_code_page_as_a_whole_page(public, secretariat):
    twofactor.add_confirmed_device(secretariat)
    sign_in_with_password(public, "secretariat")
    response = public.get(reverse("monitoring:reports"), headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"].startswith(VERIFY)


def test_the_api_with_a_token_works_for_the_secretariat(secretariat):
    _token, key = services.create_api_token(secretariat, name="script")
    response = Client(headers={"authorization": f"Bearer {key}"}).get("/api/v1/reports")
    assert response.status_code == 200


def test_a_user_who_gains_the_secretariat_role_is_asked_for_a_code(client_for, focal_point):
    client = client_for(focal_point)
    assert client.get(HOME).status_code == 200
    MembershipFactory(user=focal_point, institution=InstitutionFactory(code="MPB"), role=Membership.Role.SECRETARIAT)
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(ENROLL)


def test_client_for_signs_the_secretariat_in_past_the_second_step(client_for, secretariat):
    assert client_for(secretariat).get(reverse("monitoring:reports")).status_code == 200


def test_totp_code_prints_the_current_code_and_refuses_without_a_device(secretariat, focal_point, capsys):
    device = twofactor.add_confirmed_device(secretariat)
    call_command("totp-code", "secretariat")
    assert capsys.readouterr().out.strip() == twofactor.current_code(device)
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="focal has no two-factor device"):
        call_command("totp-code", "focal")


# --- the security log ---


def test_sign_in_failure_and_sign_out_are_logged_without_the_password(public, focal_point, caplog):
    with caplog.at_level(logging.INFO, logger="nsm.security"):
        sign_in_with_password(public, "focal", "my wrong secret", REMOTE_ADDR="192.0.2.5")
        sign_in_with_password(public, "focal", REMOTE_ADDR="192.0.2.5")
        public.post(reverse("accounts:logout"), REMOTE_ADDR="192.0.2.5")
    assert "sign-in-failed username=focal ip=192.0.2.5" in caplog.text
    assert "sign-in user=focal ip=192.0.2.5" in caplog.text
    assert "sign-out user=focal ip=192.0.2.5" in caplog.text
    assert "my wrong secret" not in caplog.text


def test_a_lockout_is_logged(public, focal_point, caplog):
    with caplog.at_level(logging.INFO, logger="nsm.security"):
        fail(public, "focal", 5)
    assert "lockout username=focal ip=127.0.0.1" in caplog.text


def test_a_user_name_cannot_forge_a_log_entry(public, db, caplog):
    with caplog.at_level(logging.INFO, logger="nsm.security"):
        sign_in_with_password(public, "x\nsign-in user=admin", "wrong password")
    assert "username=x_sign-in_user=admin" in caplog.text
    assert "\nsign-in user=admin" not in caplog.text


def test_a_refused_page_for_a_signed_in_user_is_logged(client_for, focal_point, caplog):
    client = client_for(focal_point)
    with caplog.at_level(logging.INFO, logger="nsm.security"):
        assert client.get("/monitoring/reports/999999/").status_code == 404
    assert "refused status=404 method=GET path=/monitoring/reports/999999/ user=focal" in caplog.text


def test_a_missing_page_for_an_anonymous_visitor_is_not_logged(public, db, caplog):
    with caplog.at_level(logging.INFO, logger="nsm.security"):
        assert public.get("/no-such-page/").status_code == 404
    assert "refused" not in caplog.text


def test_a_csrf_refusal_is_logged(focal_point, caplog):
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.INFO, logger="nsm.security"):
        assert sign_in_with_password(client, "focal").status_code == 403
    assert "refused status=403 method=POST path=/accounts/login/" in caplog.text


def test_the_apis_refusals_are_logged(public, focal_point, caplog):
    _token, key = services.create_api_token(focal_point, name="script")
    with caplog.at_level(logging.INFO, logger="nsm.security"):
        assert public.get("/api/v1/reports").status_code == 401
        api = Client(headers={"authorization": f"Bearer {key}"})
        assert api.get("/api/v1/reports/999999").status_code == 404
    assert "refused status=401 method=GET path=/api/v1/reports user=-" in caplog.text
    assert "refused status=404 method=GET path=/api/v1/reports/999999 user=focal" in caplog.text


# --- cookies and deployment ---


def test_the_session_and_csrf_cookies_are_http_only_and_same_site(public, focal_point):
    public.get(LOGIN)
    response = sign_in_with_password(public, "focal")
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert session["max-age"] == 8 * 3600
    csrf = public.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"


def test_the_deploy_check_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "NSM_SECRET_KEY": "test-" + "x7Qp" * 15,
        "NSM_HTTPS": "1",
        "NSM_ALLOWED_HOSTS": "nsm.example.gov.al",
        "NSM_VAR_DIR": str(tmp_path),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set in this process by the browser tests' fixture; not a deployment's
    nsm = Path(sys.executable).parent / "nsm"
    result = subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [str(nsm), "check", "--deploy", "--fail-level", "WARNING"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_deleting_a_users_device_ends_the_verification_of_their_sessions(client_for, secretariat):
    client = client_for(secretariat)
    assert client.get(HOME).status_code == 200
    TOTPDevice.objects.filter(user=secretariat).delete()  # an administrator resets a lost phone
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"].startswith(ENROLL)
