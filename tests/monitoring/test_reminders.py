"""Reminders (`nsm send-reminders`): before the due date and once overdue, to the focal points of pending reports,
each kind once per report; nothing recorded when nothing could be sent.

The `cycle` fixture's reports: MSHMS (focal point `focal`) and AKPA (`focal2`), due in 30 days. Mail goes to
Django's locmem backend (pytest-django), so `mail.outbox` holds what was sent.
"""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from nsm.monitoring import reminders, services
from nsm.monitoring.models import ProgressReport, Reminder
from tests.factories import StrategyFactory
from tests.monitoring.conftest import build_plan, fill


class FailingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server unreachable")


@pytest.fixture(autouse=True)
def reminder_settings(settings):
    settings.REMINDER_DAYS_BEFORE = 7
    settings.SITE_URL = "https://nsm.example.gov.al"


def _days(cycle, days: int) -> datetime.date:
    """A day relative to the cycle's due date."""
    return cycle.due_on + datetime.timedelta(days=days)


def _run(*args: str) -> str:
    out = StringIO()
    call_command("send-reminders", *args, stdout=out)
    return out.getvalue()


def _recipients() -> dict[str, list[str]]:
    """Who got what: subject -> recipients."""
    return {message.subject: message.to for message in mail.outbox}


def test_no_reminder_before_the_window_opens(cycle):
    run = reminders.send_reminders(today=_days(cycle, -8))
    assert run.sent == [] and mail.outbox == []
    assert not Reminder.objects.exists()


def test_before_due_reminder_goes_to_each_institutions_focal_points_once(cycle, report, other_report):
    run = reminders.send_reminders(today=_days(cycle, -7))
    assert [(item.report, item.kind) for item in run.sent] == [(other_report, "before_due"), (report, "before_due")]
    assert sorted(message.to for message in mail.outbox) == [["focal2@example.org"], ["focal@example.org"]]
    message = next(message for message in mail.outbox if message.to == ["focal@example.org"])
    assert "MSHMS" in message.subject and cycle.label in message.subject
    assert "in 7 days" in message.body
    assert "https://nsm.example.gov.al" + reverse("monitoring:report", kwargs={"pk": report.pk}) in message.body
    assert Reminder.objects.get(report=report).recipients == "focal@example.org"

    again = reminders.send_reminders(today=_days(cycle, -2))
    assert again.sent == []
    assert len(mail.outbox) == 2


def test_before_due_reminder_is_still_sent_on_the_due_date(cycle):
    run = reminders.send_reminders(today=cycle.due_on)
    assert {item.kind for item in run.sent} == {"before_due"}
    assert "due today" in mail.outbox[0].body


def test_overdue_reminder_is_sent_once_after_the_due_date(cycle, report):
    reminders.send_reminders(today=_days(cycle, -3))
    mail.outbox.clear()
    run = reminders.send_reminders(today=_days(cycle, 1))
    assert {item.kind for item in run.sent} == {"overdue"}
    assert len(mail.outbox) == 2
    message = next(message for message in mail.outbox if message.to == ["focal@example.org"])
    assert message.subject.startswith("Overdue")
    assert "1 day ago" in message.body and "marked late" in message.body
    assert set(Reminder.objects.filter(report=report).values_list("kind", flat=True)) == {"before_due", "overdue"}

    assert reminders.send_reminders(today=_days(cycle, 20)).sent == []
    assert len(mail.outbox) == 2


def test_a_report_found_only_after_the_due_date_gets_the_overdue_reminder_alone(cycle, report):
    reminders.send_reminders(today=_days(cycle, 5))
    assert set(Reminder.objects.filter(report=report).values_list("kind", flat=True)) == {"overdue"}


def test_submitted_and_approved_reports_get_no_reminder(cycle, report, other_report, focal_point, secretariat):
    services.submit_report(fill(report, focal_point), by=focal_point)
    run = reminders.send_reminders(today=_days(cycle, 1))
    assert [item.report for item in run.sent] == [other_report]
    services.approve_report(report, by=secretariat)
    assert reminders.send_reminders(today=_days(cycle, 2)).sent == []
    assert _recipients() == {mail.outbox[0].subject: ["focal2@example.org"]}


def test_a_returned_report_is_reminded_with_the_reason(cycle, report, focal_point, secretariat):
    services.submit_report(fill(report, focal_point), by=focal_point)
    services.return_report(report, by=secretariat, reason="Add the sources of the indicator values.")
    reminders.send_reminders(today=_days(cycle, -1))
    message = next(message for message in mail.outbox if message.to == ["focal@example.org"])
    assert "returned it for corrections" in message.body
    assert "Add the sources of the indicator values." in message.body


