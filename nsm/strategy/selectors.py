"""Named reads of the plan that pages, the API and documents share.

Each selector runs a fixed number of queries whatever the size of the plan, and returns small frozen
dataclasses rather than model instances where the caller only needs to show figures.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, Manager, Model, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from nsm.accounts.models import Institution
from nsm.core.numbers import format_decimal
from nsm.i18n import localized_with_language
from nsm.strategy.models import (
    ActionPlan,
    Activity,
    ActivityBudget,
    ActivityInstitution,
    Chapter,
    Indicator,
    IndicatorTarget,
    Result,
    Strategy,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ZERO = Decimal(0)
UNFUNDED = ActivityBudget.Source.UNFUNDED
Amounts = dict[tuple[int, str], Decimal]


# --- Costs ---


@dataclass(frozen=True)
class YearCost:
    """The planned cost of one year, and the part of it that has no funding (the funding gap)."""

    year: int
    total: Decimal
    unfunded: Decimal


@dataclass(frozen=True)
class SourceCost:
    source: str
    label: StrOrPromise  # the source's choice label, translated when shown
    total: Decimal


@dataclass(frozen=True)
class Costs:
    """Planned cost per year (aligned with the tree's year columns), per source, and in all."""

    years: tuple[YearCost, ...]
    sources: tuple[SourceCost, ...]
    total: Decimal
    unfunded: Decimal

    @property
    def funded(self) -> Decimal:
        return self.total - self.unfunded


def make_costs(amounts: Mapping[tuple[int, str], Decimal], years: Iterable[int]) -> Costs:
    """Fold `(year, source) -> amount` into a Costs with one entry per year of `years`."""
    by_year: dict[int, Decimal] = defaultdict(Decimal)
    gap_by_year: dict[int, Decimal] = defaultdict(Decimal)
    by_source: dict[str, Decimal] = defaultdict(Decimal)
    for (year, source), amount in amounts.items():
        by_year[year] += amount
        by_source[source] += amount
        if source == UNFUNDED:
            gap_by_year[year] += amount
    return Costs(
        years=tuple(YearCost(year, by_year.get(year, ZERO), gap_by_year.get(year, ZERO)) for year in years),
        sources=tuple(
            SourceCost(source, label, by_source[source])
            for source, label in ActivityBudget.Source.choices
            if source in by_source
        ),
        total=sum(by_year.values(), ZERO),
        unfunded=sum(gap_by_year.values(), ZERO),
    )


def _add(into: Amounts, more: Mapping[tuple[int, str], Decimal]) -> None:
    for key, amount in more.items():
        into[key] = into.get(key, ZERO) + amount


# --- The plan tree ---


@dataclass(frozen=True)
class InstitutionRef:
    pk: int
    code: str
    name: str


@dataclass(frozen=True)
class GcmRef:
    number: int
    title: str


@dataclass(frozen=True)
class ActivityNode:
    pk: int
    code: str
    display_code: str  # the reference as the plan publishes it, else the code
    title: str
    title_language: str
    responsible: tuple[InstitutionRef, ...]  # in the plan's order, the lead at its place
    supporting: tuple[InstitutionRef, ...]  # in the plan's order
    lead_place: int | None  # where the lead the plan marks stands among `responsible` (1: first); None: none marked
    timeframe: str
    cost_label: str  # "Within the existing budget" or "Not yet costed" in words; empty for a costed activity
    gender_marker: int
    gender_marker_label: str
    gcm_objectives: tuple[GcmRef, ...]
    gcm_from_measure: bool
    costs: Costs
    measure_pk: int
    version: int
    withdrawn_on: date | None = None
    search_text: str = field(default="", compare=False, repr=False)  # codes and both titles, `folded`

    @property
    def lead(self) -> InstitutionRef:
        """The institution that receives the monitoring line: the one the plan marks lead, else the first named."""
        return self.responsible[min(self.lead_place or 1, len(self.responsible)) - 1]

    @property
    def lead_marked(self) -> bool:
        return self.lead_place is not None

    @property
    def responsible_marked(self) -> tuple[tuple[InstitutionRef, bool], ...]:
        """Each responsible institution in order, with whether it is the lead the plan marks."""
        lead = self.lead if self.lead_marked else None
        return tuple((institution, institution == lead) for institution in self.responsible)


@dataclass(frozen=True)
class ResultNode:
    pk: int
    code: str
    display_code: str  # the reference as the plan publishes it, else the code
    depth: int  # 1 at the top
    level_label: str  # the level's name in the plan: "Policy goal", "Section", ...
    holds_activities: bool  # on the plan's last level of results
    title: str
    title_language: str
    parent_pk: int | None
    gcm_objectives: tuple[GcmRef, ...]
    children: tuple[ResultNode, ...]
    activities: tuple[ActivityNode, ...]
    costs: Costs
    version: int
    withdrawn_on: date | None = None
    search_text: str = field(default="", compare=False, repr=False)  # codes and both titles, `folded`


@dataclass(frozen=True)
class PlanRow:
    """One line of the plan table: a result (on any level of the plan) or an activity, in the plan's order."""

    kind: str
    node: ResultNode | ActivityNode
    first: bool
    last: bool


@dataclass(frozen=True)
class PlanTree:
    strategy_pk: int
    currency: str
    years: tuple[int, ...]
    goals: tuple[ResultNode, ...]
    costs: Costs
    activity_count: int
    rows: tuple[PlanRow, ...]
    index: Mapping[int, ResultNode] = field(compare=False, repr=False)

    def node(self, pk: int) -> ResultNode | None:
        return self.index.get(pk)


def _gcm_refs(objectives: Iterable[Any]) -> tuple[GcmRef, ...]:
    return tuple(GcmRef(gcm.number, gcm.title) for gcm in sorted(objectives, key=lambda gcm: gcm.number))


def folded(text: str) -> str:
    """`text` for a search that ignores case and accents: "Ë" and "ç" match "e" and "c"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def _search_text(item: Result | Activity) -> str:
    return folded(" ".join((item.code, item.reference, item.title_sq, item.title_en)))


def _institution_ref(institution: Institution) -> InstitutionRef:
    return InstitutionRef(institution.pk, institution.code, institution.name)


def bodies_prefetch(path: str = "") -> Prefetch:
    """An activity's other named institutions with each one's institution, in one query (for `Activity.named`,
    `responsible_bodies` and `supporting_bodies`); `path` leads to the activity from another model ("activity__")."""
    return Prefetch(f"{path}bodies", queryset=ActivityInstitution.objects.select_related("institution"))


def _budget_amounts(strategy: Strategy, within: range | None = None) -> dict[int, Amounts]:
    """activity pk -> (year, source) -> amount: one GROUP BY over all the plan's budget lines (of `within`'s years)."""
    lines = ActivityBudget.objects.filter(activity__strategy=strategy)
    if within is not None:
        lines = lines.filter(year__gte=within.start, year__lt=within.stop)
    rows = lines.values("activity_id", "year", "source").annotate(amount=Sum("amount")).order_by()
    amounts: dict[int, Amounts] = defaultdict(dict)
    for row in rows:
        amounts[row["activity_id"]][(row["year"], row["source"])] = row["amount"] or ZERO
    return amounts


def _plan_years(strategy: Strategy, amounts: Mapping[int, Amounts]) -> tuple[int, ...]:
    """The action plan's years and any other year with a cost, so that the columns add up to the total."""
    years = set(strategy.plan_years)
    for per_activity in amounts.values():
        years.update(year for year, _source in per_activity)
    return tuple(sorted(years))


