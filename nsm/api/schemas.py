"""What the monitoring endpoints read and answer, and the functions that build the answers from selectors' results.

Names follow the models and the report form: a report's lines read as they are written back (`activity_id`,
`status`, `percent_complete` ...; `indicator_id`, `total`, `cells`, `note`, `source`), so that a program can read
a report, change some values and send the lines back. Amounts are decimal strings, never floats. Content comes in
both languages (`title_sq`, `title_en`); messages in the request's language.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from django.core.exceptions import ValidationError
from ninja import Field, Path, Schema
from pydantic import AfterValidator, ConfigDict, WithJsonSchema
from pydantic_core import PydanticCustomError

from nsm.accounts.models import Institution
from nsm.core.limits import LONG_TEXT_CHARS, TITLE_CHARS, refuse_control_characters, refuse_longer_than
from nsm.monitoring.models import IndicatorValue, ProgressReport, ReportingCycle, ReviewComment
from nsm.monitoring.selectors import Board, ReportDetail
from nsm.reference.models import DisaggregationCategory
from nsm.strategy.models import Activity, ActivityBudget, Indicator, Result, Strategy

# --- Inputs ---

# Bounds on every number a request brings, so that an out-of-range one is a 400 and never reaches the database:
# ids fit a BigAutoField, offsets and versions a 32-bit integer.
MAX_ID = 2**63 - 1
MAX_COUNT = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Path[Id]

# Texts: bounded by nsm.core.limits as in the forms and the importers, without control characters. A text that breaks
# either rule is refused by its own error type, which errors.py answers as a 422 naming the field (not a 400: the
# request is well formed, the value breaks a rule).
TEXT_RULE = "text_rule"  # the pydantic error type of a text that breaks a rule
NO_CONTROL_CHARACTERS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


def _text_rule(limit: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        try:
            refuse_control_characters(value)
            refuse_longer_than(limit, value)
        except ValidationError as refused:
            raise PydanticCustomError(TEXT_RULE, "{message}", {"message": str(refused.messages[0])}) from None
        return value

    return check


def _text_schema(limit: int) -> WithJsonSchema:
    """What the OpenAPI document says of a bounded text: its length and that it holds no control characters."""
    return WithJsonSchema({"type": "string", "maxLength": limit, "pattern": NO_CONTROL_CHARACTERS})


# A text of at most so many characters without control characters (the OpenAPI document says both), written out as
# type aliases so that the type checker reads them as texts.
# Narratives, notes, sources, reasons, comments:
LongText: TypeAlias = Annotated[str, AfterValidator(_text_rule(LONG_TEXT_CHARS)), _text_schema(LONG_TEXT_CHARS)]
# A status, a code or a name to filter by:
ShortText: TypeAlias = Annotated[str, AfterValidator(_text_rule(TITLE_CHARS)), _text_schema(TITLE_CHARS)]

# The choices of a model's field, as the values a request may send and an answer holds: a Literal built from the
# model's choices at run time, so that pydantic checks them and the OpenAPI document lists them. The type checker
# cannot read a Literal built at run time; to it they are the texts they are.
if TYPE_CHECKING:
    ReportStatus: TypeAlias = str
    CycleStatus: TypeAlias = str
    StrategyStatus: TypeAlias = str
    BudgetSource: TypeAlias = str
    IndicatorKind: TypeAlias = str
    ValueType: TypeAlias = str
    Direction: TypeAlias = str
    Frequency: TypeAlias = str
    Aggregation: TypeAlias = str
    ComputedFrom: TypeAlias = str
else:
    ReportStatus = Literal[tuple(ProgressReport.Status.values)]
    CycleStatus = Literal[tuple(ReportingCycle.Status.values)]
    StrategyStatus = Literal[tuple(Strategy.Status.values)]
    BudgetSource = Literal[tuple(ActivityBudget.Source.values)]
    IndicatorKind = Literal[tuple(Indicator.Kind.values)]
    ValueType = Literal[tuple(Indicator.ValueType.values)]
    Direction = Literal[tuple(Indicator.Direction.values)]
    Frequency = Literal[tuple(Indicator.Frequency.values)]
    Aggregation = Literal[tuple(Indicator.Aggregation.values)]
    ComputedFrom = Literal[tuple(Indicator.ComputedFrom.values)]


# --- A report's lines ---
# PATCH changes the fields a line sends and keeps the others (null empties a field); PUT replaces whole lines, so it
# needs every field of every line it sends. Both use one schema; `lines.py` tells a field left out from one sent as
# null (`model_fields_set`) and refuses a PUT line that leaves one out, naming the line and the field (422).

ACTIVITY_LINE_FIELDS = (
    "status", "percent_complete", "spent_state_budget", "spent_donor", "spent_other", "narrative_sq", "narrative_en"
)  # fmt: skip
# A PUT line may leave out the English narrative (it keeps the stored one): clients written before it came still
# replace whole lines; `narrative`, the Albanian narrative's earlier name, stands for `narrative_sq`.
ACTIVITY_LINE_REQUIRED = tuple(name for name in ACTIVITY_LINE_FIELDS if name != "narrative_en")
INDICATOR_LINE_FIELDS = ("total", "cells", "note", "source")


class ActivityLineIn(Schema):
    activity_id: Id
    status: ShortText | None = Field(
        None, description="not_started, on_track, delayed, completed, cancelled; empty or null: not reported."
    )
    percent_complete: int | None = None
    spent_state_budget: Decimal | None = None
    spent_donor: Decimal | None = None
    spent_other: Decimal | None = None
    narrative_sq: LongText | None = Field(None, description="The narrative in Albanian; either language suffices.")
    narrative_en: LongText | None = Field(None, description="The narrative in English; either language suffices.")
    narrative: LongText | None = Field(
        None,
        description="The earlier name: the narrative as `GET` gives it (the request's language, else the other). "
        "Changed, it is written in the language it was shown in (Albanian when there was none).",
    )


class IndicatorLineIn(Schema):
    indicator_id: Id
    total: Decimal | None = None
    cells: dict[str, Decimal | None] | None = Field(
        None, description="Disaggregated values by category code (`female`, `male` ...): see PUT and PATCH."
    )
    note: LongText | None = None
    source: LongText | None = None


class _LinesBase(Schema):
    version: int = Field(..., ge=0, le=MAX_COUNT, description="The report's version the values were edited from.")


class LinesIn(_LinesBase):
    """PATCH: each line changes only the fields it sends."""

    activities: list[ActivityLineIn] = []
    indicators: list[IndicatorLineIn] = []


class FullActivityLineIn(ActivityLineIn):
    model_config = ConfigDict(json_schema_extra={"required": ["activity_id", *ACTIVITY_LINE_REQUIRED]})


class FullIndicatorLineIn(IndicatorLineIn):
    model_config = ConfigDict(json_schema_extra={"required": ["indicator_id", *INDICATOR_LINE_FIELDS]})


class FullLinesIn(_LinesBase):
    """PUT: each line sent whole, every field (and every cell of an indicator) given."""

    activities: list[FullActivityLineIn] = []
    indicators: list[FullIndicatorLineIn] = []


# The lines of a PATCH or of a PUT (a PUT's lines are whole lines, so they read as a PATCH's).
AnyLinesIn: TypeAlias = LinesIn | FullLinesIn


class VersionIn(Schema):
    version: int = Field(..., ge=0, le=MAX_COUNT, description="The report's version the decision was made on.")


class OptionalVersionIn(Schema):
    version: int | None = Field(
        None, ge=0, le=MAX_COUNT, description="If given, refused (409 stale) when the object changed since."
    )


class ReasonIn(Schema):
    reason: LongText
    version: int | None = Field(
        None, ge=0, le=MAX_COUNT, description="If given, refused (409 stale) when the report changed since."
    )


class CommentIn(Schema):
    text: LongText
    activity_id: Id | None = None
    indicator_id: Id | None = None


class ReportFilters(Schema):
    cycle: Id | None = Field(None, description="A cycle's id.")
    status: ReportStatus | None = None
    institution: ShortText | None = Field(None, description="An institution's code, e.g. MSHMS.")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_COUNT)


class CycleFilters(Schema):
    strategy: ShortText | None = Field(None, description="A strategy's code.")
    status: CycleStatus | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_COUNT)


# --- Outputs ---


class InstitutionOut(Schema):
    id: int
    code: str
    name_sq: str
    name_en: str


class StrategyOut(Schema):
    code: str
    title_sq: str
    title_en: str


class CycleOut(Schema):
    id: int
    strategy: StrategyOut
    label: str
    kind: str
    year: int
    half: int
    opens_on: datetime.date
    due_on: datetime.date
    status: str
    version: int


class CycleRef(Schema):
    id: int
    strategy: str
    label: str
    status: str
    due_on: datetime.date


class ReportOut(Schema):
    id: int
    cycle: CycleRef
    institution: InstitutionOut
    status: str
    board_status: str = Field(..., description="The status, with not_started and overdue told apart.")
    version: int
    locked: bool = Field(..., description="Read-only: approved, or its cycle is closed and it was not reopened.")
    editable: bool = Field(..., description="Its lines can be changed now (draft or returned, not locked).")
    first_saved_at: datetime.datetime | None
    submitted_at: datetime.datetime | None
    submitted_late: bool
    approved_at: datetime.datetime | None
    return_reason: str
    reopened: bool


class ReportPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReportOut]


class CyclePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CycleOut]


class CommentOut(Schema):
    id: int
    text: str
    author: str | None
    created_at: datetime.datetime
    activity_id: int | None
    indicator_id: int | None


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: datetime.datetime


class ActivityLineOut(Schema):
    activity_id: int
    code: str
    title_sq: str
    title_en: str
    status: str
    percent_complete: int | None
    spent_state_budget: Decimal | None
    spent_donor: Decimal | None
    spent_other: Decimal | None
    spent_total: Decimal | None
    narrative: str = Field(
        ..., description="The narrative in the request's language (Accept-Language), else the other one."
    )
    narrative_sq: str
    narrative_en: str
    evidence: list[EvidenceOut]
    comments: list[CommentOut]


class IndicatorLineOut(Schema):
    indicator_id: int
    code: str
    name_sq: str
    name_en: str
    unit: str = Field(..., description="The unit in the request's language (Accept-Language), else the other one.")
    unit_sq: str
    unit_en: str
    value_type: str
    total: Decimal | None
    cells: dict[str, Decimal | None]
    note: str
    source: str
    comments: list[CommentOut]


class MissingOut(Schema):
    kind: str
    id: int
    code: str
    message: str


class EventOut(Schema):
    kind: str
    user: str | None
    at: datetime.datetime
    version: int
    reason: str
    late: bool


class ReportDetailOut(ReportOut):
    activities: list[ActivityLineOut]
    indicators: list[IndicatorLineOut]
    missing: list[MissingOut] = Field(..., description="What must still be filled in before submitting.")
    comments: list[CommentOut] = Field(..., description="Comments on the whole report; line comments are on lines.")
    events: list[EventOut]


class SavedOut(Schema):
    """The answer to a save sent with `Prefer: return=minimal`: the report's new version, for the next save."""

    id: int
    version: int = Field(..., description="The report's version after the save: send it with the next change.")
    status: str
    changed: int = Field(..., description="How many values the save changed (0: nothing was written).")


