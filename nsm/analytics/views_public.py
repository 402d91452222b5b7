"""The public page of a strategy: its approved monitoring figures, without sign-in, when the secretariat has
published it (`Strategy.is_public`).

    /public/          the strategies whose page is public
    /public/<code>/   one strategy, for a chosen year of its action plan

Only the roll-ups appear (approved data only): rates, indicator values and bands, money by goal, GCM coverage.
No person's name, no narrative, no comment: nothing a focal point wrote in words reaches this page.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from nsm.analytics.alignment import gcm_alignment
from nsm.analytics.budget import budget
from nsm.analytics.groups import Filters
from nsm.analytics.implementation import implementation
from nsm.analytics.indicators import achievement
from nsm.analytics.periods import Period, periods_of
from nsm.analytics.views_common import StampedStrategy, latest_reported_period, with_analysis_stamp
from nsm.analytics.views_tracking import band_choices
from nsm.context import references
from nsm.strategy.models import Strategy
from nsm.strategy.selectors import chapters


def _year(request: HttpRequest, strategy: StampedStrategy) -> tuple[Period, list[str]]:
    """The year chosen in `?period=2025` if it is one of the plan's; else the latest year with approved data."""
    raw = request.GET.get("period", "").strip()
    years = periods_of(strategy, halves=False)
    if raw:
        try:
            chosen = Period.parse(raw)
        except ValueError as error:
            return latest_reported_period(strategy), [str(error)]
        if chosen in years:
            return chosen, []
        return latest_reported_period(strategy), [
            _("The period %(period)s is not in the action plan.") % {"period": raw}
        ]
    return latest_reported_period(strategy), []


def _chapters(strategy: Strategy) -> list[references.ShownChapter]:
    """The strategy's written narrative chapters, published with its page: their text only, not the charts of the
    evidence base they place (which the country does not publish)."""
    written = [text for text in chapters(strategy) if text.is_written]
    return references.chapters_html(strategy.country, written, get_language()[:2], figures=False, heading_offset=2)


@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    strategies = Strategy.objects.filter(is_public=True).order_by("country", "-start_year", "code")
    return render(request, "analytics/public.html", {"strategies": strategies, "index": True})


@require_GET
def public_page(request: HttpRequest, code: str) -> HttpResponse:
    strategy = get_object_or_404(with_analysis_stamp(Strategy.objects.all()), code=code, is_public=True)
    period, errors = _year(request, strategy)
    filters = Filters.of(strategy)
    styles = {choice.key: choice for choice in band_choices()}
    indicators = [
        (item, styles[item.band]) for item in achievement(filters, period, band_width=strategy.band_width, cells=False)
    ]
    alignment = gcm_alignment(filters, period)
    context = {
        "strategy": strategy,
        "period": period,
        "periods": periods_of(strategy, halves=False),
        "errors": errors,
        "implementation": implementation(filters, period).total,
        "indicators": indicators,
        "budget": budget(filters, period, "goal"),
        "covered": alignment.covered,
        "objectives": len(alignment.objectives),
        "uncovered": [row for row in alignment.objectives if row.no_activity],
        "chapters": _chapters(strategy),
    }
    return render(request, "analytics/public.html", context)
