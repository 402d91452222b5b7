"""The strategy and its action plan as a document: the acronyms of the institutions it names, its narrative chapters
(context, vision, principles ... in Markdown, written on their pages), the results framework,
the action-plan matrix laid out the way Albanian action plans are (goal, objective, measure, activity, responsible
institutions in the plan's order with the marked lead, supporting institutions, timeframe, cost per year, source,
indicators), the budget summary and the indicator passport. Read in a fixed number of queries (`plan_tree` and one
query per kind of indicator data), whatever the size of the plan."""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nsm.analytics.periods import Period
from nsm.analytics.views_common import with_analysis_stamp
from nsm.context.references import referenced_series
from nsm.i18n import localized
from nsm.reports.chapters import resolver
from nsm.reports.document import (
    Bullets,
    Column,
    Document,
    KeyFigure,
    KeyFigures,
    Paragraph,
    Row,
    Section,
    Table,
    active_language,
    markdown_section,
)
from nsm.strategy.models import ActivityBudget, Indicator, Strategy, in_words
from nsm.strategy.selectors import ActivityNode, Costs, PlanTree, ResultNode, chapters, plan_tree

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def build_plan(strategy: Strategy, period: Period | None = None) -> Document:
    """The strategy and action plan document of `strategy`, in the active language; with `period` (the years of one
    of its action plans), that action plan: the activities under way in its years and the costs of those years."""
    strategy = with_analysis_stamp(Strategy.objects.filter(pk=strategy.pk)).get()
    within = range(period.first_year, period.last_year + 1) if period is not None else None
    tree = plan_tree(strategy, within=within)
    indicators = list(
        Indicator.objects.filter(strategy=strategy)
        .select_related("result", "responsible")
        .prefetch_related("targets", "disaggregation")
        .order_by("sort_key")
    )
    by_result: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in indicators:
        by_result[indicator.result_id].append(indicator)
    title = localized(strategy, "title") or strategy.code
    first, last = (within[0], within[-1]) if within else (strategy.plan_start_year, strategy.plan_end_year)
    if within:
        document_title = _("Action plan %(first)s–%(last)s") % {"first": first, "last": last}
    else:
        document_title = _("Strategy and action plan %(first)s–%(last)s") % {"first": first, "last": last}
    cover = [
        strategy.display_code,
        _("Strategy %(first)s–%(last)s, action plan %(plan_first)s–%(plan_last)s")
        % {"first": strategy.start_year, "last": strategy.end_year, "plan_first": first, "plan_last": last},
        _("Status: %(status)s") % {"status": strategy.get_status_display()},
    ]
    if strategy.adopting_act:
        cover.append(_("Adopted by %(act)s") % {"act": strategy.adopting_act})
    return Document(
        kind="plan",
        language=active_language(),
        title=title,
        subtitle=document_title,
        cover_lines=tuple(cover),
        sections=(
            *_acronyms(tree, indicators),
            _overview(strategy, tree, indicators),
            *_chapters(strategy),
            _framework(tree, by_result),
            _matrix(strategy, tree, by_result),
            _budget(tree, strategy),
            _passport(indicators, strategy),
        ),
        strategy_code=strategy.code,
        period=period.slug if period is not None else "",
        generated_at=timezone.now(),
        data_stamp=strategy.analysis_stamp or "",
        footer=f"{strategy.code} · {document_title}",
    )


def _acronyms(tree: PlanTree, indicators: list[Indicator]) -> tuple[Section, ...]:
    """The list of acronyms, in the front matter as Albanian plans have it (before the first chapter, so that a
    reader meets it before the matrix that names the institutions by acronym only): every institution the document
    names (the responsible and supporting institutions of activities, those responsible for indicators), by acronym,
    with its name
    in the document's language or, where it has none, in the other. No section for a plan that names none."""
    names: dict[str, str] = {}
    for row in tree.rows:
        if isinstance(row.node, ActivityNode):
            for institution in (*row.node.responsible, *row.node.supporting):
                names.setdefault(institution.code, institution.name)
    for indicator in indicators:
        if indicator.responsible is not None:
            names.setdefault(indicator.responsible.code, localized(indicator.responsible, "name"))
    if not names:
        return ()
    rows = tuple(Row((code, names[code])) for code in sorted(names, key=lambda code: (code.casefold(), code)))
    return (
        Section(
            _("Acronyms"),
            blocks=(
                Table(
                    _("Acronyms of the institutions named in this document"),
                    (Column(_("Acronym"), width=1), Column(_("Institution"), width=4)),
                    rows,
                    name=_("Acronyms"),
                ),
            ),
        ),
    )


