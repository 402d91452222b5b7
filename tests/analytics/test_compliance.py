"""Reporting compliance: per institution and cycle, on time, late, missing or not yet due."""

import datetime
from decimal import Decimal

from nsm.analytics.compliance import LATE, MISSING, ON_TIME, PENDING, compliance
from nsm.monitoring import services
from nsm.monitoring.models import ReportingCycle
from tests.analytics.conftest import grow


def states(result):
    return {row.code: [row.cells.get(cycle.pk) for cycle in result.cycles] for row in result.rows}


def test_compliance_of_the_plan(approved_plan):
    plan = approved_plan
    result = compliance(plan.strategy)
    assert [cycle.pk for cycle in result.cycles] == [plan.cycles["H1"].pk, plan.cycles["H2"].pk]
    assert states(result) == {
        "AKPA": [ON_TIME, LATE],  # H2 submitted late, never approved: submitted all the same
        "MB": [PENDING, MISSING],
        "MSHMS": [ON_TIME, LATE],
    }
    assert [row.code for row in result.rows] == ["AKPA", "MB", "MSHMS"]
    rates = {row.code: row.on_time_rate for row in result.rows}
    assert rates == {"AKPA": Decimal("50.0"), "MB": Decimal("0.0"), "MSHMS": Decimal("50.0")}
    assert result.totals() == {
        plan.cycles["H1"].pk: {ON_TIME: 2, LATE: 0, MISSING: 0, PENDING: 1},
        plan.cycles["H2"].pk: {ON_TIME: 0, LATE: 2, MISSING: 1, PENDING: 0},
    }


def test_a_report_is_missing_once_its_due_date_has_passed(approved_plan):
    plan = approved_plan
    later = plan.cycles["H1"].due_on + datetime.timedelta(days=1)
    assert states(compliance(plan.strategy, today=later))["MB"] == [MISSING, MISSING]
    on_the_day = plan.cycles["H1"].due_on
    assert states(compliance(plan.strategy, today=on_the_day))["MB"] == [PENDING, MISSING]


def test_a_returned_report_stays_submitted(approved_plan):
    plan = approved_plan
    report = plan.reports["H2 AKPA"]
    report.refresh_from_db()
    services.return_report(report, by=plan.users["secretariat"], reason="Check A3.", version=report.version)
    assert states(compliance(plan.strategy))["AKPA"] == [ON_TIME, LATE]


def test_compliance_narrowed_to_an_institution_and_cycles(approved_plan):
    plan = approved_plan
    result = compliance(plan.strategy, institution=plan.institutions["MB"])
    assert states(result) == {"MB": [PENDING, MISSING]}
    assert result.rows[0].count(MISSING) == 1
    only_h2 = compliance(plan.strategy, cycles=ReportingCycle.objects.filter(pk=plan.cycles["H2"].pk))
    assert states(only_h2) == {"AKPA": [LATE], "MB": [MISSING], "MSHMS": [LATE]}


def test_planned_cycles_are_left_out(approved_plan):
    plan = approved_plan
    services.create_cycle(
        plan.strategy, by=plan.users["secretariat"], kind="half_year", year=2026, half=1,
        opens_on=plan.cycles["H1"].opens_on, due_on=plan.cycles["H1"].due_on,
    )  # fmt: skip
    assert len(compliance(plan.strategy).cycles) == 2


def test_compliance_runs_in_two_queries(approved_plan, django_assert_num_queries):
    with django_assert_num_queries(2):
        compliance(approved_plan.strategy)
    grow(approved_plan)
    with django_assert_num_queries(2):
        bigger = compliance(approved_plan.strategy)
    assert len(bigger.cycles) == 3
    assert states(bigger)["MZHE"] == [None, None, PENDING]
    assert states(bigger)["MSHMS"] == [ON_TIME, LATE, ON_TIME]
