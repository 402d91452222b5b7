"""What a request brings is bounded: an id or offset too large for the database, a filter too long, is a 400; a body
over the API's bound (or Django's) is a 413, refused before it is read; an answer lists at most 100 problems. Never
a 500."""

import json

import pytest

from tests.api.conftest import assert_error

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/reports?cycle={HUGE}",
        f"/api/v1/reports?offset={HUGE}",
        f"/api/v1/cycles?offset={HUGE}",
        f"/api/v1/reports/{HUGE}",
        f"/api/v1/cycles/{HUGE}",
        f"/api/v1/strategies?offset={HUGE}",
        f"/api/v1/activities/{HUGE}",
        f"/api/v1/indicators/{HUGE}",
        f"/api/v1/strategies/AL-NSM-TEST/implementation?goal={HUGE}",
    ],
)
def test_too_large_a_number_in_the_address_is_a_bad_request(secretariat, strategy, api_for, url):
    assert_error(api_for(secretariat).get(url), 400, "bad_request")


def test_too_long_a_filter_is_a_bad_request_naming_it(secretariat, api_for):
    error = assert_error(api_for(secretariat).get("/api/v1/reports?institution=" + "X" * 2001), 400, "bad_request")
    assert error["details"][0]["field"] == "institution"
    assert "2,001 characters; at most 2,000" in error["details"][0]["message"]


def test_too_large_an_id_in_a_body_is_a_bad_request(cycle, report, focal_point, api_for):
    response = api_for(focal_point).post(
        f"/api/v1/reports/{report.pk}/comments",
        {"text": "x", "activity_id": int(HUGE)},
        content_type="application/json",
    )
    assert_error(response, 400, "bad_request")


# --- Bodies: bounded before they are read ---


def _patch(client, report, body: bytes):
    return client.generic("PATCH", f"/api/v1/reports/{report.pk}/lines", body, content_type="application/json")


def _narrative_of(report, size: int) -> bytes:
    line = report.activity_lines.first()
    head = f'{{"version": {report.version}, "activities": [{{"activity_id": {line.activity_id}, "narrative": "'
    tail = '"}]}'
    return (head + "x" * (size - len(head) - len(tail)) + tail).encode()


def test_a_body_over_eleven_megabytes_is_too_large_not_a_server_error(report, focal_point, api_for):
    """The finding: Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE) raised RequestDataTooBig, answered 500."""
    error = assert_error(
        _patch(api_for(focal_point), report, _narrative_of(report, 11 * 1024 * 1024)), 413, "too_large"
    )
    assert "11,264 KB; the API reads at most 2,048 KB" in error["message"]


def test_a_body_over_the_apis_bound_is_refused_unread(report, focal_point, api_for, settings):
    settings.API_MAX_BODY_BYTES = 4096
    client = api_for(focal_point)
    assert_error(_patch(client, report, _narrative_of(report, 4097)), 413, "too_large")
    assert _patch(client, report, _narrative_of(report, 4096)).status_code == 200


def test_a_bound_set_above_djangos_own_is_still_a_413(report, focal_point, api_for, settings):
    settings.API_MAX_BODY_BYTES = settings.DATA_UPLOAD_MAX_MEMORY_SIZE * 2
    body = _narrative_of(report, settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    assert_error(_patch(api_for(focal_point), report, body), 413, "too_large")


def test_the_bound_holds_for_anonymous_open_data_too(public, settings):
    settings.API_MAX_BODY_BYTES = 1024
    response = public.generic("GET", "/api/v1/open/strategies", b"x" * 2048, content_type="application/json")
    assert_error(response, 413, "too_large")


def test_an_answer_lists_at_most_a_hundred_problems_and_counts_the_rest(report, focal_point, api_for):
    body = {"version": report.version, "activities": [{"activity_id": "not a number"}] * 250}
    response = api_for(focal_point).generic(
        "PATCH", f"/api/v1/reports/{report.pk}/lines", json.dumps(body), content_type="application/json"
    )
    error = assert_error(response, 400, "bad_request")
    assert len(error["details"]) == 101
    assert error["details"][-1] == {"field": None, "line": None, "message": "… and 150 more problems."}
