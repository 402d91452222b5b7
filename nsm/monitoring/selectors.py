"""Named reads of monitoring data, shared by pages, the API, the workbook and the services; each in a fixed number
of queries, whatever the number of institutions, lines or history rows."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, cast

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nsm.accounts import access
from nsm.accounts.models import Institution
from nsm.core.numbers import format_decimal
from nsm.core.shortlist import Shortlist, shortlist
from nsm.core.text import fold
from nsm.monitoring.models import (
    ActivityProgress,
    ActivityStanding,
    Evidence,
    IndicatorStanding,
    IndicatorValue,
    ProgressReport,
    ReportEvent,
    ReportingCycle,
    ReportQuerySet,
    ReviewComment,
)
from nsm.reference.models import DisaggregationCategory
from nsm.strategy import selectors as plan_selectors
from nsm.strategy.models import Activity, Indicator, IndicatorTarget, Strategy
from nsm.strategy.templatetags.plan import indicator_value

# --- What a cycle asks of whom ---


def activities_in_period(strategy: Strategy, cycle: ReportingCycle) -> list[Activity]:
    """Activities due or under way in the cycle's period: their timeframe overlaps it (one query). Withdrawn ones
    are no longer reported."""
    first, last = cycle.quarters
    candidates = Activity.objects.filter(
        strategy=strategy, start_year__lte=cycle.year, end_year__gte=cycle.year, withdrawn_on__isnull=True
    ).select_related("lead")
    return [activity for activity in candidates if activity.start <= last and activity.end >= first]


def indicators_due(strategy: Strategy, cycle: ReportingCycle) -> list[Indicator]:
    """Indicators with an owner that are due in the period: annual ones at the end of a year, others every cycle.
    Withdrawn ones are no longer reported."""
    indicators = Indicator.objects.filter(
        strategy=strategy, responsible__isnull=False, withdrawn_on__isnull=True
    ).prefetch_related(
        Prefetch(
            "disaggregation__categories",
            queryset=DisaggregationCategory.objects.order_by("position", "code"),
        )
    )
    if not cycle.closes_year:
        indicators = indicators.exclude(frequency=Indicator.Frequency.ANNUAL)
    return list(indicators.filter(Q(baseline_year__isnull=True) | Q(baseline_year__lt=cycle.year)))


@dataclass(frozen=True)
class CycleDemand:
    """What opening a cycle asks for: the activities under way and the indicators due in its period, and the
    institutions that lead or own them, one report each."""

    activities: list[Activity]
    indicators: list[Indicator]

    @property
    def institution_ids(self) -> list[int]:
        return sorted(
            {a.lead_id for a in self.activities}
            | {i.responsible_id for i in self.indicators if i.responsible_id is not None}
        )


def cycle_demand(strategy: Strategy, cycle: ReportingCycle) -> CycleDemand:
    return CycleDemand(activities_in_period(strategy, cycle), indicators_due(strategy, cycle))


def institutions_asked(cycle: ReportingCycle) -> list[Institution]:
    """The institutions that opening `cycle` creates a report for, by code (as many as the reports)."""
    ids = cycle_demand(cycle.strategy, cycle).institution_ids
    return list(Institution.objects.filter(pk__in=ids).order_by("code"))


def reports_not_submitted(cycle: ReportingCycle) -> int:
    """How many reports of the cycle are still with their institution (draft or returned): closing locks them so."""
    statuses = (ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED)
    return ProgressReport.objects.filter(cycle=cycle, status__in=statuses).count()


def cells_of(indicator: Indicator) -> list[DisaggregationCategory]:
    """The disaggregation cells of an indicator, dimension by dimension (uses the prefetched categories)."""
    dimensions = sorted(indicator.disaggregation.all(), key=lambda d: (d.position, d.code))
    return [category for dimension in dimensions for category in dimension.categories.all()]


# --- The board ---


@dataclass(frozen=True)
class BoardRow:
    report: ProgressReport
    board_status: str
    board_status_label: str
    activities: int
    activities_filled: int
    indicators: int
    indicators_filled: int
    comments: int


@dataclass(frozen=True)
class Board:
    cycle: ReportingCycle
    rows: tuple[BoardRow, ...]
    counts: dict[str, int]


def board(cycle: ReportingCycle, reports: QuerySet[ProgressReport], today: datetime.date | None = None) -> Board:
    """Each institution's report in the cycle with its status and how much is filled in: 1 query."""
    rows = []
    annotated = (
        reports.filter(cycle=cycle)
        .select_related("institution", "cycle__strategy")
        .annotate(
            n_activities=Count("activity_lines", distinct=True),
            n_activities_filled=Count("activity_lines", filter=~Q(activity_lines__status=""), distinct=True),
            n_indicators=Count("indicator_values", filter=Q(indicator_values__category__isnull=True), distinct=True),
            n_indicators_filled=Count(
                "indicator_values",
                filter=Q(indicator_values__category__isnull=True, indicator_values__value__isnull=False),
                distinct=True,
            ),
            n_comments=Count("comments", distinct=True),
        )
        .order_by("institution__code")
    )
    counts: dict[str, int] = defaultdict(int)
    for report in annotated:
        status = report.board_status(today)
        counts[status] += 1
        rows.append(
            BoardRow(
                report=report,
                board_status=status,
                board_status_label=report.get_board_status_display(today),
                activities=report.n_activities,
                activities_filled=report.n_activities_filled,
                indicators=report.n_indicators,
                indicators_filled=report.n_indicators_filled,
                comments=report.n_comments,
            )
        )
    return Board(cycle=cycle, rows=tuple(rows), counts=dict(counts))


