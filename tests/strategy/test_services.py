"""The plan's services: codes, validation, history, moves, budgets and targets."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from nsm.strategy import selectors, services
from nsm.strategy.models import Activity, ActivityBudget, Indicator, IndicatorTarget, Result
from nsm.strategy.services import BudgetLineInput
from tests.factories import (
    ActivityBudgetFactory,
    ActivityFactory,
    GoalFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    MeasureFactory,
    ObjectiveFactory,
)
from tests.strategy.plan_builders import gcm, institution


def activity_data(**overrides):
    data = {
        "title_sq": "Trajnim",
        "title_en": "Training",
        "lead": institution("MPB"),
        "partners": [institution("AKPA")],
        "start_year": 2024,
        "start_quarter": 2,
        "end_year": 2025,
        "end_quarter": None,
        "gender_marker": 1,
        "target_groups": [],
        "gcm_objectives": [gcm(5)],
    }
    return {**data, **overrides}


# --- Creating ---


def test_a_new_goal_takes_the_next_number_after_the_last_goal(strategy, coordinator):
    GoalFactory(strategy=strategy, code="1")
    GoalFactory(strategy=strategy, code="3")
    goal = services.create_result(strategy=strategy, parent=None, by=coordinator, title_en="Diaspora")
    assert (goal.code, goal.depth) == ("4", 1)


def test_a_child_of_an_objective_is_a_measure_numbered_under_it(strategy, coordinator):
    objective = ObjectiveFactory(parent=GoalFactory(strategy=strategy, code="2"), code="2.1")
    MeasureFactory(parent=objective, code="2.1.1")
    measure = services.create_result(strategy=strategy, parent=objective, by=coordinator, title_sq="Masa")
    assert (measure.code, measure.depth, measure.parent) == ("2.1.2", 3, objective)


def test_a_measure_cannot_have_results_under_it(strategy, coordinator):
    measure = MeasureFactory(parent__parent__strategy=strategy)
    with pytest.raises(ValidationError):
        services.create_result(strategy=strategy, parent=measure, by=coordinator, title_en="Too deep")


def test_a_result_without_any_title_is_refused(strategy, coordinator):
    with pytest.raises(ValidationError):
        services.create_result(strategy=strategy, parent=None, by=coordinator, title_sq="", title_en="")
    assert not Result.objects.exists()


def test_creating_an_activity_records_one_history_row_with_its_partners(strategy, coordinator):
    measure = MeasureFactory(parent__parent__strategy=strategy)
    activity = services.create_activity(measure=measure, by=coordinator, **activity_data())
    records = list(activity.history.all())
    assert [record.history_type for record in records] == ["+"]
    assert records[0].history_user == coordinator
    assert [row.institution.code for row in records[0].partners.all()] == ["AKPA"]
    assert activity.code == f"{measure.code}.1"


def test_an_activity_ending_before_it_starts_is_refused_with_a_message_on_the_end(strategy, coordinator):
    measure = MeasureFactory(parent__parent__strategy=strategy)
    with pytest.raises(ValidationError) as error:
        services.create_activity(measure=measure, by=coordinator, **activity_data(start_year=2026, end_year=2025))
    assert "end_year" in error.value.error_dict
    assert not Activity.objects.exists()


# --- Changing ---


def test_changing_an_activity_records_who_changed_what(strategy, coordinator, secretariat):
    activity = services.create_activity(
        measure=MeasureFactory(parent__parent__strategy=strategy), by=coordinator, **activity_data()
    )
    services.update_activity(
        activity,
        by=secretariat,
        data=activity_data(lead=institution("INSTAT"), partners=[institution("MEPJ")]),
    )
    latest = selectors.history_for(activity)[0]
    assert latest.user == secretariat.get_full_name()
    assert latest.action == "changed"
    changes = {change.field: (change.old, change.new) for change in latest.changes}
    assert changes == {
        "lead institution": ("MPB", "INSTAT"),
        "other responsible and supporting institutions": ("AKPA", "MEPJ"),
    }


def test_saving_an_unchanged_activity_writes_no_history(strategy, coordinator):
    activity = services.create_activity(
        measure=MeasureFactory(parent__parent__strategy=strategy), by=coordinator, **activity_data()
    )
    services.update_activity(activity, by=coordinator, data=activity_data())
    assert activity.history.count() == 1


def test_changing_a_results_gcm_objectives_shows_them_by_name(strategy, coordinator):
    goal = services.create_result(strategy=strategy, parent=None, by=coordinator, title_en="Goal")
    services.update_result(goal, by=coordinator, data={"title_en": "Goal", "gcm_objectives": [gcm(2), gcm(5)]})
    change = selectors.history_for(goal)[0].changes[0]
    assert change.field == "GCM objectives"
    assert change.old == "—"
    assert str(gcm(2)) in change.new and str(gcm(5)) in change.new


# --- Moving ---


@pytest.fixture
def two_goals(strategy):
    """Goal 1: 1.1 > 1.1.1 > activity 1.1.1.1; goal 2: 2.1 > 2.1.1 > activities 2.1.1.1 and 2.1.1.2."""
    plan = {}
    for goal_code, activities in (("1", 1), ("2", 2)):
        goal = GoalFactory(strategy=strategy, code=goal_code, title_en=f"Goal {goal_code}")
        objective = ObjectiveFactory(parent=goal, code=f"{goal_code}.1", title_en=f"Objective {goal_code}.1")
        measure = MeasureFactory(parent=objective, code=f"{goal_code}.1.1", title_en=f"Measure {goal_code}.1.1")
        for number in range(1, activities + 1):
            ActivityFactory(measure=measure, code=f"{measure.code}.{number}", title_en=f"Activity {goal_code}.{number}")
        plan[goal_code] = goal
    return plan


def codes_by_title(strategy):
    results = {r.title_en: r.code for r in Result.objects.filter(strategy=strategy)}
    return results | {a.title_en: a.code for a in Activity.objects.filter(strategy=strategy)}


def test_moving_a_goal_down_swaps_the_codes_of_both_subtrees(strategy, coordinator, two_goals):
    services.move_result(two_goals["1"], by=coordinator, direction="down")
    assert codes_by_title(strategy) == {
        "Goal 1": "2", "Objective 1.1": "2.1", "Measure 1.1.1": "2.1.1", "Activity 1.1": "2.1.1.1",
        "Goal 2": "1", "Objective 2.1": "1.1", "Measure 2.1.1": "1.1.1", "Activity 2.1": "1.1.1.1",
        "Activity 2.2": "1.1.1.2",
    }  # fmt: skip


def test_moving_keeps_one_history_row_per_renumbered_object_by_the_mover(strategy, coordinator, two_goals):
    services.move_result(two_goals["2"], by=coordinator, direction="up")
    activity = Activity.objects.get(title_en="Activity 2.2")
    records = list(activity.history.all())
    assert [(r.history_type, r.code) for r in records[:1]] == [("~", "1.1.1.2")]
    assert records[0].history_user == coordinator
    assert not any(record.code.startswith("0.") for record in records)


def test_moving_a_result_renames_the_indicator_codes_that_embed_a_renumbered_results_code(
    strategy, coordinator, two_goals
):
    measure, objective = (Result.objects.get(strategy=strategy, code=code) for code in ("1.1.1", "2.1"))
    for result, code in [(measure, "1.1.1.a"), (measure, "I.7"), (two_goals["1"], "1.a"), (objective, "2.1.a")]:
        IndicatorFactory(result=result, code=code, name_en=code)
    services.move_result(two_goals["1"], by=coordinator, direction="down")
    codes = {indicator.name_en: (indicator.code, indicator.result.code) for indicator in Indicator.objects.all()}
    assert codes == {
        "1.1.1.a": ("2.1.1.a", "2.1.1"), "I.7": ("I.7", "2.1.1"), "1.a": ("2.a", "2"), "2.1.a": ("1.1.a", "1.1"),
    }  # fmt: skip


def test_a_renamed_indicator_keeps_one_history_row_by_the_mover_and_a_new_version(strategy, coordinator, two_goals):
    indicator = IndicatorFactory(result=Result.objects.get(strategy=strategy, code="1.1.1"), code="1.1.1.a")
    services.move_result(two_goals["1"], by=coordinator, direction="down")
    indicator.refresh_from_db()
    records = list(indicator.history.all())
    assert [(r.history_type, r.code, r.history_user) for r in records] == [
        ("~", "2.1.1.a", coordinator),
        ("+", "1.1.1.a", None),
    ]
    assert indicator.version == 2


def test_a_move_that_would_give_an_indicator_a_code_in_use_is_refused_whole(strategy, coordinator, two_goals):
    IndicatorFactory(result=Result.objects.get(strategy=strategy, code="1.1.1"), code="1.1.1.a")
    IndicatorFactory(result=GoalFactory(strategy=strategy, code="3"), code="2.1.1.a")
    with pytest.raises(ValidationError) as error:
        services.move_result(two_goals["1"], by=coordinator, direction="down")
    assert error.value.messages == [
        "Indicator 1.1.1.a cannot be renumbered 2.1.1.a: Another indicator of this strategy has this code."
    ]
    assert codes_by_title(strategy)["Goal 1"] == "1"
    assert sorted(Indicator.objects.values_list("code", flat=True)) == ["1.1.1.a", "2.1.1.a"]


def test_moving_the_first_goal_up_changes_nothing(strategy, coordinator, two_goals):
    services.move_result(two_goals["1"], by=coordinator, direction="up")
    assert codes_by_title(strategy)["Goal 1"] == "1"
    assert two_goals["1"].history.count() == 1


def test_moving_an_activity_down_swaps_it_with_the_next_one(strategy, coordinator, two_goals):
    first = Activity.objects.get(title_en="Activity 2.1")
    services.move_activity(first, by=coordinator, direction="down")
    assert codes_by_title(strategy)["Activity 2.1"] == "2.1.1.2"
    assert codes_by_title(strategy)["Activity 2.2"] == "2.1.1.1"


def test_an_objective_moves_only_among_the_objectives_of_its_goal(strategy, coordinator, two_goals):
    objective = Result.objects.get(strategy=strategy, code="2.1")
    services.move_result(objective, by=coordinator, direction="up")
    assert codes_by_title(strategy)["Objective 2.1"] == "2.1"


def test_moving_an_indicator_up_swaps_its_code_with_the_previous_one(strategy, coordinator):
    measure = MeasureFactory(parent__parent__strategy=strategy)
    first = IndicatorFactory(result=measure, code="1.1.1.a", name_en="First")
    second = IndicatorFactory(result=measure, code="1.1.1.b", name_en="Second")
    services.move_indicator(second, by=coordinator, direction="up")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.code, second.code) == ("1.1.1.b", "1.1.1.a")
    assert second.history.first().history_user == coordinator


# --- Deleting ---


def test_deleting_a_goal_deletes_its_subtree_and_keeps_their_history(strategy, coordinator, two_goals):
    activity = Activity.objects.get(title_en="Activity 2.1")
    ActivityBudgetFactory(activity=activity)
    IndicatorTargetFactory(indicator=IndicatorFactory(result=Result.objects.get(strategy=strategy, code="2.1")))
    services.delete_result(two_goals["2"], by=coordinator)
    assert codes_by_title(strategy) == {
        "Goal 1": "1", "Objective 1.1": "1.1", "Measure 1.1.1": "1.1.1", "Activity 1.1": "1.1.1.1"
    }  # fmt: skip
    assert not ActivityBudget.objects.exists() and not Indicator.objects.exists()
    deleted = Activity.history.filter(id=activity.pk, history_type="-").get()
    assert deleted.history_user == coordinator


def test_deletion_summary_counts_what_goes_with_a_goal(strategy, two_goals):
    activity = Activity.objects.get(title_en="Activity 2.1")
    ActivityBudgetFactory(activity=activity)
    IndicatorTargetFactory(indicator=IndicatorFactory(result=two_goals["2"]))
    summary = selectors.deletion_summary(two_goals["2"])
    assert summary == selectors.DeletionSummary(
        below=(("Specific objective", 1), ("Measure", 1)),
        activities=2,
        budget_lines=1,
        indicators=1,
        targets=1,
    )


# --- Budget lines and targets ---


def test_set_budget_lines_adds_changes_and_removes_lines(strategy, coordinator):
    activity = ActivityFactory(measure__parent__parent__strategy=strategy)
    kept = ActivityBudgetFactory(activity=activity, year=2024, amount=Decimal(100))
    ActivityBudgetFactory(activity=activity, year=2025, amount=Decimal(100))
    services.set_budget_lines(
        activity,
        by=coordinator,
        lines=[
            BudgetLineInput(2024, "state_budget", Decimal(100)),
            BudgetLineInput(2026, "donor", Decimal(70), donor="EU"),
            BudgetLineInput(2026, "unfunded", Decimal(30)),
        ],
    )
    lines = {(b.year, b.source, b.donor): b.amount for b in activity.budget_lines.all()}
    assert lines == {(2024, "state_budget", ""): 100, (2026, "donor", "EU"): 70, (2026, "unfunded", ""): 30}
    assert kept.history.count() == 1


def test_a_donor_line_without_a_donor_is_refused_and_nothing_changes(strategy, coordinator):
    activity = ActivityFactory(measure__parent__parent__strategy=strategy)
    ActivityBudgetFactory(activity=activity, year=2024, amount=Decimal(100))
    with pytest.raises(ValidationError):
        services.set_budget_lines(
            activity,
            by=coordinator,
            lines=[
                BudgetLineInput(2025, "state_budget", Decimal(5)),
                BudgetLineInput(2025, "donor", Decimal(9)),
            ],
        )
    assert [(b.year, b.amount) for b in activity.budget_lines.all()] == [(2024, 100)]


def test_budget_history_appears_in_the_activitys_history(strategy, coordinator):
    activity = ActivityFactory(measure__parent__parent__strategy=strategy)
    services.set_budget_lines(activity, by=coordinator, lines=[BudgetLineInput(2025, "unfunded", Decimal(1200000))])
    entry = selectors.history_for(activity)[0]
    assert entry.subject == "Budget line 2025, Unfunded (funding gap)"
    assert entry.user == coordinator.get_full_name()
    assert [(c.field, c.old, c.new) for c in entry.changes] == [("amount", "—", "1,200,000")]


def test_set_targets_sets_changes_and_clears_years(strategy, coordinator):
    indicator = IndicatorFactory(result__parent__parent__strategy=strategy, baseline_year=2023)
    IndicatorTargetFactory(indicator=indicator, year=2024, value=Decimal(1))
    services.set_targets(indicator, by=coordinator, targets={2024: None, 2025: Decimal(5), 2026: Decimal("7.5")})
    assert {t.year: t.value for t in IndicatorTarget.objects.filter(indicator=indicator)} == {
        2025: 5,
        2026: 7.5,
    }


def test_a_baseline_year_after_the_first_target_year_is_refused(strategy, coordinator):
    indicator = IndicatorFactory(result__parent__parent__strategy=strategy, baseline_year=2023)
    IndicatorTargetFactory(indicator=indicator, year=2025, value=Decimal(5))
    with pytest.raises(ValidationError) as error:
        services.update_indicator(indicator, by=coordinator, data={"baseline_year": 2026})
    assert error.value.message_dict == {
        "baseline_year": ["The baseline year cannot come after the first target year (2025): change the targets first."]
    }
    indicator.refresh_from_db()
    assert indicator.baseline_year == 2023


def test_a_baseline_year_up_to_the_first_target_year_is_accepted(strategy, coordinator):
    indicator = IndicatorFactory(result__parent__parent__strategy=strategy, baseline_year=2023)
    IndicatorTargetFactory(indicator=indicator, year=2025, value=Decimal(5))
    services.update_indicator(indicator, by=coordinator, data={"baseline_year": 2025})
    indicator.refresh_from_db()
    assert (indicator.baseline_year, indicator.version) == (2025, 2)


def test_a_target_before_the_baseline_year_is_refused(strategy, coordinator):
    indicator = IndicatorFactory(result__parent__parent__strategy=strategy, baseline_year=2025)
    with pytest.raises(ValidationError):
        services.set_targets(indicator, by=coordinator, targets={2024: Decimal(5)})
    assert not indicator.targets.exists()


def test_a_new_indicator_gets_a_free_code_under_its_result(strategy, coordinator):
    measure = MeasureFactory(
        parent__parent__strategy=strategy, code="1.1.1", parent__code="1.1", parent__parent__code="1"
    )
    indicator = services.create_indicator(result=measure, by=coordinator, name_en="Returnees assisted", kind="output")
    assert indicator.code == "1.1.1.a"
    assert indicator.history.get().history_user == coordinator


def test_plan_totals_equal_the_sum_of_budget_lines(strategy):
    activity = ActivityFactory(measure__parent__parent__strategy=strategy)
    other = ActivityFactory(measure=activity.measure)
    for line_activity, year, source, amount in [
        (activity, 2024, "state_budget", 100), (activity, 2025, "unfunded", 40),
        (other, 2024, "donor", 60), (other, 2026, "unfunded", 5),
    ]:  # fmt: skip
        donor = "EU" if source == "donor" else ""
        ActivityBudgetFactory(activity=line_activity, year=year, source=source, donor=donor, amount=Decimal(amount))
    tree = selectors.plan_tree(strategy)
    assert tree.costs.total == 205
    assert tree.costs.unfunded == 45
    assert [(y.year, y.total, y.unfunded) for y in tree.costs.years] == [
        (2024, 160, 0),
        (2025, 40, 40),
        (2026, 5, 5),
    ]
    goal = tree.goals[0]
    assert goal.costs == goal.children[0].costs == goal.children[0].children[0].costs == tree.costs
