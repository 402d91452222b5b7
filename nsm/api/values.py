"""Indicator values as reported: one row per report, indicator and cell (the total, or one disaggregated category).

The values of the approved reports the caller may see, as in the pages: every approved report of the country for the
secretariat, the coordinator and viewers; its own institution's for a focal point. The secretariat and the
coordinator may ask for the values of reports not yet approved too (`include_unapproved=true`); anyone else asking
gets 403. Empty cells are left out.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.db.models.expressions import OrderBy
from django.utils.translation import gettext as _
from ninja import Query, Router

from nsm.accounts import access
from nsm.api import schemas
from nsm.api.auth import AuthenticatedRequest
from nsm.api.errors import error_responses, forbidden
from nsm.api.plan import strategy_for
from nsm.monitoring.models import IndicatorValue, ProgressReport

router = Router(tags=["plan"])

# Cycle, institution, indicator, then the total before its cells (NULLs first on SQLite and PostgreSQL alike).
ORDER: tuple[str | OrderBy, ...] = (
    "report__cycle__year",
    "report__cycle__half",
    "report__cycle__kind",
    "report__institution__code",
    "indicator__sort_key",
    *(F(name).asc(nulls_first=True) for name in ("category__dimension__position", "category__dimension__code")),
    *(F(name).asc(nulls_first=True) for name in ("category__position", "category__code")),
    "pk",
)


@router.get(
    "/strategies/{code}/indicator-values", response={200: schemas.IndicatorValuePage, **error_responses(403, 404)}
)
def list_indicator_values(
    request: AuthenticatedRequest, code: str, filters: Query[schemas.ValueFilters]
) -> dict[str, Any]:
    """The values of approved reports, by cycle, institution, indicator and cell; with `include_unapproved`, also
    those still in draft, submitted or returned (secretariat and coordinator)."""
    strategy = strategy_for(request, code)
    reports = ProgressReport.objects.visible_to(request.auth).filter(cycle__strategy=strategy)
    if filters.include_unapproved:
        if not access.may_oversee(request.auth, strategy.country):
            raise forbidden(_("Only the secretariat and the coordinator see values not yet approved."))
    else:
        reports = reports.filter(status=ProgressReport.Status.APPROVED)
    values = IndicatorValue.objects.filter(report__in=reports, indicator__strategy=strategy, value__isnull=False)
    if filters.indicator:
        values = values.filter(indicator__code=filters.indicator)
    if filters.cycle is not None:
        values = values.filter(report__cycle_id=filters.cycle)
    if filters.year is not None:
        values = values.filter(report__cycle__year=filters.year)
    if filters.institution:
        values = values.filter(report__institution__code__iexact=filters.institution)
    values = values.select_related("indicator", "category__dimension", "report__cycle", "report__institution")
    values = values.order_by(*ORDER)
    page = values[filters.offset : filters.offset + filters.limit]
    return schemas.page_out([schemas.indicator_value_out(value) for value in page], values.count(), filters)
