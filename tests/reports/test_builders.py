"""The document builders print what the roll-ups compute: every figure is checked against `nsm.analytics` and
against the hand-counted plan of tests/analytics/conftest.py, in a fixed number of queries."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import translation

from nsm.analytics.budget import budget
from nsm.analytics.groups import Filters
from nsm.analytics.implementation import implementation
from nsm.analytics.indicators import achievement
from nsm.analytics.periods import Period
from nsm.analytics.scorecards import scorecards
from nsm.reports.annual import build_annual
from nsm.reports.document import Chart, KeyFigures, Table
from nsm.reports.layout import fit
from nsm.reports.plan import build_plan
from nsm.reports.render_pdf import table_frames
from nsm.strategy import services
from nsm.strategy.models import Activity, ActivityBudget, CostBasis, bodies_fields
from tests.analytics.conftest import grow
from tests.factories import ActivityBudgetFactory, ActivityFactory, InstitutionFactory

YEAR_2024 = Period.year(2024)


def annual(plan, period=YEAR_2024, language="en"):
    with translation.override(language):
        return build_annual(plan.strategy, period)


def section(document, title):
    return next(found for found, _depth in document.walk() if found.title == title)


def table(document, name):
    return next(found for found in document.tables() if found.name == name)


def figures(document):
    block = next(block for block in document.sections[0].blocks if isinstance(block, KeyFigures))
    return {figure.label: figure for figure in block.figures}


def test_the_annual_report_has_the_chapters_the_secretariat_publishes(approved_plan):
    document = annual(approved_plan)
    assert [s.title for s in document.sections] == [
        "Executive summary",
        "Implementation of the action plan",
        "Indicators",
        "Budget execution and funding gap",
        "Alignment with the Global Compact for Migration",
        "Reporting compliance",
        "Institutions' scorecards",
        "Challenges",
        "Annex: status of every activity",
    ]
    assert document.title == "Annual monitoring report 2024"
    assert document.language == "en" and document.period == "2024"
    assert document.data_stamp  # what the figures came from


def test_the_summary_prints_the_roll_ups_figures(approved_plan):
    document = annual(approved_plan)
    total = implementation(Filters.of(approved_plan.strategy), Period.year(2024)).total
    money = budget(Filters.of(approved_plan.strategy), Period.year(2024)).total
    found = figures(document)
    assert found["Implementation rate"].value == total.rate == D("40.0")
    assert found["Implementation rate"].note == "2 of 5 due"
    assert found["Planned cost (ALL)"].value == money.planned == D(11000)
    assert found["Spent (ALL)"].value == money.spent == D(3450)
    assert found["Funding gap (ALL)"].value == D(2500)
    assert found["Indicators on track"].value == 1  # I1
    paragraphs = " ".join(block.text for block in document.sections[0].blocks if hasattr(block, "text"))
    assert "5 activities of the action plan were due and 2 of them were completed" in paragraphs


def test_implementation_tables_equal_the_roll_up_by_goal_and_institution(approved_plan):
    document = annual(approved_plan)
    by_goal = implementation(Filters.of(approved_plan.strategy), Period.year(2024), "goal")
    goal_table = table(document, "By policy goal")
    assert [row.values[0] for row in goal_table.rows[:-1]] == [row.label for row in by_goal.rows]
    for printed, row in zip(goal_table.rows, by_goal.rows, strict=False):
        assert printed.values[1:] == (*(count for _s, count in row.by_status.items()), row.activities, row.rate)
    assert goal_table.rows[-1].total and goal_table.rows[-1].values[-1] == D("40.0")
    charts = [block for block in section(document, "By policy goal").blocks if isinstance(block, Chart)]
    assert charts and charts[0].table is goal_table and "Activities in the period by status" in charts[0].description


def test_indicator_table_equals_achievement_with_bands_in_words(approved_plan):
    document = annual(approved_plan)
    rows = {row.values[0]: row.values for row in table(document, "Indicators").rows}
    expected = {item.code: item for item in achievement(Filters.of(approved_plan.strategy), Period.year(2024))}
    assert set(rows) == set(expected)
    i1 = approved_plan.indicators["I1"].code
    assert rows[i1][3:] == (D(100), "2023", D(200), D(190), D("90.0"), "On track", "Sex: Female 100, Male 90")
    assert rows[approved_plan.indicators["I2"].code][-1] == ""  # no disaggregation


def test_budget_table_adds_up_by_source_and_goal(approved_plan):
    document = annual(approved_plan)
    rows = table(document, "Budget").rows
    total = rows[-1].values
    assert rows[-1].total and total[0] == "Total"
    assert total[1:7] == (D(5300), D(2700), D(500), D(2500), D(11000), D(3450))
    assert sum(row.values[5] for row in rows[:-1]) == D(11000)
    assert [row.values[1] for row in table(document, "Spending by source").rows] == [D(2850), D(500), D(100), D(3450)]


def test_compliance_and_challenges_come_from_the_reports(approved_plan):
    document = annual(approved_plan)
    compliance = {row.values[0].split()[0]: row.values for row in table(document, "Compliance").rows}
    assert compliance["MSHMS"][1:3] == ("On time", "Late")
    challenges = section(document, "Challenges").blocks[1].items
    a7, a6 = approved_plan.activities["A7"], approved_plan.activities["A6"]
    assert any(
        item.startswith(f"{a7.code} ") and item.endswith("(AKPA, Delayed): Waiting for the premises.")
        for item in challenges
    )
    assert any(
        item.endswith("(MSHMS, Cancelled): Merged into another programme.") and a6.code in item for item in challenges
    )
    assert len(challenges) == 2


def test_the_annex_lists_every_activity_of_the_period_with_its_status(approved_plan):
    rows = table(annual(approved_plan), "Activities").rows
    statuses = {row.values[0]: row.values[5] for row in rows}
    activity = approved_plan.activities
    assert len(rows) == 8  # A9 starts in 2025
    assert statuses[activity["A1"].code] == "Completed"
    assert statuses[activity["A3"].code] == "On track"  # the unapproved H2 "completed" does not count
    assert statuses[activity["A8"].code] == "Not reported"
    assert {row.values[4] for row in rows} == {"yes", "no"}


def test_a_half_year_report_is_titled_and_computed_for_the_half(approved_plan):
    document = annual(approved_plan, Period.half_year(2024, 1))
    assert document.title == "Half-yearly monitoring report 2024-H1"
    assert figures(document)["Implementation rate"].value == D("50.0")


def test_each_institution_has_a_scorecard_page_with_the_figures_of_its_page_in_the_product(approved_plan):
    document = annual(approved_plan)
    chapter = section(document, "Institutions' scorecards")
    cards = scorecards(approved_plan.strategy, YEAR_2024).cards
    assert [sub.title for sub in chapter.subsections] == [f"{card.code}: {card.name}" for card in cards]
    assert all(sub.new_page for sub in chapter.subsections)
    overview = table(document, "Scorecards")
    for card, row, sub in zip(cards, overview.rows, chapter.subsections, strict=True):
        assert row.values[1:] == (
            card.activities.activities, card.by_status.completed, card.by_status.delayed,
            card.by_status.not_reported, card.activities.rate, card.reporting.on_time_rate, card.money.planned,
            card.money.spent, card.execution_rate,
        )  # fmt: skip
        [key_figures, statuses, *_reports] = sub.blocks
        assert [figure.value for figure in key_figures.figures] == [
            card.activities.rate,
            card.reporting.on_time_rate,
            card.execution_rate,
        ]
        assert statuses.rows[-1].values[1] == card.activities.activities and not statuses.sheet
    assert (
        sum(row.values[7] for row in overview.rows)
        == budget(Filters.of(approved_plan.strategy), YEAR_2024).total.planned
    )


def test_the_annual_report_is_read_in_a_fixed_number_of_queries(approved_plan, django_assert_num_queries):
    with django_assert_num_queries(27) as before:  # 26, and the narrative written for the period
        annual(approved_plan)
    grow(approved_plan)
    with django_assert_num_queries(len(before.captured_queries)):
        document = annual(approved_plan)
    assert len(table(document, "Activities").rows) == 8 + 6


@pytest.mark.parametrize("language", ["sq", "en"])
def test_the_document_is_in_the_language_asked_for(approved_plan, language):
    document = annual(approved_plan, language=language)
    assert document.language == language
    with translation.override(language):
        assert document.sections[0].title == translation.gettext("Executive summary")


# --- The plan ---


def plan(approved_plan, language="en"):
    with translation.override(language):
        return build_plan(approved_plan.strategy)


def test_the_plan_matrix_is_laid_out_goal_objective_measure_activity(approved_plan):
    document = plan(approved_plan)
    matrix = table(document, "Action plan")
    assert section(document, "Action plan matrix").landscape
    headings = [(row.heading, row.values[0].split(":")[0]) for row in matrix.rows if row.heading]
    assert headings[:3] == [(1, "Policy goal 1"), (2, "Specific objective 1.1"), (3, "Measure 1.1.1")]
    activities = [row for row in matrix.rows if not row.heading and not row.total]
    assert len(activities) == 9
    labels = [column.label for column in matrix.columns]
    assert labels[:5] == ["Code", "Activity", "Responsible", "Supporting", "Timeframe"]
    # No activity is costed in 2026: the plan's third year has no column, and the note says so.
    assert labels[5:] == ["2024", "2025", "Total (ALL)", "Source", "Indicators"]
    assert matrix.note.endswith("Years in which no activity is costed have no column: 2026.")
    weights = {column.label: column.width for column in matrix.columns}
    assert weights["Activity"] > 2.5 * max(width for label, width in weights.items() if label != "Activity")
    # On the landscape page, the activity has the width: its column is the widest, with a third of the table.
    chosen, laid_out = fit(matrix, table_frames(matrix, landscape=True))
    shares = dict(zip(labels, laid_out.shares(), strict=True))
    assert chosen == 0 and laid_out.fits and shares["Activity"] == max(shares.values()) and shares["Activity"] > 0.33


def test_the_plan_says_in_words_which_items_are_withdrawn(approved_plan):
    a7 = approved_plan.activities["A7"]
    services.withdraw(a7, by=approved_plan.users["secretariat"], reason="Stopped.", on=datetime.date(2024, 5, 2))
    matrix = table(plan(approved_plan), "Action plan")
    row = next(row.values for row in matrix.rows if row.values[0] == a7.code)
    assert row[1].endswith("(withdrawn on May 2, 2024)")
    in_words = [row.values[1] for row in matrix.rows if not row.heading and "withdrawn" in str(row.values[1])]
    assert len(in_words) == 1
    annex = table(annual(approved_plan), "Activities")
    assert any("Withdrawn from the plan" in str(value) for row in annex.rows for value in row.values)


def test_the_matrix_costs_equal_the_budget_lines(approved_plan):
    matrix = table(plan(approved_plan), "Action plan")
    a4 = approved_plan.activities["A4"]
    row = next(row.values for row in matrix.rows if row.values[0] == a4.code)
    lines = ActivityBudget.objects.filter(activity=a4)
    assert row[5:8] == (
        sum((line.amount for line in lines if line.year == 2024), D(0)),
        sum((line.amount for line in lines if line.year == 2025), D(0)),
        sum((line.amount for line in lines), D(0)),
    )
    assert row[2] == "AKPA" and "Donor" in row[8]
    total = matrix.rows[-1]
    assert total.total and total.values[7] == sum((line.amount for line in ActivityBudget.objects.all()), D(0))


def test_an_activity_within_the_budget_or_not_costed_prints_in_words_never_0(approved_plan):
    a9 = approved_plan.activities["A9"]
    ActivityBudget.objects.filter(activity=a9).delete()
    Activity.objects.filter(pk=a9.pk).update(cost_basis=CostBasis.WITHIN_BUDGET)
    matrix = table(plan(approved_plan), "Action plan")
    row = next(row.values for row in matrix.rows if row.values[0] == a9.code)
    assert row[5:8] == (None, None, "Within the existing budget")


def test_a_year_gets_its_cost_column_once_an_activity_has_money_in_it(approved_plan):
    ActivityBudgetFactory(activity=approved_plan.activities["A9"], year=2026, amount=D(700))
    document = plan(approved_plan)
    matrix = table(document, "Action plan")
    assert [column.label for column in matrix.columns][5:9] == ["2024", "2025", "2026", "Total (ALL)"]
    assert "no column" not in matrix.note
    a9 = next(row.values for row in matrix.rows if row.values[0] == approved_plan.activities["A9"].code)
    assert a9[5:9] == (D(0), D(4000), D(700), D(4700))
    assert matrix.rows[-1].total and matrix.rows[-1].values[5:9] == (D(11000), D(8000), D(700), D(19700))
    assert [column.label for column in table(document, "Cost by policy goal").columns][1:4] == ["2024", "2025", "2026"]


def test_a_plan_with_no_cost_yet_has_no_year_or_source_column_but_keeps_its_total(approved_plan):
    ActivityBudget.objects.all().delete()
    document = plan(approved_plan)
    matrix = table(document, "Action plan")
    labels = [column.label for column in matrix.columns]
    assert labels == ["Code", "Activity", "Responsible", "Supporting", "Timeframe", "Total (ALL)", "Indicators"]
    assert matrix.rows[-1].total and matrix.rows[-1].values == ("Total", "", "", "", "", D(0), "")
    assert matrix.note.endswith("have no column: 2024, 2025, 2026.")
    assert [column.label for column in table(document, "Cost by policy goal").columns] == ["Policy goal", "Total (ALL)"]


def test_the_acronyms_list_every_institution_the_plan_names_in_its_language(approved_plan):
    """Leads, partners and the institutions responsible for indicators, once each, by acronym, before the first
    chapter; a name missing in the document's language is given in the other."""
    iom = InstitutionFactory(code="IOM")
    iom.name_en, iom.name_sq = "", "Organizata Ndërkombëtare për Migracionin"
    iom.save()
    approved_plan.activities["A1"].partners.add(iom, approved_plan.institutions["AKPA"])
    instat = InstitutionFactory(code="INSTAT")
    instat.name_en, instat.name_sq = "Institute of Statistics", "Instituti i Statistikave"
    instat.save()
    approved_plan.indicators["I3"].responsible = instat
    approved_plan.indicators["I3"].save()
    InstitutionFactory(code="ASPA")  # in the country, named nowhere in the plan

    document = plan(approved_plan)
    assert [found.title for found in document.sections][:2] == ["Acronyms", "The strategy at a glance"]
    acronyms = table(document, "Acronyms")
    assert [column.label for column in acronyms.columns] == ["Acronym", "Institution"]
    named = approved_plan.institutions
    assert [row.values for row in acronyms.rows] == [
        ("AKPA", named["AKPA"].name_en),
        ("INSTAT", "Institute of Statistics"),
        ("IOM", "Organizata Ndërkombëtare për Migracionin"),  # no English name
        ("MB", named["MB"].name_en),
        ("MSHMS", named["MSHMS"].name_en),
    ]
    with translation.override("sq"):
        albanian = table(plan(approved_plan, "sq"), translation.gettext("Acronyms"))
    assert ("INSTAT", "Instituti i Statistikave") in [row.values for row in albanian.rows]
    assert ("MB", named["MB"].name_sq) in [row.values for row in albanian.rows]


def test_the_matrix_lists_the_responsible_institutions_in_order_the_marked_lead_in_words(approved_plan):
    """Responsible bodies as an ordered list (issue 15, item 2): the matrix gives them in the plan's order, the lead
    the plan marks said in words; the supporting ones in order; every one of them in the acronyms."""
    mshms, akpa, mb = (approved_plan.institutions[code] for code in ("MSHMS", "AKPA", "MB"))
    iom, instat = InstitutionFactory(code="IOM"), InstitutionFactory(code="INSTAT")
    a1, a2 = approved_plan.activities["A1"], approved_plan.activities["A2"]
    by = approved_plan.users["secretariat"]
    data = {"title_en": a1.title_en, "start_year": a1.start_year, "end_year": a1.end_year}
    services.update_activity(a1, by=by, data={**data, **bodies_fields([mb, mshms, akpa], [iom, instat], marked=akpa)})
    data = {"title_en": a2.title_en, "start_year": a2.start_year, "end_year": a2.end_year}
    services.update_activity(a2, by=by, data={**data, **bodies_fields([akpa, mshms])})

    document = plan(approved_plan)
    matrix = table(document, "Action plan")
    rows = {row.values[0]: row.values for row in matrix.rows if not row.heading and not row.total}
    assert rows[a1.code][2:4] == ("MB, MSHMS, AKPA\u00a0(lead)", "IOM, INSTAT")
    assert rows[a2.code][2:4] == ("AKPA, MSHMS", "")  # none marked: the first named reports, as the note says
    assert "where none is marked, the first named does" in matrix.note
    assert {"IOM", "INSTAT", "MB"} <= {row.values[0] for row in table(document, "Acronyms").rows}


def test_the_indicator_passport_gives_baseline_targets_and_source(approved_plan):
    passport = table(plan(approved_plan), "Indicators")
    i1 = approved_plan.indicators["I1"]
    row = dict(zip([c.label for c in passport.columns], passport.rows[0].values, strict=True))
    assert passport.rows[0].values[0] == i1.code
    assert (row["Baseline"], row["Baseline year"], row["Target 2024"], row["Target 2025"]) == (
        D(100),
        "2023",
        D(200),
        D(300),
    )
    assert row["Responsible"] == "MSHMS" and row["Frequency"] == "Half-yearly"


def test_the_plan_is_read_in_a_fixed_number_of_queries(approved_plan, django_assert_num_queries):
    with django_assert_num_queries(11) as before:  # the chapters: one more (none written, so no series)
        plan(approved_plan)
    grow(approved_plan)
    with django_assert_num_queries(len(before.captured_queries)):
        plan(approved_plan)


def test_a_table_never_has_more_values_than_columns(approved_plan):
    for document in (annual(approved_plan), plan(approved_plan)):
        for found in document.tables():
            assert isinstance(found, Table)
            for row in found.rows:
                assert len(row.values) == (1 if row.heading else len(found.columns)), found.caption


def test_the_plan_of_one_action_plan_has_its_activities_and_costs_and_the_whole_has_all(approved_plan):
    """A strategy carried out by two action plans (2024-2026, 2027-2028): the document of each holds the activities
    under way in its years and the costs of those years; the whole strategy's holds them all (issue 15, item 9)."""
    strategy = approved_plan.strategy
    services.add_action_plan(strategy=strategy, by=approved_plan.users["secretariat"], start_year=2027, end_year=2028)
    strategy.refresh_from_db()
    later = ActivityFactory(
        measure=approved_plan.activities["A4"].measure, start_year=2027, start_quarter=None, end_year=2028,
        end_quarter=None,
    )  # fmt: skip
    ActivityBudgetFactory(activity=later, year=2027, amount=D("700.00"))

    def matrix(period):
        with translation.override("en"):
            document = build_plan(strategy, period)
        rows = table(document, "Action plan").rows
        codes = {row.values[0] for row in rows if not row.heading and not row.total}
        return document, codes, next(v for v in reversed(rows[-1].values) if isinstance(v, D))

    lines = list(ActivityBudget.objects.filter(activity__strategy=strategy))
    whole, whole_codes, whole_total = matrix(None)
    first, first_codes, first_total = matrix(Period.span(2024, 2026))
    second, second_codes, second_total = matrix(Period.span(2027, 2028))
    assert whole.subtitle == "Strategy and action plan 2024–2028"
    assert (first.subtitle, first.period) == ("Action plan 2024–2026", "2024-2026")
    assert second.subtitle == "Action plan 2027–2028"
    assert second_codes == {later.code} and later.code not in first_codes
    assert whole_codes == first_codes | {later.code}
    assert whole_total == sum((line.amount for line in lines), D(0))
    assert first_total == sum((line.amount for line in lines if line.year <= 2026), D(0))
    assert second_total == D("700.00")
