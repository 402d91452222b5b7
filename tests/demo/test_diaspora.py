"""The second demo plan: a diaspora plan of two levels ("Section > Action"), loaded with the first, idempotently."""

from collections import Counter

from django.urls import reverse

from nsm.accounts.models import User
from nsm.demo import diaspora
from nsm.demo.loader import LoadSummary, load_demo
from nsm.strategy.models import (
    Activity,
    ActivityBudget,
    CostBasis,
    Indicator,
    IndicatorTarget,
    Result,
    Strategy,
    code_depth,
    converted,
    parent_code,
)
from nsm.strategy.timeframes import parse_timeframe

CODE = diaspora.STRATEGY["code"]


def _actions() -> list[Activity]:
    """The plan's actions in the plan's order (the internal key's)."""
    return list(Activity.objects.filter(strategy__code=CODE).select_related("measure").order_by("sort_key"))


def _plan_rows() -> dict[str, int]:
    """The diaspora plan's rows of each kind, with their history."""
    plan = {
        "strategy": Strategy.objects.filter(code=CODE),
        "result": Result.objects.filter(strategy__code=CODE),
        "activity": Activity.objects.filter(strategy__code=CODE),
        "budget line": ActivityBudget.objects.filter(activity__strategy__code=CODE),
        "indicator": Indicator.objects.filter(strategy__code=CODE),
        "target": IndicatorTarget.objects.filter(indicator__strategy__code=CODE),
    }
    counts = {kind: rows.count() for kind, rows in plan.items()}
    history = {
        f"{kind} history": rows.model.history.filter(id__in=rows.values("pk")).count() for kind, rows in plan.items()
    }
    return counts | history


def test_the_diaspora_plan_has_two_levels_section_and_action(demo):
    strategy = Strategy.objects.get(code=CODE)
    assert (strategy.depth, strategy.result_depth) == (2, 1)
    assert [strategy.level_name(depth, "en") for depth in (1, 2)] == ["Section", "Action"]
    assert [strategy.level_name(depth, "sq") for depth in (1, 2)] == ["Seksioni", "Veprimi"]


def test_the_diaspora_strategy_is_marked_illustrative_and_keeps_its_reference_as_written(demo):
    strategy = Strategy.objects.get(code=CODE)
    assert strategy.is_illustrative
    assert strategy.status == Strategy.Status.ADOPTED
    assert "illustrative" in strategy.adopting_act and "not verified" in strategy.adopting_act
    assert strategy.reference == "VKM nr. 414/2021"
    assert (strategy.years, strategy.plan_years, strategy.currency) == (range(2021, 2026), range(2021, 2026), "ALL")


def test_its_sections_are_all_on_the_first_level_with_roman_references(demo):
    sections = list(Result.objects.filter(strategy__code=CODE).order_by("sort_key"))
    assert [(s.depth, s.code, s.reference, s.parent_id) for s in sections] == [
        (1, "1", "I", None),
        (1, "2", "II", None),
        (1, "3", "III", None),
        (1, "4", "IV", None),
    ]
    assert {s.level_label for s in sections} == {"Section"}


def test_its_actions_are_numbered_straight_through_in_the_plans_order(demo):
    references = [activity.reference for activity in _actions()]
    assert len(references) == 15
    assert references == [f"ACTION {number}" for number in range(1, 16)]


def test_an_actions_code_counts_within_its_section_under_the_section_above_it(demo):
    activities = _actions()
    for activity in activities:
        assert activity.measure.depth == 1, activity.reference
        assert parent_code(activity.code) == activity.measure.code, activity.reference
        assert code_depth(activity.code) == 2, activity.reference
    codes = {activity.reference: activity.code for activity in activities}
    assert (codes["ACTION 1"], codes["ACTION 5"], codes["ACTION 7"], codes["ACTION 15"]) == ("1.1", "2.1", "2.3", "4.3")


def test_timeframes_are_written_as_plans_write_them_and_set_the_span(demo):
    activities = _actions()
    plan_years = Strategy.objects.get(code=CODE).plan_years
    for activity in activities:
        timeframe = parse_timeframe(activity.timeframe, plan_years)
        span = ((activity.start_year, activity.start_quarter), (activity.end_year, activity.end_quarter))
        assert span == (timeframe.start, timeframe.end), activity.reference
        assert activity.recurrence == timeframe.recurrence, activity.reference
    written = {activity.timeframe for activity in activities}
    assert {"Annual", "Continuous", "By end of 2023", "Second half of 2022"} <= written
    assert "First half of 2021 (periodic until 2025)" in written


