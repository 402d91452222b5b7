"""Monitoring: reporting cycles, each institution's progress report on its activities and indicators, the review.

A cycle covers a period of a strategy (a half-year or a year). Opening it creates one `ProgressReport` per
institution that leads an activity under way in the period or owns an indicator due in it, prefilled with one
`ActivityProgress` per activity and one `IndicatorValue` per indicator and disaggregation cell (the cell without a
category is the total). The report moves draft -> submitted -> returned | approved; its `version` guards every
save against lost updates; `ReportEvent` is its timeline; every value keeps its field history.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from nsm.accounts import access
from nsm.accounts.models import Institution
from nsm.audit import history_user
from nsm.core import limits
from nsm.i18n import LocalizedColumn
from nsm.reference.models import DisaggregationCategory
from nsm.strategy.models import Activity, Indicator, Strategy

PLAUSIBILITY_NOTE_CHARS = 500  # the short note that confirms an unusual value


class CycleQuerySet(access.CountryScopedQuerySet):
    editors = access.SECRETARIAT

    def overseen_by(self, user) -> CycleQuerySet:
        """Cycles whose board the user may see: the secretariat's and the coordinator's of its country."""
        if access.is_superuser(user):
            return self
        return self.filter(strategy__country__in=access.countries(user, access.OVERSEERS))


class ReportingCycle(models.Model):
    """A reporting period of a strategy: a half-year or a year, with the date reports open and the date they are due."""

    class Kind(models.TextChoices):
        HALF_YEAR = "half_year", _("Half-year")
        YEAR = "year", _("Year")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="cycles")
    kind = models.CharField(_("period"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(
        _("half-year"), default=0, validators=[MaxValueValidator(2)], help_text=_("1 or 2; 0 for a whole year.")
    )
    opens_on = models.DateField(_("opens on"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = CycleQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["strategy", "-year", "-half"]
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "kind", "year", "half"],
                name="cycle_one_per_period",
                violation_error_message=_("This strategy already has a cycle for this period."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="year") & Q(half=0)) | (Q(kind="half_year") & Q(half__in=[1, 2])),
                name="cycle_half_matches_kind",
                violation_error_message=_("A half-year cycle is the first or second half; a year cycle has no half."),
            ),
            models.CheckConstraint(
                condition=Q(opens_on__lte=models.F("due_on")),
                name="cycle_opens_before_due",
                violation_error_message=_("The due date must not come before the opening date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.strategy.code} {self.label}"

    @property
    def label(self) -> str:
        return f"{self.year}-H{self.half}" if self.kind == self.Kind.HALF_YEAR else str(self.year)

    @property
    def quarters(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """The first and last (year, quarter) of the period."""
        if self.kind == self.Kind.YEAR:
            return (self.year, 1), (self.year, 4)
        first = 1 if self.half == 1 else 3
        return (self.year, first), (self.year, first + 1)

    @property
    def starts_on(self) -> datetime.date:
        return datetime.date(self.year, 1 if self.half != 2 else 7, 1)

    @property
    def ends_on(self) -> datetime.date:
        return datetime.date(self.year, 6, 30) if self.half == 1 else datetime.date(self.year, 12, 31)

    @property
    def closes_year(self) -> bool:
        """Does the period end with the year (a year, or a second half)? Annual indicators are due then."""
        return self.half in (0, 2)

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def is_past_due(self, today: datetime.date | None = None) -> bool:
        return (today or timezone.localdate()) > self.due_on


# A focal point's door to their institution's reports opens only on reports of their institution's country: a
# report asked of another country's institution (by a plan written before countries were kept apart) stays shut.
OWN_COUNTRY = {"cycle__strategy__country": models.F("institution__country")}


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> ReportQuerySet:
        """Own institution's reports for its focal points (never another institution's); every report of the
        country for the secretariat and the coordinator; approved ones only for viewers."""
        if access.is_superuser(user):
            return self
        return self.filter(
            Q(institution__in=access.institution_ids(user, access.FOCAL_POINTS), **OWN_COUNTRY)
            | Q(cycle__strategy__country__in=access.countries(user, access.OVERSEERS))
            | Q(
                status=ProgressReport.Status.APPROVED,
                cycle__strategy__country__in=access.countries(user, access.VIEWERS),
            )
        )

    def editable_by(self, user) -> ReportQuerySet:
        """Reports whose lines the user may fill in: its institution's, as a focal point."""
        if access.is_superuser(user):
            return self
        return self.filter(institution__in=access.institution_ids(user, access.FOCAL_POINTS), **OWN_COUNTRY)

    def reviewable_by(self, user) -> ReportQuerySet:
        """Reports the user may return, approve or reopen: the secretariat's of its country."""
        if access.is_superuser(user):
            return self
        return self.filter(cycle__strategy__country__in=access.countries(user, access.SECRETARIAT))

    def in_board_status(self, status: str, today: datetime.date | None = None) -> ReportQuerySet:
        """Reports whose board status (`ProgressReport.board_status`) is `status`, told in SQL so a list can be
        filtered by it and paged."""
        report = ProgressReport.Status
        past_due = Q(cycle__due_on__lt=today or timezone.localdate()) & ~Q(cycle__status=ReportingCycle.Status.CLOSED)
        waiting = Q(status__in=(report.DRAFT, report.RETURNED))
        wanted = {
            ProgressReport.BoardStatus.SUBMITTED: Q(status=report.SUBMITTED),
            ProgressReport.BoardStatus.APPROVED: Q(status=report.APPROVED),
            ProgressReport.BoardStatus.OVERDUE: waiting & past_due,
            ProgressReport.BoardStatus.NOT_STARTED: Q(status=report.DRAFT, first_saved_at__isnull=True) & ~past_due,
            ProgressReport.BoardStatus.DRAFT: Q(status=report.DRAFT, first_saved_at__isnull=False) & ~past_due,
            ProgressReport.BoardStatus.RETURNED: Q(status=report.RETURNED) & ~past_due,
        }
        return self.filter(wanted[ProgressReport.BoardStatus(status)])


