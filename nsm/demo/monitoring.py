"""Two years of monitoring on the demo plan, played through the monitoring services as it would have happened.

Four half-year cycles: 2024-H1 and 2024-H2, closed, every report approved (a few submitted late, a few returned
once and corrected); 2025-H1 and 2025-H2, open, with reports in every state: approved, submitted, returned with
comments and a reason, draft, not started. Each cycle is created and opened by the secretariat; each institution's
focal point saves its report (part of it first, the rest later, sometimes from the Excel workbook), attaches
evidence to a few lines and submits; the secretariat comments, returns or approves; reminders go out before the
due date and once overdue (`nsm.monitoring.reminders`, through a mail backend that sends nothing). The timeline,
the history of every value and the late flags are the services' own: each step runs with the clock set to the
moment it happens (`_clock`), so the events carry 2024 and 2025 dates, not the date the demo was loaded.

Dates. H1 opens on 1 July and is due mid-July; H2 opens in early January and is due at the end of January. Two
dates depend on the day the demo is loaded (`timezone.localdate()`), so that the boards show every state: 2025-H1
stays open with its due date in the past, so what was not submitted there is *overdue*; 2025-H2 is due 14 days
after the load at the earliest (`_h2_2025_due`), so its drafts show as *draft* and *not started*, and its reports
were worked on in the four weeks before the load. Nothing is dated in the future.

Values follow the plan: an activity's percent complete follows the share of its timeframe elapsed at the end of
the period, at its own pace (on time, fast, slow, starting late, cancelled half-way), with the matching status and
a narrative (in Albanian, every other one in English too); spending in a period is a share of the year's planned
amount per source, the two halves together below it; an indicator's value moves from last year's target (or the
baseline) towards this year's, at the indicator's own pace, and its breakdown adds up to the total where it is a count.

Deterministic: every random choice comes from a generator seeded with the strategy's first year and the code of
what it decides (cycle, institution, activity, indicator). Idempotent: a cycle that exists is left alone, so that
a second run writes nothing; focal points that exist are left alone, missing ones (and their memberships) are added.
Extra focal points, one per reporting institution besides AKPA (which has the demo login `focalpoint`), have no
usable password: they sign the timelines, receive the reminders, and cannot sign in.
"""

from __future__ import annotations

import datetime
import random
import struct
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import get_connection
from django.db import models
from django.utils import timezone

from nsm.accounts.models import Institution, Membership, User
from nsm.audit import acting_as
from nsm.monitoring import reminders, services
from nsm.monitoring.models import (
    ActivityProgress,
    Evidence,
    IndicatorValue,
    ProgressReport,
    Reminder,
    ReportEvent,
    ReportingCycle,
    ReviewComment,
)
from nsm.reference.models import DisaggregationCategory
from nsm.strategy.models import Activity, ActivityBudget, Indicator, IndicatorTarget, Strategy

if TYPE_CHECKING:
    from nsm.demo.loader import LoadSummary

SEED = 2024
DEMO_FOCAL_POINT = ("AKPA", "focalpoint")  # the institution of the demo login `focalpoint`
REVIEWER = "secretariat"
Status = ActivityProgress.Status

APPROVED, SUBMITTED, RETURNED, DRAFT, NOT_STARTED = "approved", "submitted", "returned", "draft", "not_started"
BOUNCED = "bounced"  # returned once, corrected, resubmitted and approved


@dataclass(frozen=True)
class CyclePlan:
    """One demo cycle: its dates, and how its reports end up (shares of the reports, fixed outcomes)."""

    year: int
    half: int
    created_on: datetime.date
    opens_on: datetime.date
    due_on: datetime.date
    closed_on: datetime.date | None
    outcomes: dict[str, float]
    late: int  # reports submitted after the due date
    bounced: int  # reports returned once before their approval
    fixed: dict[str, str] = field(default_factory=dict)  # institution code -> outcome
    work_from: datetime.date | None = None  # the first day reports are worked on (default: the opening day)

    @property
    def label(self) -> str:
        return f"{self.year}-H{self.half}"


def _h2_2025_due(today: datetime.date) -> datetime.date:
    return max(datetime.date(2026, 1, 30), today + datetime.timedelta(days=14))


def cycle_plans(today: datetime.date) -> tuple[CyclePlan, ...]:
    """The four demo cycles; the last one's dates depend on `today` (see the module's docstring)."""
    all_approved = {APPROVED: 1.0}
    h2_opens = min(datetime.date(2026, 1, 5), today - datetime.timedelta(days=28))
    return (
        CyclePlan(
            2024, 1, datetime.date(2024, 6, 14), datetime.date(2024, 7, 1), datetime.date(2024, 7, 15),
            datetime.date(2024, 10, 15), all_approved, late=2, bounced=3,
        ),
        CyclePlan(
            2024, 2, datetime.date(2024, 12, 16), datetime.date(2025, 1, 6), datetime.date(2025, 1, 31),
            datetime.date(2025, 4, 15), all_approved, late=3, bounced=3,
        ),
        CyclePlan(
            2025, 1, datetime.date(2025, 6, 16), datetime.date(2025, 7, 1), datetime.date(2025, 7, 15), None,
            {APPROVED: 0.4, SUBMITTED: 0.18, RETURNED: 0.12, DRAFT: 0.15, NOT_STARTED: 0.15},
            late=4, bounced=2, fixed={"AKPA": RETURNED},
        ),
        CyclePlan(
            2025, 2, h2_opens - datetime.timedelta(days=21), h2_opens, _h2_2025_due(today), None,
            {APPROVED: 0.25, SUBMITTED: 0.25, RETURNED: 0.12, DRAFT: 0.2, NOT_STARTED: 0.18},
            late=0, bounced=1, fixed={"AKPA": DRAFT}, work_from=max(h2_opens, today - datetime.timedelta(days=28)),
        ),
    )  # fmt: skip


