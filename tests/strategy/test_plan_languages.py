"""Content shown in the other language is marked with `lang` (WCAG 3.1.2), and the plan's tables have captions."""

import re
from types import SimpleNamespace

from django.urls import reverse
from django.utils import translation

from nsm.i18n import LocalizedText, localized_with_language
from nsm.strategy.templatetags.plan import with_lang
from tests.factories import ActivityFactory, GoalFactory, IndicatorFactory, MeasureFactory, ObjectiveFactory


def item(sq: str, en: str) -> SimpleNamespace:
    return SimpleNamespace(title_sq=sq, title_en=en)


def test_the_localized_text_says_which_language_it_is_in():
    with translation.override("en"):
        assert localized_with_language(item("Qëllimi", "Goal"), "title") == LocalizedText("Goal", "en")
        assert localized_with_language(item("Vetëm shqip", ""), "title") == LocalizedText("Vetëm shqip", "sq")
        assert localized_with_language(item("", ""), "title") == LocalizedText("", "")
    with translation.override("sq"):
        assert localized_with_language(item("", "English only"), "title") == LocalizedText("English only", "en")


def test_a_text_is_wrapped_in_its_language_only_when_that_differs_from_the_pages():
    with translation.override("en"):
        assert with_lang("Goal", "en") == "Goal"
        assert with_lang("Qëllimi <b>", "sq") == '<span lang="sq">Qëllimi &lt;b&gt;</span>'
        assert with_lang("", "sq") == ""


def plan_with_one_albanian_only_goal(strategy):
    goal = GoalFactory(strategy=strategy, code="1", title_sq="Vetëm shqip", title_en="")
    measure = MeasureFactory(parent=ObjectiveFactory(parent=goal, code="1.1"), code="1.1.1")
    ActivityFactory(measure=measure, code="1.1.1.1", title_sq="Aktivitet", title_en="Open counters")
    return goal, measure


def test_on_an_english_page_an_albanian_only_title_is_marked_albanian(client_for, viewer, strategy):
    goal, _measure = plan_with_one_albanian_only_goal(strategy)
    client = client_for(viewer)
    plan_page = client.get(reverse("strategy:detail", args=[strategy.code])).content.decode()
    goal_page = client.get(reverse("strategy:result", args=[strategy.code, goal.pk])).content.decode()
    assert '<span lang="sq">Vetëm shqip</span>' in plan_page
    assert re.search(r'<h1 class="h3"><span lang="sq">Vetëm shqip</span></h1>', goal_page)
    assert '<span lang="sq">Aktivitet</span>' not in plan_page and "Open counters</a>" in plan_page


def test_on_an_albanian_page_an_english_only_title_is_marked_english(client_for, viewer, strategy):
    _goal, measure = plan_with_one_albanian_only_goal(strategy)
    ActivityFactory(measure=measure, code="1.1.1.2", title_sq="", title_en="English only")
    page = client_for(viewer).get(
        reverse("strategy:result", args=[strategy.code, measure.pk]), headers={"accept-language": "sq"}
    )
    assert '<span lang="en">English only</span>' in page.content.decode()


def test_the_tables_of_a_result_page_have_captions(client_for, viewer, strategy):
    _goal, measure = plan_with_one_albanian_only_goal(strategy)
    IndicatorFactory(result=measure, code="1.1.1.a")
    page = client_for(viewer).get(reverse("strategy:result", args=[strategy.code, measure.pk])).content.decode()
    tables = re.findall(r"<table.*?</table>", page, re.S)
    captions = [re.search(r"<caption[^>]*>(.*?)</caption>", table, re.S) for table in tables]
    assert len(tables) == 3 and all(captions)
    assert "Items under Measure 1.1.1, with their lead institution, timeframe and cost" in page
    assert "Indicators of 1.1.1, with their baseline and targets" in page


def test_the_indicator_list_table_has_a_caption(client_for, viewer, strategy):
    IndicatorFactory(result__parent__parent__strategy=strategy)
    page = client_for(viewer).get(reverse("strategy:indicators", args=[strategy.code])).content.decode()
    assert "<caption" in re.search(r"<table.*?</table>", page, re.S).group(0)
