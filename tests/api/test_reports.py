"""Reports through the API: list, read, save lines, submit; the secretariat's return, approve, reopen, comments."""

from decimal import Decimal

import pytest

from nsm.monitoring import services
from nsm.monitoring.models import ProgressReport, ReportEvent
from tests.api.conftest import fill, lines_payload
from tests.factories import InstitutionFactory


def url(report, action: str = "") -> str:
    return f"/api/v1/reports/{report.pk}" + (f"/{action}" if action else "")


def put_lines(client, report, payload):
    return client.put(url(report, "lines"), payload, content_type="application/json")


def post(client, report, action, payload=None):
    return client.post(url(report, action), payload or {}, content_type="application/json")


@pytest.fixture
def submitted(report, focal_point):
    fill(report, focal_point)
    return services.submit_report(report, by=focal_point, version=report.version)


# --- Listing ---


def test_a_focal_point_lists_its_institutions_reports(api_for, focal_point, report, other_report):
    body = api_for(focal_point).get("/api/v1/reports").json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["id"] == report.pk
    assert item["institution"]["code"] == "MSHMS"
    assert item["cycle"]["id"] == report.cycle_id
    assert item["status"] == "draft"
    assert item["board_status"] == "not_started"
    assert item["version"] == report.version
    assert item["editable"] is True and item["locked"] is False


def test_the_list_filters_by_cycle_status_and_institution(api_for, secretariat, report, other_report, submitted):
    client = api_for(secretariat)

    def ids(query):
        return [item["id"] for item in client.get(f"/api/v1/reports?{query}").json()["items"]]

    assert set(ids("")) == {report.pk, other_report.pk}
    assert ids("status=submitted") == [report.pk]
    assert ids("status=draft") == [other_report.pk]
    assert ids("institution=akpa") == [other_report.pk]
    assert set(ids(f"cycle={report.cycle_id}")) == {report.pk, other_report.pk}
    assert ids(f"cycle={report.cycle_id + 1000}") == []


def test_the_list_is_paginated_with_a_count(api_for, secretariat, cycle):
    for code in ("INST-A", "INST-B", "INST-C"):
        ProgressReport.objects.create(cycle=cycle, institution=InstitutionFactory(code=code))
    client = api_for(secretariat)
    first = client.get("/api/v1/reports?limit=2").json()
    second = client.get("/api/v1/reports?limit=2&offset=2").json()
    third = client.get("/api/v1/reports?limit=2&offset=4").json()
    assert first["count"] == second["count"] == third["count"] == 5
    assert (first["limit"], second["offset"]) == (2, 2)
    assert [len(page["items"]) for page in (first, second, third)] == [2, 2, 1]
    codes = [item["institution"]["code"] for page in (first, second, third) for item in page["items"]]
    assert codes == sorted(codes)


@pytest.mark.parametrize("extra", [3, 48])
def test_the_list_runs_in_a_fixed_number_of_queries(api_for, secretariat, cycle, extra, django_assert_max_num_queries):
    for index in range(extra):
        ProgressReport.objects.create(cycle=cycle, institution=InstitutionFactory(code=f"X{index}"))
    client = api_for(secretariat)
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/reports?limit=200").json()
    assert body["count"] == extra + 2


# --- Reading ---


def test_a_report_reads_with_its_lines_cells_missing_items_and_version(api_for, focal_point, report):
    body = api_for(focal_point).get(url(report)).json()
    assert body["id"] == report.pk
    assert body["version"] == report.version
    assert {line["code"] for line in body["activities"]} == set(
        report.activity_lines.values_list("activity__code", flat=True)
    )
    counted = next(line for line in body["indicators"] if line["cells"])
    assert counted["cells"] == {"female": None, "male": None}
    assert counted["total"] is None
    percent = next(line for line in body["indicators"] if line["value_type"] == "percent")
    assert percent["cells"] == {}
    assert {(item["kind"], item["code"]) for item in body["missing"]} >= {("indicator", counted["code"])}
    assert body["events"] == [] and body["comments"] == []


def test_a_report_reads_in_a_fixed_number_of_queries(api_for, focal_point, report, django_assert_max_num_queries):
    fill(report, focal_point)
    client = api_for(focal_point)
    with django_assert_max_num_queries(12):
        assert client.get(url(report)).status_code == 200


# --- Saving lines and submitting ---


def test_a_focal_point_saves_the_lines_of_its_report(api_for, focal_point, report):
    payload = lines_payload(report)
    response = put_lines(api_for(focal_point), report, payload)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == report.version + 1
    assert body["missing"] == []
    assert [event["kind"] for event in body["events"]] == ["saved"]
    assert body["events"][0]["user"] == focal_point.get_full_name()
    first = body["activities"][0]
    assert (first["status"], first["percent_complete"], first["spent_state_budget"]) == ("on_track", 50, "1000.00")
    counted = next(line for line in body["indicators"] if line["cells"])
    assert counted["cells"] == {"female": "5.000", "male": "5.000"}
    assert Decimal(counted["total"]) == 10
    report.refresh_from_db()
    assert report.version == body["version"]
    assert report.indicator_values.filter(category__code="female", value=5).exists()