def test_a_closed_cycle_gets_no_reminders(cycle, secretariat):
    services.close_cycle(cycle, by=secretariat)
    assert reminders.send_reminders(today=_days(cycle, 1)).sent == []
    assert mail.outbox == []


def test_a_planned_cycle_gets_no_reminders(strategy, secretariat, cycle):
    planned = services.create_cycle(
        strategy, by=secretariat, kind="year", year=2025, opens_on=cycle.due_on, due_on=cycle.due_on
    )
    assert planned.status == "planned"
    run = reminders.send_reminders(today=_days(cycle, 1))
    assert {item.report.cycle for item in run.sent} == {cycle}


def test_without_an_active_focal_point_with_an_email_nothing_is_sent_nor_recorded(
    cycle, report, other_report, focal_point, other_focal_point
):
    focal_point.email = ""
    focal_point.save()
    other_focal_point.is_active = False
    other_focal_point.save()
    run = reminders.send_reminders(today=_days(cycle, 1))
    assert run.sent == []
    assert [item.report for item in run.without_recipients] == [other_report, report]
    assert mail.outbox == [] and not Reminder.objects.exists()

    focal_point.email = "mshms.focal@example.org"
    focal_point.save()
    run = reminders.send_reminders(today=_days(cycle, 2))
    assert [item.report for item in run.sent] == [report]
    assert mail.outbox[0].to == ["mshms.focal@example.org"]


def test_other_roles_of_the_institution_are_not_reminded(cycle, report, focal_point):
    from tests.factories import MembershipFactory, UserFactory

    MembershipFactory(user=UserFactory(username="mshms-viewer"), institution=report.institution, role="viewer")
    second = UserFactory(username="mshms-deputy")
    MembershipFactory(user=second, institution=report.institution, role="focal_point")
    reminders.send_reminders(today=_days(cycle, 1))
    message = next(message for message in mail.outbox if "MSHMS" in message.subject)
    assert sorted(message.to) == ["focal@example.org", "mshms-deputy@example.org"]


def test_dry_run_sends_and_records_nothing(cycle):
    output = _run("--dry-run", "--today", _days(cycle, 1).isoformat())
    assert mail.outbox == [] and not Reminder.objects.exists()
    lines = output.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("Would send: Overdue reminder for") and "focal2@example.org" in lines[0]
    assert "2 reminders would be sent" in lines[2]


def test_command_prints_one_line_per_reminder_and_a_summary(cycle, report, focal_point):
    focal_point.email = ""
    focal_point.save()
    output = _run("--today", _days(cycle, -1).isoformat())
    lines = output.splitlines()
    assert (
        lines[0]
        == f"Sent: Due soon reminder for {ProgressReport.objects.get(institution__code='AKPA')} to focal2@example.org"
    )
    assert lines[1].startswith(f"Not sent: Due soon reminder for {report}")
    assert lines[2] == f"{_days(cycle, -1).isoformat()}: 1 reminder sent; 1 report without recipients."
    assert (
        _run("--today", _days(cycle, -1).isoformat())
        .splitlines()[-1]
        .endswith("0 reminders sent; 1 report without recipients.")
    )


def test_command_refuses_a_malformed_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        _run("--today", "27.11.2026")


def test_a_failed_send_records_nothing_and_is_tried_again(cycle, settings):
    settings.EMAIL_BACKEND = "tests.monitoring.test_reminders.FailingBackend"
    with pytest.raises(CommandError, match="tried again"):
        _run("--today", _days(cycle, 1).isoformat())
    assert not Reminder.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert len(reminders.send_reminders(today=_days(cycle, 1)).sent) == 2


def test_reminders_are_written_in_the_sites_language(cycle, settings):
    settings.LANGUAGE_CODE = "sq"
    reminders.send_reminders(today=_days(cycle, 1))
    with translation.override("sq"):
        albanian = date_format(cycle.due_on, "DATE_FORMAT")
    with translation.override("en"):
        english = date_format(cycle.due_on, "DATE_FORMAT")
    assert albanian != english
    assert albanian in mail.outbox[0].body
    assert english not in mail.outbox[0].body


@pytest.mark.parametrize("institutions", [5, 50])
def test_finding_the_reminders_due_takes_two_queries(secretariat, django_assert_num_queries, institutions):
    strategy = StrategyFactory(code=f"AL-NSM-{institutions}")
    build_plan(strategy, [f"I{n}" for n in range(institutions)], activities_each=1)
    due_on = datetime.date(2024, 7, 15)
    cycle = services.create_cycle(
        strategy, by=secretariat, kind="half_year", year=2024, half=1, opens_on=due_on, due_on=due_on
    )
    services.open_cycle(cycle, by=secretariat)
    with django_assert_num_queries(2):
        due = reminders.due_reminders(today=due_on)
    assert len(due) == institutions
