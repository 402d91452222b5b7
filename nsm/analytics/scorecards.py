"""Each institution's scorecard for a period (issue 18, item 7): the activities it leads by status, its reports on
time, its spending against plan. The three roll-ups that the dashboard already reads (implementation and budget by
lead institution, reporting compliance), put side by side: six queries however many institutions and activities."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from nsm.accounts.models import Institution
from nsm.analytics.budget import BudgetRow, budget
from nsm.analytics.compliance import LATE, MISSING, ON_TIME, PENDING, Compliance, ComplianceRow, compliance
from nsm.analytics.groups import Filters
from nsm.analytics.implementation import ImplementationRow, StatusCounts, implementation
from nsm.analytics.periods import Period
from nsm.monitoring.models import ReportingCycle
from nsm.strategy.models import Strategy


@dataclass(frozen=True)
class Scorecard:
    institution_id: int
    code: str
    name: str
    activities: ImplementationRow  # the activities it leads in the period, due and ongoing, by status
    reporting: ComplianceRow  # its reports of the period's cycles: on time, late, missing, not yet due
    money: BudgetRow  # planned and spent in the period on the activities it leads

    @property
    def by_status(self) -> StatusCounts:
        return self.activities.by_status

    @property
    def on_time(self) -> int:
        return self.reporting.count(ON_TIME)

    @property
    def late(self) -> int:
        return self.reporting.count(LATE)

    @property
    def missing(self) -> int:
        return self.reporting.count(MISSING)

    @property
    def pending(self) -> int:
        return self.reporting.count(PENDING)

    @property
    def reports_due(self) -> int:
        return self.on_time + self.late + self.missing

    @property
    def execution_rate(self) -> Decimal | None:
        return self.money.execution_rate


@dataclass(frozen=True)
class Scorecards:
    cycles: tuple[ReportingCycle, ...]
    cards: tuple[Scorecard, ...]


def empty_scorecard(institution: Institution) -> Scorecard:
    """The scorecard of an institution with nothing in the period: no activity, report or cost."""
    pk, code, name = institution.pk, institution.code, institution.name
    return Scorecard(pk, code, name, ImplementationRow(pk, name, code=code), ComplianceRow(pk, code, name),
                     BudgetRow(pk, name, code=code))  # fmt: skip


def period_cycles(strategy: Strategy, period: Period) -> QuerySet[ReportingCycle]:
    """The reporting cycles that lie within the period (a year's cycle is not within one of its halves)."""
    cycles = ReportingCycle.objects.filter(strategy=strategy, year__gte=period.first_year, year__lte=period.last_year)
    return cycles.filter(half=period.half) if period.half else cycles


def scorecards(
    strategy: Strategy, period: Period, filters: Filters | None = None, institution: Institution | None = None
) -> Scorecards:
    """A scorecard for every institution that leads an activity in the period or owes a report of its cycles, in the
    order of their codes; `filters` (goal, lead institution, GCM objective) and `institution` (of the reports) as on
    the dashboard."""
    filters = filters or Filters(strategy_id=strategy.pk)
    led = implementation(filters, period, "institution")
    money = budget(filters, period, "institution", known=led.groups)
    reports: Compliance = compliance(strategy, cycles=period_cycles(strategy, period), institution=institution)
    names = {row.key: (row.code, row.label.partition(": ")[2] or row.label) for row in led.rows}  # "CODE: name"
    names.update({row.institution_id: (row.code, row.name) for row in reports.rows})
    activities = {row.key: row for row in led.rows}
    spending = {row.key: row for row in money.rows}
    reporting = {row.institution_id: row for row in reports.rows}
    cards = [
        Scorecard(
            institution_id=pk,
            code=code,
            name=name,
            activities=activities.get(pk) or ImplementationRow(pk, name, code=code),
            reporting=reporting.get(pk) or ComplianceRow(pk, code, name),
            money=spending.get(pk) or BudgetRow(pk, name, code=code),
        )
        for pk, (code, name) in names.items()
        if pk is not None
    ]
    return Scorecards(reports.cycles, tuple(sorted(cards, key=lambda card: (card.code, card.institution_id))))
