"""Suggested GCM objectives for an activity without its own (issue 15, item 10): the three its text most resembles.

A light, offline model in plain Python, rebuilt from the database on each call (no file, no training step, no
new dependency), deterministic:

- Text: an activity's Albanian and English titles together; an objective's titles and short labels in both
  languages (the reference has no longer description). Folded (lower case, accents off: ë -> e, ç -> c), split
  into words, Albanian and English function words dropped, each word cut to its first five letters: a crude
  stemmer that serves both languages alike (kthimi, kthimit, kthim... -> kthim; returnees, returned -> retur).
- Weights: TF-IDF (sublinear term frequency, smoothed inverse document frequency over the 23 objectives and all
  the strategy's activities, tagged or not: text without tags still says which words are common), each document
  vector of length one.
- Model: one centroid per objective, the sum of the objective's own text and of the strategy's activities tagged
  with it; an activity is tagged with its own objectives, or else with its measure's (what it inherits, as the
  plan shows it). The suggestions are the objectives whose centroid is nearest by cosine, ties by number.

Why the inherited tags: on the demo, leaving each activity out in turn, learning from the inherited tags too puts
one of an activity's objectives among the three suggested for 122 of its 132 activities (92 %; 27 of the 28 tagged
by hand, 96 %), against 79 % (86 %) when learning from the hand-tagged activities only and 64 % (68 %) from the
objectives' text alone. Whole words instead of five-letter prefixes: 89 % (89 %); four or six letters: within one
activity of five.

An activity is never taught by itself: suggestions for a saved activity leave it out of the model, as the
leave-one-out measure does (`leave_one_out`), so that the figure measured is the behaviour shown.

Queries: four, whatever the plan's size (`GcmSuggester.for_strategy`); suggesting then runs in memory.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from nsm.core.text import fold
from nsm.reference.models import GcmObjective
from nsm.strategy.models import Activity, Result, Strategy

LIMIT = 3
PREFIX_LENGTH = 5

# Function words, folded (ë -> e, ç -> c): Albanian articles, particles, prepositions, conjunctions and pronouns, and
# English ones. Content words stay, however frequent: the IDF weighs them.
ALBANIAN_STOP_WORDS = (
    "e i te ta se dhe ose por edhe si qe per ne me nga mbi nen pas para deri prej tek u s sipas nder midis mes drejt "
    "ndaj permes perfshire gjate pa tij saj tyre nje ka kane eshte jane do ky kjo keto ata ato ku cdo"
)
ENGLISH_STOP_WORDS = (
    "a the an and or but of to in on at by for from with without into onto as is are be been was were it its they "
    "them their this that these those which who whom all any each every other such than more most including through "
    "between via within about over under after before so not no our your his her"
)
STOP_WORDS = frozenset(f"{ALBANIAN_STOP_WORDS} {ENGLISH_STOP_WORDS}".split())

_WORD = re.compile(r"[a-z0-9]+")

Vector = dict[str, float]


def terms(text: str) -> list[str]:
    """The terms of a text: folded words, without function words, numbers or single letters, cut to five letters."""
    return [
        word[:PREFIX_LENGTH]
        for word in _WORD.findall(fold(text))
        if len(word) > 1 and word not in STOP_WORDS and not word.isdigit()
    ]


def activity_text(activity: Activity) -> str:
    return f"{activity.title_sq} {activity.title_en}"


def objective_text(objective: GcmObjective) -> str:
    return " ".join((objective.title_en, objective.title_sq, objective.short_label_en, objective.short_label_sq))


@dataclass(frozen=True)
class Suggestion:
    """A suggested objective and how closely the text resembles it (cosine, 0 to 1)."""

    objective: GcmObjective
    score: float

    @property
    def percent(self) -> int:
        return round(self.score * 100)


@dataclass(frozen=True)
class PlanActivity:
    """What the model knows of one of the strategy's activities: its text and its objectives (primary keys)."""

    pk: int
    text: str
    own: frozenset[int]  # its own objectives
    tags: frozenset[int]  # its own objectives, or else its measure's


