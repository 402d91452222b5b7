"""What PUT and PATCH of a report's lines mean: PATCH changes what it sends, PUT needs whole lines; a line is sent
once; a request holds no more lines than the report. Nothing a request leaves out is ever emptied by it."""

import json
from decimal import Decimal

import pytest

from nsm.monitoring import services
from nsm.monitoring.models import ActivityProgress, IndicatorValue
from tests.api.conftest import assert_error, lines_payload


def url(report) -> str:
    return f"/api/v1/reports/{report.pk}/lines"


def send(client, method: str, report, payload):
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.generic(method, url(report), body, content_type="application/json")


@pytest.fixture
def reported(report, focal_point):
    """The report with an activity line as the demo's: donor spending, a narrative; and the count indicator filled."""
    first = report.activity_lines.order_by("activity__sort_key").first()
    activities = [
        services.ActivityLineInput(
            first.activity_id,
            status="on_track",
            percent_complete=40,
            spent_state_budget=Decimal("1200000.00"),
            spent_donor=Decimal("2885000.00"),
            narrative_sq="Two reception centres refurbished.",
        )
    ]
    counted = IndicatorValue.objects.get(report=report, indicator__code="1.1.1.1", category=None)
    female, male = IndicatorValue.objects.filter(report=report, indicator=counted.indicator, category__isnull=False)
    indicators = [
        services.IndicatorLineInput(
            counted.indicator_id,
            total=Decimal(10),
            cells={female.category_id: Decimal(6), male.category_id: Decimal(4)},
            note="Provisional.",
            source="Border police registry",
        )
    ]
    services.save_report(report, by=focal_point, version=report.version, activities=activities, indicators=indicators)
    report.refresh_from_db()
    return report


def activity_line(report) -> ActivityProgress:
    return report.activity_lines.order_by("activity__sort_key").first()


def counted(report) -> dict:
    """The count indicator's stored values: total, cells by category code, note, source."""
    values = IndicatorValue.objects.filter(report=report, indicator__code="1.1.1.1").select_related("category")
    out = {"cells": {}}
    for value in values:
        if value.category_id:
            out["cells"][value.category.code] = value.value
        else:
            out.update(total=value.value, note=value.note, source=value.source, indicator_id=value.indicator_id)
    return out


# --- PATCH: the fields sent, nothing else ---


def test_a_patch_keeps_every_field_a_line_leaves_out(api_for, focal_point, reported):
    """The finding: a partial line, as docs/api.md sent it, emptied the donor spending and the narrative."""
    line = activity_line(reported)
    payload = {
        "version": reported.version,
        "activities": [{"activity_id": line.activity_id, "status": "completed", "percent_complete": 100}],
    }
    response = send(api_for(focal_point), "PATCH", reported, payload)
    assert response.status_code == 200, response.content
    line.refresh_from_db()
    assert (line.status, line.percent_complete) == ("completed", 100)
    assert line.spent_donor == Decimal("2885000.00")
    assert line.spent_state_budget == Decimal("1200000.00")
    assert line.narrative == "Two reception centres refurbished."
    assert response.json()["version"] == reported.version + 1


def test_a_patch_empties_a_field_sent_as_null(api_for, focal_point, reported):
    line = activity_line(reported)
    payload = {"version": reported.version, "activities": [{"activity_id": line.activity_id, "spent_donor": None}]}
    assert send(api_for(focal_point), "PATCH", reported, payload).status_code == 200
    line.refresh_from_db()
    assert line.spent_donor is None
    assert line.narrative == "Two reception centres refurbished."


def test_a_patch_of_cells_changes_the_cells_it_sends_and_keeps_the_others(api_for, focal_point, reported):
    before = counted(reported)
    payload = {
        "version": reported.version,
        "indicators": [{"indicator_id": before["indicator_id"], "total": "11", "cells": {"female": "7"}}],
    }
    response = send(api_for(focal_point), "PATCH", reported, payload)
    assert response.status_code == 200, response.content
    after = counted(reported)
    assert after["cells"] == {"female": Decimal(7), "male": Decimal(4)}
    assert after["total"] == 11
    assert (after["note"], after["source"]) == ("Provisional.", "Border police registry")


def test_a_patch_with_null_cells_empties_them(api_for, focal_point, reported):
    indicator_id = counted(reported)["indicator_id"]
    payload = {"version": reported.version, "indicators": [{"indicator_id": indicator_id, "cells": None}]}
    assert send(api_for(focal_point), "PATCH", reported, payload).status_code == 200
    assert counted(reported)["cells"] == {"female": None, "male": None}
    assert counted(reported)["total"] == 10


