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
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from nsm.accounts.models import Institution, country_label
from nsm.audit import acting_as
from nsm.capacity.selectors import officials_trained
from nsm.core.limits import LONG_TEXT_CHARS, refuse_control_characters, refuse_longer_than
from nsm.core.numbers import format_decimal
from nsm.core.stale import StaleVersion as StaleVersion  # re-exported: the pages and tests catch it from here
from nsm.core.stale import bump_version, check_version, is_stale, refuse_with
from nsm.core.uploads import CONTENT_TYPES, sniff_type
from nsm.monitoring import kept, selectors
from nsm.monitoring.models import (
    PLAUSIBILITY_NOTE_CHARS,
    ActivityProgress,
    Evidence,
    IndicatorValue,
    ProgressReport,
    ReportEvent,
    ReportingCycle,
    ReviewComment,
)
from nsm.strategy.models import Indicator, Strategy, is_stage

Status = ActivityProgress.Status
SPENDING_LIMIT = Decimal(10) ** 13  # 15 significant digits with 2 decimals
VALUE_LIMIT = Decimal(10) ** 12  # 15 significant digits with 3 decimals

# Sent once a transaction that changed a strategy's approved data has committed (a report approved or reopened, a cycle
# closed), with `strategy_id`: the analysis app, above this one, queues the drawing of its pages then.
approved_data_changed = Signal()


def _announce_approved_data_changed(strategy_id: int) -> None:
    transaction.on_commit(
        lambda: approved_data_changed.send(sender=ProgressReport, strategy_id=strategy_id), robust=True
    )


# Sent once a step of the reporting workflow has committed, with `step` (one of WORKFLOW_STEPS), `by_id` (the acting
# user's id, or None) and the id of what it is about: `cycle_id` (a cycle opened), `report_id` and `version` (the
# report's version after the step: submitted, returned, approved, reopened) or `comment_id` (a comment written). The
# notifications app, above this one, tells the people concerned; a failing receiver is logged, the step stays done.
workflow_step = Signal()
WORKFLOW_STEPS = ("cycle_opened", "submitted", "returned", "approved", "reopened", "comment")


def _announce_step(step: str, *, by: Any, **ids: int) -> None:
    by_id = getattr(by, "pk", None)
    transaction.on_commit(lambda: workflow_step.send(sender=ProgressReport, step=step, by_id=by_id, **ids), robust=True)


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
    narrative_sq: str = ""  # the narrative in Albanian, in English, or both: either suffices
    narrative_en: str = ""
    # Why an unusual value is right (see `activity_warnings`). None: not said (the line's stored note is kept, an
    # unusual value is stored and flagged to the reviewer as not confirmed); "" or a note: the caller confirms
    # unusual values, and a line with an unusual value and no note is refused with the warning.
    plausibility_note: str | None = None


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
    plausibility_note: str | None = None  # as for an activity line (see ActivityLineInput)


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
    """Values that break a rule, or a report that cannot be submitted yet: nothing was written.

    `warnings` are unusual values the caller was to confirm with a note and did not (field `plausibility`).
    """

    def __init__(self, errors: Sequence[LineError], warnings: Sequence[LineError] = ()) -> None:
        super().__init__([_line_message(error) for error in [*errors, *warnings]], code="invalid")
        self.line_errors = list(errors)
        self.warnings = list(warnings)


@dataclass(frozen=True)
class Conflict:
    """A value that the user and someone else both changed since the user's page was shown, to different values.

    `field` is named as in `LineError`; `theirs` is the stored value (kept), `mine` the user's (not saved).
    """

    kind: Literal["activity", "indicator"]
    object_id: int
    field: str
    code: str
    theirs: Any
    mine: Any


