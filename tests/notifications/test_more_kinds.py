"""The notices of the other apps: an action point given to an institution, an action point overdue (the daily pass of
`nsm send-notifications --digest`), an invitation to a consultation round, the answer to a public comment (an e-mail
only: its commenter has no account) and the reminders of reports due (in the inbox too, never e-mailed twice).

Each tells the people concerned once, in their own institution and country, never the actor, as each chose."""

import datetime

import pytest
from django.contrib import admin
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from nsm.accounts.models import Institution, Membership
from nsm.consultation import rounds
from nsm.consultation.models import ConsultationComment
from nsm.monitoring import reminders
from nsm.notifications import services as notifications
from nsm.notifications.models import AnswerEmail, Delivery, Notification
from nsm.workinggroup import services as workinggroup
from nsm.workinggroup.models import ActionPoint, Meeting
from tests.consultation.round_fixtures import PUBLIC, days
from tests.factories import MembershipFactory, UserFactory
from tests.notifications.conftest import told
from tests.notifications.test_email import FailingConnection, mails_to

TODAY = timezone.localdate


def keys(user, kind) -> list[str]:
    return [key for key in told(user) if key.startswith(f"{kind}:")]


@pytest.fixture
def meeting(strategy, secretariat):
    return workinggroup.create_meeting(
        strategy, by=secretariat, body="iiwg", held_on=datetime.date(2025, 3, 12), title="Second IIWG meeting"
    )


@pytest.fixture
def mshms(focal_point):
    return Institution.objects.get(code="MSHMS", country="AL")


@pytest.fixture
def akpa(other_focal_point):
    return Institution.objects.get(code="AKPA", country="AL")


@pytest.fixture
def kosovar_mshms(db):
    """An institution of the same code in Kosovo, with its focal point."""
    membership = MembershipFactory(
        user__username="focal-xk", institution__code="MSHMS", institution__country="XK", role="focal_point"
    )
    return membership.user


def assigned(meeting, secretariat, owner, steps, *, due_on=None, text="Send the costs."):
    with steps():
        return workinggroup.add_action_point(
            meeting, by=secretariat, text_sq=text, owner=owner, due_on=due_on or TODAY() + datetime.timedelta(days=20)
        )


# --- An action point given to an institution ---


def test_an_action_point_tells_its_owners_focal_points_once_and_no_one_else(
    meeting, secretariat, coordinator, mshms, focal_point, colleague, other_focal_point, inactive_focal_point,
    kosovar_mshms, steps, client_for,
):  # fmt: skip
    point = assigned(meeting, secretariat, mshms, steps)

    key = f"action_assigned:{point.pk}:1"
    assert told(focal_point) == told(colleague) == [key]
    assert told(other_focal_point) == told(secretariat) == told(coordinator) == []
    assert told(inactive_focal_point) == told(kosovar_mshms) == []
    notice = Notification.objects.get(recipient=focal_point)
    assert "MSHMS" in notice.text_en and "Second IIWG meeting" in notice.text_en and notice.text_sq
    assert notice.detail == "Send the costs."
    assert notice.url == reverse("workinggroup:action-point", kwargs={"pk": point.pk})
    assert client_for(focal_point).get(notice.url).status_code == 200
    assert len(mails_to(focal_point)) == 1

    notifications.notify_action_point_assigned(action_point_id=point.pk, version=1, by_id=secretariat.pk)
    call_command("send-notifications")
    assert told(focal_point) == [key] and len(mails_to(focal_point)) == 1


def test_an_action_point_given_to_another_institution_tells_the_new_owner_only(
    meeting, secretariat, mshms, akpa, focal_point, other_focal_point, steps
):
    point = assigned(meeting, secretariat, mshms, steps)
    with steps():
        point = workinggroup.edit_action_point(
            point, by=secretariat, version=point.version, text_sq="Send the costs.", owner=mshms, due_on=point.due_on
        )  # the words changed, not the owner: nobody is told again
    with steps():
        point = workinggroup.edit_action_point(
            point, by=secretariat, version=point.version, text_sq="Send the costs.", owner=akpa, due_on=point.due_on
        )

    assert told(focal_point) == [f"action_assigned:{point.pk}:1"]
    assert told(other_focal_point) == [f"action_assigned:{point.pk}:{point.version}"]


def test_an_action_point_of_another_countrys_institution_tells_nobody(meeting, secretariat, kosovar_mshms, steps):
    point = assigned(meeting, secretariat, Institution.objects.get(code="MSHMS", country="XK"), steps)

    assert told(kosovar_mshms) == []  # the page of the point is shut to them (`visible_to`)
    assert not Notification.objects.filter(key__contains=f":{point.pk}:").exists()


