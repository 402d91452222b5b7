"""The indicator performance tracking table (IPTT), its Excel export, GCM alignment, and the public-page switch.

    /analysis/<code>/indicators/       each indicator's target, actual and band, year by year
    /analysis/<code>/indicators.xlsx   the same table (and its disaggregation) as a workbook
    /analysis/<code>/gcm/              the 23 GCM objectives against the plan, the guiding principles
    /analysis/<code>/publish/          the secretariat shows or hides the strategy's public page, once confirmed

Every page reads the roll-ups of nsm.analytics (approved data only) in a constant number of queries.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from nsm.accounts import access
from nsm.analytics import services
from nsm.analytics.alignment import coverage_gaps, gcm_alignment
from nsm.analytics.indicators import BAND_LABELS, BANDS, Achievement, achievement_over, band_counts
from nsm.analytics.periods import Period
from nsm.analytics.views_common import (
    Selection,
    StampedStrategy,
    analysed_strategy,
    cached_page,
    filter_choices,
    selection,
)
from nsm.core.confirm import Confirmation, ask, confirmed
from nsm.strategy.models import Strategy

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# How a band looks: a Bootstrap badge and a symbol, always beside the band's name (never colour alone).
BAND_STYLES = {
    "on_track": ("text-bg-success", "✓"),
    "at_risk": ("text-bg-warning", "!"),
    "off_track": ("text-bg-danger", "✕"),
    "no_data": ("text-bg-light border", "–"),
    "no_target": ("text-bg-light border", "∅"),
}


@dataclass(frozen=True)
class BandChoice:
    key: str
    label: str
    css: str
    icon: str


def band_choices() -> list[BandChoice]:
    return [BandChoice(key, str(BAND_LABELS[key]), *BAND_STYLES[key]) for key in BANDS]


@dataclass(frozen=True)
class TrackedCell:
    """One indicator in one year, with how its band looks."""

    year: int
    achievement: Achievement
    style: BandChoice
    selected: bool


@dataclass(frozen=True)
class TrackedRow:
    """One indicator across the plan's years; `current` is its cell in the selected year."""

    indicator: Achievement
    cells: tuple[TrackedCell, ...]
    current: TrackedCell


@dataclass(frozen=True)
class Tracking:
    years: list[int]
    selected: Period
    band: str
    rows: list[TrackedRow]
    counts: list[tuple[BandChoice, int]]
    total: int  # indicators in scope before the band filter


def tracking(picked: Selection, band: str = "") -> Tracking:
    """The IPTT of a selection: every indicator of the scope over the plan's years (three queries at most), kept
    to those whose band in the selected year is `band` when one is given."""
    strategy = picked.strategy
    years = list(strategy.plan_years)
    periods = [Period.year(year) for year in years]
    by_period = achievement_over(picked.filters, periods, band_width=strategy.band_width)
    styles = {choice.key: choice for choice in band_choices()}
    by_indicator: dict[int, dict[int, Achievement]] = {}
    for period in periods:
        for item in by_period[period]:
            by_indicator.setdefault(item.indicator_id, {})[period.first_year] = item
    rows = []
    selected_year = picked.period.target_year
    for cells in by_indicator.values():
        tracked = tuple(
            TrackedCell(year, cells[year], styles[cells[year].band], year == selected_year) for year in years
        )
        current = next((cell for cell in tracked if cell.selected), tracked[-1])
        rows.append(TrackedRow(tracked[0].achievement, tracked, current))
    counts_in_year = band_counts([row.current.achievement for row in rows])
    total = len(rows)
    if band:
        rows = [row for row in rows if row.current.achievement.band == band]
    return Tracking(years, picked.period, band, rows, [(styles[key], counts_in_year[key]) for key in BANDS], total)


def chosen_band(request: HttpRequest, picked: Selection) -> str:
    band = request.GET.get("band", "").strip()
    if band and band not in BANDS:
        picked.errors.append(_("There is no such band."))
        return ""
    return band


def may_publish(user: Any, strategy: Strategy) -> bool:
    """The secretariat of the strategy's country (and superusers) switch its public page on and off."""
    return access.may_publish(user, strategy.country)


def _drill_down(strategy: Strategy, query: str) -> str:
    """The start of the address of the dashboard's list of activities behind a figure, with the page's filters:
    the page adds `gcm=<number>`."""
    url = reverse("analytics:activities", args=[strategy.code])
    return f"{url}?{query}&" if query else f"{url}?"


@login_required
@require_GET
def iptt(request: HttpRequest, code: str) -> HttpResponse:
    strategy = analysed_strategy(request, code)
    page = cached_page(request, strategy, "iptt", lambda: iptt_body(request, strategy))
    context = {"strategy": strategy, "may_publish": may_publish(request.user, strategy), "active": "iptt", **page}
    return render(request, "analytics/iptt.html", context)


