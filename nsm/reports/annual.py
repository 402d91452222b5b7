"""The annual (or half-yearly) monitoring report of a strategy, as a document model built from the roll-ups.

Every figure comes from `nsm.analytics`, from approved reports only, as on the dashboard; the report adds no rule of
its own. The whole document is read in a fixed number of queries, whatever the size of the plan.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nsm.analytics import charts
from nsm.analytics.alignment import coverage_gaps, gcm_alignment
from nsm.analytics.budget import Budget, budget
from nsm.analytics.compliance import COMPLIANCE_LABELS, ON_TIME, PENDING, Compliance, compliance
from nsm.analytics.groups import Filters
from nsm.analytics.implementation import STATUSES, Implementation, activity_lines, implementation
from nsm.analytics.indicators import BAND_LABELS, BANDS, Achievement, achievement, band_counts
from nsm.analytics.periods import Period
from nsm.analytics.scorecards import Scorecard, Scorecards, period_cycles, scorecards
from nsm.analytics.views_common import with_analysis_stamp
from nsm.i18n import localized
from nsm.reports.document import (
    Block,
    Bullets,
    Chart,
    Column,
    Document,
    KeyFigure,
    KeyFigures,
    Paragraph,
    Row,
    Section,
    Table,
    active_language,
    day_in_words,
    format_value,
    markdown_section,
)
from nsm.reports.models import NARRATIVE_PARTS, AnnualNarrative, narrative_fields
from nsm.strategy.models import Activity, Strategy

STATUS_LABELS = charts.STATUS_LABELS
CHALLENGE_STATUSES = ("delayed", "cancelled")


@dataclass(frozen=True)
class Narrative:
    """What the secretariat wrote for a period's report: Markdown by field name (`analysis_sq`, `analysis_en`, ...)."""

    texts: Mapping[str, str] = field(default_factory=dict)

    def text(self, part: str, language: str) -> str:
        """The part ("analysis", "conclusions", "recommendations") in `language`, else in the other language."""
        other = "en" if language == "sq" else "sq"
        own = (self.texts.get(f"{part}_{language}") or "").strip()
        return own or (self.texts.get(f"{part}_{other}") or "").strip()

    @classmethod
    def of(cls, row: object | None) -> Narrative:
        """The texts of an `AnnualNarrative` or an `IssuedAnnualReport` (None: nothing written)."""
        return cls({name: getattr(row, name) for name in narrative_fields()} if row is not None else {})


@dataclass(frozen=True)
class IssueMark:
    """An issue's number and moment, and the issue it corrects (0: none), for the cover and the colophon."""

    number: int
    at: datetime.datetime
    corrects: int = 0

    def words(self, language: str) -> str:
        """ "Issue 2 of 12 March 2025, correcting issue 1", in the active language."""
        day = day_in_words(timezone.localtime(self.at).date(), language)
        values = {"number": self.number, "day": day, "previous": self.corrects}
        if self.corrects:
            return _("Issue %(number)s of %(day)s, correcting issue %(previous)s") % values
        return _("Issue %(number)s of %(day)s") % values


def draft_narrative(strategy: Strategy, period: Period) -> Narrative:
    """The narrative written so far for the period's report (one query)."""
    return Narrative.of(AnnualNarrative.objects.filter(strategy=strategy, period=period.slug).first())


