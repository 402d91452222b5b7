"""A small approved plan whose every figure can be counted by hand: the fixture the analytics tests start from.

The plan (strategy AL-NSM-TEST, action plan 2024-2026)::

    Goal 1 (SDG 10.7, 8.8)
      Objective 1.1 (GCM 2)
        Measure 1.1.1 (GCM 1)   A1, A2, indicator I1
        Measure 1.1.2           A3 (own GCM 18), A4
      (Objective 1.1 also holds indicator I2)
    Goal 2 (SDG 10.7; holds indicator I4)
      Objective 2.1
        Measure 2.1.1 (GCM 5)   A5, A6 (own GCM 5 and 7), A7, A8, A9, indicator I3

Activities (an activity's GCM objectives are its own, else those of its measure and the results above it)::

    act code     lead   timeframe        gm  target groups                  GCM    budget (year source amount)
    A1  1.1.1.1  MSHMS  2024Q1-2024Q2    2   women, trafficking_victims     1, 2   2024 state 1000
    A2  1.1.1.2  MSHMS  2024Q1-2024Q4    1   youth                          1, 2   2024 state 2000, donor 1000
    A3  1.1.2.1  AKPA   2024Q1-2024Q4    0   returnees                      18     2024 state 1500, unfunded 500
    A4  1.1.2.2  AKPA   2024Q3-2025Q4    0   -                              2      2024 donor 1000; 2025 donor
                                                                                   2000, unfunded 1000
    A5  2.1.1.1  MSHMS  2024Q1-2025Q2    1   unaccompanied_children         5      2024 state 500, other 500;
                                                                                   2025 state 1000
    A6  2.1.1.2  MSHMS  2024Q1-2024Q4    0   returnees                      5, 7   2024 unfunded 2000
    A7  2.1.1.3  AKPA   2024Q1-2024Q2    0   -                              5      2024 state 300
    A8  2.1.1.4  MB     2024Q1-2024Q4    2   women                          5      2024 donor 700
    A9  2.1.1.5  MSHMS  2025Q1-2025Q4    0   -                              5      2025 state 4000

Indicators (baseline year 2023)::

    ind  result  owner  type / direction         freq        baseline  target 2024  target 2025
    I1   1.1.1   MSHMS  number, increase, sex    semiannual  100       200          300
    I2   1.1     MSHMS  number, decrease         annual      50        30           20
    I3   2.1.1   MSHMS  percent, increase        annual      20        60           -
    I4   2       AKPA   yes/no, increase         semiannual  0         1            1

Cycles, both opened by the secretariat: 2024-H1 due in 30 days (submitted on time), 2024-H2 due yesterday
(submitted late). Reports::

    report        state                activity lines (status, spent)                 indicator values
    H1 MSHMS      approved, on time    A1 completed (state 1000)                      I1 130 (F 70, M 60)
                                       A2 on_track 40% (state 500, donor 200)
                                       A5 not_started; A6 on_track 20% (donor 300)
    H1 AKPA       approved, on time    A3 on_track 50% (state 400)                    I4 0
                                       A7 delayed 30% (other 100)
    H1 MB         draft (pending)      -
    H2 MSHMS      approved, late       A2 completed (state 700)                       I1 190 (F 100, M 90)
                                       A5 on_track 30% (state 250); A6 cancelled      I2 35; I3 40
    H2 AKPA       SUBMITTED, late,     A3 completed (state 9999)                      I4 1
                  NOT approved:        A4 on_track 10% (donor 8888)
                  counts nowhere
    H2 MB         draft (missing)      -

Hand-computed expectations (approved data only):

    implementation   in  due: compl on_tr delay canc n/rep  rate   ongoing: on_tr n/st n/rep  on-schedule
    2024            8   6:   2     1     1     1    1      40.0   2:       1     0    1      50.0
    2024-H1         7   2:   1     0     1     0    0      50.0   5:       3     1    1      60.0
    2024-H2         6   4:   1     1     0     1    1      33.3   2:       1     0    1      50.0
    2025            3   3:   0     1     0     0    2       0.0   0                         None
    2024 goal 1     4   3:   2     1                       66.7   1:                   1       0.0
    2024 goal 2     4   3:               1     1    1       0.0   1:       1               100.0
    2024 MSHMS      4   3:   2                 1          100.0   1:       1               100.0
    2024 AKPA       3   2:         1     1                  0.0   1:                   1       0.0
    2024 MB         1   1:                          1       0.0   0                         None
    (A3 stays on_track in 2024 and 2024-H2: its H1 line carries, the unapproved H2 "completed" does not count;
    A6 cancelled leaves the denominator.)

    indicator  2024 actual        progress  band       2024-H1 actual  progress  band       2025
    I1         190 (F 100, M 90)  90.0      on_track   130 (F 70, M 60) 30.0     off_track  no_data
    I2         35                 75.0      at_risk    -               -         no_data    no_data
    I3         40                 50.0      off_track  -               -         no_data    no_target
    I4         0 (not the         0.0       off_track  0               0.0       off_track  no_data
               unapproved 1)
    (2025 has no cycle yet: no actual. Targets: the period's last year.)

    budget 2024      state  donor  other  unfunded  planned   spent: state donor other = total  exec   gap
    total            5300   2700   500    2500      11000            2850  500   100    3450     31.4   22.7
    goal 1           4500   2000   0      500       7000             2600  200   0      2800
    goal 2           800    700    500    2000      4000             250   300   100    650
    MSHMS            3500   1000   500    2000      7000             2450  500   0      2950
    AKPA             1800   1000   0      500       3300             400   0     100    500
    MB               0      700    0      0         700              0     0     0      0
    2024-H1: planned as 2024 (11000), spent 1900 + 500 + 100 = 2500.   2025: planned 5000 + 2000 + 1000 = 8000,
    spent 0.
    GCM 1: planned 4000 spent 2400; GCM 2: 5000 / 2400; GCM 5: 4000 / 650; GCM 7: 2000 (all unfunded) / 300;
    GCM 18: 2000 / 400.

    GCM alignment 2024 (the 8 activities in 2024): GCM 1: 2 activities, 1 indicator (I1); GCM 2: 3 (A1 A2 A4),
    2 (I1 I2); GCM 5: 4 (A5-A8), 1 (I3); GCM 7: 1 (A6), 0, nothing funded; GCM 18: 1 (A3), 0. The other 18 are
    empty. Gender markers 0: 4, 1: 2, 2: 2 (50.0 / 25.0 / 25.0 %); principles g 4 (50.0), h 2 (25.0), f 1 (12.5).

    compliance   2024-H1   2024-H2   on-time rate
    AKPA         on_time   late      50.0
    MB           pending   missing   0.0
    MSHMS        on_time   late      50.0
"""