def _overview(strategy: Strategy, tree: PlanTree, indicators: list[Indicator]) -> Section:
    currency = strategy.currency
    per_depth = Counter(row.node.depth for row in tree.rows if isinstance(row.node, ResultNode))
    return Section(
        _("The strategy at a glance"),
        blocks=(
            KeyFigures(
                (
                    # One figure per level of the plan, named as the plan names it.
                    *(
                        KeyFigure(strategy.level_name(depth), per_depth[depth])
                        for depth in range(1, strategy.result_depth + 1)
                    ),
                    KeyFigure(strategy.activity_level_name, tree.activity_count),
                    KeyFigure(_("Indicators"), len(indicators)),
                    KeyFigure(_("Planned cost (%(currency)s)") % {"currency": currency}, tree.costs.total, "money"),
                    KeyFigure(
                        _("Funding gap (%(currency)s)") % {"currency": currency},
                        tree.costs.unfunded,
                        "money",
                        _("planned cost with no source yet"),
                    ),
                )
            ),
            Paragraph(
                _(
                    "This document is generated from the structured plan held in the NSM platform: its results "
                    "framework, the action-plan matrix with the cost of each activity per year and source, and the "
                    "passport of each indicator."
                )
            ),
        ),
    )


def _chapters(strategy: Strategy) -> tuple[Section, ...]:
    """The narrative chapters written, in their order, each in the document's language (else in the other, said so),
    each a chapter of its own: its `##` headings are its subsections, a `[[context:CODE]]` paragraph the chart and
    table of that context indicator. Three queries at most (the chapters, and the series they place)."""
    language = active_language()
    written = [(text, *text.body(language)) for text in chapters(strategy) if text.is_written]
    resolve = resolver(referenced_series(strategy.country, [body for _text, body, _language in written]))
    sections = []
    for text, body, written_in in written:
        section = markdown_section(text.title, body, resolve=resolve, new_page=True)
        if written_in != language:
            note = Paragraph(_("This chapter is not written in this language yet: it follows in the other language."))
            section = dataclasses.replace(section, blocks=(note, *section.blocks))
        sections.append(section)
    return tuple(sections)


def _withdrawn(node: ResultNode | ActivityNode) -> str:
    """` (withdrawn on 3 March 2025)` for a withdrawn item, in words; nothing for the others."""
    if node.withdrawn_on is None:
        return ""
    return " " + _("(withdrawn on %(day)s)") % {"day": date_format(node.withdrawn_on, "DATE_FORMAT")}


def _result_line(node: ResultNode) -> str:
    gcm = ", ".join(str(ref.number) for ref in node.gcm_objectives)
    line = f"{node.display_code} {node.title}{_withdrawn(node)}"
    return line + (" " + _("(GCM objectives %(numbers)s)") % {"numbers": gcm} if gcm else "")


def _below(node: ResultNode) -> list[str]:
    """The results under a first-level one, each named by its level ("Measure 1.1.2 ..."), top down."""
    items = []
    for child in node.children:
        items.append(f"{child.level_label} {_result_line(child)}")
        items += _below(child)
    return items


def _framework(tree: PlanTree, by_result: dict[int, list[Indicator]]) -> Section:
    """Each result of the first level with the results under it, in the plan's own levels."""
    goals = []
    for goal in tree.goals:
        items = _below(goal)
        blocks: list = [Paragraph(_result_line(goal))]
        if items:
            blocks.append(Bullets(tuple(items)))
        impact = by_result.get(goal.pk, [])
        if impact:
            blocks.append(
                Paragraph(
                    _("Indicators of %(level)s %(code)s: %(list)s")
                    % {
                        "level": goal.level_label,
                        "code": goal.display_code,
                        "list": "; ".join(f"{item.code} {item.name}" for item in impact),
                    }
                )
            )
        goals.append(Section(f"{goal.level_label} {goal.display_code}", blocks=tuple(blocks)))
    return Section(_("Results framework"), subsections=tuple(goals))


# The matrix names the sources in a word each: the models' labels ("Unfunded (funding gap)") made every row of a
# landscape page seven lines tall.
SHORT_SOURCES: dict[str, StrOrPromise] = {
    ActivityBudget.Source.STATE_BUDGET: gettext_lazy("State budget"),
    ActivityBudget.Source.DONOR: gettext_lazy("Donor"),
    ActivityBudget.Source.OTHER: gettext_lazy("Other"),
    ActivityBudget.Source.UNFUNDED: gettext_lazy("Unfunded"),
}