def build_annual(
    strategy: Strategy, period: Period, *, narrative: Narrative | None = None, issue: IssueMark | None = None
) -> Document:
    """The monitoring report of `strategy` for `period`, in the active language: with `narrative` (by default the
    one written so far) and, for an issued report, its `issue` on the cover and in the colophon."""
    strategy = with_analysis_stamp(Strategy.objects.filter(pk=strategy.pk)).get()
    if narrative is None:
        narrative = draft_narrative(strategy, period)
    filters = Filters(strategy_id=strategy.pk)
    by_goal = implementation(filters, period, "goal")
    by_institution = implementation(filters, period, "institution")
    money = budget(filters, period, "goal", known=by_goal.groups)
    indicators = achievement(filters, period, band_width=strategy.band_width)
    alignment = gcm_alignment(filters, period)
    reports = compliance(strategy, cycles=period_cycles(strategy, period))
    lines = activity_lines(filters, period)
    activities = {
        activity.pk: activity
        for activity in Activity.objects.filter(strategy=strategy).select_related("lead").order_by("sort_key")
    }
    title = localized(strategy, "title") or strategy.code
    currency, level = strategy.currency, strategy.top_level_name
    report_title = (
        _("Half-yearly monitoring report %(period)s") if period.half else _("Annual monitoring report %(period)s")
    ) % {"period": period}
    language = active_language()
    written = dict(zip(NARRATIVE_PARTS, _written(narrative, language), strict=True))
    sections = tuple(
        section
        for section in (
            _summary(by_goal, money, indicators, reports, period, currency),
            written["analysis"],
            _implementation(by_goal, by_institution, period, level),
            _indicators(indicators, period),
            _budget(money, period, currency, level),
            _alignment(alignment, period, currency),
            _compliance(reports),
            _scorecards(scorecards(strategy, period, filters), period, currency),
            _challenges(lines, activities),
            written["conclusions"],
            written["recommendations"],
            _annex(lines, activities, period),
        )
        if section is not None
    )
    issue_words = issue.words(language) if issue is not None else ""
    return Document(
        kind="annual",
        language=language,
        title=report_title,
        subtitle=title,
        cover_lines=(
            strategy.code,
            _("Period: %(period)s") % {"period": period},
            _("Prepared by the technical secretariat of the Inter-Institutional Working Group on migration"),
            _("From approved institutional reports only."),
            issue_words or _("Draft: not issued."),
        ),
        sections=sections,
        strategy_code=strategy.code,
        period=str(period),
        generated_at=issue.at if issue is not None else timezone.now(),
        data_stamp=strategy.analysis_stamp or "",
        footer=f"{strategy.code} · {report_title}",
        issue=issue_words,
    )


def _written(narrative: Narrative, language: str) -> tuple[Section | None, ...]:
    """The chapters the secretariat wrote (analysis, conclusions, recommendations), from Markdown, in `language`
    else in the other language; None for a part not written in either."""
    titles = {"analysis": _("Analysis"), "conclusions": _("Conclusions"), "recommendations": _("Recommendations")}
    chapters = []
    for part in NARRATIVE_PARTS:
        text = narrative.text(part, language)
        chapters.append(markdown_section(titles[part], text) if text else None)
    return tuple(chapters)


def _completed_of_due(row) -> str:
    return _("%(completed)s of %(due)s due") % {
        "completed": row.due.completed,
        "due": row.due.planned,
    }


# --- 1. Executive summary ---


def _summary(
    by_goal: Implementation,
    money: Budget,
    indicators: list[Achievement],
    reports: Compliance,
    period: Period,
    currency: str,
) -> Section:
    total = by_goal.total
    bands = band_counts(indicators)
    with_target = sum(bands[name] for name in BANDS if name != "no_target")
    reports_due = sum(1 for row in reports.rows for state in row.cells.values() if state != PENDING)
    on_time = sum(1 for row in reports.rows for state in row.cells.values() if state == ON_TIME)
    spent, planned = money.total.spent, money.total.planned
    figures = KeyFigures(
        (
            KeyFigure(_("Implementation rate"), total.rate, "percent", _completed_of_due(total)),
            KeyFigure(
                _("Ongoing activities on schedule"),
                total.on_schedule_rate,
                "percent",
                _("%(count)s ongoing") % {"count": total.ongoing.planned},
            ),
            KeyFigure(
                _("Indicators on track"),
                bands["on_track"],
                "number",
                _("of %(count)s with a target") % {"count": with_target},
            ),
            KeyFigure(_("Planned cost (%(currency)s)") % {"currency": currency}, planned, "money"),
            KeyFigure(
                _("Spent (%(currency)s)") % {"currency": currency},
                spent,
                "money",
                _("execution rate %(rate)s") % {"rate": format_value(money.total.execution_rate, "percent")},
            ),
            KeyFigure(
                _("Funding gap (%(currency)s)") % {"currency": currency},
                money.total.unfunded,
                "money",
                _("%(share)s of the planned cost") % {"share": format_value(money.total.gap_share, "percent")},
            ),
            KeyFigure(_("Reports on time"), on_time, "number", _("of %(count)s due") % {"count": reports_due}),
        )
    )
    counts = total.by_status
    sentences = [
        _(
            "In %(period)s, %(due)s activities of the action plan were due and %(completed)s of them were "
            "completed: an implementation rate of %(rate)s."
        )
        % {
            "period": period,
            "due": total.due.planned,
            "completed": total.due.completed,
            "rate": format_value(total.rate, "percent"),
        },
        ngettext(
            "%(count)s activity is delayed and %(not_started)s have not started.",
            "%(count)s activities are delayed and %(not_started)s have not started.",
            counts.delayed,
        )
        % {"count": counts.delayed, "not_started": counts.not_started},
        _("Of %(count)s indicators with a target, %(on_track)s are on track, %(at_risk)s at risk, %(off)s off track.")
        % {
            "count": with_target,
            "on_track": bands["on_track"],
            "at_risk": bands["at_risk"],
            "off": bands["off_track"],
        },
        _("%(spent)s %(currency)s were spent of %(planned)s planned; %(gap)s %(currency)s have no funding yet.")
        % {
            "spent": format_value(spent, "money"),
            "planned": format_value(planned, "money"),
            "gap": format_value(money.total.unfunded, "money"),
            "currency": currency,
        },
    ]
    if counts.not_reported:
        sentences.append(
            ngettext(
                "No approved report covers %(count)s activity.",
                "No approved report covers %(count)s activities.",
                counts.not_reported,
            )
            % {"count": counts.not_reported}
        )
    return Section(_("Executive summary"), blocks=(figures, *(Paragraph(text) for text in sentences)))


