"""API clients: a test client that sends a fresh token's key, as a program would; the monitoring fixtures."""

import pytest
from django.test import Client

from nsm.accounts import services
from tests.monitoring.conftest import complete_inputs, cycle, fill, other_report, report  # noqa: F401


@pytest.fixture
def api_for():
    """`api_for(user)`: a client that authenticates with a new API token of that user (and no session)."""

    def make(user) -> Client:
        _token, key = services.create_api_token(user, name="test client")
        return Client(headers={"authorization": f"Bearer {key}"})

    return make


def assert_error(response, status: int, code: str) -> dict:
    """The response is the API's error shape with this status and code; returns the error."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], list)
    for detail in error["details"]:
        assert set(detail) == {"field", "line", "message"}
        assert detail["line"] is None or set(detail["line"]) == {"kind", "id", "code"}
    return error


def _amount(value) -> str | None:
    return None if value is None else str(value)


def lines_payload(progress_report) -> dict:
    """The body of `PUT /reports/{id}/lines` with valid values on every line, every field given (from
    `complete_inputs`)."""
    from nsm.reference.models import DisaggregationCategory

    activities, indicators = complete_inputs(progress_report)
    codes = dict(DisaggregationCategory.objects.values_list("pk", "code"))
    return {
        "version": progress_report.version,
        "activities": [
            {
                "activity_id": line.activity_id,
                "status": line.status,
                "percent_complete": line.percent_complete,
                "spent_state_budget": _amount(line.spent_state_budget),
                "spent_donor": _amount(line.spent_donor),
                "spent_other": _amount(line.spent_other),
                "narrative_sq": line.narrative_sq,
                "narrative_en": line.narrative_en,
            }
            for line in activities
        ],
        "indicators": [
            {
                "indicator_id": line.indicator_id,
                "total": str(line.total),
                "cells": {codes[pk]: str(value) for pk, value in line.cells.items()},
                "note": line.note,
                "source": line.source,
            }
            for line in indicators
        ],
    }
