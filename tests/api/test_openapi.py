"""The OpenAPI document lists every endpoint and documents the error shape; the docs page needs no other host."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/search": {"get"},
    "/api/v1/reports": {"get"},
    "/api/v1/reports/{report_id}": {"get"},
    "/api/v1/reports/{report_id}/lines": {"put", "patch"},
    "/api/v1/reports/{report_id}/submit": {"post"},
    "/api/v1/reports/{report_id}/return": {"post"},
    "/api/v1/reports/{report_id}/approve": {"post"},
    "/api/v1/reports/{report_id}/reopen": {"post"},
    "/api/v1/reports/{report_id}/comments": {"post"},
    "/api/v1/cycles": {"get"},
    "/api/v1/cycles/{cycle_id}": {"get"},
    "/api/v1/cycles/{cycle_id}/close": {"post"},
    "/api/v1/strategies/{code}/implementation": {"get"},
    "/api/v1/strategies/{code}/indicators/achievement": {"get"},
    "/api/v1/strategies/{code}/budget": {"get"},
    "/api/v1/strategies/{code}/compliance": {"get"},
    "/api/v1/strategies/{code}/gcm-alignment": {"get"},
    "/api/v1/strategies": {"get"},
    "/api/v1/strategies/{code}": {"get"},
    "/api/v1/strategies/{code}/results": {"get"},
    "/api/v1/strategies/{code}/activities": {"get"},
    "/api/v1/activities/{activity_id}": {"get"},
    "/api/v1/strategies/{code}/indicators": {"get"},
    "/api/v1/indicators/{indicator_id}": {"get"},
    "/api/v1/strategies/{code}/indicator-values": {"get"},
    "/api/v1/open/strategies": {"get"},
    "/api/v1/open/strategies/{code}/indicators.json": {"get"},
    "/api/v1/open/strategies/{code}/indicators.csv": {"get"},
    "/api/v1/open/strategies/{code}/activities.json": {"get"},
    "/api/v1/open/strategies/{code}/activities.csv": {"get"},
}
OPEN = "/api/v1/open/"  # open data of public strategies: no key, so no 401


@pytest.fixture
def document(public):
    response = public.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_openapi_document_lists_every_endpoint(document):
    assert document["info"]["title"] == "NSM API"
    assert document["info"]["version"] == "1"
    assert {path: set(operations) for path, operations in document["paths"].items()} == PATHS


def test_every_operation_needs_a_bearer_key_but_open_data(document):
    assert document["components"]["securitySchemes"]["BearerKey"] == {"type": "http", "scheme": "bearer"}
    for path, operations in document["paths"].items():
        for operation in operations.values():
            if path.startswith(OPEN):
                assert "security" not in operation, path
            else:
                assert operation["security"] == [{"BearerKey": []}], path


def test_every_operation_documents_its_errors_in_the_one_error_shape(document):
    for path, operations in document["paths"].items():
        for operation in operations.values():
            errors = {code for code in operation["responses"] if code.startswith(("4", "5"))}
            assert ({"400", "500"} if path.startswith(OPEN) else {"400", "401", "500"}) <= errors, path
            for code in errors:
                schema = operation["responses"][code]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (path, code)
    body = document["components"]["schemas"]["ErrorBody"]
    assert {"code", "message", "details", "current_version"} <= set(body["properties"])
    assert {"field", "line", "message"} == set(document["components"]["schemas"]["ErrorDetail"]["properties"])


def test_the_report_endpoints_document_not_found_and_the_writes_conflicts(document):
    paths = document["paths"]
    assert "404" in paths["/api/v1/reports/{report_id}"]["get"]["responses"]
    for action, method in [("lines", "put"), ("lines", "patch"), *((a, "post") for a in ("submit", "return"))]:
        responses = paths[f"/api/v1/reports/{{report_id}}/{action}"][method]["responses"]
        assert {"403", "404", "409", "413"} <= set(responses), action
    for method in ("put", "patch"):
        assert "422" in paths["/api/v1/reports/{report_id}/lines"][method]["responses"]


def _schema(document, name):
    return document["components"]["schemas"][name]


def test_a_put_line_documents_every_field_as_required_and_a_patch_line_only_its_id(document):
    # The English narrative may be left out (kept as stored), so that clients written before it still work.
    assert set(_schema(document, "FullActivityLineIn")["required"]) == {
        "activity_id", "status", "percent_complete", "spent_state_budget", "spent_donor", "spent_other", "narrative_sq"
    }  # fmt: skip
    assert set(_schema(document, "FullIndicatorLineIn")["required"]) == {
        "indicator_id", "total", "cells", "note", "source"
    }  # fmt: skip
    assert _schema(document, "ActivityLineIn")["required"] == ["activity_id"]
    assert _schema(document, "IndicatorLineIn")["required"] == ["indicator_id"]


def test_every_text_a_body_takes_documents_its_length_and_refuses_control_characters(document):
    for name in ("narrative", "narrative_sq", "narrative_en"):
        narrative = _schema(document, "ActivityLineIn")["properties"][name]["anyOf"][0]
        assert narrative["maxLength"] == 10_000
        assert re.fullmatch(narrative["pattern"], "Two trainings,\n40 people.\t")
        assert not re.fullmatch(narrative["pattern"], "NUL \x00 here")
    assert _schema(document, "ReasonIn")["properties"]["reason"]["maxLength"] == 10_000
    assert _schema(document, "CommentIn")["properties"]["text"]["maxLength"] == 10_000


def test_the_docs_page_asks_to_sign_in(public):
    response = public.get(reverse("api:openapi-view"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_docs_page_asks_for_the_second_step_of_a_session_signed_in_with_a_password_only(secretariat):
    """The site sends a secretariat member who has not given the code yet to the code page; /api/ passes that
    middleware (tokens authenticate the calls), so the docs page asks for it itself."""
    client = Client()
    client.force_login(secretariat, backend="nsm.accounts.backends.ModelBackend")  # the password, not the code
    response = client.get(reverse("api:openapi-view"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two-factor") + "?next=%2Fapi%2Fv1%2Fdocs"
    assert "swagger" not in response.content.decode().lower()
    assert client.get(response["Location"], follow=True).status_code == 200  # the enrolment page, no device yet


def test_the_docs_page_opens_after_the_second_step(client_for, secretariat):
    assert client_for(secretariat).get(reverse("api:openapi-view")).status_code == 200


def test_the_docs_page_loads_everything_from_this_server(client_for, focal_point):
    client = client_for(focal_point)
    response = client.get(reverse("api:openapi-view"))
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r'(?:href|src)="(?:https?:)?//', html)
    assert "cdn" not in html.lower()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert len(assets) >= 3
    for url in assets:
        asset = client.get(url)
        assert asset.status_code == 200, url
        b"".join(asset.streaming_content) if asset.streaming else asset.content
    settings = json.loads(re.search(r'id="swagger-settings"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert settings["url"] == "/api/v1/openapi.json"
    assert settings["validatorUrl"] is None  # Swagger UI would otherwise call validator.swagger.io