def test_a_patch_that_changes_nothing_keeps_the_version(api_for, focal_point, reported):
    line = activity_line(reported)
    payload = {"version": reported.version, "activities": [{"activity_id": line.activity_id}]}
    response = send(api_for(focal_point), "PATCH", reported, payload)
    assert response.status_code == 200
    assert response.json()["version"] == reported.version


def test_a_patch_is_still_checked_line_by_line(api_for, focal_point, reported):
    """A kept value takes part in the rules: completed with the stored 40 % is refused, and nothing is written."""
    line = activity_line(reported)
    payload = {"version": reported.version, "activities": [{"activity_id": line.activity_id, "status": "completed"}]}
    error = assert_error(send(api_for(focal_point), "PATCH", reported, payload), 422, "invalid")
    assert [(d["field"], d["line"]["id"]) for d in error["details"]] == [("percent_complete", line.activity_id)]
    line.refresh_from_db()
    assert line.status == "on_track"


def test_a_stale_patch_is_refused(api_for, focal_point, reported):
    line = activity_line(reported)
    payload = {"version": reported.version - 1, "activities": [{"activity_id": line.activity_id, "narrative": "x"}]}
    assert_error(send(api_for(focal_point), "PATCH", reported, payload), 409, "stale")


# --- PUT: whole lines ---


def test_a_put_line_that_leaves_fields_out_is_refused_naming_the_line_and_fields(api_for, focal_point, reported):
    line = activity_line(reported)
    payload = {
        "version": reported.version,
        "activities": [{"activity_id": line.activity_id, "status": "completed", "spent_state_budget": "2500.00"}],
    }
    error = assert_error(send(api_for(focal_point), "PUT", reported, payload), 422, "invalid")
    assert {detail["field"] for detail in error["details"]} == {
        "percent_complete", "spent_donor", "spent_other", "narrative_sq"
    }  # fmt: skip
    assert {detail["line"]["id"] for detail in error["details"]} == {line.activity_id}
    assert {detail["line"]["code"] for detail in error["details"]} == {line.activity.code}
    assert "PATCH" in error["details"][0]["message"]
    line.refresh_from_db()
    assert line.spent_donor == Decimal("2885000.00")
    assert line.narrative == "Two reception centres refurbished."


def test_a_put_indicator_line_needs_every_cell(api_for, focal_point, reported):
    indicator_id = counted(reported)["indicator_id"]
    payload = {
        "version": reported.version,
        "indicators": [
            {"indicator_id": indicator_id, "total": "6", "cells": {"female": "6"}, "note": "", "source": ""}
        ],
    }
    error = assert_error(send(api_for(focal_point), "PUT", reported, payload), 422, "invalid")
    assert [(d["field"], d["line"]["kind"]) for d in error["details"]] == [("cells.male", "indicator")]
    assert counted(reported)["cells"]["male"] == 4


