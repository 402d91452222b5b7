"""The documents: one made on request (the annual monitoring report, the strategy and action plan) and its file; the
monitoring report as issued (its narrative, its issues and their files); the texts of the GCM voluntary national
review.

A requested document's row is also the record of who asked for what, when, and from which data: it is written once by
the request and then only by the background task that makes the file, never edited by people, so it keeps no separate
history (no simple_history): the row itself is the audit record. The narratives and the review's texts are edited by
people, so they keep their history.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from nsm.accounts.access import ANALYSTS, OVERSEERS, PLAN_EDITORS, SECRETARIAT, CountryScopedQuerySet
from nsm.audit import history_user
from nsm.core import limits
from nsm.core.limits import long_text_field_options
from nsm.strategy.models import Strategy


class DocumentQuerySet(CountryScopedQuerySet):
    """Documents are read by whoever reads the analysis they are made from, and asked for by the plan's editors."""

    readers = ANALYSTS
    editors = PLAN_EDITORS


def document_path(document: GeneratedDocument, filename: str) -> str:
    """`documents/<strategy code>/<file name>`; the storage adds a suffix when the name is taken."""
    return f"documents/{document.strategy.code}/{filename}"


class GeneratedDocument(models.Model):
    """One document asked for by one person, made in the background: queued -> running -> done | failed."""

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("Annual monitoring report")
        PLAN = "plan", _("Strategy and action plan")

    class Format(models.TextChoices):
        DOCX = "docx", _("Word (DOCX)")
        PDF = "pdf", _("PDF")
        XLSX = "xlsx", _("Excel (XLSX)")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being made")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="documents", verbose_name=_("strategy")
    )
    kind = models.CharField(_("document"), max_length=16, choices=Kind.choices)
    period = models.CharField(
        _("period"),
        max_length=16,
        blank=True,
        help_text=_("2025 or 2025-H1; for the plan, empty (the whole strategy) or one action plan's years"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    fmt = models.CharField(_("format"), max_length=8, choices=Format.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to=document_path, max_length=255, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), null=True, blank=True)
    content_type = models.CharField(_("content type"), max_length=120, blank=True)
    data_stamp = models.CharField(_("data version"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("last sign of life"),
        null=True,
        blank=True,
        help_text=_("Written by the worker every few seconds while it makes the document."),
    )
    task_id = models.CharField(_("task"), max_length=64, blank=True)

    objects = DocumentQuerySet.as_manager()

    # Not stored: set by the Documents page for its rows, whether the document was made from the data as they are
    # now (`made_from`).
    current: bool

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        ordering = ("-requested_at", "-pk")
        indexes = [models.Index(fields=["strategy", "-requested_at"], name="reports_doc_strategy_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100),
                name="reports_doc_progress_at_most_100",
                violation_error_message=_("Progress is a percentage: at most 100."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind="plan") | ~models.Q(period=""),
                name="reports_doc_period_for_annual",
                violation_error_message=_("The monitoring report needs a period."),
            ),
        ]

    def __str__(self) -> str:
        what = f"{self.get_kind_display()} {self.period}".strip()
        return f"{what} ({self.language}, {self.fmt})"

    def made_from(self, stamp: str | None) -> bool:
        """Whether the document was made from the data the analysis stamp `stamp` describes (reports, cycles, results,
        activities, indicators; `with_analysis_stamp`): all of it for the monitoring report, and for the plan only
        its results, activities and indicators, which a saved report does not change."""
        if self.kind == self.Kind.PLAN:
            return self.data_stamp.split("/")[2:] == (stamp or "").split("/")[2:]
        return self.data_stamp == stamp

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


@receiver(post_delete, sender=GeneratedDocument)
def delete_file(sender: type[GeneratedDocument], instance: GeneratedDocument, **kwargs: object) -> None:
    """The file goes with its row (deleted in the admin, or with its strategy), once the deletion is committed."""
    if instance.file:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))


NARRATIVE_PARTS = ("analysis", "conclusions", "recommendations")


def narrative_fields() -> list[str]:
    """`analysis_sq`, `analysis_en`, `conclusions_sq`, ...: the narrative's six texts, in the order they are shown."""
    return [f"{part}_{language}" for part in NARRATIVE_PARTS for language in ("sq", "en")]


class AnnualNarrative(models.Model):
    """What the secretariat writes into the annual (or half-yearly) monitoring report of a strategy for a period,
    before issuing it: the analysis, the conclusions and the recommendations, each in Albanian and English, in
    Markdown. The draft documents print it as it is now; an issue freezes a copy (`IssuedAnnualReport`)."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="annual_narratives", verbose_name=_("strategy")
    )
    period = models.CharField(_("period"), max_length=16, help_text=_("2025 or 2025-H1"))
    analysis_sq = models.TextField(_("analysis (Albanian)"), blank=True, **long_text_field_options())
    analysis_en = models.TextField(_("analysis (English)"), blank=True, **long_text_field_options())
    conclusions_sq = models.TextField(_("conclusions (Albanian)"), blank=True, **long_text_field_options())
    conclusions_en = models.TextField(_("conclusions (English)"), blank=True, **long_text_field_options())
    recommendations_sq = models.TextField(_("recommendations (Albanian)"), blank=True, **long_text_field_options())
    recommendations_en = models.TextField(_("recommendations (English)"), blank=True, **long_text_field_options())
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("annual report narrative")
        verbose_name_plural = _("annual report narratives")
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "period"],
                name="reports_narrative_one_per_period",
                violation_error_message=_("This period's report already has its narrative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.strategy_id} {self.period}"

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name).strip() for name in narrative_fields())


class IssuedAnnualReport(models.Model):
    """An annual (or half-yearly) monitoring report as the secretariat issued it: numbered 1, 2, ... for its strategy
    and period, with the narrative as it was then and the files made then, in every language and format, never made
    again. A later correction is a new issue, which says why; both stay. Published on the strategy's public page
    when the strategy is public."""

    strategy = models.ForeignKey(
        Strategy, on_delete=models.PROTECT, related_name="annual_issues", verbose_name=_("strategy")
    )
    period = models.CharField(_("period"), max_length=16)
    number = models.PositiveSmallIntegerField(_("number"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("issued by"),
    )  # fmt: skip
    data_stamp = models.CharField(_("data version"), max_length=200, blank=True)
    reason = models.TextField(
        _("reason for the correction"), blank=True, help_text=_("What a later issue corrects in the one before."),
        **long_text_field_options(),
    )  # fmt: skip
    analysis_sq = models.TextField(_("analysis (Albanian)"), blank=True, editable=False)
    analysis_en = models.TextField(_("analysis (English)"), blank=True, editable=False)
    conclusions_sq = models.TextField(_("conclusions (Albanian)"), blank=True, editable=False)
    conclusions_en = models.TextField(_("conclusions (English)"), blank=True, editable=False)
    recommendations_sq = models.TextField(_("recommendations (Albanian)"), blank=True, editable=False)
    recommendations_en = models.TextField(_("recommendations (English)"), blank=True, editable=False)

    history = HistoricalRecords(get_user=history_user, excluded_fields=narrative_fields())

    class Meta:
        ordering = ["strategy", "period", "-number"]
        verbose_name = _("issued annual report")
        verbose_name_plural = _("issued annual reports")
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "period", "number"],
                name="reports_annual_issue_unique_number",
                violation_error_message=_("This period's report already has an issue with this number."),
            ),
            models.CheckConstraint(
                condition=models.Q(number=1) | ~models.Q(reason=""),
                name="reports_annual_issue_correction_says_why",
                violation_error_message=_("A correction says what it corrects."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.strategy_id} {self.period} #{self.number}"


def issued_file_path(issued_file: IssuedAnnualFile, filename: str) -> str:
    """`documents/<strategy code>/issued/<file name>`; the storage adds a suffix when the name is taken."""
    return f"documents/{issued_file.issue.strategy.code}/issued/{filename}"


class IssuedAnnualFile(models.Model):
    """One file of an issued annual report, in one language and format, made when it was issued and never again:
    downloads serve these bytes. Written once with its issue; no history of its own (the issue's is the record)."""

    issue = models.ForeignKey(
        IssuedAnnualReport, on_delete=models.CASCADE, related_name="files", verbose_name=_("issue")
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    fmt = models.CharField(_("format"), max_length=8, choices=GeneratedDocument.Format.choices)
    file = models.FileField(_("file"), upload_to=issued_file_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=120)

    class Meta:
        ordering = ["issue", "language", "fmt"]
        verbose_name = _("issued annual report file")
        verbose_name_plural = _("issued annual report files")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "language", "fmt"],
                name="reports_annual_file_one_per_language_format",
                violation_error_message=_("This issue already has a file in this language and format."),
            ),
        ]

    def __str__(self) -> str:
        return self.filename


@receiver(post_delete, sender=IssuedAnnualFile)
def delete_issued_file(sender: type[IssuedAnnualFile], instance: IssuedAnnualFile, **kwargs: object) -> None:
    """The file goes with its row (an issue is deleted only in the admin), once the deletion is committed."""
    if instance.file:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))


# --- The GCM voluntary national review: the texts the secretariat writes around the data ---

GCM_OBJECTIVES = 23
# A chapter of the review or an objective's text: room for a few pages of Markdown, and within an Excel cell.
REVIEW_TEXT_CHARS = 20_000


def review_text_options() -> limits.TextFieldOptions:
    return {
        "max_length": REVIEW_TEXT_CHARS,
        "validators": [MaxLengthValidator(REVIEW_TEXT_CHARS), limits.refuse_control_characters],
    }


class GcmReviewQuerySet(CountryScopedQuerySet):
    """A draft review is read by the secretariat and the coordinator of the strategy's country and written by the
    secretariat; nobody else sees it (it is not public, and not for viewers until it is issued as a document)."""

    readers = OVERSEERS
    editors = SECRETARIAT


