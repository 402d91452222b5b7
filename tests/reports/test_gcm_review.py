"""The GCM voluntary national review as a document: its figures are the analysis pages' GCM roll-up, every one of the
23 objectives is listed (the untouched ones as such), the secretariat's texts are printed before the data, and it is
read in a fixed number of queries and rendered in every format and both languages."""

import io

import docx
import openpyxl
import pytest
from django.utils import translation

from nsm.analytics.alignment import gcm_alignment
from nsm.analytics.groups import Filters
from nsm.analytics.implementation import implementation
from nsm.analytics.periods import Period
from nsm.monitoring.models import ActivityProgress
from nsm.reports import services
from nsm.reports.document import Bullets, KeyFigures, Paragraph, Table
from nsm.reports.gcm_review import QUOTE_CHARS, build_gcm_review, quote, review_data
from nsm.reports.generate import generate
from tests.analytics.conftest import grow

YEAR_2024 = Period.year(2024)


def review(plan, period=YEAR_2024, language="en"):
    with translation.override(language):
        return build_gcm_review(plan.strategy, period)


def section(document, title):
    return next(found for found, _depth in document.walk() if found.title == title)


def table(document, name):
    return next(found for found in document.tables() if found.name == name)


def texts(found):
    return [block.text for block in found.blocks if isinstance(block, Paragraph)]


def test_every_objective_has_the_figures_of_the_analysis_pages_gcm_roll_up(approved_plan):
    """The overview's row of each objective is the row of `gcm_alignment` (the GCM alignment page's roll-up), and
    its implementation rate that of `implementation` by GCM objective."""
    filters = Filters(strategy_id=approved_plan.strategy.pk)
    alignment = gcm_alignment(filters, YEAR_2024)
    rates = {row.key: row.rate for row in implementation(filters, YEAR_2024, "gcm").rows}
    rows = table(review(approved_plan), "GCM objectives").rows
    assert len(rows) == 23
    for row, expected in zip(rows, alignment.objectives, strict=True):
        label, _addressed, activities, rate, indicators, planned, spent = row.values
        assert label.startswith(f"{expected.number}. ")
        assert (activities, indicators, planned, spent) == (
            expected.activities,
            expected.indicators,
            expected.budget.planned,
            expected.budget.spent,
        )
        assert rate == rates.get(expected.gcm_id)


def test_what_is_behind_each_count_is_as_many_activities_and_indicators(approved_plan):
    data = review_data(approved_plan.strategy, YEAR_2024)
    for objective in data.objectives:
        assert len(objective.activities) == objective.row.activities
        assert len(objective.indicators) == objective.row.indicators
    first = data.objectives[0]
    assert [item.code for item in first.activities] == ["1.1.1.1", "1.1.1.2"]
    assert [item.status for item in first.activities] == ["completed", "completed"]


def test_objectives_the_plan_does_not_serve_are_listed_as_such_not_hidden(approved_plan):
    document = review(approved_plan)
    progress = section(document, "Progress on the objectives of the Global Compact")
    assert len(progress.subsections) == 23
    untouched = progress.subsections[2]  # objective 3: no activity, no indicator in the test plan
    assert untouched.title.startswith("3. ")
    assert texts(untouched) == ["Not addressed by the plan in the period."]
    overview = table(document, "GCM objectives")
    assert overview.rows[2].values[1] == "not addressed"
    assert overview.rows[0].values[1] == "yes"


def test_an_objective_prints_the_written_text_then_the_data_behind_it(approved_plan, secretariat):
    services.write_review_objective(
        approved_plan.strategy, YEAR_2024, number=1, text_sq="Shqip.", text_en="Albania **collects** data.",
        version=0, by=secretariat,
    )  # fmt: skip
    first = section(review(approved_plan), "Progress on the objectives of the Global Compact").subsections[0]
    assert isinstance(first.blocks[0], Paragraph) and first.blocks[0].text == "Albania collects data."
    assert [run.text for run in first.blocks[0].runs if run.bold] == ["collects"]  # Markdown, as the lead reads it
    assert isinstance(first.blocks[1], KeyFigures)
    tables = [block for block in first.blocks if isinstance(block, Table)]
    assert [t.caption for t in tables] == ["Activities for GCM objective 1", "Indicators for GCM objective 1"]
    assert [row.values[0] for row in tables[0].rows] == ["1.1.1.1", "1.1.1.2"]