def load_monitoring(strategy: Strategy, *, admin: User, summary: LoadSummary) -> None:
    """Create the demo cycles that are missing, with their whole history; leave existing ones alone."""
    today = timezone.localdate()
    existing = set(ReportingCycle.objects.filter(strategy=strategy, kind="half_year").values_list("year", "half"))
    plans = cycle_plans(today)
    missing = [plan for plan in plans if (plan.year, plan.half) not in existing]
    if len(missing) < len(plans):
        summary.unchanged["reporting cycle"] += len(plans) - len(missing)
    users = _ensure_focal_points(strategy, admin, summary)
    if not missing:
        return
    plan_data = PlanData.read(strategy)
    for plan in missing:
        _play_cycle(strategy, plan, users, plan_data, summary)


# --- the clock ---------------------------------------------------------------------------------------------

STAMPED = ((ReportEvent, "at"), (ReviewComment, "created_at"), (Evidence, "uploaded_at"), (Reminder, "sent_at"))


@contextmanager
def _clock(moment: datetime.datetime, stamped: tuple[tuple[type[models.Model], str], ...] = STAMPED) -> Iterator[None]:
    """Run the block as if it were `moment`: `timezone.now()` (which the services, simple-history's dates and the
    late check call) and the defaults of the timestamp fields `stamped` (model, field name) answer it. For the demo
    loader only: it swaps a process-wide function, so that nothing else may run meanwhile."""
    real_now = timezone.now
    # The stamped names are timestamp fields of their models, never relations.
    fields = [cast("models.Field[Any, Any]", model._meta.get_field(name)) for model, name in stamped]
    timezone.now = lambda: moment
    for stamped_field in fields:
        stamped_field.get_default = lambda: moment  # type: ignore[method-assign]
    try:
        yield
    finally:
        timezone.now = real_now
        for stamped_field in fields:
            del stamped_field.get_default


def _moment(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    local = datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_default_timezone())
    return local.astimezone(datetime.UTC)


class Timeline:
    """The moments of one story, each later than the one before, on working days, squeezed before `limit`."""

    def __init__(self, rng: random.Random, start: datetime.datetime, limit: datetime.datetime) -> None:
        self.rng, self.current, self.limit = rng, start, limit

    def after(self, low: int, high: int) -> datetime.datetime:
        """A working day `low`-`high` days after the last moment, during office hours."""
        day = self.current.date() + datetime.timedelta(days=self.rng.randint(low, high))
        return self.on(day)

    def on(self, day: datetime.date) -> datetime.datetime:
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
        moment = _moment(day, self.rng.randint(8, 16), self.rng.randint(0, 59))
        if moment <= self.current or moment > self.limit:
            moment = self.current + datetime.timedelta(minutes=self.rng.randint(4, 25))
        self.current = moment
        return moment


# --- people ------------------------------------------------------------------------------------------------

FIRST_NAMES = (
    "Alma", "Besnik", "Dorina", "Erion", "Flutura", "Gentiana", "Ilir", "Jonida", "Klodian", "Lindita", "Marsela",
    "Nertil", "Orjona", "Petrit", "Rezarta", "Sokol", "Teuta", "Valbona", "Xhesika", "Ylli", "Zamira", "Arjan",
    "Blerina", "Dritan", "Enkeleda", "Fatjon", "Griselda", "Juliana", "Kreshnik", "Ledia",
)  # fmt: skip
LAST_NAMES = (
    "Kola", "Leka", "Gjoka", "Duka", "Cela", "Prifti", "Zeqiri", "Mema", "Nika", "Tafaj", "Bushati", "Gjini",
    "Lami", "Rexha", "Vata", "Dibra", "Koçi", "Mara", "Sula", "Hysa",
)  # fmt: skip


