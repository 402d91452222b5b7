"""The analysis roll-ups through the API, from the same `nsm.analytics` functions as the pages.

`/strategies/{code}/implementation`, `/indicators/achievement`, `/budget`, `/compliance`, `/gcm-alignment`.
Who may read them is the pages' rule: the secretariat, the coordinator and viewers of the strategy's country
(approved data only); anyone else gets 404. Amounts are strings with two decimals (no floating point on money).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from nsm.accounts.models import Institution
from nsm.analytics import alignment, budget, compliance, implementation, indicators
from nsm.analytics.groups import Filters
from nsm.analytics.periods import Period
from nsm.analytics.views_common import StampedStrategy, latest_reported_period, strategy_for_analyst
from nsm.api.auth import AuthenticatedRequest
from nsm.api.errors import ApiError, error_responses
from nsm.api.schemas import Id
from nsm.reference.models import GcmObjective
from nsm.strategy.models import Result

router = Router(tags=["analysis"])

Dimension = Literal["goal", "objective", "measure", "institution", "gcm", "sdg", "target_group", "gender_marker"]


class Scope(Schema):
    period: str | None = Field(
        None,
        pattern=r"^\d{4}(-H[12])?$",
        description="2025 or 2025-H1; the latest year with approved data if left out.",
    )
    goal: Id | None = Field(None, description="A goal's id.")
    institution: str | None = Field(None, description="A lead (or responsible) institution's code, e.g. MSHMS.")
    gcm: int | None = Field(None, ge=1, le=23, description="A GCM objective's number.")


class GroupedScope(Scope):
    by: Dimension | None = Field(None, description="Group the figures by this dimension.")


class BudgetScope(Scope):
    by: Dimension | Literal["year"] | None = Field(None, description="Group the figures by this dimension or year.")


class StatusCountsOut(Schema):
    completed: int
    on_track: int
    delayed: int
    not_started: int
    cancelled: int
    withdrawn: int
    not_reported: int
    total: int


class ImplementationRowOut(Schema):
    key: int | None
    code: str
    label: str
    due: StatusCountsOut
    ongoing: StatusCountsOut
    rate: Decimal | None = Field(description="Completed / (due - cancelled - withdrawn), in %.")
    on_schedule_rate: Decimal | None = Field(
        description="Ongoing on track or completed / (ongoing - cancelled - withdrawn), %."
    )


class ImplementationOut(Schema):
    strategy: str
    period: str
    by: str | None
    total: ImplementationRowOut
    rows: list[ImplementationRowOut]


class CellOut(Schema):
    dimension: str
    category: str
    value: Decimal | None


class AchievementOut(Schema):
    indicator_id: int
    code: str
    name: str
    unit: str
    value_type: str
    direction: str
    baseline: Decimal | None
    baseline_year: int | None
    target: Decimal | None
    actual: Decimal | None
    progress: Decimal | None = Field(description="Progress from the baseline towards the target, in %.")
    band: Literal["on_track", "at_risk", "off_track", "no_data", "no_target"]
    cells: list[CellOut]


class AchievementPage(Schema):
    strategy: str
    period: str
    band_width: Decimal
    items: list[AchievementOut]


class BudgetRowOut(Schema):
    key: int | None
    code: str
    label: str
    planned: str
    planned_state_budget: str
    planned_donor: str
    planned_other: str
    unfunded: str
    spent: str
    spent_state_budget: str
    spent_donor: str
    spent_other: str
    execution_rate: Decimal | None
    gap_share: Decimal | None


class BudgetOut(Schema):
    strategy: str
    period: str
    currency: str
    by: str | None
    total: BudgetRowOut
    rows: list[BudgetRowOut]


class ComplianceCycleOut(Schema):
    id: int
    label: str
    due_on: str


class ComplianceRowOut(Schema):
    institution: str
    name: str
    cycles: dict[str, Literal["on_time", "late", "missing", "pending"]] = Field(description="Cycle label -> state.")
    on_time_rate: Decimal | None


class ComplianceOut(Schema):
    strategy: str
    cycles: list[ComplianceCycleOut]
    rows: list[ComplianceRowOut]


class GcmRowOut(Schema):
    number: int
    title: str
    activities: int
    indicators: int
    planned: str
    unfunded: str
    spent: str
    no_activity: bool
    no_indicator: bool
    no_funding: bool


class AlignmentOut(Schema):
    strategy: str
    period: str
    covered: int = Field(description="Objectives with at least one activity.")
    objectives: list[GcmRowOut]


def _strategy(request: AuthenticatedRequest, code: str) -> StampedStrategy:
    return strategy_for_analyst(request.auth, code)


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "invalid", message, [{"field": field, "line": None, "message": message}])


def _scope(strategy: StampedStrategy, scope: Scope) -> tuple[Filters, Period]:
    """The filters and period asked for; 422 for a period outside the plan or an unknown goal, institution."""
    period = latest_reported_period(strategy)
    if scope.period:
        period = Period.parse(scope.period)
        if period.first_year not in strategy.plan_years:
            raise _invalid("period", _("The period %(period)s is not in the action plan.") % {"period": scope.period})
    goal = institution = gcm = None
    if scope.goal is not None:
        goal = Result.objects.filter(strategy=strategy, depth=1, pk=scope.goal).first()
        if goal is None:
            raise _invalid("goal", _("There is no such goal in this strategy."))
    if scope.institution:
        institution = Institution.objects.filter(country=strategy.country, code__iexact=scope.institution).first()
        if institution is None:
            raise _invalid("institution", _("There is no such institution."))
    if scope.gcm is not None:
        gcm = GcmObjective.objects.filter(number=scope.gcm).first()
    return Filters.of(strategy, goal=goal, institution=institution, gcm=gcm), period


def _counts(counts: implementation.StatusCounts) -> dict[str, int]:
    return {**dict(counts.items()), "total": counts.total}


def _implementation_row(row: implementation.ImplementationRow) -> dict[str, Any]:
    return {
        "key": row.key, "code": row.code, "label": row.label, "due": _counts(row.due),
        "ongoing": _counts(row.ongoing), "rate": row.rate, "on_schedule_rate": row.on_schedule_rate,
    }  # fmt: skip


def _budget_row(row: budget.BudgetRow) -> dict[str, Any]:
    amounts = (
        "planned", "planned_state_budget", "planned_donor", "planned_other", "unfunded",
        "spent", "spent_state_budget", "spent_donor", "spent_other",
    )  # fmt: skip
    return {
        "key": row.key, "code": row.code, "label": row.label,
        **{name: str(getattr(row, name)) for name in amounts},
        "execution_rate": row.execution_rate, "gap_share": row.gap_share,
    }  # fmt: skip


@router.get("/strategies/{code}/implementation", response={200: ImplementationOut, **error_responses(404, 422)})
def get_implementation(request: AuthenticatedRequest, code: str, scope: Query[GroupedScope]) -> dict[str, Any]:
    """Activities in the period by status, the implementation rate and the on-schedule rate; grouped with `by`."""
    strategy = _strategy(request, code)
    filters, period = _scope(strategy, scope)
    result = implementation.implementation(filters, period, scope.by)
    return {
        "strategy": strategy.code, "period": period.label, "by": scope.by,
        "total": _implementation_row(result.total), "rows": [_implementation_row(row) for row in result.rows],
    }  # fmt: skip


@router.get("/strategies/{code}/indicators/achievement", response={200: AchievementPage, **error_responses(404, 422)})
def get_achievement(request: AuthenticatedRequest, code: str, scope: Query[Scope]) -> dict[str, Any]:
    """Each indicator's baseline, target, approved actual, progress and band in the period, with its cells."""
    strategy = _strategy(request, code)
    filters, period = _scope(strategy, scope)
    items = indicators.achievement(filters, period, band_width=strategy.band_width)
    return {
        "strategy": strategy.code,
        "period": period.label,
        "band_width": strategy.band_width,
        "items": [
            {
                "indicator_id": item.indicator_id,
                "code": item.code,
                "name": item.name,
                "unit": item.unit,
                "value_type": item.value_type,
                "direction": item.direction,
                "baseline": item.baseline,
                "baseline_year": item.baseline_year,
                "target": item.target,
                "actual": item.actual,
                "progress": item.progress,
                "band": item.band,
                "cells": [{"dimension": c.dimension, "category": c.label, "value": c.value} for c in item.cells],
            }  # fmt: skip
            for item in items
        ],
    }


