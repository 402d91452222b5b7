"""The dashboard of a strategy's monitoring (/analysis/<code>/) and the activities behind each figure (.../activities/).

Every figure on the dashboard links to what lies behind it: activity counts and budget figures to the drill-down with
the same period and filters (`?period=2025&status=delayed&by=goal&key=12&due=1`), indicator bands to the indicator
tracking table, report counts to the compliance table. Both pages run in a constant number of queries.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nsm.accounts import access
from nsm.accounts.models import Institution
from nsm.analytics import charts
from nsm.analytics.budget import Budget, budget
from nsm.analytics.charts import ChartTable, TableCell, TableRow
from nsm.analytics.compliance import COMPLIANCE_LABELS, LATE, MISSING, compliance
from nsm.analytics.groups import DIMENSIONS, Filters, labelled
from nsm.analytics.implementation import STATUSES, Implementation, activity_facts, implementation
from nsm.analytics.indicators import BAND_LABELS, BANDS, achievement, band_counts
from nsm.analytics.scorecards import empty_scorecard, period_cycles, scorecards
from nsm.analytics.views_common import (
    Selection,
    StampedStrategy,
    analysed_strategies,
    analysed_strategy,
    cached_page,
    selection,
)
from nsm.core.numbers import format_decimal, format_percent
from nsm.strategy.models import Activity

STATUS_HEADINGS = {
    None: gettext_lazy("Activities"),
    "completed": gettext_lazy("Completed activities"),
    "on_track": gettext_lazy("Activities on track"),
    "delayed": gettext_lazy("Delayed activities"),
    "not_started": gettext_lazy("Activities not started"),
    "cancelled": gettext_lazy("Cancelled activities"),
    "withdrawn": gettext_lazy("Activities withdrawn from the plan"),
    "not_reported": gettext_lazy("Activities not reported on"),
}
# The results' dimensions by depth (0: the last level of results, that of the measures).
LEVEL_DEPTHS = {"goal": 1, "objective": 2, "measure": 0}
DIMENSION_NOUNS = {
    "institution": gettext_lazy("led by %(group)s"),
    "gcm": gettext_lazy("%(group)s"),
    "sdg": gettext_lazy("%(group)s"),
    "target_group": gettext_lazy("target group %(group)s"),
    "gender_marker": gettext_lazy("gender marker %(group)s"),
}


def _pct(value: Any) -> str:
    return format_percent(value)


class Links:
    """The URLs the figures of one selection link to."""

    def __init__(self, picked: Selection) -> None:
        self.picked = picked
        code = picked.strategy.code
        self.activities_url = reverse("analytics:activities", args=[code])
        self.iptt_url = reverse("tracking:iptt", args=[code])

    def activities(self, **params: object) -> str:
        return f"{self.activities_url}?{self.picked.query(**params)}"

    def band(self, name: str) -> str:
        return f"{self.iptt_url}?{self.picked.query(band=name)}"


def _implementation_table(result: Implementation, caption: str, links: Links) -> ChartTable:
    columns = (
        _("Group"),
        *(str(charts.STATUS_LABELS[status]) for status in STATUSES),
        _("All"),
        _("Implementation rate (completed of due)"),
    )
    rows = []
    for row in result.rows:
        group = {"by": result.by, "key": row.key}
        counts = row.by_status
        rate = _("%(rate)s (%(completed)s of %(due)s)") % {
            "rate": _pct(row.rate),
            "completed": row.due.completed,
            "due": row.due.planned,
        }
        cells = [TableCell(str(count), links.activities(status=status, **group)) for status, count in counts.items()]
        cells += [
            TableCell(str(row.activities), links.activities(**group)),
            TableCell(rate, links.activities(due=1, **group)),
        ]
        rows.append(TableRow(TableCell(row.label, numeric=False), tuple(cells)))
    return ChartTable(caption, columns, tuple(rows))


def _budget_table(result: Budget, caption: str, links: Links, currency: str) -> ChartTable:
    columns = (
        _("Group"),
        _("Planned (%(currency)s)") % {"currency": currency},
        _("Spent (%(currency)s)") % {"currency": currency},
        _("Execution rate"),
        _("Unfunded (%(currency)s)") % {"currency": currency},
    )
    rows = []
    for row in result.rows:
        url = links.activities(by=result.by, key=row.key)
        cells = (
            TableCell(format_decimal(row.planned), url),
            TableCell(format_decimal(row.spent), url),
            TableCell(_pct(row.execution_rate)),
            TableCell(format_decimal(row.unfunded), url),
        )
        rows.append(TableRow(TableCell(row.label, numeric=False), cells))
    return ChartTable(caption, columns, tuple(rows))


def _bands_table(counts: dict[str, int], caption: str, links: Links) -> ChartTable:
    rows = tuple(
        TableRow(TableCell(str(BAND_LABELS[name]), numeric=False), (TableCell(str(counts[name]), links.band(name)),))
        for name in BANDS
    )
    return ChartTable(caption, (_("Band"), _("Indicators")), rows)


def _state(state: str | None) -> tuple[str, str]:
    return (state, str(COMPLIANCE_LABELS[state])) if state else ("", "—")


def _chart(spec: dict[str, Any], table: ChartTable, name: str) -> dict[str, Any]:
    return {"svg": charts.render_svg(spec), "table": table, "id": name}


@login_required
@access.internal_page
def index(request: HttpRequest) -> HttpResponse:
    """The strategies whose analysis the user may read: straight to the dashboard when there is only one."""
    strategies = analysed_strategies(request.user)
    if len(strategies) == 1:
        return redirect("analytics:dashboard", strategies[0].code)
    return render(request, "analytics/index.html", {"strategies": strategies})


@login_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    strategy = analysed_strategy(request, code)
    page = cached_page(request, strategy, "dashboard", lambda: dashboard_body(request, strategy))
    return render(request, "analytics/dashboard.html", {"strategy": strategy, **page})


def dashboard_body(request: HttpRequest, strategy: StampedStrategy) -> dict[str, Any]:
    """The dashboard's figures, charts and tables, rendered: the same for every reader of the same selection."""
    picked = selection(request, strategy)
    filters, period, links = picked.filters, picked.period, Links(picked)
    by_goal = implementation(filters, period, "goal")
    by_institution = implementation(filters, period, "institution")
    money = budget(filters, period, "goal", known=by_goal.groups)
    bands = band_counts(achievement(filters, period, band_width=strategy.band_width, cells=False))
    reports = compliance(strategy, cycles=period_cycles(strategy, picked.period), institution=picked.institution)
    totals = reports.totals()
    late = sum(counts[LATE] for counts in totals.values())
    missing = sum(counts[MISSING] for counts in totals.values())
    currency = strategy.currency
    level = strategy.top_level_name
    titles = {
        "goal": _("Implementation by %(level)s, %(period)s") % {"level": level.lower(), "period": period},
        "institution": _("Implementation by lead institution, %(period)s") % {"period": period},
        "budget": _("Budget execution by %(level)s, %(period)s") % {"level": level.lower(), "period": period},
        "bands": _("Indicators by band, %(period)s") % {"period": period},
    }
    chart_list = [
        _chart(
            charts.implementation_chart(by_goal.rows, titles["goal"]),
            _implementation_table(by_goal, titles["goal"], links),
            "goal",
        ),
        _chart(
            charts.implementation_chart(by_institution.rows, titles["institution"]),
            _implementation_table(by_institution, titles["institution"], links),
            "institution",
        ),
        _chart(
            charts.budget_chart(money.rows, titles["budget"], currency=currency),
            _budget_table(money, titles["budget"], links, currency),
            "budget",
        ),
        _chart(charts.bands_chart(bands, titles["bands"]), _bands_table(bands, titles["bands"], links), "bands"),
    ]
    total = by_goal.total
    context = {
        "strategy": strategy,
        "selection": picked,
        "choices": picked.choices,
        "total": total,
        "due": total.due.planned,
        "ongoing": total.ongoing.planned,
        "links": {
            "completed": links.activities(status="completed", due=1),
            "due": links.activities(due=1),
            "ongoing": links.activities(due=0),
            "budget": links.activities(),
        },
        "bands": [(name, BAND_LABELS[name], bands[name], links.band(name)) for name in BANDS if name != "no_target"],
        "money": money.total,
        "currency": currency,
        "late": late,
        "missing": missing,
        "compliance": reports,
        "compliance_rows": [
            (row, [_state(row.cells.get(cycle.pk)) for cycle in reports.cycles]) for row in reports.rows
        ],
        "charts": chart_list,
    }
    return {"period": str(period), "body": render_to_string("analytics/_dashboard_body.html", context)}


