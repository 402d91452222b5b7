"""The round page folds by goal: each goal a <details open> with the goal in its <summary> (native folding, by
keyboard too), the items under it inside; Fold all / Unfold all from a static script; queries do not grow with
the goals."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nsm.consultation import rounds, versions
from nsm.consultation.models import PlanVersion
from nsm.consultation.rounds import Item
from tests.consultation.round_fixtures import *  # noqa: F403 - the fixtures
from tests.consultation.round_fixtures import PUBLIC, days
from tests.factories import ActivityFactory, GoalFactory, MeasureFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def page(client, round_) -> str:
    response = client.get(reverse("consultation:round", args=[round_.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_each_goal_is_an_open_details_with_the_goal_in_its_summary(open_round, secretariat, client_for):
    html = page(client_for(secretariat), open_round)
    assert html.count("<details") == 1 and '<details class="nsm-fold mb-3" open' in html
    summary = re.search(r"<summary>(.*?)</summary>", html, re.S).group(1)
    assert "<h3" in summary and "Goal 1:" in summary and "(0 comments)" in summary
    folded = html[html.index("<details") : html.index("</details>")]
    for label in ("Objective 1.1:", "Measure 1.1.1:", "Indicator 1.1.a:"):
        assert label in folded and '<h4 class="h6 mb-1" id="item-' in folded
    assert html.index("Whole plan") < html.index("<details")  # the whole plan stands apart, above the goals


def test_the_fold_buttons_are_hidden_without_script_and_come_from_a_static_file(open_round, secretariat, client_for):
    html = page(client_for(secretariat), open_round)
    assert "data-nsm-fold-buttons hidden" in html and ">Fold all<" in html and ">Unfold all<" in html
    assert "nsm/fold.js" in html and "<script>" not in html


def test_a_goals_summary_counts_the_comments_under_it(open_round, secretariat, client_for, activity_code):
    rounds.post_public_comment(
        open_round, address="203.0.113.9", target_kind="activity", target_code=activity_code, **PUBLIC
    )
    html = page(client_for(secretariat), open_round)
    assert "(1 comment)" in re.search(r"<summary>(.*?)</summary>", html, re.S).group(1)


def entry(kind, code, depth, parent="", comments=()):
    return (Item(kind, code, code, depth, parent), list(comments), None)


def test_by_goal_keeps_the_whole_plan_and_items_of_no_result_apart():
    whole = (None, [], None)
    entries = [
        whole, entry("goal", "1", 1), entry("objective", "1.1", 2), entry("measure", "1.1.1", 3),
        entry("activity", "1.1.1.1", 4, "1.1.1", "ab"), entry("goal", "2", 1, comments="c"),
        entry("indicator", "2.a", 4, "2"), entry("activity", "9.9.9.9", 4, "9.9.9"),
    ]  # fmt: skip
    folds = rounds.by_goal(entries)
    assert [(f.head[0].code if f.head else None, [e[0].code if e[0] else None for e in f.entries]) for f in folds] == [
        (None, [None]), ("1", ["1.1", "1.1.1", "1.1.1.1"]), ("2", ["2.a"]), (None, ["9.9.9.9"]),
    ]  # fmt: skip
    assert [fold.comments for fold in folds] == [0, 2, 1, 0]


def grow(strategy, goals: int):
    for number in range(goals):
        goal = GoalFactory(strategy=strategy, code=str(10 + number))
        measure = MeasureFactory(
            parent=ObjectiveFactory(parent=goal, code=f"{10 + number}.1"), code=f"{10 + number}.1.1"
        )
        ActivityFactory(measure=measure, code=f"{10 + number}.1.1.1")


def round_on_snapshot(strategy, secretariat, number: int):
    version = PlanVersion.objects.create(strategy=strategy, number=number, snapshot=versions.snapshot(strategy))
    return rounds.create_round(version, by=secretariat, title=f"v{number}", opens_on=days(-1), closes_on=days(30))


def queries(client, round_) -> int:
    with CaptureQueriesContext(connection) as captured:
        page(client, round_)
    return len(captured)


def test_the_round_page_runs_as_many_queries_for_40_goals_as_for_1(version, strategy, secretariat, client_for):
    client = client_for(secretariat)
    small = round_on_snapshot(strategy, secretariat, 2)
    grow(strategy, 39)
    large = round_on_snapshot(strategy, secretariat, 3)
    assert page(client, large).count("<details") == 40
    assert queries(client, small) == queries(client, large) <= 14