import datetime
import types
from decimal import Decimal

import pytest
from django.utils import timezone

from nsm.monitoring import services
from nsm.monitoring.models import ProgressReport
from nsm.reference.models import DisaggregationCategory, DisaggregationDimension, GcmObjective, SdgTarget, TargetGroup
from nsm.strategy.models import ActivityBudget, Indicator
from tests.factories import (
    ActivityBudgetFactory,
    ActivityFactory,
    GoalFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    InstitutionFactory,
    MeasureFactory,
    ObjectiveFactory,
)

D = Decimal

STATE, DONOR, OTHER, UNFUNDED = (
    ActivityBudget.Source.STATE_BUDGET,
    ActivityBudget.Source.DONOR,
    ActivityBudget.Source.OTHER,
    ActivityBudget.Source.UNFUNDED,
)

# name: (code, measure, lead, (start year, quarter), (end year, quarter), gender marker, target groups, own GCM)
ACTIVITIES = {
    "A1": ("1.1.1.1", "1.1.1", "MSHMS", (2024, 1), (2024, 2), 2, ("women", "trafficking_victims"), ()),
    "A2": ("1.1.1.2", "1.1.1", "MSHMS", (2024, 1), (2024, 4), 1, ("youth",), ()),
    "A3": ("1.1.2.1", "1.1.2", "AKPA", (2024, 1), (2024, 4), 0, ("returnees",), (18,)),
    "A4": ("1.1.2.2", "1.1.2", "AKPA", (2024, 3), (2025, 4), 0, (), ()),
    "A5": ("2.1.1.1", "2.1.1", "MSHMS", (2024, 1), (2025, 2), 1, ("unaccompanied_children",), ()),
    "A6": ("2.1.1.2", "2.1.1", "MSHMS", (2024, 1), (2024, 4), 0, ("returnees",), (5, 7)),
    "A7": ("2.1.1.3", "2.1.1", "AKPA", (2024, 1), (2024, 2), 0, (), ()),
    "A8": ("2.1.1.4", "2.1.1", "MB", (2024, 1), (2024, 4), 2, ("women",), ()),
    "A9": ("2.1.1.5", "2.1.1", "MSHMS", (2025, 1), (2025, 4), 0, (), ()),
}

