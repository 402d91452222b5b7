"""The evidence base: context indicators (no targets) and their values, one per year, each with its source.

A context indicator describes the migration situation of a country (emigration, returns, remittances, residence
permits, asylum, the diaspora, the population) rather than the plan's progress: it has no baseline and no target.
Its values form a time series, one value per year: importing or entering another value for a year replaces the
one held (the latest source wins), and the replaced value stays in the history.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from nsm.accounts import access
from nsm.audit import history_user
from nsm.core import limits
from nsm.i18n import Localized

URL_SEPARATOR = re.compile(r"\s+;\s+|\s*;\s*(?=https?://)")


def split_urls(text: str) -> list[str]:
    """`https://a ; https://b` -> [https://a, https://b]: a source may have several links, separated by `;`."""
    return [part.strip() for part in URL_SEPARATOR.split(text or "") if part.strip()]


def validate_urls(text: str) -> None:
    check = URLValidator(schemes=["http", "https"])
    for url in split_urls(text):
        try:
            check(url)
        except ValidationError as error:
            raise ValidationError(
                _("“%(url)s” is not a web address (http:// or https://); separate several with “ ; ”."),
                params={"url": url},
                code="invalid",
            ) from error


class IndicatorQuerySet(access.CountryScopedQuerySet):
    """Read by every member of an institution of the country; changed by its coordinators and secretariat."""

    country_lookup = "country"


class ValueQuerySet(access.CountryScopedQuerySet):
    country_lookup = "indicator__country"


class ContextIndicator(models.Model):
    """A statistic that describes a country's migration context, such as remittances received per year."""

    class Topic(models.TextChoices):
        EMIGRATION = "emigration", _("Emigration")
        RETURNS = "returns", _("Returns")
        REMITTANCES = "remittances", _("Remittances")
        RESIDENCE_PERMITS = "residence_permits", _("Residence permits for foreigners")
        ASYLUM = "asylum", _("Asylum applications")
        DIASPORA = "diaspora", _("Diaspora")
        POPULATION = "population", _("Population")
        OTHER = "other", _("Other")

    country = models.CharField(_("country"), max_length=2, default="AL", help_text=_("ISO 3166 alpha-2 code."))
    code = models.SlugField(
        _("code"), max_length=60, help_text=_("Letters, digits and hyphens; unique in the country.")
    )
    name_sq = models.CharField(_("name (Albanian)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, default=Topic.OTHER)
    unit_sq = models.CharField(
        _("unit (Albanian)"),
        max_length=100,
        blank=True,
        help_text=_("For example persona, milionë EUR, përqind e PBB."),
    )
    unit_en = models.CharField(
        _("unit (English)"),
        max_length=100,
        blank=True,
        help_text=_("For example persons, EUR million, percent of GDP."),
    )
    source = models.CharField(
        _("default source"),
        max_length=500,
        blank=True,
        help_text=_("Offered for new values; each value names its own."),
    )
    notes = models.TextField(_("notes"), blank=True, **limits.long_text_field_options())

    name = Localized("name")
    unit = Localized("unit")
    objects = IndicatorQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["country", "topic", "name_en", "code"]
        verbose_name = _("context indicator")
        verbose_name_plural = _("context indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "code"],
                name="context_indicator_code_unique_per_country",
                violation_error_message=_("Another context indicator of this country has this code."),
            ),
            models.CheckConstraint(
                condition=~Q(name_sq="") | ~Q(name_en=""),
                name="context_indicator_has_a_name",
                violation_error_message=_("Give the indicator a name, in Albanian or in English."),
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.code

    def clean(self) -> None:
        super().clean()
        if not (self.unit_sq.strip() or self.unit_en.strip()):
            raise ValidationError({"unit_sq": _("Give the indicator's unit, in Albanian or in English.")})


class ContextValue(models.Model):
    """The value of a context indicator for one year (or a period ending that year), with its source.

    One value per indicator and year: a newer figure for the same year replaces the held one (history keeps it).
    A value is a number; a qualitative statement in words (“one third”) is kept as text and not charted.
    """

    class Verified(models.TextChoices):
        YES = "yes", _("Verified")
        PARTIAL = "partial", _("Partly verified")
        NO = "no", _("Not verified")

    indicator = models.ForeignKey(
        ContextIndicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicator")
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text=_("The year of the value; for a period, its last year."),
    )
    period = models.CharField(
        _("period"),
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(r"^(c\.\s*)?\d{4}(\s*[-–]\s*\d{4})?$", _("Write a period as 2009-2013 or c. 2022."))
        ],
        help_text=_("Only when the value covers a period or an approximate year, e.g. 2009-2013 or c. 2022."),
    )
    value = models.DecimalField(_("value"), max_digits=15, decimal_places=4, null=True, blank=True)
    value_text = models.CharField(
        _("value in words"), max_length=100, blank=True, help_text=_("Only for a qualitative value, e.g. one third.")
    )
    unit = models.CharField(
        _("unit"), max_length=100, blank=True, help_text=_("Only when it differs from the indicator's unit.")
    )
    source = models.CharField(_("source"), max_length=500)
    source_url = models.CharField(
        _("source links"),
        max_length=2000,
        blank=True,
        validators=[validate_urls],
        help_text=_("Web addresses; separate several with “ ; ”."),
    )
    verified = models.CharField(_("verified"), max_length=10, choices=Verified.choices, default=Verified.NO)
    note = models.TextField(_("note"), blank=True, **limits.long_text_field_options())
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ValueQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("context value")
        verbose_name_plural = _("context values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                name="context_value_one_per_indicator_and_year",
                violation_error_message=_("This indicator already has a value for this year: change that one."),
            ),
            models.CheckConstraint(
                condition=(Q(value__isnull=False) & Q(value_text="")) | (Q(value__isnull=True) & ~Q(value_text="")),
                name="context_value_number_or_words",
                violation_error_message=_("Give either a number or, for a qualitative value, words, not both."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.period or self.year}"

    @property
    def year_label(self) -> str:
        return self.period or str(self.year)

    @property
    def links(self) -> list[str]:
        return split_urls(self.source_url)

    def clean(self) -> None:
        if self.period:
            years = [int(y) for y in re.findall(r"\d{4}", self.period)]
            if years[-1] != self.year:
                raise ValidationError({"period": _("The period must end in the value's year.")})
            if years[0] > years[-1]:
                raise ValidationError({"period": _("The period's first year must not be after its last.")})
