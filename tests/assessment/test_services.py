"""The writes of the self-assessment: made by the secretariat, every error at once, audited, final means frozen;
the values computed in the selectors, the comparison with the previous assessment, the suggestions from GCM tags."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from nsm.assessment import selectors, services
from nsm.assessment.methodology import Category
from nsm.assessment.models import Answer, Assessment, SubCategory
from nsm.core.stale import StaleVersion
from nsm.reference.models import GcmObjective
from tests.assessment.conftest import answer_all, levels_of
from tests.factories import ActivityFactory, MeasureFactory


def test_a_new_assessment_has_an_empty_answer_for_every_sub_category(assessment, secretariat):
    assert assessment.status == Assessment.Status.DRAFT
    assert set(levels_of(assessment).values()) == {""}
    assert len(levels_of(assessment)) == 30
    assert assessment.history.get().history_user == secretariat
    assert Answer.history.filter(assessment_id=assessment.pk).count() == 30


def test_only_the_secretariat_of_the_country_makes_an_assessment(strategy, coordinator, viewer):
    for user in (coordinator, viewer):
        with pytest.raises(ValidationError):
            services.create_assessment(strategy, year=2025, by=user)
    assert not Assessment.objects.exists()


def test_a_year_outside_the_strategy_or_assessed_already_is_refused_in_words(assessment, strategy, secretariat):
    with pytest.raises(ValidationError, match="already"):
        services.create_assessment(strategy, year=2025, by=secretariat)
    with pytest.raises(ValidationError, match="Choose a year from 2023 to 2026"):
        services.create_assessment(strategy, year=2031, by=secretariat)


def test_values_by_domain_and_overall_as_worked_by_hand(assessment, secretariat):
    # Domain 1: yes, partial, partial, yes, no = 3 of 5 = 60 %; domain 2 all yes = 100 %; 3-6: no = 0 %.
    levels = {"1.1": "yes", "1.2": "partial", "1.3": "partial", "1.4": "yes"}
    levels |= {f"2.{n}": "yes" for n in range(1, 6)}
    levels |= {"3.1": "yes", "3.2": "yes", "3.3": "yes", "3.4": "yes"}  # 80 %
    answer_all(assessment, secretariat, levels)
    scores = selectors.scores(assessment)
    values = [domain.value for domain in scores.domains]
    assert values == [Decimal(60), Decimal(100), Decimal(80), Decimal(0), Decimal(0), Decimal(0)]
    assert [d.category for d in scores.domains[:3]] == [Category.PARTIALLY_MEETS, Category.FULLY_MEETS, Category.MEETS]
    assert scores.value == Decimal(240) / 6 == Decimal(40)
    assert scores.category == Category.PARTIALLY_MEETS
    assert scores.domains[0].met == Decimal(3)


def test_an_assessment_answered_in_part_has_values_only_for_complete_domains(assessment, secretariat):
    given = {
        sub.pk: services.AnswerInput(level="yes", evidence="") for sub in SubCategory.objects.filter(domain__number=2)
    }
    services.save_answers(assessment, by=secretariat, version=assessment.version, answers=given)
    scores = selectors.scores(assessment)
    assert [d.value for d in scores.domains] == [None, Decimal(100), None, None, None, None]
    assert scores.value is None and scores.answered == 5


def test_every_error_of_the_answers_is_reported_at_once_and_nothing_is_saved(assessment, secretariat):
    subs = {sub.number: sub for sub in SubCategory.objects.all()}
    given = {
        subs["2.1"].pk: services.AnswerInput(level="partial", evidence=""),  # no partial answer in domain 2
        subs["2.2"].pk: services.AnswerInput(level="yes", evidence="x" * 4001),
        subs["2.3"].pk: services.AnswerInput(level="yes", evidence="bad \x00 text"),
        subs["2.4"].pk: services.AnswerInput(level="yes", evidence="fine"),
    }
    with pytest.raises(ValidationError) as raised:
        services.save_answers(assessment, by=secretariat, version=assessment.version, answers=given)
    errors = raised.value.message_dict
    assert set(errors) == {f"level_{subs['2.1'].pk}", f"evidence_{subs['2.2'].pk}", f"evidence_{subs['2.3'].pk}"}
    assert "no partial answer" in errors[f"level_{subs['2.1'].pk}"][0]
    assert set(levels_of(assessment).values()) == {""}


def test_items_of_another_strategy_are_refused(assessment, secretariat):
    elsewhere = ActivityFactory()
    sub = SubCategory.objects.get(number="6.3")
    given = {sub.pk: services.AnswerInput(level="yes", evidence="", activity_ids=frozenset({elsewhere.pk}))}
    with pytest.raises(ValidationError, match="not of this strategy"):
        services.save_answers(assessment, by=secretariat, version=None, answers=given)


def test_a_stale_version_is_refused_and_says_who_changed_it(assessment, secretariat):
    sub = SubCategory.objects.get(number="1.1")
    services.save_answers(
        assessment, by=secretariat, version=1, answers={sub.pk: services.AnswerInput(level="yes", evidence="")}
    )
    with pytest.raises(StaleVersion):
        services.save_answers(
            assessment, by=secretariat, version=1, answers={sub.pk: services.AnswerInput(level="no", evidence="")}
        )


def test_saving_leaves_one_history_row_per_answer_changed(assessment, secretariat):
    subs = SubCategory.objects.filter(number__in=["1.1", "1.2"])
    before = Answer.history.count()
    given = {sub.pk: services.AnswerInput(level="yes", evidence="") for sub in subs}
    assert services.save_answers(assessment, by=secretariat, version=None, answers=given) == 2
    assert Answer.history.count() == before + 2
    assert services.save_answers(assessment, by=secretariat, version=None, answers=given) == 0
    assert Answer.history.count() == before + 2
    assert {row.history_user for row in Answer.history.order_by("-history_id")[:2]} == {secretariat}


def test_final_needs_every_answer_and_freezes_the_answers(assessment, secretariat):
    with pytest.raises(ValidationError, match="not answered: 1.1, 1.2"):
        services.set_status(assessment, by=secretariat, version=None, status="final")
    answer_all(assessment, secretariat, {})
    services.set_status(assessment, by=secretariat, version=None, status="final")
    sub = SubCategory.objects.get(number="1.1")
    with pytest.raises(ValidationError, match="final"):
        services.save_answers(
            assessment, by=secretariat, version=None, answers={sub.pk: services.AnswerInput("yes", "")}
        )
    services.set_status(assessment, by=secretariat, version=None, status="draft")
    services.save_answers(assessment, by=secretariat, version=None, answers={sub.pk: services.AnswerInput("yes", "")})


def test_the_comparison_is_with_the_latest_earlier_final_assessment(strategy, secretariat):
    first = services.create_assessment(strategy, year=2023, by=secretariat)
    answer_all(first, secretariat, {"1.1": "yes"})  # domain 1: 20 %
    services.set_status(first, by=secretariat, version=None, status="final")
    draft = services.create_assessment(strategy, year=2024, by=secretariat)  # a draft in between: not compared with
    answer_all(draft, secretariat, {}, default="yes")
    current = services.create_assessment(strategy, year=2025, by=secretariat)
    answer_all(current, secretariat, {"1.1": "yes", "1.2": "yes", "1.3": "yes", "1.4": "yes", "1.5": "yes"})
    comparison = selectors.comparison(selectors.scores(current))
    assert comparison.previous == first
    change = comparison.domains[0]
    assert (change.before, change.after, change.change) == (Decimal(20), Decimal(100), Decimal(80))
    assert (change.before_category, change.after_category, change.direction) == (
        Category.REQUIRES_PROGRESS, Category.FULLY_MEETS, "up",
    )  # fmt: skip
    assert [c.subcategory.number for c in comparison.answers] == ["1.2", "1.3", "1.4", "1.5"]
    assert comparison.overall.direction == "same"  # 20/6 % and 100/6 %: both require further progress
    assert selectors.comparison(selectors.scores(first)) is None


def test_measures_and_activities_are_suggested_from_their_gcm_objectives(assessment, strategy, secretariat):
    remittances = GcmObjective.objects.get(number=20)  # mapped to 4.3
    measure = MeasureFactory(parent__parent__strategy=strategy)
    measure.gcm_objectives.add(remittances)
    inherits = ActivityFactory(measure=measure)  # no tags of its own: its measure's
    own = ActivityFactory(measure=MeasureFactory(parent=measure.parent))
    own.gcm_objectives.add(GcmObjective.objects.get(number=10))  # trafficking: 6.3
    found = selectors.suggestions(strategy)
    sub = {s.number: s.pk for s in SubCategory.objects.all()}
    assert found[sub["4.3"]].measures == [measure] and found[sub["4.3"]].activities == [inherits]
    assert found[sub["6.3"]].activities == [own] and found[sub["6.3"]].measures == []
    assert services.add_suggestions(assessment, by=secretariat, version=None) == 2
    answer = Answer.objects.get(assessment=assessment, subcategory__number="4.3")
    assert list(answer.measures.all()) == [measure] and list(answer.activities.all()) == [inherits]