class BoardRowOut(Schema):
    report_id: int
    institution: InstitutionOut
    status: str
    board_status: str
    version: int
    activities: int
    activities_filled: int
    indicators: int
    indicators_filled: int
    comments: int


class CycleDetailOut(CycleOut):
    reports: list[BoardRowOut] = Field(..., description="The reports of the cycle you may see.")
    counts: dict[str, int] = Field(..., description="How many of those reports are in each board status.")


# --- Building the answers ---


def _name(user: Any) -> str | None:
    return (user.get_full_name() or user.username) if user else None


def institution_out(institution: Institution) -> dict[str, Any]:
    return {
        "id": institution.pk,
        "code": institution.code,
        "name_sq": institution.name_sq,
        "name_en": institution.name_en,
    }


def cycle_out(cycle: ReportingCycle) -> dict[str, Any]:
    strategy = cycle.strategy
    return {
        "id": cycle.pk,
        "strategy": {"code": strategy.code, "title_sq": strategy.title_sq, "title_en": strategy.title_en},
        "label": cycle.label,
        "kind": cycle.kind,
        "year": cycle.year,
        "half": cycle.half,
        "opens_on": cycle.opens_on,
        "due_on": cycle.due_on,
        "status": cycle.status,
        "version": cycle.version,
    }


