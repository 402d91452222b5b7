"""Token authentication: `Authorization: Bearer <key>`; no key, a wrong, expired or revoked key -> 401 in the
API's error shape. A signed-in browser session is not enough."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from nsm.accounts import services
from nsm.accounts.models import ApiToken
from tests.api.conftest import assert_error

URL = "/api/v1/reports"


@pytest.fixture
def key(focal_point):
    _token, key = services.create_api_token(focal_point, name="robot")
    return key


def bearer(key: str) -> Client:
    return Client(headers={"authorization": f"Bearer {key}"})


def test_a_valid_key_is_accepted(key):
    response = bearer(key).get(URL)
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_no_key_is_refused(public, db):
    error = assert_error(public.get(URL), 401, "unauthorized")
    assert "Bearer" in error["message"]


def test_the_refusal_asks_for_a_bearer_key(public, db):
    assert public.get(URL)["WWW-Authenticate"] == "Bearer"


def test_an_unknown_key_is_refused(key):
    assert_error(bearer(key[:-1] + "?").get(URL), 401, "unauthorized")


def test_another_scheme_is_refused(key):
    assert_error(Client(headers={"authorization": f"Token {key}"}).get(URL), 401, "unauthorized")


def test_an_expired_key_is_refused(key, focal_point):
    now = timezone.now()
    ApiToken.objects.filter(user=focal_point).update(
        created_at=now - datetime.timedelta(days=91), expires_at=now - datetime.timedelta(seconds=1)
    )
    error = assert_error(bearer(key).get(URL), 401, "unauthorized")
    assert "expired" in error["message"]


def test_a_revoked_key_is_refused(key, focal_point):
    services.revoke_api_token(ApiToken.objects.get(user=focal_point), by=focal_point)
    error = assert_error(bearer(key).get(URL), 401, "unauthorized")
    assert "revoked" in error["message"]


def test_a_signed_in_session_is_not_an_api_key(focal_point, client_for):
    assert_error(client_for(focal_point).get(URL), 401, "unauthorized")


def test_a_request_records_when_the_key_was_last_used(key, focal_point):
    bearer(key).get(URL)
    assert ApiToken.objects.get(user=focal_point).last_used_at is not None


def test_every_endpoint_asks_for_a_key(public, report):
    pk, cycle = report.pk, report.cycle_id
    calls = [
        ("get", "/api/v1/reports"), ("get", f"/api/v1/reports/{pk}"), ("put", f"/api/v1/reports/{pk}/lines"),
        ("post", f"/api/v1/reports/{pk}/submit"), ("post", f"/api/v1/reports/{pk}/return"),
        ("post", f"/api/v1/reports/{pk}/approve"), ("post", f"/api/v1/reports/{pk}/reopen"),
        ("post", f"/api/v1/reports/{pk}/comments"), ("get", "/api/v1/cycles"), ("get", f"/api/v1/cycles/{cycle}"),
        ("post", f"/api/v1/cycles/{cycle}/close"),
    ]  # fmt: skip
    for method, url in calls:
        assert_error(getattr(public, method)(url, content_type="application/json"), 401, "unauthorized")