def _ensure_focal_points(strategy: Strategy, admin: User, summary: LoadSummary) -> dict[str, User]:
    """A focal point for each institution that leads an activity or owns an indicator of the plan: the demo login
    `focalpoint` for AKPA, else `focal.<code>`, created when missing (with no usable password). Returns the
    reviewer and each institution's focal point, by institution code."""
    codes = set(Activity.objects.filter(strategy=strategy).values_list("lead__code", flat=True))
    codes |= set(
        Indicator.objects.filter(strategy=strategy, responsible__isnull=False).values_list(
            "responsible__code", flat=True
        )
    )
    usernames = {
        code: DEMO_FOCAL_POINT[1] if code == DEMO_FOCAL_POINT[0] else f"focal.{code.lower()}" for code in codes
    }
    existing = {u.username: u for u in User.objects.filter(username__in=[*usernames.values(), REVIEWER])}
    institutions = {i.code: i for i in Institution.objects.filter(country=strategy.country, code__in=codes)}
    members = set(
        Membership.objects.filter(user__in=existing.values(), institution__country=strategy.country).values_list(
            "user__username", "institution__code"
        )
    )  # a membership someone gave another role is left alone
    found: dict[str, User] = {REVIEWER: existing[REVIEWER]}
    with acting_as(admin, reason="demo data"), _clock(_moment(datetime.date(2024, 6, 3), 9)):
        for code in sorted(codes):
            user = existing.get(usernames[code]) or _create_focal_point(usernames[code], code, summary)
            if (user.username, code) not in members:
                Membership.objects.create(user=user, institution=institutions[code], role=Membership.Role.FOCAL_POINT)
                summary.created["membership"] += 1
            found[code] = user
    return found