# --- 2. Implementation ---


def _implementation_table(result: Implementation, caption: str, heading: str, name: str) -> Table:
    columns = (
        Column(heading, width=3.2),
        *(Column(str(STATUS_LABELS[status]), "number") for status in STATUSES),
        Column(_("All"), "number"),
        Column(_("Implementation rate"), "percent", 1.2),
    )
    rows = [
        Row((row.label, *(count for _status, count in row.by_status.items()), row.activities, row.rate))
        for row in result.rows
    ]
    total = result.total
    rows.append(
        Row(
            (_("Total"), *(count for _status, count in total.by_status.items()), total.activities, total.rate),
            total=True,
        )
    )
    return Table(caption, columns, tuple(rows), name=name)


def _implementation(by_goal: Implementation, by_institution: Implementation, period: Period, level: str) -> Section:
    goal_title = _("Implementation by %(level)s, %(period)s") % {"level": level.lower(), "period": period}
    by_level = _("By %(level)s") % {"level": level.lower()}
    institution_title = _("Implementation by lead institution, %(period)s") % {"period": period}
    explanation = Paragraph(
        _(
            "An activity counts in the period when its timeframe overlaps it; it is due when its timeframe ends within "
            "the period. Its status is the one given in the latest approved report up to the end of the period. "
            "The implementation rate is the share of due activities completed, cancelled ones and those withdrawn from "
            "the plan left out."
        )
    )

    def chapter(title: str, result: Implementation, chart_title: str, heading: str, name: str) -> Section:
        table = _implementation_table(result, chart_title, heading, name)
        return Section(title, blocks=(Chart(charts.implementation_chart(result.rows, chart_title), table),))

    return Section(
        _("Implementation of the action plan"),
        blocks=(explanation,),
        subsections=(
            chapter(by_level, by_goal, goal_title, level, by_level),
            chapter(_("By lead institution"), by_institution, institution_title, _("Institution"), _("By institution")),
        ),
    )


# --- 3. Indicators ---


def _indicators(indicators: list[Achievement], period: Period) -> Section:
    caption = _("Indicators: baseline, target and actual, %(period)s") % {"period": period}
    columns = (
        Column(_("Code"), width=0.9),
        Column(_("Indicator"), width=3.2),
        Column(_("Unit"), width=1.1),
        Column(_("Baseline"), "number"),
        Column(_("Baseline year"), "text", 0.8),
        Column(_("Target"), "number"),
        Column(_("Actual"), "number"),
        Column(_("Progress"), "percent"),
        Column(_("Band"), width=1.1),
        Column(_("Actual by sex, age and other dimensions"), width=2.4),
    )
    rows = tuple(
        Row(
            (
                item.code,
                item.name,
                item.unit,
                item.in_words(item.baseline),
                str(item.baseline_year or ""),
                item.in_words(item.target),
                item.in_words(item.actual),
                item.progress,
                str(BAND_LABELS[item.band]),
                _cells(item),
            )
        )
        for item in indicators
    )
    bands = band_counts(indicators)
    bands_title = _("Indicators by band, %(period)s") % {"period": period}
    bands_table = Table(
        bands_title,
        (Column(_("Band"), width=2), Column(_("Indicators"), "number")),
        tuple(Row((str(BAND_LABELS[name]), bands[name])) for name in BANDS),
        name=_("Bands"),
    )
    blocks = (
        Paragraph(
            _(
                "Progress is the distance covered from the baseline towards the target of the period's year; an "
                "indicator is on track when it has covered at least the expected share, at risk within the band "
                "below it and off track further below."
            )
        ),
        Chart(charts.bands_chart(bands, bands_title), bands_table),
        Table(
            caption,
            columns,
            rows,
            name=_("Indicators"),
            note=_("The indicator tracking table's Excel download gives the disaggregated values one per cell."),
        ),
    )
    return Section(_("Indicators"), blocks=blocks, landscape=True)


