"""Numbers a request brings are bounded: an id or offset too large for the database is a 400, never a 500."""

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


def test_too_large_an_id_in_a_body_is_a_bad_request(cycle, report, focal_point, api_for):
    response = api_for(focal_point).post(
        f"/api/v1/reports/{report.pk}/comments",
        {"text": "x", "activity_id": int(HUGE)},
        content_type="application/json",
    )
    assert_error(response, 400, "bad_request")
