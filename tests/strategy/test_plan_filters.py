"""The plan page filters by level, institution, status, GCM objective and text, keeps the tree's context (a match
is shown under the results above it, its siblings that do not match left out) and folds its sections; values it
does not understand are left out in words, never an error page."""

import re
from datetime import date

import pytest
from django.urls import reverse

from nsm.strategy.models import Activity
from tests.factories import ActivityFactory, GoalFactory, MeasureFactory, ObjectiveFactory, StrategyFactory
from tests.strategy.plan_builders import gcm, institution


@pytest.fixture
def plan(strategy):
    """1 Labour migration > 1.1 > 1.1.1 (GCM 2) > 1.1.1.1 counters (MPB, AKPA supporting; GCM 2 inherited),
    1.1.1.2 consular staff (MEPJ; its own GCM 7);
    2 Return (GCM 21) > 2.1 > 2.1.1 > 2.1.1.1 courses (INSTAT, withdrawn), 2.1.1.2 diaspora database (MPB)."""
    mpb, akpa, mepj, instat = (institution(code) for code in ("MPB", "AKPA", "MEPJ", "INSTAT"))
    goal1 = GoalFactory(strategy=strategy, code="1", title_en="Labour migration", title_sq="Migracioni i punës")
    objective1 = ObjectiveFactory(parent=goal1, code="1.1", title_en="Fair recruitment")
    measure1 = MeasureFactory(parent=objective1, code="1.1.1", title_en="Information centres")
    measure1.gcm_objectives.add(gcm(2))
    counters = ActivityFactory(measure=measure1, code="1.1.1.1", title_en="Open migration counters", lead=mpb)
    counters.partners.add(akpa)
    consular = ActivityFactory(measure=measure1, code="1.1.1.2", title_en="Train consular staff", lead=mepj)
    consular.gcm_objectives.add(gcm(7))
    goal2 = GoalFactory(strategy=strategy, code="2", title_en="Return and reintegration")
    goal2.gcm_objectives.add(gcm(21))
    objective2 = ObjectiveFactory(parent=goal2, code="2.1", title_en="Reintegration")
    measure2 = MeasureFactory(parent=objective2, code="2.1.1", title_en="Services for returnees")
    courses = ActivityFactory(
        measure=measure2, code="2.1.1.1", title_en="Vocational courses", title_sq="Kurse profesionale për të kthyerit",
        lead=instat, withdrawn_on=date(2025, 3, 1), withdrawn_reason="Merged",
    )  # fmt: skip
    database = ActivityFactory(measure=measure2, code="2.1.1.2", title_en="Diaspora database", lead=mpb)
    return {
        "goal1": goal1, "objective1": objective1, "measure1": measure1, "counters": counters, "consular": consular,
        "goal2": goal2, "objective2": objective2, "measure2": measure2, "courses": courses, "database": database,
        "MPB": mpb, "AKPA": akpa,
    }  # fmt: skip


def page(client, strategy, **params):
    response = client.get(reverse("strategy:detail", args=[strategy.code]), params)
    assert response.status_code == 200
    return response.content.decode()


def shown(html: str, plan: dict) -> set[str]:
    """The names of the plan's items that have a row on the page."""
    found = set()
    for name, item in plan.items():
        kind = "activity" if isinstance(item, Activity) else "result"
        if hasattr(item, "strategy_id") and f'id="{kind}-{item.pk}"' in html:
            found.add(name)
    return found


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html).replace("\u00a0", " "))


ALL = {
    "goal1",
    "objective1",
    "measure1",
    "counters",
    "consular",
    "goal2",
    "objective2",
    "measure2",
    "courses",
    "database",
}
ABOVE_1 = {"goal1", "objective1", "measure1"}
ABOVE_2 = {"goal2", "objective2", "measure2"}


def test_without_filters_the_whole_plan_shows_in_open_sections_with_a_filter_form(client_for, viewer, strategy, plan):
    html = page(client_for(viewer), strategy)
    assert shown(html, plan) == ALL
    assert html.count("<details") == 4 and html.count("<details") == html.count(" open>")  # goals and objectives
    assert "match the filters" not in html and "Clear filters" not in html
    for label in ("Level", "Institution (responsible or supporting)", "Status in the plan", "GCM objective",
                  "Code or title contains"):  # fmt: skip
        assert f">{label}</label>" in html


def test_the_fold_buttons_are_hidden_without_script_and_come_from_a_static_file(client_for, viewer, strategy, plan):
    html = page(client_for(viewer), strategy)
    assert re.search(r"data-nsm-fold-buttons hidden", html)
    assert "nsm/fold.js" in html and "<script>" not in html


def test_text_finds_an_activity_and_shows_the_results_above_it_only(client_for, viewer, strategy, plan):
    html = page(client_for(viewer), strategy, q="counters")
    assert shown(html, plan) == ABOVE_1 | {"counters"}
    assert "1 of 4 activities match the filters." in text_of(html)
    assert 'value="counters"' in html and "Clear filters" in html


