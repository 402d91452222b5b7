"""The demo's narrative chapters: every kind written in both languages, drafted from the demo's data (the vision
by hand), with charts of the evidence base placed; a second load writes nothing."""

from django.utils import translation

from nsm.context.references import references
from nsm.demo import content
from nsm.demo.loader import load_demo
from nsm.reports.chapters import headline
from nsm.reports.plan import build_plan
from nsm.strategy.models import Chapter, Strategy
from nsm.strategy.selectors import plan_tree


def _strategy() -> Strategy:
    return Strategy.objects.get(code=content.STRATEGY["code"])


def test_the_demo_plan_has_every_chapter_in_both_languages(demo):
    chapters = Chapter.objects.filter(strategy=_strategy())
    assert sorted(chapters.values_list("kind", flat=True)) == sorted(Chapter.Kind.values)
    assert all(chapter.body_sq.strip() and chapter.body_en.strip() for chapter in chapters)
    assert demo.created["chapter"] == len(Chapter.Kind.values)
    assert chapters.get(kind="vision").body_en.startswith("By 2030, Albania governs migration")


def test_the_demo_chapters_say_the_plans_own_figures_and_place_its_context_charts(demo):
    strategy = _strategy()
    with translation.override("en"):
        sentence = headline(plan_tree(strategy), strategy.currency)
    assert sentence in Chapter.objects.get(strategy=strategy, kind="budget").body_en
    context = Chapter.objects.get(strategy=strategy, kind="context")
    assert references(context.body_en) and references(context.body_en) == references(context.body_sq)
    assert "To be written" not in context.body_en  # the situation analysis written for the demo


def test_the_demo_plan_document_prints_the_chapters(demo):
    with translation.override("en"):
        document = build_plan(_strategy())
    titles = [section.title for section in document.sections]
    assert titles.index("Context and situation analysis") < titles.index("Action plan matrix")
    assert all(str(label) in titles for label in Chapter.Kind.labels)


def test_a_second_load_leaves_the_chapters_unchanged(demo):
    again = load_demo()
    assert again.unchanged["chapter"] == len(Chapter.Kind.values) and not again.created["chapter"]
