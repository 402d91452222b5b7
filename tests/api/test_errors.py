"""One error shape for every refusal: {"error": {"code", "message", "details": [{"field", "line", "message"}]}}."""

import pytest

from nsm.monitoring import services
from nsm.monitoring.models import ProgressReport
from tests.api.conftest import assert_error, fill, lines_payload


def put_lines(client, report, payload):
    return client.put(f"/api/v1/reports/{report.pk}/lines", payload, content_type="application/json")


@pytest.fixture
def focal(api_for, focal_point):
    return api_for(focal_point)


def unchanged(report) -> bool:
    fresh = ProgressReport.objects.get(pk=report.pk)
    return fresh.version == report.version and not fresh.activity_lines.exclude(status="").exists()


# --- 400: the request itself is malformed ---


def test_a_body_that_is_not_json_is_a_bad_request(focal, report):
    response = focal.put(f"/api/v1/reports/{report.pk}/lines", "{version: 1", content_type="application/json")
    assert_error(response, 400, "bad_request")


def test_a_value_of_the_wrong_type_is_a_bad_request_naming_the_field(focal, report):
    payload = {"version": 1, "activities": [{"activity_id": 1, "percent_complete": "half"}]}
    error = assert_error(put_lines(focal, report, payload), 400, "bad_request")
    assert [detail["field"] for detail in error["details"]] == ["activities.0.percent_complete"]
    assert unchanged(report)


def test_a_missing_version_is_a_bad_request(focal, report):
    error = assert_error(put_lines(focal, report, {"activities": []}), 400, "bad_request")
    assert [detail["field"] for detail in error["details"]] == ["version"]


def test_a_bad_query_parameter_is_a_bad_request(focal, report):
    error = assert_error(focal.get("/api/v1/reports?status=lost&limit=1000"), 400, "bad_request")
    assert {detail["field"] for detail in error["details"]} == {"status", "limit"}


def test_a_path_that_is_not_a_number_is_a_bad_request(focal, db):
    assert_error(focal.get("/api/v1/reports/first"), 400, "bad_request")


# --- 401, 403, 404 ---


def test_no_key_is_unauthorized(public, db):
    assert_error(public.get("/api/v1/cycles"), 401, "unauthorized")


def test_a_role_that_may_see_but_not_do_is_forbidden(api_for, coordinator, report):
    error = assert_error(
        api_for(coordinator).post(f"/api/v1/reports/{report.pk}/approve", content_type="application/json"),
        403,
        "forbidden",
    )
    assert error["details"] == []


def test_an_unknown_report_is_not_found(focal, db):
    assert_error(focal.get("/api/v1/reports/999999"), 404, "not_found")
    assert_error(put_lines(focal, ProgressReport(pk=999999), {"version": 1}), 404, "not_found")


# --- 409: stale, locked, not allowed ---


def test_a_stale_version_is_a_conflict_saying_what_changed(focal, focal_point, report):
    fill(report, focal_point)
    payload = {**lines_payload(report), "version": 1}
    payload["activities"][0]["narrative"] = "My older edit."
    error = assert_error(put_lines(focal, report, payload), 409, "stale")
    assert error["current_version"] == report.version
    assert error["details"] and all(detail["field"] is None for detail in error["details"])
    assert any("Activity" in detail["message"] for detail in error["details"])
    assert not report.activity_lines.filter(narrative_sq="My older edit.").exists()


def test_changing_a_submitted_report_is_a_locked_conflict(focal, focal_point, report):
    fill(report, focal_point)
    submitted = services.submit_report(report, by=focal_point, version=report.version)
    error = assert_error(put_lines(focal, submitted, lines_payload(submitted)), 409, "locked")
    assert "submitted" in error["message"]
    assert "current_version" not in error


def test_a_step_that_does_not_apply_is_not_allowed(api_for, secretariat, report):
    error = assert_error(
        api_for(secretariat).post(f"/api/v1/reports/{report.pk}/approve", content_type="application/json"),
        409,
        "not_allowed",
    )
    assert "submitted" in error["message"]


def test_closing_a_closed_cycle_is_not_allowed(api_for, secretariat, cycle):
    client = api_for(secretariat)
    assert client.post(f"/api/v1/cycles/{cycle.pk}/close", content_type="application/json").status_code == 200
    assert_error(client.post(f"/api/v1/cycles/{cycle.pk}/close", content_type="application/json"), 409, "not_allowed")