def _activity_nodes(
    strategy: Strategy,
    amounts: Mapping[int, Amounts],
    years: tuple[int, ...],
    measure_gcm: Mapping[int, tuple],
    within: range | None = None,
) -> dict[int, list[tuple[ActivityNode, Amounts]]]:
    """measure pk -> its activities as nodes (those under way `within` its years), with their amounts."""
    chosen = Activity.objects.filter(strategy=strategy)
    if within is not None:
        chosen = chosen.filter(start_year__lt=within.stop, end_year__gte=within.start)
    activities = (
        chosen.select_related("lead").prefetch_related(bodies_prefetch(), "gcm_objectives").order_by("sort_key")
    )
    by_measure: dict[int, list[tuple[ActivityNode, Amounts]]] = defaultdict(list)
    for activity in activities:
        own = _gcm_refs(activity.gcm_objectives.all())
        activity_amounts = amounts.get(activity.pk, {})
        title = localized_with_language(activity, "title")
        node = ActivityNode(
            pk=activity.pk,
            code=activity.code,
            display_code=activity.display_code,
            title=title.text,
            title_language=title.language,
            responsible=tuple(_institution_ref(i) for i in activity.responsible_bodies),
            supporting=tuple(_institution_ref(i) for i in activity.supporting_bodies),
            lead_place=activity.lead_place,
            timeframe=activity.timeframe_label,
            cost_label="" if activity.is_costed else str(activity.get_cost_basis_display()),
            gender_marker=activity.gender_marker,
            gender_marker_label=activity.get_gender_marker_display(),
            gcm_objectives=own or measure_gcm.get(activity.measure_id, ()),
            gcm_from_measure=not own and bool(measure_gcm.get(activity.measure_id)),
            costs=make_costs(activity_amounts, years),
            measure_pk=activity.measure_id,
            version=activity.version,
            withdrawn_on=activity.withdrawn_on,
            search_text=_search_text(activity),
        )
        by_measure[activity.measure_id].append((node, activity_amounts))
    return by_measure


