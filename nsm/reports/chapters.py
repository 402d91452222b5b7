"""The narrative chapters of a strategy: the drafts the product writes from the data, and the references to the
evidence base that pages and documents replace by a chart.

A draft is Markdown in the active language, written from the same reads the plan's pages and documents use: the
plan tree (`strategy.selectors.plan_tree`: counts, costs, the funding gap), the GCM's guiding principles (reference
data), the working group's meetings, the reporting cycles, the evidence base. It is a start for the secretariat, who
edits it on the chapter's page; nothing is saved until they save. The risks chapter is a headed skeleton: the data
holds no risks, the secretariat writes them.

A paragraph that is only `[[context:CODE]]` places the chart of the context indicator CODE of the strategy's country
(with the table of its values, nsm.context.references): `resolver` turns it into document blocks. An unknown code is
left as a sentence saying so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nsm.analytics.implementation import percent
from nsm.context.charts import series_chart
from nsm.context.references import reference, unknown_reference
from nsm.context.selectors import ContextSeries, context_series
from nsm.core.markdown import Embed
from nsm.core.numbers import format_decimal, format_percent
from nsm.i18n import localized
from nsm.monitoring.models import ReportingCycle
from nsm.reference.models import GcmPrinciple
from nsm.reports.document import Block, Chart, Column, Paragraph, Resolve, Row, Table, active_language, day_in_words
from nsm.strategy.models import Chapter, Indicator, Strategy
from nsm.strategy.selectors import ActivityNode, PlanTree, ResultNode, plan_tree
from nsm.workinggroup.models import Meeting

MILLION = Decimal(1_000_000)
# The context charts a draft of the context chapter places, at most.
DRAFT_CHARTS = 2


# --- Figures in words ---


def millions(amount: Decimal, currency: str) -> str:
    """`1,807.6 M ALL`: an amount in millions with one decimal, in the active locale (`950 ALL` below a million)."""
    if abs(amount) < MILLION:
        return f"{format_decimal(Decimal(amount).quantize(Decimal(1), ROUND_HALF_UP))} {currency}"
    shown = (Decimal(amount) / MILLION).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return _("%(amount)s M %(currency)s") % {"amount": format_decimal(shown), "currency": currency}


def lead_institutions(tree: PlanTree) -> Counter[str]:
    """The institutions that lead the plan's activities (by acronym), each with its number of activities."""
    return Counter(row.node.lead.code for row in tree.rows if isinstance(row.node, ActivityNode))


@dataclass(frozen=True)
class Headline:
    """The figures of the drafts' opening sentence, from the plan tree the plan's pages and documents read."""

    activities: int
    lead_institutions: int
    cost: Decimal
    unfunded: Decimal

    @property
    def gap_share(self) -> Decimal | None:
        return percent(self.unfunded, self.cost)


def headline_figures(tree: PlanTree) -> Headline:
    return Headline(tree.activity_count, len(lead_institutions(tree)), tree.costs.total, tree.costs.unfunded)


def headline(tree: PlanTree, currency: str) -> str:
    """ "The action plan has 132 activities led by 31 institutions and costs 1,807.6 M ALL, of which 13 % is not yet
    funded." """
    figures = headline_figures(tree)
    values = {
        "activities": figures.activities,
        "institutions": figures.lead_institutions,
        "cost": millions(figures.cost, currency),
        "gap": format_percent(figures.gap_share),
    }
    if not figures.cost:
        return (
            ngettext(
                "The action plan has %(activities)s activity led by %(institutions)s institutions; none is costed yet.",
                "The action plan has %(activities)s activities led by %(institutions)s institutions; none is costed "
                "yet.",
                figures.activities,
            )
            % values
        )
    return (
        ngettext(
            "The action plan has %(activities)s activity led by %(institutions)s institutions and costs %(cost)s, of "
            "which %(gap)s is not yet funded.",
            "The action plan has %(activities)s activities led by %(institutions)s institutions and costs %(cost)s, of "
            "which %(gap)s is not yet funded.",
            figures.activities,
        )
        % values
    )


def _to_write(what: str) -> str:
    """A line that tells the secretariat what to write in its place."""
    return "_" + _("To be written by the secretariat: %(what)s") % {"what": what} + "_"


# --- The drafts, one per kind ---


