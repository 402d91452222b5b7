"""A reporting cycle opened on a small plan: the fixtures every monitoring test starts from.

The plan: measure 1.1.1 with two activities led by MSHMS (the `focal_point`'s institution) and one led by AKPA (the
`other_focal_point`'s); indicators owned by MSHMS (a count disaggregated by sex, a percentage) and by AKPA (yes/no).
The cycle is 2024-H2 (annual indicators fall due at the end of a year), opened by the secretariat, due in 30 days.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from nsm.accounts.models import Membership
from nsm.monitoring import services
from nsm.monitoring.models import ProgressReport
from nsm.reference.models import DisaggregationDimension
from nsm.strategy.models import Indicator
from tests.factories import (
    ActivityFactory,
    IndicatorFactory,
    InstitutionFactory,
    MeasureFactory,
    MembershipFactory,
    UserFactory,
)


def build_plan(strategy, institutions, activities_each=2):
    """Activities (2024-2025) and a disaggregated count indicator for each institution code given."""
    measure = MeasureFactory(
        parent__parent__strategy=strategy, parent__code="1.1", parent__parent__code="1", code="1.1.1"
    )
    sex = DisaggregationDimension.objects.get(code="sex")
    for index, code in enumerate(institutions):
        institution = InstitutionFactory(code=code, country=strategy.country)
        for _n in range(activities_each):
            ActivityFactory(measure=measure, lead=institution)
        indicator = IndicatorFactory(result=measure, code=f"1.1.1.{index + 1}", responsible=institution)
        indicator.disaggregation.add(sex)
    return measure


@pytest.fixture
def cycle(strategy, secretariat, focal_point, other_focal_point):
    measure = build_plan(strategy, ["MSHMS", "AKPA"])
    mshms = InstitutionFactory(code="MSHMS")
    akpa = InstitutionFactory(code="AKPA")
    IndicatorFactory(
        result=measure, code="1.1.1.p", responsible=mshms, value_type=Indicator.ValueType.PERCENT, unit_en="%"
    )
    IndicatorFactory(
        result=measure, code="1.1.1.y", responsible=akpa, value_type=Indicator.ValueType.YES_NO, unit_en="", baseline=0
    )
    return open_half_year(strategy, secretariat)


def open_half_year(strategy, secretariat):
    """The 2024-H2 cycle of `strategy`, opened ten days ago by the secretariat and due in 30 days."""
    today = timezone.localdate()
    made = services.create_cycle(
        strategy,
        by=secretariat,
        kind="half_year",
        year=2024,
        half=2,
        opens_on=today - datetime.timedelta(days=10),
        due_on=today + datetime.timedelta(days=30),
    )
    services.open_cycle(made, by=secretariat)
    made.refresh_from_db()
    return made


@pytest.fixture
def report(cycle):
    """The focal point's (MSHMS) report."""
    return ProgressReport.objects.get(cycle=cycle, institution__code="MSHMS")


@pytest.fixture
def other_report(cycle):
    """Another institution's (AKPA) report."""
    return ProgressReport.objects.get(cycle=cycle, institution__code="AKPA")


def complete_inputs(report):
    """Valid values for every line of `report`: what a diligent focal point submits."""
    from nsm.monitoring import selectors

    detail = selectors.report_detail(report)
    activities = [
        services.ActivityLineInput(
            line.activity.pk,
            status="on_track",
            percent_complete=50,
            spent_state_budget=Decimal("1000.00"),
            narrative_sq="Going well.",
        )
        for line in detail.activities
    ]
    indicators = []
    for line in detail.indicators:
        if line.indicator.value_type == Indicator.ValueType.YES_NO:
            indicators.append(services.IndicatorLineInput(line.indicator.pk, total=Decimal(1), source="Records"))
        elif line.cells:
            cells = {cell.category.pk: Decimal(5) for cell in line.cells}
            indicators.append(
                services.IndicatorLineInput(
                    line.indicator.pk, total=Decimal(5 * len(line.cells)), cells=cells, source="Registry"
                )
            )
        else:
            indicators.append(services.IndicatorLineInput(line.indicator.pk, total=Decimal("42.5"), source="Survey"))
    return activities, indicators


def fill(report, user):
    """Save valid values on every line; returns the report reloaded."""
    activities, indicators = complete_inputs(report)
    services.save_report(report, by=user, version=report.version, activities=activities, indicators=indicators)
    report.refresh_from_db()
    return report


@pytest.fixture
def colleague(db):
    """A second focal point of MSHMS, Arta Kola: two people fill in the same report."""
    user = UserFactory(username="colleague", first_name="Arta", last_name="Kola")
    MembershipFactory(user=user, institution=InstitutionFactory(code="MSHMS"), role=Membership.Role.FOCAL_POINT)
    return user
