"""Read-only code lists: loaded by data migrations from `data/*.csv`, each row with its source."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from nsm.i18n import Localized


class Sourced(models.Model):
    """Where a reference row comes from, and whether that source was checked (yes, partial, no)."""

    source = models.TextField(_("source"), blank=True)
    verified = models.CharField(_("verified"), max_length=10, blank=True)

    class Meta:
        abstract = True


class GcmObjective(Sourced):
    """One of the 23 objectives of the Global Compact for Safe, Orderly and Regular Migration."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_sq = models.CharField(_("title (Albanian)"), max_length=300, blank=True)
    short_label_en = models.CharField(_("short label (English)"), max_length=100, blank=True)
    short_label_sq = models.CharField(_("short label (Albanian)"), max_length=100, blank=True)

    title = Localized("title")
    short_label = Localized("short_label")

    class Meta:
        ordering = ["number"]
        verbose_name = _("GCM objective")
        verbose_name_plural = _("GCM objectives")

    def __str__(self) -> str:
        return f"{self.number}. {self.short_label or self.title}"


class GcmPrinciple(Sourced):
    """One of the 10 cross-cutting guiding principles of the GCM (a to j)."""

    letter = models.CharField(_("letter"), max_length=1, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=100)
    title_sq = models.CharField(_("title (Albanian)"), max_length=100, blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_sq = models.TextField(_("summary (Albanian)"), blank=True)

    title = Localized("title")
    summary = Localized("summary")

    class Meta:
        ordering = ["letter"]
        verbose_name = _("GCM guiding principle")
        verbose_name_plural = _("GCM guiding principles")

    def __str__(self) -> str:
        return f"{self.letter}) {self.title}"


def sdg_sort_key(code: str) -> str:
    """`10.7` -> `0010.0007`, `3.c` -> `0003.000c`: codes sort as numbers, letters after digits."""
    return ".".join(part.zfill(4) for part in code.split("."))


class SdgTarget(Sourced):
    """A Sustainable Development Goal target related to migration (10.7 first of all)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    sort_key = models.CharField(max_length=30, editable=False, db_index=True)
    title_en = models.TextField(_("title (English)"))
    title_sq = models.TextField(_("title (Albanian)"), blank=True)

    title = Localized("title")

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("SDG target")
        verbose_name_plural = _("SDG targets")

    def __str__(self) -> str:
        return self.code


class SdgIndicator(Sourced):
    """A global SDG indicator under a target, with its custodian agency and its relevance to migration."""

    code = models.CharField(_("code"), max_length=12, unique=True)
    sort_key = models.CharField(max_length=30, editable=False, db_index=True)
    target = models.ForeignKey(SdgTarget, on_delete=models.PROTECT, related_name="indicators")
    title_en = models.TextField(_("title (English)"))
    title_sq = models.TextField(_("title (Albanian)"), blank=True)
    custodian = models.CharField(_("custodian agency"), max_length=200, blank=True)
    relevance = models.TextField(_("relevance to migration"), blank=True)

    title = Localized("title")

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("SDG indicator")
        verbose_name_plural = _("SDG indicators")

    def __str__(self) -> str:
        return self.code


class MgiDomain(Sourced):
    """One of the six domains of IOM's Migration Governance Indicators (MGI)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_sq = models.CharField(_("name (Albanian)"), max_length=100, blank=True)
    focus_areas_en = models.TextField(_("focus areas (English)"), blank=True)
    focus_areas_sq = models.TextField(_("focus areas (Albanian)"), blank=True)

    name = Localized("name")
    focus_areas = Localized("focus_areas")

    class Meta:
        ordering = ["number"]
        verbose_name = _("MGI domain")
        verbose_name_plural = _("MGI domains")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class TargetGroup(Sourced):
    """A group of people an activity serves (returnees, diaspora, asylum seekers ...)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_sq = models.CharField(_("name (Albanian)"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    name = Localized("name")

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")

    def __str__(self) -> str:
        return self.name


class DisaggregationDimension(Sourced):
    """A way to split an indicator's value: sex, age group, migrant category, municipality ..."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_sq = models.CharField(_("name (Albanian)"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    name = Localized("name")

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("disaggregation dimension")
        verbose_name_plural = _("disaggregation dimensions")

    def __str__(self) -> str:
        return self.name


class DisaggregationCategory(models.Model):
    """One cell of a dimension: female and male for sex, 15-24 for age group ..."""

    dimension = models.ForeignKey(DisaggregationDimension, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(_("code"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_sq = models.CharField(_("name (Albanian)"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    name = Localized("name")

    class Meta:
        ordering = ["dimension", "position", "code"]
        verbose_name = _("disaggregation category")
        verbose_name_plural = _("disaggregation categories")
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "code"],
                name="disaggregation_category_unique_code",
                violation_error_message=_("This dimension already has a category with this code."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class County(Sourced):
    """One of Albania's 12 counties (qarqe)."""

    code = models.CharField(_("ISO 3166-2 code"), max_length=6, unique=True)
    name_sq = models.CharField(_("name (Albanian)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)

    name = Localized("name")

    class Meta:
        ordering = ["name_sq"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return self.name


class Municipality(Sourced):
    """One of Albania's 61 municipalities (bashki), under its county."""

    name_sq = models.CharField(_("name (Albanian)"), max_length=60, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=60)
    name_ascii = models.CharField(_("name without diacritics"), max_length=60)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="municipalities")

    name = Localized("name")

    class Meta:
        ordering = ["name_sq"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name