def _context(strategy: Strategy, tree: PlanTree) -> list[str]:
    series = context_series(strategy.country)
    lines = ["## " + _("Migration in figures"), ""]
    if not series:
        lines += [_("The evidence base holds no context indicator for this country yet."), ""]
    else:
        lines += [
            ngettext(
                "The evidence base holds %(count)s context indicator. The latest values:",
                "The evidence base holds %(count)s context indicators. The latest values:",
                len(series),
            )
            % {"count": len(series)},
            "",
        ]
        for item in series:
            latest = item.latest
            if latest is None:
                continue
            value = format_decimal(latest.value) if latest.value is not None else latest.value_text
            source = f"; {latest.source}" if latest.source else ""
            lines.append(f"- **{item.name}**: {value} {latest.unit} ({latest.year_label}{source})")
        lines.append("")
        charted = sorted(
            (item for item in series if len(item.numeric_points) > 1), key=lambda i: -len(i.numeric_points)
        )
        for item in charted[:DRAFT_CHARTS]:  # the longest series
            lines += [f"[[context:{item.code}]]", ""]
    lines += ["## " + _("Situation analysis"), "", _to_write(_("the main trends and what they mean for the plan.")), ""]
    return lines


def _vision(strategy: Strategy, tree: PlanTree) -> list[str]:
    title = localized(strategy, "title") or strategy.code
    lines = [
        _("%(title)s covers the years %(first)s–%(last)s; its action plan the years %(plan_first)s–%(plan_last)s.")
        % {
            "title": title,
            "first": strategy.start_year,
            "last": strategy.end_year,
            "plan_first": strategy.plan_start_year,
            "plan_last": strategy.plan_end_year,
        },
        "",
        _to_write(_("the vision, in a sentence or two: what migration in the country looks like in %(year)s.")
                  % {"year": strategy.end_year}),
        "",
    ]  # fmt: skip
    if tree.goals:
        lines += [
            _("To reach it, the strategy pursues these %(level)s:") % {"level": _level_plural(strategy, 1)},
            "",
            *(f"{number}. **{goal.display_code}** {goal.title}" for number, goal in enumerate(tree.goals, 1)),
            "",
        ]
    return lines


def _level_plural(strategy: Strategy, depth: int) -> str:
    """A level's name in lower case, as a list's heading says it ("policy goal")."""
    return str(strategy.level_name(depth)).lower()


def _principles(strategy: Strategy, tree: PlanTree) -> list[str]:
    principles = list(GcmPrinciple.objects.order_by("letter"))
    lines = [
        ngettext(
            "The strategy follows the %(count)s cross-cutting guiding principle of the Global Compact for Safe, "
            "Orderly and Regular Migration (GCM):",
            "The strategy follows the %(count)s cross-cutting guiding principles of the Global Compact for Safe, "
            "Orderly and Regular Migration (GCM):",
            len(principles),
        )
        % {"count": len(principles)},
        "",
    ]
    for principle in principles:
        lines += [f"### {principle.letter}) {localized(principle, 'title')}", "", localized(principle, "summary"), ""]
    lines += [_to_write(_("how the plan applies each principle.")), ""]
    return lines


def _results(strategy: Strategy, tree: PlanTree) -> list[str]:
    per_depth = Counter(row.node.depth for row in tree.rows if isinstance(row.node, ResultNode))
    counts = [f"{per_depth[depth]} × {strategy.level_name(depth)}" for depth in range(1, strategy.result_depth + 1)]
    indicators = Indicator.objects.filter(strategy=strategy).count()
    lines = [
        _("The results framework has %(levels)s, %(activities)s × %(activity)s and %(indicators)s indicators.")
        % {
            "levels": ", ".join(counts),
            "activities": tree.activity_count,
            "activity": strategy.activity_level_name,
            "indicators": indicators,
        },
        "",
    ]
    for goal in tree.goals:
        lines += [f"## {goal.level_label} {goal.display_code}", "", goal.title, ""]
        below = [f"- {child.level_label} {child.display_code}: {child.title}" for child in goal.children]
        lines += [*below, ""] if below else []
    return lines


def _implementation(strategy: Strategy, tree: PlanTree) -> list[str]:
    leads = lead_institutions(tree)
    lines = [headline(tree, strategy.currency), ""]
    if leads:
        lines += [_("The institutions that lead the most activities:"), ""]
        ranked = sorted(leads.items(), key=lambda pair: (-pair[1], pair[0]))[:10]
        lines += [
            "- "
            + ngettext("%(code)s: %(count)s activity", "%(code)s: %(count)s activities", count)
            % {"code": code, "count": count}
            for code, count in ranked
        ]
        lines.append("")
    meetings = {
        row["body"]: row
        for row in Meeting.objects.filter(strategy=strategy)
        .values("body")
        .annotate(count=Count("pk"), last=Max("held_on"))
        .order_by("body")
    }
    for body, label in Meeting.Body.choices:
        lines += [f"## {label}", ""]
        row = meetings.get(body)
        if row:
            lines.append(
                ngettext(
                    "It has met %(count)s time so far, last on %(day)s.",
                    "It has met %(count)s times so far, last on %(day)s.",
                    row["count"],
                )
                % {"count": row["count"], "day": day_in_words(row["last"], active_language())}
            )
        else:
            lines.append(_("No meeting is recorded yet."))
        lines += ["", _to_write(_("its members, its mandate and how often it meets.")), ""]
    return lines