def _drilldown_params(request: HttpRequest) -> tuple[dict[str, Any], list[str]]:
    """`status`, `due`, `by` and `key` from the query string; a value that is not valid is explained and ignored."""
    errors: list[str] = []
    params: dict[str, Any] = {"status": None, "due": None, "by": None, "key": None}
    status = request.GET.get("status", "").strip()
    if status in STATUSES:
        params["status"] = status
    elif status:
        errors.append(_("There is no status “%(status)s”: all statuses are shown.") % {"status": status})
    due = request.GET.get("due", "").strip()
    if due in ("0", "1"):
        params["due"] = due == "1"
    by, key = request.GET.get("by", "").strip(), request.GET.get("key", "").strip()
    if by and by not in DIMENSIONS:
        errors.append(_("Activities cannot be grouped by “%(by)s”: all groups are shown.") % {"by": by})
    elif by:
        try:
            params["by"], params["key"] = by, int(key)
        except ValueError:
            errors.append(_("The group is not valid: all groups are shown."))
    return params, errors


def _heading(params: dict[str, Any], picked: Selection, group: Any) -> str:
    what = str(STATUS_HEADINGS[params["status"]])
    if params["due"] is True:
        heading = _("%(what)s due in %(period)s") % {"what": what, "period": picked.period}
    elif params["due"] is False:
        heading = _("%(what)s in %(period)s, due later") % {"what": what, "period": picked.period}
    else:
        heading = _("%(what)s in %(period)s") % {"what": what, "period": picked.period}
    if group is not None and params["by"] in LEVEL_DEPTHS:  # a result, named by its level as the plan names it
        strategy = picked.strategy
        depth = LEVEL_DEPTHS[params["by"]] or strategy.result_depth
        heading += f", {strategy.level_name(depth).lower()} {group.code}"
    elif group is not None:
        name = group.code if params["by"] == "institution" else group.label
        heading += ", " + str(DIMENSION_NOUNS[params["by"]]) % {"group": name}
    return heading