def board_rows(board: Board, *, status: str = "", text: str = "") -> list[BoardRow]:
    """The board's rows of `status` (a board status) whose institution's code or name contains `text`, ignoring
    case and accents. In memory: no query."""
    wanted = fold(text)
    return [
        row
        for row in board.rows
        if (not status or row.board_status == status)
        and (not wanted or wanted in fold(f"{row.report.institution.code} {row.report.institution.name}"))
    ]


# --- One report ---


@dataclass(frozen=True)
class IndicatorCell:
    category: DisaggregationCategory
    value: IndicatorValue


@dataclass(frozen=True)
class IndicatorLine:
    indicator: Indicator
    total: IndicatorValue
    cells: tuple[IndicatorCell, ...]
    comments: tuple[ReviewComment, ...] = ()
    target: Decimal | None = None  # the target for the cycle's year, if the plan sets one

    @property
    def is_filled(self) -> bool:
        return self.total.value is not None


@dataclass(frozen=True)
class ActivityLine:
    line: ActivityProgress
    evidence: tuple[Evidence, ...]
    comments: tuple[ReviewComment, ...] = ()

    @property
    def activity(self) -> Activity:
        return self.line.activity


@dataclass(frozen=True)
class MissingItem:
    """What keeps a report from being submitted: a line and what it lacks."""

    kind: Literal["activity", "indicator"]
    object_id: int
    code: str
    message: str


@dataclass(frozen=True)
class ReportDetail:
    report: ProgressReport
    activities: tuple[ActivityLine, ...]
    indicators: tuple[IndicatorLine, ...]
    general_comments: tuple[ReviewComment, ...]
    events: tuple[ReportEvent, ...]
    missing: tuple[MissingItem, ...] = field(default=())


