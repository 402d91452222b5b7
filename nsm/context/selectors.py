"""Reads of the evidence base that pages and documents share: each in a fixed number of queries.

Documents see frozen dataclasses, never the ORM: `context_series(country)` is what a document's context section
walks; the pages use the same series for an indicator's table and chart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from nsm.context.models import ContextIndicator, ContextValue, split_urls
from nsm.i18n import localized_with_language


@dataclass(frozen=True)
class ContextPoint:
    """One value of a series: its year (the last of its period), the number or words, unit and source."""

    year: int
    period: str
    value: Decimal | None
    value_text: str
    unit: str
    source: str
    source_urls: tuple[str, ...]
    verified: str
    verified_label: str
    note: str
    pk: int

    @property
    def year_label(self) -> str:
        return self.period or str(self.year)


@dataclass(frozen=True)
class ContextSeries:
    """A context indicator and its values, oldest first."""

    pk: int
    country: str
    code: str
    name: str
    name_language: str
    name_sq: str
    name_en: str
    topic: str
    topic_label: str
    unit: str
    unit_language: str
    source: str
    notes: str
    points: tuple[ContextPoint, ...]

    @property
    def latest(self) -> ContextPoint | None:
        return self.points[-1] if self.points else None

    @property
    def numeric_points(self) -> tuple[ContextPoint, ...]:
        return tuple(point for point in self.points if point.value is not None)


@dataclass(frozen=True)
class TopicGroup:
    topic: str
    label: str
    series: tuple[ContextSeries, ...]


def _point(value: ContextValue, indicator: ContextIndicator) -> ContextPoint:
    return ContextPoint(
        year=value.year,
        period=value.period,
        value=value.value,
        value_text=value.value_text,
        unit=value.unit or indicator.unit,
        source=value.source,
        source_urls=tuple(split_urls(value.source_url)),
        verified=value.verified,
        verified_label=str(value.get_verified_display()),
        note=value.note,
        pk=value.pk,
    )


def series_of(indicator: ContextIndicator, values: Iterable[ContextValue]) -> ContextSeries:
    name = localized_with_language(indicator, "name")
    unit = localized_with_language(indicator, "unit")
    return ContextSeries(
        pk=indicator.pk,
        country=indicator.country,
        code=indicator.code,
        name=name.text,
        name_language=name.language,
        name_sq=indicator.name_sq,
        name_en=indicator.name_en,
        topic=indicator.topic,
        topic_label=str(indicator.get_topic_display()),
        unit=unit.text,
        unit_language=unit.language,
        source=indicator.source,
        notes=indicator.notes,
        points=tuple(_point(value, indicator) for value in sorted(values, key=lambda v: v.year)),
    )


def series_for(indicators: QuerySet[ContextIndicator]) -> tuple[ContextSeries, ...]:
    """The series of the given indicators, in their order: two queries."""
    values = Prefetch("values", queryset=ContextValue.objects.order_by("year"), to_attr="ordered_values")
    return tuple(series_of(i, i.ordered_values) for i in indicators.prefetch_related(values))


def context_series(country: str, topics: Iterable[str] | None = None) -> tuple[ContextSeries, ...]:
    """Every context indicator of `country` (of the given topics, when given) with its values, for documents."""
    indicators = ContextIndicator.objects.filter(country=country)
    if topics is not None:
        indicators = indicators.filter(topic__in=list(topics))
    return series_for(indicators.order_by("topic", "name_en", "code"))


def by_topic(series: Iterable[ContextSeries]) -> tuple[TopicGroup, ...]:
    """Series grouped by topic, in the order of the topic list (Other last)."""
    order = {value: (index, label) for index, (value, label) in enumerate(ContextIndicator.Topic.choices)}
    groups: dict[str, list[ContextSeries]] = {}
    for item in series:
        groups.setdefault(item.topic, []).append(item)
    return tuple(
        TopicGroup(topic, str(order[topic][1]), tuple(sorted(items, key=lambda s: s.name.casefold())))
        for topic, items in sorted(groups.items(), key=lambda pair: order[pair[0]][0])
    )
