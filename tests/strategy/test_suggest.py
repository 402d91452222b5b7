"""Suggested GCM objectives (nsm.strategy.suggest): from an activity's titles, the three objectives it most resembles.

The GCM objectives are the real ones, with their English and Albanian text (the reference data migration).
"""

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from nsm.demo import content
from nsm.reference.models import GcmObjective
from nsm.strategy.models import Activity, Result
from nsm.strategy.suggest import (
    GcmSuggester,
    fold,
    leave_one_out,
    suggest_gcm,
    suggestions_for,
    terms,
)
from tests.factories import ActivityFactory, InstitutionFactory, MeasureFactory, StrategyFactory
from tests.test_csp import blocked_inline_code

pytestmark = pytest.mark.django_db


def gcm(number: int) -> GcmObjective:
    return GcmObjective.objects.get(number=number)


def numbers(suggestions) -> list[int]:
    return [suggestion.objective.number for suggestion in suggestions]


class GcmForm(forms.Form):
    """The GCM objectives field as the activity form has it: checkboxes named gcm_objectives, valued by pk."""

    gcm_objectives = forms.ModelMultipleChoiceField(
        GcmObjective.objects.order_by("number"), widget=forms.CheckboxSelectMultiple, required=False
    )


@pytest.fixture
def measure(strategy):
    return MeasureFactory(parent__parent__strategy=strategy)


def untagged(measure, title_sq: str, title_en: str = "") -> Activity:
    return ActivityFactory(measure=measure, title_sq=title_sq, title_en=title_en)


def tagged(measure, title_sq: str, title_en: str, *objectives: int) -> Activity:
    activity = untagged(measure, title_sq, title_en)
    activity.gcm_objectives.set([gcm(number) for number in objectives])
    return activity


def test_the_real_objectives_are_there_in_both_languages():
    assert GcmObjective.objects.count() == 23
    assert "kthimit" in gcm(21).title_sq and "return" in gcm(21).title_en


def test_text_is_folded_and_cut_to_word_stems():
    assert fold("Përfshirja e të KTHYERVE, Çështja") == "perfshirja e te kthyerve, ceshtja"
    assert terms("Riintegrimi i të kthyerve dhe ripranimi, 2024") == ["riint", "kthye", "ripra"]
    assert terms("the return and reintegration of returnees") == ["retur", "reint", "retur"]


def test_an_activity_about_return_and_reintegration_gets_objective_21(measure):
    activity = untagged(
        measure,
        "Mbështetje për kthimin dinjitoz dhe riintegrimin e qëndrueshëm të migrantëve të kthyer",
        "Support for the dignified return and sustainable reintegration of returned migrants",
    )
    suggestions = suggest_gcm(activity)
    assert len(suggestions) == 3
    assert numbers(suggestions)[0] == 21
    assert suggestions[0].score > suggestions[1].score >= suggestions[2].score > 0


@pytest.mark.parametrize(
    ("title_sq", "title_en", "expected"),
    [
        ("Riintegrimi i qëndrueshëm i të kthyerve dhe ripranimi", "", 21),
        ("", "Readmission and sustainable reintegration of returnees", 21),
        ("Transferimi më i lirë i remitancave", "", 20),
        ("", "Cheaper transfer of remittances", 20),
        ("Luftimi i trafikimit të personave", "", 10),
        ("", "Integrated border management at crossing points", 11),
    ],
)
def test_either_language_alone_is_enough(measure, title_sq, title_en, expected):
    assert expected in numbers(suggest_gcm(untagged(measure, title_sq, title_en)))


def test_accents_do_not_matter(measure):
    with_accents = untagged(measure, "Sigurimi i aksesit të migrantëve në shërbimet bazë shëndetësore")
    without = untagged(measure, "Sigurimi i aksesit te migranteve ne sherbimet baze shendetesore")
    shouting = untagged(measure, "SIGURIMI I AKSESIT TË MIGRANTËVE NË SHËRBIMET BAZË SHËNDETËSORE")
    found = [suggest_gcm(activity) for activity in (with_accents, without, shouting)]
    assert numbers(found[0])[0] == 15
    assert found[0] == found[1] == found[2]


def test_it_learns_from_the_plans_tagged_activities(measure):
    text = ("Hapja e sporteleve të reja në bashki", "Open new counters in municipalities")
    before = numbers(suggest_gcm(untagged(measure, *text)))
    assert 3 not in before
    for place in ("Shkodër", "Elbasan", "Korçë"):
        tagged(measure, f"Sportele migracioni në bashkinë {place}", f"Migration counters in {place} municipality", 3)
    after = numbers(suggest_gcm(untagged(measure, *text)))
    assert after[0] == 3