def report_detail(report: ProgressReport) -> ReportDetail:
    """A report with all its lines, cells, evidence, comments and timeline, in a fixed number of queries."""
    lines = list(
        ActivityProgress.objects.filter(report=report)
        .select_related("activity__lead", "activity__measure")
        .prefetch_related("evidence", "activity__budget_lines")
        .order_by("activity__sort_key")
    )
    values = list(
        IndicatorValue.objects.filter(report=report)
        .select_related("indicator__result", "category__dimension")
        .order_by("indicator__sort_key", "category__dimension__position", "category__position", "category__code")
    )
    comments = list(ReviewComment.objects.filter(report=report).select_related("author"))
    targets = targets_of(report)
    events = tuple(ReportEvent.objects.filter(report=report).select_related("user").order_by("at", "pk"))
    by_activity: dict[int, list[ReviewComment]] = defaultdict(list)
    by_indicator: dict[int, list[ReviewComment]] = defaultdict(list)
    general = []
    for comment in comments:
        if comment.activity_id:
            by_activity[comment.activity_id].append(comment)
        elif comment.indicator_id:
            by_indicator[comment.indicator_id].append(comment)
        else:
            general.append(comment)
    activity_lines = tuple(
        ActivityLine(line=line, evidence=tuple(line.evidence.all()), comments=tuple(by_activity[line.activity_id]))
        for line in lines
    )
    totals: dict[int, IndicatorValue] = {}
    cells: dict[int, list[IndicatorCell]] = defaultdict(list)
    for value in values:
        if value.category is None:
            totals[value.indicator_id] = value
        else:
            cells[value.indicator_id].append(IndicatorCell(category=value.category, value=value))
    indicator_lines = tuple(
        IndicatorLine(
            indicator=total.indicator,
            total=total,
            cells=tuple(cells[indicator_id]),
            comments=tuple(by_indicator[indicator_id]),
            target=targets.get(indicator_id),
        )
        for indicator_id, total in totals.items()
    )
    return ReportDetail(
        report=report,
        activities=activity_lines,
        indicators=indicator_lines,
        general_comments=tuple(general),
        events=events,
        missing=tuple(missing_items(activity_lines, indicator_lines)),
    )


def targets_of(report: ProgressReport) -> dict[int, Decimal]:
    """The target for the cycle's year of each indicator of the report that the plan sets one for (one query)."""
    return dict(
        IndicatorTarget.objects.filter(indicator__values__report=report, year=report.cycle.year)
        .distinct()
        .values_list("indicator_id", "value")
    )


def missing_items(activities: Iterable[ActivityLine], indicators: Iterable[IndicatorLine]) -> list[MissingItem]:
    """What must still be filled in before the report can be submitted."""
    missing = []
    for item in activities:
        line = item.line
        if not line.status:
            missing.append(MissingItem("activity", line.activity_id, line.activity.code, _("Give the status.")))
        elif line.percent_complete is None and line.status in (
            ActivityProgress.Status.ON_TRACK,
            ActivityProgress.Status.DELAYED,
        ):
            missing.append(
                MissingItem("activity", line.activity_id, line.activity.code, _("Give the percent complete."))
            )
    for indicator_line in indicators:
        if indicator_line.total.value is None and not indicator_line.total.note.strip():
            in_words = indicator_line.indicator.value_type == Indicator.ValueType.TEXT
            message = (
                _("Say in words what was reached in this period.")
                if in_words
                else _("Give the value, or explain in the note why there is none for this period.")
            )
            missing.append(
                MissingItem("indicator", indicator_line.indicator.pk, indicator_line.indicator.code, message)
            )
    return missing


# --- History ---


def _activity_subject(record: Any) -> str:
    return _("Activity %(code)s") % {"code": record.activity.code}


def _value_subject(record: Any) -> str:
    cell = record.category.name if record.category_id else _("total")
    return _("Indicator %(code)s, %(cell)s") % {"code": record.indicator.code, "cell": cell}


def report_history(report: ProgressReport, since: datetime.datetime | None = None):
    """Every change to the report's values, newest first (optionally only those after `since`)."""
    activity_history = ActivityProgress.history.filter(report_id=report.pk).select_related("activity")
    value_history = IndicatorValue.history.filter(report_id=report.pk).select_related("indicator", "category")
    entries = plan_selectors.history_entries(
        [
            (activity_history, _activity_subject, ()),
            (value_history, _value_subject, ()),
        ]
    )
    if since is None:
        return entries
    return tuple(entry for entry in entries if entry.when > since)


def changes_since(report: ProgressReport, version: int):
    """What was saved on the report after the user saw it at `version`, oldest first, and the events since."""
    seen_at = (
        ReportEvent.objects.filter(report=report, version__lte=version)
        .order_by("-version", "-at", "-pk")
        .values_list("at", flat=True)
        .first()
    )
    events = tuple(
        ReportEvent.objects.filter(report=report, version__gt=version).select_related("user").order_by("at", "pk")
    )
    entries = report_history(report, since=seen_at) if seen_at else report_history(report)
    if seen_at is None:
        entries = tuple(entry for entry in entries if entry.action != "created")
    return events, tuple(reversed(entries))


# --- Lists ---


