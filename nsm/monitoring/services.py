"""Every monitoring write: cycles, report lines, submission and review, comments, evidence.

Each runs in one transaction inside `acting_as(by)` so that history names its author, and saves objects one by one
(no `update()`), so that every changed value leaves a history row and an unchanged one leaves none. Saves to a
report lock its row, compare the version the user edited with the stored one, refuse a stale one with
`StaleVersion` (what changed meanwhile, by whom), and bump the version when anything changed. The pages, the API
and the Excel upload all call these functions: the rules hold whoever calls.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from nsm.audit import acting_as
from nsm.capacity.selectors import officials_trained
from nsm.core.limits import LONG_TEXT_CHARS, refuse_control_characters, refuse_longer_than
from nsm.monitoring import selectors
from nsm.monitoring.models import (
    ActivityProgress,
    Evidence,
    IndicatorValue,
    ProgressReport,
    ReportEvent,
    ReportingCycle,
    ReviewComment,
)
from nsm.strategy.models import Indicator, Strategy
from nsm.strategy.services import StaleVersion
from nsm.core.uploads import CONTENT_TYPES, sniff_type

Status = ActivityProgress.Status
SPENDING_LIMIT = Decimal(10) ** 13  # 15 significant digits with 2 decimals
VALUE_LIMIT = Decimal(10) ** 12  # 15 significant digits with 3 decimals


# --- Inputs and errors ---


@dataclass(frozen=True)
class ActivityLineInput:
    """What a focal point reports on one activity for the period."""

    activity_id: int
    status: str = ""
    percent_complete: int | None = None
    spent_state_budget: Decimal | None = None
    spent_donor: Decimal | None = None
    spent_other: Decimal | None = None
    narrative: str = ""


@dataclass(frozen=True)
class IndicatorLineInput:
    """What a focal point reports on one indicator: the total, one value per disaggregation cell, a note, a source.

    `cells` maps a category id to its value; cells left out are empty.
    """

    indicator_id: int
    total: Decimal | None = None
    cells: Mapping[int, Decimal | None] = field(default_factory=dict)
    note: str = ""
    source: str = ""


@dataclass(frozen=True)
class LineError:
    """One refused value: the line (`activity` or `indicator` and its id) and the field.

    Fields: an activity's field names; for an indicator `total`, `cell:<category id>`, `note` or `source`;
    `report` errors have no line.
    """

    kind: Literal["activity", "indicator", "report"]
    object_id: int | None
    field: str
    message: str
    code: str = ""


class ReportInvalid(ValidationError):
    """Values that break a rule, or a report that cannot be submitted yet: nothing was written."""

    def __init__(self, errors: Sequence[LineError]) -> None:
        super().__init__([_line_message(error) for error in errors], code="invalid")
        self.line_errors = list(errors)


class ReportLocked(ValidationError):
    """The report cannot be changed now: approved, submitted and awaiting review, or its cycle is closed."""


class TransitionRefused(ValidationError):
    """A review step that does not apply to the report in its current state."""


def _line_message(error: LineError) -> str:
    if error.kind == "report" or not error.code:
        return error.message
    label = _("Activity %(code)s") if error.kind == "activity" else _("Indicator %(code)s")
    return f"{label % {'code': error.code}}: {error.message}"


# --- Validation (no database access: the workbook maps each error to its cell) ---


def _decimal(value: Any, *, places: int, limit: Decimal) -> tuple[Decimal | None, str | None]:
    if value is None or value == "":
        return None, None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None, _("Enter a number.")
    if not number.is_finite():
        return None, _("Enter a number.")
    if abs(number) >= limit:
        return None, _("The number is too large.")
    if number != number.quantize(Decimal(1).scaleb(-places)):
        return None, _("Use at most %(places)s decimal places.") % {"places": places}
    return number, None


def validate_activity_line(line: ActivityLineInput, code: str = "") -> list[LineError]:
    """The rules of one activity line: a known status; 0-100 %; completed means 100; cancelled and delayed
    explain why; spending is never negative."""
    errors = []

    def error(name: str, message: str) -> None:
        errors.append(LineError("activity", line.activity_id, name, message, code))

    if line.status and line.status not in Status.values:
        error("status", _("Choose a status from the list."))
    percent = line.percent_complete
    if percent is not None:
        if not isinstance(percent, int) or isinstance(percent, bool) or not 0 <= percent <= 100:
            error("percent_complete", _("The percent complete is a whole number from 0 to 100."))
        elif line.status == Status.COMPLETED and percent != 100:
            error("percent_complete", _("A completed activity is 100% complete."))
        elif line.status == Status.NOT_STARTED and percent != 0:
            error("percent_complete", _("An activity not started is 0% complete."))
    if line.status in (Status.CANCELLED, Status.DELAYED) and not line.narrative.strip():
        error("narrative", _("Explain in the narrative why the activity is delayed or cancelled."))
    for name in ActivityProgress.SPENDING_FIELDS:
        amount, problem = _decimal(getattr(line, name), places=2, limit=SPENDING_LIMIT)
        if problem:
            error(name, problem)
        elif amount is not None and amount < 0:
            error(name, _("Spending cannot be negative."))
    return errors


def normalized_activity_line(line: ActivityLineInput) -> dict[str, Any]:
    """The values to store: a completed activity is 100% when no percent was given, an unstarted one 0%."""
    percent = line.percent_complete
    if percent is None and line.status == Status.COMPLETED:
        percent = 100
    if percent is None and line.status == Status.NOT_STARTED:
        percent = 0
    values = {"status": line.status, "percent_complete": percent, "narrative": line.narrative.strip()}
    for name in ActivityProgress.SPENDING_FIELDS:
        values[name] = _decimal(getattr(line, name), places=2, limit=SPENDING_LIMIT)[0]
    return values


def validate_indicator_line(
    line: IndicatorLineInput, indicator: Indicator, dimensions: Mapping[int, Sequence[Any]], code: str = ""
) -> list[LineError]:
    """The rules of one indicator line. `dimensions` maps each disaggregation dimension of the indicator to its
    categories. A count's disaggregated values add up to the total, dimension by dimension; a percentage is not
    added up; a yes/no indicator takes 1 (yes) or 0 (no)."""
    errors = []
    code = code or indicator.code

    def error(name: str, message: str) -> None:
        errors.append(LineError("indicator", line.indicator_id, name, message, code))

    known = {category.pk for categories in dimensions.values() for category in categories}
    for category_id in line.cells:
        if category_id not in known:
            error(f"cell:{category_id}", _("This indicator is not disaggregated by this category."))
    total, problem = _decimal(line.total, places=3, limit=VALUE_LIMIT)
    if problem:
        error("total", problem)
    cells: dict[int, Decimal | None] = {}
    for category_id, raw in line.cells.items():
        cells[category_id], problem = _decimal(raw, places=3, limit=VALUE_LIMIT)
        if problem:
            error(f"cell:{category_id}", problem)
    if errors or indicator.computed_from:  # computed values come from records: `_validate` compares them
        return errors
    if indicator.value_type == Indicator.ValueType.YES_NO:
        for name, value in [("total", total), *((f"cell:{pk}", value) for pk, value in cells.items())]:
            if value is not None and value not in (0, 1):
                error(name, _("A yes/no indicator takes 1 (yes) or 0 (no)."))
        return errors
    if indicator.value_type == Indicator.ValueType.NUMBER:
        for categories in dimensions.values():
            given = {c.pk: cells.get(c.pk) for c in categories if cells.get(c.pk) is not None}
            if not given:
                continue
            if total is None:
                error("total", _("Give the total as well as its breakdown."))
                continue
            lacking = [c for c in categories if c.pk not in given]
            if lacking:
                for category in lacking:
                    error(f"cell:{category.pk}", _("Give every value of the breakdown, 0 where there is none."))
                continue
            added = sum(given.values(), Decimal(0))
            if added != total:
                names = " + ".join(str(c.name) for c in categories)
                error(
                    "total",
                    _("%(names)s = %(sum)s, but the total is %(total)s: the breakdown must add up to the total.")
                    % {"names": names, "sum": _plain(added), "total": _plain(total)},
                )
    return errors


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f").rstrip("0")


# --- Cycles ---


def create_cycle(
    strategy: Strategy,
    *,
    by: Any,
    kind: str,
    year: int,
    half: int = 0,
    opens_on: datetime.date,
    due_on: datetime.date,
) -> ReportingCycle:
    """A new (planned) reporting cycle for a period of the strategy's years."""
    cycle = ReportingCycle(
        strategy=strategy,
        kind=kind,
        year=year,
        half=half if kind == ReportingCycle.Kind.HALF_YEAR else 0,
        opens_on=opens_on,
        due_on=due_on,
    )
    if year not in strategy.years:
        message = _("The year lies outside the strategy's years (%(start)s-%(end)s).")
        raise ValidationError({"year": message % {"start": strategy.start_year, "end": strategy.end_year}})
    with transaction.atomic(), acting_as(by):
        cycle.full_clean()
        cycle.save()
    return cycle