def test_an_activity_without_its_own_learns_from_the_objectives_it_inherits(strategy):
    """Activities that inherit their measure's objectives teach the model too, as the plan shows them."""
    measure = MeasureFactory(parent__parent__strategy=strategy)
    measure.gcm_objectives.set([gcm(19)])
    for place in ("Vlorë", "Korçë", "Durrës"):
        untagged(
            measure, f"Takime me shoqatat e bashkatdhetarëve në {place}", f"Meetings with compatriot clubs, {place}"
        )
    other = MeasureFactory(parent__parent__strategy=strategy)
    activity = untagged(other, "Forumi i shoqatave të bashkatdhetarëve", "Forum of compatriot clubs")
    assert numbers(suggest_gcm(activity))[0] == 19


def test_an_activity_is_not_taught_by_itself(strategy):
    """The measure's objective 9 is inherited by the activity itself only: its own text does not count for 9."""
    lonely = MeasureFactory(parent__parent__strategy=strategy)
    lonely.gcm_objectives.set([gcm(9)])
    activity = untagged(lonely, "Zyra e ndërlidhjes me qeveritë vendore", "Liaison office with local governments")
    alone = GcmSuggester.for_strategy(strategy)
    unsaved = Activity(strategy=strategy, measure=lonely, title_sq=activity.title_sq, title_en=activity.title_en)
    assert alone.suggest_for(activity) == alone.suggest(
        activity.title_sq + " " + activity.title_en, leave_out=activity.pk
    )
    taught = alone.suggest_for(unsaved)  # an unsaved text with the same words: the saved activity teaches it
    assert gcm(9) in [s.objective for s in taught]
    assert gcm(9) not in [s.objective for s in alone.suggest_for(activity)]


def test_an_activity_with_objectives_of_its_own_gets_none(measure):
    activity = tagged(measure, "Kthimi dhe riintegrimi", "Return and reintegration", 21)
    assert suggest_gcm(activity) == []


def test_an_activity_inheriting_its_measures_objectives_gets_suggestions(measure):
    measure.gcm_objectives.set([gcm(2)])
    activity = untagged(measure, "Kthimi dhe riintegrimi", "Return and reintegration")
    assert numbers(suggest_gcm(activity))[0] == 21


def test_an_unsaved_activity_gets_suggestions_from_its_titles(strategy, measure):
    tagged(measure, "Kthimi dhe riintegrimi", "Return and reintegration", 21)
    draft = Activity(strategy=strategy, measure=measure, title_sq="Riintegrimi i të kthyerve", title_en="")
    assert numbers(suggest_gcm(draft))[0] == 21


def test_text_that_resembles_nothing_gets_no_suggestion(measure):
    assert suggest_gcm(untagged(measure, "Xyzzy qwerty", "Zzz")) == []
    assert suggest_gcm(untagged(measure, "dhe të në për", "the and of")) == []


def test_the_limit_is_honoured(measure):
    activity = untagged(measure, "Migracioni i rregullt i punës", "Regular labour migration")
    assert len(suggest_gcm(activity, limit=5)) == 5
    assert suggest_gcm(activity, limit=1) == suggest_gcm(activity)[:1]


def test_suggestions_are_the_same_every_time(strategy, measure):
    tagged(measure, "Sportele migracioni", "Migration counters", 3, 5)
    activities = [
        untagged(measure, "Informimi i emigrantëve", "Informing emigrants"),
        untagged(measure, "Ripranimi i shtetasve", "Readmission of citizens"),
    ]
    first = suggestions_for(strategy, activities)
    assert suggestions_for(strategy, activities) == first
    assert all(suggestions for suggestions in first.values())


def test_many_activities_take_four_queries(strategy, django_assert_num_queries):
    measures = [MeasureFactory(parent__parent__strategy=strategy) for _ in range(3)]
    measures[0].gcm_objectives.set([gcm(1), gcm(3)])
    activities = []
    for index in range(30):
        titles = (f"Trajnimi {index} për migracionin e punës", f"Training {index} on labour migration")
        own = (6,) if index % 3 == 0 else ()
        activities.append(tagged(measures[index % 3], *titles, *own))
    with django_assert_num_queries(4):
        few = suggestions_for(strategy, activities[:2])
    with django_assert_num_queries(4):
        found = suggestions_for(strategy, activities)
    assert set(found) == {activity.pk for activity in activities}
    assert few == {pk: found[pk] for pk in few}
    assert all(found[a.pk] == [] for a in activities if a.gcm_objectives.exists())
    assert all(found[a.pk] for a in activities if not a.gcm_objectives.exists())


