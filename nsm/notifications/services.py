"""Making the notices of workflow steps, and e-mailing them.

`notify_workflow_step` receives `nsm.monitoring.services.workflow_step` once a step has committed and makes, in a
fixed number of queries whatever the number of people, one `Notification` per person concerned (never the person who
acted): a cycle opened to the focal points of each institution that got a report; a report submitted to the
secretariat of the strategy's country; returned, approved, reopened or commented to the report's institution's focal
points. The words are written then in both languages, so the inbox shows them in the reader's.

The other apps' steps come the same way, each through a signal sent on commit by the lower app's service: an action
point given to an institution (`nsm.workinggroup.services.action_point_assigned`) to the owner's focal points; an
invitation to a consultation round (`nsm.consultation.rounds.round_invitation`) to the active users of the institutions
newly invited; the reminders of reports due (`nsm.monitoring.reminders.reminders_sent`) to the report's focal points,
in the platform only, since the reminder was the e-mail. The action points overdue are looked for by the daily pass of
`nsm send-notifications --digest` (`notify_overdue_action_points`), once per point and due date. The answer to a
comment (`nsm.consultation.rounds.comment_answered`) is a notice to its signed-in author; to a public comment, it goes
to someone without an account, so it is no notification: an `AnswerEmail` row, unique by key, is its never-twice
guard, and the mail goes to the comment's own address, copied nowhere.

The notices to e-mail at once are queued for the worker (`tasks.send_emails`), which sends each in its own
transaction: the row is locked, the mail sent, `emailed_at` set, then committed. A send that fails leaves the notice
unsent; `nsm send-notifications` (run every few minutes) sends every notice still unsent, and with `--digest` (daily)
the day's digest. A crash between the send and the commit sends that one notice again at most; a committed one is
never sent again. Mails are written in the site's language (`settings.LANGUAGE_CODE`), as the reminders are.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from nsm.accounts import access
from nsm.accounts.models import Membership, User
from nsm.consultation.models import ConsultationComment, ConsultationRound
from nsm.i18n import CONTENT_LANGUAGES, localized
from nsm.monitoring.models import ProgressReport, Reminder, ReviewComment
from nsm.notifications.models import (
    CHOSEN_KINDS,
    AnswerEmail,
    Delivery,
    Kind,
    Notification,
    NotificationPreference,
)
from nsm.workinggroup.models import ActionPoint

logger = logging.getLogger(__name__)

KIND_OF_STEP = {
    "cycle_opened": Kind.CYCLE_OPENED,
    "submitted": Kind.REPORT_SUBMITTED,
    "returned": Kind.REPORT_RETURNED,
    "approved": Kind.REPORT_APPROVED,
    "reopened": Kind.REPORT_REOPENED,
    "comment": Kind.COMMENT,
}

MESSAGES: dict[str, Promise] = {
    Kind.CYCLE_OPENED: _(
        "The reporting cycle %(cycle)s of %(strategy)s is open: the report of %(institution)s is due on %(due)s."
    ),
    Kind.REPORT_SUBMITTED: _("%(institution)s submitted its report for %(cycle)s of %(strategy)s."),
    "submitted_late": _("%(institution)s submitted its report for %(cycle)s of %(strategy)s, after the due date."),
    Kind.REPORT_RETURNED: _("The report of %(institution)s for %(cycle)s of %(strategy)s was returned for changes."),
    Kind.REPORT_APPROVED: _("The report of %(institution)s for %(cycle)s of %(strategy)s was approved."),
    Kind.REPORT_REOPENED: _("The report of %(institution)s for %(cycle)s of %(strategy)s was reopened for changes."),
    Kind.COMMENT: _("%(author)s commented on the report of %(institution)s for %(cycle)s of %(strategy)s."),
    "comment_on_line": _(
        "%(author)s commented on line %(line)s of the report of %(institution)s for %(cycle)s of %(strategy)s."
    ),
    Kind.REPORT_DUE_SOON: _("The report of %(institution)s for %(cycle)s of %(strategy)s is due on %(due)s."),
    Kind.REPORT_OVERDUE: _(
        "The report of %(institution)s for %(cycle)s of %(strategy)s is overdue: it was due on %(due)s."
    ),
    Kind.ACTION_ASSIGNED: _(
        "An action point of the meeting “%(meeting)s” of %(strategy)s was given to %(institution)s, due on %(due)s."
    ),
    Kind.ACTION_OVERDUE: _(
        "The action point of %(institution)s from the meeting “%(meeting)s” of %(strategy)s is overdue: it was due "
        "on %(due)s."
    ),
    Kind.ROUND_INVITED: _(
        "%(institution)s is invited to the consultation round “%(round)s” on %(strategy)s, open from %(opens)s to "
        "%(closes)s."
    ),
    Kind.COMMENT_ANSWERED: _("Your comment in the consultation round “%(round)s” on %(strategy)s: %(answer)s."),
}


@dataclass(frozen=True)
class Notice:
    """One step told to some people: the same words and link for each of them."""

    kind: str
    key: str
    url: str
    texts: Mapping[str, str]
    detail: str = ""
    recipients: tuple[User, ...] = field(default_factory=tuple)


def _in_each_language(message: Promise, params: Mapping[str, Any]) -> dict[str, str]:
    """The message in each content language; dates in the params are written as that language writes them."""
    texts = {}
    for language in CONTENT_LANGUAGES:
        with translation.override(language):
            values = {name: date_format(v) if hasattr(v, "isoformat") else v for name, v in params.items()}
            texts[language] = str(message) % values
    return texts


def _report_params(report: ProgressReport) -> dict[str, Any]:
    cycle = report.cycle
    return {"institution": report.institution.code, "cycle": cycle.label, "strategy": cycle.strategy.code}


def _report_url(report: ProgressReport) -> str:
    return reverse("monitoring:report", kwargs={"pk": report.pk})


def _own_country(report: ProgressReport) -> set[int]:
    """The report's institution, whose focal points are told of it, when it is of the strategy's country: the door to
    a report asked of another country's institution stays shut to its focal points (`ProgressReport.editable_by`)."""
    return {report.institution_id} if report.institution.country == report.cycle.strategy.country else set()