def _sources(costs: Costs) -> str:
    """The sources, each held together by no-break spaces: a line breaks between two sources ("Buxheti i shtetit,"
    / "Financim i pambuluar"), never inside one, and the column is made wide enough for the longest while the page
    has room (nsm/reports/layout.py)."""
    names = (str(SHORT_SOURCES.get(source.source, source.label)) for source in costs.sources)
    return ", ".join(name.replace(" ", "\u00a0") for name in names)


def _costed_years(tree: PlanTree) -> list[int]:
    """The positions in `tree.years` of the years in which some activity has money: a year of the plan for which no
    activity is costed gets no cost column (the total column still counts every year)."""
    activities = [row.node.costs for row in tree.rows if isinstance(row.node, ActivityNode)]
    return [index for index in range(len(tree.years)) if any(costs.years[index].total for costs in activities)]


def _activity_money(node: ActivityNode, shown: list[int]) -> tuple[Decimal | str | None, ...]:
    """An activity's cost per year shown and in total; one within the existing budget or not yet costed says so in
    words in the total, its years empty ("—"), never 0."""
    if node.cost_label:
        return (*(None for _index in shown), node.cost_label)
    return (*_money(node.costs, shown), node.costs.total)


def _money(costs: Costs, shown: list[int]) -> tuple[Decimal, ...]:
    """The cost of the years shown, in their order."""
    return tuple(costs.years[index].total for index in shown)


def _responsible(node: ActivityNode) -> str:
    """The responsible institutions by acronym in the plan's order, the lead the plan marks said in words: `MB,
    MEPJ (lead)` (none marked: the first named leads, as the matrix's note says)."""
    lead = _("(lead)").replace(" ", "\u00a0")
    codes = (f"{ref.code}\u00a0{lead}" if marked else ref.code for ref, marked in node.responsible_marked)
    return ", ".join(codes)


def _matrix(strategy: Strategy, tree: PlanTree, by_result: dict[int, list[Indicator]]) -> Section:
    """The action-plan matrix. The activity's text has the width: the other columns hold codes, acronyms, a
    timeframe and figures. A year's cost column, and the source column, only if some activity has money there."""
    currency = strategy.currency
    shown = _costed_years(tree)
    sourced = any(row.node.costs.sources for row in tree.rows if isinstance(row.node, ActivityNode))
    # Relative widths (nsm/reports/layout.py shares the page out by them): a figure's column gets the width of its
    # widest figure whatever its weight, and the activity what the others leave.
    source = (Column(_("Source"), width=1.6),) if sourced else ()
    columns = (
        Column(_("Code"), width=0.6),
        Column(strategy.activity_level_name, width=4.5),
        Column(_("Responsible"), width=0.9),
        Column(_("Supporting"), width=0.9),
        Column(_("Timeframe"), width=1.0),
        *(Column(str(tree.years[index]), "money", 0.5) for index in shown),
        Column(_("Total (%(currency)s)") % {"currency": currency}, "money", 0.6),
        *source,
        Column(_("Indicators"), width=0.6),
    )
    rows = []
    for plan_row in tree.rows:
        node = plan_row.node
        if isinstance(node, ResultNode):
            rows.append(
                Row((f"{node.level_label} {node.display_code}: {node.title}{_withdrawn(node)}",), heading=node.depth)
            )
            continue
        indicators = ", ".join(item.code for item in by_result.get(node.measure_pk, []))
        rows.append(
            Row(
                (
                    node.display_code,
                    node.title + _withdrawn(node),
                    _responsible(node),
                    ", ".join(institution.code for institution in node.supporting),
                    node.timeframe,
                    *_activity_money(node, shown),
                    *((_sources(node.costs),) if source else ()),
                    indicators,
                )
            )
        )
    totals = tree.costs
    money = (*_money(totals, shown), totals.total, *((_sources(totals),) if source else ()))
    rows.append(Row((_("Total"), "", "", "", "", *money, ""), total=True))
    note = _("Costs in %(currency)s per year; the indicators column names the measure's indicators.") % {
        "currency": currency
    }
    if any(isinstance(row.node, ActivityNode) and len(row.node.responsible) > 1 for row in tree.rows):
        note += " " + _(
            "The responsible institutions are in the plan's order: the one marked (lead) reports on the activity; "
            "where none is marked, the first named does."
        )
    left_out = [str(year) for index, year in enumerate(tree.years) if index not in shown]
    if left_out:
        note += " " + _("Years in which no activity is costed have no column: %(years)s.") % {
            "years": ", ".join(left_out)
        }
    return Section(
        _("Action plan matrix"),
        blocks=(
            Table(
                _("Action plan %(first)s–%(last)s: activities, responsibilities, timeframe and cost")
                % {"first": strategy.plan_start_year, "last": strategy.plan_end_year},
                columns,
                tuple(rows),
                name=_("Action plan"),
                note=note,
            ),
        ),
        landscape=True,
    )