def plan_tree(strategy: Strategy, *, within: range | None = None) -> PlanTree:
    """The whole plan as a tree of frozen nodes with costs rolled up, in six queries whatever its size; `within`
    the years of one action plan, only the activities under way in them and the costs of those years."""
    amounts = _budget_amounts(strategy, within)
    years = tuple(within) if within is not None else _plan_years(strategy, amounts)
    results = list(Result.objects.filter(strategy=strategy).prefetch_related("gcm_objectives").order_by("sort_key"))
    gcm = {result.pk: _gcm_refs(result.gcm_objectives.all()) for result in results}
    activities = _activity_nodes(strategy, amounts, years, gcm, within)
    children: dict[int | None, list[Result]] = defaultdict(list)
    for result in results:
        children[result.parent_id].append(result)
    index: dict[int, ResultNode] = {}

    def build(result: Result) -> tuple[ResultNode, Amounts]:
        total: Amounts = {}
        kids = []
        for child in children.get(result.pk, []):
            node, child_amounts = build(child)
            kids.append(node)
            _add(total, child_amounts)
        for _node, activity_amounts in activities.get(result.pk, []):
            _add(total, activity_amounts)
        title = localized_with_language(result, "title")
        node = ResultNode(
            pk=result.pk,
            code=result.code,
            display_code=result.display_code,
            depth=result.depth,
            level_label=strategy.level_name(result.depth),
            holds_activities=result.depth == strategy.result_depth,
            title=title.text,
            title_language=title.language,
            parent_pk=result.parent_id,
            gcm_objectives=gcm[result.pk],
            children=tuple(kids),
            activities=tuple(node for node, _amounts in activities.get(result.pk, [])),
            costs=make_costs(total, years),
            version=result.version,
            withdrawn_on=result.withdrawn_on,
            search_text=_search_text(result),
        )
        index[result.pk] = node
        return node, total

    plan_total: Amounts = {}
    goals = []
    for goal in children.get(None, []):
        node, goal_amounts = build(goal)
        goals.append(node)
        _add(plan_total, goal_amounts)
    return PlanTree(
        strategy_pk=strategy.pk,
        currency=strategy.currency,
        years=years,
        goals=tuple(goals),
        costs=make_costs(plan_total, years),
        activity_count=sum(len(items) for items in activities.values()),
        rows=tuple(_rows(goals)),
        index=index,
    )


def _rows(siblings: Iterable[ResultNode], activities: tuple[ActivityNode, ...] = ()) -> Iterable[PlanRow]:
    """The tree flattened in code order, each row knowing whether it is the first or last of its siblings;
    `activities`, those of the result whose children `siblings` are, come last."""
    siblings = list(siblings)
    for position, node in enumerate(siblings):
        yield PlanRow("result", node, first=position == 0, last=position == len(siblings) - 1)
        yield from _rows(node.children, node.activities)
    for place, activity in enumerate(activities):
        yield PlanRow("activity", activity, first=place == 0, last=place == len(activities) - 1)


# --- The plan page: filtered and folded ---

FOLDED_LEVELS = 2  # the plan page folds its first two levels of results (goals and objectives) into sections


@dataclass(frozen=True)
class PlanFilter:
    """What the plan page is asked to show. `depth` is the level counted and shown (1 for the top results, the
    plan's last level for the activities); None shows every level and counts the activities."""

    depth: int | None = None
    institution_pk: int | None = None  # responsible or supporting
    withdrawn: bool | None = None
    gcm: int | None = None  # GCM objective number: tagged on the item itself or on a result above it
    text: str = ""  # in a code, the reference or either title, ignoring case and accents

    @property
    def has_criteria(self) -> bool:
        return self.institution_pk is not None or self.withdrawn is not None or self.gcm is not None or bool(self.text)


@dataclass(frozen=True)
class PlanSection:
    """A folded section of the plan page (a goal, an objective): its own row, then either the sections under it
    or, on the last folded level, the rows of everything under it in the plan's order."""

    row: PlanRow
    sections: tuple[PlanSection, ...]
    rows: tuple[PlanRow, ...]

    @property
    def node(self) -> ResultNode:
        return self.row.node  # type: ignore[return-value]


@dataclass(frozen=True)
class ShownPlan:
    sections: tuple[PlanSection, ...]
    depth: int  # the level counted
    level_label: str
    matched: int  # items of that level that match (all of them when nothing is asked)
    total: int
    filtered: bool  # something was asked: a level or a criterion


def _gcm_above(tree: PlanTree, pk: int | None) -> set[int]:
    numbers: set[int] = set()
    while pk is not None:
        node = tree.index[pk]
        numbers.update(gcm.number for gcm in node.gcm_objectives)
        pk = node.parent_pk
    return numbers


def _institutions_below(node: ResultNode) -> set[int]:
    found = {i.pk for activity in node.activities for i in (*activity.responsible, *activity.supporting)}
    for child in node.children:
        found |= _institutions_below(child)
    return found


def _gcm_numbers(tree: PlanTree, node: ResultNode | ActivityNode) -> set[int]:
    """An activity's GCM objectives are its own, else those of the results above it (as the analytics count them);
    a result's are its own and those of the results above it."""
    if isinstance(node, ActivityNode):
        if node.gcm_objectives and not node.gcm_from_measure:
            return {gcm.number for gcm in node.gcm_objectives}
        return _gcm_above(tree, node.measure_pk)
    return _gcm_above(tree, node.pk)


def _institution_pks(node: ResultNode | ActivityNode) -> set[int]:
    """The institutions an activity names (responsible or supporting); for a result, those of the activities under
    it."""
    if isinstance(node, ActivityNode):
        return {institution.pk for institution in (*node.responsible, *node.supporting)}
    return _institutions_below(node)