def _cells(item: Achievement) -> str:
    """The disaggregated values of an indicator in words, dimension by dimension: "Sex: Female 100, Male 90"."""
    by_dimension: dict[str, list[str]] = {}
    for cell in item.cells:
        if cell.value is not None:
            by_dimension.setdefault(cell.dimension, []).append(f"{cell.label} {format_value(cell.value, 'number')}")
    return "; ".join(f"{dimension}: {', '.join(values)}" for dimension, values in by_dimension.items())


# --- 4. Budget ---


def _budget(money: Budget, period: Period, currency: str, level: str) -> Section:
    title = _("Budget execution by %(level)s, %(period)s") % {"level": level.lower(), "period": period}
    money_label = _("%(what)s (%(currency)s)")
    columns = (
        Column(level, width=3),
        Column(money_label % {"what": _("State budget"), "currency": currency}, "money", 1.3),
        Column(money_label % {"what": _("Donors"), "currency": currency}, "money", 1.3),
        Column(money_label % {"what": _("Other"), "currency": currency}, "money", 1.3),
        Column(money_label % {"what": _("Unfunded"), "currency": currency}, "money", 1.3),
        Column(money_label % {"what": _("Planned"), "currency": currency}, "money", 1.3),
        Column(money_label % {"what": _("Spent"), "currency": currency}, "money", 1.3),
        Column(_("Execution rate"), "percent"),
        Column(_("Funding gap"), "percent"),
    )

    def values(row, label: str) -> tuple:
        return (
            label,
            row.planned_state_budget,
            row.planned_donor,
            row.planned_other,
            row.unfunded,
            row.planned,
            row.spent,
            row.execution_rate,
            row.gap_share,
        )

    rows = [Row(values(row, row.label)) for row in money.rows]
    rows.append(Row(values(money.total, _("Total")), total=True))
    table = Table(title, columns, tuple(rows), name=_("Budget"))
    spent = money.total
    by_source = Table(
        _("Spending by source, %(period)s") % {"period": period},
        (Column(_("Source"), width=2), Column(money_label % {"what": _("Spent"), "currency": currency}, "money")),
        (
            Row((_("State budget"), spent.spent_state_budget)),
            Row((_("Donors"), spent.spent_donor)),
            Row((_("Other"), spent.spent_other)),
            Row((_("Total"), spent.spent), total=True),
        ),
        name=_("Spending by source"),
    )
    return Section(
        _("Budget execution and funding gap"),
        blocks=(
            Paragraph(
                _(
                    "Planned cost is the action plan's cost for the period by funding source; spending is what the "
                    "approved reports declare. The funding gap is the planned cost that has no source yet."
                )
            ),
            Chart(charts.budget_chart(money.rows, title, currency=currency), table),
            by_source,
        ),
        landscape=True,  # eight columns of money
    )


# --- 5. GCM alignment ---