class GcmReview(models.Model):
    """The draft of the strategy's voluntary national review of the Global Compact for Migration for one period: its
    free chapters, in Albanian and English (Markdown). The figures are not kept here: they are read from the plan and
    the approved reports each time the page or the document is made (`nsm.reports.gcm_review`)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")

    strategy = models.ForeignKey(
        Strategy, on_delete=models.PROTECT, related_name="gcm_reviews", verbose_name=_("strategy")
    )
    period = models.CharField(_("period"), max_length=16, help_text=_("2025, 2025-H1 or 2024-2026"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    context_sq = models.TextField(_("national context and method (Albanian)"), blank=True, **review_text_options())
    context_en = models.TextField(_("national context and method (English)"), blank=True, **review_text_options())
    principles_sq = models.TextField(_("guiding principles (Albanian)"), blank=True, **review_text_options())
    principles_en = models.TextField(_("guiding principles (English)"), blank=True, **review_text_options())
    challenges_sq = models.TextField(_("challenges (Albanian)"), blank=True, **review_text_options())
    challenges_en = models.TextField(_("challenges (English)"), blank=True, **review_text_options())
    next_steps_sq = models.TextField(_("next steps (Albanian)"), blank=True, **review_text_options())
    next_steps_en = models.TextField(_("next steps (English)"), blank=True, **review_text_options())
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(get_user=history_user)
    objects = GcmReviewQuerySet.as_manager()

    CHAPTERS = ("context", "principles", "challenges", "next_steps")

    class Meta:
        verbose_name = _("GCM review")
        verbose_name_plural = _("GCM reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "period"],
                name="reports_gcm_review_one_per_period",
                violation_error_message=_("The strategy has a GCM review for this period already."),
            ),
        ]

    def __str__(self) -> str:
        return f"GCM review {self.period}"


class GcmReviewObjectiveQuerySet(CountryScopedQuerySet):
    country_lookup = "review__strategy__country"
    readers = OVERSEERS
    editors = SECRETARIAT


class GcmReviewObjective(models.Model):
    """What the review says about one of the 23 GCM objectives, in Albanian and English (Markdown); empty until the
    secretariat writes it, when the page shows only the data-drafted summary."""

    review = models.ForeignKey(
        GcmReview, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("GCM review")
    )
    number = models.PositiveSmallIntegerField(
        _("GCM objective"), validators=[MinValueValidator(1), MaxValueValidator(GCM_OBJECTIVES)]
    )
    text_sq = models.TextField(_("text (Albanian)"), blank=True, **review_text_options())
    text_en = models.TextField(_("text (English)"), blank=True, **review_text_options())
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(get_user=history_user)
    objects = GcmReviewObjectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("GCM review objective")
        verbose_name_plural = _("GCM review objectives")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "number"],
                name="reports_gcm_review_objective_once",
                violation_error_message=_("The review has a text for this objective already."),
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=GCM_OBJECTIVES),
                name="reports_gcm_review_objective_1_to_23",
                violation_error_message=_("A GCM objective is numbered 1 to 23."),
            ),
        ]

    def __str__(self) -> str:
        return f"GCM objective {self.number}"


# A remark on a draft, and the secretariat's answer to it: plain text, at most this many characters.
REMARK_CHARS = 4_000


def remark_text_options() -> limits.TextFieldOptions:
    return {
        "max_length": REMARK_CHARS,
        "validators": [MaxLengthValidator(REMARK_CHARS), limits.refuse_control_characters],
    }


class RemarkQuerySet(CountryScopedQuerySet):
    """Remarks are the coordinator's and the secretariat's working notes on the drafts they prepare together: they
    read and write them; nobody else sees them (`access.may_remark`)."""

    readers = OVERSEERS
    editors = OVERSEERS

    def answerable_by(self, user: Any) -> QuerySet:
        """The remarks the user answers: those of the countries where they are the secretariat."""
        return self._in_countries_of(user, SECRETARIAT)


class Remark(models.Model):
    """A remark on a draft the secretariat writes: a narrative chapter of the strategy, the narrative of a monitoring
    report, the GCM review or the SDG 10.7.2 self-assessment of a period (`subject`, e.g. "chapter-vision",
    "annual-2024", "gcm-2024-2026", "sdg-2025": nsm.reports.remarks). Posted by the coordinator or the secretariat;
    the secretariat answers it, which marks it resolved. Never deleted nor edited: the answer is the only change."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="remarks", verbose_name=_("strategy"))
    subject = models.CharField(_("about"), max_length=32)
    text = models.TextField(_("remark"), **remark_text_options())
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("answer"), blank=True, **remark_text_options())
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("resolved by"),
    )  # fmt: skip
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    history = HistoricalRecords(get_user=history_user)
    objects = RemarkQuerySet.as_manager()

    class Meta:
        verbose_name = _("remark")
        verbose_name_plural = _("remarks")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["strategy", "subject"], name="reports_remark_subject")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open", resolved_at__isnull=True)
                | models.Q(status="resolved", resolved_at__isnull=False),
                name="reports_remark_resolved_when",
                violation_error_message=_("A resolved remark says when it was resolved; an open one does not."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} #{self.pk}"