def _people(memberships: Iterable[Membership]) -> dict[int, list[User]]:
    """The users of the memberships by institution."""
    found: dict[int, list[User]] = defaultdict(list)
    for membership in memberships:
        found[membership.institution_id].append(membership.user)
    return found


def _everyone(memberships: Iterable[Membership]) -> tuple[User, ...]:
    return tuple({m.user_id: m.user for m in memberships}.values())


def cycle_opened_notices(cycle_id: int) -> list[Notice]:
    """To the focal points of each institution that got a report in the cycle: its report, and when it is due."""
    reports = list(ProgressReport.objects.filter(cycle_id=cycle_id).select_related("cycle__strategy", "institution"))
    people = _people(access.focal_points_of({pk for report in reports for pk in _own_country(report)}))
    return [
        Notice(
            Kind.CYCLE_OPENED,
            f"{Kind.CYCLE_OPENED}:{report.pk}",
            _report_url(report),
            _in_each_language(MESSAGES[Kind.CYCLE_OPENED], {**_report_params(report), "due": report.cycle.due_on}),
            recipients=tuple(people[report.institution_id]),
        )
        for report in reports
    ]


def report_step_notices(step: str, report_id: int, version: int) -> list[Notice]:
    """A report submitted (to the secretariat of its country), returned, approved or reopened (to its institution's
    focal points, with the reason)."""
    report = ProgressReport.objects.select_related("cycle__strategy", "institution").filter(pk=report_id).first()
    if report is None:
        return []
    kind = KIND_OF_STEP[step]
    if kind == Kind.REPORT_SUBMITTED:
        recipients = _everyone(access.reviewers_of(report.cycle.strategy.country))
        message = MESSAGES["submitted_late" if report.submitted_late else kind]
    else:
        recipients = _everyone(access.focal_points_of(_own_country(report)))
        message = MESSAGES[kind]
    reason = report.return_reason if kind in (Kind.REPORT_RETURNED, Kind.REPORT_REOPENED) else ""
    texts = _in_each_language(message, _report_params(report))
    return [Notice(kind, f"{kind}:{report.pk}:{version}", _report_url(report), texts, reason, recipients)]