@dataclass(frozen=True)
class SaveOutcome:
    """What a save from the report page did: how many values changed, the version after it, what others had
    changed meanwhile (`news`, empty when nobody had), the values both changed (`conflicts`), and for a submit,
    whether the report was submitted or what is still missing."""

    changed: int
    version: int
    news: tuple[str, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    submitted: bool = False
    missing: tuple[LineError, ...] = ()


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
    explained = line.narrative_sq.strip() or line.narrative_en.strip()
    if line.status in (Status.CANCELLED, Status.DELAYED) and not explained:
        error("narrative_sq", _("Explain in the narrative why the activity is delayed or cancelled."))
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
    values: dict[str, Any] = {
        "status": line.status,
        "percent_complete": percent,
        "narrative_sq": line.narrative_sq.strip(),
        "narrative_en": line.narrative_en.strip(),
    }
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
    if indicator.value_type == Indicator.ValueType.TEXT:
        for name, value in [("total", total), *((f"cell:{pk}", value) for pk, value in cells.items())]:
            if value is not None:
                error(name, str(TEXT_VALUE))
        return errors
    if indicator.value_type == Indicator.ValueType.YES_NO:
        for name, value in [("total", total), *((f"cell:{pk}", value) for pk, value in cells.items())]:
            if value is not None and value not in (0, 1):
                error(name, _("A yes/no indicator takes 1 (yes) or 0 (no)."))
        return errors
    if indicator.value_type == Indicator.ValueType.MILESTONE:
        last = indicator.stage_count
        for name, value in [("total", total), *((f"cell:{pk}", value) for pk, value in cells.items())]:
            if value is not None and not is_stage(value, last, allow_none_reached=True):
                error(name, _("A milestone indicator takes the number of the stage reached, 0 to %(last)s.")
                      % {"last": last})  # fmt: skip
        return errors
    if indicator.value_type == Indicator.ValueType.NUMBER:
        for categories in dimensions.values():
            given = {c.pk: cell for c in categories if (cell := cells.get(c.pk)) is not None}
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


TEXT_VALUE = gettext_lazy("A text indicator is reported in words, in the value in words: it takes no number.")


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f").rstrip("0")


# --- Plausibility: unusual values are warnings that the focal point confirms with a note (no database access) ---

PLAUSIBILITY = "plausibility"  # the field of a warning: the line's confirmation
FAR_OFF = 3  # an indicator value further than 3 times the larger of |baseline| and |target| from both is unusual


@dataclass(frozen=True)
class ActivityPlan:
    """What an activity line is compared with: its planned cost for the cycle's year and over all its years."""

    year: int
    planned_year: Decimal
    planned_total: Decimal
    currency: str


def activity_warnings(
    activity_id: int, values: Mapping[str, Any], plan: ActivityPlan, code: str = ""
) -> list[LineError]:
    """Unusual values of an activity line (`values` as stored, see `normalized_activity_line`): spending above the
    planned cost for the year (or, with no cost planned that year, above the activity's total), and a percent
    complete that sits badly with the status (100% but still under way; 100% but cancelled). The hard rules
    (completed is 100%, not started is 0%) are errors, in `validate_activity_line`."""
    warnings = []

    def warn(message: str) -> None:
        warnings.append(LineError("activity", activity_id, PLAUSIBILITY, message, code))

    amounts = [values.get(name) for name in ActivityProgress.SPENDING_FIELDS]
    spent = sum((amount for amount in amounts if amount is not None), Decimal(0))

    def money(amount: Decimal) -> str:
        return f"{format_decimal(amount)} {plan.currency}".strip()

    if plan.planned_year > 0 and spent > plan.planned_year:
        warn(
            _("The spending reported (%(spent)s) is above the activity's planned cost for %(year)s (%(planned)s).")
            % {"spent": money(spent), "year": plan.year, "planned": money(plan.planned_year)}
        )
    elif plan.planned_total > 0 and spent > plan.planned_total:
        warn(
            _("The spending reported (%(spent)s) is above the activity's total planned cost (%(planned)s).")
            % {"spent": money(spent), "planned": money(plan.planned_total)}
        )
    status, percent = values.get("status"), values.get("percent_complete")
    if percent == 100 and status in (Status.ON_TRACK, Status.DELAYED):
        warn(_("The activity is 100% complete but still under way: should its status be Completed?"))
    elif percent == 100 and status == Status.CANCELLED:
        warn(_("The activity is cancelled but 100% complete."))
    return warnings


def indicator_warnings(
    indicator: Indicator, total: Decimal | None, target: Decimal | None, code: str = ""
) -> list[LineError]:
    """An unusual total: further from the range between the baseline and the target (the year's) than 3 times the
    larger of the two in size. Yes/no and milestone indicators and those without a baseline or target are not
    compared."""
    known = [value for value in (indicator.baseline, target) if value is not None]
    chosen = indicator.value_type in (Indicator.ValueType.YES_NO, Indicator.ValueType.MILESTONE)
    if total is None or not known or chosen:
        return []
    size = max(abs(value) for value in known)
    low, high = min(known), max(known)
    distance = low - total if total < low else total - high if total > high else Decimal(0)
    if size == 0 or distance <= FAR_OFF * size:
        return []
    shown = {
        "value": format_decimal(total),
        "baseline": "—" if indicator.baseline is None else format_decimal(indicator.baseline),
        "target": "—" if target is None else format_decimal(target),
    }
    message = _(
        "%(value)s is far outside the range of the baseline (%(baseline)s) and the target (%(target)s): more than "
        "three times their size away."
    )
    return [LineError("indicator", indicator.pk, PLAUSIBILITY, message % shown, code or indicator.code)]


def activity_plan(line: ActivityProgress, year: int, currency: str) -> ActivityPlan:
    """The plan an activity line is compared with (uses the activity's prefetched budget lines)."""
    budget = list(line.activity.budget_lines.all())
    return ActivityPlan(
        year=year,
        planned_year=sum((b.amount for b in budget if b.year == year), Decimal(0)),
        planned_total=sum((b.amount for b in budget), Decimal(0)),
        currency=currency,
    )


def report_warnings(detail: selectors.ReportDetail) -> dict[tuple[str, int], list[LineError]]:
    """The unusual values stored in a report, by line (`("activity", id)`, `("indicator", id)`): what the form
    asks the focal point to confirm and what the reviewer sees flagged. No query beyond `detail`'s."""
    cycle = detail.report.cycle
    found: dict[tuple[str, int], list[LineError]] = {}
    for item in detail.activities:
        line = item.line
        values = {name: getattr(line, name) for name in ActivityProgress.VALUE_FIELDS}
        plan = activity_plan(line, cycle.year, cycle.strategy.currency)
        if warnings := activity_warnings(line.activity_id, values, plan, item.activity.code):
            found["activity", line.activity_id] = warnings
    for indicator_line in detail.indicators:
        if warnings := indicator_warnings(indicator_line.indicator, indicator_line.total.value, indicator_line.target):
            found["indicator", indicator_line.indicator.pk] = warnings
    return found


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
        _refuse_other_countries(strategy, demand)
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
        bump_version(cycle)
        # Every indicator due has an owner (`selectors.indicators_due`).
        owners = {i.responsible_id for i in indicators if i.computed_from and i.responsible_id is not None}
        for institution_id in sorted(owners):
            refresh_computed_values(report_of[institution_id], by=by)
        _announce_step("cycle_opened", by=by, cycle_id=cycle.pk)
        return reports


def _refuse_other_countries(strategy: Strategy, demand: selectors.CycleDemand) -> None:
    """Reports go to institutions of the strategy's country only: an item of a plan written before countries were
    kept apart that names another country's institution must be corrected before a cycle opens (one query)."""
    foreign = set(
        Institution.objects.filter(pk__in=demand.institution_ids)
        .exclude(country=strategy.country)
        .values_list("pk", flat=True)
    )
    if not foreign:
        return
    items = [a.code for a in demand.activities if a.lead_id in foreign]
    items += [i.code for i in demand.indicators if i.responsible_id in foreign]
    raise TransitionRefused(
        _(
            "The cycle cannot open: %(items)s name an institution of another country. Choose an institution of "
            "%(country)s for each of them first."
        )
        % {"items": ", ".join(items), "country": country_label(strategy.country)}
    )


def close_cycle(cycle: ReportingCycle, *, by: Any, version: int | None = None) -> ReportingCycle:
    """Close an open cycle: every report in it becomes read-only, until the secretariat reopens one."""
    with transaction.atomic(), acting_as(by):
        cycle = _locked_cycle(cycle, version)
        if cycle.status != ReportingCycle.Status.OPEN:
            raise TransitionRefused(_("Only an open cycle can be closed."))
        cycle.status = ReportingCycle.Status.CLOSED
        bump_version(cycle)
        _announce_approved_data_changed(cycle.strategy_id)
        for report in ProgressReport.objects.select_for_update().filter(cycle=cycle):
            changed = report.reopened
            report.reopened = False
            if changed or report.status != ProgressReport.Status.APPROVED:
                bump_version(report)
                _event(report, ReportEvent.Kind.LOCKED, by)
        return cycle


def _locked_cycle(cycle: ReportingCycle, version: int | None) -> ReportingCycle:
    locked = ReportingCycle.objects.select_for_update().select_related("strategy").get(pk=cycle.pk)
    refusal = _("The cycle was changed by someone else since you opened it. Reload the page and try again.")
    return check_version(locked, version, refuse_with(refusal))


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
            category = value.category
            if category is None:
                wanted: int | None = count.total
            elif category.dimension.code == "sex":
                wanted = count.by_sex.get(category.code, 0)
            else:
                wanted = None  # a breakdown the records do not hold
            changed += _assign_and_save(value, {"value": None if wanted is None else Decimal(wanted)})
        if changed:
            bump_version(report)
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
    check_version(report, version, stale_messages)


def _when(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _changes_told(report: ProgressReport, version: int) -> tuple[str, str, list[str]]:
    """Who last changed the report since `version`, when, and what was done to it since, value by value."""
    events, entries = selectors.changes_since(report, version)
    last = events[-1] if events else None
    who = (last.user.get_full_name() or last.user.username) if last and last.user else _("another user")
    when = _when(last.at) if last else _when(timezone.now())
    lines = []
    for event in events:
        if event.kind not in (ReportEvent.Kind.SAVED, ReportEvent.Kind.IMPORTED):
            actor = (event.user.get_full_name() or event.user.username) if event.user else _("unknown user")
            line = f"{actor}, {_when(event.at)}: {event.get_kind_display()}"
            lines.append(f"{line} ({event.reason})" if event.reason else line)
    for entry in entries:
        what = "; ".join(f"{capfirst(change.field)}: {change.old} → {change.new}" for change in entry.changes)
        lines.append(f"{entry.user or _('unknown user')}, {_when(entry.when)}: {entry.subject}: {what}")
    return who, when, lines


def stale_messages(report: ProgressReport, version: int) -> list[str]:
    """Why a save on `version` was refused: who did what to the report since, value by value."""
    who, when, lines = _changes_told(report, version)
    heading = _(
        "The report was changed by %(user)s on %(when)s since you opened it, so your changes were not saved. "
        "Here is what changed; the form now shows the current values."
    )
    return [heading % {"user": who, "when": when}, *lines]


def merge_messages(report: ProgressReport, version: int, *, conflicts: bool) -> list[str]:
    """What a merged save says: who changed the report since `version`, that both sets of changes were kept, and
    what the other person changed, value by value."""
    who, when, lines = _changes_told(report, version)
    if conflicts:
        heading = _(
            "%(user)s changed the report on %(when)s since you opened it. Their changes and yours were both saved, "
            "except the values you both changed: each is shown below with their value next to yours, which is "
            "kept in the field and not saved yet. Choose one and save again."
        )
    else:
        heading = _(
            "%(user)s changed the report on %(when)s since you opened it. Their changes and yours were both saved: "
            "you did not change the same values."
        )
    return [heading % {"user": who, "when": when}, *lines]


def require_editable(report: ProgressReport) -> None:
    if report.is_locked:
        if report.status == ProgressReport.Status.APPROVED:
            raise ReportLocked(_("The report is approved and read-only. The secretariat can reopen it."))
        raise ReportLocked(_("The cycle is closed and its reports are read-only. The secretariat can reopen one."))
    if report.status == ProgressReport.Status.SUBMITTED:
        raise ReportLocked(_("The report has been submitted and awaits review; it cannot be changed now."))


@dataclass
class _Stored:
    """A report's stored lines and cells, locked with the report, as a save reads them."""

    lines: dict[int, ActivityProgress]
    values: dict[int, dict[int | None, IndicatorValue]]
    targets: dict[int, Decimal]


def _stored(report: ProgressReport) -> _Stored:
    lines = {
        line.activity_id: line
        for line in ActivityProgress.objects.filter(report=report)
        .select_related("activity")
        .prefetch_related("activity__budget_lines")
    }
    values: dict[int, dict[int | None, IndicatorValue]] = defaultdict(dict)
    for value in IndicatorValue.objects.filter(report=report).select_related("indicator", "category"):
        values[value.indicator_id][value.category_id] = value
    targets = selectors.targets_of(report)
    return _Stored(lines, values, targets)


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
    and nothing is written. Lines not given keep their values. A line that gives a `plausibility_note` (even "")
    confirms its unusual values with it; one with an unusual value and no note is refused, with the warning.
    """
    activities, indicators = list(activities), list(indicators)
    with transaction.atomic(), acting_as(by):
        report = _locked_report(report)
        require_editable(report)
        _check_version(report, version)
        stored = _stored(report)
        _refuse_invalid(report, activities, indicators, stored)
        return _write(report, stored, activities, indicators, by=by, event=event)


def save_report_edits(
    report: ProgressReport,
    *,
    by: Any,
    version: int | None,
    activities: Sequence[ActivityLineInput],
    indicators: Sequence[IndicatorLineInput],
    original: tuple[Sequence[ActivityLineInput], Sequence[IndicatorLineInput]],
) -> SaveOutcome:
    """Save what the user changed on the report page, where the form showed `original` at `version`.

    Only the values the user changed are written: a value the user left as shown keeps what is stored, so that
    what someone else saved meanwhile stays. A value both changed, to different values, is a conflict: the stored
    one is kept and the conflict returned for the user to choose. The user's own values are checked first, every
    one (`ReportInvalid`, nothing written), and a line whose merged values would break a rule keeps the stored
    ones, its differences returned as conflicts.
    """
    with transaction.atomic(), acting_as(by):
        report = _locked_report(report)
        require_editable(report)
        stored = _stored(report)
        _refuse_invalid(report, activities, indicators, stored)
        merged_activities, merged_indicators, conflicts, meanwhile = _merge(activities, indicators, original, stored)
        stale = is_stale(report, version)
        news = merge_messages(report, version, conflicts=bool(conflicts)) if stale and meanwhile and version else []
        changed = _write(report, stored, merged_activities, merged_indicators, by=by, event=ReportEvent.Kind.SAVED)
        return SaveOutcome(changed=changed, version=report.version, news=tuple(news), conflicts=tuple(conflicts))


def save_and_submit_report(
    report: ProgressReport,
    *,
    by: Any,
    version: int | None,
    activities: Sequence[ActivityLineInput],
    indicators: Sequence[IndicatorLineInput],
    original: tuple[Sequence[ActivityLineInput], Sequence[IndicatorLineInput]],
) -> SaveOutcome:
    """Submit from the report page: save the user's values first (`save_report_edits`), then submit.

    A refused save (`ReportInvalid`, `ReportLocked`) submits nothing. A save that met changes made meanwhile by
    someone else is kept but not submitted: the user sees the merged report first. A report still missing values
    is saved and not submitted, `missing` saying what it lacks.
    """
    with transaction.atomic():
        outcome = save_report_edits(
            report, by=by, version=version, activities=activities, indicators=indicators, original=original
        )
        if outcome.news or outcome.conflicts:
            return outcome
        try:
            with transaction.atomic():
                submit_report(report, by=by, version=outcome.version)
        except ReportInvalid as refused:
            return replace(outcome, missing=tuple(refused.line_errors))
        return replace(outcome, submitted=True)


def check_report(
    report: ProgressReport, *, activities: Sequence[ActivityLineInput], indicators: Sequence[IndicatorLineInput]
) -> ReportInvalid | None:
    """What `save_report` would refuse in these lines (errors and unconfirmed unusual values), without writing:
    the page asks it for the lines it could read when others could not be, so that it shows every error at once."""
    stored = _stored(report)
    known = [line for line in activities if line.activity_id in stored.lines]
    known_indicators = [line for line in indicators if None in stored.values.get(line.indicator_id, {})]
    try:
        _refuse_invalid(report, known, known_indicators, stored)
    except ReportInvalid as refused:
        return refused
    return None


def typed_warnings(
    report: ProgressReport, *, activities: Sequence[ActivityLineInput], indicators: Sequence[IndicatorLineInput]
) -> dict[tuple[str, int], list[LineError]]:
    """The unusual values of lines as typed (those that break no rule), by line (`("activity", id)`, ...),
    confirmed or not: what the page asks to confirm when it shows a refused save again."""
    stored = _stored(report)
    activities = [line for line in activities if line.activity_id in stored.lines]
    indicators = [line for line in indicators if None in stored.values.get(line.indicator_id, {})]
    wrong = {(error.kind, error.object_id) for error in _validate(activities, indicators, stored.lines, stored.values)}
    found: dict[tuple[str, int], list[LineError]] = {}
    valid_activities = [line for line in activities if ("activity", line.activity_id) not in wrong]
    valid_indicators = [line for line in indicators if ("indicator", line.indicator_id) not in wrong]
    for line, warnings in _warnings(report, valid_activities, valid_indicators, stored):
        if warnings:
            key = (
                ("activity", line.activity_id)
                if isinstance(line, ActivityLineInput)
                else ("indicator", line.indicator_id)
            )
            found[key] = warnings
    return found


def _refuse_invalid(
    report: ProgressReport,
    activities: Sequence[ActivityLineInput],
    indicators: Sequence[IndicatorLineInput],
    stored: _Stored,
) -> None:
    """Every error of the lines given, and every unusual value of a valid line that confirms its unusual values
    (`plausibility_note` given) without a note: all at once, so that nothing comes as a second surprise."""
    errors = _validate(activities, indicators, stored.lines, stored.values)
    wrong = {(error.kind, error.object_id) for error in errors}
    valid_activities = [line for line in activities if ("activity", line.activity_id) not in wrong]
    valid_indicators = [line for line in indicators if ("indicator", line.indicator_id) not in wrong]
    warnings = _unconfirmed(report, valid_activities, valid_indicators, stored)
    if errors or warnings:
        raise ReportInvalid(errors, warnings)


def _unconfirmed(
    report: ProgressReport,
    activities: Sequence[ActivityLineInput],
    indicators: Sequence[IndicatorLineInput],
    stored: _Stored,
) -> list[LineError]:
    """The warnings of the lines that confirm with a note (`plausibility_note` not None) and give none."""
    return [
        warning
        for line, warnings in _warnings(report, activities, indicators, stored)
        if line.plausibility_note is not None and not line.plausibility_note.strip()
        for warning in warnings
    ]


def _warnings(
    report: ProgressReport,
    activities: Sequence[ActivityLineInput],
    indicators: Sequence[IndicatorLineInput],
    stored: _Stored,
) -> list[tuple[ActivityLineInput | IndicatorLineInput, list[LineError]]]:
    """The unusual values of each line given (valid lines only), with the line."""
    found: list[tuple[ActivityLineInput | IndicatorLineInput, list[LineError]]] = []
    cycle = report.cycle
    for line_input in activities:
        line = stored.lines[line_input.activity_id]
        plan = activity_plan(line, cycle.year, cycle.strategy.currency)
        values = normalized_activity_line(line_input)
        found.append((line_input, activity_warnings(line_input.activity_id, values, plan, line.activity.code)))
    for indicator_input in indicators:
        total = stored.values[indicator_input.indicator_id][None]
        number = _decimal(indicator_input.total, places=3, limit=VALUE_LIMIT)[0]
        target = stored.targets.get(indicator_input.indicator_id)
        found.append((indicator_input, indicator_warnings(total.indicator, number, target)))
    return found


def _write(
    report: ProgressReport,
    stored: _Stored,
    activities: Sequence[ActivityLineInput],
    indicators: Sequence[IndicatorLineInput],
    *,
    by: Any,
    event: str,
) -> int:
    """Write checked lines; bump the version and record the event when anything changed. Returns the count."""
    warned = {id(line): bool(warnings) for line, warnings in _warnings(report, activities, indicators, stored)}
    lines, cells_changed = _Changes(), _Changes()
    for line_input in activities:
        line = stored.lines[line_input.activity_id]
        values = normalized_activity_line(line_input)
        if line_input.plausibility_note is not None:  # the note goes with unusual values only
            values["plausibility_note"] = line_input.plausibility_note.strip() if warned[id(line_input)] else ""
        lines.assign(line, values)
    for indicator_input in indicators:
        cells = stored.values[indicator_input.indicator_id]
        values = {
            "value": _decimal(indicator_input.total, places=3, limit=VALUE_LIMIT)[0],
            "note": indicator_input.note.strip(),
            "source": indicator_input.source.strip(),
        }
        if indicator_input.plausibility_note is not None:
            note = indicator_input.plausibility_note.strip()
            values["plausibility_note"] = note if warned[id(indicator_input)] else ""
        cells_changed.assign(cells[None], values)
        for category_id, cell in cells.items():
            if category_id is not None:
                raw = indicator_input.cells.get(category_id)
                cells_changed.assign(cell, {"value": _decimal(raw, places=3, limit=VALUE_LIMIT)[0]})
    user = by if getattr(by, "pk", None) else None
    lines.save(ActivityProgress, user)
    cells_changed.save(IndicatorValue, user)
    changed = len(lines.objects) + len(cells_changed.objects)
    if changed:
        report.first_saved_at = report.first_saved_at or timezone.now()
        bump_version(report)
        _event(report, event, by)
    return changed


# --- Merging a save with what others saved meanwhile (three values per field: shown, stored, typed) ---


def _activity_values(line: ActivityLineInput) -> dict[str, Any]:
    values = normalized_activity_line(line)
    if line.plausibility_note is not None:
        values["plausibility_note"] = line.plausibility_note.strip()
    return values


def _indicator_values(line: IndicatorLineInput, cells: Iterable[int | None]) -> dict[str, Any]:
    number = partial(_decimal, places=3, limit=VALUE_LIMIT)
    values: dict[str, Any] = {"total": number(line.total)[0], "note": line.note.strip(), "source": line.source.strip()}
    values |= {f"cell:{pk}": number(line.cells.get(pk))[0] for pk in cells if pk is not None}
    if line.plausibility_note is not None:
        values["plausibility_note"] = line.plausibility_note.strip()
    return values


def _stored_indicator_values(cells: Mapping[int | None, IndicatorValue]) -> dict[str, Any]:
    total = cells[None]
    values = {"total": total.value, "note": total.note, "source": total.source}
    values |= {f"cell:{pk}": cell.value for pk, cell in cells.items() if pk is not None}
    return values | {"plausibility_note": total.plausibility_note}


def _three_way(
    mine: Mapping[str, Any], shown: Mapping[str, Any] | None, theirs: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str], bool]:
    """Per field: the user's value where the user changed it, else the stored one. Returns the merged values, the
    fields both changed to different values (the stored value kept), and whether anyone else changed a field."""
    if shown is None:  # no page to compare with: the user's values, as a plain save
        return dict(mine), [], False
    merged: dict[str, Any] = {}
    conflicts: list[str] = []
    meanwhile = False
    for name, value in mine.items():
        before, now = shown.get(name), theirs.get(name)
        meanwhile = meanwhile or now != before
        if value in (before, now):
            merged[name] = now
        elif now == before:
            merged[name] = value
        else:
            merged[name], conflicts = now, [*conflicts, name]
    return merged, conflicts, meanwhile


def _merge(
    activities: Sequence[ActivityLineInput],
    indicators: Sequence[IndicatorLineInput],
    original: tuple[Sequence[ActivityLineInput], Sequence[IndicatorLineInput]],
    stored: _Stored,
) -> tuple[list[ActivityLineInput], list[IndicatorLineInput], list[Conflict], bool]:
    shown_activities = {line.activity_id: _activity_values(line) for line in original[0]}
    shown_indicators = {line.indicator_id: line for line in original[1]}
    merged_activities, merged_indicators, conflicts, meanwhile = [], [], [], False
    for line_input in activities:
        line = stored.lines[line_input.activity_id]
        mine = _activity_values(line_input)
        theirs = {name: getattr(line, name) for name in mine}
        values, clashes, changed = _three_way(mine, shown_activities.get(line_input.activity_id), theirs)
        merged = ActivityLineInput(activity_id=line_input.activity_id, **values)
        if clashes and validate_activity_line(merged):  # a mix that breaks a rule: the line stays as stored
            merged = ActivityLineInput(activity_id=line_input.activity_id, **theirs)
            clashes = [name for name in mine if mine[name] != theirs[name]]
        code = line.activity.code
        conflicts += [Conflict("activity", line.activity_id, name, code, theirs[name], mine[name]) for name in clashes]
        merged_activities.append(merged)
        meanwhile = meanwhile or changed
    for indicator_input in indicators:
        cells = stored.values[indicator_input.indicator_id]
        mine = _indicator_values(indicator_input, cells)
        theirs = {name: value for name, value in _stored_indicator_values(cells).items() if name in mine}
        shown_line = shown_indicators.get(indicator_input.indicator_id)
        shown = _indicator_values(shown_line, cells) if shown_line else None
        values, clashes, changed = _three_way(mine, shown, theirs)
        merged_indicator = _indicator_input(indicator_input.indicator_id, values)
        if clashes and _indicator_errors(merged_indicator, cells):
            merged_indicator = _indicator_input(indicator_input.indicator_id, theirs)
            clashes = [name for name in mine if mine[name] != theirs[name]]
        code = cells[None].indicator.code
        pk = indicator_input.indicator_id
        conflicts += [Conflict("indicator", pk, name, code, theirs[name], mine[name]) for name in clashes]
        merged_indicators.append(merged_indicator)
        meanwhile = meanwhile or changed
    return merged_activities, merged_indicators, conflicts, meanwhile


def _indicator_input(indicator_id: int, values: Mapping[str, Any]) -> IndicatorLineInput:
    cells = {int(name.removeprefix("cell:")): value for name, value in values.items() if name.startswith("cell:")}
    return IndicatorLineInput(
        indicator_id=indicator_id,
        total=values["total"],
        cells=cells,
        note=values["note"],
        source=values["source"],
        plausibility_note=values.get("plausibility_note"),
    )


def _validate(
    activities: Sequence[ActivityLineInput],
    indicators: Sequence[IndicatorLineInput],
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
        if line_input.plausibility_note:
            errors.extend(_note_errors("activity", line_input.activity_id, line_input.plausibility_note))
    for indicator_input in indicators:
        cells = stored_values.get(indicator_input.indicator_id)
        if not cells or None not in cells:
            message = _("This indicator is not part of the report.")
            errors.append(LineError("indicator", indicator_input.indicator_id, "", message))
            continue
        errors.extend(_indicator_errors(indicator_input, cells))
        if indicator_input.plausibility_note:
            errors.extend(_note_errors("indicator", indicator_input.indicator_id, indicator_input.plausibility_note))
    return errors


def _note_errors(kind: Literal["activity", "indicator"], object_id: int, note: str) -> list[LineError]:
    try:
        refuse_control_characters(note)
        refuse_longer_than(PLAUSIBILITY_NOTE_CHARS, note.strip())
    except ValidationError as refused:
        return [LineError(kind, object_id, "plausibility_note", message) for message in refused.messages]
    return []


def _indicator_errors(line_input: IndicatorLineInput, cells: Mapping[int | None, IndicatorValue]) -> list[LineError]:
    dimensions: dict[int, list[Any]] = defaultdict(list)
    for category_id, value in cells.items():
        category = value.category
        if category_id is not None and category is not None:  # keyed by its category: both or neither
            dimensions[category.dimension_id].append(category)
    errors = validate_indicator_line(line_input, cells[None].indicator, dimensions)
    if cells[None].indicator.computed_from:
        errors.extend(_computed_changes(line_input, cells))
    return errors


def _computed_changes(line: IndicatorLineInput, cells: Mapping[int | None, IndicatorValue]) -> list[LineError]:
    """A computed indicator's values cannot be typed: a value that differs from the computed one is refused."""
    errors = []
    indicator = cells[None].indicator
    given: list[tuple[int | None, Decimal | None]] = [(None, line.total), *line.cells.items()]
    for category_id, value in given:
        stored = cells.get(category_id)
        number = _decimal(value, places=3, limit=VALUE_LIMIT)[0]
        if stored is not None and number != stored.value:
            name = "total" if category_id is None else f"cell:{category_id}"
            message = _("This value is computed from trainings (%(value)s); it cannot be changed in the report.")
            shown = "—" if stored.value is None else _plain(stored.value)
            errors.append(LineError("indicator", line.indicator_id, name, message % {"value": shown}, indicator.code))
    return errors


class _Changes:
    """The objects of one model whose values a save changes, and the fields that change: written in one bulk update
    and one bulk insert of history rows (each changed object gets exactly its one history row)."""

    def __init__(self) -> None:
        self.objects: list[Any] = []
        self.fields: set[str] = set()

    def assign(self, obj: Any, values: Mapping[str, Any]) -> None:
        names = [name for name, value in values.items() if getattr(obj, name) != value]
        if names:
            for name in names:
                setattr(obj, name, values[name])
            self.objects.append(obj)
            self.fields.update(names)

    def save(self, model: Any, user: Any) -> None:
        if self.objects:
            bulk_update_with_history(self.objects, model, sorted(self.fields), default_user=user)


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
            raise ReportInvalid([LineError(item.kind, item.object_id, "", item.message, item.code) for item in missing])
        now = timezone.now()
        late = timezone.localdate(now) > report.cycle.due_on
        report.status = ProgressReport.Status.SUBMITTED
        report.submitted_at = now
        report.submitted_late = late
        report.first_saved_at = report.first_saved_at or now
        report.return_reason = ""
        bump_version(report)
        _event(report, ReportEvent.Kind.SUBMITTED, by, late=late)
        _announce_step("submitted", by=by, report_id=report.pk, version=report.version)
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
        bump_version(report)
        _event(report, ReportEvent.Kind.RETURNED, by, reason=reason)
        _announce_step("returned", by=by, report_id=report.pk, version=report.version)
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
        bump_version(report)
        _event(report, ReportEvent.Kind.APPROVED, by)
        _announce_step("approved", by=by, report_id=report.pk, version=report.version)
        kept.refresh_report(report.pk, report.cycle_id)
        _announce_approved_data_changed(report.cycle.strategy_id)
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
        bump_version(report)
        _event(report, ReportEvent.Kind.REOPENED, by, reason=reason)
        _announce_step("reopened", by=by, report_id=report.pk, version=report.version)
        kept.refresh_report(report.pk, report.cycle_id)
        _announce_approved_data_changed(report.cycle.strategy_id)
        return report


def add_line_comment(line: ActivityProgress, *, by: Any, institution_ids: set[int], text: str) -> ReviewComment:
    """A comment on a line of another institution's report by a focal point of an institution the activity names
    beside its lead (responsible with it, or supporting); the lead's focal points and the secretariat read it on the
    report page."""
    text = _long_text("text", text)
    if not text:
        raise ValidationError({"text": _("Write the comment.")})
    named = set(line.activity.bodies.values_list("institution_id", flat=True))
    if not named & institution_ids or line.report.institution_id in institution_ids:
        raise ValidationError(_("Only an institution the activity names beside its lead comments on its line here."))
    with transaction.atomic(), acting_as(by):
        comment = ReviewComment(report=line.report, activity=line.activity, text=text, author=by)
        comment.full_clean()
        comment.save()
        _announce_step("comment", by=by, comment_id=comment.pk)
        return comment


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
        _announce_step("comment", by=by, comment_id=comment.pk)
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
    name = upload.name or ""  # an uploaded file always has a name; the stubs allow None
    extension = name.rpartition(".")[2].lower() if "." in name else ""
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
            name=name[-200:],
            content_type=EVIDENCE_TYPES[kind],
            size=upload.size or 0,
            uploaded_by=by if getattr(by, "pk", None) else None,
        )
        evidence.file.save(name[-100:], upload, save=False)
        evidence.save()
        report.first_saved_at = report.first_saved_at or timezone.now()
        bump_version(report)
        _event(report, ReportEvent.Kind.SAVED, by)
        return evidence


def remove_evidence(evidence: Evidence, *, by: Any, version: int | None = None) -> None:
    """Remove an evidence file from an editable report (the file itself is kept for the history)."""
    with transaction.atomic(), acting_as(by):
        report = _locked_report(evidence.line.report)
        require_editable(report)
        _check_version(report, version)
        evidence.delete()
        bump_version(report)
        _event(report, ReportEvent.Kind.SAVED, by)