def reports_for_user(reports: QuerySet[ProgressReport]) -> QuerySet[ProgressReport]:
    """A list of reports (already scoped to the user) with what a list shows, in one query."""
    return reports.select_related("cycle__strategy", "institution").order_by(
        "-cycle__year", "-cycle__half", "cycle__strategy__code", "institution__code", "pk"
    )


@dataclass(frozen=True)
class ReportFilter:
    """What the report list is asked to show; None (or "") asks nothing of that column."""

    strategy_code: str = ""
    cycle_pk: int | None = None
    institution_pk: int | None = None
    status: str = ""  # a board status, overdue included

    @property
    def filtered(self) -> bool:
        return bool(self.strategy_code or self.cycle_pk or self.institution_pk or self.status)


def filtered_reports(
    reports: QuerySet[ProgressReport], wanted: ReportFilter, today: datetime.date | None = None
) -> QuerySet[ProgressReport]:
    """The reports (already scoped to the user) that meet every criterion asked, filtered in SQL."""
    if wanted.strategy_code:
        reports = reports.filter(cycle__strategy__code=wanted.strategy_code)
    if wanted.cycle_pk is not None:
        reports = reports.filter(cycle_id=wanted.cycle_pk)
    if wanted.institution_pk is not None:
        reports = reports.filter(institution_id=wanted.institution_pk)
    if wanted.status:
        reports = cast(ReportQuerySet, reports).in_board_status(wanted.status, today)
    return reports


def report_filter_choices(reports: QuerySet[ProgressReport]) -> tuple[list[ReportingCycle], list[Institution]]:
    """The cycles (with their strategies) and the institutions of the reports the user may see, for the report
    list's filters: 2 queries, whatever the number of reports."""
    cycles = (
        ReportingCycle.objects.filter(pk__in=reports.values("cycle_id"))
        .select_related("strategy")
        .order_by("-year", "-half", "strategy__code", "kind")
    )
    institutions = Institution.objects.filter(pk__in=reports.values("institution_id")).order_by("code")
    return list(cycles), list(institutions)


def spending_planned(line: ActivityProgress, year: int) -> Decimal:
    """The activity's planned cost for the year (prefetched budget lines), unfunded part included."""
    return sum((b.amount for b in line.activity.budget_lines.all() if b.year == year), Decimal(0))


def institutions_of(reports: Iterable[ProgressReport]) -> list[Institution]:
    return sorted({report.institution for report in reports}, key=lambda institution: institution.code)


# --- Lines shared with other institutions ---------------------------------------------------------------------------

SHARED_LINES_SHOWN = 200  # the newest lines a page of shared lines lists


@dataclass
class SharedLine:
    """A line of another institution's report on an activity that names the user's institution: responsible with the
    lead, or supporting. Its values show once the report is submitted; the comments are those on the line."""

    line: ActivityProgress
    mine: list[Institution]  # the user's institutions the activity names
    responsible: bool  # whether one of them is responsible with the lead (else supporting)
    comments: list[ReviewComment]

    @property
    def shows_values(self) -> bool:
        return self.line.report.status in (ProgressReport.Status.SUBMITTED, ProgressReport.Status.APPROVED)


def shared_line_queryset(institution_ids: set[int]) -> QuerySet[ActivityProgress]:
    """Lines of other institutions' reports on activities that name one of `institution_ids` beside their lead, in
    the plan's country of each institution."""
    return (
        ActivityProgress.objects.filter(
            activity__bodies__institution__in=institution_ids,
            activity__strategy__country=F("activity__bodies__institution__country"),
        )
        .exclude(report__institution__in=institution_ids)
        .distinct()
    )


