"""The plan quality check: every gap to close before a version goes to consultation or to adoption.

`check(strategy)` runs a fixed number of queries (seven) whatever the size of the plan. It looks for:
- activities whose lead institution is no longer active (a lead is required, so none is ever missing), without a
  cost (no budget line, or all lines zero), with a timeframe outside the action plan's years, or without a GCM
  objective (neither their own nor their measure's);
- indicators without a baseline, a target, a data source or a responsible institution (the owner);
- measures without an indicator of their own;
- GCM objectives (1 to 23) that no goal, objective, measure or activity of the plan names.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import DecimalField, Exists, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from nsm.consultation.versions import item_order
from nsm.reference.models import GcmObjective
from nsm.strategy.models import Activity, ActivityBudget, CostBasis, Indicator, IndicatorTarget, Result, Strategy

KINDS = ("activity", "indicator", "measure", "gcm")


@dataclass(frozen=True)
class Gap:
    """One thing missing from the plan: which item (`kind`, `code`), what is missing (`reason`), where to fix it."""

    kind: str  # activity, indicator, measure, gcm
    code: str
    title: str
    reason: str  # a stable key: no_cost, inactive_lead, ...
    message: str
    url: str


def _activities(strategy: Strategy) -> list[Gap]:
    budget = (
        ActivityBudget.objects.filter(activity=OuterRef("pk"))
        .values("activity")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    own_gcm = Activity.gcm_objectives.through.objects.filter(activity=OuterRef("pk"))
    measure_gcm = Result.gcm_objectives.through.objects.filter(result=OuterRef("measure_id"))
    activities = (
        Activity.objects.filter(strategy=strategy)
        .select_related("lead")
        .annotate(
            cost=Coalesce(Subquery(budget), Value(0), output_field=DecimalField(max_digits=17, decimal_places=2)),
            has_gcm=Exists(own_gcm) | Exists(measure_gcm),
        )
    )
    gaps = []
    for activity in activities:
        url = reverse("strategy:activity", args=[strategy.code, activity.pk])

        def gap(reason: str, message: str, activity: Activity = activity, url: str = url) -> Gap:
            return Gap("activity", activity.code, activity.title, reason, message, url)

        if not activity.lead.is_active:
            gaps.append(gap("inactive_lead", _("Its lead institution (%(code)s) is no longer active.")
                            % {"code": activity.lead.code}))  # fmt: skip
        if activity.cost_basis == CostBasis.NOT_COSTED:
            gaps.append(gap("no_cost", _("It is not yet costed.")))
        elif activity.is_costed and not activity.cost:
            gaps.append(gap("no_cost", _("It has no cost: no budget line, or all lines are zero.")))
        if activity.start_year < strategy.plan_start_year or activity.end_year > strategy.plan_end_year:
            message = _("Its timeframe (%(start)s–%(end)s) lies outside the action plan's years (%(first)s–%(last)s).")
            gaps.append(gap("timeframe", message % {
                "start": activity.start_label, "end": activity.end_label,
                "first": strategy.plan_start_year, "last": strategy.plan_end_year,
            }))  # fmt: skip
        if not activity.has_gcm:
            gaps.append(gap("no_gcm", _("It has no GCM objective, nor has its measure.")))
    return gaps


def _indicators(strategy: Strategy) -> list[Gap]:
    indicators = Indicator.objects.filter(strategy=strategy).annotate(
        has_target=Exists(IndicatorTarget.objects.filter(indicator=OuterRef("pk")))
    )
    gaps = []
    for indicator in indicators:
        url = reverse("strategy:indicator", args=[strategy.code, indicator.pk])
        in_words = indicator.value_type == Indicator.ValueType.TEXT  # no number as baseline or target, by rule
        checks = (
            (indicator.baseline is None and not in_words, "no_baseline", _("It has no baseline.")),
            (not indicator.has_target and not in_words, "no_target", _("It has no target.")),
            (not indicator.data_source.strip(), "no_data_source", _("It has no data source.")),
            (indicator.responsible_id is None, "no_owner", _("No institution is responsible for it.")),
        )
        gaps += [Gap("indicator", indicator.code, indicator.name, reason, message, url)
                 for missing, reason, message in checks if missing]  # fmt: skip
    return gaps


def _measures(strategy: Strategy) -> list[Gap]:
    measures = Result.objects.filter(strategy=strategy, depth=strategy.result_depth).annotate(
        has_indicator=Exists(Indicator.objects.filter(result=OuterRef("pk")))
    )
    return [
        Gap("measure", measure.code, measure.title, "no_indicator", _("It has no indicator."),
            reverse("strategy:result", args=[strategy.code, measure.pk]))
        for measure in measures
        if not measure.has_indicator
    ]  # fmt: skip


def _gcm(strategy: Strategy) -> list[Gap]:
    touched = set(
        Result.gcm_objectives.through.objects.filter(result__strategy=strategy).values_list(
            "gcmobjective__number", flat=True
        )
    ) | set(
        Activity.gcm_objectives.through.objects.filter(activity__strategy=strategy).values_list(
            "gcmobjective__number", flat=True
        )
    )
    url = reverse("reference:gcm")
    return [
        Gap("gcm", str(objective.number), objective.title, "gcm_untouched",
            _("No result or activity of the plan names this GCM objective."),
            f"{url}#objectives")
        for objective in GcmObjective.objects.order_by("number")
        if objective.number not in touched
    ]  # fmt: skip


def check(strategy: Strategy) -> list[Gap]:
    """Every gap of the plan: activities, indicators, measures (each in code order), then untouched GCM objectives."""
    items = _activities(strategy) + _indicators(strategy) + _measures(strategy)
    items.sort(key=lambda gap: (KINDS.index(gap.kind), item_order(gap.code)))
    return items + _gcm(strategy)


def count_by_kind(gaps: list[Gap]) -> dict[str, int]:
    return {kind: sum(1 for gap in gaps if gap.kind == kind) for kind in KINDS}