def open_cycle(cycle: ReportingCycle, *, by: Any, version: int | None = None) -> list[ProgressReport]:
    """Open a planned cycle: one report per institution that leads an activity under way in the period or owns an
    indicator due in it, prefilled with those lines (and each indicator's disaggregation cells)."""
    with transaction.atomic(), acting_as(by):
        cycle = _locked_cycle(cycle, version)
        if cycle.status != ReportingCycle.Status.PLANNED:
            raise TransitionRefused(_("Only a planned cycle can be opened."))
        strategy = cycle.strategy
        demand = selectors.cycle_demand(strategy, cycle)
        activities, indicators, institution_ids = demand.activities, demand.indicators, demand.institution_ids
        reports = bulk_create_with_history(
            [ProgressReport(cycle=cycle, institution_id=pk) for pk in institution_ids],
            ProgressReport,
            default_user=by if getattr(by, "pk", None) else None,
        )
        report_of = {report.institution_id: report for report in ProgressReport.objects.filter(cycle=cycle)}
        lines = [ActivityProgress(report=report_of[a.lead_id], activity=a) for a in activities]
        values = []
        for indicator in indicators:
            report = report_of[indicator.responsible_id]
            values.append(IndicatorValue(report=report, indicator=indicator))
            values.extend(
                IndicatorValue(report=report, indicator=indicator, category=category)
                for category in selectors.cells_of(indicator)
            )
        user = by if getattr(by, "pk", None) else None
        bulk_create_with_history(lines, ActivityProgress, default_user=user)
        bulk_create_with_history(values, IndicatorValue, default_user=user)
        cycle.status = ReportingCycle.Status.OPEN
        _bump(cycle)
        for institution_id in sorted({i.responsible_id for i in indicators if i.computed_from}):
            refresh_computed_values(report_of[institution_id], by=by)
        return reports


