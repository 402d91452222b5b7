"""The board reminds every institution overdue at once, and exports to Excel.

The `cycle` fixture's reports: MSHMS (focal point `focal`) and AKPA (`focal2`); the cycle is made overdue here by
moving its due date into the past."""

import datetime
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from nsm.monitoring import reminders, services
from nsm.monitoring.models import ProgressReport, Reminder, ReportingCycle
from tests.monitoring.conftest import fill


@pytest.fixture
def overdue(cycle):
    ReportingCycle.objects.filter(pk=cycle.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=3))
    cycle.refresh_from_db()
    return cycle


def board_url(cycle, name="cycle-remind"):
    return reverse(f"monitoring:{name}", args=[cycle.pk])


def test_the_secretariat_reminds_every_institution_overdue_once_a_day(
    client_for, secretariat, focal_point, overdue, report
):
    fill(report, focal_point)
    services.submit_report(report, by=focal_point)  # MSHMS submitted: only AKPA is overdue
    client = client_for(secretariat)
    board = client.get(board_url(overdue, "cycle")).content.decode()
    assert "Remind the 1 institution overdue" in board
    asked = client.get(board_url(overdue)).content.decode()
    assert "Remind the institutions overdue?" in asked and "AKPA" in asked and "MSHMS" not in asked
    assert mail.outbox == []  # asking sends nothing
    response = client.post(board_url(overdue), {"confirm": "yes"}, follow=True)
    assert "1 institution was reminded." in response.content.decode()
    assert [message.to for message in mail.outbox] == [["focal2@example.org"]]
    assert "overdue" in mail.outbox[0].subject.lower()
    sent = Reminder.objects.get(kind=Reminder.Kind.BY_SECRETARIAT)
    assert sent.sent_by == secretariat and sent.report.institution.code == "AKPA"
    again = client.post(board_url(overdue), {"confirm": "yes"}, follow=True).content.decode()
    assert "1 institution had been reminded today already" in again
    assert len(mail.outbox) == 1  # a second click sends nothing


def test_the_daily_overdue_reminder_still_goes_after_the_secretariats(secretariat, overdue, report, other_report):
    reminders.remind_overdue(overdue, by=secretariat)
    assert len(mail.outbox) == 2
    run = reminders.send_reminders()
    assert len(run.sent) == 2  # its own kind, once per report: not taken for the secretariat's
    assert Reminder.objects.filter(kind=Reminder.Kind.OVERDUE).count() == 2


def test_nobody_to_remind_before_the_due_date(client_for, secretariat, cycle):
    response = client_for(secretariat).get(board_url(cycle), follow=True)
    assert "nobody to remind" in response.content.decode()
    assert "institutions overdue" not in client_for(secretariat).get(board_url(cycle, "cycle")).content.decode()
    assert mail.outbox == []


def test_a_focal_point_cannot_remind(client_for, focal_point, overdue):
    assert client_for(focal_point).post(board_url(overdue), {"confirm": "yes"}).status_code == 404
    assert mail.outbox == []


def test_the_board_downloads_as_a_workbook(client_for, secretariat, focal_point, overdue, report):
    fill(report, focal_point)
    services.submit_report(report, by=focal_point)
    response = client_for(secretariat).get(board_url(overdue, "cycle-workbook"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-board.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"AKPA", "MSHMS"}
    assert rows["MSHMS"][2] == "Submitted" and rows["AKPA"][2] == "Overdue"
    mshms = ProgressReport.objects.get(pk=report.pk)
    assert rows["MSHMS"][3] == mshms.activity_lines.exclude(status="").count() and rows["MSHMS"][9] == "Yes"
    assert rows["AKPA"][8] is None