def _matches(tree: PlanTree, node: ResultNode | ActivityNode, wanted: PlanFilter) -> bool:
    """Whether one item meets every criterion asked."""
    return (
        (not wanted.text or folded(wanted.text) in node.search_text)
        and (wanted.withdrawn is None or (node.withdrawn_on is not None) == wanted.withdrawn)
        and (wanted.gcm is None or wanted.gcm in _gcm_numbers(tree, node))
        and (wanted.institution_pk is None or wanted.institution_pk in _institution_pks(node))
    )


def _result_rows(siblings: tuple[ResultNode, ...]) -> list[PlanRow]:
    last = len(siblings) - 1
    return [PlanRow("result", node, first=place == 0, last=place == last) for place, node in enumerate(siblings)]


def _walk(goals: Iterable[ResultNode]) -> Iterable[ResultNode | ActivityNode]:
    for node in goals:
        yield node
        yield from _walk(node.children)
        yield from node.activities


def shown_plan(strategy: Strategy, tree: PlanTree, wanted: PlanFilter) -> ShownPlan:
    """The plan page's sections: the items of the wanted level that match, under the results above them (their
    siblings that do not match left out), nothing below that level; the whole tree when nothing is asked.
    Works on the tree in memory: no query."""
    activity_depth = strategy.result_depth + 1
    depth = wanted.depth or activity_depth
    counted = [n for n in _walk(tree.goals) if (n.depth if isinstance(n, ResultNode) else activity_depth) == depth]
    matching = [n for n in counted if _matches(tree, n, wanted)] if wanted.has_criteria else counted
    shown: set[tuple[str, int]] | None = None  # None: everything down to `depth`
    if wanted.has_criteria:
        shown = set()
        for node in matching:
            shown.add(("activity" if isinstance(node, ActivityNode) else "result", node.pk))
            above = node.measure_pk if isinstance(node, ActivityNode) else node.parent_pk
            while above is not None and ("result", above) not in shown:
                shown.add(("result", above))
                above = tree.index[above].parent_pk

    def visible(row: PlanRow) -> bool:
        row_depth = row.node.depth if isinstance(row.node, ResultNode) else activity_depth
        return row_depth <= depth and (shown is None or (row.kind, row.node.pk) in shown)

    def section(row: PlanRow) -> PlanSection:
        node: ResultNode = row.node  # type: ignore[assignment]
        if node.depth < min(FOLDED_LEVELS, strategy.result_depth):
            return PlanSection(row, tuple(section(r) for r in _result_rows(node.children) if visible(r)), ())
        below = [r for r in _rows(node.children, node.activities) if visible(r)]
        return PlanSection(row, (), tuple(below))

    return ShownPlan(
        sections=tuple(section(row) for row in _result_rows(tree.goals) if visible(row)),
        depth=depth,
        level_label=strategy.level_name(depth),
        matched=len(matching),
        total=len(counted),
        filtered=wanted.depth is not None or wanted.has_criteria,
    )


# --- Pages ---


def activity_for_page(queryset: QuerySet[Activity] | Manager[Activity]) -> QuerySet[Activity]:
    """What the activity page shows, fetched in a fixed number of queries."""
    return queryset.select_related("lead", "strategy", "measure__parent__parent__parent").prefetch_related(
        bodies_prefetch(), "target_groups", "gcm_objectives", "measure__gcm_objectives"
    )


@dataclass(frozen=True)
class BudgetCell:
    source: str
    amount: Decimal | None


@dataclass(frozen=True)
class BudgetRow:
    year: int
    cells: tuple[BudgetCell, ...]
    donors: tuple[tuple[str, Decimal], ...]
    total: Decimal


@dataclass(frozen=True)
class BudgetTable:
    """An activity's budget lines as a table: one row per year, one column per source, donors named."""

    sources: tuple[tuple[str, StrOrPromise], ...]  # (source, label) in the choices' order
    rows: tuple[BudgetRow, ...]
    totals: tuple[BudgetCell, ...]
    costs: Costs


def budget_table(activity: Activity) -> BudgetTable:
    """The budget lines of one activity by year and source (one query)."""
    lines = list(activity.budget_lines.order_by("year", "source", "donor"))
    years = sorted(set(activity.strategy.plan_years) | {line.year for line in lines})
    amounts: Amounts = {}
    for line in lines:
        amounts[(line.year, line.source)] = amounts.get((line.year, line.source), ZERO) + line.amount
    sources = tuple(ActivityBudget.Source.choices)
    rows = tuple(
        BudgetRow(
            year=year,
            cells=tuple(BudgetCell(source, amounts.get((year, source))) for source, _label in sources),
            donors=tuple((b.donor, b.amount) for b in lines if b.year == year and b.source == "donor"),
            total=sum((amount for (y, _s), amount in amounts.items() if y == year), ZERO),
        )
        for year in years
    )
    costs = make_costs(amounts, years)
    by_source = {cost.source: cost.total for cost in costs.sources}
    totals = tuple(BudgetCell(source, by_source.get(source)) for source, _label in sources)
    return BudgetTable(sources, rows, totals, costs)


@dataclass(frozen=True)
class IndicatorRow:
    indicator: Indicator
    targets: tuple[Decimal | None, ...]


@dataclass(frozen=True)
class IndicatorTable:
    years: tuple[int, ...]
    rows: tuple[IndicatorRow, ...]


