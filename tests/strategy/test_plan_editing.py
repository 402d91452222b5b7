"""Editing the plan through its pages: forms, validation messages next to fields, moves and deletions."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from nsm.strategy import services
from nsm.strategy.models import Activity, ActivityBudget, IndicatorTarget, Result
from tests.factories import (
    ActivityBudgetFactory,
    ActivityFactory,
    GoalFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    MeasureFactory,
)
from tests.strategy.plan_builders import gcm, institution


def to(name, strategy, *args):
    return reverse(f"strategy:{name}", args=[strategy.code, *args])


def activity_form(**overrides):
    data = {
        "title_sq": "Hapja e sporteleve",
        "title_en": "Open migration counters",
        "responsible_1": institution("MPB").pk,
        "supporting": [institution("AKPA").pk, institution("INSTAT").pk],
        "start_year": "2024",
        "start_quarter": "2",
        "end_year": "2025",
        "end_quarter": "",
        "cost_basis": "costed",
        "gender_marker": "1",
        "gcm_objectives": [gcm(3).pk],
    }
    return {**data, **overrides}


@pytest.fixture
def measure(strategy):
    return MeasureFactory(parent__parent__strategy=strategy)


def test_coordinator_adds_a_goal_that_gets_the_next_code(client_for, coordinator, strategy):
    GoalFactory(strategy=strategy, code="1")
    response = client_for(coordinator).post(
        to("goal_add", strategy),
        {"title_sq": "Diaspora", "title_en": "Diaspora", "gcm_objectives": [gcm(19).pk]},
    )
    goal = Result.objects.get(strategy=strategy, code="2")
    assert response.status_code == 302 and response["Location"] == to("result", strategy, goal.pk)
    assert list(goal.gcm_objectives.values_list("number", flat=True)) == [19]
    assert goal.history.get().history_user == coordinator


def test_secretariat_adds_an_activity_with_its_partners(client_for, secretariat, strategy, measure):
    response = client_for(secretariat).post(to("activity_add", strategy, measure.pk), activity_form())
    activity = Activity.objects.get(measure=measure)
    assert response.status_code == 302
    assert (activity.code, activity.lead.code, activity.start_label) == (
        f"{measure.code}.1",
        "MPB",
        "2024-Q2",
    )
    assert sorted(activity.partners.values_list("code", flat=True)) == ["AKPA", "INSTAT"]


def test_responsible_institutions_are_saved_in_the_order_chosen_with_the_marked_lead(
    client_for, secretariat, strategy, measure
):
    smd, mepj, mb = institution("SMD"), institution("MEPJ"), institution("AKPA")
    form = activity_form(
        responsible_1=smd.pk, responsible_2="", responsible_3=mepj.pk, responsible_4=mb.pk, marked_lead=mepj.pk,
        supporting=[institution("INSTAT").pk],
    )  # fmt: skip
    assert client_for(secretariat).post(to("activity_add", strategy, measure.pk), form).status_code == 302
    activity = Activity.objects.prefetch_related("bodies__institution").get(measure=measure)
    assert [i.code for i in activity.responsible_bodies] == ["SMD", "MEPJ", "AKPA"]  # the empty row closed up
    assert (activity.lead.code, activity.lead_place) == ("MEPJ", 2)
    page = client_for(secretariat).get(to("activity_edit", strategy, activity.pk)).content.decode()
    for number, code in enumerate(["SMD", "MEPJ", "AKPA"], start=1):
        chosen = re.search(rf'<select name="responsible_{number}".*?</select>', page, re.S).group(0)
        assert re.search(rf'<option value="{institution(code).pk}" selected>', chosen)
    empty = re.search(r'<select name="responsible_4".*?</select>', page, re.S).group(0)  # a row more, empty
    assert "selected" not in empty.replace('<option value="" selected>', "")


def test_editing_other_fields_keeps_the_supporting_order_and_adds_new_ones_after(client_for, coordinator, strategy):
    from nsm.strategy import services
    from nsm.strategy.models import bodies_fields

    activity = ActivityFactory(measure__parent__parent__strategy=strategy, lead=institution("MPB"))
    instat, akpa, mepj = institution("INSTAT"), institution("AKPA"), institution("MEPJ")
    services.update_activity(activity, by=coordinator, data=bodies_fields([institution("MPB")], [instat, akpa]))
    form = activity_form(responsible_1=institution("MPB").pk, supporting=[akpa.pk, mepj.pk, instat.pk], version=2)
    assert client_for(coordinator).post(to("activity_edit", strategy, activity.pk), form).status_code == 302
    activity = Activity.objects.prefetch_related("bodies__institution").get(pk=activity.pk)
    assert [i.code for i in activity.supporting_bodies] == ["INSTAT", "AKPA", "MEPJ"]


def test_a_refused_choice_of_institutions_shows_every_error_and_keeps_the_values(
    client_for, coordinator, strategy, measure
):
    mpb, akpa = institution("MPB"), institution("AKPA")
    form = activity_form(
        responsible_1=mpb.pk, responsible_2=mpb.pk, marked_lead=institution("MEPJ").pk, supporting=[mpb.pk],
        title_en="Kept title",
    )  # fmt: skip
    response = client_for(coordinator).post(to("activity_add", strategy, measure.pk), form)
    page = response.content.decode()
    assert response.status_code == 200 and not Activity.objects.exists()
    assert "MPB is already a responsible institution." in page
    assert "The marked lead is one of the responsible institutions chosen above." in page
    assert "Responsible and supporting at once: MPB." in page
    assert "Kept title" in page
    for name, pk in (("responsible_1", mpb.pk), ("responsible_2", mpb.pk), ("marked_lead", institution("MEPJ").pk)):
        chosen = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
        assert f'<option value="{pk}" selected>' in chosen  # every choice comes back as it was made
    assert re.search(rf'<input type="checkbox" name="supporting" value="{mpb.pk}"[^>]*checked', page)
    assert akpa.pk != mpb.pk


def test_a_choice_no_database_key_can_be_is_refused_in_words(client_for, coordinator, strategy, measure):
    form = activity_form(supporting=["9" * 40], responsible_2="9" * 25, gcm_objectives=["1" * 30])
    response = client_for(coordinator).post(to("activity_add", strategy, measure.pk), form)
    page = response.content.decode()
    assert response.status_code == 200 and not Activity.objects.exists()
    assert "Select a valid choice." in page and page.count('class="invalid-feedback') >= 3


def test_rows_typed_beyond_those_drawn_come_back_when_the_save_is_refused(client_for, coordinator, strategy):
    activity = ActivityFactory(measure__parent__parent__strategy=strategy, lead=institution("MPB"))
    codes = ["AKPA", "INSTAT", "MEPJ", "MSHMS", "MD", "MF"]
    rows = {f"responsible_{n}": institution(code).pk for n, code in enumerate(codes, start=2)}
    form = activity_form(responsible_1=institution("MPB").pk, end_year="2020", version=1, supporting=[], **rows)
    page = client_for(coordinator).post(to("activity_edit", strategy, activity.pk), form).content.decode()
    chosen = re.search(r'<select name="responsible_7".*?</select>', page, re.S).group(0)
    assert f'<option value="{institution("MF").pk}" selected>' in chosen


def test_an_activity_ending_before_it_starts_shows_the_message_next_to_the_end_year(client_for, coordinator, strategy):
    activity = ActivityFactory(measure__parent__parent__strategy=strategy)
    response = client_for(coordinator).post(
        to("activity_edit", strategy, activity.pk), activity_form(start_year="2026", end_year="2025", version=1)
    )
    page = response.content.decode()
    assert response.status_code == 200
    field = re.search(r'<select name="end_year"[^>]*>', page).group(0)
    assert "is-invalid" in field and 'aria-describedby="id_end_year_error"' in field
    assert re.search(r'id="id_end_year_error">The activity ends before it starts.<', page)
    activity.refresh_from_db()
    assert activity.end_year == 2025 and activity.start_year == 2024


def test_validation_messages_follow_the_users_language(client_for, coordinator, strategy, measure):
    client = client_for(coordinator)
    response = client.post(
        to("activity_add", strategy, measure.pk), activity_form(responsible_1=""), headers={"accept-language": "sq"}
    )
    assert "Kjo fushë është e domosdoshme." in response.content.decode()
    assert not Activity.objects.exists()


def test_changing_the_lead_shows_in_the_activitys_history(client_for, coordinator, strategy):
    activity = ActivityFactory(measure__parent__parent__strategy=strategy, lead=institution("MPB"))
    client = client_for(coordinator)
    client.post(
        to("activity_edit", strategy, activity.pk), activity_form(responsible_1=institution("MEPJ").pk, version=1)
    )
    page = client.get(to("activity", strategy, activity.pk)).content.decode()
    assert re.search(r"Lead institution</span>: MPB .*?MEPJ", page, re.S)
    assert coordinator.get_full_name() in page


def test_the_budget_grid_reads_grouped_amounts_and_donor_lines(client_for, coordinator, strategy):
    activity = ActivityFactory(measure__parent__parent__strategy=strategy)
    ActivityBudgetFactory(activity=activity, year=2026, amount=Decimal(5))
    data = {
        "version": "1", "y2024_state_budget": "1 200 000", "y2025_unfunded": "1,500", "y2026_state_budget": "",
        "donors-TOTAL_FORMS": "3", "donors-INITIAL_FORMS": "0",
        "donors-0-year": "2025", "donors-0-donor": "UNDP", "donors-0-amount": "250000",
    }  # fmt: skip
    response = client_for(coordinator).post(to("activity_budget", strategy, activity.pk), data)
    assert response.status_code == 302
    lines = {(b.year, b.source, b.donor): b.amount for b in ActivityBudget.objects.filter(activity=activity)}
    assert lines == {
        (2024, "state_budget", ""): Decimal(1200000), (2025, "unfunded", ""): Decimal(1500),
        (2025, "donor", "UNDP"): Decimal(250000),
    }  # fmt: skip


def test_a_donor_amount_without_a_donor_is_refused_next_to_the_donor_field(client_for, coordinator, strategy):
    activity = ActivityFactory(measure__parent__parent__strategy=strategy)
    data = {
        "version": "1",
        "donors-TOTAL_FORMS": "1",
        "donors-INITIAL_FORMS": "0",
        "donors-0-year": "2025",
        "donors-0-amount": "9",
    }
    response = client_for(coordinator).post(to("activity_budget", strategy, activity.pk), data)
    assert response.status_code == 200
    assert 'id="id_donors-0-donor_error">Name the donor.<' in response.content.decode()
    assert not ActivityBudget.objects.exists()


def test_a_negative_amount_is_refused(client_for, coordinator, strategy):
    activity = ActivityFactory(measure__parent__parent__strategy=strategy)
    data = {"version": "1", "y2024_state_budget": "-5", "donors-TOTAL_FORMS": "0", "donors-INITIAL_FORMS": "0"}
    response = client_for(coordinator).post(to("activity_budget", strategy, activity.pk), data)
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not ActivityBudget.objects.exists()


def test_targets_are_set_one_value_per_year(client_for, coordinator, strategy):
    indicator = IndicatorFactory(result__parent__parent__strategy=strategy, baseline_year=2023)
    response = client_for(coordinator).post(
        to("indicator_targets", strategy, indicator.pk), {"version": "1", "y2025": "10", "y2030": "40.5"}
    )
    assert response.status_code == 302
    assert {t.year: t.value for t in IndicatorTarget.objects.filter(indicator=indicator)} == {
        2025: 10,
        2030: Decimal("40.5"),
    }


def test_an_indicator_is_added_with_both_names(client_for, coordinator, strategy, measure):
    data = {
        "code": "I.9", "name_sq": "Të kthyer", "name_en": "Returnees", "kind": "outcome", "unit_en": "persons",
        "value_type": "number", "direction": "increase", "baseline": "100", "baseline_year": "2023",
        "frequency": "annual", "aggregation": "stock", "responsible": institution("INSTAT").pk,
    }  # fmt: skip
    response = client_for(coordinator).post(to("indicator_add", strategy, measure.pk), data)
    assert response.status_code == 302
    assert measure.indicators.get().name_en == "Returnees"


def test_moving_a_goal_down_from_the_plan_page_swaps_codes(client_for, coordinator, strategy):
    first = GoalFactory(strategy=strategy, code="1", title_en="First")
    GoalFactory(strategy=strategy, code="2", title_en="Second")
    response = client_for(coordinator).post(to("result_move", strategy, first.pk), {"direction": "down", "version": 1})
    assert response.status_code == 302 and response["Location"].endswith(f"#result-{first.pk}")
    first.refresh_from_db()
    assert first.code == "2"


def test_moving_needs_a_direction(client_for, coordinator, strategy):
    goal = GoalFactory(strategy=strategy, code="1")
    assert (
        client_for(coordinator)
        .post(to("result_move", strategy, goal.pk), {"direction": "sideways", "version": 1})
        .status_code
        == 400
    )


def test_the_delete_page_says_what_goes_with_a_measure(client_for, coordinator, strategy, measure):
    activity = ActivityFactory(measure=measure)
    ActivityBudgetFactory(activity=activity)
    IndicatorFactory(result=measure)
    page = client_for(coordinator).get(to("result_delete", strategy, measure.pk)).content.decode()
    for text in ("1 activity", "1 budget line", "1 indicator"):
        assert text in page


def test_confirming_the_delete_removes_the_measure_and_returns_to_its_objective(
    client_for, coordinator, strategy, measure
):
    ActivityFactory(measure=measure)
    response = client_for(coordinator).post(to("result_delete", strategy, measure.pk), {"version": measure.version})
    assert response["Location"] == to("result", strategy, measure.parent.pk)
    assert not Result.objects.filter(pk=measure.pk).exists() and not Activity.objects.exists()


def test_a_delete_confirmed_on_a_stale_page_is_refused_and_says_what_changed(
    client_for, coordinator, secretariat, strategy, measure
):
    page_version = measure.version
    services.update_result(measure, by=secretariat, data={"title_en": "Renamed meanwhile"})
    client = client_for(coordinator)
    response = client.post(to("result_delete", strategy, measure.pk), {"version": page_version}, follow=True)
    assert Result.objects.filter(pk=measure.pk).exists()
    text = response.content.decode()
    assert "Nothing was deleted." in text
    assert "Renamed meanwhile" in text


def test_a_delete_without_the_pages_version_asks_to_reload(client_for, coordinator, strategy, measure):
    response = client_for(coordinator).post(to("result_delete", strategy, measure.pk), follow=True)
    assert Result.objects.filter(pk=measure.pk).exists()
    assert "This page is out of date" in response.content.decode()


def test_moves_only_accept_post(client_for, coordinator, strategy):
    goal = GoalFactory(strategy=strategy, code="1")
    assert client_for(coordinator).get(to("result_move", strategy, goal.pk)).status_code == 405


def test_the_move_buttons_of_the_plan_page_carry_the_version_they_were_drawn_with(client_for, coordinator, strategy):
    first = GoalFactory(strategy=strategy, code="1", title_en="First")
    GoalFactory(strategy=strategy, code="2", title_en="Second")
    client = client_for(coordinator)
    page = client.get(reverse("strategy:detail", args=[strategy.code])).content.decode()
    action = re.search(rf'formaction="([^"]*/results/{first.pk}/move/\?version=1)" name="direction" value="down"', page)
    assert client.post(action.group(1), {"direction": "down"}).status_code == 302
    first.refresh_from_db()
    assert (first.code, first.version) == ("2", 2)


def test_a_move_the_plan_refuses_comes_back_as_a_message_not_an_error_page(client_for, coordinator, strategy):
    first = GoalFactory(strategy=strategy, code="1")
    GoalFactory(strategy=strategy, code="2")
    IndicatorFactory(result=first, code="1.a")
    IndicatorFactory(result=GoalFactory(strategy=strategy, code="3"), code="2.a")
    client = client_for(coordinator)
    response = client.post(to("result_move", strategy, first.pk), {"direction": "down", "version": 1})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Indicator 1.a cannot be renumbered 2.a: Another indicator of this strategy has this code." in page
    first.refresh_from_db()
    assert first.code == "1"


def test_a_stale_indicator_move_comes_back_as_a_message(client_for, coordinator, secretariat, strategy, measure):
    first = IndicatorFactory(result=measure, code=f"{measure.code}.a")
    IndicatorFactory(result=measure, code=f"{measure.code}.b")
    services.set_targets(first, by=secretariat, targets={2026: Decimal(3)})
    client = client_for(coordinator)
    response = client.post(to("indicator_move", strategy, first.pk), {"direction": "down", "version": 1})
    page = client.get(response["Location"]).content.decode()
    assert f"Indicator {measure.code}.a was changed by {secretariat.get_full_name()}" in page
    assert "Nothing was moved." in page
    first.refresh_from_db()
    assert first.code == f"{measure.code}.a"


def test_a_baseline_year_after_the_first_target_is_refused_next_to_the_field(client_for, coordinator, strategy):
    indicator = IndicatorFactory(result__parent__parent__strategy=strategy, baseline_year=2023)
    IndicatorTargetFactory(indicator=indicator, year=2025, value=Decimal(5))
    data = {
        "version": "1", "code": indicator.code, "name_en": "Returnees", "kind": "outcome", "value_type": "number",
        "direction": "increase", "baseline": "100", "baseline_year": "2027", "frequency": "annual",
        "aggregation": "flow",
    }  # fmt: skip
    response = client_for(coordinator).post(to("indicator_edit", strategy, indicator.pk), data)
    assert re.search(
        r'id="id_baseline_year_error">The baseline year cannot come after the first target year \(2025\)',
        response.content.decode(),
    )
    indicator.refresh_from_db()
    assert indicator.baseline_year == 2023
