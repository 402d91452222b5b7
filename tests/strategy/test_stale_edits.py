"""Two people editing the same item: a save made on a version someone else has changed since is refused, says who
changed what and when, and overwrites nothing."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.urls import reverse

from nsm.accounts.models import Institution, User
from nsm.strategy import services
from nsm.strategy.models import Activity, ActivityBudget, IndicatorTarget, Result, Strategy
from nsm.strategy.services import BudgetLineInput, StaleVersion
from tests.factories import (
    ActivityBudgetFactory,
    ActivityFactory,
    GoalFactory,
    IndicatorFactory,
    MeasureFactory,
    StrategyFactory,
    UserFactory,
)
from tests.strategy.plan_builders import institution
from tests.strategy.test_budget_lines import form_values


def url(name, obj):
    return reverse(f"strategy:{name}", args=[obj.strategy.code, obj.pk])


def activity_data(activity, **changes):
    fields = ("title_sq", "title_en", "lead", "start_year", "start_quarter", "end_year", "end_quarter", "gender_marker")
    return {**{name: getattr(activity, name) for name in fields}, **changes}


@pytest.fixture
def activity(strategy):
    measure = MeasureFactory(
        parent__parent__strategy=strategy, parent__parent__code="1", parent__code="1.1", code="1.1.1"
    )
    return ActivityFactory(measure=measure, code="1.1.1.1", title_en="Open counters", lead=institution("MPB"))


# --- Forms ---


def test_a_stale_activity_form_is_refused_and_the_other_change_is_kept(client_for, coordinator, secretariat, activity):
    client = client_for(coordinator)
    values = form_values(client.get(url("activity_edit", activity)))
    services.update_activity(activity, by=secretariat, data=activity_data(activity, lead=institution("AKPA")))
    response = client.post(url("activity_edit", activity), {**values, "title_en": "Open twelve counters"})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Activity 1.1.1.1 was changed by {secretariat.get_full_name()} on " in page
    assert "Lead institution: MPB → AKPA" in page
    activity.refresh_from_db()
    assert (activity.title_en, activity.lead.code, activity.version) == ("Open counters", "AKPA", 2)
    assert activity.history.count() == 2


def test_after_a_refusal_the_form_keeps_the_users_values_and_saving_again_replaces_the_change(
    client_for, coordinator, secretariat, activity
):
    client = client_for(coordinator)
    values = form_values(client.get(url("activity_edit", activity)))
    services.update_activity(activity, by=secretariat, data=activity_data(activity, lead=institution("AKPA")))
    refused = client.post(url("activity_edit", activity), {**values, "title_en": "Open twelve counters"})
    again = form_values(refused)
    assert (again["title_en"], again["version"]) == ("Open twelve counters", "2")
    assert client.post(url("activity_edit", activity), again).status_code == 302
    activity.refresh_from_db()
    assert (activity.title_en, activity.lead.code, activity.version) == ("Open twelve counters", "MPB", 3)


def test_a_stale_budget_form_is_refused_and_names_the_budget_line_changed(
    client_for, coordinator, secretariat, activity
):
    ActivityBudgetFactory(activity=activity, year=2025, amount=Decimal(100))
    client = client_for(coordinator)
    values = form_values(client.get(url("activity_budget", activity)))
    services.set_budget_lines(activity, by=secretariat, lines=[BudgetLineInput(2025, "state_budget", Decimal(250))])
    response = client.post(url("activity_budget", activity), {**values, "y2024_unfunded": "40"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Budget line 2025, State budget (Changed): Amount: 100 → 250" in page
    assert {(b.year, b.amount) for b in ActivityBudget.objects.filter(activity=activity)} == {(2025, 250)}


def test_a_stale_targets_form_is_refused(client_for, coordinator, secretariat, strategy):
    indicator = IndicatorFactory(result__parent__parent__strategy=strategy, baseline_year=2023)
    client = client_for(coordinator)
    values = form_values(client.get(url("indicator_targets", indicator)))
    services.set_targets(indicator, by=secretariat, targets={2026: Decimal(12)})
    response = client.post(url("indicator_targets", indicator), {**values, "y2026": "20", "y2027": "30"})
    assert response.status_code == 200
    assert "Target for 2026 (Created): Target value: — → 12" in response.content.decode()
    assert {t.year: t.value for t in IndicatorTarget.objects.all()} == {2026: 12}


def test_a_stale_result_form_is_refused(client_for, coordinator, secretariat, strategy):
    goal = GoalFactory(strategy=strategy, code="1", title_en="Labour migration")
    client = client_for(coordinator)
    values = form_values(client.get(url("result_edit", goal)))
    services.update_result(goal, by=secretariat, data={"title_en": "Labour mobility"})
    response = client.post(url("result_edit", goal), {**values, "title_sq": "Migracioni"})
    assert "Title (English): Labour migration → Labour mobility" in response.content.decode()
    goal.refresh_from_db()
    assert (goal.title_en, goal.title_sq) == ("Labour mobility", "Qëllimi 1")


def test_a_form_without_its_version_asks_to_reload_the_page(client_for, coordinator, activity):
    values = form_values(client_for(coordinator).get(url("activity_edit", activity)))
    del values["version"]
    response = client_for(coordinator).post(url("activity_edit", activity), {**values, "title_en": "Other"})
    assert "This page is out of date: reload it and make your change again." in response.content.decode()
    activity.refresh_from_db()
    assert activity.title_en == "Open counters"


# --- Services ---


def test_a_stale_update_is_refused_and_writes_no_history(coordinator, secretariat, activity):
    services.update_activity(activity, by=secretariat, data=activity_data(activity, title_en="Theirs"), version=1)
    with pytest.raises(StaleVersion) as error:
        services.update_activity(activity, by=coordinator, data=activity_data(activity, title_en="Mine"), version=1)
    assert error.value.current_version == 2
    assert error.value.messages[1].endswith("Title (English): Open counters → Theirs")
    assert Activity.objects.get().title_en == "Theirs"
    assert activity.history.count() == 2


def test_each_saved_change_writes_one_history_row_and_raises_the_version_by_one(client_for, coordinator, activity):
    client = client_for(coordinator)
    values = form_values(client.get(url("activity_edit", activity)))
    client.post(url("activity_edit", activity), {**values, "title_en": "Open twelve counters"})
    activity.refresh_from_db()
    assert activity.version == 2
    assert [record.history_type for record in activity.history.all()] == ["~", "+"]


def test_a_stale_move_is_refused_with_a_message_and_moves_nothing(client_for, coordinator, secretariat, strategy):
    first = GoalFactory(strategy=strategy, code="1", title_en="First")
    GoalFactory(strategy=strategy, code="2", title_en="Second")
    services.update_result(first, by=secretariat, data={"title_en": "First goal"})
    client = client_for(coordinator)
    response = client.post(url("result_move", first) + "?version=1", {"direction": "down"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"Policy goal 1 was changed by {secretariat.get_full_name()}" in page and "Nothing was moved." in page
    assert list(Result.objects.order_by("sort_key").values_list("title_en", flat=True)) == ["First goal", "Second"]


# --- Concurrency ---


def in_own_thread(work):
    """Run `work` on a connection of its own, which commits at once: the test's connection stays in its transaction."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def create_committed_activity():
    strategy = StrategyFactory(code="AL-NSM-CONCURRENCY")
    activity = ActivityFactory(measure__parent__parent__strategy=strategy, title_en="Start")
    return activity, [UserFactory(username=f"editor{number}") for number in range(8)]


