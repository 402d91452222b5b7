"""Making the notices of workflow steps, and e-mailing them.

`notify_workflow_step` receives `nsm.monitoring.services.workflow_step` once a step has committed and makes, in a
fixed number of queries whatever the number of people, one `Notification` per person concerned (never the person who
acted): a cycle opened to the focal points of each institution that got a report; a report submitted to the
secretariat of the strategy's country; returned, approved, reopened or commented to the report's institution's focal
points. The words are written then in both languages, so the inbox shows them in the reader's.

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
from nsm.i18n import CONTENT_LANGUAGES, localized
from nsm.monitoring.models import ProgressReport, ReviewComment
from nsm.notifications.models import Delivery, Kind, Notification, NotificationPreference

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


def create_notifications(notices: list[Notice], *, actor_id: int | None) -> list[int]:
    """One notification per notice and recipient but the actor, once per key and user (a notice made already is
    kept as it is), in three queries; returns the ids of those to e-mail at once and not e-mailed yet."""
    people = {user.pk for notice in notices for user in notice.recipients if user.pk != actor_id}
    if not people:
        return []
    chosen = {
        (kind, user_id): delivery
        for user_id, kind, delivery in NotificationPreference.objects.filter(user_id__in=people).values_list(
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
            delivery=chosen.get((notice.kind, user.pk), Delivery.EMAIL) if user.email else Delivery.APP,
            created_at=now,
        )
        for notice in notices
        for user in notice.recipients
        if user.pk != actor_id
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
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
    return {kind: chosen.get(kind, Delivery.EMAIL) for kind in Kind.values}


def save_preferences(user: Any, *, choices: Mapping[str, str]) -> None:
    """Keep the user's delivery per kind. Notices not sent yet follow the new choice when they were to be e-mailed
    (at once or in the digest); those made for the platform only stay so."""
    before = preferences_of(user)
    with transaction.atomic():
        for kind, delivery in choices.items():
            if kind not in Kind.values or delivery not in Delivery.values or before[kind] == delivery:
                continue
            NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})
            Notification.objects.filter(
                recipient=user, kind=kind, emailed_at=None, delivery__in=(Delivery.EMAIL, Delivery.DIGEST)
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


@dataclass
class SendRun:
    """What a run sent (notices, or digests with the number of notices in each) and what failed, with the error."""

    sent: list[Notification] = field(default_factory=list)
    digests: list[tuple[User, int]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def _error(error: Exception) -> str:
    return str(error) or error.__class__.__name__


def send_due(*, connection: Any = None) -> SendRun:
    """E-mail every notice due at once and not e-mailed yet (those whose first send failed, or whose task never
    ran), each in its own transaction."""
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
    return run


def send_digests(*, connection: Any = None) -> SendRun:
    """E-mail each user with digest notices not e-mailed yet one mail of them all, each user in one transaction."""
    run = SendRun()
    user_ids = list(
        Notification.objects.filter(delivery=Delivery.DIGEST, emailed_at=None)
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
            .filter(recipient=user, delivery=Delivery.DIGEST, emailed_at=None)
            .order_by("created_at", "pk")
        )
        if not notifications:
            return 0
        connection.send_messages([digest_message(user, notifications)])
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=timezone.now())
        return len(notifications)