def report_out(report: ProgressReport) -> dict[str, Any]:
    """A report as listed (needs `cycle__strategy` and `institution` selected)."""
    cycle = report.cycle
    return {
        "id": report.pk,
        "cycle": {
            "id": cycle.pk,
            "strategy": cycle.strategy.code,
            "label": cycle.label,
            "status": cycle.status,
            "due_on": cycle.due_on,
        },
        "institution": institution_out(report.institution),
        "status": report.status,
        "board_status": report.board_status(),
        "version": report.version,
        "locked": report.is_locked,
        "editable": report.is_editable,
        "first_saved_at": report.first_saved_at,
        "submitted_at": report.submitted_at,
        "submitted_late": report.submitted_late,
        "approved_at": report.approved_at,
        "return_reason": report.return_reason,
        "reopened": report.reopened,
    }


def comment_out(comment: ReviewComment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "text": comment.text,
        "author": _name(comment.author),
        "created_at": comment.created_at,
        "activity_id": comment.activity_id,
        "indicator_id": comment.indicator_id,
    }


def cell_keys(categories: Iterable[DisaggregationCategory]) -> dict[int, str]:
    """The key of each category among an indicator's cells: its code, or `dimension.code` when two of the
    indicator's dimensions share that code (needs `category.dimension`)."""
    categories = list(categories)
    seen = Counter(category.code for category in categories)
    return {c.pk: c.code if seen[c.code] == 1 else f"{c.dimension.code}.{c.code}" for c in categories}