BUDGET = {
    "A1": [(2024, STATE, 1000)],
    "A2": [(2024, STATE, 2000), (2024, DONOR, 1000)],
    "A3": [(2024, STATE, 1500), (2024, UNFUNDED, 500)],
    "A4": [(2024, DONOR, 1000), (2025, DONOR, 2000), (2025, UNFUNDED, 1000)],
    "A5": [(2024, STATE, 500), (2024, OTHER, 500), (2025, STATE, 1000)],
    "A6": [(2024, UNFUNDED, 2000)],
    "A7": [(2024, STATE, 300)],
    "A8": [(2024, DONOR, 700)],
    "A9": [(2025, STATE, 4000)],
}


def sex_categories():
    """The female and male categories of the sex dimension."""
    return (
        DisaggregationCategory.objects.get(dimension__code="sex", code="female"),
        DisaggregationCategory.objects.get(dimension__code="sex", code="male"),
    )


def line(activity, status, percent=None, *, state=None, donor=None, other=None, narrative_sq="Reported."):
    return services.ActivityLineInput(
        activity.pk,
        status=status,
        percent_complete=percent,
        spent_state_budget=None if state is None else D(state),
        spent_donor=None if donor is None else D(donor),
        spent_other=None if other is None else D(other),
        narrative_sq=narrative_sq,
    )


def value(indicator, total, cells=None):
    return services.IndicatorLineInput(
        indicator.pk, total=D(total), cells={pk: D(v) for pk, v in (cells or {}).items()}, source="Records"
    )


def report_of(cycle, code):
    return ProgressReport.objects.get(cycle=cycle, institution__code=code)


def file_report(report, user, *, activities=(), indicators=(), approve_by=None):
    """Save the lines through the service, submit, and approve when `approve_by` is given."""
    services.save_report(report, by=user, version=report.version, activities=activities, indicators=indicators)
    report.refresh_from_db()
    report = services.submit_report(report, by=user, version=report.version)
    if approve_by is not None:
        report = services.approve_report(report, by=approve_by, version=report.version)
    return report


def open_half_year(strategy, secretariat, year, half, *, opens_on, due_on):
    cycle = services.create_cycle(
        strategy, by=secretariat, kind="half_year", year=year, half=half, opens_on=opens_on, due_on=due_on
    )
    services.open_cycle(cycle, by=secretariat)
    cycle.refresh_from_db()
    return cycle