def iptt_body(request: HttpRequest, strategy: StampedStrategy) -> dict[str, Any]:
    """The filter form and the table, rendered: the same for every reader of the same selection."""
    choices = filter_choices(strategy, halves=False, owners=True)
    picked = selection(request, strategy, choices=choices, years_only=True)
    band = chosen_band(request, picked)
    context = {
        "strategy": strategy,
        "picked": picked,
        "tracking": tracking(picked, band),
        "bands": band_choices(),
        "choices": choices,
    }
    export_query = picked.query(band=band or None)
    body = render_to_string("analytics/_iptt_body.html", context)
    return {"body": body, "export_query": export_query, "errors": picked.errors}


@login_required
@require_GET
def iptt_export(request: HttpRequest, code: str) -> FileResponse:
    from nsm.analytics import exports  # with openpyxl: loaded by the first export, not with the URLs

    strategy = analysed_strategy(request, code)
    choices = filter_choices(strategy, halves=False, owners=True)
    picked = selection(request, strategy, choices=choices, years_only=True)
    band = chosen_band(request, picked)
    data = exports.iptt_workbook(strategy, picked, tracking(picked, band))
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=exports.iptt_file_name(strategy, picked), content_type=XLSX
    )


@login_required
@require_GET
def gcm(request: HttpRequest, code: str) -> HttpResponse:
    """All 23 objectives over the whole plan, or one chosen year (`?period=2025`)."""
    strategy = analysed_strategy(request, code)
    choices = filter_choices(strategy, halves=False)
    whole = Period.span(strategy.plan_start_year, strategy.plan_end_year)
    picked = selection(request, strategy, choices=choices, years_only=True, default=whole)
    chosen_year = picked.period_chosen
    picked.gcm = None  # the table shows every objective
    whole_plan, period = not chosen_year, picked.period
    alignment = gcm_alignment(picked.filters, period)
    context = {
        "strategy": strategy,
        "picked": picked,
        "period": period,
        "whole_plan": whole_plan,
        "alignment": alignment,
        "gaps": coverage_gaps(alignment),
        "choices": choices,
        "drill_down": _drill_down(strategy, picked.query(period=None if whole_plan else period.slug)),
        "may_publish": may_publish(request.user, strategy),
        "reads_gcm_review": access.may_read_gcm_review(request.user, strategy.country),
        "active": "gcm",
    }
    return render(request, "analytics/gcm.html", context)


def _publish_confirmation(strategy: Strategy, *, public: bool, back: str) -> Confirmation:
    """What showing or hiding the public page means, in words."""
    if public:
        return Confirmation(
            heading=_("Publish the approved figures of %(code)s on its public page?") % {"code": strategy.code},
            consequences=(
                _(
                    "Anyone, without signing in, can then read the strategy's approved monitoring figures on its "
                    "public page and download them as open data (CSV and JSON): the implementation of its "
                    "activities, its indicators and its budget."
                ),
                _("Reports not yet approved are never shown there. You can withdraw the page at any time."),
            ),
            hidden=(("public", "1"), ("next", back)),
            button=_("Publish on the public page"),
            cancel_url=back,
            breadcrumbs="analytics/_publish_breadcrumbs.html",
        )
    return Confirmation(
        heading=_("Withdraw the public page of %(code)s?") % {"code": strategy.code},
        consequences=(
            _(
                "The public page and the open data of this strategy stop at once: whoever follows a link to them, "
                "and every program that reads them, finds nothing there."
            ),
            _("The figures stay in the analysis for signed-in users. You can publish the page again at any time."),
        ),
        hidden=(("public", "0"), ("next", back)),
        button=_("Withdraw from the public page"),
        style="danger",
        cancel_url=back,
        breadcrumbs="analytics/_publish_breadcrumbs.html",
    )


def _back(request: HttpRequest, strategy: Strategy) -> str:
    """The page the switch was pressed on (a `next` on this site), else the GCM alignment page."""
    target = request.POST.get("next", "") or request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = reverse("tracking:gcm", args=[strategy.code])
    return target


@login_required
def publish(request: HttpRequest, code: str) -> HttpResponse:
    """Show (`public=1`) or hide (`public=0`) the strategy's public page: the secretariat only, 404 for others.
    It asks first, saying what it means (a GET asks about switching the page from its state); it acts on a
    confirmed POST."""
    strategy = Strategy.objects.filter(code=code).first()
    if strategy is None or not may_publish(request.user, strategy):
        raise Http404
    public = request.POST.get("public") == "1" if request.method == "POST" else not strategy.is_public
    back = _back(request, strategy)
    if not confirmed(request):
        return ask(request, _publish_confirmation(strategy, public=public, back=back), {"strategy": strategy})
    services.set_public(strategy, public=public, by=request.user)
    if public:
        messages.success(request, _("The approved figures of this strategy are now on its public page."))
    else:
        messages.success(request, _("The public page of this strategy is withdrawn."))
    return redirect(back)
