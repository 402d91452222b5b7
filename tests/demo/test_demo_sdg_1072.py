"""The demo's SDG 10.7.2 self-assessments: a final baseline of 2023 and a 2025 draft, every sub-category answered,
so that a newcomer sees the values, the comparison and the document; a second load changes nothing."""

from decimal import Decimal

from nsm.assessment import selectors
from nsm.assessment.document import build_assessment
from nsm.assessment.methodology import Category
from nsm.assessment.models import Answer, Assessment
from nsm.demo import content
from nsm.demo.loader import load_demo

CODE = content.STRATEGY["code"]


def test_the_demo_has_a_final_baseline_and_a_later_draft_compared_with_it(demo):
    assessments = {a.year: a for a in Assessment.objects.filter(strategy__code=CODE)}
    assert set(assessments) == {2023, 2025}
    assert assessments[2023].is_final and not assessments[2025].is_final
    assert not Answer.objects.filter(assessment__strategy__code=CODE, level="").exists()
    scores = selectors.scores(assessments[2025])
    assert scores.value == Decimal(80) and scores.category == Category.MEETS
    comparison = selectors.comparison(scores)
    assert comparison.previous == assessments[2023]
    assert comparison.overall.direction == "up" and comparison.answers
    assert assessments[2025].history.filter(history_user__username="secretariat").exists()


def test_the_demos_answers_rest_on_the_plans_measures_and_activities(demo):
    answers = Answer.objects.filter(assessment__strategy__code=CODE, assessment__year=2025)
    assert answers.filter(activities__isnull=False).distinct().count() >= 15


def test_the_demos_document_has_its_remarks_and_comparison(demo):
    document = build_assessment(Assessment.objects.get(strategy__code=CODE, year=2025), "sq")
    titles = [section.title for section, _depth in document.walk()]
    assert len([t for t in titles if "2023" in t]) == 1


def test_loading_the_demo_again_leaves_the_assessments_alone(demo):
    again = load_demo()
    assert again.created.get("assessment", 0) == 0 and again.unchanged["assessment"] == 2