@pytest.fixture
def approved_plan(strategy, secretariat, focal_point, other_focal_point):
    """The plan, cycles and reports of the module docstring; a SimpleNamespace with strategy, goals, objectives,
    measures, activities ("A1".."A9"), indicators ("I1".."I4"), cycles ("H1", "H2"), reports ("H1 MSHMS", ...),
    institutions ("MSHMS", "AKPA", "MB"), gcm (number -> objective), sdg (code -> target), users."""
    mshms, akpa, mb = (InstitutionFactory(code=code) for code in ("MSHMS", "AKPA", "MB"))
    institutions = {"MSHMS": mshms, "AKPA": akpa, "MB": mb}
    gcm = {obj.number: obj for obj in GcmObjective.objects.all()}
    sdg = {target.code: target for target in SdgTarget.objects.filter(code__in=["10.7", "8.8"])}
    groups = {group.code: group for group in TargetGroup.objects.all()}

    goal1 = GoalFactory(strategy=strategy, code="1")
    goal2 = GoalFactory(strategy=strategy, code="2")
    goal1.sdg_targets.add(sdg["10.7"], sdg["8.8"])
    goal2.sdg_targets.add(sdg["10.7"])
    objective11 = ObjectiveFactory(parent=goal1, code="1.1")
    objective11.gcm_objectives.add(gcm[2])
    objective21 = ObjectiveFactory(parent=goal2, code="2.1")
    measures = {
        "1.1.1": MeasureFactory(parent=objective11, code="1.1.1"),
        "1.1.2": MeasureFactory(parent=objective11, code="1.1.2"),
        "2.1.1": MeasureFactory(parent=objective21, code="2.1.1"),
    }
    measures["1.1.1"].gcm_objectives.add(gcm[1])
    measures["2.1.1"].gcm_objectives.add(gcm[5])

    activities = {}
    for name, (code, measure, lead, start, end, marker, target_groups, own_gcm) in ACTIVITIES.items():
        activity = ActivityFactory(
            measure=measures[measure],
            code=code,
            lead=institutions[lead],
            start_year=start[0],
            start_quarter=start[1],
            end_year=end[0],
            end_quarter=end[1],
            gender_marker=marker,
        )
        activity.target_groups.add(*(groups[group] for group in target_groups))
        activity.gcm_objectives.add(*(gcm[number] for number in own_gcm))
        for year, source, amount in BUDGET[name]:
            ActivityBudgetFactory(
                activity=activity,
                year=year,
                source=source,
                amount=D(amount),
                donor="EU" if source == DONOR else "",
            )
        activities[name] = activity

    sex = DisaggregationDimension.objects.get(code="sex")
    female, male = sex_categories()
    indicators = {
        "I1": IndicatorFactory(
            result=measures["1.1.1"], code="I.1", responsible=mshms, baseline=D(100), baseline_year=2023,
            frequency=Indicator.Frequency.SEMIANNUAL,
        ),
        "I2": IndicatorFactory(
            result=objective11, code="I.2", responsible=mshms, baseline=D(50), baseline_year=2023,
            direction=Indicator.Direction.DECREASE,
        ),
        "I3": IndicatorFactory(
            result=measures["2.1.1"], code="I.3", responsible=mshms, baseline=D(20), baseline_year=2023,
            value_type=Indicator.ValueType.PERCENT, unit_en="%",
        ),
        "I4": IndicatorFactory(
            result=goal2, code="I.4", responsible=akpa, baseline=D(0), baseline_year=2023,
            value_type=Indicator.ValueType.YES_NO, unit_en="", frequency=Indicator.Frequency.SEMIANNUAL,
        ),
    }  # fmt: skip
    indicators["I1"].disaggregation.add(sex)
    for name, targets in {"I1": (200, 300), "I2": (30, 20), "I3": (60, None), "I4": (1, 1)}.items():
        for year, target in zip((2024, 2025), targets, strict=True):
            if target is not None:
                IndicatorTargetFactory(indicator=indicators[name], year=year, value=D(target))

    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    h1 = open_half_year(strategy, secretariat, 2024, 1, opens_on=today - 10 * day, due_on=today + 30 * day)
    a, i = activities, indicators
    reports = {
        "H1 MSHMS": file_report(
            report_of(h1, "MSHMS"),
            focal_point,
            activities=[
                line(a["A1"], "completed", 100, state=1000),
                line(a["A2"], "on_track", 40, state=500, donor=200),
                line(a["A5"], "not_started", 0),
                line(a["A6"], "on_track", 20, donor=300),
            ],
            indicators=[value(i["I1"], 130, {female.pk: 70, male.pk: 60})],
            approve_by=secretariat,
        ),
        "H1 AKPA": file_report(
            report_of(h1, "AKPA"),
            other_focal_point,
            activities=[
                line(a["A3"], "on_track", 50, state=400),
                line(a["A7"], "delayed", 30, other=100, narrative_sq="Waiting for the premises."),
            ],
            indicators=[value(i["I4"], 0)],
            approve_by=secretariat,
        ),
        "H1 MB": report_of(h1, "MB"),
    }
    h2 = open_half_year(strategy, secretariat, 2024, 2, opens_on=today - 30 * day, due_on=today - day)
    reports["H2 MSHMS"] = file_report(
        report_of(h2, "MSHMS"),
        focal_point,
        activities=[
            line(a["A2"], "completed", 100, state=700),
            line(a["A5"], "on_track", 30, state=250),
            line(a["A6"], "cancelled", narrative_sq="Merged into another programme."),
        ],
        indicators=[
            value(i["I1"], 190, {female.pk: 100, male.pk: 90}),
            value(i["I2"], 35),
            value(i["I3"], 40),
        ],
        approve_by=secretariat,
    )
    reports["H2 AKPA"] = file_report(  # submitted, never approved: none of it counts
        report_of(h2, "AKPA"),
        other_focal_point,
        activities=[line(a["A3"], "completed", 100, state=9999), line(a["A4"], "on_track", 10, donor=8888)],
        indicators=[value(i["I4"], 1)],
    )
    reports["H2 MB"] = report_of(h2, "MB")

    return types.SimpleNamespace(
        strategy=strategy,
        goals={"1": goal1, "2": goal2},
        objectives={"1.1": objective11, "2.1": objective21},
        measures=measures,
        activities=activities,
        indicators=indicators,
        cycles={"H1": h1, "H2": h2},
        reports=reports,
        institutions=institutions,
        gcm=gcm,
        sdg=sdg,
        target_groups=groups,
        users={"focal_point": focal_point, "other_focal_point": other_focal_point, "secretariat": secretariat},
        female=female,
        male=male,
    )


