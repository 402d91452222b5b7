"""The access matrix of the API: each role against each endpoint, for its own institution's report and another's.

A report the caller may not see answers 404, exactly as a missing one; one it may see but not act on answers 403.
"""

import pytest
from django.utils import timezone

from nsm.monitoring import services
from nsm.monitoring.models import ProgressReport, ReportingCycle
from tests.api.conftest import assert_error, fill, lines_payload
from tests.factories import StrategyFactory


def read(client, report):
    return client.get(f"/api/v1/reports/{report.pk}")


def act(client, report, action, payload):
    method = client.put if action == "lines" else client.post
    return method(f"/api/v1/reports/{report.pk}/{action}", payload, content_type="application/json")


@pytest.fixture
def submitted(report, focal_point):
    fill(report, focal_point)
    return services.submit_report(report, by=focal_point, version=report.version)


@pytest.fixture
def approved(submitted, secretariat):
    return services.approve_report(submitted, by=secretariat)


# --- Reading ---


@pytest.mark.parametrize(
    ("persona", "status"),
    [("focal_point", 200), ("other_focal_point", 404), ("secretariat", 200), ("coordinator", 200), ("viewer", 404)],
)
def test_who_reads_a_draft_report(api_for, request, report, persona, status):
    response = read(api_for(request.getfixturevalue(persona)), report)
    if status == 404:
        assert_error(response, 404, "not_found")
    assert response.status_code == status


@pytest.mark.parametrize("persona", ["focal_point", "secretariat", "coordinator", "viewer"])
def test_an_approved_report_is_read_by_every_role_of_the_country(api_for, request, approved, persona):
    assert read(api_for(request.getfixturevalue(persona)), approved).status_code == 200


def test_a_focal_point_never_reads_another_institutions_report_even_approved(api_for, other_focal_point, approved):
    assert_error(read(api_for(other_focal_point), approved), 404, "not_found")


def test_a_missing_report_looks_like_a_forbidden_one(api_for, focal_point, other_report):
    client = api_for(focal_point)
    missing = read(client, ProgressReport(pk=other_report.pk + 1000))
    forbidden = read(client, other_report)
    assert missing.status_code == forbidden.status_code == 404
    assert missing.json() == forbidden.json()


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("focal_point", {"MSHMS"}),
        ("other_focal_point", {"AKPA"}),
        ("secretariat", {"MSHMS", "AKPA"}),
        ("coordinator", {"MSHMS", "AKPA"}),
        ("viewer", {"MSHMS"}),  # only the approved one
    ],
)
def test_each_role_lists_the_reports_it_may_see(api_for, request, approved, other_report, persona, visible):
    body = api_for(request.getfixturevalue(persona)).get("/api/v1/reports").json()
    assert {item["institution"]["code"] for item in body["items"]} == visible
    assert body["count"] == len(visible)


# --- Filling in and submitting ---


@pytest.mark.parametrize(
    ("persona", "status", "code"),
    [
        ("other_focal_point", 404, "not_found"),
        ("viewer", 404, "not_found"),
        ("secretariat", 403, "forbidden"),
        ("coordinator", 403, "forbidden"),
    ],
)
@pytest.mark.parametrize("action", ["lines", "submit"])
def test_only_the_institutions_focal_point_fills_in_and_submits(
    api_for, request, report, persona, status, code, action
):
    payload = lines_payload(report)
    error = assert_error(act(api_for(request.getfixturevalue(persona)), report, action, payload), status, code)
    if status == 403:
        assert "focal point" in error["message"]
    report.refresh_from_db()
    assert report.version == 1 and report.status == "draft"


def test_a_viewer_may_read_an_approved_report_but_not_change_it(api_for, viewer, approved):
    assert_error(act(api_for(viewer), approved, "lines", {"version": approved.version}), 403, "forbidden")


# --- The review ---


REVIEW = [
    ("return", {"reason": "Check the totals."}),
    ("approve", {}),
    ("reopen", {"reason": "A value was wrong."}),
    ("comments", {"text": "Which training?"}),
]


@pytest.mark.parametrize(("action", "payload"), REVIEW)
@pytest.mark.parametrize(
    ("persona", "status", "code"),
    [
        ("coordinator", 403, "forbidden"),
        ("focal_point", 403, "forbidden"),
        ("other_focal_point", 404, "not_found"),
        ("viewer", 404, "not_found"),
    ],
)
def test_only_the_secretariat_reviews(api_for, request, submitted, action, payload, persona, status, code):
    response = act(api_for(request.getfixturevalue(persona)), submitted, action, payload)
    error = assert_error(response, status, code)
    if status == 403:
        assert "secretariat" in error["message"]
    assert ProgressReport.objects.get(pk=submitted.pk).status == "submitted"
    assert not submitted.comments.exists()


# --- Cycles ---


@pytest.mark.parametrize("persona", ["focal_point", "secretariat", "coordinator", "viewer"])
def test_every_role_of_the_country_reads_its_cycles(api_for, request, cycle, persona):
    client = api_for(request.getfixturevalue(persona))
    assert [item["id"] for item in client.get("/api/v1/cycles").json()["items"]] == [cycle.pk]
    assert client.get(f"/api/v1/cycles/{cycle.pk}").status_code == 200


@pytest.mark.parametrize(
    ("persona", "visible"),
    [("focal_point", {"MSHMS"}), ("secretariat", {"MSHMS", "AKPA"}), ("viewer", set())],
)
def test_a_cycle_shows_only_the_reports_one_may_see(api_for, request, cycle, persona, visible):
    body = api_for(request.getfixturevalue(persona)).get(f"/api/v1/cycles/{cycle.pk}").json()
    assert {row["institution"]["code"] for row in body["reports"]} == visible


def test_another_countrys_cycle_is_not_found(api_for, secretariat, db):
    today = timezone.localdate()
    kosovo = StrategyFactory(code="XK-NSM", country="XK")
    other = ReportingCycle.objects.create(strategy=kosovo, kind="year", year=2024, opens_on=today, due_on=today)
    client = api_for(secretariat)
    assert_error(client.get(f"/api/v1/cycles/{other.pk}"), 404, "not_found")
    assert_error(client.post(f"/api/v1/cycles/{other.pk}/close", {}, "application/json"), 404, "not_found")
    assert client.get("/api/v1/cycles").json()["count"] == 0


@pytest.mark.parametrize("persona", ["coordinator", "focal_point", "viewer"])
def test_only_the_secretariat_closes_a_cycle(api_for, request, cycle, persona):
    response = api_for(request.getfixturevalue(persona)).post(
        f"/api/v1/cycles/{cycle.pk}/close", {}, "application/json"
    )
    assert_error(response, 403, "forbidden")
    cycle.refresh_from_db()
    assert cycle.status == "open"