def indicators_for_page(queryset: QuerySet[Indicator] | Manager[Indicator]) -> QuerySet[Indicator]:
    return queryset.select_related("result", "responsible").prefetch_related(
        "disaggregation", Prefetch("targets", queryset=IndicatorTarget.objects.order_by("year"))
    )


def indicator_table(indicators: QuerySet[Indicator]) -> IndicatorTable:
    """Indicators in the tree's order, with a column per year that has a target (four queries)."""
    ordered = list(indicators_for_page(indicators).order_by("result__sort_key", "sort_key"))
    years = tuple(sorted({target.year for indicator in ordered for target in indicator.targets.all()}))
    rows = []
    for indicator in ordered:
        by_year = {target.year: target.value for target in indicator.targets.all()}
        rows.append(IndicatorRow(indicator, tuple(by_year.get(year) for year in years)))
    return IndicatorTable(years, tuple(rows))


# --- What monitoring data refers to a plan item ---
#
# Progress reports refer to activities (their lines), indicators (their values) and both (review comments). The
# plan looks at them only through those relations' names, never importing `monitoring`, which comes after it.
# A line or value is *reported* once its report has been submitted (returned and approved included) or its cycle is
# closed, or as soon as someone has typed anything into it: such data is never deleted, and the item it refers to
# can only be withdrawn. An untouched line of a draft report (prefilled when the cycle opened) is not reported: it
# goes with its item.

HELD = ~Q(report__status="draft") | Q(report__cycle__status="closed")
LINE_DATA = (
    ~Q(status="")
    | Q(percent_complete__isnull=False)
    | Q(spent_state_budget__isnull=False)
    | Q(spent_donor__isnull=False)
    | Q(spent_other__isnull=False)
    | ~Q(narrative_sq="")
    | ~Q(narrative_en="")
    | Q(evidence__isnull=False)
)
VALUE_DATA = Q(value__isnull=False) | ~Q(note="") | ~Q(source="")


def _related(model: type[Model], name: str) -> Any:
    return model._meta.get_field(name).related_model


def line_model() -> Any:
    """The model of an activity's report lines (monitoring's ActivityProgress)."""
    return _related(Activity, "progress")


def value_model() -> Any:
    """The model of an indicator's reported values (monitoring's IndicatorValue)."""
    return _related(Indicator, "values")


def comment_model() -> Any:
    return _related(Activity, "review_comments")


def unreported_lines(activities: Any) -> QuerySet:
    """The untouched lines of draft reports of `activities` (a queryset or ids): those that go with them."""
    return line_model().objects.filter(activity__in=activities).exclude(HELD | LINE_DATA)


def unreported_values(indicators: Any) -> QuerySet:
    return value_model().objects.filter(indicator__in=indicators).exclude(HELD | VALUE_DATA)


@dataclass(frozen=True)
class DeletionSummary:
    """What is deleted along with an object, and what reported data would forbid deleting it, for the
    confirmation page and the delete services."""

    below: tuple[tuple[str, int], ...] = ()  # (a level's name, how many of its items are under it), top down
    activities: int = 0
    budget_lines: int = 0
    indicators: int = 0
    targets: int = 0
    draft_lines: int = 0  # untouched lines of draft reports: deleted with it
    reported_lines: int = 0  # activity lines that reports hold: it cannot be deleted
    reported_values: int = 0  # indicator values that reports hold
    comments: int = 0  # review comments on its lines

    @property
    def is_empty(self) -> bool:
        return not any(vars(self).values())

    @property
    def is_reported(self) -> bool:
        """Progress reports hold data about it: it cannot be deleted, only withdrawn."""
        return bool(self.reported_lines or self.reported_values or self.comments)


def deletion_summary(obj: Result | Activity | Indicator) -> DeletionSummary:
    """Count what goes with `obj` when it is deleted (children, activities, budget lines, indicators, untouched
    report lines) and the reported data that forbid deleting it."""
    if isinstance(obj, Indicator):
        return DeletionSummary(targets=obj.targets.count(), **_monitoring_counts([], [obj.pk]))
    if isinstance(obj, Activity):
        return DeletionSummary(budget_lines=obj.budget_lines.count(), **_monitoring_counts([obj.pk], []))
    prefix = f"{obj.code}."
    strategy = obj.strategy
    per_depth = dict(
        Result.objects.filter(strategy_id=obj.strategy_id, code__startswith=prefix)
        .values_list("depth")
        .annotate(count=Count("pk"))
        .order_by()
    )
    activity_ids = list(
        Activity.objects.filter(strategy_id=obj.strategy_id, code__startswith=prefix).values_list("pk", flat=True)
    )
    in_tree = Q(code=obj.code) | Q(code__startswith=prefix)
    indicator_ids = list(
        Indicator.objects.filter(
            strategy_id=obj.strategy_id, result__in=Result.objects.filter(in_tree, strategy_id=obj.strategy_id)
        ).values_list("pk", flat=True)
    )
    return DeletionSummary(
        below=tuple((strategy.level_name(depth), per_depth[depth]) for depth in sorted(per_depth)),
        activities=len(activity_ids),
        budget_lines=ActivityBudget.objects.filter(activity_id__in=activity_ids).count(),
        indicators=len(indicator_ids),
        targets=IndicatorTarget.objects.filter(indicator_id__in=indicator_ids).count(),
        **_monitoring_counts(activity_ids, indicator_ids),
    )


