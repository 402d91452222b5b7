"""Notices are e-mailed through the worker, once each: a failed send is tried again by `nsm send-notifications`, a
sent one never again; the digest gathers a user's notices into one mail; each user's choice per kind holds."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from nsm.monitoring import services
from nsm.notifications import services as notifications
from nsm.notifications import tasks
from nsm.notifications.models import Delivery, Kind, Notification
from tests.notifications.conftest import DATABASE_TASKS, submitted


class FailingConnection:
    """A mail connection whose server is down."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("Connection refused")


def mails_to(user) -> list:
    return [message for message in mail.outbox if user.email in message.to]


def test_a_notice_is_emailed_once_by_the_task_and_never_again_by_the_command_or_the_task(
    report, focal_point, secretariat, steps
):
    submitted(report, focal_point, steps)
    notice = Notification.objects.get(recipient=secretariat)

    assert len(mails_to(secretariat)) == 1
    assert "MSHMS submitted its report" in mails_to(secretariat)[0].subject
    assert f"/notifications/{notice.pk}/" in mails_to(secretariat)[0].body
    call_command("send-notifications")
    call_command("send-notifications")
    tasks.send_emails.call([notice.pk])
    assert len(mails_to(secretariat)) == 1
    notice.refresh_from_db()
    assert notice.emailed_at is not None


def test_the_notices_of_a_step_are_queued_for_the_worker_in_one_task(
    report, focal_point, colleague, secretariat, steps, settings
):
    settings.TASKS = DATABASE_TASKS
    with steps():
        services.add_comment(report, by=secretariat, text="Sources?")

    queued = DBTaskResult.objects.get(task_path="nsm.notifications.tasks.send_emails")
    assert sorted(queued.args_kwargs["args"][0]) == sorted(Notification.objects.values_list("pk", flat=True))
    assert mail.outbox == []  # nothing sent until the worker runs
    call_command("send-notifications")  # the command finds them first
    assert len(mail.outbox) == 2
    tasks.send_emails.call(queued.args_kwargs["args"][0])  # the task runs afterwards: nothing more
    assert len(mail.outbox) == 2


def test_a_failed_send_leaves_the_notice_unsent_and_the_next_run_sends_it(
    report, focal_point, secretariat, steps, settings
):
    settings.TASKS = DATABASE_TASKS
    submitted(report, focal_point, steps)

    run = notifications.send_due(connection=FailingConnection())
    assert run.sent == [] and "Connection refused" in run.failed[0][1]
    assert Notification.objects.get(recipient=secretariat).emailed_at is None

    call_command("send-notifications")
    call_command("send-notifications")
    assert len(mails_to(secretariat)) == 1
    assert Notification.objects.get(recipient=secretariat).emailed_at is not None


def test_the_command_fails_loudly_when_a_send_fails(report, focal_point, secretariat, steps, settings):
    settings.TASKS = DATABASE_TASKS
    settings.EMAIL_BACKEND = "tests.notifications.test_email.FailingBackend"
    submitted(report, focal_point, steps)

    with pytest.raises(CommandError, match="tried again"):
        call_command("send-notifications")
    assert Notification.objects.get(recipient=secretariat).emailed_at is None


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("Connection refused")


def test_a_failing_task_leaves_the_notice_for_the_command(report, focal_point, secretariat, steps, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_email.FailingBackend"
    submitted(report, focal_point, steps)  # the task ran, and failed
    assert Notification.objects.get(recipient=secretariat).emailed_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send-notifications")
    assert len(mails_to(secretariat)) == 1


def test_the_digest_gathers_a_users_notices_into_one_mail_once(report, focal_point, secretariat, client_for, steps):
    choices = {kind: Delivery.EMAIL for kind in Kind.values} | {"comment": "digest", "report_returned": "digest"}
    client_for(focal_point).post(reverse("notifications:settings"), choices)
    report = submitted(report, focal_point, steps)
    with steps():
        services.add_comment(report, by=secretariat, text="First remark.")
        services.add_comment(report, by=secretariat, text="Second remark.")
    with steps():
        services.return_report(report, by=secretariat, reason="Fix the totals.", version=report.version)

    assert mails_to(focal_point) == []
    call_command("send-notifications")
    assert mails_to(focal_point) == []
    call_command("send-notifications", "--digest")
    call_command("send-notifications", "--digest")

    [digest] = mails_to(focal_point)
    assert "3 notifications" in digest.subject
    assert "First remark." in digest.body and "Second remark." in digest.body and "Fix the totals." in digest.body
    assert not Notification.objects.filter(recipient=focal_point, emailed_at=None).exists()


def test_the_digest_leaves_out_what_the_user_has_already_read_in_the_platform(report, focal_point, secretariat, steps):
    notifications.save_preferences(focal_point, choices={"comment": Delivery.DIGEST})
    with steps():
        services.add_comment(report, by=secretariat, text="Read in the inbox.")
        services.add_comment(report, by=secretariat, text="Still new.")
    notifications.open_notification(Notification.objects.get(recipient=focal_point, detail="Read in the inbox."))
    call_command("send-notifications", "--digest")

    [digest] = mails_to(focal_point)
    assert "Still new." in digest.body and "Read in the inbox." not in digest.body
    mail.outbox.clear()
    notifications.mark_all_read(focal_point)
    call_command("send-notifications", "--digest")
    assert mails_to(focal_point) == []
    notifications.save_preferences(focal_point, choices={"comment": Delivery.EMAIL})  # read: never mailed after it
    call_command("send-notifications")
    assert mails_to(focal_point) == []


def test_a_kind_chosen_for_the_platform_only_is_never_emailed(report, focal_point, secretariat, steps):
    notifications.save_preferences(focal_point, choices={"comment": Delivery.APP})
    with steps():
        services.add_comment(report, by=secretariat, text="Only in the inbox.")
    call_command("send-notifications")
    call_command("send-notifications", "--digest")

    assert mails_to(focal_point) == []
    assert Notification.objects.get(recipient=focal_point).delivery == Delivery.APP


def test_a_user_without_an_email_address_gets_the_notice_in_the_platform(report, focal_point, secretariat, steps):
    focal_point.email = ""
    focal_point.save()
    with steps():
        services.add_comment(report, by=secretariat, text="Noted.")

    assert Notification.objects.get(recipient=focal_point).delivery == Delivery.APP
    assert mail.outbox == []


def test_a_changed_choice_applies_to_the_notices_not_sent_yet(report, focal_point, secretariat, steps, settings):
    settings.TASKS = DATABASE_TASKS
    with steps():
        services.add_comment(report, by=secretariat, text="Pending.")
    notifications.save_preferences(focal_point, choices={"comment": Delivery.DIGEST})
    call_command("send-notifications")
    assert mails_to(focal_point) == []
    call_command("send-notifications", "--digest")
    assert len(mails_to(focal_point)) == 1
