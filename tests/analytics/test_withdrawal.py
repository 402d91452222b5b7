"""Approved data outlive the plan item: an activity, indicator or result that reports hold data about cannot be
deleted by any path; it is withdrawn instead, shown as withdrawn in the roll-ups, left out of later cycles, and
can be restored. Figures from the hand-counted plan of tests/analytics/conftest.py."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse

from nsm.analytics.groups import Filters
from nsm.analytics.implementation import activity_lines, implementation
from nsm.analytics.periods import Period
from nsm.monitoring.models import ActivityProgress, IndicatorValue
from nsm.strategy import selectors, services
from nsm.strategy.models import Activity, Indicator, Result
from tests.analytics.conftest import open_half_year

D = Decimal
MAY_2024 = datetime.date(2024, 5, 1)


def _rate(plan, period):
    return implementation(Filters(strategy_id=plan.strategy.pk), period).total


def test_an_activity_with_approved_lines_cannot_be_deleted_and_its_figures_stay(approved_plan, secretariat):
    plan = approved_plan
    a2 = plan.activities["A2"]
    before = _rate(plan, Period.year(2024))
    with pytest.raises(ValidationError) as refused:
        services.delete_activity(a2, by=secretariat, version=a2.version)
    assert "cannot be deleted: progress reports hold 2 activity lines about it" in refused.value.messages[0]
    assert "Withdraw it instead" in refused.value.messages[0]
    assert Activity.objects.filter(pk=a2.pk).exists()
    assert ActivityProgress.objects.filter(activity=a2).count() == 2
    assert _rate(plan, Period.year(2024)) == before


def test_the_database_refuses_to_delete_reported_plan_items_whatever_the_path(approved_plan):
    plan = approved_plan
    for obj in (plan.activities["A2"], plan.indicators["I1"], plan.goals["1"]):
        with pytest.raises(ProtectedError):
            type(obj).objects.filter(pk=obj.pk).delete()
    assert Result.objects.filter(pk=plan.goals["1"].pk).exists()


def test_a_result_above_reported_data_cannot_be_deleted(approved_plan, secretariat):
    goal = approved_plan.goals["2"]
    summary = selectors.deletion_summary(goal)
    assert summary.is_reported and summary.reported_lines > 0 and summary.reported_values > 0
    with pytest.raises(ValidationError, match="Policy goal 2 cannot be deleted"):
        services.delete_result(goal, by=secretariat, version=goal.version)
    assert Activity.objects.filter(measure__parent__parent=goal).count() == 5


def test_an_indicator_with_approved_values_cannot_be_deleted(approved_plan, secretariat):
    indicator = approved_plan.indicators["I2"]
    with pytest.raises(ValidationError, match="1 indicator value"):
        services.delete_indicator(indicator, by=secretariat, version=indicator.version)
    assert IndicatorValue.objects.filter(indicator=indicator).exists()


def test_an_activity_with_only_an_untouched_draft_line_is_deleted_with_that_line(approved_plan, secretariat):
    a8 = approved_plan.activities["A8"]  # MB's H1 and H2 reports are drafts nobody has typed into
    assert ActivityProgress.objects.filter(activity=a8).count() == 2
    assert selectors.deletion_summary(a8).draft_lines == 2
    services.delete_activity(a8, by=secretariat, version=a8.version)
    assert not Activity.objects.filter(pk=a8.pk).exists()
    assert not ActivityProgress.objects.filter(activity_id=a8.pk).exists()


def test_a_typed_draft_line_protects_its_activity_as_a_submitted_one_does(approved_plan, secretariat):
    a8 = approved_plan.activities["A8"]
    ActivityProgress.objects.filter(activity=a8, report__cycle__half=1).update(narrative_sq="Typed, not yet submitted.")
    with pytest.raises(ValidationError, match="1 activity line"):
        services.delete_activity(a8, by=secretariat, version=a8.version)


def test_a_withdrawn_activity_counts_as_withdrawn_and_leaves_the_denominator(approved_plan, secretariat):
    plan = approved_plan
    a7 = plan.activities["A7"]  # delayed in 2024-H1
    services.withdraw(a7, by=secretariat, reason="Merged into 2.1.1.1.", on=MAY_2024, version=a7.version)
    h1 = _rate(plan, Period.half_year(2024, 1))
    assert h1.due.withdrawn == 1 and h1.due.delayed == 0
    assert h1.rate == D("100.0")  # A1 completed of (2 due - 1 withdrawn); was 50.0
    year = _rate(plan, Period.year(2024))
    assert (year.due.completed, year.due.planned, year.rate) == (2, 4, D("50.0"))  # was 2 of 5: 40.0
    lines = {
        line.activity_id: line for line in activity_lines(Filters(strategy_id=plan.strategy.pk), Period.year(2024))
    }
    assert lines[a7.pk].status == "withdrawn"
    assert lines[a7.pk].narrative == "Waiting for the premises."  # its approved line is still there


def test_a_completed_activity_withdrawn_later_stays_completed(approved_plan, secretariat):
    a1 = approved_plan.activities["A1"]
    services.withdraw(a1, by=secretariat, reason="Done; no longer needed.", on=MAY_2024, version=a1.version)
    assert _rate(approved_plan, Period.half_year(2024, 1)).due.completed == 1


def test_periods_before_the_withdrawal_keep_the_reported_status(approved_plan, secretariat):
    a7 = approved_plan.activities["A7"]
    services.withdraw(a7, by=secretariat, reason="Stopped.", on=datetime.date(2024, 11, 2), version=a7.version)
    h1 = _rate(approved_plan, Period.half_year(2024, 1))
    assert (h1.due.delayed, h1.due.withdrawn) == (1, 0)


def test_a_withdrawn_activity_gets_no_line_in_a_later_cycle_and_a_restored_one_does(approved_plan, secretariat):
    plan = approved_plan
    a5 = plan.activities["A5"]  # 2024Q1-2025Q2
    services.withdraw(a5, by=secretariat, reason="Funding ended.", on=datetime.date(2024, 12, 1), version=a5.version)
    open_half_year(
        plan.strategy, secretariat, 2025, 1, opens_on=datetime.date(2025, 6, 1), due_on=datetime.date(2025, 7, 15)
    )
    assert not ActivityProgress.objects.filter(activity=a5, report__cycle__year=2025).exists()
    assert ActivityProgress.objects.filter(activity=plan.activities["A9"], report__cycle__year=2025).exists()
    a5.refresh_from_db()
    services.restore(a5, by=secretariat, version=a5.version)
    a5.refresh_from_db()
    assert not a5.is_withdrawn and a5.withdrawn_reason == ""


def test_withdrawing_drops_only_untouched_lines_of_open_drafts(approved_plan, secretariat):
    a8 = approved_plan.activities["A8"]
    services.withdraw(a8, by=secretariat, reason="Moved to the next plan.", version=a8.version)
    assert not ActivityProgress.objects.filter(activity=a8).exists()
    a2 = approved_plan.activities["A2"]
    services.withdraw(a2, by=secretariat, reason="Moved to the next plan.", version=a2.version)
    assert ActivityProgress.objects.filter(activity=a2).count() == 2


def test_withdrawing_a_goal_withdraws_what_is_under_it_and_restoring_brings_it_all_back(approved_plan, secretariat):
    plan = approved_plan
    a6 = plan.activities["A6"]
    services.withdraw(a6, by=secretariat, reason="Its own reason.", on=MAY_2024, version=a6.version)
    goal = plan.goals["2"]
    services.withdraw(goal, by=secretariat, reason="Policy change.", version=goal.version)
    under = Activity.objects.filter(measure__parent__parent=goal)
    assert all(activity.is_withdrawn for activity in under)
    assert Indicator.objects.get(pk=plan.indicators["I3"].pk).withdrawn_reason == "Policy change."
    assert Activity.objects.get(pk=a6.pk).withdrawn_reason == "Its own reason."  # kept
    goal.refresh_from_db()
    services.restore(goal, by=secretariat, version=goal.version)
    assert Activity.objects.filter(measure__parent__parent=goal, withdrawn_on__isnull=False).get().pk == a6.pk
    assert not Result.objects.filter(strategy=plan.strategy, withdrawn_on__isnull=False).exists()


def test_a_withdrawal_needs_a_reason_and_is_not_repeated(approved_plan, secretariat):
    a2 = approved_plan.activities["A2"]
    with pytest.raises(ValidationError, match="Give the reason"):
        services.withdraw(a2, by=secretariat, reason="  ", version=a2.version)
    with pytest.raises(ValidationError, match="plain text"):
        services.withdraw(a2, by=secretariat, reason="bad\x00reason", version=a2.version)
    services.withdraw(a2, by=secretariat, reason="Done elsewhere.", version=a2.version)
    a2.refresh_from_db()
    with pytest.raises(ValidationError, match="already withdrawn"):
        services.withdraw(a2, by=secretariat, reason="Again.", version=a2.version)
    assert a2.history.first().withdrawn_reason == "Done elsewhere."


def _url(name, plan, *args):
    return reverse(f"strategy:{name}", args=[plan.strategy.code, *args])


def test_the_delete_page_of_a_reported_activity_offers_to_withdraw_it_instead(approved_plan, secretariat, client_for):
    a2 = approved_plan.activities["A2"]
    client = client_for(secretariat)
    page = client.get(_url("activity_delete", approved_plan, a2.pk)).content.decode()
    assert "cannot be deleted: progress reports hold 2 activity lines" in page
    assert _url("activity_withdraw", approved_plan, a2.pk) in page
    assert 'name="version"' not in page  # no delete button
    response = client.post(_url("activity_delete", approved_plan, a2.pk), {"version": a2.version}, follow=True)
    assert "Nothing was deleted." in response.content.decode()
    assert Activity.objects.filter(pk=a2.pk).exists()


def test_the_withdraw_page_keeps_the_typed_values_when_refused_and_withdraws_when_complete(
    approved_plan, secretariat, client_for
):
    a2 = approved_plan.activities["A2"]
    client = client_for(secretariat)
    url = _url("activity_withdraw", approved_plan, a2.pk)
    refused = client.post(url, {"version": a2.version, "reason": "", "withdrawn_on": "2024-09-30"})
    page = refused.content.decode()
    assert refused.status_code == 200 and "This field is required." in page and 'value="2024-09-30"' in page
    response = client.post(url, {"version": a2.version, "reason": "Merged.", "withdrawn_on": "2024-09-30"})
    assert response.status_code == 302
    page = client.get(_url("activity", approved_plan, a2.pk)).content.decode()
    assert "Withdrawn on" in page and "Merged." in page and "Restore to the plan" in page
    a2.refresh_from_db()
    assert a2.withdrawn_on == datetime.date(2024, 9, 30)
    client.post(_url("activity_restore", approved_plan, a2.pk), {"version": a2.version})
    a2.refresh_from_db()
    assert not a2.is_withdrawn


def test_a_reader_cannot_withdraw(approved_plan, viewer, client_for):
    a2 = approved_plan.activities["A2"]
    url = _url("activity_withdraw", approved_plan, a2.pk)
    response = client_for(viewer).post(url, {"version": a2.version, "reason": "x", "withdrawn_on": "2024-09-30"})
    assert response.status_code in (403, 404)
    a2.refresh_from_db()
    assert not a2.is_withdrawn


def test_the_plan_page_says_in_words_which_items_are_withdrawn(approved_plan, secretariat, client_for):
    a7 = approved_plan.activities["A7"]
    services.withdraw(a7, by=secretariat, reason="Stopped.", on=MAY_2024, version=a7.version)
    page = client_for(secretariat).get(reverse("strategy:detail", args=[approved_plan.strategy.code])).content
    assert page.decode().count("Withdrawn on") == 1