def _budget(tree: PlanTree, strategy: Strategy) -> Section:
    currency, level = strategy.currency, strategy.top_level_name
    money = _("%(what)s (%(currency)s)")
    years = Table(
        _("Planned cost per year"),
        (
            Column(_("Year"), width=1),
            Column(money % {"what": _("Planned"), "currency": currency}, "money", 1.5),
            Column(money % {"what": _("Funded"), "currency": currency}, "money", 1.5),
            Column(money % {"what": _("Unfunded"), "currency": currency}, "money", 1.5),
        ),
        (
            *(Row((str(y.year), y.total, y.total - y.unfunded, y.unfunded)) for y in tree.costs.years),
            Row((_("Total"), tree.costs.total, tree.costs.funded, tree.costs.unfunded), total=True),
        ),
        name=_("Cost per year"),
    )
    sources = Table(
        _("Planned cost by funding source"),
        (Column(_("Source"), width=2), Column(money % {"what": _("Planned"), "currency": currency}, "money", 1.5)),
        (
            *(Row((str(source.label), source.total)) for source in tree.costs.sources),
            Row((_("Total"), tree.costs.total), total=True),
        ),
        name=_("Cost by source"),
    )
    shown = _costed_years(tree)  # as in the matrix: a year with no money has no column
    goals = Table(
        _("Planned cost by %(level)s") % {"level": level.lower()},
        (
            Column(level, width=3),
            *(Column(str(tree.years[index]), "money", 1) for index in shown),
            Column(money % {"what": _("Total"), "currency": currency}, "money", 1.2),
        ),
        tuple(
            Row((f"{goal.display_code} {goal.title}", *_money(goal.costs, shown), goal.costs.total))
            for goal in tree.goals
        ),
        name=_("Cost by %(level)s") % {"level": level.lower()},
    )
    return Section(_("Budget of the action plan"), blocks=(years, sources, goals), landscape=len(shown) > 3)


def _passport(indicators: list[Indicator], strategy: Strategy) -> Section:
    years = list(strategy.plan_years)
    columns = (
        Column(_("Code"), width=0.8),
        Column(_("Indicator"), width=2.6),
        Column(_("Result"), width=0.6),
        Column(_("Kind"), width=0.8),
        Column(_("Unit"), width=0.8),
        Column(_("Direction"), width=0.8),
        Column(_("Baseline"), "number", 0.8),
        Column(_("Baseline year"), width=0.6),
        *(Column(_("Target %(year)s") % {"year": year}, "number", 0.8) for year in years),
        Column(_("Data source"), width=1.6),
        Column(_("Frequency"), width=0.8),
        Column(_("Responsible"), width=0.8),
        Column(_("Disaggregation"), width=1.2),
    )
    rows = []
    for indicator in indicators:
        targets = {target.year: target.value for target in indicator.targets.all()}
        rows.append(
            Row(
                (
                    indicator.code,
                    indicator.name,
                    indicator.result.code,
                    indicator.get_kind_display(),
                    indicator.unit,
                    indicator.get_direction_display(),
                    in_words(indicator.baseline, indicator.value_type, indicator.stages),
                    str(indicator.baseline_year or ""),
                    *(in_words(targets.get(year), indicator.value_type, indicator.stages) for year in years),
                    indicator.data_source,
                    indicator.get_frequency_display(),
                    indicator.responsible.code if indicator.responsible else "",
                    ", ".join(str(dimension) for dimension in indicator.disaggregation.all()),
                )
            )
        )
    return Section(
        _("Indicator passport"),
        blocks=(
            Paragraph(
                _(
                    "Each indicator with its result, baseline, yearly targets, the source of its data, how often it "
                    "is measured, the institution responsible for it and how its values are disaggregated."
                )
            ),
            Table(_("Indicator passport"), columns, tuple(rows), name=_("Indicators")),
        ),
        landscape=True,
    )
