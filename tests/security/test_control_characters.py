"""NUL and the other control characters, and texts over their length, are refused in words on both engines: in the
API's bodies (422 naming the field), in an address anywhere in the site (400), in the report form and in the
review's reasons. The suite runs on SQLite and on PostgreSQL (.ci/run): PostgreSQL used to answer a NUL with a 500,
SQLite used to store it."""

import json

import pytest
from django.urls import reverse

from nsm.core.limits import LONG_TEXT_CHARS
from nsm.monitoring import services
from nsm.monitoring.models import ActivityProgress, IndicatorValue, ReviewComment
from tests.api import conftest as api_fixtures
from tests.api.conftest import assert_error
from tests.monitoring import conftest as monitoring_fixtures
from tests.monitoring.conftest import fill
from tests.monitoring.test_pages import filled_form, line_ids

# The API's and the monitoring tests' fixtures (a token's client; the open cycle and the focal point's report).
api_for, cycle, report = api_fixtures.api_for, monitoring_fixtures.cycle, monitoring_fixtures.report

pytestmark = pytest.mark.django_db

NUL = "Two trainings\x00 held."
BELL = "Two trainings\x07 held."
TOO_LONG = "x" * (LONG_TEXT_CHARS + 1)


def patch(client, report, payload):
    return client.generic(
        "PATCH", f"/api/v1/reports/{report.pk}/lines", json.dumps(payload), content_type="application/json"
    )


def post(client, path, payload):
    return client.post(path, json.dumps(payload), content_type="application/json")


@pytest.fixture
def submitted(report, focal_point):
    fill(report, focal_point)
    return services.submit_report(report, by=focal_point, version=report.version)


# --- The API's texts ---


@pytest.mark.parametrize("text", [NUL, BELL, TOO_LONG], ids=["NUL", "BEL", "too long"])
@pytest.mark.parametrize(
    ("kind", "field"), [("activities", "narrative"), ("indicators", "note"), ("indicators", "source")]
)
def test_a_line_text_that_breaks_a_rule_is_refused_naming_the_field(api_for, focal_point, report, kind, field, text):
    line = report.activity_lines.first() if kind == "activities" else report.indicator_values.first()
    key = "activity_id" if kind == "activities" else "indicator_id"
    payload = {"version": report.version, kind: [{key: getattr(line, key), field: text}]}
    error = assert_error(patch(api_for(focal_point), report, payload), 422, "invalid")
    assert [detail["field"] for detail in error["details"]] == [f"{kind}.0.{field}"]
    message = error["details"][0]["message"]
    assert ("10,001 characters; at most 10,000" if text is TOO_LONG else "control character") in message
    assert not ActivityProgress.objects.filter(report=report, narrative_sq__contains="trainings").exists()
    assert not IndicatorValue.objects.filter(report=report, note__contains="trainings").exists()


def test_a_text_of_exactly_the_limit_is_kept(api_for, focal_point, report):
    line = report.activity_lines.first()
    text = "y" * LONG_TEXT_CHARS
    payload = {"version": report.version, "activities": [{"activity_id": line.activity_id, "narrative": text}]}
    assert patch(api_for(focal_point), report, payload).status_code == 200
    line.refresh_from_db()
    assert line.narrative == text


@pytest.mark.parametrize("text", [NUL, TOO_LONG], ids=["NUL", "too long"])
def test_a_reason_or_a_comment_that_breaks_a_rule_is_refused(api_for, secretariat, submitted, text):
    client = api_for(secretariat)
    base = f"/api/v1/reports/{submitted.pk}"
    returned = assert_error(post(client, f"{base}/return", {"reason": text}), 422, "invalid")
    assert returned["details"][0]["field"] == "reason"
    commented = assert_error(post(client, f"{base}/comments", {"text": text}), 422, "invalid")
    assert commented["details"][0]["field"] == "text"
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and not ReviewComment.objects.exists()


def test_a_nul_in_a_filter_is_refused_before_the_database_sees_it(api_for, secretariat, report):
    response = api_for(secretariat).get("/api/v1/reports?institution=MSH%00MS")
    error = assert_error(response, 400, "bad_request")
    assert error["details"][0]["field"] == "query"


# --- Addresses ---


@pytest.mark.parametrize(
    "address",
    [
        "/public/%00/",  # the finding, anonymous, on PostgreSQL
        "/public/AL%00/",
        "/plan/%00/",
        "/monitoring/strategy/%00/cycles/",
        "/static/%00.css",
        "/accounts/login/?next=%00",
        "/public/?q=%01",
    ],
)
def test_a_control_character_in_an_address_is_a_bad_request_in_words(public, strategy, address):
    response = public.get(address)
    assert response.status_code == 400
    assert "control character" in response.content.decode()


@pytest.mark.parametrize(
    "address",
    ["/api/v1/strategies/%00", "/api/v1/strategies/AL%00/results", "/api/v1/open/strategies/%00/indicators.csv"],
)
def test_a_control_character_in_an_api_address_is_a_bad_request_in_the_apis_shape(api_for, secretariat, address):
    error = assert_error(api_for(secretariat).get(address), 400, "bad_request")
    assert error["details"] == [{"field": "path", "line": None, "message": error["message"]}]


def test_tab_and_line_breaks_are_text_not_control_characters(api_for, focal_point, report):
    line = report.activity_lines.first()
    text = "Line one,\r\nline two\tand a tab."
    payload = {"version": report.version, "activities": [{"activity_id": line.activity_id, "narrative": text}]}
    assert patch(api_for(focal_point), report, payload).status_code == 200


# --- The pages: the report form and the review's reasons ---


@pytest.mark.parametrize("text", [BELL, TOO_LONG], ids=["BEL", "too long"])
@pytest.mark.parametrize("field", ["narrative", "note", "source"])
def test_the_report_form_refuses_what_the_api_refuses(client_for, focal_point, report, field, text):
    client = client_for(focal_point)
    data = filled_form(client, report)
    activities, indicators = line_ids(report)
    name = f"a{activities[0]}_narrative_sq" if field == "narrative" else f"i{indicators[0]}_{field}"
    data[name] = text
    html = client.post(reverse("monitoring:report", args=[report.pk]), data).content.decode()
    assert f'id="id_{name}_error"' in html
    assert ("at most 10,000 are kept" if text is TOO_LONG else "control character") in html
    report.refresh_from_db()
    assert report.version == 1


def test_the_report_form_says_how_long_a_narrative_may_be(client_for, focal_point, report):
    html = client_for(focal_point).get(reverse("monitoring:report", args=[report.pk])).content.decode()
    assert f'maxlength="{LONG_TEXT_CHARS}"' in html


@pytest.mark.parametrize("text", [NUL, TOO_LONG], ids=["NUL", "too long"])
def test_a_reason_typed_in_the_page_is_held_to_the_same_rules(client_for, secretariat, submitted, text):
    client = client_for(secretariat)
    data = {"reason": text, "version": submitted.version, "confirm": "yes"}
    response = client.post(reverse("monitoring:report-return", args=[submitted.pk]), data, follow=True)
    page = response.content.decode()
    assert ("at most 10,000 are kept" if text is TOO_LONG else "control character") in page
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
