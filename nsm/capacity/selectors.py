"""Named reads of capacity building, shared by the pages and monitoring; each in a fixed number of queries.

An official is one name (`name_key`) at one institution. Counts of officials are taken per institution and sex
(distinct names) and added up, so that a table's cells always add up to its totals; a person attending several
trainings counts once. A training counts in the year it ended: that is when its officials are trained.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear

from nsm.accounts.models import Institution
from nsm.capacity.models import Participant, Topic, Training, TrainingTopic
from nsm.strategy.models import Strategy

SEXES = tuple(Participant.Sex.values)


def trainings_list(trainings: QuerySet[Training], *, year: int | None = None, topic: str = "") -> QuerySet[Training]:
    """Trainings (already scoped to the user) with their topics, organiser and participant counts: 2 queries."""
    if year:
        trainings = trainings.filter(starts_on__year__lte=year, ends_on__year__gte=year)
    if topic:
        trainings = trainings.filter(topics__topic=topic)
    return (
        trainings.select_related("organiser")
        .prefetch_related(Prefetch("topics", queryset=TrainingTopic.objects.order_by("topic")))
        .annotate(
            n_participants=Count("participants", distinct=True),
            n_female=Count("participants", filter=Q(participants__sex="female"), distinct=True),
            n_male=Count("participants", filter=Q(participants__sex="male"), distinct=True),
        )
        .order_by("-starts_on", "title", "pk")
    )


def years_of(strategy: Strategy) -> list[int]:
    """The years in which the strategy's trainings took place, newest first (for the year filter)."""
    years: set[int] = set()
    for starts_on, ends_on in Training.objects.filter(strategy=strategy).values_list("starts_on", "ends_on"):
        years.update(range(starts_on.year, ends_on.year + 1))
    return sorted(years, reverse=True)


def participants_of(training: Training) -> QuerySet[Participant]:
    return Participant.objects.filter(training=training).select_related("institution").order_by("name_key", "pk")


# --- Officials trained ---


@dataclass(frozen=True)
class OfficialsCount:
    """Officials trained: the total and the number of each sex (female, male, other)."""

    total: int
    by_sex: dict[str, int]


def officials_trained(strategy: Strategy | int, starts_on: datetime.date, ends_on: datetime.date) -> OfficialsCount:
    """Officials trained at the strategy's trainings that ended within `starts_on`..`ends_on`: 1 query."""
    rows = (
        Participant.objects.filter(
            training__strategy=strategy, training__ends_on__gte=starts_on, training__ends_on__lte=ends_on
        )
        .values("sex", "institution")
        .annotate(n=Count("name_key", distinct=True))
        .order_by()
    )
    by_sex = dict.fromkeys(SEXES, 0)
    for row in rows:
        by_sex[row["sex"]] = by_sex.get(row["sex"], 0) + row["n"]
    return OfficialsCount(total=sum(by_sex.values()), by_sex=by_sex)


# --- The summary page ---


@dataclass(frozen=True)
class InstitutionRow:
    institution: Institution
    by_sex: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_sex.values())

    @property
    def cells(self) -> list[int]:
        return [self.by_sex.get(sex, 0) for sex in SEXES]


@dataclass(frozen=True)
class TopicRow:
    topic: str
    label: str
    trainings: int
    counts: tuple[int, ...]  # officials trained on the topic at trainings that ended in each of the summary's years


@dataclass(frozen=True)
class Summary:
    trainings: int
    institutions: tuple[InstitutionRow, ...]
    totals_by_sex: dict[str, int]
    topics: tuple[TopicRow, ...]
    years: list[int]
    average_gain: Decimal | None  # post-test minus pre-test, over the participants who took both
    scored: int  # how many participants took both tests

    @property
    def officials(self) -> int:
        return sum(self.totals_by_sex.values())

    @property
    def sex_totals(self) -> list[int]:
        return [self.totals_by_sex.get(sex, 0) for sex in SEXES]


def _one_decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def summary(strategy: Strategy) -> Summary:
    """Officials trained by institution and sex, by topic and year, and the average score gain: 5 queries."""
    participants = Participant.objects.filter(training__strategy=strategy)
    by_institution_sex = (
        participants.values("institution", "sex").annotate(n=Count("name_key", distinct=True)).order_by()
    )
    cells: dict[int, dict[str, int]] = defaultdict(dict)
    for row in by_institution_sex:
        cells[row["institution"]][row["sex"]] = row["n"]
    institutions = Institution.objects.in_bulk(list(cells))
    rows = sorted(
        (InstitutionRow(institutions[pk], by_sex) for pk, by_sex in cells.items()),
        key=lambda row: (-row.total, row.institution.code),
    )
    totals = dict.fromkeys(SEXES, 0)
    for row in rows:
        for sex, n in row.by_sex.items():
            totals[sex] += n
    # Officials per topic and year: distinct names per institution, added up over the institutions.
    topic_year = (
        participants.annotate(year=ExtractYear("training__ends_on"), topic=F("training__topics__topic"))
        .filter(topic__isnull=False)
        .values("topic", "year", "institution")
        .annotate(n=Count("name_key", distinct=True))
        .order_by()
    )
    by_topic: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in topic_year:
        by_topic[row["topic"]][row["year"]] += row["n"]
    trainings_per_topic = dict(
        TrainingTopic.objects.filter(training__strategy=strategy)
        .values("topic")
        .annotate(n=Count("training", distinct=True))
        .order_by()
        .values_list("topic", "n")
    )
    years = sorted({year for counts in by_topic.values() for year in counts})
    topics = tuple(
        TopicRow(
            topic, str(label), trainings_per_topic[topic], tuple(by_topic.get(topic, {}).get(year, 0) for year in years)
        )
        for topic, label in Topic.choices
        if topic in trainings_per_topic
    )
    gain = participants.filter(pre_score__isnull=False, post_score__isnull=False).aggregate(
        average=Avg(F("post_score") - F("pre_score")), scored=Count("pk")
    )
    return Summary(
        trainings=Training.objects.filter(strategy=strategy).count(),
        institutions=tuple(rows),
        totals_by_sex=totals,
        topics=topics,
        years=years,
        average_gain=_one_decimal(gain["average"]),
        scored=gain["scored"],
    )


@dataclass(frozen=True)
class Scores:
    scored: int
    average_pre: Decimal | None
    average_post: Decimal | None
    average_gain: Decimal | None


def scores_of(training: Training) -> Scores:
    """A training's average scores and gain over the participants who took both tests: 1 query."""
    values = Participant.objects.filter(training=training, pre_score__isnull=False, post_score__isnull=False).aggregate(
        scored=Count("pk"),
        pre=Avg("pre_score"),
        post=Avg("post_score"),
        gain=Avg(F("post_score") - F("pre_score")),
    )
    return Scores(
        scored=values["scored"],
        average_pre=_one_decimal(values["pre"]),
        average_post=_one_decimal(values["post"]),
        average_gain=_one_decimal(values["gain"]),
    )