class MonitoringCounts(TypedDict):
    draft_lines: int
    reported_lines: int
    reported_values: int
    comments: int


def _monitoring_counts(activity_ids: list[int], indicator_ids: list[int]) -> MonitoringCounts:
    lines = (
        line_model()
        .objects.filter(activity_id__in=activity_ids)
        .aggregate(reported=Count("pk", filter=HELD | LINE_DATA, distinct=True), total=Count("pk", distinct=True))
    )
    values = (
        value_model()
        .objects.filter(indicator_id__in=indicator_ids)
        .aggregate(reported=Count("pk", filter=HELD | VALUE_DATA, distinct=True), total=Count("pk", distinct=True))
    )
    comments = comment_model().objects.filter(Q(activity_id__in=activity_ids) | Q(indicator_id__in=indicator_ids))
    return {
        "draft_lines": lines["total"] - lines["reported"] + values["total"] - values["reported"],
        "reported_lines": lines["reported"],
        "reported_values": values["reported"],
        "comments": comments.count(),
    }


# --- History ---


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    """One change to an object (or to a budget line or target of it): who, when, what changed."""

    when: datetime
    user: str
    action: str
    action_label: str
    subject: str
    changes: tuple[FieldChange, ...]
    order: int = field(default=0, compare=False)


ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
HIDDEN_FIELDS = ("version",)  # bookkeeping, not content: a row that changes only these is not shown


def history_for(obj: Result | Activity | Indicator) -> tuple[HistoryEntry, ...]:
    """An item's history, newest first; an activity's includes its budget lines, an indicator's its targets.

    Built from simple-history's records with `diff_against` for plain fields and the prefetched m2m snapshots
    for many-to-many fields, so that it takes a fixed number of queries however long the history is.
    """
    groups: list[HistoryGroup] = [(obj.history.all(), None, ())]
    if isinstance(obj, Activity):
        groups.append((ActivityBudget.history.filter(activity_id=obj.pk), budget_line_label, ("amount",)))
    elif isinstance(obj, Indicator):
        groups.append((IndicatorTarget.history.filter(indicator_id=obj.pk), _target_subject, ("value",)))
    return history_entries(groups)


# (historical records, the subject of a record as text or None, the fields a creation or deletion shows)
HistoryGroup = tuple[QuerySet, Any, tuple[str, ...]]


def history_entries(groups: Iterable[HistoryGroup]) -> tuple[HistoryEntry, ...]:
    """History entries, newest first, from groups of historical records: one query per group and related model."""
    raw: list[tuple[Any, str, list[tuple[Any, Any, Any]]]] = []
    for queryset, subject, initial_fields in groups:
        raw.extend(_raw_changes(queryset, subject, initial_fields))
    labels = _LabelResolver(raw)
    entries = [
        HistoryEntry(
            when=record.history_date,
            user=user_label(record.history_user),
            action=ACTIONS.get(record.history_type, "changed"),
            action_label=_action_label(record.history_type),
            subject=subject,
            changes=tuple(
                FieldChange(str(f.verbose_name), labels.show(f, old), labels.show(f, new)) for f, old, new in changes
            ),
            order=record.history_id,
        )
        for record, subject, changes in raw
    ]
    entries.sort(key=lambda entry: (entry.when, entry.order), reverse=True)
    return tuple(entries)


def changes_since(obj: Result | Activity | Indicator, version: int) -> tuple[HistoryEntry, ...]:
    """What changed on `obj` (its budget lines, its targets) after the user saw it at `version`, oldest first.

    Every write bumps the version before it touches budget lines or targets, so the news is the first history
    row of a later version and whatever was recorded from then on, on the object or on its lines. Lines
    written without a bump before that (a plan being loaded) were on the page the user saw.
    """
    first_unseen = (
        obj.history.filter(version__gt=version)
        .order_by("history_date", "history_id")
        .values_list("history_date", flat=True)
        .first()
    )
    if first_unseen is None:
        return ()
    return tuple(reversed([entry for entry in history_for(obj) if entry.when >= first_unseen]))


