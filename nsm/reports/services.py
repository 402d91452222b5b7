"""Asking for a document and making it: the two steps behind the Documents page.

`request_document` checks the request, records it (the row is the audit record of who asked for what and when) and
queues the background task once the transaction commits, so that the worker never looks for a row it cannot see yet.
`run_document` is the task's body: it makes the file with `generate`, telling the row how far it has got, and records
the outcome. A document is made once: one that has started or finished already is left as it is.

While it makes a document the worker beats a heartbeat on the row (`heartbeat_at`): at each progress step, and from a
small thread of its own every NSM_DOCUMENT_HEARTBEAT_SECONDS while a long render runs. A document "Being made"
without a beat for NSM_DOCUMENT_STALLED_SECONDS lost its worker (killed outright, the machine gone): `fail_stalled`,
called by the Documents page, by each worker and by each request, fails it in words, and asking again makes a fresh one.
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from nsm.accounts import access
from nsm.analytics.periods import Period
from nsm.audit import acting_as
from nsm.core.stale import bump_version, check_version, told_by_history
from nsm.reports import generate
from nsm.reports.models import GCM_OBJECTIVES, GcmReview, GcmReviewObjective, GeneratedDocument
from nsm.strategy.models import Strategy

logger = logging.getLogger(__name__)

Status = GeneratedDocument.Status


def request_document(
    strategy: Strategy, *, kind: str, period: Period | None, language: str, fmt: str, by: Any
) -> GeneratedDocument:
    """Record the request and queue the document. ValidationError (in words) when it cannot be made; PermissionDenied
    unless `by` is of the secretariat or the coordinator of the strategy's country. The plan is the whole strategy's,
    or one action plan's when `period` is that action plan's years (any other period: the whole strategy's)."""
    if not access.may_manage(by, strategy.country):
        raise PermissionDenied(_("Only the secretariat and the coordinator may ask for documents."))
    if kind != GeneratedDocument.Kind.ANNUAL and not _one_action_plan(strategy, period):
        period = None
    try:
        generate.check(kind, strategy, period=period, language=language, fmt=fmt)
    except generate.DocumentError as error:
        raise ValidationError(str(error)) from error
    interface_language = translation.get_language() or settings.LANGUAGE_CODE
    fail_stalled()  # a document whose worker died is not "on its way": the request below makes a fresh one
    wanted = dict(strategy=strategy, kind=kind, period=period.slug if period else "", language=language, fmt=fmt)
    same = GeneratedDocument.objects.filter(**wanted, status__in=[Status.QUEUED, Status.RUNNING]).first()
    if same is not None:  # asked for twice (a double click, two colleagues): the one on its way serves both
        return same
    with transaction.atomic():
        document = GeneratedDocument.objects.create(**wanted, requested_by=by)
        transaction.on_commit(lambda: _enqueue(document.pk, interface_language))
    logger.info("Document %s requested by %s: %s of %s", document.pk, by.pk, document, strategy.code)
    return document


def _one_action_plan(strategy: Strategy, period: Period | None) -> bool:
    """`period` is the span of one of several action plans of the strategy."""
    if period is None:
        return False
    spans = generate.action_plan_years(strategy)
    return len(spans) > 1 and generate.is_one_action_plan(period, spans)


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
    fail_stalled()  # documents left by a worker that was killed, before this one starts its own
    now = timezone.now()
    claimed = GeneratedDocument.objects.filter(pk=document_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        logger.info("Document %s is not waiting to be made: nothing to do", document_id)
        return
    document = GeneratedDocument.objects.select_related("strategy").get(pk=document_id)
    with translation.override(interface_language or settings.LANGUAGE_CODE):
        try:
            with _heartbeat(document.pk):
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


@contextmanager
def _heartbeat(document_id: int) -> Iterator[None]:
    """Beat the document's heartbeat from a thread of its own while the body runs (a long render tells no progress
    for a while). The thread has its own database connection, closed when it stops. Inside a transaction the beats
    are not needed (nobody else sees the row as running) and could wait on the transaction's lock: none then."""
    if transaction.get_connection().in_atomic_block:
        yield
        return
    stop = threading.Event()
    interval = max(0.01, min(settings.DOCUMENT_HEARTBEAT_SECONDS, settings.DOCUMENT_STALLED_SECONDS / 3))

    def beat() -> None:
        try:
            while not stop.wait(interval):
                _beat(document_id)
        except Exception:
            logger.exception("The heartbeat of document %s stopped", document_id)
        finally:
            connections.close_all()  # this thread's connections only (they are per thread)

    thread = threading.Thread(target=beat, name=f"document-{document_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _beat(document_id: int, **fields: Any) -> None:
    """The worker is alive (and `fields` changed): only while the document is being made, never reviving one failed."""
    GeneratedDocument.objects.filter(pk=document_id, status=Status.RUNNING).update(
        heartbeat_at=timezone.now(), **fields
    )


def _make(document: GeneratedDocument) -> None:
    def tell(percent: int, step: str) -> None:
        _beat(document.pk, progress=min(max(percent, 0), 100), step=step[:200])

    output = generate.generate(
        document.kind,
        document.strategy,
        period=Period.parse(document.period) if document.period else None,
        language=document.language,
        fmt=document.fmt,
        progress=tell,
    )
    document.file.save(output.filename, ContentFile(output.content), save=False)
    finished = GeneratedDocument.objects.filter(pk=document.pk, status=Status.RUNNING).update(
        file=document.file.name,
        filename=output.filename,
        size=len(output.content),
        content_type=output.content_type,
        data_stamp=output.data_stamp[:200],
        status=Status.DONE,
        progress=100,
        step=_("Done"),
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    if not finished:  # failed meanwhile as stalled (the worker was frozen past the bound): the row stays failed
        document.file.delete(save=False)
        logger.warning("Document %s was made after it had been failed as stalled: its file is discarded", document.pk)
        return
    logger.info("Document %s made: %s, %s bytes", document.pk, document.file.name, len(output.content))


def _stalled_before(now: datetime.datetime | None = None) -> datetime.datetime:
    """A document "Being made" whose last heartbeat is older than this has lost its worker."""
    return (now or timezone.now()) - datetime.timedelta(seconds=settings.DOCUMENT_STALLED_SECONDS)


def stalled(document: GeneratedDocument, *, now: datetime.datetime | None = None) -> bool:
    """Whether `document` is "Being made" by a worker that has stopped beating its heartbeat."""
    last = document.heartbeat_at or document.started_at
    return document.status == Status.RUNNING and last is not None and last < _stalled_before(now)


def fail_stalled(*, now: datetime.datetime | None = None) -> int:
    """Mark as failed, in one query, the documents whose worker stopped beating their heartbeat more than
    NSM_DOCUMENT_STALLED_SECONDS ago (it was killed while making them), so that they do not stay "Being made" and
    asking again makes a fresh one. Returns how many. The Documents page, `nsm worker`, each task and each request
    call it."""
    before = _stalled_before(now)
    count = (
        GeneratedDocument.objects.filter(status=Status.RUNNING)
        .filter(Q(heartbeat_at__lt=before) | Q(heartbeat_at__isnull=True, started_at__lt=before))
        .update(
            status=Status.FAILED,
            error=_("The worker stopped while making this document; ask for it again."),
            step=_("Failed"),
            finished_at=timezone.now(),
        )
    )
    if count:
        logger.warning("%s document(s) left unfinished by a stopped worker marked as failed", count)
    return count


def _fail(document: GeneratedDocument, message: str) -> None:
    """Failed with `message`, unless it has finished meanwhile."""
    GeneratedDocument.objects.filter(pk=document.pk, status__in=[Status.QUEUED, Status.RUNNING]).update(
        status=Status.FAILED, error=message, step=_("Failed"), finished_at=timezone.now()
    )


# --- The GCM voluntary national review's texts ---


def _locked_review(strategy: Strategy, period: Period) -> GcmReview:
    """The strategy's review of the period, locked; a new one (not saved yet) when it does not exist."""
    review = GcmReview.objects.select_for_update().filter(strategy=strategy, period=period.slug).first()
    return review or GcmReview(strategy=strategy, period=period.slug)


def _write_texts(row: Any, values: dict[str, str], *, edited: int | None, item: str) -> bool:
    """Check the version the user edited (a new row has none to check), set the texts, validate and save, the
    version one up for a row that existed: one history row. False when nothing changed (nothing written)."""
    new = row._state.adding
    if not new:
        check_version(row, edited, told_by_history(item))
    if all(getattr(row, name) == value for name, value in values.items()):
        return False
    for name, value in values.items():
        setattr(row, name, value)
    row.full_clean()
    if not new:
        bump_version(row, save=False)
    row.save()
    return True


def write_review_chapter(
    strategy: Strategy, period: Period, *, chapter: str, text_sq: str, text_en: str, version: int | None, by: Any
) -> GcmReview:
    """Write one free chapter of the period's GCM review (context and method, guiding principles, challenges, next
    steps) in both languages, edited at `version` (0: before the review existed). The secretariat only
    (PermissionDenied); a stale version is refused with `StaleVersion`, saying who changed what meanwhile."""
    if not access.may_write_gcm_review(by, strategy.country):
        raise PermissionDenied(_("Only the secretariat writes the GCM review."))
    if chapter not in GcmReview.CHAPTERS:
        raise ValidationError(_("There is no such chapter in the GCM review."))
    with transaction.atomic(), acting_as(by):
        review = _locked_review(strategy, period)
        values = {f"{chapter}_sq": text_sq, f"{chapter}_en": text_en}
        item = _("The GCM review of %(period)s") % {"period": period}
        _write_texts(review, values, edited=version, item=str(item))
    return review


def write_review_objective(
    strategy: Strategy, period: Period, *, number: int, text_sq: str, text_en: str, version: int | None, by: Any
) -> GcmReviewObjective:
    """Write what the period's GCM review says about objective `number` (1-23), in both languages, edited at
    `version` (0: before it had a text). The secretariat only; a stale version is refused with `StaleVersion`."""
    if not access.may_write_gcm_review(by, strategy.country):
        raise PermissionDenied(_("Only the secretariat writes the GCM review."))
    if not 1 <= number <= GCM_OBJECTIVES:
        raise ValidationError(_("A GCM objective is numbered 1 to 23."))
    with transaction.atomic(), acting_as(by):
        review = _locked_review(strategy, period)
        if review._state.adding:
            review.full_clean()
            review.save()
        text = GcmReviewObjective.objects.select_for_update().filter(review=review, number=number).first()
        text = text or GcmReviewObjective(review=review, number=number)
        item = _("The text of GCM objective %(number)s") % {"number": number}
        _write_texts(text, {"text_sq": text_sq, "text_en": text_en}, edited=version, item=str(item))
    return text