def close_cycle(cycle: ReportingCycle, *, by: Any, version: int | None = None) -> ReportingCycle:
    """Close an open cycle: every report in it becomes read-only, until the secretariat reopens one."""
    with transaction.atomic(), acting_as(by):
        cycle = _locked_cycle(cycle, version)
        if cycle.status != ReportingCycle.Status.OPEN:
            raise TransitionRefused(_("Only an open cycle can be closed."))
        cycle.status = ReportingCycle.Status.CLOSED
        _bump(cycle)
        for report in ProgressReport.objects.select_for_update().filter(cycle=cycle):
            changed = report.reopened
            report.reopened = False
            if changed or report.status != ProgressReport.Status.APPROVED:
                report.version += 1
                report.save()
                _event(report, ReportEvent.Kind.LOCKED, by)
        return cycle


def _locked_cycle(cycle: ReportingCycle, version: int | None) -> ReportingCycle:
    locked = ReportingCycle.objects.select_for_update().select_related("strategy").get(pk=cycle.pk)
    if version is not None and version != locked.version:
        raise StaleVersion(
            [_("The cycle was changed by someone else since you opened it. Reload the page and try again.")],
            current_version=locked.version,
        )
    return locked


def _bump(obj: Any) -> None:
    obj.version += 1
    obj.save()


