"""Policy-gap warnings: a strategy or action plan about to end with nothing to follow it, or years left uncovered.

For each country, looking from `today`:
- *strategy ending*: the current strategy (adopted, covering this year) ends within `months` (NSM_POLICY_GAP_MONTHS,
  12 by default) and no later strategy of the country is in drafting, consultation or adopted;
- *action plan ending*: the current strategy's last action plan (drafting, consultation or adopted: a strategy
  with several action plans has each of them, else the one its action-plan years imply) ends before the strategy
  does, within `months` or already: the remaining years need the next action plan. The warning stays after the
  action plan has lapsed, until the next one is drafted;
- *uncovered years*: from this year to the last year any live strategy (drafting, consultation, adopted) covers,
  the years none of them covers; and this year itself when no adopted strategy covers it.
Two queries for all countries (the strategies, their action plans); the rest is arithmetic on the few found.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nsm.strategy.models import Strategy
from nsm.strategy.selectors import implied_action_plan

LIVE = (Strategy.Status.DRAFTING, Strategy.Status.CONSULTATION, Strategy.Status.ADOPTED)
STRATEGY_ENDING, PLAN_ENDING, UNCOVERED = "strategy_ending", "plan_ending", "uncovered"


@dataclass(frozen=True)
class PolicyGap:
    kind: str
    country: str
    strategy: Strategy | None
    message: str
    years: tuple[int, ...] = ()


def months_until_end_of(year: int, today: datetime.date) -> int:
    """Whole months from today to 31 December of `year` (0 in December of that year, negative after it)."""
    return (year - today.year) * 12 + (12 - today.month)


def policy_gaps(strategies, today: datetime.date, months: int | None = None) -> list[PolicyGap]:
    """The warnings for the countries of `strategies` (a queryset already scoped to what the user may see)."""
    months = settings.POLICY_GAP_MONTHS if months is None else months
    found: list[PolicyGap] = []
    if hasattr(strategies, "prefetch_related"):
        strategies = strategies.prefetch_related("action_plans")
    rows = sorted(strategies, key=lambda s: (s.country, s.start_year, s.code))
    for country, group in groupby(rows, key=lambda s: s.country):
        found += _country_gaps(country, list(group), today, months)
    return found


def _plan_gap(current: Strategy, today: datetime.date, months: int) -> PolicyGap | None:
    """The years of the current strategy, from this one on, that no live action plan covers, when the first of
    them starts within `months` or has started: the next action plan is needed (or the plans leave a gap)."""
    plans = [p for p in current.action_plans.all() if p.status in LIVE] or [implied_action_plan(current)]
    covered = {year for plan in plans for year in plan.years}
    start = max(today.year, current.start_year)
    uncovered = tuple(year for year in range(start, current.end_year + 1) if year not in covered)
    if not uncovered or months_until_end_of(uncovered[0] - 1, today) >= months:
        return None
    last = max(plan.end_year for plan in plans)
    values = {"code": current.code, "year": last, "end": current.end_year, "next": uncovered[0]}
    if uncovered[0] <= last:
        message = _("No action plan of %(code)s covers %(years)s: the action plans leave a gap.")
        values["years"] = ", ".join(str(year) for year in uncovered)
    elif last < today.year:
        message = _(
            "The last action plan of %(code)s ended on 31 December %(year)s, and none follows it: the years "
            "%(next)s–%(end)s of the strategy have no action plan."
        )
    else:
        message = _(
            "The action plan of %(code)s ends on 31 December %(year)s, while the strategy runs to %(end)s: the next "
            "action plan (%(next)s–%(end)s) is needed."
        )
    return PolicyGap(PLAN_ENDING, current.country, current, message % values, uncovered)


def _country_gaps(country: str, strategies: list[Strategy], today: datetime.date, months: int) -> list[PolicyGap]:
    gaps: list[PolicyGap] = []
    live = [s for s in strategies if s.status in LIVE]
    current = next(
        (s for s in live if s.status == Strategy.Status.ADOPTED and s.start_year <= today.year <= s.end_year), None
    )
    if current is None:
        gaps.append(
            PolicyGap(
                UNCOVERED,
                country,
                None,
                _("No adopted strategy covers %(year)s.") % {"year": today.year},
                (today.year,),
            )
        )
    else:
        left = months_until_end_of(current.end_year, today)
        successor = any(s.start_year > current.start_year and s.pk != current.pk for s in live)
        if left < months and not successor:
            gaps.append(
                PolicyGap(
                    STRATEGY_ENDING,
                    country,
                    current,
                    ngettext(
                        "%(code)s ends on 31 December %(year)s, in %(months)s month, and no successor is being "
                        "drafted, consulted on or adopted.",
                        "%(code)s ends on 31 December %(year)s, in %(months)s months, and no successor is being "
                        "drafted, consulted on or adopted.",
                        left,
                    )
                    % {"code": current.code, "year": current.end_year, "months": left},
                )
            )
        gap = _plan_gap(current, today, months)
        if gap is not None:
            gaps.append(gap)
    last = max((s.end_year for s in live), default=today.year)
    covered = {year for s in live for year in s.years}
    uncovered = tuple(year for year in range(today.year, last + 1) if year not in covered)
    if current is not None and uncovered:
        gaps.append(
            PolicyGap(
                UNCOVERED,
                country,
                None,
                _("No strategy covers %(years)s.") % {"years": ", ".join(str(year) for year in uncovered)},
                uncovered,
            )
        )
    return gaps
