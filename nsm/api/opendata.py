"""Open data: the approved monitoring figures of a published strategy (`Strategy.is_public`), without sign-in.

    /open/strategies                                  the published strategies, with their downloads
    /open/strategies/{code}/indicators.json | .csv    each indicator and year: baseline, target, approved actual,
                                                      progress and band (an indicator performance tracking table)
    /open/strategies/{code}/activities.json | .csv    each activity and year of the action plan: its status, the
                                                      planned cost and the approved spending

The same roll-ups as the public page, from `nsm.analytics` (approved reports only). No person's name, no narrative,
no comment, no evidence, no note: only codes, titles, institutions and figures. A strategy that is not published
answers 404, as one that does not exist. The CSV files are UTF-8 with a byte order mark, so that Excel shows the
Albanian letters right, and hold the same rows and columns as the JSON; a text that a spreadsheet would run as a
formula (a title starting with `=` ...) is written with an apostrophe in front (nsm.core.csvsafe).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Router, Schema

from nsm.analytics.budget import spent_by_activity_year
from nsm.analytics.groups import Filters
from nsm.analytics.implementation import STATUSES, activity_statuses
from nsm.analytics.indicators import BANDS, achievement_over
from nsm.analytics.periods import Period
from nsm.api import schemas
from nsm.api.errors import ErrorOut
from nsm.core import csvsafe
from nsm.strategy.models import Activity, ActivityBudget, Indicator, Strategy

router = Router(tags=["open data"], auth=None)

OPEN_ERRORS = {frozenset({400, 404, 413, 500}): ErrorOut}
CSV = {"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}}
ZERO = Decimal("0.00")

# A band and an activity's status: Literals of the analysis' own values, built at run time, so that pydantic checks
# them and the OpenAPI document lists them; to the type checker, which cannot read such a Literal, texts.
if TYPE_CHECKING:
    Band: TypeAlias = str
    ActivityStatus: TypeAlias = str
else:
    Band = Literal[BANDS]
    ActivityStatus = Literal[STATUSES]


class DownloadsOut(Schema):
    indicators_json: str
    indicators_csv: str
    activities_json: str
    activities_csv: str


class OpenStrategyOut(Schema):
    code: str
    country: str
    title_sq: str
    title_en: str
    start_year: int
    end_year: int
    plan_start_year: int
    plan_end_year: int
    status: schemas.StrategyStatus
    currency: str
    is_illustrative: bool = Field(..., description="Demo content, not the text adopted by the government.")
    downloads: DownloadsOut


class IndicatorYearOut(Schema):
    indicator_code: str
    result_code: str
    name_sq: str
    name_en: str
    unit: str = Field(..., description="The unit in the request's language, else the other one.")
    unit_sq: str
    unit_en: str
    value_type: schemas.ValueType
    direction: schemas.Direction
    year: int
    baseline: Decimal | None
    baseline_year: int | None
    target: Decimal | None = Field(..., description="The target for the year.")
    actual: Decimal | None = Field(..., description="The total of the latest approved report of the year.")
    progress: Decimal | None = Field(..., description="From the baseline towards the target, in %.")
    band: Band


class OpenIndicatorsOut(Schema):
    strategy: str
    band_width: Decimal
    rows: list[IndicatorYearOut]


class ActivityYearOut(Schema):
    activity_code: str
    title_sq: str
    title_en: str
    lead_code: str
    lead_name_sq: str
    lead_name_en: str
    start: str = Field(..., description="2024 or 2024-Q3.")
    end: str
    year: int
    status: ActivityStatus | None = Field(
        ..., description="In the latest approved report up to the year's end; null when not under way that year."
    )
    planned: str = Field(..., description="Planned cost of the year, all sources, two decimals.")
    spent: str = Field(..., description="Approved spending reported for the year, two decimals.")


class OpenActivitiesOut(Schema):
    strategy: str
    currency: str
    rows: list[ActivityYearOut]


def _published(code: str) -> Strategy:
    return get_object_or_404(Strategy, code=code, is_public=True)


def _csv(rows: Iterable[dict[str, Any]], columns: list[str], filename: str) -> HttpResponse:
    """The rows as a CSV attachment: UTF-8 with a BOM, a header row, empty cells for nulls, no formulas."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csvsafe.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([row[name] for name in columns] for row in rows)
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- The list ---


@router.get(
    "/open/strategies",
    response={200: list[OpenStrategyOut], frozenset({400, 413, 500}): ErrorOut},
    url_name="open_strategies",
)
def list_open_strategies(request: HttpRequest) -> list[dict[str, Any]]:
    """The published strategies, with the addresses of their downloads. No sign-in."""
    strategies = Strategy.objects.filter(is_public=True).order_by("country", "-start_year", "code")
    return [
        {
            **{
                name: getattr(strategy, name)
                for name in (
                    "code",
                    "country",
                    "title_sq",
                    "title_en",
                    "start_year",
                    "end_year",
                    "plan_start_year",
                    "plan_end_year",
                    "status",
                    "currency",
                    "is_illustrative",
                )
            },  # fmt: skip
            "downloads": {
                name: reverse(f"api:open_{name}", kwargs={"code": strategy.code})
                for name in ("indicators_json", "indicators_csv", "activities_json", "activities_csv")
            },
        }
        for strategy in strategies
    ]


