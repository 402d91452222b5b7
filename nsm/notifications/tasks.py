"""The worker's part: e-mailing the notices made by a workflow step (`services.queue_emails` queues it)."""

from __future__ import annotations

import logging

from django.core.mail import get_connection
from django_tasks import task

from nsm.notifications import services

logger = logging.getLogger(__name__)

# Above the analysis pages drawn ahead, below the documents people wait for.
PRIORITY = -5


@task(priority=PRIORITY)
def send_emails(notification_ids: list[int]) -> int:
    """E-mail each notice not e-mailed yet, each in its own transaction; a failed one is logged and left for
    `nsm send-notifications`. Returns how many were sent here."""
    connection = get_connection()
    sent, failed = 0, []
    for notification_id in notification_ids:
        try:
            sent += services.send_email(notification_id, connection=connection)
        except Exception:
            logger.exception(
                "The e-mail of notification %s could not be sent; it is tried again later", notification_id
            )
            failed.append(notification_id)
    if failed:
        raise RuntimeError(f"Notifications not e-mailed (tried again by `nsm send-notifications`): {failed}")
    return sent


@task(priority=PRIORITY)
def send_answer_emails(answer_ids: list[int]) -> int:
    """E-mail each answer to a public comment not e-mailed yet (`services.email_public_answer` queues it), as
    `send_emails` does; a failed one is left for `nsm send-notifications`."""
    connection = get_connection()
    sent, failed = 0, []
    for answer_id in answer_ids:
        try:
            sent += services.send_answer_email(answer_id, connection=connection)
        except Exception:
            logger.exception("The answer e-mail %s could not be sent; it is tried again later", answer_id)
            failed.append(answer_id)
    if failed:
        raise RuntimeError(f"Answer e-mails not sent (tried again by `nsm send-notifications`): {failed}")
    return sent
