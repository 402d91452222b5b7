"""What every analysis page shares: who may read it, and the period and filters read from the query string.

Analysis pages show approved data only, so every internal reader of the strategy's country may open them except
focal points, who see their own institution's reports instead: the secretariat, the coordinator and viewers.
Stakeholders and other countries' users get a 404, as for any object they may not see.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from nsm.accounts import access
from nsm.accounts.models import Institution
from nsm.analytics import sql
from nsm.analytics.groups import Filters
from nsm.analytics.headlines import Headline, headline
from nsm.analytics.periods import Period, action_plan_spans, default_period, periods_of
from nsm.reference.models import GcmObjective
from nsm.strategy.models import Result, Strategy

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# What the analysis of a strategy is computed from, summed up in one text that changes whenever any of it does, and
# only then: the approved reports (how many, the sum of their versions, the latest approval: a report's data change
# only while it is not approved, and each approval or reopening changes one of the three), the submissions that the
# compliance table counts (how many, how many late), and the plan: every change of a cycle, a result, an activity
# (with its budget and tags) or an indicator (with its targets) bumps that object's version, and a deletion changes a
# count. Saving a draft, which bumps the report's version, changes none of it: the pages stay cached while focal
# points type. Read with the strategy, in the same query; the cached pages are keyed by it.
_STRATEGY = Strategy._meta.db_table
_IS_APPROVED = f"r.status = '{sql.APPROVED}'"
_STAMP_SQL = " || '/' || ".join(
    [
        f"""COALESCE((SELECT SUM(CASE WHEN {_IS_APPROVED} THEN 1 ELSE 0 END)
            || '.' || SUM(CASE WHEN {_IS_APPROVED} THEN r.version ELSE 0 END)
            || '.' || COALESCE(CAST(MAX(CASE WHEN {_IS_APPROVED} THEN r.approved_at END) AS TEXT), '-')
            || '.' || COUNT(r.submitted_at) || '.' || SUM(CASE WHEN r.submitted_late THEN 1 ELSE 0 END)
            FROM {sql.T["report"]} r JOIN {sql.T["cycle"]} c ON c.id = r.cycle_id
            WHERE c.strategy_id = {_STRATEGY}.id), 'none')""",
        *(
            f"(SELECT COUNT(*) || '.' || COALESCE(SUM(version), 0) FROM {sql.T[name]}"
            f" WHERE strategy_id = {_STRATEGY}.id)"
            for name in ("cycle", "result", "activity", "indicator")
        ),
    ]
)
_LATEST_SQL = f"""(SELECT MAX(c.year) FROM {sql.T["cycle"]} c JOIN {sql.T["report"]} r ON r.cycle_id = c.id
    WHERE c.strategy_id = {_STRATEGY}.id AND r.status = '{sql.APPROVED}')"""


class AnalysisStamp(TypedDict):
    latest_approved_year: int | None
    analysis_stamp: str | None


# A strategy read by `with_analysis_stamp` (for the type checker: at run time the alias is only its text).
StampedStrategy: TypeAlias = "WithAnnotations[Strategy, AnalysisStamp]"


def with_analysis_stamp(strategies: QuerySet[Strategy]) -> QuerySet[StampedStrategy]:
    """The strategies with the year of their latest approved report and the stamp of their data, read in the same
    query (`latest_reported_period` and `cached_page` use them)."""
    return strategies.annotate(
        latest_approved_year=RawSQL(_LATEST_SQL, ()),  # noqa: S611 - constant SQL, no input  # nosec B611
        analysis_stamp=RawSQL(f"({_STAMP_SQL})", ()),  # noqa: S611 - constant SQL, no input  # nosec B611
    )


def analysed_strategies(user: Any) -> list[Strategy]:
    """The strategies whose analysis (and documents) `user` may read."""
    return [s for s in Strategy.objects.visible_to(user) if access.may_analyse(user, s.country)]


def strategy_for_analyst(user: Any, code: str) -> StampedStrategy:
    """The strategy whose analysis `user` may read, with its stamp (pages and the API); 404 otherwise."""
    strategy = access.get_for_user(with_analysis_stamp(Strategy.objects.all()), user, code, field="code")
    if not access.may_analyse(user, strategy.country):
        raise Http404
    return strategy


def analysed_strategy(request: HttpRequest, code: str) -> StampedStrategy:
    """`strategy_for_analyst` for the signed-in user of a page."""
    return strategy_for_analyst(request.user, code)


def latest_reported_period(strategy: StampedStrategy) -> Period:
    """The year of the latest cycle with an approved report (read by `with_analysis_stamp`); the plan's current
    year when there is none."""
    latest = strategy.latest_approved_year
    if latest is not None and latest in strategy.plan_years:
        return Period.year(latest)
    return default_period(strategy, timezone.localdate())


# A safety net for changes made outside the platform's services (the admin, SQL), which bump no version.
CACHE_SECONDS = 600
# Single flight: one request (or the worker) computes a page while the others asking for it wait, polling the cache
# every POLL_SECONDS, at most WAIT_SECONDS; then they compute it themselves (the one computing may have died: its
# lock lapses after LOCK_SECONDS).
LOCK_SECONDS = 30
WAIT_SECONDS = 10.0
POLL_SECONDS = 0.1


def page_key(request: HttpRequest, strategy: Strategy, page: str) -> str | None:
    """The cache key of this page for this query string, language and day and the strategy's data stamp; None when
    the stamp was not read (`with_analysis_stamp`). Empty parameters (a filter form's "all") count as absent."""
    stamp = getattr(strategy, "analysis_stamp", None)
    if stamp is None:
        return None
    query = sorted((name, value.strip()) for name, values in request.GET.lists() for value in values if value.strip())
    key = [
        page, strategy.pk, stamp, str(strategy.band_width), strategy.is_public, query, get_language(),
        timezone.localdate().isoformat(),
    ]  # fmt: skip
    return "nsm-analysis-" + hashlib.sha256(json.dumps(key, default=str).encode()).hexdigest()


def cached_page(request: HttpRequest, strategy: Strategy, page: str, build: Callable[[], Any]) -> Any:
    """What `build` returns for this page, query string, language and day, kept in the cache until the strategy's
    data stamp changes (at most CACHE_SECONDS): a page that nothing has changed since is not computed again, and
    while one request computes it the others wait for it (`single_flight`)."""
    key = page_key(request, strategy, page)
    if key is None:  # no stamp read: nothing to key the cache by
        return build()
    return single_flight(key, build, CACHE_SECONDS)


def single_flight(key: str, build: Callable[[], Any], seconds: int) -> Any:
    """The cached value of `key`, else `build()` stored for `seconds`, computed by one caller at a time across every
    process that shares the cache: the first takes a lock (`cache.add`, which only one can win) and the others poll
    for its value; when the lock vanishes without a value (the builder failed) the next takes it; after WAIT_SECONDS
    (the builder is stuck or died) they compute it themselves."""
    value = cache.get(key)
    if value is not None:
        return value
    lock = f"{key}-lock"
    deadline = time.monotonic() + WAIT_SECONDS
    while not cache.add(lock, True, LOCK_SECONDS):
        if time.monotonic() >= deadline:
            value = build()
            cache.set(key, value, seconds)
            return value
        time.sleep(POLL_SECONDS)
        found = cache.get_many([key, lock])
        if key in found:
            return found[key]
    try:
        value = cache.get(key)  # stored between our first look and the lock
        if value is None:
            value = build()
            cache.set(key, value, seconds)
        return value
    finally:
        cache.delete(lock)


# The strategies whose latest approved figures the home page shows, at most (those with the newest approved data).
HOME_STRATEGIES = 3


@dataclass(frozen=True)
class HomeFigures:
    strategy: Strategy
    figures: Headline


def home_figures(user: Any) -> list[HomeFigures]:
    """The headline figures of the latest reported period of the strategies whose analysis `user` reads and that have
    approved data (at most HOME_STRATEGIES, the newest data first), each kept in the cache until its data stamp
    changes: one query, and one cache read per strategy when the figures are kept."""
    strategies = [
        strategy
        for strategy in with_analysis_stamp(Strategy.objects.visible_to(user))
        if strategy.latest_approved_year is not None and access.may_analyse(user, strategy.country)
    ]
    strategies.sort(key=lambda strategy: (-(strategy.latest_approved_year or 0), strategy.code))
    return [_home_figures(strategy) for strategy in strategies[:HOME_STRATEGIES]]


def _home_figures(strategy: StampedStrategy) -> HomeFigures:
    period = latest_reported_period(strategy)
    key = [strategy.pk, strategy.analysis_stamp, str(strategy.band_width), period.slug]
    digest = hashlib.sha256(json.dumps(key, default=str).encode()).hexdigest()
    figures = single_flight(f"nsm-home-figures-{digest}", lambda: headline(strategy, period), CACHE_SECONDS)
    return HomeFigures(strategy, figures)


def filter_choices(strategy: Strategy, *, halves: bool = True, owners: bool = False) -> dict[str, Any]:
    """The options of the filter form, read once (three queries): the periods, the goals, the institutions that
    lead activities (or, with `owners`, that are responsible for indicators) and the GCM objectives."""
    if owners:
        institutions = Institution.objects.filter(owned_indicators__strategy=strategy)
    else:
        institutions = Institution.objects.filter(led_activities__strategy=strategy)
    return {
        "periods": periods_of(strategy, halves=halves, plans=action_plan_spans(strategy)),
        "goals": list(Result.objects.filter(strategy=strategy, depth=1).order_by("sort_key")),
        "institutions": list(institutions.distinct().order_by("code")),
        "gcm_objectives": list(GcmObjective.objects.order_by("number")),
    }


@dataclass
class Selection:
    """The period and filters of a page, as chosen in its filter form (`?period=2025&goal=3&institution=7&gcm=5`),
    with the form's options."""

    strategy: Strategy
    period: Period
    goal: Result | None = None
    institution: Institution | None = None
    gcm: GcmObjective | None = None
    errors: list[str] = field(default_factory=list)
    choices: dict[str, Any] = field(default_factory=dict)
    period_chosen: bool = False

    @property
    def filters(self) -> Filters:
        return Filters.of(self.strategy, goal=self.goal, institution=self.institution, gcm=self.gcm)

    def query(self, **changes: object) -> str:
        """The query string of this selection, with some parameters changed (None removes one)."""
        params: dict[str, object] = {
            "period": self.period.slug,
            "goal": self.goal.pk if self.goal else None,
            "institution": self.institution.pk if self.institution else None,
            "gcm": self.gcm.number if self.gcm else None,
        }
        params.update(changes)
        return urlencode({key: value for key, value in params.items() if value not in (None, "")})


def selection(
    request: HttpRequest,
    strategy: StampedStrategy,
    *,
    choices: dict[str, Any] | None = None,
    years_only: bool = False,
    default: Period | None = None,
) -> Selection:
    """Read `period`, `goal` (a goal's id), `institution` (an id) and `gcm` (an objective's number) from the query
    string, picking them among the form's options (`filter_choices`: no query of their own). With `years_only`, a
    half-year counts as its year. Without a valid period: `default`, else the latest year with approved data. A
    value that is not valid is ignored and explained in `errors` (the page still shows)."""
    choices = choices if choices is not None else filter_choices(strategy, halves=not years_only)
    errors: list[str] = []
    period = None
    raw = request.GET.get("period", "").strip()
    if raw:
        try:
            chosen = Period.parse(raw)
        except ValueError as error:
            errors.append(str(error))
        else:
            chosen = Period.year(chosen.first_year) if years_only and chosen.half else chosen
            if chosen in choices["periods"]:
                period = chosen
            else:
                errors.append(_("The period %(period)s is not in the action plan.") % {"period": raw})
    picked = Selection(
        strategy,
        period or default or latest_reported_period(strategy),
        errors=errors,
        choices=choices,
        period_chosen=period is not None,
    )
    picked.goal = _chosen(request, "goal", choices["goals"], "pk", _("There is no such goal in this strategy."), errors)
    picked.institution = _chosen(
        request, "institution", choices["institutions"], "pk", _("There is no such institution."), errors
    )
    picked.gcm = _chosen(
        request, "gcm", choices["gcm_objectives"], "number", _("There is no such GCM objective."), errors
    )
    return picked


def _chosen(request: HttpRequest, name: str, options: list[Any], key: str, error: str, errors: list[str]) -> Any:
    """The option whose `key` is the parameter's value; None (with the error) when there is none."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    found = next((option for option in options if str(getattr(option, key)) == raw), None)
    if found is None:
        errors.append(error)
    return found
