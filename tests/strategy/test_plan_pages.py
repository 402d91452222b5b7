"""The plan's pages show the tree, costs, indicators and history, in a constant number of queries."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nsm.accounts.models import Institution
from nsm.reference.models import DisaggregationDimension
from nsm.strategy import selectors, services
from nsm.strategy.models import Activity, ActivityBudget, Indicator, Result, bodies_fields
from nsm.strategy.services import BudgetLineInput
from tests.factories import (
    ActivityBudgetFactory,
    ActivityFactory,
    GoalFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    MeasureFactory,
    ObjectiveFactory,
    UserFactory,
)
from tests.strategy.plan_builders import add_activities, add_indicators, gcm, institution


@pytest.fixture
def plan(strategy):
    """Goal 1 > objective 1.1 > measure 1.1.1 (GCM 2) > activity 1.1.1.1 (MPB with AKPA, no GCM tag)."""
    goal = GoalFactory(strategy=strategy, code="1", title_en="Labour migration", title_sq="Migracioni i punës")
    objective = ObjectiveFactory(parent=goal, code="1.1", title_en="Fair recruitment")
    measure = MeasureFactory(parent=objective, code="1.1.1", title_en="Information centres")
    measure.gcm_objectives.add(gcm(2))
    activity = ActivityFactory(
        measure=measure, code="1.1.1.1", title_en="Open migration counters", lead=institution("MPB"),
        start_year=2024, start_quarter=2, end_year=2026, end_quarter=None, gender_marker=2,
    )  # fmt: skip
    activity.partners.add(institution("AKPA"))
    ActivityBudgetFactory(activity=activity, year=2024, source="state_budget", amount=Decimal(1200000))
    ActivityBudgetFactory(activity=activity, year=2025, source="donor", donor="EU", amount=Decimal(300000))
    ActivityBudgetFactory(activity=activity, year=2025, source="unfunded", amount=Decimal(250000))
    return {"goal": goal, "objective": objective, "measure": measure, "activity": activity}


def url(name, strategy, *args):
    return reverse(f"strategy:{name}", args=[strategy.code, *args])


def text_of(response) -> str:
    """The page as a person reads it: tags dropped, white space collapsed."""
    html = re.sub(r"<[^>]+>", "", response.content.decode())
    return re.sub(r"\s+", " ", html.replace("\u00a0", " "))


def test_the_strategy_page_shows_the_tree_with_codes_institutions_and_timeframe(client_for, viewer, strategy, plan):
    page = text_of(client_for(viewer).get(url("detail", strategy)))
    for text in ("Labour migration", "1.1", "Fair recruitment", "1.1.1.1", "Open migration counters", "MPB",
                 "AKPA", "2024-Q2–2026"):  # fmt: skip
        assert text in page


def test_the_strategy_page_shows_costs_per_year_with_the_funding_gap(client_for, viewer, strategy, plan):
    page = text_of(client_for(viewer).get(url("detail", strategy)))
    assert "1,200,000" in page
    assert "550,000" in page  # 2025: 300 000 donor + 250 000 unfunded
    assert "unfunded 250,000" in page
    assert "1,750,000" in page  # the whole plan


def test_an_activity_without_gcm_objectives_shows_its_measures_and_says_so(client_for, viewer, strategy, plan):
    page = text_of(client_for(viewer).get(url("detail", strategy)))
    assert "(inherited)" in page


def test_money_is_grouped_the_albanian_way_in_albanian(client_for, viewer, strategy, plan):
    client = client_for(viewer)
    page = text_of(client.get(url("detail", strategy), headers={"accept-language": "sq"}))
    assert "1.750.000" in page


def test_the_illustrative_banner_shows_on_a_demo_plan(client_for, viewer, strategy):
    strategy.is_illustrative = True
    strategy.save()
    page = text_of(client_for(viewer).get(url("detail", strategy)))
    assert "Illustrative demo" in page


def test_the_result_page_shows_both_titles_children_gcm_and_totals(client_for, viewer, strategy, plan):
    page = text_of(client_for(viewer).get(url("result", strategy, plan["goal"].pk)))
    for text in ("Labour migration", "Migracioni i punës", "Fair recruitment", "1,750,000 ALL"):
        assert text in page


def test_the_activity_page_shows_the_budget_by_year_and_source_with_donors(client_for, viewer, strategy, plan):
    page = text_of(client_for(viewer).get(url("activity", strategy, plan["activity"].pk)))
    for text in ("State budget", "EU: 300,000", "Unfunded (funding gap)", "1,750,000 ALL", "AKPA"):
        assert text in page


def test_the_indicator_list_shows_baseline_targets_and_disaggregation(client_for, viewer, strategy, plan):
    indicator = IndicatorFactory(
        result=plan["measure"], code="I.1", name_en="Migrants informed", unit_en="persons",
        baseline=Decimal("1500.0000"), baseline_year=2023, responsible=institution("INSTAT"),
    )  # fmt: skip
    IndicatorTargetFactory(indicator=indicator, year=2026, value=Decimal("2500"))
    page = text_of(client_for(viewer).get(url("indicators", strategy)))
    for text in ("I.1", "Migrants informed", "persons", "1,500 (2023)", "Target 2026", "2,500", "INSTAT"):
        assert text in page


ACTIVITY_FIELDS = ("title_sq", "title_en", "start_year", "start_quarter", "end_year", "end_quarter", "gender_marker")


def test_an_activitys_page_shows_who_changed_the_lead(client_for, coordinator, viewer, strategy, plan):
    activity = plan["activity"]
    data = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
    services.update_activity(activity, by=coordinator, data={**data, "lead": institution("AKPA")})
    page = text_of(client_for(viewer).get(url("activity", strategy, activity.pk)))
    assert "Lead institution" in page and "MPB" in page and "AKPA" in page
    assert coordinator.get_full_name() in page


# --- Responsible bodies in the plan's order (issue 15, item 2) ---


def three_responsible(activity, coordinator, marked_code=None):
    """SMD, MEPJ and MB responsible in that order (the one of `marked_code` marked lead), INSTAT and AKPA supporting."""
    smd, mepj, mb, instat = (institution(code) for code in ("SMD", "MEPJ", "MB", "INSTAT"))
    responsible = [smd, mepj, mb]
    marked = next((i for i in responsible if i.code == marked_code), None)
    data = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
    bodies = bodies_fields(responsible, [instat, institution("AKPA")], marked=marked)
    services.update_activity(activity, by=coordinator, data={**data, **bodies})


def activity_row(response, activity) -> str:
    """The HTML of an activity's row of the plan table."""
    return re.search(rf'<tr id="activity-{activity.pk}">.*?</tr>', response.content.decode(), re.S).group(0)