def shared_lines(institution_ids: set[int], also: int | None = None) -> tuple[list[SharedLine], bool]:
    """The newest shared lines (at most SHARED_LINES_SHOWN) with their comments, in three queries; and whether
    older ones were left out. `also` (a line's id) is shown too, at the end, when it is an older one: the line whose
    refused comment must come back beside its text (one more query)."""
    found_lines = (
        shared_line_queryset(institution_ids)
        .select_related("report__cycle__strategy", "report__institution", "activity__lead")
        .prefetch_related(plan_selectors.bodies_prefetch("activity__"))
        .order_by("-report__cycle__year", "-report__cycle__half", "report__cycle__strategy__code", "activity__sort_key")
    )
    lines = list(found_lines[: SHARED_LINES_SHOWN + 1])
    more = len(lines) > SHARED_LINES_SHOWN
    lines = lines[:SHARED_LINES_SHOWN]
    if also is not None and all(line.pk != also for line in lines):
        lines += list(found_lines.filter(pk=also))
    comments: dict[tuple[int, int], list[ReviewComment]] = defaultdict(list)
    found = ReviewComment.objects.filter(
        report_id__in={line.report_id for line in lines}, activity_id__in={line.activity_id for line in lines}
    ).select_related("author")
    for comment in found:
        comments[(comment.report_id, cast(int, comment.activity_id))].append(comment)
    shared = []
    for line in lines:
        named = [b for b in line.activity.bodies.all() if b.institution_id in institution_ids]
        shared.append(
            SharedLine(
                line=line,
                mine=[b.institution for b in named],
                responsible=any(b.responsible for b in named),
                comments=comments[(line.report_id, line.activity_id)],
            )
        )
    return shared, more


# --- Review with context: the previous period and what changed since the return ---


@dataclass(frozen=True)
class Previous:
    """What the approved reports of earlier cycles say of a line: the activity's latest status and percent, or the
    indicator's latest total, with the cycle it comes from."""

    cycle: ReportingCycle
    status: str = ""
    percent_complete: int | None = None
    value: Decimal | None = None

    @property
    def status_label(self) -> str:
        return str(ActivityProgress.Status(self.status).label) if self.status else ""


@dataclass(frozen=True)
class Change:
    """A field of a line whose value differs from the one it had when the report was returned."""

    label: str
    before: Any
    after: Any
    text: bool = False  # a narrative or a note: the page says it changed rather than show both texts


@dataclass(frozen=True)
class ReviewContext:
    activities: dict[int, Previous]  # activity id -> its previous approved standing
    indicators: dict[int, Previous]  # indicator id -> its previous approved total
    returned: ReportEvent | None  # the return that the report answers, when it was returned and submitted again
    changes: dict[tuple[str, int], tuple[Change, ...]]  # ("activity" | "indicator", id) -> what changed since


def review_context(detail: ReportDetail) -> ReviewContext:
    """The previous period's figures of each line (from the figures kept at approval), and, for a report submitted
    again after a return, what changed in each line since the return (from the lines' history). Four queries at
    most, whatever the report's size."""
    report = detail.report
    first_q = report.cycle.year * 10 + (3 if report.cycle.half == 2 else 1)
    activity_ids = [item.line.activity_id for item in detail.activities]
    activities = {
        standing.activity_id: Previous(
            standing.line.report.cycle, status=standing.status, percent_complete=standing.percent_complete
        )
        for standing in ActivityStanding.objects.filter(activity_id__in=activity_ids, from_q__lt=first_q)
        .filter(Q(until_q__isnull=True) | Q(until_q__gte=first_q))
        .select_related("line__report__cycle")
    }
    indicators: dict[int, Previous] = {}
    for standing in (
        IndicatorStanding.objects.filter(
            indicator_id__in=[item.indicator.pk for item in detail.indicators],
            category__isnull=True,
            last_q__lt=first_q,
        )
        .select_related("cycle")
        .order_by("indicator_id", "-last_q", "-rank", "-cycle_id")
    ):
        indicators.setdefault(standing.indicator_id, Previous(standing.cycle, value=standing.value))
    # The latest return or reopening: what the report, submitted again, answers.
    returns = [event for event in detail.events if event.kind in (ReportEvent.Kind.RETURNED, ReportEvent.Kind.REOPENED)]
    returned = returns[-1] if returns and report.status == ProgressReport.Status.SUBMITTED else None
    changes = _changes_since(detail, returned.at) if returned is not None else {}
    return ReviewContext(activities, indicators, returned, changes)


