"""API tokens: made on the user's page, the key shown once and stored only as a hash; expired or revoked keys are
refused; every use is recorded."""

import datetime
import hashlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from nsm.accounts import services
from nsm.accounts.models import ApiToken


def make_on_page(client, name="Reporting script", days=90):
    return client.post(reverse("accounts:token-create"), {"name": name, "days": days})


def expire(token):
    """Move the token's life into the past, as if it had been made days ago."""
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(
        created_at=now - datetime.timedelta(days=2), expires_at=now - datetime.timedelta(seconds=1)
    )


def key_in(response) -> str:
    match = re.search(r'id="new-key" type="text" readonly value="([^"]+)"', response.content.decode())
    assert match, "the new key is shown"
    return match.group(1)


def test_the_tokens_page_asks_to_sign_in(public):
    response = public.get(reverse("accounts:tokens"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_making_a_token_shows_its_key_once_and_stores_only_its_hash(focal_point, client_for):
    client = client_for(focal_point)
    response = make_on_page(client)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = key_in(response)
    token = ApiToken.objects.get(user=focal_point)
    assert token.name == "Reporting script"
    assert token.prefix == key[:8]
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {getattr(token, field.attname) for field in ApiToken._meta.concrete_fields}
    assert key not in {str(value) for row in ApiToken.history.values() for value in row.values()}
    listing = client.get(reverse("accounts:tokens")).content.decode()
    assert key not in listing
    assert token.prefix in listing


def test_a_token_is_valid_for_90_days_by_default(focal_point):
    token, _key = services.create_api_token(focal_point, name="default")
    assert token.expires_at - token.created_at == datetime.timedelta(days=90)


@pytest.mark.parametrize("days", [0, 366])
def test_a_token_is_valid_for_one_day_to_a_year(focal_point, client_for, days):
    response = make_on_page(client_for(focal_point), days=days)
    assert "new-key" not in response.content.decode()
    assert not ApiToken.objects.exists()
    with pytest.raises(ValidationError):
        services.create_api_token(focal_point, name="too long", days=days)


def test_a_token_needs_a_name(focal_point, client_for):
    make_on_page(client_for(focal_point), name="  ")
    assert not ApiToken.objects.exists()


def test_a_user_sees_only_their_own_tokens(focal_point, other_focal_point, client_for):
    services.create_api_token(other_focal_point, name="Someone else's robot")
    services.create_api_token(focal_point, name="My robot")
    page = client_for(focal_point).get(reverse("accounts:tokens")).content.decode()
    assert "My robot" in page
    assert "Someone else's robot" not in page


def test_revoking_a_token_refuses_its_key_from_then_on(focal_point, client_for):
    token, key = services.create_api_token(focal_point, name="robot")
    services.authenticate_api_key(key)
    response = client_for(focal_point).post(reverse("accounts:token-revoke", args=[token.pk]), {"confirm": "yes"})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    with pytest.raises(services.TokenRefused, match="revoked"):
        services.authenticate_api_key(key)
    assert token.history.first().revoked_at == token.revoked_at


def test_a_user_cannot_revoke_another_users_token(focal_point, other_focal_point, client_for):
    token, _key = services.create_api_token(other_focal_point, name="robot")
    response = client_for(focal_point).post(reverse("accounts:token-revoke", args=[token.pk]), {"confirm": "yes"})
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_asks_first_and_takes_a_confirmed_post(focal_point, client_for):
    token, _key = services.create_api_token(focal_point, name="robot")
    client, revoke = client_for(focal_point), reverse("accounts:token-revoke", args=[token.pk])
    for asked in (client.get(revoke), client.post(revoke)):
        page = asked.content.decode()
        assert asked.status_code == 200 and "Revoke the token robot?" in page and "is refused from then on" in page
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_expired_key_is_refused(focal_point):
    token, key = services.create_api_token(focal_point, name="robot", days=1)
    expire(token)
    with pytest.raises(services.TokenRefused, match="expired"):
        services.authenticate_api_key(key)


def test_an_unknown_key_or_an_inactive_users_key_is_refused(focal_point):
    _token, key = services.create_api_token(focal_point, name="robot")
    with pytest.raises(services.TokenRefused):
        services.authenticate_api_key(key + "x")
    focal_point.is_active = False
    focal_point.save()
    with pytest.raises(services.TokenRefused):
        services.authenticate_api_key(key)


def test_using_a_key_records_when_it_was_last_used(focal_point):
    token, key = services.create_api_token(focal_point, name="robot")
    assert token.last_used_at is None
    before = timezone.now()
    assert services.authenticate_api_key(key).user == focal_point
    token.refresh_from_db()
    assert token.last_used_at >= before
    assert token.history.count() == 1  # using a token is not a change of it


def test_the_page_tells_active_expired_and_revoked_tokens_apart(focal_point, client_for):
    services.create_api_token(focal_point, name="active one")
    expired, _key = services.create_api_token(focal_point, name="expired one")
    expire(expired)
    revoked, _key = services.create_api_token(focal_point, name="revoked one")
    services.revoke_api_token(revoked, by=focal_point)
    page = client_for(focal_point).get(reverse("accounts:tokens")).content.decode()
    assert page.count("Revoke<span") == 1
    assert "Expired" in page and "Revoked" in page and "Active" in page
