"""Cycles through the API: list, read with the board of its reports, close (secretariat)."""

import pytest

from nsm.monitoring.models import ProgressReport, ReportingCycle
from tests.api.conftest import fill
from tests.factories import InstitutionFactory


def test_cycles_are_listed_with_their_strategy_and_status(api_for, focal_point, cycle):
    body = api_for(focal_point).get("/api/v1/cycles").json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["id"] == cycle.pk
    assert item["strategy"]["code"] == cycle.strategy.code
    assert (item["label"], item["status"], item["version"]) == (cycle.label, "open", cycle.version)
    assert item["due_on"] == cycle.due_on.isoformat()


def test_cycles_are_filtered_by_strategy_and_status(api_for, secretariat, cycle):
    client = api_for(secretariat)
    assert client.get(f"/api/v1/cycles?strategy={cycle.strategy.code}").json()["count"] == 1
    assert client.get("/api/v1/cycles?strategy=NONE").json()["count"] == 0
    assert client.get("/api/v1/cycles?status=closed").json()["count"] == 0
    assert client.get("/api/v1/cycles?status=open").json()["count"] == 1


def test_a_cycle_reads_with_each_reports_board_status(api_for, secretariat, focal_point, cycle, report):
    fill(report, focal_point)
    body = api_for(secretariat).get(f"/api/v1/cycles/{cycle.pk}").json()
    rows = {row["institution"]["code"]: row for row in body["reports"]}
    assert set(rows) == {"MSHMS", "AKPA"}
    assert rows["MSHMS"]["report_id"] == report.pk
    assert rows["MSHMS"]["board_status"] == "draft"
    assert rows["MSHMS"]["activities_filled"] == rows["MSHMS"]["activities"] == 2
    assert rows["AKPA"]["board_status"] == "not_started"
    assert body["counts"] == {"draft": 1, "not_started": 1}


@pytest.mark.parametrize("extra", [3, 48])
def test_a_cycle_reads_in_a_fixed_number_of_queries(api_for, secretariat, cycle, extra, django_assert_max_num_queries):
    for index in range(extra):
        ProgressReport.objects.create(cycle=cycle, institution=InstitutionFactory(code=f"X{index}"))
    client = api_for(secretariat)
    with django_assert_max_num_queries(6):
        body = client.get(f"/api/v1/cycles/{cycle.pk}").json()
    assert len(body["reports"]) == extra + 2


def test_the_secretariat_closes_a_cycle_and_its_reports_lock(api_for, secretariat, cycle, report):
    response = api_for(secretariat).post(
        f"/api/v1/cycles/{cycle.pk}/close", {"version": cycle.version}, "application/json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "closed"
    assert body["version"] == cycle.version + 1
    assert ReportingCycle.objects.get(pk=cycle.pk).status == "closed"
    report_body = api_for(secretariat).get(f"/api/v1/reports/{report.pk}").json()
    assert report_body["locked"] is True
    assert report_body["events"][-1]["kind"] == "locked"