def _dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(weight * b.get(term, 0.0) for term, weight in a.items())


class GcmSuggester:
    """The model of one strategy: build it once (`for_strategy`), then ask for as many texts as needed."""

    def __init__(self, objectives: Sequence[GcmObjective], activities: Sequence[PlanActivity]) -> None:
        self.objectives = sorted(objectives, key=lambda objective: objective.number)
        self.activities = {activity.pk: activity for activity in activities}
        objective_terms = [terms(objective_text(objective)) for objective in self.objectives]
        activity_terms = [terms(activity.text) for activity in activities]
        frequency: Counter[str] = Counter()
        for document in objective_terms + activity_terms:
            frequency.update(set(document))
        self._documents = len(objective_terms) + len(activity_terms)
        self._idf = {term: self._smoothed_idf(count) for term, count in frequency.items()}
        self._vectors = {
            activity.pk: self._vector(document) for activity, document in zip(activities, activity_terms, strict=True)
        }
        self._centroids: dict[int, Vector] = {
            objective.pk: self._vector(document)
            for objective, document in zip(self.objectives, objective_terms, strict=True)
        }
        for activity in activities:
            for pk in sorted(activity.tags):
                centroid = self._centroids.get(pk)
                if centroid is None:
                    continue
                for term, weight in self._vectors[activity.pk].items():
                    centroid[term] = centroid.get(term, 0.0) + weight
        self._squared_norms = {pk: _dot(centroid, centroid) for pk, centroid in self._centroids.items()}

    def _smoothed_idf(self, count: int) -> float:
        return math.log((1 + self._documents) / (1 + count)) + 1

    @classmethod
    def for_strategy(cls, strategy: Strategy | int) -> GcmSuggester:
        """The model of `strategy` (or its primary key), in four queries whatever the plan's size."""
        strategy_id = strategy if isinstance(strategy, int) else strategy.pk
        objectives = list(GcmObjective.objects.order_by("number"))
        return cls(objectives, plan_activities(strategy_id))

    def vector(self, text: str) -> Vector:
        """The TF-IDF vector of a text, of length one (empty when no term is left)."""
        return self._vector(terms(text))

    def _vector(self, document: list[str]) -> Vector:
        counts = Counter(document)
        unseen = self._smoothed_idf(0)
        vector = {term: (1 + math.log(count)) * self._idf.get(term, unseen) for term, count in counts.items()}
        norm = math.sqrt(sum(weight * weight for weight in vector.values()))
        return {term: weight / norm for term, weight in vector.items()} if norm else {}

    def suggest(self, text: str, *, limit: int = LIMIT, leave_out: int | None = None) -> list[Suggestion]:
        """The `limit` objectives `text` most resembles, best first; none when nothing in it resembles any.

        `leave_out`: the primary key of an activity of the plan not to learn from (the one the text is of).
        """
        query = self.vector(text)
        if not query or limit <= 0:
            return []
        left_out = self.activities.get(leave_out) if leave_out is not None else None
        scored: list[tuple[float, GcmObjective]] = []
        for objective in self.objectives:
            centroid = self._centroids[objective.pk]
            dot, norm_squared = _dot(query, centroid), self._squared_norms[objective.pk]
            if left_out is not None and objective.pk in left_out.tags:
                # The centroid without the left-out activity: C - v, with |C - v|^2 = |C|^2 - 2 C.v + |v|^2.
                own = self._vectors[left_out.pk]
                if own:
                    dot -= _dot(query, own)
                    norm_squared += 1.0 - 2 * _dot(centroid, own)
            if norm_squared > 1e-12 and dot > 1e-12:
                scored.append((round(dot / math.sqrt(norm_squared), 9), objective))
        scored.sort(key=lambda item: (-item[0], item[1].number))
        return [Suggestion(objective, score) for score, objective in scored[:limit]]

    def suggest_for(self, activity: Activity, *, limit: int = LIMIT) -> list[Suggestion]:
        """Suggestions for an activity of this plan, saved or not: none when it has objectives of its own (saved)."""
        known = self.activities.get(activity.pk) if activity.pk is not None else None
        if known is not None and known.own:
            return []
        return self.suggest(activity_text(activity), limit=limit, leave_out=activity.pk)