def test_text_matches_codes_and_either_title_ignoring_case_and_accents(client_for, viewer, strategy, plan):
    client = client_for(viewer)
    assert shown(page(client, strategy, q="PER TE KTHYERIT"), plan) == ABOVE_2 | {"courses"}
    assert shown(page(client, strategy, q="1.1.1.2"), plan) == ABOVE_1 | {"consular"}


def test_an_institution_matches_as_responsible_or_supporting(client_for, viewer, strategy, plan):
    client = client_for(viewer)
    assert shown(page(client, strategy, institution=plan["AKPA"].pk), plan) == ABOVE_1 | {"counters"}
    html = page(client, strategy, institution=plan["MPB"].pk)
    assert shown(html, plan) == ABOVE_1 | ABOVE_2 | {"counters", "database"}
    assert f'<option value="{plan["MPB"].pk}" selected>' in html


def test_status_separates_withdrawn_activities_from_those_in_the_plan(client_for, viewer, strategy, plan):
    client = client_for(viewer)
    assert shown(page(client, strategy, status="withdrawn"), plan) == ABOVE_2 | {"courses"}
    assert shown(page(client, strategy, status="active"), plan) == ALL - {"courses"}


def test_a_gcm_objective_matches_an_activitys_own_tags_else_those_of_the_results_above_it(
    client_for, viewer, strategy, plan
):
    client = client_for(viewer)
    assert shown(page(client, strategy, gcm=21), plan) == ABOVE_2 | {"courses", "database"}  # tagged on the goal
    assert shown(page(client, strategy, gcm=2), plan) == ABOVE_1 | {"counters"}  # 1.1.1.2 has its own: 7
    assert shown(page(client, strategy, gcm=7), plan) == ABOVE_1 | {"consular"}


def test_a_level_shows_the_outline_down_to_it_and_counts_its_items(client_for, viewer, strategy, plan):
    client = client_for(viewer)
    html = page(client, strategy, level=2)
    assert shown(html, plan) == {"goal1", "objective1", "goal2", "objective2"}
    assert "2 of 2 items on the level" in text_of(html)
    assert shown(page(client, strategy, level=1, q="return"), plan) == {"goal2"}
    assert shown(page(client, strategy, level=3, gcm=21), plan) == ABOVE_2  # the measure, through its goal


def test_filters_combine(client_for, viewer, strategy, plan):
    client = client_for(viewer)
    assert shown(page(client, strategy, institution=plan["MPB"].pk, gcm=21), plan) == ABOVE_2 | {"database"}
    assert shown(page(client, strategy, institution=plan["MPB"].pk, q="counters", status="active"), plan) == (
        ABOVE_1 | {"counters"}
    )


def test_when_nothing_matches_the_page_says_so_in_words(client_for, viewer, strategy, plan):
    html = page(client_for(viewer), strategy, q="no such thing", gcm=7)
    assert shown(html, plan) == set()
    text = text_of(html)
    assert "0 of 4 activities match the filters." in text
    assert "Nothing in the plan matches these filters." in text and "Clear filters" in text


HOSTILE = [
    {"institution": "999999999"},
    {"institution": "1 OR 1=1"},
    {"institution": "9" * 40},
    {"gcm": "abc"},
    {"gcm": "99"},
    {"gcm": "-1"},
    {"level": "0"},
    {"level": "goals"},
    {"status": "<script>alert(1)</script>"},
    {"q": "x" * 201},
    {"q": "' OR '1'='1"},
    {"q": "<img src=x onerror=alert(1)>"},
    {"q": "%", "gcm": "%00"},
    {"plan": "abc", "q": "\u202e\u200b"},
]


@pytest.mark.parametrize("params", HOSTILE)
def test_hostile_filter_values_are_left_out_in_words_never_an_error_page(client_for, viewer, strategy, plan, params):
    response = client_for(viewer).get(reverse("strategy:detail", args=[strategy.code]), params)
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    if response.status_code == 200 and set(params) - {"q", "plan"} or len(params.get("q", "")) > 200:
        assert "Some filters were not understood and were left out" in html
    for described in re.findall(r'aria-describedby="([^"]+)"', html):  # each field's description is on the page
        for target in described.split():
            assert f'id="{target}"' in html, target


def test_an_institution_of_another_country_or_outside_the_plan_is_left_out(client_for, viewer, strategy, plan):
    outsider = institution("OUTSIDE")
    html = page(client_for(viewer), strategy, institution=outsider.pk)
    assert "Some filters were not understood" in html and shown(html, plan) == ALL
    assert "OUTSIDE" not in text_of(html)


def test_a_nul_in_the_text_is_refused_not_a_server_error(client_for, viewer, strategy, plan):
    response = client_for(viewer).get(reverse("strategy:detail", args=[strategy.code]), {"q": "a\x00b"})
    assert response.status_code in (200, 400)


def test_filters_do_not_open_another_countrys_plan(client_for, viewer, plan):
    other = StrategyFactory(code="XK-OTHER", country="XK")
    response = client_for(viewer).get(reverse("strategy:detail", args=[other.code]), {"q": "a", "level": "1"})
    assert response.status_code == 404