def test_closing_a_cycle_from_a_stale_version_is_a_conflict(api_for, secretariat, cycle):
    response = api_for(secretariat).post(
        f"/api/v1/cycles/{cycle.pk}/close", {"version": cycle.version - 1}, "application/json"
    )
    assert assert_error(response, 409, "stale")["current_version"] == cycle.version


# --- 422: values that break a rule ---


def test_values_that_break_rules_are_listed_with_their_lines_and_nothing_is_written(focal, report):
    payload = lines_payload(report)
    first, second = payload["activities"]
    first.update(status="completed", percent_complete=50)
    second.update(status="delayed", narrative_sq="", spent_state_budget="-5")
    counted = next(line for line in payload["indicators"] if line["cells"])
    counted["cells"]["female"] = "6"
    error = assert_error(put_lines(focal, report, payload), 422, "invalid")
    found = {(d["line"]["kind"], d["line"]["id"], d["field"]) for d in error["details"]}
    assert found == {
        ("activity", first["activity_id"], "percent_complete"),
        ("activity", second["activity_id"], "narrative_sq"),
        ("activity", second["activity_id"], "spent_state_budget"),
        ("indicator", counted["indicator_id"], "total"),
    }
    codes = {d["line"]["code"] for d in error["details"]}
    assert all(codes)
    assert unchanged(report)


def test_a_cell_that_does_not_add_up_or_is_missing_names_the_cell(focal, report):
    payload = lines_payload(report)
    counted = next(line for line in payload["indicators"] if line["cells"])
    del counted["cells"]["male"]
    error = assert_error(put_lines(focal, report, {"version": 1, "indicators": [counted]}), 422, "invalid")
    assert [d["field"] for d in error["details"]] == ["cells.male"]


def test_an_unknown_category_or_a_line_not_in_the_report_is_invalid(focal, report, other_report):
    payload = lines_payload(report)
    counted = next(line for line in payload["indicators"] if line["cells"])
    counted["cells"]["unknown"] = "1"
    error = assert_error(put_lines(focal, report, {"version": 1, "indicators": [counted]}), 422, "invalid")
    assert [d["field"] for d in error["details"]] == ["cells.unknown"]
    foreign = other_report.activity_lines.first().activity_id
    error = assert_error(
        put_lines(focal, report, {"version": 1, "activities": [{"activity_id": foreign}]}), 422, "invalid"
    )
    assert [(d["line"]["id"], d["field"]) for d in error["details"]] == [(foreign, None)]


def test_submitting_an_incomplete_report_lists_what_is_missing(focal, report):
    error = assert_error(
        focal.post(f"/api/v1/reports/{report.pk}/submit", {"version": 1}, "application/json"), 422, "invalid"
    )
    assert {d["line"]["kind"] for d in error["details"]} == {"activity", "indicator"}
    assert ProgressReport.objects.get(pk=report.pk).status == "draft"


def test_returning_without_a_reason_is_invalid_on_the_reason(api_for, secretariat, focal_point, report):
    fill(report, focal_point)
    services.submit_report(report, by=focal_point, version=report.version)
    response = api_for(secretariat).post(f"/api/v1/reports/{report.pk}/return", {"reason": " "}, "application/json")
    error = assert_error(response, 422, "invalid")
    assert [d["field"] for d in error["details"]] == ["reason"]


def test_a_comment_on_a_line_not_in_the_report_is_invalid(api_for, secretariat, report, other_report):
    foreign = other_report.activity_lines.first().activity_id
    payload = {"text": "Hello", "activity_id": foreign}
    response = api_for(secretariat).post(f"/api/v1/reports/{report.pk}/comments", payload, "application/json")
    assert_error(response, 422, "invalid")


# --- 500 ---


def test_an_unexpected_failure_still_answers_in_the_error_shape(focal, report, monkeypatch):
    def broken(report):
        raise RuntimeError("boom")

    monkeypatch.setattr("nsm.api.monitoring.selectors.report_detail", broken)
    error = assert_error(focal.get(f"/api/v1/reports/{report.pk}"), 500, "server_error")
    assert "boom" not in error["message"]


def test_an_unknown_address_under_the_api_answers_404_in_the_error_shape(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