def test_the_actor_is_not_told_of_the_action_point_they_gave(meeting, secretariat, mshms, focal_point, steps):
    MembershipFactory(user=secretariat, institution=mshms, role="focal_point")
    assigned(meeting, secretariat, mshms, steps)

    assert told(secretariat) == [] and len(told(focal_point)) == 1


def test_the_choice_for_action_points_holds(meeting, secretariat, mshms, focal_point, colleague, steps):
    notifications.save_preferences(focal_point, choices={"action_assigned": Delivery.APP})
    assigned(meeting, secretariat, mshms, steps)
    call_command("send-notifications")
    call_command("send-notifications", "--digest")

    assert mails_to(focal_point) == [] and len(mails_to(colleague)) == 1
    assert Notification.objects.get(recipient=focal_point).delivery == Delivery.APP


# --- An action point overdue ---


def overdue_points(meeting, secretariat, mshms, akpa, steps) -> tuple[ActionPoint, ActionPoint]:
    """An overdue point of MSHMS, one of AKPA done after its due date, one of AKPA not due yet."""
    late = assigned(meeting, secretariat, mshms, steps, due_on=TODAY() - datetime.timedelta(days=3))
    done = assigned(meeting, secretariat, akpa, steps, due_on=TODAY() - datetime.timedelta(days=3))
    workinggroup.report_action_point(done, by=secretariat, version=done.version, status="done", note="")
    assigned(meeting, secretariat, akpa, steps)
    return late, done


def test_an_overdue_action_point_tells_its_owners_focal_points_once_a_day_run_after_the_other(
    meeting, secretariat, mshms, akpa, focal_point, colleague, other_focal_point, kosovar_mshms, steps
):
    late, _done = overdue_points(meeting, secretariat, mshms, akpa, steps)
    mail.outbox.clear()
    with steps():
        call_command("send-notifications", "--digest")
        call_command("send-notifications", "--digest")
    call_command("send-notifications")

    key = f"action_overdue:{late.pk}:{late.due_on.isoformat()}"
    assert keys(focal_point, "action_overdue") == keys(colleague, "action_overdue") == [key]
    assert keys(other_focal_point, "action_overdue") == []  # done, or not due yet
    assert told(secretariat) == told(kosovar_mshms) == []
    assert len(mails_to(focal_point)) == 1 and "overdue" in mails_to(focal_point)[0].subject

    with steps():  # a new due date, passed too: told again, once
        late = workinggroup.edit_action_point(
            late, by=secretariat, version=late.version, text_sq=late.text, owner=mshms,
            due_on=TODAY() - datetime.timedelta(days=1),
        )  # fmt: skip
    with steps():
        call_command("send-notifications", "--digest")
        call_command("send-notifications", "--digest")
    assert keys(focal_point, "action_overdue") == [key, f"action_overdue:{late.pk}:{late.due_on.isoformat()}"]


def test_an_overdue_action_point_of_another_countrys_institution_tells_nobody(
    meeting, secretariat, kosovar_mshms, steps
):
    assigned(meeting, secretariat, Institution.objects.get(code="MSHMS", country="XK"), steps, due_on=days(-2))
    notifications.notify_overdue_action_points()

    assert told(kosovar_mshms) == []


def test_the_digest_choice_for_overdue_action_points_holds(meeting, secretariat, mshms, focal_point, steps):
    notifications.save_preferences(focal_point, choices={"action_overdue": Delivery.DIGEST})
    assigned(meeting, secretariat, mshms, steps, due_on=days(-2))
    mail.outbox.clear()
    with steps():
        call_command("send-notifications", "--digest")

    [digest] = mails_to(focal_point)
    assert "1 notification" in digest.subject and "overdue" in digest.body


def test_the_overdue_pass_takes_as_many_queries_for_many_action_points_as_for_two(
    strategy, secretariat, settings, steps
):
    from tests.notifications.conftest import DATABASE_TASKS

    settings.TASKS = DATABASE_TASKS
    counts = []
    for number in (2, 8):
        meeting = Meeting.objects.create(strategy=strategy, held_on=TODAY(), title=f"Meeting {number}")
        for n in range(number):
            owner = MembershipFactory(
                user__username=f"fp-{number}-{n}", institution__code=f"I{number}-{n}", role="focal_point"
            ).institution
            ActionPoint.objects.create(meeting=meeting, text_sq="Do it.", owner=owner, due_on=days(-1))
        with CaptureQueriesContext(connection) as queries:
            notices = notifications.notify_overdue_action_points()
        assert len(notices) == number
        counts.append(len(queries))

    assert counts[0] == counts[1] <= 7


# --- An invitation to a consultation round ---


