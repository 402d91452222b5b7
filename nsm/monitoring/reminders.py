"""Reminders by e-mail to the focal points of reports not yet submitted: one before the due date, one once overdue.

`send_reminders` (what `nsm send-reminders` runs, daily) looks at every report of an open cycle that is still a
draft or was returned. Within `settings.REMINDER_DAYS_BEFORE` days of the due date it is due a "before_due"
reminder; after the due date an "overdue" one. Each goes once per report: the `Reminder` row that records it is
written in the same transaction as the sending, after the mail went out, so that a failed send records nothing and
is tried again on the next run, and a sent one is never sent again. The recipients are the active users with a
focal point membership in the report's institution who have an e-mail address; a report without any gets nothing
recorded, and the run says so. Mails are written in the site's language (`settings.LANGUAGE_CODE`): users have no
language of their own.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from nsm.accounts.models import Membership, User
from nsm.monitoring.models import ProgressReport, Reminder, ReportingCycle

PENDING = (ProgressReport.Status.DRAFT, ProgressReport.Status.RETURNED)

# Sent once a run's reminders were e-mailed and recorded, with `reminders` (a list of (report id, `Reminder.Kind`)
# pairs, those sent), `on` (the run's day) and `by_id` (the secretariat's user id for its reminder, else None). The
# notifications app, above this one, shows them in the focal points' inbox too, without e-mailing them again.
reminders_sent = Signal()


def _announce_sent(run: ReminderRun, *, by: Any = None) -> None:
    sent = [(item.report.pk, item.kind) for item in run.sent]
    if run.dry_run or not sent:
        return
    on, by_id = run.today, getattr(by, "pk", None)
    transaction.on_commit(lambda: reminders_sent.send(sender=Reminder, reminders=sent, on=on, by_id=by_id), robust=True)


@dataclass(frozen=True)
class DueReminder:
    """A reminder that a report is due: its kind (a `Reminder.Kind`) and whom it goes to."""

    report: ProgressReport
    kind: str
    recipients: tuple[User, ...]

    @property
    def emails(self) -> list[str]:
        return [user.email for user in self.recipients]

    @property
    def kind_label(self) -> str:
        return str(Reminder.Kind(self.kind).label)


@dataclass
class ReminderRun:
    """What one run did: reminders sent (or, in a dry run, that would be), reports nobody could be reminded of,
    and sends that failed (with the error), which are tried again next time."""

    today: datetime.date
    dry_run: bool = False
    sent: list[DueReminder] = field(default_factory=list)
    without_recipients: list[DueReminder] = field(default_factory=list)
    failed: list[tuple[DueReminder, str]] = field(default_factory=list)


def reminder_kind(cycle: ReportingCycle, today: datetime.date, days_before: int) -> str | None:
    """Which reminder a pending report of the cycle is due today: "overdue" after the due date, "before_due" in
    the `days_before` days up to it (the due date included), else none."""
    if today > cycle.due_on:
        return Reminder.Kind.OVERDUE
    if (cycle.due_on - today).days <= days_before:
        return Reminder.Kind.BEFORE_DUE
    return None


def due_reminders(*, today: datetime.date, reports: QuerySet[ProgressReport] | None = None) -> list[DueReminder]:
    """Reminders due today and not sent yet, in two queries whatever the number of reports: the pending reports
    of open cycles (with their cycle, strategy and institution, and whether each kind was sent), then the focal
    points of their institutions. `reports` narrows the search (all reports by default)."""
    days_before = settings.REMINDER_DAYS_BEFORE
    sent = Reminder.objects.filter(report=OuterRef("pk"))
    candidates = (
        (reports if reports is not None else ProgressReport.objects.all())
        .filter(
            cycle__status=ReportingCycle.Status.OPEN,
            status__in=PENDING,
            cycle__due_on__lte=today + datetime.timedelta(days=days_before),
        )
        .select_related("cycle__strategy", "institution")
        .annotate(
            sent_before_due=Exists(sent.filter(kind=Reminder.Kind.BEFORE_DUE)),
            sent_overdue=Exists(sent.filter(kind=Reminder.Kind.OVERDUE)),
        )
        .order_by("cycle__due_on", "cycle__strategy__code", "institution__code")
    )
    due = []
    for report in candidates:
        kind = reminder_kind(report.cycle, today, days_before)
        already = report.sent_overdue if kind == Reminder.Kind.OVERDUE else report.sent_before_due
        if kind is not None and not already:
            due.append((report, kind))
    focal_points = _focal_points({report.institution_id for report, _kind in due})
    return [DueReminder(report, kind, tuple(focal_points[report.institution_id])) for report, kind in due]


def _focal_points(institution_ids: set[int]) -> dict[int, list[User]]:
    """The active focal points with an e-mail address of each institution (one query)."""
    found: dict[int, list[User]] = defaultdict(list)
    if not institution_ids:
        return found
    memberships = (
        Membership.objects.filter(
            institution_id__in=institution_ids, role=Membership.Role.FOCAL_POINT, user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("institution_id", "user__username")
    )
    for membership in memberships:
        found[membership.institution_id].append(membership.user)
    return found


def send_reminders(
    *,
    today: datetime.date | None = None,
    dry_run: bool = False,
    connection: Any = None,
    reports: QuerySet[ProgressReport] | None = None,
) -> ReminderRun:
    """Send the reminders due `today` (the local date by default) and record each; a dry run sends and records
    nothing, and lists what it would send. `connection`: a mail connection (the configured backend by default)."""
    today = today or timezone.localdate()
    run = ReminderRun(today=today, dry_run=dry_run)
    due = due_reminders(today=today, reports=reports)
    if not dry_run and any(item.recipients for item in due):
        connection = connection or get_connection()
    for item in due:
        if not item.recipients:
            run.without_recipients.append(item)
        elif dry_run:
            run.sent.append(item)
        else:
            try:
                if _send_and_record(item, connection, today):
                    run.sent.append(item)
            except Exception as error:  # noqa: BLE001 - a failed send (SMTP, network) must not stop the others
                run.failed.append((item, str(error) or error.__class__.__name__))
    _announce_sent(run)
    return run


def _send_and_record(item: DueReminder, connection: Any, today: datetime.date, by: Any = None) -> bool:
    """Send one reminder and record it, in one transaction; False when another run recorded it meanwhile (for the
    secretariat's reminder: when one was sent today)."""
    with transaction.atomic():
        # The lock makes a concurrent run wait here, then see the reminder recorded and send nothing.
        ProgressReport.objects.select_for_update().filter(pk=item.report.pk).values_list("pk").get()
        sent = Reminder.objects.filter(report=item.report, kind=item.kind)
        if item.kind == Reminder.Kind.BY_SECRETARIAT:
            sent = sent.filter(sent_at__gte=_start_of(today))
        if sent.exists():
            return False
        connection.send_messages([reminder_message(item, today)])
        Reminder.objects.create(
            report=item.report, kind=item.kind, sent_at=timezone.now(), recipients="\n".join(item.emails), sent_by=by
        )
        return True


def _start_of(day: datetime.date) -> datetime.datetime:
    """The first moment of `day` in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def overdue_reports(cycle: ReportingCycle, today: datetime.date | None = None) -> list[ProgressReport]:
    """The cycle's reports not submitted by its due date while it is open (one query), by institution."""
    today = today or timezone.localdate()
    if cycle.status != ReportingCycle.Status.OPEN or cycle.due_on >= today:
        return []
    return list(
        cycle.reports.filter(status__in=PENDING).select_related("cycle__strategy", "institution")
        .order_by("institution__code")
    )  # fmt: skip


def remind_overdue(
    cycle: ReportingCycle, *, by: Any, today: datetime.date | None = None, connection: Any = None
) -> ReminderRun:
    """The secretariat's reminder, now, to the focal points of every report of the cycle that is overdue: one mail
    per report, recorded as sent by `by`. A report reminded so today is not reminded again the same day (a second
    click sends nothing); the daily reminders are not affected."""
    today = today or timezone.localdate()
    run = ReminderRun(today=today)
    reports = overdue_reports(cycle, today)
    focal_points = _focal_points({report.institution_id for report in reports})
    due = [
        DueReminder(report, Reminder.Kind.BY_SECRETARIAT, tuple(focal_points[report.institution_id]))
        for report in reports
    ]
    if any(item.recipients for item in due):
        connection = connection or get_connection()
    for item in due:
        if not item.recipients:
            run.without_recipients.append(item)
            continue
        try:
            if _send_and_record(item, connection, today, by=by):
                run.sent.append(item)
        except Exception as error:  # noqa: BLE001 - a failed send (SMTP, network) must not stop the others
            run.failed.append((item, str(error) or error.__class__.__name__))
    _announce_sent(run, by=by)
    return run


def report_url(report: ProgressReport) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("monitoring:report", kwargs={"pk": report.pk})


def reminder_message(item: DueReminder, today: datetime.date) -> EmailMessage:
    """The reminder's mail, in the site's language, to every focal point of the report's institution."""
    report = item.report
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "report": report,
            "cycle": report.cycle,
            "strategy": report.cycle.strategy,
            "institution": report.institution,
            "url": report_url(report),
            "days_left": (report.cycle.due_on - today).days,
            "days_late": (today - report.cycle.due_on).days,
            "returned": report.status == ProgressReport.Status.RETURNED,
        }
        # The secretariat's reminder says what the daily overdue one says.
        template = Reminder.Kind.OVERDUE if item.kind == Reminder.Kind.BY_SECRETARIAT else item.kind
        subject = render_to_string(f"monitoring/email/{template}_subject.txt", context)
        body = render_to_string(f"monitoring/email/{template}.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=item.emails)
