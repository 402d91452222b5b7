"""Successive action plans under one strategy: each with its years, its activities and costs, its own adoption."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from nsm.strategy import selectors, services
from nsm.strategy.models import ActionPlan, ActivityBudget, Strategy
from tests.factories import ActivityBudgetFactory, ActivityFactory, MeasureFactory


@pytest.fixture
def adopted(strategy):
    Strategy.objects.filter(pk=strategy.pk).update(
        status=Strategy.Status.ADOPTED, adopting_act="DCM no. 400", adopted_on=datetime.date(2024, 5, 8)
    )
    strategy.refresh_from_db()
    return strategy


def test_a_strategy_without_rows_has_the_action_plan_its_years_imply(adopted):
    [plan] = selectors.action_plans(adopted)
    assert (plan.pk, plan.years_label, plan.status, plan.adopting_act) == (None, "2024–2026", "adopted", "DCM no. 400")


def test_adding_the_next_plan_writes_out_the_first_and_the_strategy_spans_both(adopted, coordinator):
    plan = services.add_action_plan(
        strategy=adopted, by=coordinator, start_year=2027, end_year=2030, title_en="Action plan 2027-2030"
    )
    first, second = ActionPlan.objects.filter(strategy=adopted)
    assert (first.years_label, first.status, first.adopting_act) == ("2024–2026", "adopted", "DCM no. 400")
    assert (second.pk, second.status, second.title_en) == (plan.pk, "drafting", "Action plan 2027-2030")
    adopted.refresh_from_db()
    assert (adopted.plan_start_year, adopted.plan_end_year) == (2024, 2030)
    assert plan.history.first().history_user == coordinator
    assert adopted.history.first().history_user == coordinator


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [(2026, 2028, "overlap those of the action plan 2024–2026"), (2029, 2031, "within the strategy's years")],
)
def test_an_action_plan_overlapping_another_or_outside_the_strategy_is_refused(
    adopted, coordinator, start, end, message
):
    with pytest.raises(ValidationError) as refused:
        services.add_action_plan(strategy=adopted, by=coordinator, start_year=start, end_year=end)
    assert message in " ".join(refused.value.messages)
    assert not ActionPlan.objects.exists()  # all or nothing: the first is not written out either


def test_the_strategys_plan_years_follow_its_action_plans_and_are_not_changed_apart(adopted, coordinator):
    services.add_action_plan(strategy=adopted, by=coordinator, start_year=2027, end_year=2028)
    adopted.refresh_from_db()
    adopted.plan_end_year = 2030
    with pytest.raises(ValidationError) as refused:
        adopted.full_clean()
    assert "change them on its action plans page" in refused.value.message_dict["plan_start_year"][0]
    second = ActionPlan.objects.get(start_year=2027)
    services.update_action_plan(second, by=coordinator, data={"end_year": 2030})
    adopted.refresh_from_db()
    assert adopted.plan_end_year == 2030


def test_each_plan_counts_the_activities_and_costs_of_its_years_in_three_queries(
    adopted, coordinator, django_assert_num_queries
):
    services.add_action_plan(strategy=adopted, by=coordinator, start_year=2027, end_year=2030)
    measure = MeasureFactory(parent__parent__strategy=adopted)
    early = ActivityFactory(measure=measure, start_year=2024, end_year=2025)
    across = ActivityFactory(measure=measure, start_year=2026, end_year=2027)
    ActivityFactory(measure=measure, start_year=2028, end_year=2029)
    ActivityBudgetFactory(activity=early, year=2025, amount=Decimal("100"))
    ActivityBudgetFactory(activity=across, year=2026, amount=Decimal("20"))
    ActivityBudgetFactory(activity=across, year=2027, amount=Decimal("3"), source=ActivityBudget.Source.UNFUNDED)
    with django_assert_num_queries(3):
        rows = selectors.action_plan_rows(adopted)
    assert [(r.plan.years_label, r.activities, r.cost, r.unfunded) for r in rows] == [
        ("2024–2026", 2, Decimal("120"), Decimal("0")),
        ("2027–2030", 2, Decimal("3"), Decimal("3")),
    ]


def test_the_page_lists_the_plans_and_an_editor_adds_and_adopts_the_next(client_for, coordinator, adopted):
    client = client_for(coordinator)
    url = reverse("strategy:action_plans", args=[adopted.code])
    page = client.get(url).content.decode()
    assert "2024–2026" in page and "Add the next action plan" in page and 'value="2027" selected' in page
    response = client.post(url, {"start_year": "2027", "end_year": "2030", "title_sq": "", "title_en": "Next"})
    assert response.status_code == 302
    plan = ActionPlan.objects.get(start_year=2027)
    edit = reverse("strategy:action_plan_edit", args=[adopted.code, plan.pk])
    data = {"start_year": "2027", "end_year": "2030", "title_en": "Next", "status": "adopted",
            "adopting_act": "DCM no. 12", "adopted_on": "2027-01-20"}  # fmt: skip
    assert client.post(edit, data).status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.adopting_act, plan.adopted_on) == ("adopted", "DCM no. 12", datetime.date(2027, 1, 20))


def test_a_refused_plan_keeps_what_was_typed_and_says_why(client_for, coordinator, adopted):
    client = client_for(coordinator)
    url = reverse("strategy:action_plans", args=[adopted.code])
    page = client.post(url, {"start_year": "2025", "end_year": "2027", "title_en": "Overlapping draft"})
    text = page.content.decode()
    assert page.status_code == 200 and "overlap those of the action plan 2024–2026" in text
    assert "Overlapping draft" in text
    assert not ActionPlan.objects.exists()


def test_a_reader_sees_the_plans_but_cannot_add_one(client_for, viewer, adopted):
    client = client_for(viewer)
    url = reverse("strategy:action_plans", args=[adopted.code])
    page = client.get(url).content.decode()
    assert "2024–2026" in page and "Add the next action plan" not in page
    assert client.post(url, {"start_year": "2027", "end_year": "2030"}).status_code == 403
    assert not ActionPlan.objects.exists()


def test_the_plan_page_shows_one_action_plan_at_a_time(client_for, coordinator, adopted):
    services.add_action_plan(strategy=adopted, by=coordinator, start_year=2027, end_year=2030)
    measure = MeasureFactory(parent__parent__strategy=adopted)
    early = ActivityFactory(measure=measure, start_year=2024, end_year=2025, title_en="Early work")
    late = ActivityFactory(measure=measure, start_year=2028, end_year=2029, title_en="Later work")
    ActivityBudgetFactory(activity=early, year=2025, amount=Decimal("100"))
    ActivityBudgetFactory(activity=late, year=2028, amount=Decimal("7"))
    tree = selectors.plan_tree(adopted, within=range(2027, 2031))
    assert tree.years == (2027, 2028, 2029, 2030) and tree.activity_count == 1 and tree.costs.total == Decimal("7")
    client = client_for(coordinator)
    url = reverse("strategy:detail", args=[adopted.code])
    page = client.get(url, {"plan": "2027"}).content.decode()
    assert "Later work" in page and "Early work" not in page and 'aria-current="page" href' in page
    page = client.get(url, {"plan": "nonsense"}).content.decode()  # an unknown plan shows them all
    assert "Later work" in page and "Early work" in page