def _create_focal_point(username: str, code: str, summary: LoadSummary) -> User:
    rng = random.Random(f"{SEED}-user-{code}")
    user = User(
        username=username,
        first_name=rng.choice(FIRST_NAMES),
        last_name=rng.choice(LAST_NAMES),
        email=f"{username}@example.org",
        date_joined=_moment(datetime.date(2024, 6, 3), 9),
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    summary.created["user"] += 1
    return user


# --- what the plan says ------------------------------------------------------------------------------------


@dataclass
class PlanData:
    """The plan's figures the reports are made from: yearly budget by activity and source, targets by indicator."""

    budget: dict[tuple[int, int], dict[str, Decimal]]  # (activity id, year) -> source -> amount
    targets: dict[int, dict[int, Decimal]]  # indicator id -> year -> value

    @classmethod
    def read(cls, strategy: Strategy) -> PlanData:
        budget: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for line in ActivityBudget.objects.filter(activity__strategy=strategy):
            budget[(line.activity_id, line.year)][line.source] += line.amount
        targets: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for target in IndicatorTarget.objects.filter(indicator__strategy=strategy):
            targets[target.indicator_id][target.year] = target.value
        return cls(budget=budget, targets=targets)


# --- playing a cycle ---------------------------------------------------------------------------------------


@dataclass
class ReportLines:
    """The lines of a report, as opening the cycle made them: its activities, its indicators with their cells."""

    activities: list[Activity] = field(default_factory=list)
    indicators: dict[Indicator, list[DisaggregationCategory]] = field(default_factory=dict)

    @classmethod
    def of(cls, cycle: ReportingCycle) -> dict[int, ReportLines]:
        """The lines of every report of the cycle, by report id, in two queries."""
        found: dict[int, ReportLines] = defaultdict(ReportLines)
        for line in (
            ActivityProgress.objects.filter(report__cycle=cycle)
            .select_related("activity")
            .order_by("activity__sort_key")
        ):
            found[line.report_id].activities.append(line.activity)
        values = (
            IndicatorValue.objects.filter(report__cycle=cycle)
            .select_related("indicator", "category__dimension")
            .order_by("indicator__sort_key", "category__dimension__position", "category__position")
        )
        for value in values:
            cells = found[value.report_id].indicators.setdefault(value.indicator, [])
            if value.category is not None:
                cells.append(value.category)
        return found


@dataclass(order=True)
class Step:
    moment: datetime.datetime
    order: int
    action: Callable[[], Any] = field(compare=False)


def _play_cycle(
    strategy: Strategy, plan: CyclePlan, users: dict[str, User], data: PlanData, summary: LoadSummary
) -> None:
    reviewer = users[REVIEWER]
    with _clock(_moment(plan.created_on, 10, 12)):
        cycle = services.create_cycle(
            strategy, by=reviewer, kind="half_year", year=plan.year, half=plan.half,
            opens_on=plan.opens_on, due_on=plan.due_on,
        )  # fmt: skip
    with _clock(_moment(plan.opens_on, 8, 30)):
        services.open_cycle(cycle, by=reviewer)
    summary.created["reporting cycle"] += 1
    reports = list(ProgressReport.objects.filter(cycle=cycle).select_related("institution", "cycle"))
    summary.created["progress report"] += len(reports)
    now = timezone.now() - datetime.timedelta(hours=1)
    limit = min(now, _moment(plan.closed_on, 8)) if plan.closed_on else now
    outcomes = _outcomes(plan, [report.institution.code for report in reports])
    late = _late(plan, outcomes)
    lines = ReportLines.of(cycle)
    steps: list[Step] = []
    for report in reports:
        code = report.institution.code
        values = LineValues(plan, lines[report.pk], data, code)
        steps.extend(ReportStory(plan, report, outcomes[code], code in late, users, values, limit).steps())
    steps.extend(_reminder_steps(plan, cycle, now))
    for number, step in enumerate(steps):
        step.order = number
    for step in sorted(steps):
        with _clock(step.moment):
            step.action()
    if plan.closed_on:
        with _clock(_moment(plan.closed_on, 10, 5)):
            services.close_cycle(cycle, by=reviewer)


def _outcomes(plan: CyclePlan, codes: list[str]) -> dict[str, str]:
    """Each institution's outcome in the cycle: the fixed ones, the others drawn in the plan's shares (every
    outcome at least once), some of the submitted ones late and some approved ones returned once first."""
    rng = random.Random(f"{SEED}-{plan.label}-outcomes")
    free = sorted(code for code in codes if code not in plan.fixed)
    rng.shuffle(free)
    outcomes = {code: outcome for code, outcome in plan.fixed.items() if code in codes}
    counts = {outcome: max(1, round(share * len(codes))) for outcome, share in plan.outcomes.items()}
    ordered = [*counts, *(outcome for outcome, count in counts.items() for _ in range(count - 1))]
    for index, code in enumerate(free):
        outcomes[code] = ordered[index] if index < len(ordered) else APPROVED
    approved = [code for code in free if outcomes[code] == APPROVED]
    for code in approved[: plan.bounced]:
        outcomes[code] = BOUNCED
    return outcomes


def _late(plan: CyclePlan, outcomes: dict[str, str]) -> set[str]:
    """The institutions that submit after the due date: `plan.late` of those that submit at all."""
    rng = random.Random(f"{SEED}-{plan.label}-late")
    submitting = sorted(code for code, outcome in outcomes.items() if outcome not in (DRAFT, NOT_STARTED))
    return set(rng.sample(submitting, min(plan.late, len(submitting))))


def _reminder_steps(plan: CyclePlan, cycle: ReportingCycle, now: datetime.datetime) -> list[Step]:
    """The daily reminder run on the two days it had something to send: the first day of the before-due window,
    and the day after the due date (for a cycle still open then)."""
    days = [plan.due_on - datetime.timedelta(days=settings.REMINDER_DAYS_BEFORE), plan.due_on + datetime.timedelta(1)]
    if plan.closed_on is not None and days[1] >= plan.closed_on:
        days.pop()
    connection = get_connection("django.core.mail.backends.dummy.EmailBackend")

    def run(day: datetime.date) -> Callable[[], Any]:
        return lambda: reminders.send_reminders(
            today=day, connection=connection, reports=ProgressReport.objects.filter(cycle=cycle)
        )

    return [Step(_moment(day, 7), 0, run(day)) for day in days if _moment(day, 7) < now]


class ReportStory:
    """What happens to one report in a cycle, as steps: saves, evidence, submission, comments, review."""

    def __init__(
        self,
        plan: CyclePlan,
        report: ProgressReport,
        outcome: str,
        late: bool,
        users: dict[str, User],
        lines: LineValues,
        limit: datetime.datetime,
    ) -> None:
        code = report.institution.code
        self.plan, self.report, self.outcome, self.late, self.lines = plan, report, outcome, late, lines
        self.focal, self.reviewer = users[code], users[REVIEWER]
        self.rng = random.Random(f"{SEED}-{plan.label}-{code}")
        # Half of those who submit fill everything in at one sitting, some of them in the Excel workbook.
        self.one_sitting = outcome != DRAFT and self.rng.random() < 0.5
        start = _moment(plan.work_from or plan.opens_on, 9)
        self.timeline = Timeline(self.rng, start, limit)

    def steps(self) -> list[Step]:
        if self.outcome == NOT_STARTED:
            return []
        steps = [] if self.one_sitting else [self._step(self.timeline.after(1, 6), self._save_part)]
        if self.rng.random() < 0.25:
            steps.append(self._step(self.timeline.after(0, 3), self._add_evidence))
        if self.outcome == DRAFT:
            return steps
        submit_day = self.plan.due_on + datetime.timedelta(days=self.rng.randint(1, 12)) if self.late else None
        steps.append(self._step(self._submit_moment(submit_day), self._save_all))
        steps.append(self._step(self.timeline.after(0, 0), self._submit))
        if self.outcome in (RETURNED, BOUNCED):
            steps.append(self._step(self.timeline.after(2, 6), self._comment_and_return))
        if self.outcome == BOUNCED:
            steps.append(self._step(self.timeline.after(1, 4), self._correct))
            steps.append(self._step(self.timeline.after(0, 0), self._submit))
        if self.outcome in (APPROVED, BOUNCED):
            steps.append(self._step(self.timeline.after(2, 8), self._approve))
        return steps

    def _submit_moment(self, late_day: datetime.date | None) -> datetime.datetime:
        if late_day is not None:
            return self.timeline.on(late_day)
        due = self.timeline.current.date() + datetime.timedelta(days=self.rng.randint(2, 9))
        return self.timeline.on(min(due, self.plan.due_on - datetime.timedelta(days=1)))

    def _step(self, moment: datetime.datetime, action: Callable[[], Any]) -> Step:
        return Step(moment, 0, action)

    # The actions, run at their moment.

    def _save_part(self) -> None:
        activities, indicators = self.lines.inputs(part=True)
        services.save_report(self.report, by=self.focal, version=None, activities=activities, indicators=indicators)

    def _save_all(self) -> None:
        activities, indicators = self.lines.inputs(flawed=self.outcome in (RETURNED, BOUNCED))
        event = ReportEvent.Kind.IMPORTED if self.one_sitting and self.rng.random() < 0.5 else ReportEvent.Kind.SAVED
        services.save_report(
            self.report, by=self.focal, version=None, activities=activities, indicators=indicators, event=event
        )

    def _correct(self) -> None:
        activities, indicators = self.lines.inputs()
        services.save_report(self.report, by=self.focal, version=None, activities=activities, indicators=indicators)

    def _submit(self) -> None:
        services.submit_report(self.report, by=self.focal)

    def _approve(self) -> None:
        services.approve_report(self.report, by=self.reviewer)

    def _comment_and_return(self) -> None:
        flawed_activity, flawed_indicator = self.lines.flawed
        if flawed_activity is not None:
            text = self.rng.choice(ACTIVITY_COMMENTS)
            services.add_comment(self.report, by=self.reviewer, text=text, activity_id=flawed_activity)
        if flawed_indicator is not None:
            text = self.rng.choice(INDICATOR_COMMENTS)
            services.add_comment(self.report, by=self.reviewer, text=text, indicator_id=flawed_indicator)
        services.return_report(self.report, by=self.reviewer, reason=self.rng.choice(RETURN_REASONS))

    def _add_evidence(self) -> None:
        activity = self.lines.evidence_line(self.rng)
        if activity is None:
            return
        if self.rng.random() < 0.6:
            name = f"procesverbal-{activity.code}.pdf"
            content = pdf_document(
                [
                    f"{self.report.institution.name_sq}",
                    f"Procesverbal - aktiviteti {activity.code}, periudha {self.plan.label}",
                    activity.title_sq[:90],
                    "Dokument ilustrues i krijuar për demonstrim.",
                ]
            )
        else:
            name = f"grafik-pjesemarrja-{activity.code}.png"
            content = png_chart([self.rng.randint(10, 100) for _ in range(6)])
        upload = SimpleUploadedFile(name, content)
        services.add_evidence(self.report, by=self.focal, activity_id=activity.pk, upload=upload)


# --- the values of a report's lines ------------------------------------------------------------------------


class LineValues:
    """The values a report's lines take in a cycle, the same on every run, following the plan's figures."""

    def __init__(self, plan: CyclePlan, lines: ReportLines, data: PlanData, code: str) -> None:
        self.plan, self.lines, self.data = plan, lines, data
        rng = random.Random(f"{SEED}-{plan.label}-{code}-flaws")
        self.flawed = (
            rng.choice(lines.activities).pk if lines.activities else None,
            rng.choice(list(lines.indicators)).pk if lines.indicators else None,
        )

    def inputs(
        self, *, part: bool = False, flawed: bool = False
    ) -> tuple[list[services.ActivityLineInput], list[services.IndicatorLineInput]]:
        """Every line's values; `part`: the first half of the activities and a third of the indicators, as a
        focal point saves on a first sitting; `flawed`: with the two weaknesses the review will point out."""
        activities = [self.activity(activity) for activity in self.lines.activities]
        indicators = [self.indicator(indicator, cells) for indicator, cells in self.lines.indicators.items()]
        if part:
            activities = activities[: max(1, len(activities) // 2)] if activities else []
            indicators = indicators[: len(indicators) // 3]
        if flawed:
            activities = [self._vague(line) if line.activity_id == self.flawed[0] else line for line in activities]
            indicators = [self._unsourced(line) if line.indicator_id == self.flawed[1] else line for line in indicators]
        return activities, indicators

    def evidence_line(self, rng: random.Random) -> Activity | None:
        """An activity worth a supporting file: a completed one if any, else one under way."""
        for wanted in (Status.COMPLETED, Status.ON_TRACK):
            chosen = [activity for activity in self.lines.activities if self.activity(activity).status == wanted]
            if chosen:
                return rng.choice(chosen)
        return None

    @staticmethod
    def _vague(line: services.ActivityLineInput) -> services.ActivityLineInput:
        return services.ActivityLineInput(
            line.activity_id, line.status, line.percent_complete, line.spent_state_budget, line.spent_donor,
            line.spent_other, "Në proces.",
        )  # fmt: skip

    @staticmethod
    def _unsourced(line: services.IndicatorLineInput) -> services.IndicatorLineInput:
        return services.IndicatorLineInput(line.indicator_id, line.total, line.cells, line.note, "")

    # Activities.

    def activity(self, activity: Activity) -> services.ActivityLineInput:
        pace = Pace.of(activity)
        status, percent, intensity = pace.state(self.plan)
        rng = random.Random(f"{SEED}-{self.plan.label}-{activity.code}")
        planned = self.data.budget.get((activity.pk, self.plan.year), {})
        share = (rng.uniform(0.25, 0.45) if self.plan.half == 1 else rng.uniform(0.35, 0.5)) * intensity

        def spent(source: str) -> Decimal | None:
            amount = planned.get(source, Decimal(0))
            return (amount * Decimal(share) / 1000).quantize(Decimal(1)) * 1000 if amount > 0 else None

        return services.ActivityLineInput(
            activity.pk,
            status=status,
            percent_complete=percent,
            spent_state_budget=spent(ActivityBudget.Source.STATE_BUDGET),
            spent_donor=spent(ActivityBudget.Source.DONOR),
            spent_other=spent(ActivityBudget.Source.OTHER),
            **_narrative(status, rng, pace.finished_before(self.plan)),
        )

    # Indicators.

    def indicator(self, indicator: Indicator, categories: list[DisaggregationCategory]) -> services.IndicatorLineInput:
        rng = random.Random(f"{SEED}-{self.plan.label}-{indicator.code}")
        pace = random.Random(f"{SEED}-{indicator.code}").uniform(0.7, 1.1)
        if indicator.value_type != Indicator.ValueType.YES_NO and rng.random() < 0.04:
            return services.IndicatorLineInput(indicator.pk, note=NO_DATA_NOTE, source=indicator.data_source)
        if indicator.value_type == Indicator.ValueType.TEXT:  # reported in words only
            words = rng.choice(TEXT_VALUES)
            return services.IndicatorLineInput(indicator.pk, note=words, source=indicator.data_source or "-")
        total = self._total(indicator, pace, rng)
        cells = _cells(indicator, total, categories, rng)
        note = rng.choice(INDICATOR_NOTES) if rng.random() < 0.15 else ""
        return services.IndicatorLineInput(indicator.pk, total, cells, note, indicator.data_source or "-")

    def _total(self, indicator: Indicator, pace: float, rng: random.Random) -> Decimal:
        targets = self.data.targets.get(indicator.pk, {})
        year = self.plan.year
        start = targets.get(year - 1, indicator.baseline or Decimal(0))
        end = targets.get(year, start)
        if indicator.value_type == Indicator.ValueType.YES_NO:
            return Decimal(1) if end >= 1 and rng.random() < 0.85 else Decimal(0)
        if indicator.value_type == Indicator.ValueType.MILESTONE:  # the stage planned for the year, or the one before
            reached = end if self.plan.half == 2 and rng.random() < 0.8 else start
            return min(max(reached, Decimal(0)), Decimal(indicator.stage_count)).to_integral_value()
        share = 1.0 if self.plan.half == 2 else 0.5
        value = float(start) + (float(end) - float(start)) * share * pace * rng.uniform(0.92, 1.08)
        if indicator.value_type == Indicator.ValueType.PERCENT:
            return _round(min(100.0, max(0.0, value)), Decimal("0.1"))
        return _round(max(0.0, value), _step(indicator, targets))


def _step(indicator: Indicator, targets: dict[int, Decimal]) -> Decimal:
    """Whole numbers for counts of whole things, tenths where the plan's figures have decimals."""
    figures = [indicator.baseline or Decimal(0), *targets.values()]
    return Decimal(1) if all(figure == figure.to_integral_value() for figure in figures) else Decimal("0.1")


def _round(value: float, step: Decimal) -> Decimal:
    return (Decimal(str(value)) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


DIMENSION_WEIGHTS = {
    "sex": lambda rng: [rng.uniform(0.35, 0.6), 1.0],
    "age_group": lambda rng: [rng.uniform(0.05, 0.2), 0.22, 0.3, rng.uniform(0.2, 0.35), rng.uniform(0.01, 0.05)],
    "disability": lambda rng: [rng.uniform(0.04, 0.12), 0.9],
}


def _cells(
    indicator: Indicator, total: Decimal, cells: list[DisaggregationCategory], rng: random.Random
) -> dict[int, Decimal | None]:
    """A value for every cell of the breakdown: a count split so that each dimension adds up to the total; a
    percentage or a yes/no close to (the same as) the total."""
    by_dimension: dict[Any, list[DisaggregationCategory]] = defaultdict(list)
    for category in cells:
        by_dimension[category.dimension].append(category)
    values: dict[int, Decimal | None] = {}
    for dimension, categories in by_dimension.items():
        if indicator.value_type in (Indicator.ValueType.YES_NO, Indicator.ValueType.MILESTONE):
            values.update({category.pk: total for category in categories})
        elif indicator.value_type == Indicator.ValueType.PERCENT:
            for category in categories:
                values[category.pk] = _round(min(100.0, max(0.0, float(total) + rng.uniform(-6, 6))), Decimal("0.1"))
        else:
            weigh = DIMENSION_WEIGHTS.get(dimension.code)
            weights = weigh(rng) if weigh else []
            if len(weights) != len(categories):
                weights = [rng.random() ** 3 + 0.01 for _ in categories]
            values.update(zip([c.pk for c in categories], _split(total, weights), strict=True))
    return values


def _split(total: Decimal, weights: list[float]) -> list[Decimal]:
    """`total` split in proportion to `weights`, in whole units (or tenths), adding up exactly."""
    step = Decimal(1) if total == total.to_integral_value() else Decimal("0.1")
    units = int(total / step)
    whole = sum(weights)
    exact = [units * weight / whole for weight in weights]
    shares = [int(value) for value in exact]
    by_remainder = sorted(range(len(weights)), key=lambda index: exact[index] - shares[index], reverse=True)
    for index in by_remainder[: units - sum(shares)]:
        shares[index] += 1
    return [share * step for share in shares]


@dataclass(frozen=True)
class Pace:
    """How an activity advances: its kind and speed, fixed for the activity across cycles."""

    activity: Activity
    kind: str  # on_time | fast | slow | late_start | cancelled
    speed: float

    @classmethod
    def of(cls, activity: Activity) -> Pace:
        rng = random.Random(f"{SEED}-{activity.code}")
        draw = rng.random()
        for kind, below, low, high in PACES:
            if draw < below:
                return cls(activity, kind, rng.uniform(low, high))
        raise AssertionError  # pragma: no cover - PACES ends at 1.0

    def elapsed(self, year: int, half: int) -> float:
        """The share of the activity's timeframe past at the end of the half-year."""
        first = self.activity.start[0] * 4 + self.activity.start[1]
        last = self.activity.end[0] * 4 + self.activity.end[1]
        now = year * 4 + (2 if half == 1 else 4)
        return min(1.0, max(0.0, (now - first + 1) / (last - first + 1)))

    def raw(self, year: int, half: int) -> float:
        return self.elapsed(year, half) * self.speed * 100

    def finished_before(self, plan: CyclePlan) -> bool:
        year, half = _previous(plan)
        return self.kind in ("fast", "on_time") and (self.raw(year, half) >= 100 or self.elapsed(year, half) >= 1)

    def state(self, plan: CyclePlan) -> tuple[str, int, float]:
        """Status, percent complete, and how much of the period's money was spent (a factor)."""
        elapsed, raw = self.elapsed(plan.year, plan.half), self.raw(plan.year, plan.half)
        if self.finished_before(plan):
            return Status.COMPLETED, 100, 0.0
        if self.kind == "cancelled" and elapsed >= 0.4:
            year, half = _previous(plan)
            spending = 0.0 if self.elapsed(year, half) >= 0.4 else 0.3  # only in the period it was stopped
            return Status.CANCELLED, min(60, round(40 * self.speed)), spending
        if self.kind == "late_start" and elapsed <= 0.25:
            return Status.NOT_STARTED, 0, 0.0
        if self.kind in ("on_time", "fast") and (raw >= 100 or elapsed >= 1):
            return Status.COMPLETED, 100, 1.0
        percent = max(1, min(95, round(raw)))
        if self.kind in ("slow", "late_start", "cancelled"):
            return Status.DELAYED, percent, 0.7
        return Status.ON_TRACK, percent, 1.0


def _previous(plan: CyclePlan) -> tuple[int, int]:
    """The half-year before the plan's."""
    return (plan.year, 1) if plan.half == 2 else (plan.year - 1, 2)


PACES = (  # kind, upper bound of the draw, speed range
    ("on_time", 0.55, 0.9, 1.1),
    ("fast", 0.72, 1.3, 1.8),
    ("slow", 0.92, 0.5, 0.75),
    ("late_start", 0.97, 0.8, 0.9),
    ("cancelled", 1.0, 0.6, 0.8),
)


# --- words -------------------------------------------------------------------------------------------------

NARRATIVES: dict[str, tuple[str, ...]] = {  # by ActivityProgress.Status value
    Status.ON_TRACK: (
        "Aktiviteti po zbatohet sipas planit. Gjatë periudhës u zhvilluan takimet e planifikuara me institucionet "
        "partnere.",
        "Puna vazhdon sipas kalendarit: u hartuan termat e referencës dhe ka nisur procedura e prokurimit.",
        "U realizuan {n} sesione trajnimi me pjesëmarrjen e {m} personave, nga të cilët më shumë se gjysma gra.",
        "Grupi i punës ndërinstitucional u mblodh {n} herë; drafti i parë është në konsultim me palët e interesit.",
        "Zbatimi po ecën mirë me mbështetjen e partnerëve ndërkombëtarë; raporti i ndërmjetëm u dorëzua në afat.",
    ),
    Status.DELAYED: (
        "Vonesë për shkak të procedurës së prokurimit, e cila u rihap pas një ankimi. Pritet të përfundojë në "
        "tremujorin e ardhshëm.",
        "Fondet e donatorit u miratuan me vonesë; aktiviteti do të përshpejtohet në periudhën e ardhshme.",
        "Mungesë e stafit të specializuar në drejtori; po punohet për rekrutimin e dy specialistëve.",
        "Miratimi i aktit nënligjor ka mbetur në pritje të mendimit të ministrive të linjës.",
        "Ndryshimet në strukturën organizative të institucionit shtynë fillimin e punës me disa muaj.",
    ),
    Status.COMPLETED: (
        "Aktiviteti përfundoi. Raporti përfundimtar dhe dokumentet mbështetëse iu dërguan Sekretariatit Teknik.",
        "U përfundua me sukses; rezultatet u prezantuan në mbledhjen e Grupit Ndërinstitucional të Punës.",
        "Aktiviteti u realizua plotësisht, brenda buxhetit të planifikuar.",
    ),
    Status.CANCELLED: (
        "Aktiviteti u anulua pas rishikimit të prioriteteve; fondet u rialokuan te një aktivitet tjetër i masës.",
        "U anulua sepse objektivi po arrihet përmes një programi tjetër të financuar nga donatorët.",
    ),
    Status.NOT_STARTED: (
        "Aktiviteti nuk ka nisur ende; fillimi është planifikuar për tremujorin e ardhshëm.",
        "Në pritje të miratimit të fondeve; nuk ka pasur shpenzime gjatë periudhës.",
    ),
}
FINISHED_EARLIER = "Aktiviteti përfundoi në një periudhë të mëparshme; nuk ka pasur shpenzime të tjera."
NARRATIVES_EN: dict[str, tuple[str, ...]] = {  # the same texts in English, in the same order
    Status.ON_TRACK: (
        "The activity is being carried out as planned. The planned meetings with the partner institutions took "
        "place during the period.",
        "Work goes on as scheduled: the terms of reference were drafted and procurement has started.",
        "{n} training sessions were held with {m} participants, more than half of them women.",
        "The inter-institutional working group met {n} times; the first draft is in consultation with stakeholders.",
        "Implementation is going well with the support of international partners; the interim report was on time.",
    ),
    Status.DELAYED: (
        "Delayed by the procurement procedure, which was reopened after a complaint. It should end next quarter.",
        "The donor's funds were approved late; the activity will be sped up in the next period.",
        "The directorate lacks specialised staff; two specialists are being recruited.",
        "The by-law's approval is still waiting for the opinion of the line ministries.",
        "Changes in the institution's structure put off the start of the work by several months.",
    ),
    Status.COMPLETED: (
        "The activity is completed. The final report and supporting documents were sent to the Technical Secretariat.",
        "Completed successfully; the results were presented at the meeting of the Inter-Institutional Working Group.",
        "The activity was carried out in full, within the planned budget.",
    ),
    Status.CANCELLED: (
        "The activity was cancelled after priorities were reviewed; its funds went to another activity of the measure.",
        "Cancelled because the objective is being reached through another donor-funded programme.",
    ),
    Status.NOT_STARTED: (
        "The activity has not started yet; it is planned to start next quarter.",
        "Waiting for the funds to be approved; nothing was spent in the period.",
    ),
}
FINISHED_EARLIER_EN = "The activity was completed in an earlier period; nothing more was spent."
NO_DATA_NOTE = (
    "Të dhënat për këtë periudhë publikohen nga institucioni burim pas afatit të raportimit; vlera do të raportohet "
    "në ciklin e ardhshëm."
)
INDICATOR_NOTES = (
    "Vlerë paraprake; do të konfirmohet me të dhënat vjetore.",
    "Rritja lidhet me hapjen e sporteleve të reja në bashki.",
    "Të dhënat mbulojnë periudhën deri në fund të muajit të fundit të periudhës.",
)
TEXT_VALUES = (  # what a text indicator reports, in words
    "Sporteli me një ndalesë funksionon në tri qarqe: Tiranë, Durrës dhe Shkodër.",
    "Procedura standarde u miratua dhe u shpërnda në të gjitha pikat e kalimit kufitar.",
    "Grupi teknik u ngrit me urdhër të ministrit dhe mblidhet çdo tremujor.",
)
ACTIVITY_COMMENTS = (
    "Narrativa është shumë e shkurtër: përshkruani çfarë u realizua gjatë periudhës dhe me cilët partnerë.",
    "Ju lutemi shpjegoni ecurinë e aktivitetit dhe bashkëngjitni procesverbalin ose listën e pjesëmarrësve.",
)
INDICATOR_COMMENTS = (
    "Mungon burimi i të dhënave për këtë tregues; ju lutemi plotësojeni.",
    "Vlera duhet të shoqërohet me burimin e të dhënave, që të mund të verifikohet.",
)
RETURN_REASONS = (
    "Ju lutemi plotësoni narrativat dhe burimet e të dhënave sipas komenteve në rreshta, pastaj ridërgojeni.",
    "Raporti nuk mund të miratohet pa shpjegimet e kërkuara në komente. Ju lutemi rishikojeni.",
)


def _narrative(status: str, rng: random.Random, finished_earlier: bool) -> dict[str, str]:
    """The narrative in Albanian, and in English for every other text (as some institutions write both), so that
    the English pages show English where it was given and the Albanian marked as such elsewhere."""
    if finished_earlier:
        return {"narrative_sq": FINISHED_EARLIER, "narrative_en": FINISHED_EARLIER_EN}
    texts = NARRATIVES[status]
    chosen = rng.choice(texts)
    n, m = rng.randint(2, 6), rng.randint(25, 180)
    index = texts.index(chosen)
    english = NARRATIVES_EN[status][index].format(n=n, m=m) if index % 2 == 0 else ""
    return {"narrative_sq": chosen.format(n=n, m=m), "narrative_en": english}


# --- evidence files ----------------------------------------------------------------------------------------


def pdf_document(lines: list[str]) -> bytes:
    """A one-page PDF with the lines of text (Helvetica, Latin-1): small, valid, readable by any viewer."""

    def escape(text: str) -> bytes:
        encoded = text.encode("cp1252", "replace")
        return encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    text = b"BT /F1 12 Tf 56 790 Td 18 TL " + b" ".join(b"(" + escape(line) + b") '" for line in lines) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def png_chart(values: list[int], width: int = 240, height: int = 120) -> bytes:
    """A PNG bar chart of `values` (0-100): small, valid, made without any imaging library."""
    background, bar = b"\xff\xff\xff", b"\x1f\x77\xb4"
    slot = width // len(values)
    margin = slot // 5
    rows = []
    for y in range(height):
        bars = [bar if height - y <= value * height // 100 else background for value in values]
        pixels = b"".join(background * margin + colour * (slot - 2 * margin) + background * margin for colour in bars)
        rows.append(b"\x00" + pixels + background * (width - slot * len(values)))  # filter byte: none

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )
