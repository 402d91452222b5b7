"""The annual monitoring report as the secretariat issues it: its narrative, written before, and its numbered issues.

`save_narrative` keeps what the secretariat writes for a period's report (analysis, conclusions, recommendations, in
Albanian and English, Markdown); the draft documents print it as it is. `issue_annual_report` freezes it: the next
number for the strategy and period, the narrative as it is, the data it was made from (the analysis stamp), and the
files in every language and format, made there and then and stored, never made again. A file that cannot be made
issues nothing: the transaction is rolled back, the files already stored are deleted, and the error is said. A later
correction is a new issue, which says what it corrects. An issue is published on the strategy's public page when the
strategy is public.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import translation
from django.utils.translation import gettext as _

from nsm.accounts import access
from nsm.analytics.periods import Period
from nsm.audit import acting_as
from nsm.core.stale import check_version, told_by_history
from nsm.reports import generate
from nsm.reports.annual import IssueMark, Narrative, build_annual
from nsm.reports.models import AnnualNarrative, IssuedAnnualFile, IssuedAnnualReport, narrative_fields
from nsm.strategy.models import Strategy

logger = logging.getLogger(__name__)


class FileNotMade(Exception):
    """One file of an issue could not be rendered: `what` names it ("PDF (sq)")."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def may_edit(user: Any, strategy: Strategy) -> bool:
    """Write the narrative and issue the report: the secretariat of the strategy's country."""
    return access.may_issue_annual_report(user, strategy.country)


def check_period(strategy: Strategy, period: Period) -> None:
    """ValidationError (in words) unless the monitoring report can be made for `period` (within the action plan)."""
    try:
        generate.check("annual", strategy, period=period, language="en", fmt="pdf")
    except generate.DocumentError as error:
        raise ValidationError(str(error)) from error


def narrative_of(strategy: Strategy, period: Period) -> AnnualNarrative | None:
    """The narrative written so far for the period's report, if any (one query)."""
    return AnnualNarrative.objects.filter(strategy=strategy, period=period.slug).first()


def issues_of(strategy: Strategy, period: Period | None = None) -> QuerySet[IssuedAnnualReport]:
    """The issued reports of the strategy (of `period`, when given), newest period and issue first, with who issued
    them and their files (two queries, however many)."""
    issues = IssuedAnnualReport.objects.filter(strategy=strategy)
    if period is not None:
        issues = issues.filter(period=period.slug)
    return issues.select_related("issued_by").prefetch_related("files").order_by("-period", "-number")


def save_narrative(
    strategy: Strategy, period: Period, *, by: Any, texts: dict[str, str], version: int | None
) -> AnnualNarrative:
    """Keep the narrative of the period's report as the secretariat wrote it (`texts` by field name, the others
    unchanged). `version` is the one the user edited (0: none existed yet); a narrative changed since is refused,
    saying who changed what. One history row per change; nothing when nothing changed."""
    if not may_edit(by, strategy):
        raise PermissionDenied
    check_period(strategy, period)
    unknown = set(texts) - set(narrative_fields())
    if unknown:
        raise ValueError(f"not narrative fields: {sorted(unknown)}")
    with transaction.atomic(), acting_as(by):
        Strategy.objects.select_for_update().filter(pk=strategy.pk).first()  # one writer of the period at a time
        narrative = AnnualNarrative.objects.select_for_update().filter(strategy=strategy, period=period.slug).first()
        if narrative is None:
            if version:  # the page showed a narrative that is gone (deleted in the admin): say so, write nothing
                raise ValidationError(_("This page is out of date: reload it and make your change again."))
            narrative = AnnualNarrative(strategy=strategy, period=period.slug)
        else:
            check_version(narrative, version, told_by_history(_("The narrative of this report")))
            if all(getattr(narrative, name) == text for name, text in texts.items()):
                return narrative
            narrative.version += 1
        for name, text in texts.items():
            setattr(narrative, name, text)
        narrative.full_clean()
        narrative.save()
    return narrative


def issue_annual_report(strategy: Strategy, period: Period, *, by: Any, reason: str = "") -> IssuedAnnualReport:
    """Issue the period's monitoring report, numbered after the issues before it: the secretariat only. A correction
    (any issue after the first) says what it corrects in `reason`. The narrative and the files in every language and
    format are made now and frozen; if one cannot be made, nothing is issued (ValidationError, in words)."""
    if not may_edit(by, strategy):
        raise PermissionDenied
    check_period(strategy, period)
    reason = (reason or "").strip()
    stored: list[FieldFile] = []
    with transaction.atomic(), acting_as(by):
        Strategy.objects.select_for_update().filter(pk=strategy.pk).first()  # numbers are given one at a time
        issues = IssuedAnnualReport.objects.filter(strategy=strategy, period=period.slug)
        number = (issues.aggregate(last=Max("number"))["last"] or 0) + 1
        if number > 1 and not reason:
            raise ValidationError(
                _("Issue %(number)s corrects issue %(previous)s: say what it corrects.")
                % {"number": number, "previous": number - 1}
            )
        narrative = narrative_of(strategy, period)
        issued = IssuedAnnualReport(
            strategy=strategy, period=period.slug, number=number, issued_by=by, reason=reason if number > 1 else "",
            **{name: getattr(narrative, name) if narrative else "" for name in narrative_fields()},
        )  # fmt: skip
        issued.full_clean()
        try:
            _make_files(issued, strategy, period, stored)
        except Exception as error:  # a file not made, the storage full or gone: nothing is issued
            for file in stored:  # the transaction forgets the rows; the stored bytes go too
                if file.name:
                    file.storage.delete(file.name)
            logger.exception("The monitoring report %s of %s could not be issued", period, strategy.code)
            raise ValidationError(
                _(
                    "The report was not issued: its %(file)s could not be made because of an error on the server. "
                    "Nothing was issued; the administrators can find the details in the server's log."
                )
                % {"file": error.what if isinstance(error, FileNotMade) else _("files")}
            ) from error
    logger.info("Monitoring report %s of %s issued as no. %s by %s", period, strategy.code, number, by.pk)
    return issued


def _make_files(issued: IssuedAnnualReport, strategy: Strategy, period: Period, stored: list[FieldFile]) -> None:
    """Build the document in each language from the frozen narrative and the data as they are, save the issue with
    the data's stamp, then render and store each format (`stored` collects the files written, for the rollback)."""
    mark = IssueMark(number=issued.number, at=issued.issued_at, corrects=issued.number - 1)
    narrative = Narrative.of(issued)
    documents = {}
    for language in generate.LANGUAGES:
        with translation.override(language):
            documents[language] = build_annual(strategy, period, narrative=narrative, issue=mark)
    issued.data_stamp = documents[generate.LANGUAGES[0]].data_stamp[:200]
    issued.save()
    for language, document in documents.items():
        for fmt, (_label, content_type) in generate.FORMATS.items():
            try:
                content = generate.render(document, fmt)
            except Exception as error:
                raise FileNotMade(f"{fmt.upper()} ({language})") from error
            row = IssuedAnnualFile(
                issue=issued, language=language, fmt=fmt, filename=filename(issued, strategy, language, fmt),
                size=len(content), content_type=content_type,
            )  # fmt: skip
            row.file.save(row.filename, ContentFile(content), save=False)
            stored.append(row.file)
            row.save()


def filename(issued: IssuedAnnualReport, strategy: Strategy, language: str, fmt: str) -> str:
    """`AL-NSM-2024-2030_annual-2024-issue-2_sq.pdf`."""
    return f"{strategy.code}_annual-{issued.period}-issue-{issued.number}_{language}.{fmt}"