def grow(plan):
    """More of everything, for query counts at a second data size: a new lead institution (MZHE) with three
    activities, three more AKPA activities, two more indicators, and an approved 2025-H1 report of MSHMS.
    Returns the new cycle."""
    extra = InstitutionFactory(code="MZHE")
    for index in range(3):
        ActivityFactory(
            measure=plan.measures["1.1.2"], code=f"1.1.2.{index + 10}", lead=extra, start_year=2024, end_year=2025
        ).gcm_objectives.add(plan.gcm[3])
        activity = ActivityFactory(
            measure=plan.measures["2.1.1"],
            code=f"2.1.1.{index + 10}",
            lead=plan.institutions["AKPA"],
            start_year=2024,
            end_year=2024,
            gender_marker=2,
        )
        activity.target_groups.add(plan.target_groups["youth"])
        ActivityBudgetFactory(activity=activity, year=2024, amount=D(100))
    for index in range(2):
        indicator = IndicatorFactory(
            result=plan.measures["1.1.2"], code=f"I.9{index}", responsible=extra, baseline_year=2023
        )
        IndicatorTargetFactory(indicator=indicator, year=2025, value=D(10))
    secretariat = plan.users["secretariat"]
    cycle = open_half_year(
        plan.strategy, secretariat, 2025, 1, opens_on=plan.cycles["H1"].opens_on, due_on=plan.cycles["H1"].due_on
    )
    file_report(
        report_of(cycle, "MSHMS"),
        plan.users["focal_point"],
        activities=[
            line(plan.activities["A5"], "completed", 100, state=50),
            line(plan.activities["A9"], "on_track", 10),
        ],
        indicators=[value(plan.indicators["I1"], 250)],
        approve_by=secretariat,
    )
    return cycle


LOCMEM_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "nsm-tests"}}


@pytest.fixture
def locmem_cache(settings):
    """The cache in this process's memory instead of the database's table (settings.CACHES): for the tests that pin
    the queries of a page itself, which the cache's own reads and writes (queries with the database cache) would
    blur. Emptied first: a memory cache outlives the settings that named it."""
    from django.core.cache import cache

    settings.CACHES = LOCMEM_CACHE
    cache.clear()
    yield
    cache.clear()
