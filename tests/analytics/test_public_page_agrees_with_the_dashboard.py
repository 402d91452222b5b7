"""The public page's implementation figures use the dashboard's denominator: cancelled activities, and those withdrawn
from the plan, are no longer planned and leave "of N activities due" on both pages (issue 16, item 5).

A plan of its own, small enough to count by hand: six activities of one institution (MSHMS) in 2024, one 2024-H2
report approved, one activity withdrawn in May 2024 (so the cycle never asks about it).
"""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from nsm.analytics import services as analytics_services
from nsm.analytics.groups import Filters
from nsm.analytics.implementation import implementation
from nsm.analytics.periods import Period
from tests.analytics.conftest import file_report, line, open_half_year, report_of
from tests.factories import ActivityFactory, InstitutionFactory, MeasureFactory

# name: (last year of its timeframe, status at the end of 2024: the approved line's, or "withdrawn")
ACTIVITIES = {
    "done-1": (2024, "completed"),
    "done-2": (2024, "completed"),
    "late": (2024, "delayed"),
    "dropped": (2024, "cancelled"),
    "withdrawn": (2024, "withdrawn"),
    "ongoing": (2025, "on_track"),  # ends in 2025: not due in 2024
}


def hand_count(year: int) -> tuple[int, int]:
    """(completed, planned) among the activities due by the end of `year`, counted in plain Python."""
    due = [status for last_year, status in ACTIVITIES.values() if last_year <= year]
    planned = [status for status in due if status not in ("cancelled", "withdrawn")]
    return planned.count("completed"), len(planned)


@pytest.fixture
def small_plan(strategy, secretariat, focal_point):
    mshms = InstitutionFactory(code="MSHMS")
    measure = MeasureFactory(parent__parent__strategy=strategy)
    activities = {
        name: ActivityFactory(
            measure=measure, lead=mshms, start_year=2024, start_quarter=1, end_year=last_year, end_quarter=4
        )
        for name, (last_year, _status) in ACTIVITIES.items()
    }
    activities["withdrawn"].withdrawn_on = datetime.date(2024, 5, 1)
    activities["withdrawn"].save()
    today = timezone.localdate()
    cycle = open_half_year(strategy, secretariat, 2024, 2, opens_on=today, due_on=today + datetime.timedelta(30))
    percent = {"completed": 100, "cancelled": None}
    lines = [
        line(activities[name], status, percent.get(status, 50))
        for name, (_last_year, status) in ACTIVITIES.items()
        if status != "withdrawn"
    ]
    file_report(report_of(cycle, "MSHMS"), focal_point, activities=lines, approve_by=secretariat)
    analytics_services.set_public(strategy, public=True, by=secretariat)
    return strategy


def text(html: str) -> str:
    """The page's words, without tags and with single spaces."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ").split())


def public_page(client, strategy, year: int):
    return client.get(reverse("tracking:public", args=[strategy.code]), {"period": str(year)})


def test_the_public_page_leaves_cancelled_and_withdrawn_activities_out_of_its_denominator(small_plan, public):
    completed, planned = hand_count(2024)
    assert (completed, planned) == (2, 3)  # 5 due: 2 completed, 1 delayed, 1 cancelled, 1 withdrawn
    response = public_page(public, small_plan, 2024)
    assert response.status_code == 200
    assert f"{completed} of {planned} activities due by the end of 2024 completed" in text(response.content.decode())
    assert "66.7\u00a0%" in response.content.decode()  # 2 / 3


def test_the_public_page_and_the_dashboard_show_the_same_figures(small_plan, public, client_for, secretariat):
    completed, planned = hand_count(2024)
    roll_up = implementation(Filters.of(small_plan), Period.year(2024)).total
    assert (roll_up.due.completed, roll_up.due.planned, roll_up.due.total) == (completed, planned, 5)
    published = text(public_page(public, small_plan, 2024).content.decode())
    dashboard = client_for(secretariat).get(reverse("analytics:dashboard", args=[small_plan.code]), {"period": "2024"})
    assert f"{completed} completed of {planned} activities due" in text(dashboard.content.decode())
    assert f"{completed} of {planned} activities due" in published
    assert f"of {roll_up.due.total} activities" not in published