def report_detail_out(detail: ReportDetail) -> dict[str, Any]:
    activities = [
        {
            "activity_id": item.line.activity_id,
            "code": item.activity.code,
            "title_sq": item.activity.title_sq,
            "title_en": item.activity.title_en,
            **{name: getattr(item.line, name) for name in item.line.VALUE_FIELDS},
            "narrative": item.line.narrative,
            "spent_total": item.line.spent_total,
            "evidence": [
                {
                    "id": e.pk,
                    "name": e.name,
                    "content_type": e.content_type,
                    "size": e.size,
                    "uploaded_at": e.uploaded_at,
                }
                for e in item.evidence
            ],
            "comments": [comment_out(comment) for comment in item.comments],
        }
        for item in detail.activities
    ]
    indicators = []
    for item in detail.indicators:
        keys = cell_keys(cell.category for cell in item.cells)
        indicators.append(
            {
                "indicator_id": item.indicator.pk,
                "code": item.indicator.code,
                "name_sq": item.indicator.name_sq,
                "name_en": item.indicator.name_en,
                "unit": item.indicator.unit,
                "unit_sq": item.indicator.unit_sq,
                "unit_en": item.indicator.unit_en,
                "value_type": item.indicator.value_type,
                "total": item.total.value,
                "cells": {keys[cell.category.pk]: cell.value.value for cell in item.cells},
                "note": item.total.note,
                "source": item.total.source,
                "comments": [comment_out(comment) for comment in item.comments],
            }
        )
    return {
        **report_out(detail.report),
        "activities": activities,
        "indicators": indicators,
        "missing": [{"kind": m.kind, "id": m.object_id, "code": m.code, "message": m.message} for m in detail.missing],
        "comments": [comment_out(comment) for comment in detail.general_comments],
        "events": [
            {
                "kind": event.kind,
                "user": _name(event.user),
                "at": event.at,
                "version": event.version,
                "reason": event.reason,
                "late": event.late,
            }
            for event in detail.events
        ],
    }