def test_a_round_tells_the_users_of_the_invited_institutions_once(
    version, secretariat, ngo, stakeholder, other_stakeholder, focal_point, steps, client_for
):
    gone = UserFactory(username="gone-ngo", is_active=False)
    MembershipFactory(user=gone, institution=ngo, role=Membership.Role.STAKEHOLDER)
    with steps():
        round_ = rounds.create_round(
            version, by=secretariat, title="Invited only", opens_on=days(2), closes_on=days(40), invited=[ngo]
        )

    assert told(stakeholder) == [f"round_invited:{round_.pk}"]
    assert told(other_stakeholder) == told(focal_point) == told(secretariat) == told(gone) == []
    notice = Notification.objects.get(recipient=stakeholder)
    assert "NGO-A" in notice.text_en and "Invited only" in notice.text_en and notice.text_sq
    assert client_for(stakeholder).get(notice.url).status_code == 200
    assert len(mails_to(stakeholder)) == 1

    diaspora = Institution.objects.get(code="DIASP")
    with steps():
        rounds.invite(round_, [diaspora], by=secretariat)
    call_command("send-notifications")

    assert told(other_stakeholder) == [f"round_invited:{round_.pk}"]
    assert told(stakeholder) == [f"round_invited:{round_.pk}"] and len(mails_to(stakeholder)) == 1


def test_a_round_changed_without_new_institutions_tells_nobody_again(version, secretariat, ngo, stakeholder, steps):
    with steps():
        round_ = rounds.create_round(
            version, by=secretariat, title="Round", opens_on=days(2), closes_on=days(40), invited=[ngo]
        )
    with steps():
        rounds.update_round(round_, by=secretariat, title="Round, renamed", invited=[ngo])

    assert Notification.objects.filter(recipient=stakeholder).count() == 1


def test_the_actor_is_not_told_of_the_round_they_invited_their_own_institution_to(
    version, secretariat, coordinator, steps
):
    with steps():
        rounds.create_round(
            version, by=secretariat, title="Round", opens_on=days(2), closes_on=days(40),
            invited=[Institution.objects.get(code="MPB", country="AL")],
        )  # fmt: skip

    assert told(secretariat) == [] and len(told(coordinator)) == 1


def test_the_choice_for_invitations_holds(version, secretariat, ngo, stakeholder, steps):
    notifications.save_preferences(stakeholder, choices={"round_invited": Delivery.APP})
    with steps():
        rounds.create_round(version, by=secretariat, title="R", opens_on=days(2), closes_on=days(40), invited=[ngo])
    call_command("send-notifications")

    assert mails_to(stakeholder) == [] and len(told(stakeholder)) == 1


# --- The answer to a public comment ---


def public_comment(round_):
    return rounds.post_public_comment(round_, address="10.0.0.1", **PUBLIC)


def test_the_answer_to_a_public_comment_is_emailed_to_its_commenter_once(open_round, secretariat, steps):
    comment = public_comment(open_round)
    with steps():
        rounds.answer_comment(comment, by=secretariat, answer="partly", reason="Only for returnees.")
    call_command("send-notifications")
    call_command("send-notifications")

    [message] = mail.outbox
    assert message.to == ["arta@example.org"]
    assert "Public consultation on v1" in message.subject
    assert "Partly accepted" in message.body and "Only for returnees." in message.body
    assert "Add the returnees' counters." in message.body
    assert not Notification.objects.exists()  # no account, no inbox

    with steps():  # the same answer saved again: nothing more
        rounds.answer_comment(comment, by=secretariat, answer="partly", reason="Only for returnees.")
    assert len(mail.outbox) == 1
    with steps():  # a changed answer: told once more
        rounds.answer_comment(comment, by=secretariat, answer="accepted")
    call_command("send-notifications")
    assert len(mail.outbox) == 2 and "Accepted" in mail.outbox[1].body


def test_an_answer_announced_twice_is_emailed_once(open_round, secretariat, steps):
    comment = public_comment(open_round)
    with steps():
        comment = rounds.answer_comment(comment, by=secretariat, answer="accepted")
    notifications.email_public_answer(comment_id=comment.pk, answered_at=comment.answered_at, by_id=secretariat.pk)

    assert AnswerEmail.objects.count() == 1 and len(mail.outbox) == 1