def _alignment(alignment, period: Period, currency: str) -> Section:
    columns = (
        Column(_("GCM objective"), width=4),
        Column(_("Activities"), "number", 0.9),
        Column(_("Indicators"), "number", 0.9),
        Column(_("Planned (%(currency)s)") % {"currency": currency}, "money", 1.3),
        Column(_("Spent (%(currency)s)") % {"currency": currency}, "money", 1.3),
    )
    rows = tuple(
        Row((f"{row.number}. {row.title}", row.activities, row.indicators, row.budget.planned, row.budget.spent))
        for row in alignment.objectives
    )
    gaps = coverage_gaps(alignment)
    reasons = {
        "no_activity": _("No activity"),
        "no_indicator": _("No indicator"),
        "no_funding": _("No funding"),
    }
    gap_items = tuple(
        f"{reasons[reason]}: " + ", ".join(str(row.number) for row in rows_) for reason, rows_ in gaps.items() if rows_
    )
    principles = Table(
        _("Guiding principles in the activities, %(period)s") % {"period": period},
        (
            Column(_("Principle"), width=2.5),
            Column(_("Activities"), "number"),
            Column(_("Share"), "percent"),
            Column(_("Counted from"), width=2.5),
        ),
        tuple(Row((f"{p.letter}) {p.title}", p.activities, p.share, p.basis)) for p in alignment.principles),
        name=_("Principles"),
    )
    blocks: list[Block] = [
        Paragraph(
            _(
                "How the activities of the period serve the 23 objectives of the Global Compact for Migration. "
                "An activity counts for the objectives it is tagged with, or its measure's."
            )
        ),
        Table(_("GCM objectives, %(period)s") % {"period": period}, columns, rows, name=_("GCM")),
    ]
    if gap_items:
        blocks += [
            Paragraph(_("Objectives the plan does not yet serve in the period (by number):")),
            Bullets(gap_items),
        ]
    blocks.append(principles)
    return Section(_("Alignment with the Global Compact for Migration"), blocks=tuple(blocks))


# --- 6. Compliance ---


def _compliance(reports: Compliance) -> Section:
    columns = (
        Column(_("Institution"), width=3),
        *(Column(str(cycle), width=1.2) for cycle in reports.cycles),
        Column(_("On time"), "percent"),
    )
    rows = tuple(
        Row(
            (
                f"{row.code} {row.name}",
                *(_state(row.cells.get(cycle.pk)) for cycle in reports.cycles),
                row.on_time_rate,
            )
        )
        for row in reports.rows
    )
    blocks: tuple = (
        Paragraph(
            _(
                "Whether each institution submitted its report by the cycle's due date: on time, late, missing, "
                "or not yet due."
            )
        ),
    )
    if rows:
        blocks += (Table(_("Reporting compliance by institution"), columns, rows, name=_("Compliance")),)
    else:
        blocks += (Paragraph(_("No reporting cycle of the period has reports yet.")),)
    return Section(_("Reporting compliance"), blocks=blocks)


def _state(state: str | None) -> str:
    return str(COMPLIANCE_LABELS[state]) if state else "—"


# --- Institutions' scorecards ---


def _scorecards(found: Scorecards, period: Period, currency: str) -> Section:
    """A page for each institution: the activities it leads by status, its reports on time, its spending against
    the planned cost; the same figures as its scorecard page in the product (nsm.analytics.scorecards)."""
    intro = Paragraph(
        _(
            "For each institution: the activities it leads by status (from the latest approved report up to the end "
            "of the period), its reports of the period's cycles, and its spending against the planned cost of the "
            "activities it leads. Approved reports only."
        )
    )
    if not found.cards:
        return Section(
            _("Institutions' scorecards"),
            blocks=(intro, Paragraph(_("No institution leads an activity or owes a report in this period."))),
        )
    overview = Table(
        _("Institutions' scorecards, %(period)s") % {"period": period},
        (
            Column(_("Institution"), width=3),
            Column(_("Activities led"), "number"),
            Column(_("Completed"), "number"),
            Column(_("Delayed"), "number"),
            Column(_("Not reported"), "number"),
            Column(_("Implementation rate"), "percent"),
            Column(_("Reports on time"), "percent"),
            Column(_("Planned (%(currency)s)") % {"currency": currency}, "money", width=1.5),
            Column(_("Spent (%(currency)s)") % {"currency": currency}, "money", width=1.5),
            Column(_("Execution rate"), "percent"),
        ),
        tuple(
            Row(
                (
                    f"{card.code} {card.name}",
                    card.activities.activities,
                    card.by_status.completed,
                    card.by_status.delayed,
                    card.by_status.not_reported,
                    card.activities.rate,
                    card.reporting.on_time_rate,
                    card.money.planned,
                    card.money.spent,
                    card.execution_rate,
                )
            )
            for card in found.cards
        ),
        name=_("Scorecards"),
    )
    return Section(
        _("Institutions' scorecards"),
        blocks=(intro, overview),
        subsections=tuple(_scorecard(card, found, period, currency) for card in found.cards),
    )


