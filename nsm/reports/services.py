"""Asking for a document and making it: the two steps behind the Documents page.

`request_document` checks the request, records it (the row is the audit record of who asked for what and when) and
queues the background task once the transaction commits, so that the worker never looks for a row it cannot see yet.
`run_document` is the task's body: it makes the file with `generate`, telling the row how far it has got, and records
the outcome. A document is made once: one that has started or finished already is left as it is.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nsm.accounts import access
from nsm.analytics.periods import Period
from nsm.reports import generate
from nsm.reports.models import GeneratedDocument
from nsm.strategy.models import Strategy

logger = logging.getLogger(__name__)

Status = GeneratedDocument.Status


def request_document(
    strategy: Strategy, *, kind: str, period: Period | None, language: str, fmt: str, by: Any
) -> GeneratedDocument:
    """Record the request and queue the document. ValidationError (in words) when it cannot be made; PermissionDenied
    unless `by` is of the secretariat or the coordinator of the strategy's country. The plan takes no period."""
    if not access.acts_for_country(by, strategy.country, access.PLAN_EDITORS):
        raise PermissionDenied(_("Only the secretariat and the coordinator may ask for documents."))
    if kind != GeneratedDocument.Kind.ANNUAL:
        period = None
    try:
        generate.check(kind, strategy, period=period, language=language, fmt=fmt)
    except generate.DocumentError as error:
        raise ValidationError(str(error)) from error
    interface_language = translation.get_language() or settings.LANGUAGE_CODE
    wanted = dict(strategy=strategy, kind=kind, period=period.slug if period else "", language=language, fmt=fmt)
    same = GeneratedDocument.objects.filter(**wanted, status__in=[Status.QUEUED, Status.RUNNING]).first()
    if same is not None:  # asked for twice (a double click, two colleagues): the one on its way serves both
        return same
    with transaction.atomic():
        document = GeneratedDocument.objects.create(**wanted, requested_by=by)
        transaction.on_commit(lambda: _enqueue(document.pk, interface_language))
    logger.info("Document %s requested by %s: %s of %s", document.pk, by.pk, document, strategy.code)
    return document


def _enqueue(document_id: int, interface_language: str) -> None:
    """Queue the task; when the queue refuses it (the database busy or gone), the document fails in words rather
    than waiting for a task that does not exist."""
    from nsm.reports.tasks import make_document  # the task module imports this one

    try:
        result = make_document.enqueue(document_id, interface_language)
    except Exception:
        logger.exception("Document %s could not be queued", document_id)
        with translation.override(interface_language):
            message = _("The document could not be queued. Please ask for it again in a moment.")
        GeneratedDocument.objects.filter(pk=document_id).update(
            status=Status.FAILED, error=message, step=message, finished_at=timezone.now()
        )
        return
    GeneratedDocument.objects.filter(pk=document_id).update(task_id=str(result.id))


def run_document(document_id: int, *, interface_language: str | None = None) -> None:
    """Make the document's file (the background task). Progress and errors are written in `interface_language`, the
    language of the person who asked; the document itself is in its own language."""
    claimed = GeneratedDocument.objects.filter(pk=document_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        logger.info("Document %s is not waiting to be made: nothing to do", document_id)
        return
    document = GeneratedDocument.objects.select_related("strategy").get(pk=document_id)
    with translation.override(interface_language or settings.LANGUAGE_CODE):
        try:
            _make(document)
        except generate.DocumentError as error:
            _fail(document, str(error))
        except Exception:
            logger.exception("Document %s could not be made", document_id)
            _fail(
                document,
                _(
                    "The document could not be made because of an error on the server. The administrators can find "
                    "the details in the server's log; asking again later may work."
                ),
            )
        except BaseException:  # the worker is stopping (Ctrl-C, SystemExit) in the middle: say so, then stop
            _fail(document, _("The worker stopped while making this document. Please ask for it again."))
            raise


def _make(document: GeneratedDocument) -> None:
    def tell(percent: int, step: str) -> None:
        GeneratedDocument.objects.filter(pk=document.pk).update(progress=min(max(percent, 0), 100), step=step[:200])

    output = generate.generate(
        document.kind,
        document.strategy,
        period=Period.parse(document.period) if document.period else None,
        language=document.language,
        fmt=document.fmt,
        progress=tell,
    )
    document.file.save(output.filename, ContentFile(output.content), save=False)
    document.filename = output.filename
    document.size = len(output.content)
    document.content_type = output.content_type
    document.data_stamp = output.data_stamp[:200]
    document.status = Status.DONE
    document.progress = 100
    document.step = _("Done")
    document.finished_at = timezone.now()
    document.save(
        update_fields=[
            "file", "filename", "size", "content_type", "data_stamp", "status", "progress", "step", "finished_at"
        ]
    )  # fmt: skip
    logger.info("Document %s made: %s, %s bytes", document.pk, document.file.name, document.size)


STALLED_AFTER = datetime.timedelta(minutes=10)  # a national plan as PDF takes under a minute


def stalled(document: GeneratedDocument, *, now: datetime.datetime | None = None) -> bool:
    """Whether `document` has been "Being made" longer than a worker ever takes."""
    started = document.started_at
    return started is not None and started < (now or timezone.now()) - STALLED_AFTER


def fail_stalled(*, now: datetime.datetime | None = None) -> int:
    """Mark as failed, in one query, the documents a worker started more than STALLED_AFTER ago and never finished
    (the worker was killed while making them), so that they do not stay "Being made" and the person can ask again.
    Returns how many. The Documents page and `nsm worker` call it."""
    count = GeneratedDocument.objects.filter(
        status=Status.RUNNING, started_at__lt=(now or timezone.now()) - STALLED_AFTER
    ).update(
        status=Status.FAILED,
        error=_("The worker stopped while making this document. Please ask for it again."),
        step=_("Failed"),
        finished_at=timezone.now(),
    )
    if count:
        logger.warning("%s document(s) left unfinished by a stopped worker marked as failed", count)
    return count


def _fail(document: GeneratedDocument, message: str) -> None:
    """Failed with `message`, unless it has finished meanwhile."""
    GeneratedDocument.objects.filter(pk=document.pk, status__in=[Status.QUEUED, Status.RUNNING]).update(
        status=Status.FAILED, error=message, step=_("Failed"), finished_at=timezone.now()
    )