def comment_notices(comment_id: int) -> list[Notice]:
    """A comment on a report or on one of its lines, to the report's institution's focal points, with the text."""
    comment = (
        ReviewComment.objects.select_related(
            "report__cycle__strategy", "report__institution", "activity", "indicator", "author"
        )
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        return []
    report = comment.report
    line = comment.activity or comment.indicator
    author = _name(comment.author) if comment.author else "-"
    params = {**_report_params(report), "author": author, "line": line.code if line else ""}
    texts = _in_each_language(MESSAGES["comment_on_line" if line else Kind.COMMENT], params)
    recipients = _everyone(access.focal_points_of(_own_country(report)))
    return [Notice(Kind.COMMENT, f"{Kind.COMMENT}:{comment.pk}", _report_url(report), texts, comment.text, recipients)]


def reminder_notices(reminders: Iterable[tuple[int, str]], on: Any) -> list[Notice]:
    """The reminders a run e-mailed (report id, `Reminder.Kind`), in the inbox of the report's institution's focal
    points: due soon once per report, overdue once per report, and the secretariat's reminder once a day."""
    kinds = dict(reminders)
    reports = list(
        ProgressReport.objects.filter(pk__in=kinds).select_related("cycle__strategy", "institution").order_by("pk")
    )
    people = _people(access.focal_points_of({pk for report in reports for pk in _own_country(report)}))
    notices = []
    for report in reports:
        reminder = kinds[report.pk]
        kind = Kind.REPORT_DUE_SOON if reminder == Reminder.Kind.BEFORE_DUE else Kind.REPORT_OVERDUE
        key = f"{kind}:{report.pk}" + (f":{on.isoformat()}" if reminder == Reminder.Kind.BY_SECRETARIAT else "")
        params = {**_report_params(report), "due": report.cycle.due_on}
        notices.append(
            Notice(
                kind,
                key,
                _report_url(report),
                _in_each_language(MESSAGES[kind], params),
                recipients=tuple(people[report.institution_id]),
            )
        )
    return notices


def _action_points() -> Any:
    return ActionPoint.objects.select_related("meeting__strategy", "owner")


def _told_of_point(point: ActionPoint) -> set[int]:
    """The owner institution, whose focal points report the point's status, when it is of the strategy's country:
    the page of the point opens to them only then (`ActionPoint.objects.visible_to` and `updatable_by`)."""
    return {point.owner_id} if point.owner.country == point.meeting.strategy.country else set()


def _action_point_notice(kind: str, key: str, point: ActionPoint, people: Mapping[int, list[User]]) -> Notice:
    params = {
        "meeting": point.meeting.title,
        "strategy": point.meeting.strategy.code,
        "institution": point.owner.code,
        "due": point.due_on,
    }
    return Notice(
        kind,
        key,
        reverse("workinggroup:action-point", kwargs={"pk": point.pk}),
        _in_each_language(MESSAGES[kind], params),
        point.text,
        tuple(people.get(point.owner_id, ())),
    )


def action_assigned_notices(action_point_id: int, version: int) -> list[Notice]:
    """An action point given to an institution (added, or its owner changed), to the owner's focal points, with
    what it asks."""
    point = _action_points().filter(pk=action_point_id).first()
    if point is None:
        return []
    people = _people(access.focal_points_of(_told_of_point(point)))
    key = f"{Kind.ACTION_ASSIGNED}:{point.pk}:{version}"
    return [_action_point_notice(Kind.ACTION_ASSIGNED, key, point, people)]


def action_overdue_notices(today: Any = None) -> list[Notice]:
    """Every action point overdue `today` (neither done nor dropped, its due date passed) whose owner was not told
    yet, to the owner's focal points: once per point and due date (a new due date tells again), in three queries."""
    points = list(_action_points().overdue(today).order_by("pk"))
    keys = {point.pk: f"{Kind.ACTION_OVERDUE}:{point.pk}:{point.due_on.isoformat()}" for point in points}
    told = set(Notification.objects.filter(key__in=keys.values()).values_list("key", flat=True).distinct())
    points = [point for point in points if keys[point.pk] not in told]
    people = _people(access.focal_points_of({pk for point in points for pk in _told_of_point(point)}))
    return [_action_point_notice(Kind.ACTION_OVERDUE, keys[point.pk], point, people) for point in points]


def notify_overdue_action_points(today: Any = None) -> list[Notice]:
    """The daily pass of `nsm send-notifications --digest`: tell of the action points overdue today (those e-mailed at
    once are queued for the worker); returns the notices, one per action point told of."""
    notices = action_overdue_notices(today)
    queue_emails(create_notifications(notices, actor_id=None))
    return notices


def round_invitation_notices(round_id: int, institution_ids: Iterable[int]) -> list[Notice]:
    """Institutions invited to a consultation round, to their active users (any role: they all see the round), once
    per user and round."""
    round_ = ConsultationRound.objects.select_related("version__strategy").filter(pk=round_id).first()
    if round_ is None:
        return []
    country = round_.version.strategy.country
    memberships = [
        membership
        for membership in access.members_of(set(institution_ids)).select_related("institution").order_by("pk")
        if membership.institution.country == country
    ]
    url = reverse("consultation:round", kwargs={"pk": round_.pk})
    notices: list[Notice] = []
    seen: set[int] = set()
    for institution_id, users in _people(memberships).items():
        recipients = tuple(user for user in users if user.pk not in seen)
        seen.update(user.pk for user in recipients)
        institution = next(m.institution for m in memberships if m.institution_id == institution_id)
        params = {
            "institution": institution.code,
            "round": round_.title,
            "strategy": round_.version.strategy.code,
            "opens": round_.opens_on,
            "closes": round_.closes_on,
        }
        texts = _in_each_language(MESSAGES[Kind.ROUND_INVITED], params)
        notices.append(Notice(Kind.ROUND_INVITED, f"{Kind.ROUND_INVITED}:{round_.pk}", url, texts, "", recipients))
    return notices


# --- The receivers of the lower apps' signals ---


def notify_reminders_sent(
    sender: Any = None, *, reminders: list[tuple[int, str]], on: Any, by_id: int | None = None, **kwargs: Any
) -> list[int]:
    """The receiver of `nsm.monitoring.reminders.reminders_sent`: the reminders e-mailed, shown in the inbox too
    (in the platform only: the reminder was the e-mail)."""
    create_notifications(reminder_notices(reminders, on), actor_id=by_id, delivery=Delivery.APP)
    return []


def notify_action_point_assigned(
    sender: Any = None, *, action_point_id: int, version: int, by_id: int | None = None, **kwargs: Any
) -> list[int]:
    """The receiver of `nsm.workinggroup.services.action_point_assigned`."""
    return queue_emails(create_notifications(action_assigned_notices(action_point_id, version), actor_id=by_id))


def notify_round_invitation(
    sender: Any = None, *, round_id: int, institution_ids: list[int], by_id: int | None = None, **kwargs: Any
) -> list[int]:
    """The receiver of `nsm.consultation.rounds.round_invitation`."""
    return queue_emails(create_notifications(round_invitation_notices(round_id, institution_ids), actor_id=by_id))


def tell_comment_answered(
    sender: Any = None, *, comment_id: int, answered_at: Any, by_id: int | None = None, **kwargs: Any
) -> list[int]:
    """The receiver of `nsm.consultation.rounds.comment_answered`: the author of a signed-in comment gets a notice
    (once per answer given, its key naming the moment of the answer); a public comment's answer is e-mailed to the
    address its commenter gave (`email_public_answer`). Returns the ids queued."""
    comment = (
        ConsultationComment.objects.select_related("author", "round__version__strategy")
        .filter(pk=comment_id, author__is_active=True)
        .exclude(answer="")
        .first()
    )
    if comment is None or comment.author is None:
        return email_public_answer(comment_id=comment_id, answered_at=answered_at, by_id=by_id)
    round_ = comment.round
    answer = ConsultationComment.Answer(comment.answer).label  # lazy: each text in its own language
    params = {"round": round_.title, "strategy": round_.version.strategy.code, "answer": answer}
    texts = _in_each_language(MESSAGES[Kind.COMMENT_ANSWERED], params)
    key = f"{Kind.COMMENT_ANSWERED}:{comment.pk}:{answered_at.isoformat()}"
    url = reverse("consultation:round", kwargs={"pk": round_.pk}) + f"#comment-{comment.pk}"
    notice = Notice(Kind.COMMENT_ANSWERED, key, url, texts, comment.answer_reason, (comment.author,))
    return queue_emails(create_notifications([notice], actor_id=by_id))


def email_public_answer(
    sender: Any = None, *, comment_id: int, answered_at: Any, by_id: int | None = None, **kwargs: Any
) -> list[int]:
    """The answer to a public comment (`tell_comment_answered`): one `AnswerEmail` per answer given (its
    key names the comment and the moment of the answer, so an answer announced twice is mailed once), queued for
    the worker; returns the ids queued."""
    comment = ConsultationComment.objects.filter(pk=comment_id, author=None).exclude(email="").first()
    if comment is None or not comment.answer:
        return []
    key = f"public_answer:{comment.pk}:{answered_at.isoformat()}"
    AnswerEmail.objects.bulk_create(
        [AnswerEmail(comment=comment, key=key, answer=comment.answer, reason=comment.answer_reason)],
        ignore_conflicts=True,
    )
    ids = list(AnswerEmail.objects.filter(key=key, emailed_at=None).values_list("pk", flat=True))
    if ids:
        from nsm.notifications.tasks import send_answer_emails  # the task module imports this one

        try:
            send_answer_emails.enqueue(ids)
        except Exception:
            logger.exception("The answer e-mails %s could not be queued", ids)
    return ids


def notify_workflow_step(
    sender: Any = None,
    *,
    step: str,
    by_id: int | None,
    cycle_id: int | None = None,
    report_id: int | None = None,
    version: int | None = None,
    comment_id: int | None = None,
    **kwargs: Any,
) -> list[int]:
    """The receiver of `nsm.monitoring.services.workflow_step`: make the step's notices, queue those to e-mail at
    once; returns the ids queued."""
    if step == "cycle_opened" and cycle_id is not None:
        notices = cycle_opened_notices(cycle_id)
    elif step == "comment" and comment_id is not None:
        notices = comment_notices(comment_id)
    elif step in KIND_OF_STEP and report_id is not None and version is not None:
        notices = report_step_notices(step, report_id, version)
    else:
        return []
    return queue_emails(create_notifications(notices, actor_id=by_id))


def create_notifications(notices: list[Notice], *, actor_id: int | None, delivery: str | None = None) -> list[int]:
    """One notification per notice and recipient but the actor, once per key and user (a notice made already is
    kept as it is), in three queries; returns the ids of those to e-mail at once and not e-mailed yet. `delivery`
    given: every notice is so, whatever the users chose (in the platform only, for what is e-mailed elsewhere)."""
    people = {user.pk for notice in notices for user in notice.recipients if user.pk != actor_id}
    if not people:
        return []
    chosen: dict[tuple[str, int], str] = {}
    if delivery is None:
        chosen = {
            (kind, user_id): choice
            for user_id, kind, choice in NotificationPreference.objects.filter(user_id__in=people).values_list(
                "user_id", "kind", "delivery"
            )
        }
    now = timezone.now()
    rows = [
        Notification(
            recipient=user,
            kind=notice.kind,
            key=notice.key,
            text_sq=notice.texts["sq"],
            text_en=notice.texts["en"],
            detail=notice.detail,
            url=notice.url,
            delivery=delivery or chosen.get((notice.kind, user.pk), Delivery.EMAIL) if user.email else Delivery.APP,
            created_at=now,
        )
        for notice in notices
        for user in notice.recipients
        if user.pk != actor_id
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    if delivery is not None and delivery != Delivery.EMAIL:
        return []
    return list(
        Notification.objects.filter(
            key__in={notice.key for notice in notices},
            recipient_id__in=people,
            delivery=Delivery.EMAIL,
            emailed_at=None,
        ).values_list("pk", flat=True)
    )


def queue_emails(ids: list[int]) -> list[int]:
    """Queue the e-mailing of these notices for the worker (with NSM_TASKS_BACKEND=immediate they are sent now). A
    queue that refuses is logged: `nsm send-notifications` sends them on its next run."""
    if not ids:
        return ids
    from nsm.notifications.tasks import send_emails  # the task module imports this one

    try:
        send_emails.enqueue(ids)
    except Exception:
        logger.exception("The e-mails of notifications %s could not be queued", ids)
    return ids


# --- Preferences ---


def preferences_of(user: Any) -> dict[str, str]:
    """The user's delivery for every kind (e-mail at once when not chosen), in one query."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind.value: chosen.get(kind, Delivery.EMAIL) for kind in CHOSEN_KINDS}


def save_preferences(user: Any, *, choices: Mapping[str, str]) -> None:
    """Keep the user's delivery per kind. Notices not sent yet follow the new choice when they were to be e-mailed
    (at once or in the digest); those made for the platform only stay so."""
    before = preferences_of(user)
    with transaction.atomic():
        for kind, delivery in choices.items():
            if kind not in before or delivery not in Delivery.values or before[kind] == delivery:
                continue
            NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})
            Notification.objects.filter(  # a notice read already is not mailed after the fact
                recipient=user, kind=kind, emailed_at=None, read_at=None, delivery__in=(Delivery.EMAIL, Delivery.DIGEST)
            ).update(delivery=delivery)


# --- Reading ---


def open_notification(notification: Notification) -> str:
    """Mark the notice read (when it was not) and give the address it leads to."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification.url


def mark_all_read(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())


# --- E-mail ---


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _open_url(notification: Notification) -> str:
    """The link in a mail: through the inbox, which marks the notice read and leads to its page."""
    return _absolute(reverse("notifications:open", kwargs={"pk": notification.pk}))


def _name(user: Any) -> str:
    return user.get_full_name() or user.username


def notice_message(notification: Notification) -> EmailMessage:
    """The mail of one notice, in the site's language."""
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "name": _name(notification.recipient),
            "text": localized(notification, "text", language),
            "detail": notification.detail,
            "url": _open_url(notification),
            "settings_url": _absolute(reverse("notifications:settings")),
        }
        subject = render_to_string("notifications/email/notice_subject.txt", context)
        body = render_to_string("notifications/email/notice.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[notification.recipient.email])


def digest_message(user: Any, notifications: list[Notification]) -> EmailMessage:
    """The day's digest of one user: every notice not e-mailed yet, oldest first, in the site's language."""
    language = settings.LANGUAGE_CODE
    with translation.override(language):
        items = [
            {"text": localized(n, "text", language), "detail": n.detail, "url": _open_url(n)} for n in notifications
        ]
        count = len(notifications)
        context = {
            "name": _name(user),
            "items": items,
            "count": count,
            "inbox_url": _absolute(reverse("notifications:inbox")),
            "settings_url": _absolute(reverse("notifications:settings")),
        }
        subject = ngettext("NSM: %(count)d notification", "NSM: %(count)d notifications", count) % {"count": count}
        body = render_to_string("notifications/email/digest.txt", context)
    return EmailMessage(subject=subject, body=body, to=[user.email])


def send_email(notification_id: int, *, connection: Any = None) -> bool:
    """E-mail one notice unless it was e-mailed already, and record it in the same transaction, after the send
    succeeded; True when sent here. A failing send raises, and leaves the notice unsent."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at=None, delivery=Delivery.EMAIL)
            .first()
        )
        if notification is None or not notification.recipient.email:
            return False
        (connection or get_connection()).send_messages([notice_message(notification)])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
        return True


def answer_message(answer: AnswerEmail) -> EmailMessage:
    """The mail of the answer to a public comment, in the site's language, to the address the commenter gave."""
    comment = answer.comment
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "name": comment.name,
            "round": comment.round.title,
            "strategy": comment.round.version.strategy.code,
            "on": comment.target_label,
            "comment": comment.text,
            "answer": ConsultationComment.Answer(answer.answer).label,
            "reason": answer.reason,
        }
        subject = render_to_string("notifications/email/public_answer_subject.txt", context)
        body = render_to_string("notifications/email/public_answer.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[comment.email])


def send_answer_email(answer_id: int, *, connection: Any = None) -> bool:
    """E-mail one answer to a public comment unless it was e-mailed already, recorded in the same transaction after
    the send succeeded (as `send_email`); True when sent here."""
    with transaction.atomic():
        answer = (
            AnswerEmail.objects.select_for_update(of=("self",))
            .select_related("comment__round__version__strategy")
            .filter(pk=answer_id, emailed_at=None)
            .first()
        )
        if answer is None or not answer.comment.email:
            return False
        (connection or get_connection()).send_messages([answer_message(answer)])
        answer.emailed_at = timezone.now()
        answer.save(update_fields=["emailed_at"])
        return True


@dataclass
class SendRun:
    """What a run sent (notices, answers to public comments, or digests with the number of notices in each) and what
    failed, with the error."""

    sent: list[Notification] = field(default_factory=list)
    digests: list[tuple[User, int]] = field(default_factory=list)
    answers: list[AnswerEmail] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def _error(error: Exception) -> str:
    return str(error) or error.__class__.__name__


def send_due(*, connection: Any = None) -> SendRun:
    """E-mail every notice due at once and not e-mailed yet (those whose first send failed, or whose task never
    ran), then every answer to a public comment not e-mailed yet, each in its own transaction."""
    run = SendRun()
    due = list(
        Notification.objects.filter(delivery=Delivery.EMAIL, emailed_at=None)
        .exclude(recipient__email="")
        .select_related("recipient")
        .order_by("created_at", "pk")
    )
    if due:
        connection = connection or get_connection()
    for notification in due:
        try:
            if send_email(notification.pk, connection=connection):
                run.sent.append(notification)
        except Exception as error:  # noqa: BLE001 - a failed send (SMTP, network) must not stop the others
            run.failed.append((f"{notification.recipient.email}: {notification.key}", _error(error)))
    answers = list(AnswerEmail.objects.filter(emailed_at=None).order_by("created_at", "pk"))
    if answers:
        connection = connection or get_connection()
    for answer in answers:
        try:
            if send_answer_email(answer.pk, connection=connection):
                run.answers.append(answer)
        except Exception as error:  # noqa: BLE001 - as above
            run.failed.append((answer.key, _error(error)))  # the key, not the commenter's address
    return run


def send_digests(*, connection: Any = None) -> SendRun:
    """E-mail each user with digest notices not e-mailed yet one mail of them all, each user in one transaction.
    A notice the user has already read in the platform is not mailed: the digest tells only what is new to them."""
    run = SendRun()
    user_ids = list(
        Notification.objects.filter(delivery=Delivery.DIGEST, emailed_at=None, read_at=None)
        .exclude(recipient__email="")
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    if user_ids:
        connection = connection or get_connection()
    for user in User.objects.filter(pk__in=user_ids).order_by("pk"):
        try:
            count = _send_digest(user, connection)
            if count:
                run.digests.append((user, count))
        except Exception as error:  # noqa: BLE001 - as above
            run.failed.append((f"{user.email}: digest", _error(error)))
    return run


def _send_digest(user: User, connection: Any) -> int:
    with transaction.atomic():
        notifications = list(
            Notification.objects.select_for_update()
            .filter(recipient=user, delivery=Delivery.DIGEST, emailed_at=None, read_at=None)
            .order_by("created_at", "pk")
        )
        if not notifications:
            return 0
        connection.send_messages([digest_message(user, notifications)])
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=timezone.now())
        return len(notifications)
