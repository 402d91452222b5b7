"""Each step with consequences asks first: opening a cycle (saying how many reports it creates, and warning when they
would be overdue at once), closing it, and returning, approving or reopening a report. A POST without the
confirmation changes nothing and shows what would happen; the confirmed POST acts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from nsm.monitoring import selectors, services
from nsm.monitoring.models import ProgressReport, ReportingCycle
from tests.monitoring.conftest import build_plan, fill
from tests.monitoring.test_pages import text_of


def url(name, *args):
    return reverse(f"monitoring:{name}", args=args)


def planned_cycle(strategy, secretariat, *, due_on):
    return services.create_cycle(
        strategy, by=secretariat, kind="year", year=2024, opens_on=due_on - datetime.timedelta(days=30), due_on=due_on
    )


@pytest.fixture
def thirty_institutions(strategy):
    """A plan asking 30 institutions for a report in 2024: one activity and one indicator each."""
    return build_plan(strategy, [f"I{number:02}" for number in range(30)], activities_each=1)


def test_opening_a_cycle_past_its_due_date_says_how_many_reports_and_that_all_are_overdue(
    client_for, secretariat, strategy, thirty_institutions
):
    cycle = planned_cycle(strategy, secretariat, due_on=timezone.localdate() - datetime.timedelta(days=1))
    client = client_for(secretariat)
    response = client.post(url("cycle-open", cycle.pk), {"version": cycle.version})
    page = text_of(response)
    assert response.status_code == 200
    assert "This opens the cycle and creates 30 reports" in page
    assert "The due date has passed: every report will be overdue at once." in page
    assert "I00" in page and "I29" in page  # for whom
    assert 'name="confirm" value="yes"' in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.status == ReportingCycle.Status.PLANNED and not ProgressReport.objects.filter(cycle=cycle).exists()

    response = client.post(url("cycle-open", cycle.pk), {"version": cycle.version, "confirm": "yes"}, follow=True)
    assert "30 reports were created" in text_of(response)
    assert ProgressReport.objects.filter(cycle=cycle).count() == 30
    assert "Overdue" in text_of(client.get(url("cycle", cycle.pk)))


def test_the_count_asked_is_the_count_opening_creates(secretariat, strategy, thirty_institutions):
    cycle = planned_cycle(strategy, secretariat, due_on=timezone.localdate() + datetime.timedelta(days=30))
    asked = [institution.pk for institution in selectors.institutions_asked(cycle)]
    created = services.open_cycle(cycle, by=secretariat)
    assert sorted(report.institution_id for report in created) == sorted(asked) and len(asked) == 30


def test_opening_a_cycle_due_later_asks_without_the_warning(client_for, secretariat, strategy):
    build_plan(strategy, ["MSHMS", "AKPA"])
    cycle = planned_cycle(strategy, secretariat, due_on=timezone.localdate() + datetime.timedelta(days=30))
    page = text_of(client_for(secretariat).get(url("cycle-open", cycle.pk)))
    assert "Open the cycle 2024?" in page and "This opens the cycle and creates 2 reports" in page
    assert "The due date has passed" not in page and "Cancel" in page
    assert not ProgressReport.objects.filter(cycle=cycle).exists()


def test_a_cycle_with_nothing_due_says_it_creates_no_report(client_for, secretariat, strategy):
    cycle = planned_cycle(strategy, secretariat, due_on=timezone.localdate() + datetime.timedelta(days=30))
    page = text_of(client_for(secretariat).get(url("cycle-open", cycle.pk)))
    assert "This opens the cycle and creates no report" in page


def test_an_open_cycle_is_not_offered_for_opening_again(client_for, secretariat, cycle):
    response = client_for(secretariat).post(url("cycle-open", cycle.pk), {"version": cycle.version}, follow=True)
    assert "Only a planned cycle can be opened." in text_of(response)
    assert ProgressReport.objects.filter(cycle=cycle).count() == 2


def test_closing_without_the_confirmation_closes_nothing_and_says_what_locks(client_for, secretariat, cycle):
    client = client_for(secretariat)
    response = client.post(url("cycle-close", cycle.pk), {"version": cycle.version})
    page = text_of(response)
    assert response.status_code == 200 and "Close the cycle 2024-H2?" in page
    assert "2 reports are not submitted yet: they are locked as they are." in page
    cycle.refresh_from_db()
    assert cycle.status == ReportingCycle.Status.OPEN
    client.post(url("cycle-close", cycle.pk), {"version": cycle.version, "confirm": "yes"})
    cycle.refresh_from_db()
    assert cycle.status == ReportingCycle.Status.CLOSED


@pytest.fixture
def submitted(report, focal_point):
    fill(report, focal_point)
    return services.submit_report(report, by=focal_point)


def test_approving_without_the_confirmation_approves_nothing_and_says_what_it_means(client_for, secretariat, submitted):
    client = client_for(secretariat)
    response = client.post(url("report-approve", submitted.pk), {"version": submitted.version})
    page = text_of(response)
    assert response.status_code == 200
    assert "Approve the report of MSHMS for 2024-H2?" in page
    assert "The report becomes read-only" in page and "count as approved" in page
    assert f'value="{submitted.version}"' in response.content.decode()  # the version the user saw, carried on
    submitted.refresh_from_db()
    assert submitted.status == ProgressReport.Status.SUBMITTED
    client.post(url("report-approve", submitted.pk), {"version": submitted.version, "confirm": "yes"})
    submitted.refresh_from_db()
    assert submitted.status == ProgressReport.Status.APPROVED


def test_a_confirmed_approval_of_a_report_changed_meanwhile_is_refused(client_for, secretariat, submitted):
    response = client_for(secretariat).post(
        url("report-approve", submitted.pk), {"version": submitted.version - 1, "confirm": "yes"}, follow=True
    )
    submitted.refresh_from_db()
    assert submitted.status == ProgressReport.Status.SUBMITTED
    assert "since you opened it" in text_of(response) and "The report was approved" not in text_of(response)


def test_returning_asks_with_the_typed_reason_kept(client_for, secretariat, submitted):
    client = client_for(secretariat)
    response = client.post(url("report-return", submitted.pk), {"version": submitted.version, "reason": "Add sources."})
    page, html = text_of(response), response.content.decode()
    assert "Return the report of MSHMS for 2024-H2?" in page and "The report goes back to MSHMS" in page
    assert ">Add sources.</textarea>" in html
    submitted.refresh_from_db()
    assert submitted.status == ProgressReport.Status.SUBMITTED
    confirmed = {"version": submitted.version, "reason": "Add sources.", "confirm": "yes"}
    client.post(url("report-return", submitted.pk), confirmed)
    submitted.refresh_from_db()
    assert submitted.status == ProgressReport.Status.RETURNED and submitted.return_reason == "Add sources."


def test_reopening_an_approved_report_warns_that_its_figures_stop_counting(
    client_for, secretariat, focal_point, submitted
):
    approved = services.approve_report(submitted, by=secretariat)
    client = client_for(secretariat)
    response = client.post(url("report-reopen", approved.pk), {"version": approved.version, "reason": "A typo."})
    page = text_of(response)
    assert "Reopen the report of MSHMS for 2024-H2?" in page
    assert "Its figures stop counting as approved" in page
    approved.refresh_from_db()
    assert approved.status == ProgressReport.Status.APPROVED
    client.post(url("report-reopen", approved.pk), {"version": approved.version, "reason": "A typo.", "confirm": "yes"})
    approved.refresh_from_db()
    assert approved.status == ProgressReport.Status.RETURNED


def test_the_confirmation_pages_have_a_heading_a_button_and_a_way_back(client_for, secretariat, submitted, cycle):
    client = client_for(secretariat)
    for path, button in (
        (url("report-approve", submitted.pk), "Approve the report"),
        (url("report-return", submitted.pk), "Return the report"),
        (url("cycle-close", cycle.pk), "Close the cycle"),
    ):
        html = client.get(path).content.decode()
        assert '<h1 class="h3" id="confirm-heading">' in html, path
        assert '<button type="submit" class="btn btn-' in html and f">{button}</button>" in html, path
        assert ">Cancel</a>" in html, path


def test_others_get_404_before_any_confirmation(client_for, coordinator, focal_point, submitted, cycle):
    for user in (coordinator, focal_point):
        client = client_for(user)
        for path in (url("report-approve", submitted.pk), url("cycle-open", cycle.pk), url("cycle-close", cycle.pk)):
            assert client.get(path).status_code == 404, path
            assert client.post(path, {"version": 1}).status_code == 404, path
