"""The working group's rules: closing dates, dropped needs a reason, decision numbers, minutes type and size."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from nsm.strategy.services import StaleVersion
from nsm.workinggroup import services
from nsm.workinggroup.models import ActionPoint, Meeting
from tests.workinggroup.conftest import docx_file, pdf_file


def test_done_records_the_closing_date_and_reopening_clears_it(overdue_point, focal_point, today):
    point = services.report_action_point(overdue_point, by=focal_point, version=1, status="done", note="Sent.")
    assert point.closed_on == today
    assert not point.is_overdue()
    point = services.report_action_point(point, by=focal_point, version=2, status="in_progress", note="")
    assert point.closed_on is None
    assert point.is_overdue()
    assert point.history.first().history_user == focal_point


def test_dropping_an_action_point_needs_a_reason(overdue_point, focal_point):
    with pytest.raises(ValidationError) as error:
        services.report_action_point(overdue_point, by=focal_point, version=1, status="dropped", note=" ")
    assert "note" in error.value.message_dict
    overdue_point.refresh_from_db()
    assert overdue_point.status == ActionPoint.Status.OPEN


def test_a_stale_status_report_is_refused(overdue_point, focal_point, secretariat):
    services.report_action_point(overdue_point, by=secretariat, version=1, status="in_progress", note="")
    with pytest.raises(StaleVersion):
        services.report_action_point(overdue_point, by=focal_point, version=1, status="done", note="")


def test_overdue_means_not_done_or_dropped_and_past_due(meeting, today):
    assert list(ActionPoint.objects.overdue(today).values_list("owner__code", flat=True)) == ["MSHMS"]
    assert list(ActionPoint.objects.overdue(today + datetime.timedelta(days=30)).order_by("owner__code")) == list(
        ActionPoint.objects.order_by("owner__code")
    )


def test_decisions_are_numbered_in_order(meeting, secretariat):
    second = services.add_decision(meeting, by=secretariat, text_sq="Hold a technical session.")
    assert second.number == 2
    with pytest.raises(ValidationError):
        services.add_decision(meeting, by=secretariat, text_sq="Duplicate", number=1)


def test_an_action_point_follows_a_decision_of_its_own_meeting(meeting, strategy, secretariat, overdue_point, today):
    other = services.create_meeting(strategy, by=secretariat, body="technical_committee", held_on=today, title="TC")
    with pytest.raises(ValidationError):
        services.add_action_point(
            other, by=secretariat, text_sq="X", owner=overdue_point.owner, due_on=today, decision=overdue_point.decision
        )


def test_minutes_are_pdf_or_docx_checked_from_the_content(strategy, secretariat, today):
    meeting = services.create_meeting(
        strategy, by=secretariat, body="iiwg", held_on=today, title="Minutes test", minutes=docx_file()
    )
    assert meeting.minutes_type.endswith("wordprocessingml.document")
    for upload in (
        SimpleUploadedFile("minutes.pdf", b"MZ not a pdf"),
        SimpleUploadedFile("minutes.txt", b"%PDF-1.4 but named .txt"),
        docx_file("minutes.pdf"),
    ):
        with pytest.raises(ValidationError) as error:
            services.update_meeting(meeting, by=secretariat, version=None, minutes=upload)
        assert "minutes" in error.value.message_dict
    assert Meeting.objects.get(pk=meeting.pk).minutes_name == "minutes.docx"


def test_minutes_larger_than_the_limit_are_refused(strategy, secretariat, today, settings):
    settings.EVIDENCE_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        services.create_meeting(strategy, by=secretariat, body="iiwg", held_on=today, title="Big", minutes=pdf_file())
    assert not Meeting.objects.filter(title="Big").exists()


def test_every_write_is_recorded_with_its_author(meeting, secretariat):
    assert meeting.history.first().history_user == secretariat
    participant = meeting.participants.first()
    assert participant.history.first().history_user == secretariat