@pytest.fixture
def committed_activity(db):
    """An activity and eight editors committed for real, so that every thread sees them; removed afterwards."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the test's transaction holds SQLite's only write lock")
    activity, editors = in_own_thread(create_committed_activity)
    yield activity, editors
    in_own_thread(lambda: remove_with_history(activity, editors))


def remove_with_history(activity, editors) -> None:
    """Delete what the fixture committed and the history rows it left, so that the database is as it was."""
    strategy = activity.strategy
    rows = {
        Strategy: [strategy.pk],
        Result: list(strategy.results.values_list("pk", flat=True)),
        Activity: list(strategy.activities.values_list("pk", flat=True)),
    }
    strategy.delete()
    for model, pks in rows.items():
        model.history.filter(id__in=pks).delete()
    Institution.history.filter(id=activity.lead_id).delete()
    Institution.objects.filter(pk=activity.lead_id).delete()
    User.objects.filter(pk__in=[editor.pk for editor in editors]).delete()


def test_of_eight_simultaneous_saves_of_one_version_one_is_kept_and_seven_refused(committed_activity):
    """On PostgreSQL a read-modify-write without a row lock loses updates (see ARCHITECTURE): here none is lost."""
    activity, editors = committed_activity
    start, outcomes = threading.Barrier(len(editors)), []

    def edit(user):
        try:
            start.wait()
            data = activity_data(activity, title_en=f"By {user.username}")
            services.update_activity(activity, by=user, data=data, version=1)
            outcomes.append("saved")
        except StaleVersion:
            outcomes.append("refused")
        except Exception as error:  # noqa: BLE001 - shown by the assertion below
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(user,)) for user in editors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 7 + ["saved"]
    activity.refresh_from_db()  # committed by the threads: read committed lets this transaction see it
    assert activity.version == 2 and activity.history.count() == 2
    assert activity.title_en == f"By {activity.history.first().history_user.username}"


def test_the_refusal_lists_only_what_changed_after_the_users_version(client_for, coordinator, secretariat, activity):
    """Budget lines a loader wrote after the activity (without a new version) were on the page the user saw."""
    ActivityBudgetFactory(activity=activity, year=2024, amount=Decimal("1000"))
    client = client_for(coordinator)
    values = form_values(client.get(url("activity_edit", activity)))
    services.set_budget_lines(
        activity, by=secretariat, lines=[BudgetLineInput(year=2024, source="state_budget", amount=Decimal("2500"))]
    )
    page = client.post(url("activity_edit", activity), {**values, "title_en": "Open twelve counters"}).content.decode()
    assert "Budget line 2024, State budget (Changed): Amount: 1,000 → 2,500" in page
    assert "(Created)" not in page
