"""Who may see and change the plan: each role against each page and each edit URL."""

import pytest
from django.urls import reverse

from nsm.accounts.models import Membership
from nsm.strategy.models import Activity, Result
from tests.factories import (
    ActivityBudgetFactory,
    ActivityFactory,
    IndicatorFactory,
    InstitutionFactory,
    MembershipFactory,
    UserFactory,
)


@pytest.fixture
def urls(strategy):
    """Every page of the plan (read) and every edit URL (GET shows a form, POST-only ones listed apart)."""
    activity = ActivityFactory(measure__parent__parent__strategy=strategy)
    ActivityBudgetFactory(activity=activity)
    measure = activity.measure
    objective, goal = measure.parent, measure.parent.parent
    indicator = IndicatorFactory(result=measure)

    def to(name, *args):
        return reverse(f"strategy:{name}", args=[strategy.code, *args])

    return {
        "read": [
            to("detail"), to("result", goal.pk), to("result", measure.pk), to("activity", activity.pk),
            to("indicators"), to("indicator", indicator.pk),
        ],
        "edit": [
            to("goal_add"), to("result_add", goal.pk), to("result_add", objective.pk),
            to("result_edit", goal.pk), to("result_delete", objective.pk), to("activity_add", measure.pk),
            to("activity_edit", activity.pk), to("activity_delete", activity.pk),
            to("activity_budget", activity.pk), to("indicator_add", measure.pk),
            to("indicator_edit", indicator.pk), to("indicator_delete", indicator.pk),
            to("indicator_targets", indicator.pk),
        ],
        "post_only": [to("result_move", goal.pk), to("activity_move", activity.pk), to("indicator_move", indicator.pk)],
    }  # fmt: skip


def statuses(client, paths, method="get"):
    return {path: getattr(client, method)(path, {"direction": "down"}).status_code for path in paths}


@pytest.mark.parametrize("persona", ["coordinator", "secretariat"])
def test_coordinator_and_secretariat_open_every_page_and_edit_form(persona, request, client_for, urls):
    client = client_for(request.getfixturevalue(persona))
    assert set(statuses(client, urls["read"] + urls["edit"]).values()) == {200}


@pytest.mark.parametrize("persona", ["focal_point", "viewer"])
def test_focal_point_and_viewer_read_every_page(persona, request, client_for, urls):
    client = client_for(request.getfixturevalue(persona))
    assert set(statuses(client, urls["read"]).values()) == {200}


@pytest.mark.parametrize("persona", ["focal_point", "viewer"])
def test_focal_point_and_viewer_are_refused_every_edit_url(persona, request, client_for, urls):
    client = client_for(request.getfixturevalue(persona))
    assert set(statuses(client, urls["edit"]).values()) == {403}
    assert set(statuses(client, urls["edit"] + urls["post_only"], method="post").values()) == {403}


def test_a_viewer_posting_a_delete_changes_nothing(client_for, viewer, urls, strategy):
    before = (Result.objects.count(), Activity.objects.count())
    statuses(client_for(viewer), [path for path in urls["edit"] if path.endswith("/delete/")], method="post")
    assert (Result.objects.count(), Activity.objects.count()) == before


@pytest.mark.parametrize("persona", ["focal_point", "viewer"])
def test_readers_see_no_edit_buttons(persona, request, client_for, urls):
    client = client_for(request.getfixturevalue(persona))
    for path in urls["read"]:
        page = client.get(path).content.decode()
        assert "/edit/" not in page and "/delete/" not in page and 'name="direction"' not in page, path


def test_editors_see_edit_buttons_on_the_plan(client_for, coordinator, urls):
    page = client_for(coordinator).get(urls["read"][0]).content.decode()
    assert "/edit/" in page and 'name="direction"' in page


def test_anonymous_visitors_are_sent_to_sign_in(public, urls):
    for path in urls["read"] + urls["edit"]:
        response = public.get(path)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"], path


def test_a_user_of_another_country_gets_404_everywhere(client_for, urls):
    kosovo = InstitutionFactory(code="XK-MPB", country="XK")
    user = UserFactory(username="xk-coordinator")
    MembershipFactory(user=user, institution=kosovo, role=Membership.Role.COORDINATOR)
    client = client_for(user)
    assert set(statuses(client, urls["read"] + urls["edit"]).values()) == {404}
    assert set(statuses(client, urls["post_only"], method="post").values()) == {404}


def test_an_object_of_another_strategy_is_not_found_under_this_ones_code(client_for, coordinator, strategy):
    elsewhere = ActivityFactory()
    path = reverse("strategy:activity_edit", args=[strategy.code, elsewhere.pk])
    assert client_for(coordinator).get(path).status_code == 404


def test_a_superuser_opens_the_plan_in_the_admin_with_history(client_for, strategy):
    activity = ActivityFactory(measure__parent__parent__strategy=strategy)
    ActivityBudgetFactory(activity=activity)
    indicator = IndicatorFactory(result=activity.measure)
    admin = client_for(UserFactory(username="root", is_superuser=True, is_staff=True))
    for model, obj in (("strategy", strategy), ("result", activity.measure), ("activity", activity),
                       ("indicator", indicator)):  # fmt: skip
        for view, args in (("changelist", []), ("change", [obj.pk]), ("history", [obj.pk])):
            path = reverse(f"admin:strategy_{model}_{view}", args=args)
            assert admin.get(path).status_code == 200, path


def test_an_admin_change_makes_an_open_plan_form_stale(admin_client):
    activity = ActivityFactory()
    url = reverse("admin:strategy_activity_change", args=[activity.pk])
    data = {
        "strategy": activity.strategy_id,
        "measure": activity.measure_id,
        "code": activity.code,
        "title_sq": activity.title_sq,
        "title_en": "Changed in the admin",
        "lead": activity.lead_id,
        "start_year": activity.start_year,
        "start_quarter": activity.start_quarter,
        "end_year": activity.end_year,
        "end_quarter": activity.end_quarter,
        "gender_marker": activity.gender_marker,
        "cost_basis": activity.cost_basis,
        "budget_lines-TOTAL_FORMS": 0,
        "budget_lines-INITIAL_FORMS": 0,
        "bodies-TOTAL_FORMS": 0,
        "bodies-INITIAL_FORMS": 0,
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Activity.objects.get(pk=activity.pk).version == activity.version + 1
