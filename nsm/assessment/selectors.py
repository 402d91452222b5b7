"""Reads of the self-assessment that pages and the document share: an assessment's answers with their values by
domain and overall, the comparison with the previous assessment, the plan's items suggested for each sub-category.
Each reads in a fixed number of queries, whatever the size of the plan."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from nsm.assessment.methodology import LEVEL_VALUES, RANK, Category, classify, domain_value, overall_value
from nsm.assessment.models import Answer, Assessment, Domain, GcmLink, SubCategory
from nsm.strategy.models import Activity, Result, Strategy


def assessments_of(strategy: Strategy, user: Any) -> QuerySet[Assessment]:
    """The strategy's assessments the user may read, latest year first."""
    return Assessment.objects.visible_to(user).filter(strategy=strategy).order_by("-year")


def category_label(category: Category | str | None) -> str:
    """The category's name in the active language; "" for none."""
    return str(Category(category).label) if category else ""


@dataclass
class DomainScore:
    domain: Domain
    answers: list[Answer]
    value: Decimal | None
    category: Category | None

    @property
    def answered(self) -> int:
        return sum(1 for answer in self.answers if answer.level)

    @property
    def category_label(self) -> str:
        return category_label(self.category)

    @property
    def met(self) -> Decimal:
        """How many sub-categories are met (a partial answer counts half)."""
        return sum((LEVEL_VALUES.get(answer.level, Decimal(0)) for answer in self.answers), Decimal(0))


@dataclass
class Scores:
    """An assessment's answers by domain, each domain's value and category, and the overall ones."""

    assessment: Assessment
    domains: list[DomainScore]
    value: Decimal | None
    category: Category | None

    @property
    def answers(self) -> list[Answer]:
        return [answer for domain in self.domains for answer in domain.answers]

    @property
    def category_label(self) -> str:
        return category_label(self.category)

    @property
    def answered(self) -> int:
        return sum(domain.answered for domain in self.domains)

    @property
    def total(self) -> int:
        return sum(len(domain.answers) for domain in self.domains)

    def by_number(self) -> dict[str, Answer]:
        return {answer.subcategory.number: answer for answer in self.answers}


def _answers(assessment: Assessment, *, items: bool) -> list[Answer]:
    answers = Answer.objects.filter(assessment=assessment).select_related("subcategory__domain")
    if items:
        answers = answers.prefetch_related(
            Prefetch("measures", queryset=Result.objects.order_by("sort_key")),
            Prefetch("activities", queryset=Activity.objects.order_by("sort_key")),
        )
    return sorted(answers, key=lambda a: (a.subcategory.domain.number, a.subcategory.position))


def scores(assessment: Assessment, *, items: bool = True) -> Scores:
    """The assessment's answers grouped by domain with the values the methodology computes (`methodology.py`): one
    query for the answers, two more for their measures and activities when `items`."""
    return _scored(assessment, _answers(assessment, items=items))


def previous(assessment: Assessment) -> Assessment | None:
    """The assessment it is compared with: the strategy's latest final assessment of an earlier year, else its latest
    earlier one."""
    earlier = Assessment.objects.filter(strategy_id=assessment.strategy_id, year__lt=assessment.year)
    return earlier.filter(status=Assessment.Status.FINAL).order_by("-year").first() or earlier.order_by("-year").first()


@dataclass
class DomainChange:
    domain: Domain | None  # None: the overall values
    before: Decimal | None
    after: Decimal | None
    before_category: Category | None
    after_category: Category | None

    @property
    def change(self) -> Decimal | None:
        """The change in percentage points (None unless both values exist)."""
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def before_label(self) -> str:
        return category_label(self.before_category)

    @property
    def after_label(self) -> str:
        return category_label(self.after_category)

    @property
    def direction(self) -> str:
        """ "up", "down" or "same" by category, "" when a category is missing."""
        if self.before_category is None or self.after_category is None:
            return ""
        before, after = RANK[self.before_category], RANK[self.after_category]
        return "up" if after > before else "down" if after < before else "same"


@dataclass
class AnswerChange:
    subcategory: SubCategory
    before: str
    after: str


@dataclass
class Comparison:
    """This assessment against the previous one: each domain's values and categories, the overall, and the
    sub-categories whose answer changed."""

    previous: Assessment
    domains: list[DomainChange]
    overall: DomainChange
    answers: list[AnswerChange] = field(default_factory=list)


