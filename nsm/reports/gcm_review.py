"""The GCM voluntary national review: a draft compiled by GCM objective from the plan and its approved monitoring data.

The structure follows the UN Network on Migration's guidance for voluntary GCM reviews, which States prepare ahead of
the International Migration Review Forum (https://migrationnetwork.un.org/, "Guidance for voluntary GCM reviews"):
1. the national context and the method of the review;
2. progress on each of the 23 objectives, with the activities, indicators, spending and status behind it; an
   objective the plan does not serve in the period is listed as such, never left out;
3. the guiding principles;
4. the challenges, quoting what the institutions reported about their delayed and cancelled activities;
5. the next steps.
The guidance itself could not be read from the sources at hand when this was written: the chapters above are those
that issue 18 names after it, and the chapter on method is laid out as the UN DESA handbook for voluntary national
reviews lays out its "methodology and process" (scope, sources, who contributed).

The secretariat writes the free chapters and each objective's text on the review page (`GcmReview`,
`GcmReviewObjective`, Markdown in Albanian and English); the figures are never typed: `review_data` reads them from
the same roll-ups as the analysis pages (`nsm.analytics.alignment.gcm_alignment`, `implementation` by GCM objective,
`achievement`, `activity_lines`), in a fixed number of queries whatever the size of the plan. The page and the
document both read `review_data`, so that they say the same.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nsm.analytics import charts
from nsm.analytics.alignment import Alignment, GcmRow, gcm_alignment, gcm_members
from nsm.analytics.groups import Filters
from nsm.analytics.implementation import ImplementationRow, activity_lines, implementation
from nsm.analytics.indicators import BAND_LABELS, Achievement, achievement
from nsm.analytics.periods import Period, action_plan_spans, periods_of
from nsm.analytics.views_common import with_analysis_stamp
from nsm.i18n import localized
from nsm.reports.document import (
    Block,
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
    format_value,
    markdown_blocks,
    markdown_section,
)
from nsm.reports.models import GCM_OBJECTIVES, GcmReview
from nsm.strategy.models import Activity, Strategy

STATUS_LABELS = charts.STATUS_LABELS
CHALLENGE_STATUSES = ("delayed", "cancelled")
# What an objective quotes of the institutions' narratives: the first few of its delayed and cancelled activities (in
# the plan's order), each cut to a paragraph.
QUOTES_PER_OBJECTIVE = 5
QUOTE_CHARS = 600


@dataclass(frozen=True)
class ActivityItem:
    """An activity behind an objective, with its status in the period (the latest approved line's)."""

    pk: int
    code: str
    title: str
    lead: str
    status: str
    percent_complete: int | None
    narrative: str

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass(frozen=True)
class ObjectiveData:
    """One GCM objective in the period: the alignment's counts and money, the status of its activities, and what is
    behind the counts."""

    row: GcmRow
    status: ImplementationRow | None
    activities: tuple[ActivityItem, ...]
    indicators: tuple[Achievement, ...]
    quotes: tuple[ActivityItem, ...]  # delayed or cancelled activities, at most QUOTES_PER_OBJECTIVE

    @property
    def number(self) -> int:
        return self.row.number

    @property
    def title(self) -> str:
        return self.row.title

    @property
    def addressed(self) -> bool:
        """The plan serves the objective in the period: an activity or an indicator."""
        return bool(self.row.activities or self.row.indicators)

    @property
    def rate(self) -> Decimal | None:
        return self.status.rate if self.status else None

    def summary(self, currency: str) -> str:
        """The data-drafted summary: what the figures say, in a sentence or three, in the active language."""
        if not self.addressed:
            return _("No activity or indicator of the plan serves this objective in the period.")
        sentences = [
            ngettext(
                "%(count)s activity serves it in the period",
                "%(count)s activities serve it in the period",
                self.row.activities,
            )
            % {"count": self.row.activities}
        ]
        if self.status and self.row.activities:
            counts = self.status.by_status
            parts = [f"{count} {str(STATUS_LABELS[name]).lower()}" for name, count in counts.items() if count]
            sentences[0] += " (" + ", ".join(parts) + ")"
        sentences[0] += "."
        if self.rate is not None:
            sentences.append(
                _("Implementation rate: %(rate)s of the activities due.") % {"rate": format_value(self.rate, "percent")}
            )
        sentences.append(
            ngettext(
                "%(count)s indicator measures it.",
                "%(count)s indicators measure it.",
                self.row.indicators,
            )
            % {"count": self.row.indicators}
        )
        sentences.append(
            _("Planned cost %(planned)s %(currency)s, of which %(unfunded)s unfunded; spent %(spent)s %(currency)s.")
            % {
                "planned": format_value(self.row.budget.planned, "money"),
                "unfunded": format_value(self.row.budget.unfunded, "money"),
                "spent": format_value(self.row.budget.spent, "money"),
                "currency": currency,
            }
        )
        return " ".join(sentences)


@dataclass(frozen=True)
class ReviewData:
    strategy: Strategy
    period: Period
    alignment: Alignment
    objectives: tuple[ObjectiveData, ...]

    @property
    def addressed(self) -> int:
        return sum(1 for objective in self.objectives if objective.addressed)


def review_data(strategy: Strategy, period: Period) -> ReviewData:
    """The 23 objectives in the period with everything behind them, in a fixed number of queries."""
    filters = Filters(strategy_id=strategy.pk)
    alignment = gcm_alignment(filters, period)
    by_gcm = {row.key: row for row in implementation(filters, period, "gcm").rows}
    members = gcm_members(filters, period)
    indicators = {item.indicator_id: item for item in achievement(filters, period, band_width=strategy.band_width)}
    lines = {line.activity_id: line for line in activity_lines(filters, period)}
    wanted = {pk for (kind, _gcm), ids in members.items() if kind == "activity" for pk in ids}
    activities = {
        activity.pk: activity
        for activity in Activity.objects.filter(pk__in=wanted).select_related("lead").order_by("sort_key")
    }
    objectives = []
    for row in alignment.objectives:
        items = []
        for activity in sorted(
            (activities[pk] for pk in members.get(("activity", row.gcm_id), ()) if pk in activities),
            key=lambda activity: activity.sort_key,
        ):
            line = lines.get(activity.pk)
            items.append(
                ActivityItem(
                    activity.pk,
                    activity.code,
                    localized(activity, "title"),
                    activity.lead.code if activity.lead else "",
                    line.status if line else "not_reported",
                    line.percent_complete if line else None,
                    " ".join(line.narrative.split()) if line else "",
                )
            )
        quotes = tuple(item for item in items if item.status in CHALLENGE_STATUSES)[:QUOTES_PER_OBJECTIVE]
        behind = tuple(
            sorted(
                (indicators[pk] for pk in members.get(("indicator", row.gcm_id), ()) if pk in indicators),
                key=lambda item: item.code,
            )
        )
        objectives.append(ObjectiveData(row, by_gcm.get(row.gcm_id), tuple(items), behind, quotes))
    return ReviewData(strategy, period, alignment, tuple(objectives))


def review_texts(strategy: Strategy, period: Period) -> tuple[GcmReview | None, dict[int, object]]:
    """The review of the period (None before anything is written) and its objectives' texts by number: two
    queries."""
    review = GcmReview.objects.filter(strategy=strategy, period=period.slug).first()
    texts = {text.number: text for text in review.objectives.all()} if review else {}
    return review, texts


def quote(item: ActivityItem) -> str:
    """ "1.1.1.2 Title (MSHMS, Delayed): what they wrote", the narrative cut to QUOTE_CHARS characters."""
    narrative = item.narrative or _("No explanation was given.")
    if len(narrative) > QUOTE_CHARS:
        narrative = narrative[: QUOTE_CHARS - 1].rstrip() + "…"
    return f"{item.code} {item.title} ({item.lead}, {item.status_label}): “{narrative}”"


# --- The document ---


def build_gcm_review(strategy: Strategy, period: Period) -> Document:
    """The draft review of `strategy` for `period`, in the active language."""
    strategy = with_analysis_stamp(Strategy.objects.filter(pk=strategy.pk)).get()
    data = review_data(strategy, period)
    review, texts = review_texts(strategy, period)
    language = active_language()

    def text(obj: object | None, field: str) -> str:
        return getattr(obj, f"{field}_{language}", "") if obj is not None else ""

    currency = strategy.currency
    title = _("Voluntary national review of the Global Compact for Migration, %(period)s") % {"period": period}
    sections = (
        _context(text(review, "context"), data),
        _progress(data, texts, language, currency),
        _principles(text(review, "principles"), data),
        _challenges(text(review, "challenges"), data),
        _chapter(_("Next steps"), text(review, "next_steps")),
        _annex(data),
    )
    return Document(
        kind="gcm-review",
        language=language,
        title=title,
        subtitle=localized(strategy, "title") or strategy.code,
        cover_lines=(
            strategy.code,
            _("Period: %(period)s") % {"period": period},
            _("Draft prepared by the technical secretariat of the Inter-Institutional Working Group on migration"),
            _("Figures from the action plan and approved institutional reports only."),
        ),
        sections=sections,
        strategy_code=strategy.code,
        period=str(period),
        generated_at=timezone.now(),
        data_stamp=strategy.analysis_stamp or "",
        footer=f"{strategy.code} · {title}",
    )


def _chapter(title: str, text: str, *blocks: Block) -> Section:
    """A free chapter: the secretariat's text (its headings as subsections), then what the data add."""
    written = markdown_section(title, text, empty=_("Not written yet."))
    return dataclasses.replace(written, blocks=(*written.blocks, *blocks))


def _context(text: str, data: ReviewData) -> Section:
    method = _(
        "The figures of this review come from the action plan and from the institutions' progress reports approved "
        "by the secretariat for %(period)s, as the analysis pages show them. An activity counts for the GCM "
        "objectives it is tagged with, or else those of its measure and the results above it; an indicator for the "
        "objectives of its result and the results above it. The plan serves %(addressed)s of the 23 objectives in "
        "the period."
    ) % {"period": data.period, "addressed": data.addressed}
    return _chapter(_("National context and method"), text, Paragraph(method))


def _objective_figures(objective: ObjectiveData, currency: str) -> KeyFigures:
    money = objective.row.budget
    return KeyFigures(
        (
            KeyFigure(_("Activities"), objective.row.activities),
            KeyFigure(_("Implementation rate"), objective.rate, "percent"),
            KeyFigure(_("Indicators"), objective.row.indicators),
            KeyFigure(_("Planned (%(currency)s)") % {"currency": currency}, money.planned, "money"),
            KeyFigure(_("Spent (%(currency)s)") % {"currency": currency}, money.spent, "money"),
        )
    )


def _activity_columns() -> tuple[Column, ...]:
    return (
        Column(_("Code"), width=1),
        Column(_("Activity"), width=4.5),
        Column(_("Lead"), width=0.9),
        Column(_("Status"), width=1.2),
        Column(_("Complete"), "percent", 0.9),
    )


def _activity_values(item: ActivityItem) -> tuple:
    return (item.code, item.title, item.lead, item.status_label, item.percent_complete)


def _indicator_columns() -> tuple[Column, ...]:
    return (
        Column(_("Code"), width=0.9),
        Column(_("Indicator"), width=3.5),
        Column(_("Baseline"), "number"),
        Column(_("Target"), "number"),
        Column(_("Actual"), "number"),
        Column(_("Band"), width=1.1),
    )


def _indicator_values(item: Achievement) -> tuple:
    return (
        item.code,
        item.name,
        item.in_words(item.baseline),
        item.in_words(item.target),
        item.in_words(item.actual),
        str(BAND_LABELS[item.band]),
    )


def _objective(objective: ObjectiveData, written: str, currency: str) -> Section:
    number = objective.number
    blocks: list[Block] = []
    if written.strip():
        blocks += markdown_blocks(written)
    if not objective.addressed:
        blocks.append(Paragraph(_("Not addressed by the plan in the period.")))
        return Section(f"{number}. {objective.title}", blocks=tuple(blocks))
    if not written.strip():
        blocks.append(Paragraph(objective.summary(currency)))
    blocks.append(_objective_figures(objective, currency))
    if objective.activities:
        blocks.append(
            Table(
                _("Activities for GCM objective %(number)s") % {"number": number},
                _activity_columns(),
                tuple(Row(_activity_values(item)) for item in objective.activities),
                sheet=False,  # in the annex's sheet
            )
        )
    if objective.indicators:
        blocks.append(
            Table(
                _("Indicators for GCM objective %(number)s") % {"number": number},
                _indicator_columns(),
                tuple(Row(_indicator_values(item)) for item in objective.indicators),
                sheet=False,
            )
        )
    return Section(f"{number}. {objective.title}", blocks=tuple(blocks))


def _progress(data: ReviewData, texts: dict[int, object], language: str, currency: str) -> Section:
    columns = (
        Column(_("GCM objective"), width=4),
        Column(_("Addressed"), width=0.9),
        Column(_("Activities"), "number", 0.9),
        Column(_("Implementation rate"), "percent", 1.1),
        Column(_("Indicators"), "number", 0.9),
        Column(_("Planned (%(currency)s)") % {"currency": currency}, "money", 1.3),
        Column(_("Spent (%(currency)s)") % {"currency": currency}, "money", 1.3),
    )
    rows = tuple(
        Row(
            (
                f"{objective.number}. {objective.title}",
                _("yes") if objective.addressed else _("not addressed"),
                objective.row.activities,
                objective.rate,
                objective.row.indicators,
                objective.row.budget.planned,
                objective.row.budget.spent,
            )
        )
        for objective in data.objectives
    )
    overview = Table(
        _("The 23 GCM objectives, %(period)s") % {"period": data.period}, columns, rows, name=_("GCM objectives")
    )
    intro = Paragraph(
        _(
            "For each of the %(count)s objectives of the Global Compact: what the review says, then the activities, "
            "indicators, spending and status behind it in %(period)s. The groups overlap: an activity serving two "
            "objectives counts under both."
        )
        % {"count": GCM_OBJECTIVES, "period": data.period}
    )
    subsections = tuple(
        _objective(objective, getattr(texts.get(objective.number), f"text_{language}", "") or "", currency)
        for objective in data.objectives
    )
    return Section(
        _("Progress on the objectives of the Global Compact"), blocks=(intro, overview), subsections=subsections
    )


def _principles(text: str, data: ReviewData) -> Section:
    table = Table(
        _("Guiding principles in the activities, %(period)s") % {"period": data.period},
        (
            Column(_("Principle"), width=2.5),
            Column(_("Activities"), "number"),
            Column(_("Share"), "percent"),
            Column(_("Counted from"), width=2.5),
        ),
        tuple(Row((f"{p.letter}) {p.title}", p.activities, p.share, p.basis)) for p in data.alignment.principles),
        name=_("Principles"),
    )
    return _chapter(_("The guiding principles"), text, table)


def _challenges(text: str, data: ReviewData) -> Section:
    quoted = [objective for objective in data.objectives if objective.quotes]
    blocks: list[Block] = [
        Paragraph(
            _(
                "What the institutions reported about their delayed and cancelled activities, in their own words "
                "(the latest approved report of the period; at most %(count)s activities per objective)."
            )
            % {"count": QUOTES_PER_OBJECTIVE}
        )
    ]
    if not quoted:
        blocks.append(Paragraph(_("No activity is delayed or cancelled.")))
    for objective in quoted:
        heading = _("GCM objective %(number)s: %(title)s") % {"number": objective.number, "title": objective.title}
        blocks.append(Paragraph(heading))
        blocks.append(Bullets(tuple(quote(item) for item in objective.quotes)))
    return _chapter(_("Challenges"), text, *blocks)


def _annex(data: ReviewData) -> Section:
    activity_rows = []
    indicator_rows = []
    for objective in data.objectives:
        for item in objective.activities:
            activity_rows.append(Row((objective.number, *_activity_values(item))))
        for indicator in objective.indicators:
            indicator_rows.append(Row((objective.number, *_indicator_values(indicator))))
    objective_column = Column(_("GCM"), "number", 0.6)
    return Section(
        _("Annex: the activities and indicators behind each objective"),
        blocks=(
            Table(
                _("Activities by GCM objective, %(period)s") % {"period": data.period},
                (objective_column, *_activity_columns()),
                tuple(activity_rows),
                name=_("Activities"),
            ),
            Table(
                _("Indicators by GCM objective, %(period)s") % {"period": data.period},
                (objective_column, *_indicator_columns()),
                tuple(indicator_rows),
                name=_("Indicators"),
            ),
        ),
        landscape=True,
    )


def review_periods(strategy: Strategy) -> list[Period]:
    """The periods a review can be written for: the whole action plan, each action plan of several, and each year
    (read once per strategy object)."""
    cached = strategy.__dict__.get("_review_periods")
    if cached is None:
        whole = Period.span(strategy.plan_start_year, strategy.plan_end_year)
        found = periods_of(strategy, halves=False, plans=action_plan_spans(strategy))
        cached = strategy.__dict__["_review_periods"] = [whole, *(period for period in found if period != whole)]
    return cached