# --- Indicators ---


def indicator_rows(strategy: Strategy) -> list[dict[str, Any]]:
    """Each indicator and year of the action plan, indicator by indicator (three queries)."""
    periods = [Period.year(year) for year in strategy.plan_years]
    by_period = achievement_over(Filters.of(strategy), periods, band_width=strategy.band_width, cells=False)
    names = {
        pk: (result_code, name_sq, name_en, unit_sq, unit_en)
        for pk, result_code, name_sq, name_en, unit_sq, unit_en in Indicator.objects.filter(
            strategy=strategy
        ).values_list("pk", "result__code", "name_sq", "name_en", "unit_sq", "unit_en")
    }
    rows: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for period in periods:
        for item in by_period[period]:
            result_code, name_sq, name_en, unit_sq, unit_en = names[item.indicator_id]
            rows[item.indicator_id].append(
                {
                    "indicator_code": item.code,
                    "result_code": result_code,
                    "name_sq": name_sq,
                    "name_en": name_en,
                    "unit": item.unit,
                    "unit_sq": unit_sq,
                    "unit_en": unit_en,
                    "value_type": item.value_type,
                    "direction": item.direction,
                    "year": period.first_year,
                    "baseline": item.baseline,
                    "baseline_year": item.baseline_year,
                    "target": item.target,
                    "actual": item.actual,
                    "progress": item.progress,
                    "band": item.band,
                }  # fmt: skip
            )
    return [row for per_indicator in rows.values() for row in per_indicator]


@router.get(
    "/open/strategies/{code}/indicators.json",
    response={200: OpenIndicatorsOut, **OPEN_ERRORS},
    url_name="open_indicators_json",
)
def open_indicators_json(request: HttpRequest, code: str) -> dict[str, Any]:
    """Each indicator and year of the action plan: baseline, target, approved actual, progress and band."""
    strategy = _published(code)
    return {"strategy": strategy.code, "band_width": strategy.band_width, "rows": indicator_rows(strategy)}


@router.get(
    "/open/strategies/{code}/indicators.csv",
    response={200: None, **OPEN_ERRORS},
    openapi_extra=CSV,
    url_name="open_indicators_csv",
)
def open_indicators_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The same rows as `indicators.json`, as a CSV file (UTF-8 with a byte order mark)."""
    strategy = _published(code)
    columns = list(IndicatorYearOut.model_fields)
    return _csv(indicator_rows(strategy), columns, f"{strategy.code}-indicators.csv")


# --- Activities ---


def activity_rows(strategy: Strategy) -> list[dict[str, Any]]:
    """Each activity and year of the action plan (four queries)."""
    years = list(strategy.plan_years)
    filters = Filters.of(strategy)
    statuses = activity_statuses(filters, [Period.year(year) for year in years])
    status = {(activity, period.first_year): state for (activity, period), state in statuses.items()}
    planned = {
        (row["activity_id"], row["year"]): row["amount"]
        for row in ActivityBudget.objects.filter(activity__strategy=strategy, year__in=years)
        .values("activity_id", "year")
        .annotate(amount=Sum("amount"))
        .order_by()
    }
    spent = spent_by_activity_year(filters)
    rows = []
    for activity in Activity.objects.filter(strategy=strategy).select_related("lead").order_by("sort_key"):
        for year in years:
            key = (activity.pk, year)
            rows.append(
                {
                    "activity_code": activity.code,
                    "title_sq": activity.title_sq,
                    "title_en": activity.title_en,
                    "lead_code": activity.lead.code,
                    "lead_name_sq": activity.lead.name_sq,
                    "lead_name_en": activity.lead.name_en,
                    "start": activity.start_label,
                    "end": activity.end_label,
                    "year": year,
                    "status": status.get(key),
                    "planned": schemas.money(planned.get(key) or ZERO),
                    "spent": schemas.money(spent.get(key, ZERO)),
                }  # fmt: skip
            )
    return rows


@router.get(
    "/open/strategies/{code}/activities.json",
    response={200: OpenActivitiesOut, **OPEN_ERRORS},
    url_name="open_activities_json",
)
def open_activities_json(request: HttpRequest, code: str) -> dict[str, Any]:
    """Each activity and year of the action plan: its status that year, the planned cost and the approved
    spending."""
    strategy = _published(code)
    return {"strategy": strategy.code, "currency": strategy.currency, "rows": activity_rows(strategy)}


@router.get(
    "/open/strategies/{code}/activities.csv",
    response={200: None, **OPEN_ERRORS},
    openapi_extra=CSV,
    url_name="open_activities_csv",
)
def open_activities_csv(request: HttpRequest, code: str) -> HttpResponse:
    """The same rows as `activities.json`, as a CSV file (UTF-8 with a byte order mark)."""
    strategy = _published(code)
    columns = list(ActivityYearOut.model_fields)
    return _csv(activity_rows(strategy), columns, f"{strategy.code}-activities.csv")
