"""The plan through the API: strategies, their results tree, activities and indicators with their targets.

Read-only. Who sees what is the pages' rule: every internal role of the strategy's country (`visible_to`); anything
else answers 404, the same as what does not exist. Every list is a page (`count`, `limit`, `offset`, `items`) read in
a fixed number of queries whatever its length. Amounts are strings with two decimals.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from ninja import Query, Router

from nsm.accounts import access
from nsm.api import schemas
from nsm.api.auth import AuthenticatedRequest
from nsm.api.errors import error_responses
from nsm.strategy.models import Activity, ActivityBudget, Indicator, IndicatorTarget, Result, Strategy
from nsm.strategy.selectors import bodies_prefetch

router = Router(tags=["plan"])


def strategy_for(request: AuthenticatedRequest, code: str) -> Strategy:
    """The strategy if the caller may see it; else 404."""
    return access.get_for_user(Strategy.objects.all(), request.auth, code, field="code")


def _under(code: str, field: str) -> Q:
    """`field` is the result `code` or one under it (`1.1` takes `1.1`, `1.1.2`, not `1.10`)."""
    code = code.strip().rstrip(".")
    return Q(**{field: code}) | Q(**{f"{field}__startswith": f"{code}."})


def _activities(queryset: QuerySet[Activity]) -> QuerySet[Activity]:
    return queryset.select_related("strategy", "lead", "measure").prefetch_related(
        bodies_prefetch(),
        "target_groups",
        "gcm_objectives",
        "measure__gcm_objectives",
        Prefetch("budget_lines", queryset=ActivityBudget.objects.order_by("year", "source", "donor")),
    )


def _indicators(queryset: QuerySet[Indicator]) -> QuerySet[Indicator]:
    return queryset.select_related("strategy", "result", "activity", "responsible").prefetch_related(
        "disaggregation", Prefetch("targets", queryset=IndicatorTarget.objects.order_by("year"))
    )


def _page(queryset: QuerySet[Any], page: schemas.Page, out: Any) -> dict[str, Any]:
    items = [out(item) for item in queryset[page.offset : page.offset + page.limit]]
    return schemas.page_out(items, queryset.count(), page)


# --- Strategies ---


@router.get("/strategies", response={200: schemas.StrategyPage, **error_responses()})
def list_strategies(request: AuthenticatedRequest, filters: Query[schemas.StrategyFilters]) -> dict[str, Any]:
    """The strategies you may see (those of your country), the newest first."""
    strategies = Strategy.objects.visible_to(request.auth)
    if filters.status:
        strategies = strategies.filter(status=filters.status)
    if filters.country:
        strategies = strategies.filter(country__iexact=filters.country)
    return _page(strategies.order_by("-start_year", "code"), filters, schemas.strategy_info_out)


@router.get("/strategies/{code}", response={200: schemas.StrategyInfoOut, **error_responses(404)})
def get_strategy(request: AuthenticatedRequest, code: str) -> dict[str, Any]:
    """A strategy: its years, the years of its action plan, status, currency."""
    return schemas.strategy_info_out(strategy_for(request, code))


@router.get("/strategies/{code}/results", response={200: schemas.ResultPage, **error_responses(404)})
def list_results(request: AuthenticatedRequest, code: str, filters: Query[schemas.ResultFilters]) -> dict[str, Any]:
    """The results framework flattened in code order, on every level above the activities (goals, objectives,
    measures, or the plan's own levels), each with its level, its parent's code, its GCM objectives and SDG
    targets."""
    strategy = strategy_for(request, code)
    results = Result.objects.visible_to(request.auth).filter(strategy=strategy)
    if filters.depth:
        results = results.filter(depth=filters.depth)
    results = (
        results.select_related("parent", "strategy")
        .prefetch_related("gcm_objectives", "sdg_targets")
        .order_by("sort_key")
    )
    return _page(results, filters, schemas.result_out)


# --- Activities ---


@router.get("/strategies/{code}/activities", response={200: schemas.ActivityPage, **error_responses(404)})
def list_activities(
    request: AuthenticatedRequest, code: str, filters: Query[schemas.ActivityFilters]
) -> dict[str, Any]:
    """The activities in code order, with their responsible institutions in the plan's order (`lead` the one that
    reports: the marked lead, else the first), their supporting institutions (`partners`) in order, timeframe,
    gender marker, target groups, GCM objectives and the budget lines per year and source. `institution` filters
    on the lead."""
    strategy = strategy_for(request, code)
    activities = Activity.objects.visible_to(request.auth).filter(strategy=strategy)
    if filters.measure:
        activities = activities.filter(_under(filters.measure, "measure__code"))
    if filters.institution:
        activities = activities.filter(lead__code__iexact=filters.institution)
    if filters.gcm is not None:
        own = Activity.gcm_objectives.through.objects.filter(activity_id=OuterRef("pk"))
        of_measure = Result.gcm_objectives.through.objects.filter(
            result_id=OuterRef("measure_id"), gcmobjective__number=filters.gcm
        )
        activities = activities.filter(
            Exists(own.filter(gcmobjective__number=filters.gcm)) | (~Exists(own) & Exists(of_measure))
        )
    if filters.year is not None:
        activities = activities.filter(start_year__lte=filters.year, end_year__gte=filters.year)
    return _page(_activities(activities).order_by("sort_key"), filters, schemas.activity_out)


@router.get("/activities/{activity_id}", response={200: schemas.ActivityOut, **error_responses(404)})
def get_activity(request: AuthenticatedRequest, activity_id: schemas.PathId) -> dict[str, Any]:
    """One activity, as listed."""
    return schemas.activity_out(access.get_for_user(_activities(Activity.objects.all()), request.auth, activity_id))


# --- Indicators ---


@router.get("/strategies/{code}/indicators", response={200: schemas.IndicatorPage, **error_responses(404)})
def list_indicators(
    request: AuthenticatedRequest, code: str, filters: Query[schemas.IndicatorFilters]
) -> dict[str, Any]:
    """The indicators in the tree's order, with baseline, unit, direction, frequency, responsible institution,
    disaggregation and the target of each year."""
    strategy = strategy_for(request, code)
    indicators = Indicator.objects.visible_to(request.auth).filter(strategy=strategy)
    if filters.result:
        indicators = indicators.filter(_under(filters.result, "result__code"))
    if filters.institution:
        indicators = indicators.filter(responsible__code__iexact=filters.institution)
    if filters.kind:
        indicators = indicators.filter(kind=filters.kind)
    indicators = _indicators(indicators).order_by("result__sort_key", "sort_key")
    return _page(indicators, filters, schemas.indicator_out)


@router.get("/indicators/{indicator_id}", response={200: schemas.IndicatorOut, **error_responses(404)})
def get_indicator(request: AuthenticatedRequest, indicator_id: schemas.PathId) -> dict[str, Any]:
    """One indicator, as listed."""
    return schemas.indicator_out(access.get_for_user(_indicators(Indicator.objects.all()), request.auth, indicator_id))