@login_required
def activities(request: HttpRequest, code: str) -> HttpResponse:
    strategy = analysed_strategy(request, code)
    picked = selection(request, strategy)
    params, errors = _drilldown_params(request)
    facts = {fact.activity_id: fact for fact in activity_facts(picked.filters, picked.period, **params)}
    group = labelled(params["by"], [params["key"]]).get(params["key"]) if params["by"] else None
    if params["by"] and group is None:
        errors.append(_("There is no such group."))
    rows = [
        (activity, charts.STATUS_LABELS[facts[activity.pk].status], facts[activity.pk].due)
        for activity in Activity.objects.filter(pk__in=list(facts))
        .select_related("lead", "measure")
        .order_by("sort_key")
    ]
    context = {
        "strategy": strategy,
        "selection": picked,
        "choices": picked.choices,
        "errors": picked.errors + errors,
        "heading": _heading(params, picked, group),
        "rows": rows,
        "hidden": [(name, value) for name, value in request.GET.items() if name in ("status", "due", "by", "key")],
        "dashboard_url": f"{reverse('analytics:dashboard', args=[strategy.code])}?{picked.query()}",
    }
    return render(request, "analytics/activities.html", context)


@login_required
def scorecard_list(request: HttpRequest, code: str) -> HttpResponse:
    """Every institution's scorecard for the period, one row each, linked to its page."""
    strategy = analysed_strategy(request, code)
    picked = selection(request, strategy)
    found = scorecards(picked.strategy, picked.period, picked.filters, picked.institution)
    context = {
        "strategy": strategy,
        "selection": picked,
        "choices": picked.choices,
        "cards": found.cards,
        "cycles": found.cycles,
        "query": picked.query(),
        "dashboard_url": f"{reverse('analytics:dashboard', args=[strategy.code])}?{picked.query()}",
    }
    return render(request, "analytics/scorecards.html", context)


@login_required
def scorecard(request: HttpRequest, code: str, institution: str) -> HttpResponse:
    """One institution's scorecard for the period (and the goal and GCM objective chosen): the activities it leads by
    status, its reports of the period's cycles, its spending against plan (all nought when it has nothing in the
    period); 404 for a code that names no institution of the strategy's country."""
    strategy = analysed_strategy(request, code)
    picked = selection(request, strategy)
    own = get_object_or_404(Institution, country=strategy.country, code=institution)
    filters = Filters.of(strategy, goal=picked.goal, institution=own, gcm=picked.gcm)  # this institution, whatever
    found = scorecards(strategy, picked.period, filters, own)  # the query string's institution says
    card = next((card for card in found.cards if card.institution_id == own.pk), None) or empty_scorecard(own)
    links = Links(picked)
    group = {"by": "institution", "key": own.pk, "institution": None}
    errors = list(picked.errors)
    if picked.institution is not None and picked.institution != own:
        errors.append(
            _("This page is %(institution)s's scorecard: the institution chosen is left aside.")
            % {"institution": own.code}
        )
    context = {
        "strategy": strategy,
        "selection": picked,
        "choices": picked.choices,
        "errors": errors,
        "card": card,
        "statuses": [
            (name, charts.STATUS_LABELS[name], count, links.activities(status=name, **group))
            for name, count in card.by_status.items()
        ],
        "reports": [(cycle, _state(card.reporting.cells.get(cycle.pk))) for cycle in found.cycles],
        "activities_url": links.activities(**group),
        "list_url": f"{reverse('analytics:scorecards', args=[strategy.code])}?{picked.query(institution=None)}",
        "currency": strategy.currency,
    }
    return render(request, "analytics/scorecard.html", context)