# --- Computed indicator values ---

COMPUTED_REASON = "computed from trainings"


def refresh_computed_values(report: ProgressReport, *, by: Any = None) -> int:
    """Set the values of the report's indicators computed from trainings: the total and the female and male cells
    are the officials trained at the strategy's trainings that ended within the cycle's period. Saved one by one
    (history keeps each change); the report's version goes up when a value changed. A report that cannot be
    changed now (submitted, approved, closed) keeps its values. Returns how many values changed."""
    values = list(
        IndicatorValue.objects.filter(report=report, indicator__computed_from=Indicator.ComputedFrom.TRAININGS)
        .select_related("category__dimension")
        .order_by("pk")
    )
    if not values:
        return 0
    with transaction.atomic(), acting_as(by, COMPUTED_REASON):
        report = _locked_report(report)
        if not report.is_editable:
            return 0
        cycle = report.cycle
        count = officials_trained(cycle.strategy_id, cycle.starts_on, cycle.ends_on)
        changed = 0
        for value in values:
            if value.category_id is None:
                wanted: int | None = count.total
            elif value.category.dimension.code == "sex":
                wanted = count.by_sex.get(value.category.code, 0)
            else:
                wanted = None  # a breakdown the records do not hold
            changed += _assign_and_save(value, {"value": None if wanted is None else Decimal(wanted)})
        if changed:
            report.version += 1
            report.save()
        return changed


# --- Reports: saving lines ---


def _locked_report(report: ProgressReport) -> ProgressReport:
    """The report, locked for this transaction. Only its own row is locked (`of=("self",)`): locking the joined
    cycle and strategy too made every save of a cycle wait for the one before, across institutions. The cycle is
    read after the lock, in a statement of its own, so that a cycle closed while we waited is seen closed."""
    locked = ProgressReport.objects.select_for_update(of=("self",)).select_related("institution").get(pk=report.pk)
    locked.cycle = ReportingCycle.objects.select_related("strategy").get(pk=locked.cycle_id)
    return locked


def _check_version(report: ProgressReport, version: int | None) -> None:
    if version is not None and version != report.version:
        raise StaleVersion(stale_messages(report, version), current_version=report.version)