def comparison(current: Scores) -> Comparison | None:
    """The comparison with `previous(assessment)`, or None when there is none (two queries)."""
    earlier = previous(current.assessment)
    if earlier is None:
        return None
    before = scores(earlier, items=False)
    before_domains = {score.domain.number: score for score in before.domains}
    domains = []
    for score in current.domains:
        old = before_domains.get(score.domain.number)
        domains.append(
            DomainChange(
                score.domain,
                old.value if old else None,
                score.value,
                old.category if old else None,
                score.category,
            )
        )
    old_answers = before.by_number()
    answers = [
        AnswerChange(answer.subcategory, old_answers[number].level, answer.level)
        for number, answer in current.by_number().items()
        if number in old_answers and old_answers[number].level != answer.level
    ]
    overall = DomainChange(None, before.value, current.value, before.category, current.category)
    return Comparison(earlier, domains, overall, answers)


@dataclass
class Suggestion:
    measures: list[Result] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)


def suggestions(strategy: Strategy) -> dict[int, Suggestion]:
    """The plan's measures and activities suggested for each sub-category (by its id) through their GCM objectives
    and the mapping (`GcmLink`): a measure tagged with a mapped objective, an activity tagged with one (its own tags,
    or its measure's when it has none). Withdrawn items are left out. Four queries."""
    links: dict[int, set[int]] = defaultdict(set)  # GCM objective id -> sub-category ids
    for gcm_id, subcategory_id in GcmLink.objects.values_list("gcm_objective_id", "subcategory_id"):
        links[gcm_id].add(subcategory_id)
    found: dict[int, Suggestion] = defaultdict(Suggestion)
    measures = (
        Result.objects.filter(strategy=strategy, withdrawn_on__isnull=True, gcm_objectives__in=list(links))
        .prefetch_related("gcm_objectives")
        .order_by("sort_key")
        .distinct()
    )
    tagged_measures: dict[int, set[int]] = {}
    for measure in measures:
        gcm_ids = {gcm.pk for gcm in measure.gcm_objectives.all()}
        tagged_measures[measure.pk] = gcm_ids
        for subcategory_id in {s for gcm in gcm_ids for s in links.get(gcm, ())}:
            found[subcategory_id].measures.append(measure)
    activities = (
        Activity.objects.filter(strategy=strategy, withdrawn_on__isnull=True)
        .prefetch_related("gcm_objectives")
        .order_by("sort_key")
    )
    for activity in activities:
        own = {gcm.pk for gcm in activity.gcm_objectives.all()}
        gcm_ids = own or tagged_measures.get(activity.measure_id, set())
        for subcategory_id in {s for gcm in gcm_ids for s in links.get(gcm, ())}:
            found[subcategory_id].activities.append(activity)
    return found


def plan_items(strategy: Strategy) -> tuple[list[Result], list[Activity]]:
    """The strategy's measures (the results that hold activities) and activities, in the plan's order, for the
    answers' choices (two queries)."""
    measures = list(Result.objects.filter(strategy=strategy, depth=strategy.result_depth).order_by("sort_key"))
    activities = list(Activity.objects.filter(strategy=strategy).order_by("sort_key"))
    return measures, activities


def list_scores(assessments: list[Assessment]) -> list[Scores]:
    """The values of several assessments (a strategy's list) from one query of their answers."""
    grouped: dict[int, list[Answer]] = defaultdict(list)
    answers = (
        Answer.objects.filter(assessment__in=assessments)
        .select_related("subcategory__domain")
        .order_by("subcategory__domain__number", "subcategory__position")
    )
    for answer in answers:
        grouped[answer.assessment_id].append(answer)
    return [_scored(assessment, grouped[assessment.pk]) for assessment in assessments]


def _scored(assessment: Assessment, answers: list[Answer]) -> Scores:
    by_domain: dict[int, list[Answer]] = defaultdict(list)
    domains: dict[int, Domain] = {}
    for answer in sorted(answers, key=lambda a: (a.subcategory.domain.number, a.subcategory.position)):
        domains[answer.subcategory.domain.number] = answer.subcategory.domain
        by_domain[answer.subcategory.domain.number].append(answer)
    results = []
    for number in sorted(domains):
        value = domain_value(answer.level for answer in by_domain[number])
        results.append(DomainScore(domains[number], by_domain[number], value, classify(value)))
    overall = overall_value(domain.value for domain in results) if results else None
    return Scores(assessment, results, overall, classify(overall))