def test_an_objective_without_a_text_prints_the_data_drafted_summary(approved_plan):
    first = section(review(approved_plan), "Progress on the objectives of the Global Compact").subsections[0]
    assert first.blocks[0].text.startswith("2 activities serve it in the period (2 completed).")


def test_a_chapters_headings_are_its_subsections(approved_plan, secretariat):
    services.write_review_chapter(
        approved_plan.strategy, YEAR_2024, chapter="context", text_sq="", text_en="Intro.\n\n# Migration\n\nFigures.",
        version=0, by=secretariat,
    )  # fmt: skip
    context = review(approved_plan).sections[0]
    assert texts(context)[0] == "Intro."
    assert texts(context)[-1].startswith("The figures of this review come from the action plan")
    assert [sub.title for sub in context.subsections] == ["Migration"]


def test_the_chapters_print_the_text_of_the_documents_language(approved_plan, secretariat):
    services.write_review_chapter(
        approved_plan.strategy, YEAR_2024, chapter="next_steps", text_sq="Hapat e ardhshëm.", text_en="Next, more.",
        version=0, by=secretariat,
    )  # fmt: skip
    assert texts(review(approved_plan).sections[4]) == ["Next, more."]
    assert texts(review(approved_plan, language="sq").sections[4]) == ["Hapat e ardhshëm."]
    assert texts(review(approved_plan).sections[0])[0] == "Not written yet."


def test_challenges_quote_the_latest_approved_narratives_of_delayed_and_cancelled_activities(approved_plan):
    challenges = section(review(approved_plan), "Challenges")
    quoted = [item for block in challenges.blocks if isinstance(block, Bullets) for item in block.items]
    assert any(item.startswith("2.1.1.3 ") and "Delayed" in item for item in quoted)
    assert all("Cancelled" in item or "Delayed" in item for item in quoted)


def test_a_long_narrative_is_cut(approved_plan):
    line = ActivityProgress.objects.filter(activity__code="2.1.1.3").order_by("-pk").first()
    ActivityProgress.objects.filter(pk=line.pk).update(narrative_sq="word " * 400)
    data = review_data(approved_plan.strategy, YEAR_2024)
    quoted = [quote(item) for objective in data.objectives for item in objective.quotes if item.code == "2.1.1.3"]
    assert quoted and all(len(text) < QUOTE_CHARS + 200 for text in quoted)


def test_the_review_is_read_in_a_fixed_number_of_queries(approved_plan, django_assert_num_queries):
    with django_assert_num_queries(16) as before:
        review(approved_plan)
    grow(approved_plan)
    with django_assert_num_queries(len(before.captured_queries)):
        review(approved_plan)


@pytest.mark.parametrize("language", ["sq", "en"])
def test_the_review_comes_in_word_pdf_and_excel(approved_plan, language):
    strategy = approved_plan.strategy
    word = generate("gcm-review", strategy, period=YEAR_2024, language=language, fmt="docx")
    assert word.filename == f"AL-NSM-TEST_gcm-review-2024_{language}.docx"
    body = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    with translation.override(language):
        assert translation.gettext("Not addressed by the plan in the period.") in body
    book = openpyxl.load_workbook(io.BytesIO(generate(
        "gcm-review", strategy, period=YEAR_2024, language=language, fmt="xlsx").content))  # fmt: skip
    assert len(book.sheetnames) >= 4
    pdf = generate("gcm-review", strategy, period=YEAR_2024, language=language, fmt="pdf")
    assert pdf.content.startswith(b"%PDF")