def _when(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def stale_messages(report: ProgressReport, version: int) -> list[str]:
    """Why a save on `version` was refused: who did what to the report since, value by value."""
    events, entries = selectors.changes_since(report, version)
    last = events[-1] if events else None
    who = (last.user.get_full_name() or last.user.username) if last and last.user else _("another user")
    when = _when(last.at) if last else _when(timezone.now())
    lines = [
        _(
            "The report was changed by %(user)s on %(when)s since you opened it, so your changes were not saved. "
            "Here is what changed; the form now shows the current values."
        )
        % {"user": who, "when": when}
    ]
    for event in events:
        if event.kind not in (ReportEvent.Kind.SAVED, ReportEvent.Kind.IMPORTED):
            actor = (event.user.get_full_name() or event.user.username) if event.user else _("unknown user")
            line = f"{actor}, {_when(event.at)}: {event.get_kind_display()}"
            lines.append(f"{line} ({event.reason})" if event.reason else line)
    for entry in entries:
        what = "; ".join(f"{capfirst(change.field)}: {change.old} → {change.new}" for change in entry.changes)
        lines.append(f"{entry.user or _('unknown user')}, {_when(entry.when)}: {entry.subject}: {what}")
    return lines


def require_editable(report: ProgressReport) -> None:
    if report.is_locked:
        if report.status == ProgressReport.Status.APPROVED:
            raise ReportLocked(_("The report is approved and read-only. The secretariat can reopen it."))
        raise ReportLocked(_("The cycle is closed and its reports are read-only. The secretariat can reopen one."))
    if report.status == ProgressReport.Status.SUBMITTED:
        raise ReportLocked(_("The report has been submitted and awaits review; it cannot be changed now."))


def save_report(
    report: ProgressReport,
    *,
    by: Any,
    version: int | None,
    activities: Iterable[ActivityLineInput] = (),
    indicators: Iterable[IndicatorLineInput] = (),
    event: str = ReportEvent.Kind.SAVED,
) -> int:
    """Save the given lines of a report edited at `version`; returns how many values changed (0: nothing written).

    The lines given are checked first, all of them; if any value breaks a rule, `ReportInvalid` lists every error
    and nothing is written. Lines not given keep their values.
    """
    activities, indicators = list(activities), list(indicators)
    with transaction.atomic(), acting_as(by):
        report = _locked_report(report)
        require_editable(report)
        _check_version(report, version)
        stored_lines = {
            line.activity_id: line for line in ActivityProgress.objects.filter(report=report).select_related("activity")
        }
        stored_values: dict[int, dict[int | None, IndicatorValue]] = defaultdict(dict)
        for value in IndicatorValue.objects.filter(report=report).select_related("indicator", "category"):
            stored_values[value.indicator_id][value.category_id] = value
        errors = _validate(activities, indicators, stored_lines, stored_values)
        if errors:
            raise ReportInvalid(errors)
        changed = 0
        for line_input in activities:
            line = stored_lines[line_input.activity_id]
            changed += _assign_and_save(line, normalized_activity_line(line_input))
        for line_input in indicators:
            cells = stored_values[line_input.indicator_id]
            total = cells[None]
            changed += _assign_and_save(
                total,
                {
                    "value": _decimal(line_input.total, places=3, limit=VALUE_LIMIT)[0],
                    "note": line_input.note.strip(),
                    "source": line_input.source.strip(),
                },
            )
            for category_id, cell in cells.items():
                if category_id is not None:
                    raw = line_input.cells.get(category_id)
                    changed += _assign_and_save(cell, {"value": _decimal(raw, places=3, limit=VALUE_LIMIT)[0]})
        if changed:
            report.first_saved_at = report.first_saved_at or timezone.now()
            report.version += 1
            report.save()
            _event(report, event, by)
        return changed


def _validate(
    activities: list[ActivityLineInput],
    indicators: list[IndicatorLineInput],
    stored_lines: Mapping[int, ActivityProgress],
    stored_values: Mapping[int, Mapping[int | None, IndicatorValue]],
) -> list[LineError]:
    errors: list[LineError] = []
    for line_input in activities:
        stored = stored_lines.get(line_input.activity_id)
        if stored is None:
            errors.append(
                LineError("activity", line_input.activity_id, "", _("This activity is not part of the report."))
            )
            continue
        errors.extend(validate_activity_line(line_input, stored.activity.code))
    for line_input in indicators:
        cells = stored_values.get(line_input.indicator_id)
        if not cells or None not in cells:
            errors.append(
                LineError("indicator", line_input.indicator_id, "", _("This indicator is not part of the report."))
            )
            continue
        dimensions: dict[int, list[Any]] = defaultdict(list)
        for category_id, value in cells.items():
            if category_id is not None:
                dimensions[value.category.dimension_id].append(value.category)
        errors.extend(validate_indicator_line(line_input, cells[None].indicator, dimensions))
        if cells[None].indicator.computed_from:
            errors.extend(_computed_changes(line_input, cells))
    return errors


def _computed_changes(line: IndicatorLineInput, cells: Mapping[int | None, IndicatorValue]) -> list[LineError]:
    """A computed indicator's values cannot be typed: a value that differs from the computed one is refused."""
    errors = []
    indicator = cells[None].indicator
    given = {None: line.total, **line.cells}
    for category_id, value in given.items():
        stored = cells.get(category_id)
        number = _decimal(value, places=3, limit=VALUE_LIMIT)[0]
        if stored is not None and number != stored.value:
            name = "total" if category_id is None else f"cell:{category_id}"
            message = _("This value is computed from trainings (%(value)s); it cannot be changed in the report.")
            shown = "—" if stored.value is None else _plain(stored.value)
            errors.append(LineError("indicator", line.indicator_id, name, message % {"value": shown}, indicator.code))
    return errors


def _assign_and_save(obj: Any, values: Mapping[str, Any]) -> int:
    """Set the values; save (one history row) only if one of them differs. Returns 1 if saved, else 0."""
    if all(getattr(obj, name) == value for name, value in values.items()):
        return 0
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()
    return 1


def _event(report: ProgressReport, kind: str, by: Any, reason: str = "", late: bool = False) -> ReportEvent:
    return ReportEvent.objects.create(
        report=report,
        kind=kind,
        user=by if getattr(by, "pk", None) else None,
        version=report.version,
        reason=reason,
        late=late,
    )


# --- Reports: submission and review ---


def submit_report(report: ProgressReport, *, by: Any, version: int | None = None) -> ProgressReport:
    """Submit a draft or returned report that has nothing missing; after the due date it is accepted, marked late."""
    with transaction.atomic(), acting_as(by):
        report = _locked_report(report)
        require_editable(report)
        _check_version(report, version)
        missing = selectors.report_detail(report).missing
        if missing:
            raise ReportInvalid(
                [LineError(item.kind, item.object_id, "", item.message, item.code) for item in missing]  # type: ignore[arg-type]
            )
        now = timezone.now()
        late = timezone.localdate(now) > report.cycle.due_on
        report.status = ProgressReport.Status.SUBMITTED
        report.submitted_at = now
        report.submitted_late = late
        report.first_saved_at = report.first_saved_at or now
        report.return_reason = ""
        report.version += 1
        report.save()
        _event(report, ReportEvent.Kind.SUBMITTED, by, late=late)
        return report


def _long_text(name: str, text: str) -> str:
    """A reason or a comment as typed, stripped: at most LONG_TEXT_CHARS characters, no control character."""
    try:
        refuse_control_characters(text)
        refuse_longer_than(LONG_TEXT_CHARS, text)
    except ValidationError as refused:
        raise ValidationError({name: refused.messages}) from None
    return text.strip()


def return_report(report: ProgressReport, *, by: Any, reason: str, version: int | None = None) -> ProgressReport:
    """Send a submitted report back to its institution with the reason; its focal points correct and resubmit."""
    reason = _long_text("reason", reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the report is returned.")})
    with transaction.atomic(), acting_as(by, reason):
        report = _locked_report(report)
        _check_version(report, version)
        if report.status != ProgressReport.Status.SUBMITTED:
            raise TransitionRefused(_("Only a submitted report can be returned."))
        if report.is_locked:
            raise TransitionRefused(_("The cycle is closed: reopen the report first."))
        report.status = ProgressReport.Status.RETURNED
        report.return_reason = reason
        report.version += 1
        report.save()
        _event(report, ReportEvent.Kind.RETURNED, by, reason=reason)
        return report


def approve_report(report: ProgressReport, *, by: Any, version: int | None = None) -> ProgressReport:
    """Approve a submitted report: it becomes read-only and its data count as approved."""
    with transaction.atomic(), acting_as(by):
        report = _locked_report(report)
        _check_version(report, version)
        if report.status != ProgressReport.Status.SUBMITTED:
            raise TransitionRefused(_("Only a submitted report can be approved."))
        report.status = ProgressReport.Status.APPROVED
        report.approved_at = timezone.now()
        report.reopened = False
        report.return_reason = ""
        report.version += 1
        report.save()
        _event(report, ReportEvent.Kind.APPROVED, by)
        return report


def reopen_report(report: ProgressReport, *, by: Any, reason: str, version: int | None = None) -> ProgressReport:
    """Make an approved report, or any report of a closed cycle, editable again, with the reason."""
    reason = _long_text("reason", reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the report is reopened.")})
    with transaction.atomic(), acting_as(by, reason):
        report = _locked_report(report)
        _check_version(report, version)
        if not report.is_locked and report.status != ProgressReport.Status.SUBMITTED:
            raise TransitionRefused(_("The report is open for changes already."))
        if report.status in (ProgressReport.Status.APPROVED, ProgressReport.Status.SUBMITTED):
            report.status = ProgressReport.Status.RETURNED
            report.approved_at = None
        report.return_reason = reason
        report.reopened = report.cycle.is_closed
        report.version += 1
        report.save()
        _event(report, ReportEvent.Kind.REOPENED, by, reason=reason)
        return report


def add_comment(
    report: ProgressReport,
    *,
    by: Any,
    text: str,
    activity_id: int | None = None,
    indicator_id: int | None = None,
) -> ReviewComment:
    """The secretariat's comment on a line of the report (an activity or an indicator) or on the whole report."""
    text = _long_text("text", text)
    if not text:
        raise ValidationError({"text": _("Write the comment.")})
    if activity_id and indicator_id:
        raise ValidationError(_("A comment is on one line: an activity or an indicator."))
    if activity_id and not ActivityProgress.objects.filter(report=report, activity_id=activity_id).exists():
        raise ValidationError(_("This activity is not part of the report."))
    if indicator_id and not IndicatorValue.objects.filter(report=report, indicator_id=indicator_id).exists():
        raise ValidationError(_("This indicator is not part of the report."))
    with transaction.atomic(), acting_as(by):
        comment = ReviewComment(
            report=report,
            activity_id=activity_id,
            indicator_id=indicator_id,
            text=text,
            author=by if getattr(by, "pk", None) else None,
        )
        comment.full_clean()
        comment.save()
        return comment


# --- Evidence ---

EVIDENCE_TYPES = CONTENT_TYPES  # every type the platform reads from content is accepted as evidence


def add_evidence(
    report: ProgressReport, *, by: Any, activity_id: int, upload: UploadedFile, version: int | None = None
) -> Evidence:
    """Attach a file to an activity's line: a pdf, docx, xlsx, jpg or png (checked from the content, and the name
    must agree), within the size limit."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}}, code="too_large"
        )
    kind = sniff_type(upload, field="file")  # refuses macros, zip bombs, broken files in words
    extension = upload.name.rpartition(".")[2].lower() if "." in upload.name else ""
    extension = "jpg" if extension == "jpeg" else extension
    if kind is None:
        raise ValidationError(
            {"file": _("Only PDF, Word (docx), Excel (xlsx), JPEG and PNG files are accepted.")}, code="type"
        )
    if extension != kind:
        raise ValidationError(
            {
                "file": _("The file's content is %(kind)s but its name ends in .%(ext)s.")
                % {"kind": kind, "ext": extension}
            },
            code="type",
        )
    with transaction.atomic(), acting_as(by):
        report = _locked_report(report)
        require_editable(report)
        _check_version(report, version)
        line = ActivityProgress.objects.filter(report=report, activity_id=activity_id).first()
        if line is None:
            raise ValidationError(_("This activity is not part of the report."))
        evidence = Evidence(
            line=line,
            name=upload.name[-200:],
            content_type=EVIDENCE_TYPES[kind],
            size=upload.size or 0,
            uploaded_by=by if getattr(by, "pk", None) else None,
        )
        evidence.file.save(upload.name[-100:], upload, save=False)
        evidence.save()
        report.first_saved_at = report.first_saved_at or timezone.now()
        report.version += 1
        report.save()
        _event(report, ReportEvent.Kind.SAVED, by)
        return evidence


def remove_evidence(evidence: Evidence, *, by: Any, version: int | None = None) -> None:
    """Remove an evidence file from an editable report (the file itself is kept for the history)."""
    with transaction.atomic(), acting_as(by):
        report = _locked_report(evidence.line.report)
        require_editable(report)
        _check_version(report, version)
        evidence.delete()
        report.version += 1
        report.save()
        _event(report, ReportEvent.Kind.SAVED, by)