def test_activities_of_another_strategy_are_refused(strategy, measure):
    elsewhere = untagged(MeasureFactory(parent__parent__strategy=StrategyFactory()), "Kthimi", "Return")
    with pytest.raises(ValueError):
        suggestions_for(strategy, [elsewhere])


def test_leave_one_out_counts_the_tagged_activities(strategy):
    returns = MeasureFactory(parent__parent__strategy=strategy)
    returns.gcm_objectives.set([gcm(21)])
    untagged(returns, "Riintegrimi i të kthyerve", "Reintegration of returnees")
    untagged(returns, "Pritja e të kthyerve në aeroport", "Reception of returnees at the airport")
    tagged(returns, "Statistikat e remitancave", "Remittance statistics", 20, 1)
    untagged(MeasureFactory(parent__parent__strategy=strategy), "Fushata informuese", "Information campaign")
    assert leave_one_out(strategy) == (3, 3)
    assert leave_one_out(strategy, own_only=True) == (1, 1)


# The demo plan's activities and objectives, without the rest of the demo (costs, indicators, reports): what the
# model reads, so that the figure is the demo's, quick to set up.


def load_demo_plan_titles_and_objectives(strategy) -> None:
    plan = content.flatten()
    lead = InstitutionFactory(code="MPB")
    results: dict[str, Result] = {}
    for row in plan.results:
        parent = results.get(row.code.rsplit(".", 1)[0]) if "." in row.code else None
        result = Result.objects.create(
            strategy=strategy,
            parent=parent,
            depth=row.code.count(".") + 1,
            code=row.code,
            title_sq=row.title_sq,
            title_en=row.title_en,
        )
        result.gcm_objectives.set([gcm(number) for number in row.gcm])
        results[row.code] = result
    for row in plan.activities:
        activity = Activity.objects.create(
            strategy=strategy, measure=results[row.measure], code=row.code, title_sq=row.title_sq,
            title_en=row.title_en, lead=lead, start_year=2024, end_year=2026,
        )  # fmt: skip
        activity.gcm_objectives.set([gcm(number) for number in row.gcm])


def test_on_the_demo_plan_seven_in_ten_have_an_objective_among_the_three(strategy):
    load_demo_plan_titles_and_objectives(strategy)
    hits, total = leave_one_out(strategy)
    assert total == len(content.flatten().activities)
    assert hits >= 0.7 * total
    own_hits, own_total = leave_one_out(strategy, own_only=True)
    assert own_total > 20 and own_hits >= 0.7 * own_total


def test_the_partial_offers_each_suggestion_as_a_button_that_names_its_objective(strategy, measure):
    activity = untagged(measure, "Kthimi dhe riintegrimi i migrantëve", "Return and reintegration of migrants")
    suggestions = suggest_gcm(activity)
    form = GcmForm()
    with translation.override("en"):
        html = render_to_string(
            "strategy/_gcm_suggestions.html", {"suggestions": suggestions, "gcm_field": form["gcm_objectives"]}
        )
    assert len(suggestions) == 3
    assert html.count('type="button"') == 3
    assert f'data-nsm-gcm-objective="{suggestions[0].objective.pk}"' in html
    assert 'data-nsm-gcm-field="gcm_objectives"' in html
    assert "GCM objective 21: Dignified return and reintegration" in html
    assert 'aria-pressed="false"' in html and "gcm-suggest.js" in html
    assert blocked_inline_code(html) == []  # nothing the Content-Security-Policy would block
    for suggestion in suggestions:  # the checkbox each button ticks (gcm-suggest.js finds it by name and value)
        assert f'name="gcm_objectives" value="{suggestion.objective.pk}"' in str(form["gcm_objectives"])
    assert render_to_string("strategy/_gcm_suggestions.html", {"suggestions": [], "gcm_field": None}).strip() == ""


def test_the_script_the_partial_loads_is_served(public):
    response = public.get("/static/strategy/gcm-suggest.js")
    assert response.status_code == 200


def test_the_activity_edit_page_offers_the_suggestions_only_to_an_activity_without_its_own(
    client_for, coordinator, strategy, measure
):
    activity = untagged(measure, "Riintegrimi i migrantëve të kthyer", "Reintegration of returning migrants")
    client = client_for(coordinator)
    url = reverse("strategy:activity_edit", args=[strategy.code, activity.pk])
    page = client.get(url).content.decode()
    assert "Suggested GCM objectives" in page and f'data-nsm-gcm-objective="{gcm(21).pk}"' in page
    activity.gcm_objectives.set([gcm(21)])
    assert "Suggested GCM objectives" not in client.get(url).content.decode()
