"""How SDG indicator 10.7.2 turns answers into values: the one place for the answer levels, the thresholds and the
computation.

Source: the UN DESA and IOM metadata of indicator 10.7.2 (UN Statistics Division metadata repository; national
copies such as data.stat.gov.rs, 2025) and UN DESA, "SDG indicator 10.7.2: Data Booklet" (2020). Six domains, each
answered through its sub-categories in the UN Inquiry among Governments on Population and Development; a domain's
value is the share of its sub-categories met, in per cent; each value is classed in one of four categories.

What was NOT verified against the text of the sources for this work (the sources retrieved gave the domains and
the framework, not the computation section), and so is our reading, to be checked before an official submission:
- the thresholds below (less than 40 per cent: requires further progress; 40 to less than 80: partially meets; 80
  to less than 100: meets; 100: fully meets);
- a partial answer (domain 1's "only for migrants in a regular situation") counting as half a sub-category met;
- the overall value as the plain average of the six domain values, classed with the same thresholds (the UN
  publishes the domains and the share of countries in each category; a national overall figure is ours).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """An answer to a sub-category."""

    YES = "yes", _("Yes")
    PARTIAL = "partial", _("Partly (only for migrants in a regular situation)")
    NO = "no", _("No")


# What each answer counts for in its domain: a sub-category met, half met, not met.
LEVEL_VALUES: dict[str, Decimal] = {Level.YES: Decimal(1), Level.PARTIAL: Decimal("0.5"), Level.NO: Decimal(0)}


class Category(models.TextChoices):
    """The four categories a value is classed in, best first."""

    FULLY_MEETS = "fully_meets", _("Fully meets")
    MEETS = "meets", _("Meets")
    PARTIALLY_MEETS = "partially_meets", _("Partially meets")
    REQUIRES_PROGRESS = "requires_progress", _("Requires further progress")


# (lowest value in per cent, category), highest first: a value is in the first category whose floor it reaches.
THRESHOLDS: tuple[tuple[Decimal, Category], ...] = (
    (Decimal(100), Category.FULLY_MEETS),
    (Decimal(80), Category.MEETS),
    (Decimal(40), Category.PARTIALLY_MEETS),
    (Decimal(0), Category.REQUIRES_PROGRESS),
)
RANK = {category: rank for rank, (_floor, category) in enumerate(reversed(THRESHOLDS))}  # higher is better


def classify(value: Decimal | None) -> Category | None:
    """The category of a value in per cent (None for no value)."""
    if value is None:
        return None
    for floor, category in THRESHOLDS:
        if value >= floor:
            return category
    return Category.REQUIRES_PROGRESS


def domain_value(levels: Iterable[str]) -> Decimal | None:
    """A domain's value in per cent: the share of its sub-categories met (a partial answer counts half). None while a
    sub-category is unanswered (an empty level) or the domain has none: the methodology has no value for a domain
    answered in part."""
    answered = list(levels)
    if not answered or any(level not in LEVEL_VALUES for level in answered):
        return None
    return sum((LEVEL_VALUES[level] for level in answered), Decimal(0)) * 100 / len(answered)


def overall_value(values: Iterable[Decimal | None]) -> Decimal | None:
    """The overall value: the average of the domain values; None unless every domain has one."""
    domains = list(values)
    if not domains or any(value is None for value in domains):
        return None
    return sum((value for value in domains if value is not None), Decimal(0)) / len(domains)
