"""The SDG 10.7.2 self-assessment: the indicator's domains and sub-categories (reference data with their source),
the team's mapping of GCM objectives to sub-categories, and a strategy's assessments with one answer per
sub-category.

Reads: whoever reads the analysis of the strategy's country (`access.ANALYSTS`); writes: its secretariat
(`access.SECRETARIAT`). Nothing here is public.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from nsm.accounts import access
from nsm.assessment.methodology import Level
from nsm.audit import history_user
from nsm.core import limits
from nsm.i18n import Localized
from nsm.reference.models import GcmObjective, Sourced
from nsm.strategy.models import Activity, Result, Strategy

EVIDENCE_CHARS = 4_000  # the evidence of one answer: a few paragraphs, with the plan's references


class Domain(Sourced):
    """One of the six domains of indicator 10.7.2."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    label_en = models.CharField(_("label (English)"), max_length=200)
    label_sq = models.CharField(_("label (Albanian)"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    label = Localized("label")

    class Meta:
        ordering = ["number"]
        verbose_name = _("SDG 10.7.2 domain")
        verbose_name_plural = _("SDG 10.7.2 domains")

    def __str__(self) -> str:
        return f"{self.number}. {self.label}"


class SubCategory(Sourced):
    """A sub-category of a domain, answered yes or no (some also in part), with the question behind it."""

    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="subcategories")
    number = models.CharField(_("number"), max_length=5, unique=True)  # "1.1"
    position = models.PositiveSmallIntegerField(_("position"))  # its place in the domain: 1 to 5
    label_en = models.CharField(_("label (English)"), max_length=300)
    label_sq = models.CharField(_("label (Albanian)"), max_length=300, blank=True)
    question = models.TextField(_("question"), blank=True)
    # The partial answer the Inquiry gives for this sub-category, if any ("only for migrants in a regular situation").
    partial_answer_en = models.CharField(_("partial answer (English)"), max_length=200, blank=True)
    partial_answer_sq = models.CharField(_("partial answer (Albanian)"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    label = Localized("label")
    partial_answer = Localized("partial_answer")

    class Meta:
        ordering = ["domain__number", "position"]
        verbose_name = _("SDG 10.7.2 sub-category")
        verbose_name_plural = _("SDG 10.7.2 sub-categories")

    def __str__(self) -> str:
        return f"{self.number} {self.label}"

    @property
    def allows_partial(self) -> bool:
        return bool(self.partial_answer_en)


class GcmLink(models.Model):
    """A GCM objective whose measures and activities speak to a sub-category: suggests the plan's items for it."""

    gcm_objective = models.ForeignKey(GcmObjective, on_delete=models.CASCADE, related_name="sdg_1072_links")
    subcategory = models.ForeignKey(SubCategory, on_delete=models.CASCADE, related_name="gcm_links")
    basis = models.CharField(_("basis"), max_length=200)  # "by the team's reading", or the source that says so
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["subcategory__number", "gcm_objective__number"]
        verbose_name = _("GCM objective for a 10.7.2 sub-category")
        verbose_name_plural = _("GCM objectives for 10.7.2 sub-categories")
        constraints = [
            models.UniqueConstraint(fields=["gcm_objective", "subcategory"], name="gcm_link_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"GCM {self.gcm_objective_id} -> {self.subcategory_id}"


class AssessmentQuerySet(access.CountryScopedQuerySet):
    """Read by whoever reads the country's analysis, changed by its secretariat."""

    readers = access.ANALYSTS
    editors = access.SECRETARIAT


class Assessment(models.Model):
    """A strategy's self-assessment against indicator 10.7.2 for a year: a draft the secretariat fills in, then
    final."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="sdg_1072_assessments")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2015), MaxValueValidator(2100)])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    note = models.TextField(_("note"), blank=True, **limits.long_text_field_options())
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = AssessmentQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["strategy", "-year"]
        verbose_name = _("SDG 10.7.2 self-assessment")
        verbose_name_plural = _("SDG 10.7.2 self-assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "year"],
                name="assessment_one_per_strategy_and_year",
                violation_error_message=_("This strategy has a self-assessment for this year already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.strategy.code} 10.7.2 {self.year}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class Answer(models.Model):
    """The answer to one sub-category in an assessment: its level, the evidence from the plan, and the plan's
    measures and activities it rests on."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    subcategory = models.ForeignKey(SubCategory, on_delete=models.PROTECT, related_name="answers")
    level = models.CharField(_("answer"), max_length=10, choices=Level.choices, blank=True)  # empty: not answered
    evidence = models.TextField(
        _("evidence"),
        blank=True,
        max_length=EVIDENCE_CHARS,
        validators=[limits.refuse_control_characters],
    )
    measures = models.ManyToManyField(Result, blank=True, related_name="sdg_1072_answers", verbose_name=_("measures"))
    activities = models.ManyToManyField(
        Activity, blank=True, related_name="sdg_1072_answers", verbose_name=_("activities")
    )

    history = HistoricalRecords(get_user=history_user, m2m_fields=[measures, activities])

    class Meta:
        ordering = ["assessment", "subcategory__number"]
        verbose_name = _("SDG 10.7.2 answer")
        verbose_name_plural = _("SDG 10.7.2 answers")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "subcategory"], name="answer_one_per_subcategory"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.subcategory.number}"