def cycle_detail_out(board: Board) -> dict[str, Any]:
    return {
        **cycle_out(board.cycle),
        "reports": [
            {
                "report_id": row.report.pk,
                "institution": institution_out(row.report.institution),
                "status": row.report.status,
                "board_status": row.board_status,
                "version": row.report.version,
                "activities": row.activities,
                "activities_filled": row.activities_filled,
                "indicators": row.indicators,
                "indicators_filled": row.indicators_filled,
                "comments": row.comments,
            }
            for row in board.rows
        ],
        "counts": board.counts,
    }


# --- The plan (strategies, results, activities, indicators) and indicator values ---

GenderMarker = Literal[0, 1, 2]


class Page(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_COUNT)


class StrategyFilters(Page):
    status: StrategyStatus | None = None
    country: ShortText | None = Field(None, description="ISO 3166 alpha-2 code, e.g. AL.")


class ResultFilters(Page):
    depth: int | None = Field(None, ge=1, le=4, description="The level, 1 at the top: the results of that level.")


class ActivityFilters(Page):
    measure: ShortText | None = Field(
        None, description="A result's code: the activities under it, e.g. 1.1 (every measure of objective 1.1)."
    )
    institution: ShortText | None = Field(None, description="The lead institution's code, e.g. MSHMS.")
    gcm: int | None = Field(
        None, ge=1, le=23, description="A GCM objective's number (the activity's own, else its measure's)."
    )
    year: int | None = Field(None, ge=1900, le=2200, description="Activities whose timeframe includes this year.")


class IndicatorFilters(Page):
    result: ShortText | None = Field(
        None, description="A result's code: the indicators on it and on the results under it."
    )
    institution: ShortText | None = Field(None, description="The responsible institution's code.")
    kind: IndicatorKind | None = None


class ValueFilters(Page):
    indicator: ShortText | None = Field(None, description="An indicator's code.")
    cycle: Id | None = Field(None, description="A cycle's id.")
    year: int | None = Field(None, ge=1900, le=2200, description="The year of the cycles.")
    institution: ShortText | None = Field(None, description="The reporting institution's code.")
    include_unapproved: bool = Field(
        False, description="Also values of reports not yet approved (secretariat and coordinator only)."
    )


class LevelOut(Schema):
    sq: str
    en: str


class StrategyInfoOut(Schema):
    id: int
    code: str
    reference: str = Field(..., description="The code the government gives it, as written (empty: the code).")
    levels: list[LevelOut] = Field(
        ..., description="The plan's levels from the top down, named in both languages; the last holds the activities."
    )
    country: str
    title_sq: str
    title_en: str
    start_year: int
    end_year: int
    plan_start_year: int
    plan_end_year: int
    status: StrategyStatus
    adopting_act: str
    adopted_on: datetime.date | None
    currency: str
    is_illustrative: bool
    is_public: bool
    band_width: Decimal = Field(..., description="Points around 100 % of progress that count as on track.")


class StrategyPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[StrategyInfoOut]


WITHDRAWN_HELP = (
    "The day it was withdrawn from the plan (null: in the plan): it is no longer reported, its reported data stay."
)


class ResultOut(Schema):
    id: int
    code: str
    reference: str = Field(..., description="The reference as the plan publishes it (empty: the code).")
    depth: int = Field(..., description="The level, 1 at the top (the strategy's `levels` name it).")
    level_sq: str = Field(..., description="The level's name as the plan gives it, in Albanian.")
    level_en: str = Field(..., description="The level's name as the plan gives it, in English.")
    parent_id: int | None
    parent_code: str | None
    title_sq: str
    title_en: str
    gcm_objectives: list[int] = Field(..., description="GCM objective numbers.")
    sdg_targets: list[str] = Field(..., description="SDG target codes.")
    withdrawn_on: datetime.date | None = Field(..., description=WITHDRAWN_HELP)
    withdrawn_reason: str
    version: int


class ResultPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ResultOut]


class CodeRef(Schema):
    id: int
    code: str


class TargetGroupOut(Schema):
    code: str
    name_sq: str
    name_en: str


class BudgetLineOut(Schema):
    year: int
    source: BudgetSource
    donor: str
    amount: str = Field(..., description="In the strategy's currency, two decimals.")