def test_a_put_of_whole_lines_replaces_them(api_for, focal_point, report):
    payload = lines_payload(report)
    response = send(api_for(focal_point), "PUT", report, payload)
    assert response.status_code == 200, response.content
    assert response.json()["missing"] == []


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_a_save_that_prefers_a_minimal_return_answers_the_new_version_without_reading_the_report(
    method, api_for, focal_point, report, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from nsm.api import monitoring as monitoring_api

    client = api_for(focal_point)

    def save(payload, *, minimal=True):
        headers = {"Prefer": "return=minimal"} if minimal else {}
        with CaptureQueriesContext(connection) as queries:
            response = client.generic(
                method, url(report), json.dumps(payload), content_type="application/json", headers=headers
            )
        assert response.status_code == 200, response.content
        return response.json(), len(queries)

    whole = lines_payload(report)
    answer, _count = save(whole)
    assert answer == {"id": report.pk, "version": report.version + 1, "status": "draft", "changed": answer["changed"]}
    assert answer["changed"] > 0

    def narrative(text, version):
        line = {**whole["activities"][0], "narrative": text}
        return {**whole, "version": version, "activities": [line, *whole["activities"][1:]]}

    short, minimal = save(narrative("First change.", answer["version"]))
    assert (short["version"], short["changed"]) == (report.version + 2, 1)
    full, whole_answer = save(narrative("Second change.", short["version"]), minimal=False)
    assert full["version"] == report.version + 3 and "activities" in full
    assert whole_answer > minimal + 3  # the same save, answered with the whole report: its lines read again

    def unread(_report):
        raise AssertionError("the minimal answer must not read the report")

    monkeypatch.setattr(monitoring_api, "_detail", unread)
    assert save(narrative("Third change.", full["version"]))[0]["version"] == report.version + 4


def test_a_put_may_empty_a_field_by_sending_null(api_for, focal_point, reported):
    line = activity_line(reported)
    whole = {
        "activity_id": line.activity_id, "status": "on_track", "percent_complete": 40, "spent_state_budget": None,
        "spent_donor": "2885000.00", "spent_other": None, "narrative": "Two reception centres refurbished.",
    }  # fmt: skip
    response = send(api_for(focal_point), "PUT", reported, {"version": reported.version, "activities": [whole]})
    assert response.status_code == 200, response.content
    line.refresh_from_db()
    assert (line.spent_state_budget, line.spent_donor) == (None, Decimal("2885000.00"))


# --- One line once, and no more lines than the report has ---


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_an_activity_sent_twice_is_refused_naming_it(api_for, focal_point, reported, method):
    """The finding: the same activity twice was accepted and the last one won."""
    line = activity_line(reported)
    first = {"activity_id": line.activity_id, "narrative": "First."}
    second = {"activity_id": line.activity_id, "narrative": "Second."}
    if method == "PUT":
        whole = {"status": "on_track", "percent_complete": 40, "spent_state_budget": None, "spent_donor": None}
        first, second = {**whole, "spent_other": None, **first}, {**whole, "spent_other": None, **second}
    payload = {"version": reported.version, "activities": [first, second]}
    error = assert_error(send(api_for(focal_point), method, reported, payload), 422, "invalid")
    [detail] = error["details"]
    assert detail["field"] == "activity_id"
    assert detail["line"] == {"kind": "activity", "id": line.activity_id, "code": line.activity.code}
    assert "2 times" in detail["message"]
    line.refresh_from_db()
    assert line.narrative == "Two reception centres refurbished."


def test_an_indicator_sent_twice_is_refused(api_for, focal_point, reported):
    indicator_id = counted(reported)["indicator_id"]
    payload = {
        "version": reported.version,
        "indicators": [{"indicator_id": indicator_id, "total": "1"}, {"indicator_id": indicator_id, "total": "2"}],
    }
    error = assert_error(send(api_for(focal_point), "PATCH", reported, payload), 422, "invalid")
    assert [(d["field"], d["line"]["code"]) for d in error["details"]] == [("indicator_id", "1.1.1.1")]


def test_one_cell_sent_under_both_its_names_is_refused(api_for, focal_point, reported):
    indicator_id = counted(reported)["indicator_id"]
    cells = {"female": "6", "sex.female": "5", "male": "4"}
    payload = {"version": reported.version, "indicators": [{"indicator_id": indicator_id, "cells": cells}]}
    error = assert_error(send(api_for(focal_point), "PATCH", reported, payload), 422, "invalid")
    [detail] = error["details"]
    assert detail["field"] == "cells.female"
    assert "female, sex.female" in detail["message"]


def test_a_key_given_twice_in_one_object_is_refused_not_read_as_the_last(api_for, focal_point, reported):
    indicator_id = counted(reported)["indicator_id"]
    raw = (
        f'{{"version": {reported.version}, "indicators": [{{"indicator_id": {indicator_id}, '
        '"cells": {"female": "6", "female": "60"}}]}'
    )
    error = assert_error(send(api_for(focal_point), "PATCH", reported, raw), 400, "bad_request")
    assert error["details"][0]["field"] == "female"
    assert "twice" in error["message"]
    assert counted(reported)["cells"]["female"] == 6


def test_twenty_thousand_copies_of_a_line_are_refused_in_one_sentence(api_for, focal_point, reported):
    line = activity_line(reported)
    payload = {"version": reported.version, "activities": [{"activity_id": line.activity_id}] * 20_000}
    error = assert_error(send(api_for(focal_point), "PATCH", reported, payload), 422, "invalid")
    [detail] = error["details"]
    assert detail["field"] == "activities"
    assert "has 2 activity lines; the request sends 20,000" in detail["message"]


def test_lines_of_other_reports_are_refused_each_by_name(api_for, focal_point, reported, other_report):
    other = other_report.activity_lines.first()
    payload = {"version": reported.version, "activities": [{"activity_id": other.activity_id, "narrative": "x"}]}
    error = assert_error(send(api_for(focal_point), "PATCH", reported, payload), 422, "invalid")
    assert [(d["line"]["id"], d["message"]) for d in error["details"]] == [
        (other.activity_id, "This activity is not part of the report.")
    ]