def test_a_failed_answer_email_is_sent_by_the_next_run_once(open_round, secretariat, steps, settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_email.FailingBackend"
    comment = public_comment(open_round)
    with steps():
        rounds.answer_comment(comment, by=secretariat, answer="accepted")
    run = notifications.send_due(connection=FailingConnection())
    assert run.answers == [] and "arta@example.org" not in str(run.failed)
    assert AnswerEmail.objects.get().emailed_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send-notifications")
    call_command("send-notifications")
    assert len(mail.outbox) == 1 and AnswerEmail.objects.get().emailed_at is not None


def test_the_answer_to_a_signed_in_users_comment_is_a_notice_to_its_author_once_per_answer(
    open_round, secretariat, stakeholder, steps
):
    comment = rounds.post_comment(open_round, by=stakeholder, text="More on returnees.")
    with steps():
        rounds.answer_comment(comment, by=secretariat, answer="partly", reason="Only for returnees.")
    with steps():  # the same answer saved again: nothing more
        rounds.answer_comment(comment, by=secretariat, answer="partly", reason="Only for returnees.")
    call_command("send-notifications")

    notice = Notification.objects.get(recipient=stakeholder)
    assert notice.kind == "comment_answered" and notice.detail == "Only for returnees."
    assert "Partly accepted" in notice.text_en and notice.url.endswith(f"#comment-{comment.pk}")
    with translation.override("sq"):  # each text names the answer in its own language
        assert str(ConsultationComment.Answer.PARTLY.label) in notice.text_sq
        assert "Partly accepted" not in notice.text_sq
    assert not AnswerEmail.objects.exists()  # not e-mailed as a public comment's answer, but as the author's notice
    [message] = mail.outbox
    assert message.to == [stakeholder.email] and "Only for returnees." in message.body
    with steps():  # a changed answer: told once more
        rounds.answer_comment(comment, by=secretariat, answer="accepted")
    assert len(told(stakeholder)) == 2


def test_the_commenters_address_shows_on_no_page_of_the_notifications(
    open_round, secretariat, steps, client_for, admin_client
):
    comment = public_comment(open_round)
    with steps():
        rounds.answer_comment(comment, by=secretariat, answer="accepted")

    assert AnswerEmail not in admin.site._registry
    assert "email" not in {field.name for field in AnswerEmail._meta.get_fields()}  # read from the comment
    client = client_for(secretariat)
    for url in (reverse("notifications:inbox"), reverse("notifications:settings")):
        assert "arta@example.org" not in client.get(url).content.decode()
    assert "arta@example.org" not in admin_client.get("/admin/notifications/notification/").content.decode()


# --- The reminders of reports due ---


@pytest.fixture
def reminder_settings(settings):
    settings.REMINDER_DAYS_BEFORE = 7


def test_a_reminder_shows_in_the_focal_points_inbox_too_without_a_second_email(
    cycle, report, other_report, focal_point, colleague, other_focal_point, secretariat, reminder_settings, steps
):
    mail.outbox.clear()
    due_soon = cycle.due_on - datetime.timedelta(days=7)
    with steps():
        reminders.send_reminders(today=due_soon)
        reminders.send_reminders(today=due_soon)
    sent = len(mail.outbox)
    call_command("send-notifications")
    call_command("send-notifications", "--digest")

    key = f"report_due_soon:{report.pk}"
    assert keys(focal_point, "report_due_soon") == keys(colleague, "report_due_soon") == [key]
    assert keys(other_focal_point, "report_due_soon") == [f"report_due_soon:{other_report.pk}"]
    assert told(secretariat) == []
    notice = Notification.objects.get(recipient=focal_point, kind="report_due_soon")
    assert notice.delivery == Delivery.APP and "MSHMS" in notice.text_en
    assert len(mail.outbox) == sent == 2  # the reminders' own mails, one per report, and nothing more

    with steps():
        reminders.send_reminders(today=cycle.due_on + datetime.timedelta(days=1))
    assert keys(focal_point, "report_overdue") == [f"report_overdue:{report.pk}"]


def test_the_secretariats_reminder_shows_once_a_day_and_not_to_itself(
    cycle, report, focal_point, secretariat, reminder_settings, steps
):
    MembershipFactory(user=secretariat, institution=report.institution, role="focal_point")
    late = cycle.due_on + datetime.timedelta(days=3)
    with steps():
        reminders.remind_overdue(cycle, by=secretariat, today=late)
        reminders.remind_overdue(cycle, by=secretariat, today=late)

    assert keys(focal_point, "report_overdue") == [f"report_overdue:{report.pk}:{late.isoformat()}"]
    assert told(secretariat) == []


def test_a_dry_run_of_the_reminders_tells_nobody(cycle, focal_point, reminder_settings, steps):
    with steps():
        reminders.send_reminders(today=cycle.due_on, dry_run=True)

    assert told(focal_point) == []


def test_a_reminder_of_a_report_asked_of_another_countrys_institution_is_not_in_its_inbox(
    cycle, report, focal_point, kosovar_mshms, reminder_settings, steps
):
    """The report's page is shut to another country's focal points (`ProgressReport.editable_by`): no notice of it."""
    from nsm.monitoring.models import ProgressReport

    ProgressReport.objects.filter(pk=report.pk).update(institution=Institution.objects.get(code="MSHMS", country="XK"))
    with steps():
        reminders.send_reminders(today=cycle.due_on)

    assert keys(kosovar_mshms, "report_due_soon") == [] and keys(focal_point, "report_due_soon") == []