def _scorecard(card: Scorecard, found: Scorecards, period: Period, currency: str) -> Section:
    figures = KeyFigures(
        (
            KeyFigure(_("Implementation rate"), card.activities.rate, "percent", _completed_of_due(card.activities)),
            KeyFigure(
                _("Reports on time"),
                card.reporting.on_time_rate,
                "percent",
                _("%(on_time)s on time, %(late)s late, %(missing)s missing")
                % {"on_time": card.on_time, "late": card.late, "missing": card.missing},
            ),
            KeyFigure(
                _("Execution rate"),
                card.execution_rate,
                "percent",
                _("%(spent)s of %(planned)s %(currency)s planned spent")
                % {
                    "spent": format_value(card.money.spent, "money"),
                    "planned": format_value(card.money.planned, "money"),
                    "currency": currency,
                },
            ),
        )
    )
    statuses = Table(
        _("Activities led by %(institution)s, by status, %(period)s") % {"institution": card.code, "period": period},
        (Column(_("Status"), width=3), Column(_("Activities"), "number")),
        (
            *(Row((str(STATUS_LABELS[name]), count)) for name, count in card.by_status.items()),
            Row((_("Total"), card.activities.activities), total=True),
        ),
        sheet=False,  # in the overview's sheet
    )
    blocks: tuple[Block, ...] = (figures, statuses)
    if found.cycles:
        blocks += (
            Table(
                _("Reports of %(institution)s, %(period)s") % {"institution": card.code, "period": period},
                (Column(_("Reporting cycle"), width=2), Column(_("Report"), width=2)),
                tuple(Row((cycle.label, _state(card.reporting.cells.get(cycle.pk)))) for cycle in found.cycles),
                sheet=False,  # in the compliance sheet
            ),
        )
    return Section(f"{card.code}: {card.name}", blocks=blocks, new_page=True)


# --- 7. Challenges ---


def _challenges(lines, activities: dict[int, Activity]) -> Section:
    found = [line for line in lines if line.status in CHALLENGE_STATUSES and line.activity_id in activities]
    found.sort(key=lambda line: activities[line.activity_id].sort_key)
    counts = Counter(line.status for line in found)
    intro = _(
        "What the institutions reported about their delayed (%(delayed)s) and cancelled (%(cancelled)s) activities, "
        "in their own words."
    ) % {"delayed": counts["delayed"], "cancelled": counts["cancelled"]}
    items = []
    for line in found:
        activity = activities[line.activity_id]
        narrative = " ".join(line.narrative.split()) or _("No explanation was given.")
        items.append(
            f"{activity.code} {localized(activity, 'title')} ({activity.lead.code}, {STATUS_LABELS[line.status]}): "
            f"{narrative}"
        )
    blocks: tuple = (
        (Paragraph(intro), Bullets(tuple(items))) if items else (Paragraph(_("No activity is delayed or cancelled.")),)
    )
    return Section(_("Challenges"), blocks=blocks)


# --- 8. Annex ---


def _annex(lines, activities: dict[int, Activity], period: Period) -> Section:
    by_id = {line.activity_id: line for line in lines}
    columns = (
        Column(_("Code"), width=1),
        Column(_("Activity"), width=4.5),
        Column(_("Lead"), width=0.9),
        Column(_("Timeframe"), width=1.5),
        Column(_("Due in the period"), width=0.9),
        Column(_("Status"), width=1.2),
        Column(_("Complete"), "percent", 0.9),
    )
    rows = []
    for pk, activity in activities.items():
        line = by_id.get(pk)
        if line is None:
            continue
        rows.append(
            Row(
                (
                    activity.code,
                    localized(activity, "title"),
                    activity.lead.code,
                    activity.timeframe_label,
                    _("yes") if line.due else _("no"),
                    str(STATUS_LABELS[line.status]),
                    line.percent_complete,
                )
            )
        )
    return Section(
        _("Annex: status of every activity"),
        blocks=(
            Table(
                _("Activities in %(period)s and their status") % {"period": period},
                columns,
                tuple(rows),
                name=_("Activities"),
            ),
        ),
        landscape=True,
    )