def test_saving_the_same_values_again_changes_nothing(api_for, focal_point, report):
    client = api_for(focal_point)
    payload = lines_payload(report)
    version = put_lines(client, report, payload).json()["version"]
    again = put_lines(client, report, {**payload, "version": version}).json()
    assert again["version"] == version
    assert len(again["events"]) == 1


def test_lines_not_sent_keep_their_values(api_for, focal_point, report):
    client = api_for(focal_point)
    payload = lines_payload(report)
    version = put_lines(client, report, payload).json()["version"]
    one = {**payload["activities"][0], "narrative": "Changed only this."}
    body = put_lines(client, report, {"version": version, "activities": [one]}).json()
    assert body["activities"][0]["narrative"] == "Changed only this."
    assert body["activities"][1]["narrative"] == "Going well."
    assert body["missing"] == []


def test_a_focal_point_submits_a_complete_report(api_for, focal_point, report):
    client = api_for(focal_point)
    version = put_lines(client, report, lines_payload(report)).json()["version"]
    response = post(client, report, "submit", {"version": version})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["submitted_at"] is not None and body["submitted_late"] is False
    assert body["editable"] is False
    assert body["events"][-1]["kind"] == "submitted"


# --- The review ---


def test_the_secretariat_returns_a_submitted_report_with_a_reason(api_for, secretariat, submitted):
    response = post(
        api_for(secretariat), submitted, "return", {"reason": "Check the totals.", "version": submitted.version}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["return_reason"], body["editable"]) == ("returned", "Check the totals.", True)
    assert body["events"][-1]["kind"] == "returned" and body["events"][-1]["reason"] == "Check the totals."


def test_the_secretariat_approves_a_submitted_report(api_for, secretariat, submitted):
    response = post(api_for(secretariat), submitted, "approve", {"version": submitted.version})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["locked"], body["editable"]) == ("approved", True, False)
    assert body["approved_at"] is not None


def test_approving_needs_no_body(api_for, secretariat, submitted):
    response = api_for(secretariat).generic("POST", url(submitted, "approve"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"


def test_the_secretariat_reopens_an_approved_report_with_a_reason(api_for, secretariat, submitted):
    services.approve_report(submitted, by=secretariat)
    response = post(api_for(secretariat), submitted, "reopen", {"reason": "A value was wrong."})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["editable"], body["return_reason"]) == ("returned", True, "A value was wrong.")
    assert body["events"][-1]["kind"] == ReportEvent.Kind.REOPENED


def test_the_secretariat_comments_on_a_line_and_on_the_whole_report(api_for, secretariat, focal_point, submitted):
    client = api_for(secretariat)
    activity_id = submitted.activity_lines.first().activity_id
    on_line = post(client, submitted, "comments", {"text": "Which training?", "activity_id": activity_id})
    general = post(client, submitted, "comments", {"text": "Thank you."})
    assert on_line.status_code == general.status_code == 201
    assert on_line.json()["activity_id"] == activity_id
    assert on_line.json()["author"] == secretariat.get_full_name()
    body = api_for(focal_point).get(url(submitted)).json()
    line = next(item for item in body["activities"] if item["activity_id"] == activity_id)
    assert [comment["text"] for comment in line["comments"]] == ["Which training?"]
    assert [comment["text"] for comment in body["comments"]] == ["Thank you."]


def test_the_whole_loop_through_the_api(api_for, focal_point, secretariat, report):
    """Fill and submit, return with a comment, correct and resubmit, approve."""
    focal, review = api_for(focal_point), api_for(secretariat)
    payload = lines_payload(report)
    version = put_lines(focal, report, payload).json()["version"]
    version = post(focal, report, "submit", {"version": version}).json()["version"]
    post(review, report, "comments", {"text": "The narrative is thin."})
    version = post(review, report, "return", {"reason": "See the comment.", "version": version}).json()["version"]
    first = {**payload["activities"][0], "narrative": "Two trainings, 40 people."}
    version = put_lines(focal, report, {"version": version, "activities": [first]}).json()["version"]
    version = post(focal, report, "submit", {"version": version}).json()["version"]
    body = post(review, report, "approve", {"version": version}).json()
    assert body["status"] == "approved"
    kinds = [event["kind"] for event in body["events"]]
    assert kinds == ["saved", "submitted", "returned", "saved", "submitted", "approved"]


def test_lines_read_from_a_report_can_be_sent_back_as_they_are(api_for, focal_point, report):
    client = api_for(focal_point)
    body = put_lines(client, report, lines_payload(report)).json()
    line = body["activities"][0]
    line["percent_complete"] = 75
    indicator = next(item for item in body["indicators"] if item["cells"])
    again = put_lines(client, report, {"version": body["version"], "activities": [line], "indicators": [indicator]})
    assert again.status_code == 200, again.content
    assert again.json()["activities"][0]["percent_complete"] == 75
    assert again.json()["version"] == body["version"] + 1