def _changes_since(detail: ReportDetail, at: datetime.datetime) -> dict[tuple[str, int], tuple[Change, ...]]:
    """Per line, the fields whose value differs from their value at `at` (the latest history row up to then)."""
    report = detail.report
    before_lines: dict[int, Any] = {}
    for row in ActivityProgress.history.filter(report_id=report.pk, history_date__lte=at).order_by(
        "id", "-history_date", "-history_id"
    ):
        before_lines.setdefault(row.id, row)
    before_values: dict[int, Any] = {}
    for row in IndicatorValue.history.filter(report_id=report.pk, history_date__lte=at).order_by(
        "id", "-history_date", "-history_id"
    ):
        before_values.setdefault(row.id, row)
    changes: dict[tuple[str, int], tuple[Change, ...]] = {}
    for item in detail.activities:
        line, old = item.line, before_lines.get(item.line.pk)
        if old is None:
            continue
        found = [
            Change(_line_field_label(name), getattr(old, name), getattr(line, name))
            for name in ActivityProgress.VALUE_FIELDS
            if getattr(old, name) != getattr(line, name)
        ]
        if found:
            changes[("activity", line.activity_id)] = tuple(_shown(change) for change in found)
    for indicator_line in detail.indicators:
        cells = [(str(_("Total")), indicator_line.total)] + [
            (str(cell.category.name), cell.value) for cell in indicator_line.cells
        ]
        found = []
        for label, value in cells:
            old = before_values.get(value.pk)
            if old is None:
                continue
            if old.value != value.value:  # as the card shows values: Yes/No, the stage, the number with its "%"
                indicator = indicator_line.indicator
                found.append(
                    Change(label, indicator_value(old.value, indicator), indicator_value(value.value, indicator))
                )
            if old.note != value.note:
                found.append(Change(f"{label}: {_('Note')}", old.note, value.note, text=True))
        if found:
            changes[("indicator", indicator_line.indicator.pk)] = tuple(found)
    return changes


def _line_field_label(name: str) -> str:
    return str(getattr(ActivityProgress._meta.get_field(name), "verbose_name", name))


def _shown(change: Change) -> Change:
    """A status as its label; a narrative is marked as a text (the page says it changed); numbers grouped."""
    if change.label == _line_field_label("status"):
        labels = dict(ActivityProgress.Status.choices)
        return Change(change.label, labels.get(change.before, change.before), labels.get(change.after, change.after))
    if change.label in (_line_field_label("narrative_sq"), _line_field_label("narrative_en")):
        return Change(change.label, change.before, change.after, text=True)
    before, after = (None if value is None else format_decimal(value) for value in (change.before, change.after))
    return Change(change.label, before, after)


# --- The home page's to-do lists ---

STILL_WITH_INSTITUTION = (ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED)


def reports_to_fill_in(user: Any) -> Shortlist[ProgressReport]:
    """The reports the user's institutions must still fill in or correct, as their focal point: draft or returned, in
    an open cycle or reopened; the soonest due first (two queries). Never another institution's."""
    reports = (
        ProgressReport.objects.editable_by(user)
        .filter(institution__in=access.institution_ids(user, access.FOCAL_POINTS), status__in=STILL_WITH_INSTITUTION)
        .filter(Q(cycle__status=ReportingCycle.Status.OPEN) | Q(reopened=True))
    )
    return shortlist(reports.select_related("cycle__strategy", "institution").order_by("cycle__due_on", "pk"))


def reports_to_review(user: Any) -> Shortlist[ProgressReport]:
    """The submitted reports waiting for the user's review (the secretariat's of its country), the oldest submission
    first (two queries)."""
    reports = ProgressReport.objects.reviewable_by(user).filter(status=ProgressReport.Status.SUBMITTED)
    return shortlist(reports.select_related("cycle__strategy", "institution").order_by("submitted_at", "pk"))


def reports_overdue(user: Any, today: datetime.date | None = None) -> Shortlist[ProgressReport]:
    """The reports the user reviews whose institution has not submitted them by the due date of their open cycle:
    the institutions overdue, the longest overdue first (two queries)."""
    reports = ProgressReport.objects.reviewable_by(user).filter(
        status__in=STILL_WITH_INSTITUTION,
        cycle__status=ReportingCycle.Status.OPEN,
        cycle__due_on__lt=today or timezone.localdate(),
    )
    return shortlist(
        reports.select_related("cycle__strategy", "institution").order_by("cycle__due_on", "institution__code", "pk")
    )