def test_costs_mix_costed_within_budget_and_not_yet_costed_actions(demo):
    activities = _actions()
    assert set(Counter(activity.cost_basis for activity in activities)) == set(CostBasis.values)
    costed = {(line.activity_id, line.year) for line in ActivityBudget.objects.filter(activity__strategy__code=CODE)}
    for activity in activities:
        years = {(activity.pk, year) for year in range(activity.start_year, activity.end_year + 1)}
        if activity.is_costed:
            assert years <= costed, activity.reference
        else:
            assert not {pair for pair in costed if pair[0] == activity.pk}, activity.reference
        if activity.cost_basis == CostBasis.WITHIN_BUDGET:
            assert activity.cost_note, activity.reference


def test_budget_lines_mix_state_budget_donors_in_lek_and_euro_and_a_gap(demo):
    lines = ActivityBudget.objects.filter(activity__strategy__code=CODE)
    assert set(lines.values_list("source", flat=True)) == {"state_budget", "donor", "unfunded"}
    in_euro = list(lines.filter(currency="EUR"))
    assert in_euro and lines.filter(source="donor", currency="").exists()
    for line in in_euro:
        assert line.source == ActivityBudget.Source.DONOR
        assert line.amount == converted(line.stated_amount, line.rate)


def test_each_section_has_indicators_with_targets_some_of_them_of_one_action(demo):
    indicators = list(Indicator.objects.filter(strategy__code=CODE).select_related("result", "activity"))
    per_section = Counter(indicator.result.code for indicator in indicators)
    assert set(per_section) == {"1", "2", "3", "4"} and set(per_section.values()) <= {1, 2, 3}
    of_an_action = [indicator for indicator in indicators if indicator.activity is not None]
    assert 0 < len(of_an_action) < len(indicators)
    assert all(indicator.activity.measure_id == indicator.result_id for indicator in of_an_action)
    targeted = set(IndicatorTarget.objects.filter(indicator__strategy__code=CODE).values_list("indicator", flat=True))
    assert targeted == {indicator.pk for indicator in indicators}


def test_some_actions_name_several_responsible_institutions_one_of_them_marked_lead(demo):
    actions = {
        a.reference: a
        for a in Activity.objects.filter(strategy__code=CODE)
        .select_related("lead")
        .prefetch_related("bodies__institution")
    }
    summit, council = actions["ACTION 2"], actions["ACTION 3"]
    assert [i.code for i in summit.responsible_bodies] == ["AKD", "MEPJ"]
    assert (summit.lead.code, summit.lead_marked) == ("AKD", False)  # none marked: the first named reports
    assert [i.code for i in council.responsible_bodies] == ["AKD", "MEPJ"]
    assert (council.lead.code, council.lead_place) == ("MEPJ", 2)  # the plan marks the second one lead
    assert [i.code for i in council.supporting_bodies] == ["KKD", "MSHPV"]


def test_a_milestone_indicator_follows_the_rules_of_the_cooperation_of_the_diaspora_council(demo):
    indicator = Indicator.objects.get(strategy__code=CODE, value_type=Indicator.ValueType.MILESTONE)
    indicator.full_clean()
    assert (indicator.stage_count, indicator.activity.reference) == (3, "ACTION 3")
    assert [target.value for target in indicator.targets.all()] == [1, 2, 3]


def test_actions_are_tagged_to_the_gcm_diaspora_objectives(demo):
    tagged = set(Activity.objects.filter(strategy__code=CODE).values_list("gcm_objectives__number", flat=True))
    assert {19, 20} <= tagged


def test_loading_the_demo_again_creates_nothing_new_in_the_diaspora_plan(demo):
    before = _plan_rows()
    summary = load_demo()
    assert not summary.changed
    assert _plan_rows() == before


def test_loading_the_diaspora_plan_twice_changes_nothing(demo):
    admin = User.objects.get(username="admin")
    summary = LoadSummary()
    diaspora.load_diaspora(admin=admin, summary=summary)
    assert not summary.changed
    assert summary.unchanged["activity"] == 15


def test_loading_again_restores_a_changed_reference_and_records_it(demo):
    activity = Activity.objects.get(strategy__code=CODE, reference="ACTION 7")
    activity.reference = "ACTION 70"
    activity.save()
    summary = load_demo()
    activity.refresh_from_db()
    assert activity.reference == "ACTION 7"
    assert summary.updated == {"activity": 1}
    assert activity.history.first().history_user.username == "admin"


def test_the_plan_page_shows_the_actions_references_in_order_and_the_level_name(demo, client_for):
    viewer = User.objects.get(username="viewer")
    response = client_for(viewer).get(reverse("strategy:detail", args=[CODE]))
    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(f">ACTION {number}</th>") for number in range(1, 16)]
    assert positions == sorted(positions)
    assert ">IV</th>" in html
    assert "Section:</span>" in html


def test_the_plan_page_names_the_level_in_albanian(demo, client_for):
    viewer = User.objects.get(username="viewer")
    response = client_for(viewer).get(reverse("strategy:detail", args=[CODE]), HTTP_ACCEPT_LANGUAGE="sq")
    assert response.status_code == 200
    assert "Seksioni:</span>" in response.content.decode()