def plan_activities(strategy_id: int) -> list[PlanActivity]:
    """The strategy's activities (withdrawn ones too: their tags were chosen by people) with their objectives and
    their measure's, in three queries."""
    rows = list(
        Activity.objects.filter(strategy_id=strategy_id)
        .order_by("pk")
        .values_list("pk", "measure_id", "title_sq", "title_en")
    )
    own: dict[int, set[int]] = {}
    for activity_id, objective_id in Activity.gcm_objectives.through.objects.filter(
        activity__strategy_id=strategy_id
    ).values_list("activity_id", "gcmobjective_id"):
        own.setdefault(activity_id, set()).add(objective_id)
    inherited: dict[int, set[int]] = {}
    for result_id, objective_id in (
        Result.gcm_objectives.through.objects.filter(result__strategy_id=strategy_id, result__activities__isnull=False)
        .distinct()
        .values_list("result_id", "gcmobjective_id")
    ):
        inherited.setdefault(result_id, set()).add(objective_id)
    return [
        PlanActivity(
            pk,
            f"{title_sq} {title_en}",
            frozenset(own.get(pk, set())),
            frozenset(own.get(pk) or inherited.get(measure_id, set())),
        )
        for pk, measure_id, title_sq, title_en in rows
    ]


def suggest_gcm(activity: Activity, *, limit: int = LIMIT) -> list[Suggestion]:
    """The `limit` GCM objectives (three) an activity's titles most resemble, best first, learnt from the objectives'
    text and its strategy's other tagged activities. None for a saved activity with objectives of its own (an
    unsaved one, or a saved one without its own, gets them); none when its text resembles no objective.
    Four queries (`GcmSuggester.for_strategy`)."""
    return GcmSuggester.for_strategy(activity.strategy_id).suggest_for(activity, limit=limit)


def suggestions_for(
    strategy: Strategy | int, activities: Iterable[Activity], *, limit: int = LIMIT
) -> dict[int, list[Suggestion]]:
    """`suggest_gcm` for many saved activities of one strategy, in four queries however many: activity pk ->
    suggestions (an empty list for those with objectives of their own). The titles are read from the instances
    given (edited or not), the tags from the database."""
    suggester = GcmSuggester.for_strategy(strategy)
    strategy_id = strategy if isinstance(strategy, int) else strategy.pk
    found: dict[int, list[Suggestion]] = {}
    for activity in activities:
        if activity.pk is None or activity.strategy_id != strategy_id:
            raise ValueError(f"{activity!r} is not a saved activity of strategy {strategy_id}.")
        found[activity.pk] = suggester.suggest_for(activity, limit=limit)
    return found


def leave_one_out(strategy: Strategy | int, *, own_only: bool = False, limit: int = LIMIT) -> tuple[int, int]:
    """(hits, total): each tagged activity of the strategy left out of the model in turn and suggested for from its
    titles; a hit when one of its objectives is among the `limit` suggested. Tagged: with objectives of its own or
    of its measure (what the plan shows), or with `own_only`, of its own only (then those are the truth). Four
    queries."""
    suggester = GcmSuggester.for_strategy(strategy)
    hits = total = 0
    for activity in suggester.activities.values():
        truth = activity.own if own_only else activity.tags
        if not truth:
            continue
        total += 1
        suggested = suggester.suggest(activity.text, limit=limit, leave_out=activity.pk)
        hits += any(suggestion.objective.pk in truth for suggestion in suggested)
    return hits, total
