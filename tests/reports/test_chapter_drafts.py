"""The drafts of the narrative chapters: written from the same reads as the plan's pages and the analysis, in the
active language; the figures of their opening sentence are the roll-ups' own."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from nsm.analytics.budget import budget
from nsm.analytics.groups import Filters
from nsm.analytics.periods import Period
from nsm.reference.models import GcmPrinciple
from nsm.reports.chapters import draft, headline, headline_figures
from nsm.strategy.models import Activity, Chapter
from nsm.strategy.selectors import plan_tree
from nsm.workinggroup.models import Meeting


def test_the_drafted_figures_are_the_roll_ups_figures(approved_plan):
    strategy = approved_plan.strategy
    figures = headline_figures(plan_tree(strategy))
    rolled_up = budget(Filters.of(strategy), Period.span(strategy.plan_start_year, strategy.plan_end_year)).total

    assert figures.cost == rolled_up.planned == Decimal("19000")
    assert figures.unfunded == rolled_up.unfunded
    assert figures.gap_share == rolled_up.gap_share
    activities = Activity.objects.filter(strategy=strategy)
    assert figures.activities == activities.count() == 9
    assert figures.lead_institutions == len(set(activities.values_list("lead", flat=True))) == 3


def test_the_opening_sentence_says_the_figures_in_each_language(approved_plan):
    strategy = approved_plan.strategy
    tree = plan_tree(strategy)
    gap = headline_figures(tree).gap_share
    with translation.override("en"):
        sentence = headline(tree, "ALL")
    assert sentence == (
        f"The action plan has 9 activities led by 3 institutions and costs 19,000 ALL, of which {gap}\u00a0% is not "
        "yet funded."
    )
    with translation.override("sq"):
        assert "19.000 ALL" in headline(tree, "ALL")


def test_every_kind_has_a_draft_in_both_languages(approved_plan):
    for kind in Chapter.Kind.values:
        for language in ("sq", "en"):
            with translation.override(language):
                assert draft(approved_plan.strategy, kind).strip(), (kind, language)


def test_the_principles_draft_lists_the_gcms_ten_from_the_reference_data(strategy):
    with translation.override("en"):
        text = draft(strategy, "principles")
    principles = list(GcmPrinciple.objects.order_by("letter"))
    assert len(principles) == 10
    assert all(f"### {principle.letter}) {principle.title_en}" in text for principle in principles)
    with translation.override("sq"):
        assert f"### a) {principles[0].title_sq}" in draft(strategy, "principles")


def test_the_implementation_draft_counts_the_meetings_of_each_body(approved_plan):
    strategy = approved_plan.strategy
    for day in (datetime.date(2024, 3, 1), datetime.date(2024, 9, 1)):
        Meeting.objects.create(strategy=strategy, body="iiwg", held_on=day, title=f"IIWG {day}")
    with translation.override("en"):
        text = draft(strategy, "implementation")
    assert "## Inter-Institutional Working Group" in text and "met 2 times so far" in text
    assert "## Technical Committee" in text and "No meeting is recorded yet." in text
    assert "- MSHMS: 5 activities" in text


def test_the_budget_draft_gives_each_year_and_source(approved_plan):
    with translation.override("en"):
        text = draft(approved_plan.strategy, "budget")
    assert "## By year" in text and "- 2024:" in text and "- 2025:" in text
    assert "## By source" in text


@pytest.mark.usefixtures("remittances")
def test_the_context_draft_places_the_charts_of_the_evidence_base(strategy):
    with translation.override("en"):
        text = draft(strategy, "context")
    assert "**Remittances received**: 930 EUR million (2023; Bank of Albania)" in text
    assert "\n[[context:remittances]]\n" in text


def test_the_risks_draft_is_a_headed_skeleton_for_the_secretariat(strategy):
    with translation.override("en"):
        text = draft(strategy, "risks")
    assert "## Funding" in text and "To be written by the secretariat" in text