class ActivityOut(Schema):
    id: int
    strategy: str
    code: str
    reference: str = Field(..., description="The reference as the plan publishes it (empty: the code).")
    measure: CodeRef = Field(..., description="The result directly above it (a measure, or the plan's own level).")
    title_sq: str
    title_en: str
    lead: InstitutionOut = Field(
        ...,
        description="The institution that reports on it (monitoring sends it the line): the one the plan marks lead, "
        "else the first of `responsible`.",
    )
    lead_place: int | None = Field(
        ...,
        description="Where the lead the plan marks stands in `responsible` (1: first); null when the plan marks none "
        "(the first of `responsible` reports).",
    )
    responsible: list[InstitutionOut] = Field(
        ..., description="The responsible institutions in the plan's order, the lead among them at its place."
    )
    partners: list[InstitutionOut] = Field(
        ...,
        description="The supporting institutions, in the plan's order (the responsible ones are in `responsible`).",
    )
    start_year: int
    start_quarter: int | None
    end_year: int
    end_quarter: int | None
    timeframe: str = Field(
        ...,
        description='The timeframe as the plan writes it ("Second half of 2025", "Annual"); when the plan gives none, '
        "the span by year and quarter (2024-Q3–2025).",
    )
    recurrence: str = Field(
        ..., description="'' (once), annual, half_yearly, quarterly, periodic or continuous: read from the timeframe."
    )
    cost_basis: str = Field(
        ...,
        description="costed (budget lines by year and source), within_budget (no extra cost) or not_costed: only a "
        "costed activity has budget lines, and the funding gap counts only those.",
    )
    cost_note: str = Field(..., description="Whose budget, as the plan says it (for an activity within the budget).")
    gender_marker: GenderMarker
    target_groups: list[TargetGroupOut]
    gcm_objectives: list[int] = Field(..., description="GCM objective numbers: the activity's own, else its measure's.")
    gcm_from_measure: bool
    budget_lines: list[BudgetLineOut]
    planned_total: str
    withdrawn_on: datetime.date | None = Field(..., description=WITHDRAWN_HELP)
    withdrawn_reason: str
    version: int


class ActivityPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ActivityOut]


class TargetOut(Schema):
    year: int
    value: Decimal


class IndicatorOut(Schema):
    id: int
    strategy: str
    code: str
    result: CodeRef
    activity: CodeRef | None = Field(..., description="The activity whose output it measures; null: the result's.")
    name_sq: str
    name_en: str
    kind: IndicatorKind
    unit: str = Field(..., description="The unit in the request's language (Accept-Language), else the other one.")
    unit_sq: str
    unit_en: str
    value_type: ValueType
    milestones_sq: str = Field(..., description="A milestone indicator's stages, one per line (stage 1 first).")
    milestones_en: str
    direction: Direction
    baseline: Decimal | None
    baseline_year: int | None
    data_source: str = Field(..., description="The data source in the request's language, else the other one.")
    data_source_sq: str
    data_source_en: str
    frequency: Frequency
    aggregation: Aggregation = Field(
        ...,
        description="How the periods' values make a longer period's figure: stock (the latest), flow (their sum), "
        "cumulative (the latest running total).",
    )
    responsible: InstitutionOut | None
    disaggregation: list[str] = Field(..., description="The codes of the dimensions it is broken down by.")
    computed_from: ComputedFrom
    targets: list[TargetOut]
    withdrawn_on: datetime.date | None = Field(..., description=WITHDRAWN_HELP)
    withdrawn_reason: str
    version: int


class IndicatorPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[IndicatorOut]


class IndicatorValueOut(Schema):
    id: int
    indicator_id: int
    indicator_code: str
    dimension: str | None = Field(..., description="The disaggregation dimension's code; null for the total.")
    category: str | None = Field(..., description="The category's code; null for the total.")
    value: Decimal
    note: str
    source: str
    report_id: int
    report_status: ReportStatus
    cycle_id: int
    cycle_label: str
    year: int
    institution: InstitutionOut


class IndicatorValuePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[IndicatorValueOut]


