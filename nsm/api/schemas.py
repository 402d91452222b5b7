"""What the monitoring endpoints read and answer, and the functions that build the answers from selectors' results.

Names follow the models and the report form: a report's lines read as they are written back (`activity_id`,
`status`, `percent_complete` ...; `indicator_id`, `total`, `cells`, `note`, `source`), so that a program can read
a report, change some values and send the lines back. Amounts are decimal strings, never floats. Content comes in
both languages (`title_sq`, `title_en`); messages in the request's language.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from nsm.accounts.models import Institution
from nsm.monitoring.models import ProgressReport, ReportingCycle, ReviewComment
from nsm.monitoring.selectors import Board, ReportDetail
from nsm.reference.models import DisaggregationCategory

# --- Inputs ---


class ActivityLineIn(Schema):
    activity_id: int
    status: str = Field("", description="not_started, on_track, delayed, completed, cancelled; empty: not reported")
    percent_complete: int | None = None
    spent_state_budget: Decimal | None = None
    spent_donor: Decimal | None = None
    spent_other: Decimal | None = None
    narrative: str = ""


class IndicatorLineIn(Schema):
    indicator_id: int
    total: Decimal | None = None
    cells: dict[str, Decimal | None] = Field(
        default_factory=dict,
        description="Disaggregated values by category code (`female`, `male` ...); cells left out are emptied.",
    )
    note: str = ""
    source: str = ""


class LinesIn(Schema):
    version: int = Field(..., description="The report's version the values were edited from.")
    activities: list[ActivityLineIn] = []
    indicators: list[IndicatorLineIn] = []


class VersionIn(Schema):
    version: int = Field(..., description="The report's version the decision was made on.")


class OptionalVersionIn(Schema):
    version: int | None = Field(None, description="If given, refused (409 stale) when the object changed since.")


class ReasonIn(Schema):
    reason: str
    version: int | None = Field(None, description="If given, refused (409 stale) when the report changed since.")


class CommentIn(Schema):
    text: str
    activity_id: int | None = None
    indicator_id: int | None = None


ReportStatus = Literal[tuple(ProgressReport.Status.values)]  # type: ignore[valid-type]
CycleStatus = Literal[tuple(ReportingCycle.Status.values)]  # type: ignore[valid-type]


class ReportFilters(Schema):
    cycle: int | None = Field(None, description="A cycle's id.")
    status: ReportStatus | None = None
    institution: str | None = Field(None, description="An institution's code, e.g. MSHMS.")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


class CycleFilters(Schema):
    strategy: str | None = Field(None, description="A strategy's code.")
    status: CycleStatus | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


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
    narrative: str
    evidence: list[EvidenceOut]
    comments: list[CommentOut]


class IndicatorLineOut(Schema):
    indicator_id: int
    code: str
    name_sq: str
    name_en: str
    unit: str
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