def _monitoring(strategy: Strategy, tree: PlanTree) -> list[str]:
    indicators = Indicator.objects.filter(strategy=strategy).count()
    cycles = Counter(ReportingCycle.objects.filter(strategy=strategy).values_list("status", flat=True))
    statuses = dict(ReportingCycle.Status.choices)
    lines = [
        _(
            "Each institution that leads an activity reports its progress in the platform, in reporting cycles run by "
            "the secretariat; the secretariat reviews each report before its figures count."
        ),
        "",
        ngettext(
            "The plan measures its results with %(count)s indicator. An indicator is on track when its progress "
            "towards the target is within %(band)s points of 100 %%.",
            "The plan measures its results with %(count)s indicators. An indicator is on track when its progress "
            "towards the target is within %(band)s points of 100 %%.",
            indicators,
        )
        % {"count": indicators, "band": format_decimal(strategy.band_width)},
        "",
    ]
    if cycles:
        lines += [_("Reporting cycles so far:"), ""]
        lines += [f"- {statuses.get(status, status)}: {count}" for status, count in sorted(cycles.items())]
        lines.append("")
    lines += ["## " + _("Evaluation"), "", _to_write(_("the mid-term and final evaluations: when and by whom.")), ""]
    return lines


def _budget(strategy: Strategy, tree: PlanTree) -> list[str]:
    currency = strategy.currency
    lines = [headline(tree, strategy.currency), ""]
    if not tree.costs.total:
        return lines
    lines += ["## " + _("By year"), ""]
    for year in tree.costs.years:
        if year.total:
            lines.append(
                "- "
                + _("%(year)s: %(cost)s, of which %(gap)s not yet funded")
                % {"year": year.year, "cost": millions(year.total, currency), "gap": millions(year.unfunded, currency)}
            )
    lines += ["", "## " + _("By source"), ""]
    for source in tree.costs.sources:
        share = format_percent(percent(source.total, tree.costs.total))
        lines.append(f"- {source.label}: {millions(source.total, currency)} ({share})")
    lines.append("")
    return lines


def _risks(strategy: Strategy, tree: PlanTree) -> list[str]:
    lines = [_to_write(_("each risk, how likely it is, what it would do to the plan and how it is managed.")), ""]
    for heading in (_("Funding"), _("Institutional capacity"), _("Data"), _("Coordination"), _("External factors")):
        lines += [f"## {heading}", "", _to_write(_("likelihood, impact and mitigation.")), ""]
    return lines


DRAFTS: dict[str, Callable[[Strategy, PlanTree], list[str]]] = {
    Chapter.Kind.CONTEXT: _context,
    Chapter.Kind.VISION: _vision,
    Chapter.Kind.PRINCIPLES: _principles,
    Chapter.Kind.RESULTS: _results,
    Chapter.Kind.IMPLEMENTATION: _implementation,
    Chapter.Kind.MONITORING: _monitoring,
    Chapter.Kind.BUDGET: _budget,
    Chapter.Kind.RISKS: _risks,
}


def draft(strategy: Strategy, kind: str) -> str:
    """A Markdown draft of the chapter `kind` of `strategy`, in the active language, from the data as it stands (the
    plan tree is read in that language: its titles and level names are)."""
    tree = plan_tree(strategy)
    return "\n".join(DRAFTS[kind](strategy, tree)).strip() + "\n"


# --- References to the evidence base ---


def series_table(series: ContextSeries) -> Table:
    """The values of a context series, the table that goes with its chart."""
    return Table(
        series.name,
        (Column(_("Year")), Column(series.unit or _("Value"), "number"), Column(_("Source"), width=2)),
        tuple(
            Row((point.year_label, point.value if point.value is not None else point.value_text, point.source))
            for point in series.points
        ),
        name=series.code[:31],
        sheet=False,
    )


def resolver(series: dict[str, ContextSeries]) -> Resolve:
    """The callback (`markdown_section`'s `resolve`) that turns a reference of a chapter into document blocks: a
    context indicator into its chart (with its table), an unknown one into a sentence; a reference of another kind
    is printed as written (None)."""

    def resolve(block: Embed) -> tuple[Block, ...] | None:
        code = reference(block)
        if code is None:
            return None
        found = series.get(code)
        if found is None:
            return (Paragraph(unknown_reference(code)),)
        if not found.numeric_points:
            return (series_table(found),)
        return (Chart(series_chart(found), series_table(found)),)

    return resolve