def page_out(items: list[dict[str, Any]], count: int, page: Page) -> dict[str, Any]:
    return {"count": count, "limit": page.limit, "offset": page.offset, "items": items}


def money(amount: Decimal) -> str:
    """An amount with two decimals, as a string."""
    return str(Decimal(amount).quantize(Decimal("0.01")))


def number(value: Decimal | None) -> Decimal | None:
    """An indicator value without trailing zeros (`200`, `42.5`), as the roll-ups show them."""
    if value is None:
        return None
    value = Decimal(value).quantize(Decimal("0.001"))
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def strategy_info_out(strategy: Strategy) -> dict[str, Any]:
    return {
        name: getattr(strategy, name)
        for name in (
            "id", "code", "reference", "country", "title_sq", "title_en", "start_year", "end_year", "plan_start_year",
            "plan_end_year", "status", "adopting_act", "adopted_on", "currency", "is_illustrative", "is_public",
            "band_width",
        )
    } | {"levels": [{"sq": level.get("sq", ""), "en": level.get("en", "")} for level in strategy.levels]}  # fmt: skip


def withdrawal_out(item: Result | Activity | Indicator) -> dict[str, Any]:
    return {"withdrawn_on": item.withdrawn_on, "withdrawn_reason": item.withdrawn_reason}


def result_out(result: Result) -> dict[str, Any]:
    """A result (needs `parent` selected, `gcm_objectives` and `sdg_targets` prefetched)."""
    return {
        "id": result.pk,
        "code": result.code,
        "reference": result.reference,
        "depth": result.depth,
        "level_sq": result.strategy.level_name(result.depth, "sq"),
        "level_en": result.strategy.level_name(result.depth, "en"),
        "parent_id": result.parent_id,
        "parent_code": result.parent.code if result.parent is not None else None,
        "title_sq": result.title_sq,
        "title_en": result.title_en,
        "gcm_objectives": sorted(gcm.number for gcm in result.gcm_objectives.all()),
        "sdg_targets": [target.code for target in sorted(result.sdg_targets.all(), key=lambda t: t.sort_key)],
        **withdrawal_out(result),
        "version": result.version,
    }


def activity_out(activity: Activity) -> dict[str, Any]:
    """An activity (needs `strategy`, `lead`, `measure` selected and `bodies__institution`, `target_groups`,
    `gcm_objectives`, `measure__gcm_objectives`, `budget_lines` prefetched: `nsm.api.plan`)."""
    own = sorted(gcm.number for gcm in activity.gcm_objectives.all())
    of_measure = sorted(gcm.number for gcm in activity.measure.gcm_objectives.all())
    lines = sorted(activity.budget_lines.all(), key=lambda line: (line.year, line.source, line.donor))
    return {
        "id": activity.pk,
        "strategy": activity.strategy.code,
        "code": activity.code,
        "reference": activity.reference,
        "measure": {"id": activity.measure_id, "code": activity.measure.code},
        "title_sq": activity.title_sq,
        "title_en": activity.title_en,
        "lead": institution_out(activity.lead),
        "lead_place": activity.lead_place,
        "responsible": [institution_out(institution) for institution in activity.responsible_bodies],
        "partners": [institution_out(institution) for institution in activity.supporting_bodies],
        "start_year": activity.start_year,
        "start_quarter": activity.start_quarter,
        "end_year": activity.end_year,
        "end_quarter": activity.end_quarter,
        "timeframe": activity.timeframe_label,
        "recurrence": activity.recurrence,
        "cost_basis": activity.cost_basis,
        "cost_note": activity.cost_note,
        "gender_marker": activity.gender_marker,
        "target_groups": [
            {"code": group.code, "name_sq": group.name_sq, "name_en": group.name_en}
            for group in sorted(activity.target_groups.all(), key=lambda g: (g.position, g.code))
        ],
        "gcm_objectives": own or of_measure,
        "gcm_from_measure": not own and bool(of_measure),
        "budget_lines": [
            {"year": line.year, "source": line.source, "donor": line.donor, "amount": money(line.amount)}
            for line in lines
        ],
        "planned_total": money(sum((line.amount for line in lines), Decimal(0))),
        **withdrawal_out(activity),
        "version": activity.version,
    }