def user_label(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _action_label(history_type: str) -> str:
    return {"+": _("Created"), "-": _("Deleted")}.get(history_type, _("Changed"))


def budget_line_label(line: Any) -> str:
    """`Budget line 2025, Donor (EU)`: a budget line or a historical record of one, as the user knows it."""
    source = dict(ActivityBudget.Source.choices).get(line.source, line.source)
    label = f"{source} ({line.donor})" if line.donor else str(source)
    return _("Budget line %(year)s, %(source)s") % {"year": line.year, "source": label}


def _target_subject(record: Any) -> str:
    return _("Target for %(year)s") % {"year": record.year}


def _m2m_accessors(history_model: type[Model]) -> dict[str, tuple[str, str]]:
    """m2m field name -> (reverse accessor on the historical record, attname of the related id)."""
    found: dict[str, tuple[str, str]] = {}
    for m2m_field in getattr(history_model, "_history_m2m_fields", []):
        m2m_model = getattr(history_model, m2m_field.name).model
        relation = next(rel for rel in history_model._meta.related_objects if rel.related_model is m2m_model)
        accessor = relation.get_accessor_name()
        if accessor is None:  # None only for a hidden relation (related_name "+"); simple-history hides none
            raise LookupError(f"{history_model.__name__}.{m2m_field.name}: the m2m history rows have no accessor")
        target = next(
            f
            for f in m2m_model._meta.fields
            if f.is_relation and f.related_model is m2m_field.related_model and f.name != "history"
        )
        found[m2m_field.name] = (accessor, target.attname)
    return found


def _raw_changes(queryset: QuerySet, subject_of: Any, initial_fields: tuple[str, ...]) -> list:
    """(record, subject, [(field, old, new)]) for each historical record, oldest first within each object."""
    history_model = queryset.model
    m2m = _m2m_accessors(history_model)
    records = list(
        queryset.select_related("history_user")
        .prefetch_related(*(accessor for accessor, _id in m2m.values()))
        .order_by("history_date", "history_id")
    )
    model = history_model.instance_type
    previous: dict[Any, Any] = {}
    found = []
    for record in records:
        changes = _changes_of(record, previous.get(record.id), model, m2m, initial_fields)
        previous[record.id] = record
        if changes is not None:
            found.append((record, subject_of(record) if subject_of else "", changes))
    return found


def _changes_of(record: Any, old: Any, model: type[Model], m2m: Mapping, initial_fields: tuple[str, ...]) -> Any:
    """[(field, old, new)] for one record; None for a row that changed nothing shown (only its version moved).

    A budget line's or target's first and last rows show their value appearing and going.
    """
    if old is not None and record.history_type != "-":
        changes = _diff(record, old, model, m2m)
        return changes if changes or record.history_type != "~" else None
    if record.history_type == "-":
        return [(model._meta.get_field(name), getattr(record, name), None) for name in initial_fields]
    return [(model._meta.get_field(name), None, getattr(record, name)) for name in initial_fields]


@dataclass(frozen=True)
class PlacedIds:
    """An activity's other named institutions in a history row: (id, responsible) in the plan's order. Rows recorded
    before the order was kept all stand at place 0: such a list is `unordered`, and compares as a set."""

    items: tuple[tuple[int, bool], ...]
    unordered: bool

    def same_as(self, other: PlacedIds) -> bool:
        if self.unordered or other.unordered:
            return set(self.items) == set(other.items)
        return self.items == other.items


def _m2m_ids(record: Any, accessor: str, attname: str) -> frozenset | PlacedIds:
    rows = list(getattr(record, accessor).all())
    if rows and hasattr(rows[0], "position"):  # a list in the plan's order (an activity's other institutions)
        rows.sort(key=lambda row: (row.position, getattr(row, attname)))
        items = tuple((getattr(row, attname), bool(row.responsible)) for row in rows)
        return PlacedIds(items, unordered=not all(row.position for row in rows))
    return frozenset(getattr(row, attname) for row in rows)


def _m2m_same(before: frozenset | PlacedIds, after: frozenset | PlacedIds) -> bool:
    if isinstance(before, PlacedIds) and isinstance(after, PlacedIds):
        return before.same_as(after)
    if isinstance(before, PlacedIds) or isinstance(after, PlacedIds):  # one side empty (no rows)
        return not _as_ids(before) and not _as_ids(after)
    return before == after


def _diff(record: Any, old: Any, model: type[Model], m2m: Mapping[str, tuple[str, str]]) -> list:
    hidden = [name for name in HIDDEN_FIELDS if hasattr(old, name)]
    delta = record.diff_against(old, excluded_fields=[*m2m, *hidden])
    changes = [(model._meta.get_field(change.field), change.old, change.new) for change in delta.changes]
    for name, (accessor, attname) in m2m.items():
        before, after = _m2m_ids(old, accessor, attname), _m2m_ids(record, accessor, attname)
        if not _m2m_same(before, after):
            changes.append((model._meta.get_field(name), before, after))
    return changes


class _LabelResolver:
    """Turns raw history values into text, reading every related object it needs in one query per model."""

    def __init__(self, raw: Iterable[tuple[Any, str, list]]) -> None:
        wanted: dict[type[Model], set] = defaultdict(set)
        for _record, _subject, changes in raw:
            for model_field, old, new in changes:
                if model_field.is_relation:
                    for value in (old, new):
                        wanted[model_field.related_model].update(_as_ids(value))
        self.objects = {model: model._default_manager.in_bulk(ids) for model, ids in wanted.items() if ids}

    def show(self, model_field: Any, value: Any) -> str:
        if model_field.is_relation:
            found = self.objects.get(model_field.related_model, {})

            def label(pk: Any) -> str:
                return str(found[pk]) if pk in found else f"#{pk}"

            if isinstance(value, PlacedIds) and value.items:
                return _placed_label(value, label)
            labels = [label(pk) for pk in _as_ids(value)]
            if model_field.many_to_many:
                labels.sort()
            return ", ".join(labels) or "—"
        return _show_value(model_field, value)


def _placed_label(value: PlacedIds, label: Any) -> str:
    """`MEPJ (responsible), MB (responsible), AKPA`: in the plan's order (by name for a list recorded before the
    order was kept), the ones responsible with the lead said in words."""
    items = [(label(pk), responsible) for pk, responsible in value.items]
    if value.unordered:
        items.sort()
    marked = _("%(institution)s (responsible)")
    return ", ".join(marked % {"institution": text} if responsible else text for text, responsible in items)


def _as_ids(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, PlacedIds):
        return [pk for pk, _responsible in value.items]
    if isinstance(value, frozenset | set | list | tuple):
        return list(value)
    return [value]


def _show_value(model_field: Any, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Decimal):
        return format_decimal(value)
    return str(value)


# --- Action plans ---


def action_plans(strategy: Strategy) -> list[ActionPlan]:
    """The strategy's successive action plans by their years: its rows, or else the one its action-plan years
    imply (unsaved, with the strategy's own adoption). One query."""
    rows = list(ActionPlan.objects.filter(strategy=strategy).order_by("start_year"))
    for plan in rows:
        plan.strategy = strategy
    return rows or [implied_action_plan(strategy)]


def implied_action_plan(strategy: Strategy) -> ActionPlan:
    return ActionPlan(
        strategy=strategy,
        start_year=strategy.plan_start_year,
        end_year=strategy.plan_end_year,
        status=strategy.status,
        adopting_act=strategy.adopting_act,
        adopted_on=strategy.adopted_on,
    )


@dataclass(frozen=True)
class ActionPlanRow:
    """An action plan with what falls in its years: the activities under way in them (not withdrawn) and the
    planned cost and funding gap of its years' budget lines."""

    plan: ActionPlan
    activities: int
    cost: Decimal
    unfunded: Decimal


def action_plan_rows(strategy: Strategy) -> list[ActionPlanRow]:
    """Each action plan with its activities and costs, in three queries whatever the plan's size."""
    plans = action_plans(strategy)
    spans = list(
        Activity.objects.filter(strategy=strategy, withdrawn_on__isnull=True).values_list("start_year", "end_year")
    )
    amounts = (
        ActivityBudget.objects.filter(activity__strategy=strategy, activity__withdrawn_on__isnull=True)
        .values("year", "source")
        .annotate(total=Sum("amount"))
    )
    cost: dict[int, Decimal] = defaultdict(Decimal)
    unfunded: dict[int, Decimal] = defaultdict(Decimal)
    for line in amounts:
        cost[line["year"]] += line["total"]
        if line["source"] == UNFUNDED:
            unfunded[line["year"]] += line["total"]
    return [
        ActionPlanRow(
            plan=plan,
            activities=sum(1 for first, last in spans if first <= plan.end_year and last >= plan.start_year),
            cost=sum((cost[year] for year in plan.years), ZERO),
            unfunded=sum((unfunded[year] for year in plan.years), ZERO),
        )
        for plan in plans
    ]


# --- Narrative chapters ---


@dataclass(frozen=True)
class ChapterText:
    """A narrative chapter of a strategy as pages, versions and documents read it: its kind, its title in the active
    language, its Markdown in each language (empty when not written) and the version a form edits (0: not written
    yet)."""

    kind: str
    title: str
    body_sq: str
    body_en: str
    version: int = 0

    @property
    def is_written(self) -> bool:
        return bool(self.body_sq.strip() or self.body_en.strip())

    def body(self, language: str) -> tuple[str, str]:
        """The text in `language`, else in the other language, with the language it is in ("" when neither)."""
        other = "en" if language == "sq" else "sq"
        for code in (language, other):
            text = self.body_sq if code == "sq" else self.body_en
            if text.strip():
                return text, code
        return "", ""


def chapter_texts(
    bodies: Mapping[str, Mapping[str, str]], versions: Mapping[str, int] | None = None
) -> list[ChapterText]:
    """Every kind of chapter in the document's order, from `{kind: {"sq": ..., "en": ...}}` (a version's snapshot
    holds them so); the kinds not written are empty."""
    versions = versions or {}
    return [
        ChapterText(
            kind=kind,
            title=str(label),
            body_sq=(bodies.get(kind) or {}).get("sq", ""),
            body_en=(bodies.get(kind) or {}).get("en", ""),
            version=versions.get(kind, 0),
        )
        for kind, label in Chapter.Kind.choices
    ]


def chapters(strategy: Strategy) -> list[ChapterText]:
    """The strategy's narrative chapters, every kind in the document's order (those not written empty): one query."""
    rows = Chapter.objects.filter(strategy=strategy).only("kind", "body_sq", "body_en", "version")
    bodies, versions = {}, {}
    for row in rows:
        bodies[row.kind] = {"sq": row.body_sq, "en": row.body_en}
        versions[row.kind] = row.version
    return chapter_texts(bodies, versions)


def chapter(strategy: Strategy, kind: str) -> ChapterText:
    """One chapter of the strategy (empty when not written): one query. An unknown kind raises LookupError."""
    if kind not in Chapter.Kind.values:
        raise LookupError(kind)
    row = Chapter.objects.filter(strategy=strategy, kind=kind).first()
    bodies = {kind: {"sq": row.body_sq, "en": row.body_en}} if row else {}
    return next(text for text in chapter_texts(bodies, {kind: row.version} if row else {}) if text.kind == kind)