class ProgressReport(models.Model):
    """One institution's report for one cycle."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    class BoardStatus(models.TextChoices):
        """What the secretariat's board shows: the status, with 'not started' and 'overdue' told apart."""

        NOT_STARTED = "not_started", _("Not started")
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")
        OVERDUE = "overdue", _("Overdue")

    cycle = models.ForeignKey(ReportingCycle, on_delete=models.CASCADE, related_name="reports")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="progress_reports", verbose_name=_("institution")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    first_saved_at = models.DateTimeField(_("first saved"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_late = models.BooleanField(_("submitted late"), default=False)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True, **limits.long_text_field_options())
    reopened = models.BooleanField(
        _("reopened"), default=False, help_text=_("Reopened by the secretariat: editable although the cycle is closed.")
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ReportQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["cycle", "institution__code"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "institution"],
                name="report_one_per_institution_and_cycle",
                violation_error_message=_("This institution already has a report in this cycle."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} {self.institution.code}"

    @property
    def is_locked(self) -> bool:
        """Read-only: approved, or in a closed cycle and not reopened."""
        return self.status == self.Status.APPROVED or (self.cycle.is_closed and not self.reopened)

    @property
    def is_editable(self) -> bool:
        """Can its lines be changed now (by its focal points)? A submitted report waits for the review."""
        return not self.is_locked and self.status in (self.Status.DRAFT, self.Status.RETURNED)

    def board_status(self, today: datetime.date | None = None) -> str:
        if self.status in (self.Status.SUBMITTED, self.Status.APPROVED):
            return self.status
        if self.cycle.is_past_due(today) and not self.cycle.is_closed:
            return self.BoardStatus.OVERDUE
        if self.status == self.Status.DRAFT and self.first_saved_at is None:
            return self.BoardStatus.NOT_STARTED
        return self.status

    def get_board_status_display(self, today: datetime.date | None = None) -> str:
        return str(self.BoardStatus(self.board_status(today)).label)


class ActivityProgress(models.Model):
    """A report's line for one activity: status, percent complete, spending in the period by source, narrative."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        ON_TRACK = "on_track", _("Under way, on schedule")
        DELAYED = "delayed", _("Under way, delayed")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    SPENDING_FIELDS = ("spent_state_budget", "spent_donor", "spent_other")
    VALUE_FIELDS = ("status", "percent_complete", *SPENDING_FIELDS, "narrative_sq", "narrative_en")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="activity_lines")
    # PROTECT: a line that a report holds is never deleted with its activity (withdraw the activity instead).
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="progress")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, blank=True)
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    # Spending in the period (strategy's currency); empty = not reported. 15 digits: see strategy.models.
    spent_state_budget = models.DecimalField(
        _("spent: state budget"),
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    spent_donor = models.DecimalField(
        _("spent: donors"), max_digits=15, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    spent_other = models.DecimalField(
        _("spent: other"), max_digits=15, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    # The column keeps its name `narrative` (the search triggers and raw SQL read it); either language suffices.
    narrative_sq = models.TextField(
        _("narrative (Albanian)"), blank=True, db_column="narrative", **limits.long_text_field_options()
    )
    narrative_en = models.TextField(_("narrative (English)"), blank=True, **limits.long_text_field_options())
    plausibility_note = models.CharField(
        _("confirmation of an unusual value"),
        max_length=PLAUSIBILITY_NOTE_CHARS,
        blank=True,
        help_text=_("Why a value that looks unusual (spending above the plan, ...) is right, as the focal point said."),
    )

    history = HistoricalRecords(get_user=history_user)
    narrative = LocalizedColumn("narrative")

    class Meta:
        ordering = ["report", "activity__sort_key"]
        verbose_name = _("activity progress")
        verbose_name_plural = _("activity progress")
        constraints = [
            models.UniqueConstraint(fields=["report", "activity"], name="activity_progress_one_per_report"),
            models.CheckConstraint(
                condition=Q(percent_complete__isnull=True) | Q(percent_complete__lte=100),
                name="activity_progress_percent_0_100",
            ),
            models.CheckConstraint(
                condition=(Q(spent_state_budget__isnull=True) | Q(spent_state_budget__gte=0))
                & (Q(spent_donor__isnull=True) | Q(spent_donor__gte=0))
                & (Q(spent_other__isnull=True) | Q(spent_other__gte=0)),
                name="activity_progress_spending_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.activity.code}"

    @property
    def spent_total(self) -> Decimal | None:
        amounts = [getattr(self, name) for name in self.SPENDING_FIELDS if getattr(self, name) is not None]
        return sum(amounts, Decimal(0)) if amounts else None


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"evidence/{instance.line.report.cycle_id}/{instance.line.report_id}/{filename}"


class Evidence(models.Model):
    """A file that supports an activity's progress: pdf, docx, xlsx, jpg or png, its type checked from its content."""

    line = models.ForeignKey(ActivityProgress, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["line", "uploaded_at", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """A report's value for one indicator in one disaggregation cell; the cell without a category is the total."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="indicator_values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    category = models.ForeignKey(
        DisaggregationCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    value = models.DecimalField(_("value"), max_digits=15, decimal_places=3, null=True, blank=True)
    note = models.TextField(_("note"), blank=True, **limits.long_text_field_options())
    source = models.TextField(_("source"), blank=True, **limits.long_text_field_options())
    plausibility_note = models.CharField(
        _("confirmation of an unusual value"),
        max_length=PLAUSIBILITY_NOTE_CHARS,
        blank=True,
        help_text=_(
            "On the total: why a value far from the baseline and the target is right, as the focal point said."
        ),
    )

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["report", "indicator__sort_key", "category__dimension__position", "category__position"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator", "category"], name="indicator_value_one_per_cell"),
            models.UniqueConstraint(
                fields=["report", "indicator"],
                condition=Q(category__isnull=True),
                name="indicator_value_one_total",
            ),
        ]

    def __str__(self) -> str:
        cell = self.category.code if self.category is not None else "total"
        return f"{self.report} {self.indicator.code} {cell}: {self.value}"


class ReportEvent(models.Model):
    """A step of a report's timeline: who saved, submitted, returned (why), approved or reopened it (why), when."""

    class Kind(models.TextChoices):
        SAVED = "saved", _("Saved")
        IMPORTED = "imported", _("Uploaded from Excel")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")
        REOPENED = "reopened", _("Reopened")
        LOCKED = "locked", _("Locked: the cycle was closed")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=10, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("when"), default=timezone.now)
    version = models.PositiveIntegerField(_("version after"))
    reason = models.TextField(_("reason"), blank=True)
    late = models.BooleanField(_("late"), default=False)

    class Meta:
        ordering = ["report", "at", "pk"]
        verbose_name = _("report event")
        verbose_name_plural = _("report events")

    def __str__(self) -> str:
        return f"{self.report} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class ReviewComment(models.Model):
    """The secretariat's comment on one line of a report (an activity or an indicator), or on the whole report."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="comments")
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, null=True, blank=True, related_name="review_comments"
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="review_comments"
    )
    text = models.TextField(_("comment"), **limits.long_text_field_options())
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["report", "created_at", "pk"]
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(activity__isnull=True) | Q(indicator__isnull=True),
                name="review_comment_on_one_line",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Reminder(models.Model):
    """A reminder sent for a report; one of each kind per report, so that none is sent twice."""

    class Kind(models.TextChoices):
        BEFORE_DUE = "before_due", _("Due soon")
        OVERDUE = "overdue", _("Overdue")
        BY_SECRETARIAT = "by_secretariat", _("Reminded by the secretariat")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("reminder"), max_length=14, choices=Kind.choices)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    recipients = models.TextField(_("recipients"), blank=True)
    sent_by = models.ForeignKey(  # the secretariat's user, for a reminder sent from the board; None: the daily run
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["report", "sent_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(  # the secretariat may remind again (once a day: see reminders.remind_overdue)
                fields=["report", "kind"], condition=~Q(kind="by_secretariat"), name="reminder_once_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.kind}"


# --- Figures kept at approval (issue 16): what the roll-ups read, derived from approved reports ---
#
# Written by `nsm.monitoring.kept` in the transaction that approves or reopens a report, so that they are never
# stale; `nsm rebuild-rollups` writes them again from the reports. Derived data: no history of their own (the lines
# and values they come from keep theirs), never edited by hand.


class ActivityStanding(models.Model):
    """An activity's latest approved line with a status, from the last quarter of its cycle (`from_q`, a quarter key
    year * 10 + quarter) until that of the next such line (`until_q`; NULL while it is the latest). The line that
    gives the activity its status in a period is the one whose span holds the period's last quarter."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="+")
    # PROTECT, as the lines they come from: a plan item with approved figures is withdrawn, never deleted.
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+")
    line = models.ForeignKey(ActivityProgress, on_delete=models.CASCADE, related_name="+")
    from_q = models.PositiveIntegerField()
    until_q = models.PositiveIntegerField(null=True)
    status = models.CharField(max_length=12)
    percent_complete = models.PositiveSmallIntegerField(null=True)

    class Meta:
        constraints = [  # its index finds an activity's spans
            models.UniqueConstraint(fields=["activity", "from_q"], name="activity_standing_one_per_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.from_q}-{self.until_q}: {self.status}"


class IndicatorStanding(models.Model):
    """An indicator's approved figure of one cycle: the cells (the total: no category) of the cycle's latest approved
    report that gives the indicator a total. `first_q` and `last_q` are the cycle's first and last quarter keys,
    `rank` orders cycles that end together (a year before its second half)."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(ReportingCycle, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(DisaggregationCategory, on_delete=models.CASCADE, null=True, related_name="+")
    year = models.PositiveSmallIntegerField()
    half = models.PositiveSmallIntegerField()
    first_q = models.PositiveIntegerField()
    last_q = models.PositiveIntegerField()
    rank = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=15, decimal_places=3, null=True)

    class Meta:
        indexes = [models.Index(fields=["indicator", "last_q"], name="indicator_standing_last")]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "cycle", "category"], name="indicator_standing_one_per_cell"),
            models.UniqueConstraint(
                fields=["indicator", "cycle"], condition=Q(category__isnull=True), name="indicator_standing_one_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year}-{self.half} {self.category_id or 'total'}: {self.value}"
