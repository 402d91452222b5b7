"""GCM alignment: the 23 objectives against the plan's activities, indicators and funding; the principles."""

from decimal import Decimal

from nsm.analytics.alignment import coverage_gaps, gcm_alignment
from nsm.analytics.groups import Filters
from nsm.analytics.periods import Period
from tests.analytics.conftest import grow

D = Decimal


def figures(alignment):
    """number -> (activities, indicators, planned, funded, spent) for the objectives with anything."""
    return {
        row.number: (row.activities, row.indicators, int(row.budget.planned), int(row.budget.funded),
                     int(row.budget.spent))
        for row in alignment.objectives
        if row.activities or row.indicators
    }  # fmt: skip


def test_alignment_of_the_plan(approved_plan):
    result = gcm_alignment(Filters.of(approved_plan.strategy), Period.year(2024))
    assert [row.number for row in result.objectives] == list(range(1, 24))
    assert result.activities == 8  # A9 lies in 2025
    assert figures(result) == {
        1: (2, 1, 4000, 4000, 2400),
        2: (3, 2, 5000, 5000, 2400),
        5: (4, 1, 4000, 2000, 650),  # A5-A8
        7: (1, 0, 2000, 0, 300),
        18: (1, 0, 2000, 1500, 400),
    }
    assert result.covered == 5


def test_flags(approved_plan):
    result = gcm_alignment(Filters.of(approved_plan.strategy), Period.year(2024))
    rows = {row.number: row for row in result.objectives}
    assert not rows[1].flagged and not rows[2].flagged and not rows[5].flagged
    assert (rows[7].no_activity, rows[7].no_indicator, rows[7].no_funding) == (False, True, True)
    assert (rows[18].no_activity, rows[18].no_indicator, rows[18].no_funding) == (False, True, False)
    assert (rows[3].no_activity, rows[3].no_indicator, rows[3].no_funding) == (True, True, True)
    assert len(result.flagged) == 23 - 3
    gaps = coverage_gaps(result)
    assert len(gaps["no_activity"]) == 18
    assert sorted(row.number for row in gaps["no_indicator"]) == sorted({*range(1, 24)} - {1, 2, 5})
    assert 7 in {row.number for row in gaps["no_funding"]}
    assert 18 not in {row.number for row in gaps["no_funding"]}


def test_funding_follows_the_period(approved_plan):
    result = gcm_alignment(Filters.of(approved_plan.strategy), Period.year(2025))
    rows = {row.number: row for row in result.objectives}
    assert result.activities == 3  # A4, A5, A9
    assert (rows[5].activities, rows[2].activities) == (2, 1)
    assert (int(rows[5].budget.planned), int(rows[2].budget.planned)) == (5000, 3000)  # A5 1000 + A9 4000; A4
    assert rows[1].no_activity and rows[1].no_funding and not rows[1].no_indicator  # A1 A2 ended in 2024


def test_gender_markers_target_groups_and_principles(approved_plan):
    result = gcm_alignment(Filters.of(approved_plan.strategy), Period.year(2024))
    assert [(row.key, row.activities, row.share) for row in result.gender_markers] == [
        (0, 4, D("50.0")),
        (1, 2, D("25.0")),
        (2, 2, D("25.0")),
    ]
    groups = {row.key: (row.activities, row.share) for row in result.target_groups if row.activities}
    tg = approved_plan.target_groups
    assert groups == {
        tg["women"].pk: (2, D("25.0")),
        tg["trafficking_victims"].pk: (1, D("12.5")),
        tg["youth"].pk: (1, D("12.5")),
        tg["returnees"].pk: (2, D("25.0")),
        tg["unaccompanied_children"].pk: (1, D("12.5")),
    }
    assert len(result.target_groups) == 14
    assert [(row.letter, row.activities, row.share) for row in result.principles] == [
        ("f", 1, D("12.5")),  # A1 (trafficking victims)
        ("g", 4, D("50.0")),  # gender marker 1 or 2
        ("h", 2, D("25.0")),  # A2 (youth), A5 (unaccompanied children)
    ]


def test_alignment_filters(approved_plan):
    plan = approved_plan
    goal1 = gcm_alignment(Filters.of(plan.strategy, goal=plan.goals["1"]), Period.year(2024))
    assert goal1.activities == 4
    assert figures(goal1) == {1: (2, 1, 4000, 4000, 2400), 2: (3, 2, 5000, 5000, 2400), 18: (1, 0, 2000, 1500, 400)}
    akpa = gcm_alignment(Filters.of(plan.strategy, institution=plan.institutions["AKPA"]), Period.year(2024))
    assert akpa.activities == 3
    assert {n: f[:2] for n, f in figures(akpa).items()} == {2: (1, 0), 5: (1, 0), 18: (1, 0)}
    gcm5 = gcm_alignment(Filters.of(plan.strategy, gcm=plan.gcm[5]), Period.year(2024))
    assert gcm5.activities == 4
    assert {n: f[:2] for n, f in figures(gcm5).items()} == {5: (4, 1), 7: (1, 0)}  # A6 also serves GCM 7


def test_alignment_runs_in_a_fixed_number_of_queries(approved_plan, django_assert_num_queries):
    """Counts, budget by GCM (figures, names, total), objectives, target groups, principles."""
    filters = Filters.of(approved_plan.strategy)
    with django_assert_num_queries(7):
        gcm_alignment(filters, Period.year(2024))
    grow(approved_plan)
    with django_assert_num_queries(7):
        bigger = gcm_alignment(filters, Period.year(2024))
    assert bigger.activities == 14
    assert {row.number: row.activities for row in bigger.objectives}[3] == 3