def indicator_out(indicator: Indicator) -> dict[str, Any]:
    """An indicator (needs `strategy`, `result`, `responsible` selected, `disaggregation`, `targets` prefetched)."""
    return {
        "id": indicator.pk,
        "strategy": indicator.strategy.code,
        "code": indicator.code,
        "result": {"id": indicator.result_id, "code": indicator.result.code},
        "activity": {"id": indicator.activity_id, "code": indicator.activity.code} if indicator.activity else None,
        "name_sq": indicator.name_sq,
        "name_en": indicator.name_en,
        "kind": indicator.kind,
        "unit": indicator.unit,
        "unit_sq": indicator.unit_sq,
        "unit_en": indicator.unit_en,
        "value_type": indicator.value_type,
        "milestones_sq": indicator.milestones_sq,
        "milestones_en": indicator.milestones_en,
        "direction": indicator.direction,
        "baseline": number(indicator.baseline),
        "baseline_year": indicator.baseline_year,
        "data_source": indicator.data_source,
        "data_source_sq": indicator.data_source_sq,
        "data_source_en": indicator.data_source_en,
        "frequency": indicator.frequency,
        "aggregation": indicator.aggregation,
        "responsible": institution_out(indicator.responsible) if indicator.responsible else None,
        "disaggregation": [d.code for d in sorted(indicator.disaggregation.all(), key=lambda d: (d.position, d.code))],
        "computed_from": indicator.computed_from,
        "targets": [
            {"year": t.year, "value": number(t.value)} for t in sorted(indicator.targets.all(), key=lambda t: t.year)
        ],
        **withdrawal_out(indicator),
        "version": indicator.version,
    }


def indicator_value_out(value: IndicatorValue) -> dict[str, Any]:
    """A value (needs `indicator`, `category__dimension`, `report__cycle`, `report__institution` selected)."""
    report, category = value.report, value.category
    return {
        "id": value.pk,
        "indicator_id": value.indicator_id,
        "indicator_code": value.indicator.code,
        "dimension": category.dimension.code if category else None,
        "category": category.code if category else None,
        "value": number(value.value),
        "note": value.note,
        "source": value.source,
        "report_id": report.pk,
        "report_status": report.status,
        "cycle_id": report.cycle_id,
        "cycle_label": report.cycle.label,
        "year": report.cycle.year,
        "institution": institution_out(report.institution),
    }


# --- Search ---

SearchKind = Literal["result", "activity", "indicator", "institution", "narrative", "comment", "meeting", "decision"]


class SearchFilters(Schema):
    q: str = Field(
        ..., max_length=1000, description="The words to find (at most 200 characters): accents and case do not matter, "
        "the beginning of a word is enough, every word must be found. Any text is accepted: punctuation only "
        "separates words.",
    )  # fmt: skip
    kind: SearchKind | None = Field(None, description="Only this kind of result; every kind when left out.")
    limit: int = Field(10, ge=1, le=100, description="Results of each kind, 1-100.")
    offset: int = Field(0, ge=0, le=MAX_COUNT, description="Results of each kind skipped before the first given.")


class SearchHitOut(Schema):
    id: int = Field(description="The object's id in its kind (an activity's id for `/activities/{activity_id}` ...).")
    label: str = Field(description="The reference or code as its page names it (a decision: its number).")
    context: str = Field(description="Where it belongs: the strategy's code, the round, the meeting, the report.")
    text: str = Field(description="The matched text (part of it when long), plain.")
    url: str = Field(description="The address of its page on the site.")


class SearchGroupOut(Schema):
    kind: SearchKind
    label: str = Field(description="The kind's name in the request's language.")
    count: int = Field(description="How many objects of this kind match, of those the caller may see.")
    items: list[SearchHitOut]


class SearchOut(Schema):
    query: str
    words: list[str] = Field(description="The words searched for, folded (lower case, without accents).")
    groups: list[SearchGroupOut] = Field(description="The kinds with results, in a fixed order; empty: nothing found.")