@router.get("/strategies/{code}/budget", response={200: BudgetOut, **error_responses(404, 422)})
def get_budget(request: AuthenticatedRequest, code: str, scope: Query[BudgetScope]) -> dict[str, Any]:
    """Planned cost by source against approved spending, the funding gap; grouped with `by`. By year without a
    period: every year of the action plan."""
    strategy = _strategy(request, code)
    filters, period = _scope(strategy, scope)
    if scope.by == "year" and not scope.period:
        period = Period.span(strategy.plan_start_year, strategy.plan_end_year)
    result = budget.budget(filters, period, scope.by)
    return {
        "strategy": strategy.code, "period": period.label, "currency": strategy.currency, "by": scope.by,
        "total": _budget_row(result.total), "rows": [_budget_row(row) for row in result.rows],
    }  # fmt: skip


@router.get("/strategies/{code}/compliance", response={200: ComplianceOut, **error_responses(404)})
def get_compliance(request: AuthenticatedRequest, code: str) -> dict[str, Any]:
    """Per institution and cycle: submitted on time, late, missing, or not yet due."""
    strategy = _strategy(request, code)
    result = compliance.compliance(strategy)
    labels = {cycle.pk: cycle.label for cycle in result.cycles}
    return {
        "strategy": strategy.code,
        "cycles": [{"id": c.pk, "label": c.label, "due_on": c.due_on.isoformat()} for c in result.cycles],
        "rows": [
            {
                "institution": row.code,
                "name": row.name,
                "cycles": {labels[cycle_id]: state for cycle_id, state in row.cells.items()},
                "on_time_rate": row.on_time_rate,
            }
            for row in result.rows
        ],
    }


@router.get("/strategies/{code}/gcm-alignment", response={200: AlignmentOut, **error_responses(404, 422)})
def get_alignment(request: AuthenticatedRequest, code: str, scope: Query[Scope]) -> dict[str, Any]:
    """The 23 GCM objectives against the plan: activities, indicators, cost, spending, and the gaps. Without a
    period: the whole action plan."""
    strategy = _strategy(request, code)
    filters, period = _scope(strategy, scope)
    if not scope.period:
        period = Period.span(strategy.plan_start_year, strategy.plan_end_year)
    result = alignment.gcm_alignment(filters, period)
    return {
        "strategy": strategy.code,
        "period": period.label,
        "covered": result.covered,
        "objectives": [
            {
                "number": row.number,
                "title": row.title,
                "activities": row.activities,
                "indicators": row.indicators,
                "planned": str(row.budget.planned),
                "unfunded": str(row.budget.unfunded),
                "spent": str(row.budget.spent),
                "no_activity": row.no_activity,
                "no_indicator": row.no_indicator,
                "no_funding": row.no_funding,
            }  # fmt: skip
            for row in result.objectives
        ],
    }