def test_the_plan_page_lists_the_responsible_institutions_in_order_and_says_which_is_lead(
    client_for, coordinator, viewer, strategy, plan
):
    three_responsible(plan["activity"], coordinator, marked_code="MEPJ")
    row = activity_row(client_for(viewer).get(url("detail", strategy)), plan["activity"])
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    responsible = next(cell for cell in cells if "SMD" in cell)
    assert re.sub(r"<[^>]+>", "", responsible) == "SMD, MEPJ (lead), MB"
    assert f'<abbr title="{institution("MEPJ").name}">MEPJ</abbr> (lead)' in responsible
    supporting = cells[cells.index(responsible) + 1]
    assert re.sub(r"<[^>]+>", "", supporting) == "INSTAT, AKPA"  # the plan's order, not the codes'
    assert "the first named does" in text_of(client_for(viewer).get(url("detail", strategy)))


def test_the_plan_page_marks_no_lead_when_the_plan_marks_none(client_for, coordinator, viewer, strategy, plan):
    three_responsible(plan["activity"], coordinator)
    row = activity_row(client_for(viewer).get(url("detail", strategy)), plan["activity"])
    assert "SMD, MEPJ, MB" in re.sub(r"<[^>]+>", "", row) and "(lead)" not in row


def test_the_activity_page_lists_the_responsible_institutions_in_order_with_the_marked_lead_in_words(
    client_for, coordinator, viewer, strategy, plan
):
    three_responsible(plan["activity"], coordinator, marked_code="MB")
    page = client_for(viewer).get(url("activity", strategy, plan["activity"].pk)).content.decode()
    responsible = re.search(r'<dd class="col-sm-9" id="activity-responsible">(.*?)</dd>', page, re.S).group(1)
    items = [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li[^>]*>.*?</li>", responsible, re.S)]
    assert [item.split(":")[0] for item in items] == ["SMD", "MEPJ", "MB"]
    assert items[2].endswith("(lead)") and not any("(" in item for item in items[:2])
    assert re.search(r'<li id="activity-lead">MB:', responsible)
    supporting = re.search(r'<dd class="col-sm-9" id="activity-supporting">(.*?)</dd>', page, re.S).group(1)
    assert [re.sub(r"<[^>]+>", "", item).split(":")[0] for item in re.findall(r"<li>.*?</li>", supporting)] == [
        "INSTAT", "AKPA",
    ]  # fmt: skip


def test_without_a_marked_lead_the_activity_page_says_the_first_named_receives_the_line(
    client_for, coordinator, viewer, strategy, plan
):
    three_responsible(plan["activity"], coordinator)
    page = text_of(client_for(viewer).get(url("activity", strategy, plan["activity"].pk)))
    assert "SMD: " in page and "(receives the reporting line)" in page and "(lead)" not in page
    first = page.index("(receives the reporting line)")
    assert page.index("SMD: ") < first < page.index("MEPJ: ") < page.index("MB: ")


def test_the_activity_history_shows_a_new_order_of_the_responsible_institutions(
    client_for, coordinator, viewer, strategy, plan
):
    activity = plan["activity"]
    three_responsible(activity, coordinator)
    smd, mepj, mb, instat, akpa = (institution(code) for code in ("SMD", "MEPJ", "MB", "INSTAT", "AKPA"))
    data = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
    services.update_activity(activity, by=coordinator, data={**data, **bodies_fields([smd, mb, mepj], [instat, akpa])})
    services.update_activity(activity, by=coordinator, data={**data, **bodies_fields([smd, mb, mepj], marked=mb)})
    marked, reordered = selectors.history_for(Activity.objects.get(pk=activity.pk))[:2]
    names = {code: str(institution(code)) for code in ("MEPJ", "MB", "SMD", "INSTAT", "AKPA")}
    assert [(change.field, change.old, change.new) for change in reordered.changes] == [
        (
            "other responsible and supporting institutions",
            "{MEPJ} (responsible), {MB} (responsible), {INSTAT}, {AKPA}".format(**names),
            "{MB} (responsible), {MEPJ} (responsible), {INSTAT}, {AKPA}".format(**names),
        )
    ]  # the same institutions, in another order
    changes = {change.field: (change.old, change.new) for change in marked.changes}
    assert changes["lead institution"] == (names["SMD"], names["MB"])
    assert changes["place of the marked lead"] == ("—", "2")
    others = changes["other responsible and supporting institutions"][1]
    assert others == "{SMD} (responsible), {MEPJ} (responsible)".format(**names)  # MB is the lead now
    page = text_of(client_for(viewer).get(url("activity", strategy, activity.pk)))
    assert "Place of the marked lead: — changed to 2" in page.replace("→", "")


def test_the_indicator_page_shows_its_targets_and_history(client_for, coordinator, strategy, plan):
    indicator = services.create_indicator(result=plan["measure"], by=coordinator, name_en="Counters open")
    services.set_targets(indicator, by=coordinator, targets={2026: Decimal(12)})
    page = text_of(client_for(coordinator).get(url("indicator", strategy, indicator.pk)))
    assert "Counters open" in page and "Target for 2026" in page and "12" in page


# --- Query counts ---


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def plan_page_counts(client, strategy):
    goal = Result.objects.get(strategy=strategy, code="1")
    activity = Activity.objects.get(strategy=strategy, code="1.1.1.1")
    pages = {"detail": (), "result": (goal.pk,), "activity": (activity.pk,)}
    return {name: count_queries(client, url(name, strategy, *args)) for name, args in pages.items()}


def plan_filter_counts(client, strategy):
    """The plan page filtered each way, and with values it leaves out."""
    mpb = Institution.objects.get(code="MPB")
    filters = {
        "none": "", "level": "level=2", "institution": f"institution={mpb.pk}", "status": "status=withdrawn",
        "gcm": "gcm=5", "text": "q=1.1", "all": f"level=4&institution={mpb.pk}&status=active&gcm=2&q=a",
        "nothing": "q=no-such-item", "refused": "institution=999999&gcm=x&level=9&q=" + "x" * 201,
    }  # fmt: skip
    return {name: count_queries(client, f"{url('detail', strategy)}?{query}") for name, query in filters.items()}


def test_plan_pages_run_as_many_queries_for_500_activities_as_for_10(client_for, coordinator, strategy):
    client = client_for(coordinator)
    add_activities(strategy, 10)
    small = plan_page_counts(client, strategy)
    small_filtered = plan_filter_counts(client, strategy)
    add_activities(strategy, 490)
    assert Activity.objects.filter(strategy=strategy).count() == 500
    assert plan_page_counts(client, strategy) == small
    assert max(small.values()) <= 25
    assert plan_filter_counts(client, strategy) == small_filtered
    assert set(small_filtered.values()) == {small["detail"]}  # filtering is done in memory: no query of its own


def test_the_indicator_list_runs_as_many_queries_for_200_indicators_as_for_10(client_for, viewer, strategy):
    client = client_for(viewer)
    add_indicators(strategy, 10)
    small = count_queries(client, url("indicators", strategy))
    add_indicators(strategy, 190)
    assert Indicator.objects.filter(strategy=strategy).count() == 200
    assert count_queries(client, url("indicators", strategy)) == small


def test_the_indicator_page_runs_a_fixed_number_of_queries(client_for, viewer, strategy):
    client = client_for(viewer)
    add_indicators(strategy, 10)
    indicator = Indicator.objects.filter(strategy=strategy).first()
    small = count_queries(client, url("indicator", strategy, indicator.pk))
    add_indicators(strategy, 40)
    assert count_queries(client, url("indicator", strategy, indicator.pk)) == small


def grow(plan, indicator, editors, rounds):
    """Many changes by several people: the activity's fields, budget lines and donors; the indicator and targets."""
    activity, measure = plan["activity"], plan["measure"]
    leads = [institution(code) for code in ("MPB", "AKPA", "INSTAT")]
    dimensions = list(DisaggregationDimension.objects.order_by("pk")[:3])
    for number in range(rounds):
        by = editors[number % len(editors)]
        activity.refresh_from_db()
        data = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
        lead = leads[number % 3]
        others = [(other, place == number % 2) for place, other in enumerate(leads) if other != lead][: number % 2 + 1]
        data |= {"lead": lead, "partners": others, "title_en": f"Counters {number}"}
        services.update_activity(activity, by=by, data=data)
        lines = [
            BudgetLineInput(year, "state_budget", Decimal(1000 + number)) for year in range(2024, 2024 + number % 7)
        ]
        lines += [BudgetLineInput(2025, "donor", Decimal(number + 1), donor=f"Donor {d}") for d in range(number % 4)]
        services.set_budget_lines(activity, by=by, lines=lines)
        targets = {year: Decimal(number + year) for year in range(2024, 2024 + number % 7 + 1)}
        services.set_targets(indicator, by=by, targets=targets)
        indicator_data = {"name_en": f"Counters open {number}", "disaggregation": dimensions[: number % 4]}
        services.update_indicator(indicator, by=by, data=indicator_data)
        services.update_result(measure, by=by, data={"title_en": f"Information centres {number}"})


def test_activity_indicator_and_measure_pages_run_as_many_queries_after_a_long_history(
    client_for, coordinator, secretariat, strategy, plan
):
    client = client_for(coordinator)
    indicator = services.create_indicator(result=plan["measure"], by=coordinator, name_en="Counters open")
    pages = {
        "activity": url("activity", strategy, plan["activity"].pk),
        "indicator": url("indicator", strategy, indicator.pk),
        "measure": url("result", strategy, plan["measure"].pk),
    }
    grow(plan, indicator, [coordinator], rounds=2)  # every kind of change once: each needs its labels looked up
    small = {name: count_queries(client, path) for name, path in pages.items()}
    grow(plan, indicator, [coordinator, secretariat, UserFactory()], rounds=12)
    assert plan["activity"].history.count() > 12 and indicator.history.count() > 12
    assert ActivityBudget.history.filter(activity_id=plan["activity"].pk).count() > 30
    assert plan["activity"].budget_lines.count() > 5 and indicator.targets.count() == 7
    assert {name: count_queries(client, path) for name, path in pages.items()} == small
