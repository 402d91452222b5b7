"""`nsm generate`: synthetic benchmark data, one national strategy or fifty, each a full plan monitored for 7 years.

Benchmark data, not demo data. Every row is written with `bulk_create` (batches of `BATCH`), many-to-many links
through their tables' `bulk_create`, so that a national plan takes seconds and fifty take a few minutes; nothing
goes through `save()`, the services or `full_clean()`, so **no django-simple-history rows** are written, no report
timeline (`ReportEvent`), no comments, reminders, evidence or users. What the generator writes follows the models'
rules all the same (codes and sort keys, one line per activity under way and per indicator due in a cycle, as
`nsm.monitoring.selectors` decides, disaggregated counts that add up to the total, percent complete that matches
the status).

The shape of one strategy is a `Scale` (`SCALES["national"]`: 8 goals, 24 objectives, 80 measures, 600 activities,
200 indicators, 40 institutions, 2024-2030 with 14 half-year cycles). "multi" is fifty such strategies; strategy
`i` (from 0) is generated with the seed `seed + i` and the country `COUNTRIES[i]`, so that the national strategy
(`NATIONAL_CODE`) holds exactly the same data at both scales. Countries are codes no real country uses (X?, Q?; XK
left out, as it is commonly used for Kosovo, and QA, Qatar); each country has its own institutions
(`XA-I01` ...). Deterministic: every choice comes from `random.Random(seed + i)`; dates are fixed, not today's: the
plan is seen as reported to its end, every cycle closed and approved except the last two, still open, with reports
in every state.

Idempotent: a strategy whose code exists is left alone (the missing ones of a scale are added); `replace=True`
first deletes every `BENCH-*` strategy and the bench countries' institutions, with raw deletes, since the ORM's
cascade would load every row and write a history row for each.

Row counts per strategy (national, seed 1): 8,156 activity lines (85% of activities run the whole plan, the
others start or end within it) and 17,066 indicator values (each number or percent indicator is disaggregated by
sex and age group, 7 cells and the total; 45% of indicators are annual, due in the second half-year only, the
others every cycle).
"""

from __future__ import annotations

import datetime
import random
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from string import ascii_uppercase
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from nsm.accounts.models import Institution
from nsm.core.codes import item_sort_key, sort_key
from nsm.demo.content import UNITS_SQ
from nsm.demo.loader import MissingReferenceData
from nsm.monitoring import kept
from nsm.monitoring.models import (
    ActivityProgress,
    ActivityStanding,
    Evidence,
    IndicatorStanding,
    IndicatorValue,
    ProgressReport,
    Reminder,
    ReportEvent,
    ReportingCycle,
    ReviewComment,
)
from nsm.reference.models import DisaggregationDimension, GcmObjective, SdgTarget, TargetGroup
from nsm.strategy.models import Activity, ActivityBudget, Indicator, IndicatorTarget, Result, Strategy

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

BATCH = 2000
CODE_PREFIX = "BENCH-"
NATIONAL_CODE = "BENCH-XA-2024-2030"
COUNTRIES = (
    tuple(f"X{letter}" for letter in ascii_uppercase if letter != "K")
    + tuple(f"Q{letter}" for letter in "MNOPQRSTUVWXYZ")
    + tuple(f"Q{letter}" for letter in "BCDEFGHIJKL")
)
DIMENSIONS = ("sex", "age_group")  # every number and percent indicator: 2 + 5 categories
SOURCE = "nsm generate (synthetic benchmark data)"


@dataclass(frozen=True)
class Scale:
    """The shape of the benchmark: how many strategies, and what each holds."""

    strategies: int
    goals: int = 8
    objectives_per_goal: int = 3
    measures_per_goal: int = 10  # spread over the goal's objectives (4, 3, 3)
    activities: int = 600  # spread over the measures (7 or 8 each)
    indicators: int = 200  # 2 per goal, 3 per objective, the rest on measures
    institutions: int = 40  # per country
    first_year: int = 2024
    last_year: int = 2030
    full_span_share: float = 0.85  # activities that run from the first year to the last
    annual_share: float = 0.45  # indicators due once a year (in the second half-year); the others every cycle
    gcm_gaps: int = 3  # GCM objectives that no measure or activity serves

    @property
    def objectives(self) -> int:
        return self.goals * self.objectives_per_goal

    @property
    def measures(self) -> int:
        return self.goals * self.measures_per_goal

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)

    @property
    def cycles(self) -> int:
        return 2 * len(self.years)

    def code(self, index: int) -> str:
        return f"{CODE_PREFIX}{COUNTRIES[index]}-{self.first_year}-{self.last_year}"

    def codes(self) -> list[str]:
        return [self.code(index) for index in range(self.strategies)]


SCALES = {"national": Scale(strategies=1), "multi": Scale(strategies=50)}


@dataclass(frozen=True)
class References:
    """Reference rows, by primary key, read once."""

    gcm: list[int]
    sdg: list[int]  # 10.7 first
    target_groups: list[int]
    dimensions: list[tuple[int, list[int]]]  # (dimension, its categories in order)


@dataclass
class Planned:
    """What the monitoring of one activity needs to know about it."""

    pk: int
    lead: int
    first: int  # quarter index: year * 4 + quarter - 1
    last: int
    budget: dict[int, dict[str, int]]  # year -> source -> amount
    pace: str
    factor: float
    delay: int  # quarters a late activity starts late
    cancel_at: int  # quarter index from which a cancelled activity is cancelled


@dataclass
class Measured:
    """What the monitoring of one indicator needs to know about it."""

    pk: int
    responsible: int
    value_type: str
    annual: bool
    baseline: float
    targets: dict[int, float]
    performance: float
    weights: list[list[float]]  # per dimension, per category


# --- entry point ---------------------------------------------------------------------------------------------


def generate(
    scale: str | Scale = "national", seed: int = 1, stdout: SupportsWrite[str] | None = None, *, replace: bool = False
) -> dict[str, int]:
    """Create the benchmark strategies of `scale` that are missing; return the rows created, by kind."""
    shape = SCALES[scale] if isinstance(scale, str) else scale
    started = time.monotonic()
    created: Counter[str] = Counter()
    if replace:
        strategies, institutions = delete_bench()
        _write(
            stdout,
            _("Deleted the benchmark data: %(strategies)d strategies, %(institutions)d institutions.")
            % {"strategies": strategies, "institutions": institutions},
        )
    existing = set(Strategy.objects.filter(code__in=shape.codes()).values_list("code", flat=True))
    if len(existing) == shape.strategies:
        _write(
            stdout,
            _(
                "The benchmark data is already there (strategies: %(count)d): nothing to do. Use --replace to "
                "generate it again."
            )
            % {"count": len(existing)},
        )
        return dict(created)
    if existing:
        _write(
            stdout,
            _("%(count)d of the %(total)d benchmark strategies exist already; adding the others.")
            % {"count": len(existing), "total": shape.strategies},
        )
    refs = read_references()
    for index, code in enumerate(shape.codes()):
        if code in existing:
            continue
        begun = time.monotonic()
        with transaction.atomic():
            counts = generate_strategy(shape, index, seed + index, refs)
        created.update(counts)
        _write(
            stdout,
            _("%(code)s: %(rows)s rows in %(seconds).1f s.")
            % {"code": code, "rows": f"{sum(counts.values()):,}", "seconds": time.monotonic() - begun},
        )
    for kind, count in sorted(created.items()):
        _write(stdout, f"  {kind}: {count:,}")
    _write(
        stdout,
        _("Created %(rows)s rows in %(seconds).1f seconds.")
        % {"rows": f"{sum(created.values()):,}", "seconds": time.monotonic() - started},
    )
    return dict(created)


def _write(stdout: SupportsWrite[str] | None, line: str) -> None:
    if stdout is not None:
        stdout.write(line + "\n")


def read_references() -> References:
    """The reference rows the generator uses; raises MissingReferenceData when the migrations have not loaded them."""
    gcm = list(GcmObjective.objects.order_by("number").values_list("pk", flat=True))
    sdg = sorted(SdgTarget.objects.values_list("code", "pk"), key=lambda row: (row[0] != "10.7", row[0]))
    groups = list(TargetGroup.objects.values_list("pk", flat=True))
    dimensions = {d.code: d for d in DisaggregationDimension.objects.filter(code__in=DIMENSIONS)}
    cells = [(d.pk, [c.pk for c in d.categories.order_by("position", "code")]) for d in dimensions.values()]
    missing = [
        name for name, rows in (("GCM objectives", gcm), ("SDG targets", sdg), ("target groups", groups)) if not rows
    ] + [code for code in DIMENSIONS if not dimensions.get(code)]
    if missing or any(len(categories) < 2 for _pk, categories in cells):
        raise MissingReferenceData(
            _("The benchmark needs reference data that is not in the database (%(listing)s). Run `nsm migrate` first.")
            % {"listing": ", ".join(missing) or ", ".join(DIMENSIONS)}
        )
    order = {d.pk: DIMENSIONS.index(d.code) for d in dimensions.values()}
    cells.sort(key=lambda cell: order[cell[0]])
    return References(gcm=gcm, sdg=[pk for _code, pk in sdg], target_groups=groups, dimensions=cells)


# --- one strategy ----------------------------------------------------------------------------------------------


def generate_strategy(shape: Scale, index: int, seed: int, refs: References) -> Counter[str]:
    """Write strategy `index` of the scale with its institutions, plan and monitoring; return the rows by kind."""
    rng = random.Random(seed)
    counts: Counter[str] = Counter()
    country = COUNTRIES[index]
    institutions = _institutions(country, shape.institutions, counts)
    strategy = Strategy(
        code=shape.code(index),
        country=country,
        title_en=f"Benchmark strategy on migration {country} {shape.first_year}-{shape.last_year}",
        title_sq=f"Strategji prove për migracionin {country} {shape.first_year}-{shape.last_year}",
        start_year=shape.first_year,
        end_year=shape.last_year,
        plan_start_year=shape.first_year,
        plan_end_year=shape.last_year,
        status=Strategy.Status.ADOPTED,
        adopting_act=f"Benchmark decision no. {100 + index}",
        adopted_on=datetime.date(shape.first_year - 1, 12, 20),
        currency="EUR",
        is_illustrative=True,
    )
    _bulk(Strategy, [strategy], counts)
    served = _served_gcm(rng, refs, shape)
    goals, objectives, measures = _results(strategy.pk, shape, served, rng, refs, counts)
    activities = _activities(strategy.pk, shape, measures, institutions, served, rng, refs, counts)
    indicators = _indicators(strategy.pk, shape, goals, objectives, measures, institutions, rng, refs, counts)
    _monitoring(strategy.pk, shape, activities, indicators, rng, refs, counts)
    standings = kept.rebuild([strategy.pk])  # the figures that approval keeps, for the reports written in bulk
    counts["activity standings"], counts["indicator standings"] = standings
    return counts


def _bulk(model: type[models.Model], rows: list[Any], counts: Counter[str], label: str | None = None) -> list[Any]:
    # The default manager is `objects` on every model given (type[Model] has no `objects` in the stubs).
    created = model._default_manager.bulk_create(rows, batch_size=BATCH)
    counts[label or model._meta.model_name or ""] += len(rows)
    return created


KINDS = (
    (Institution.Kind.MINISTRY, "Ministry", "Ministria"),
    (Institution.Kind.AGENCY, "Agency", "Agjencia"),
    (Institution.Kind.MINISTRY, "Ministry", "Ministria"),
    (Institution.Kind.MUNICIPALITY, "Municipality", "Bashkia"),
    (Institution.Kind.AGENCY, "Agency", "Agjencia"),
    (Institution.Kind.MINISTRY, "Ministry", "Ministria"),
    (Institution.Kind.INDEPENDENT, "Commission", "Komisioni"),
    (Institution.Kind.MUNICIPALITY, "Municipality", "Bashkia"),
    (Institution.Kind.INTERNATIONAL, "International organisation", "Organizata ndërkombëtare"),
    (Institution.Kind.CIVIL_SOCIETY, "Association", "Shoqata"),
)


def _institutions(country: str, count: int, counts: Counter[str]) -> list[int]:
    """The country's institutions `XA-I01` ..., created when missing; their primary keys."""
    codes = [f"{country}-I{number:02d}" for number in range(1, count + 1)]
    existing = dict(Institution.objects.filter(country=country, code__in=codes).values_list("code", "pk"))
    new = []
    for number, code in enumerate(codes, start=1):
        if code not in existing:
            kind, name_en, name_sq = KINDS[(number - 1) % len(KINDS)]
            new.append(
                Institution(
                    code=code,
                    kind=kind,
                    country=country,
                    source=SOURCE,
                    name_en=f"{name_en} {number} ({country})",
                    name_sq=f"{name_sq} {number} ({country})",
                )
            )
    for institution in _bulk(Institution, new, counts):
        existing[institution.code] = institution.pk
    return [existing[code] for code in codes]


def _spread(total: int, parts: int) -> list[int]:
    """`total` split into `parts` nearly equal whole numbers, the larger first: 10, 3 -> 4, 3, 3."""
    base, extra = divmod(total, parts)
    return [base + (1 if part < extra else 0) for part in range(parts)]


TOPICS = (
    ("return and reintegration", "kthimi dhe riintegrimi"),
    ("labour migration", "migracioni i punës"),
    ("diaspora engagement", "angazhimi i diasporës"),
    ("border management", "menaxhimi i kufirit"),
    ("asylum and protection", "azili dhe mbrojtja"),
    ("data and statistics", "të dhënat dhe statistikat"),
    ("anti-trafficking", "kundër trafikimit"),
    ("integration of foreigners", "integrimi i të huajve"),
    ("skills and employment", "aftësitë dhe punësimi"),
    ("consular services", "shërbimet konsullore"),
)
LEVEL_NAMES: dict[int, tuple[str, str]] = {  # by depth
    1: ("Goal", "Qëllimi"),
    2: ("Objective", "Objektivi"),
    3: ("Measure", "Masa"),
}


def _result(strategy: int, depth: int, code: str, parent: int | None) -> Result:
    name_en, name_sq = LEVEL_NAMES[depth]
    topic_en, topic_sq = TOPICS[sum(map(int, code.split("."))) % len(TOPICS)]
    return Result(
        strategy_id=strategy,
        parent_id=parent,
        depth=depth,
        code=code,
        sort_key=sort_key(code),
        title_en=f"{name_en} {code}: {topic_en}",
        title_sq=f"{name_sq} {code}: {topic_sq}",
    )


def _results(
    strategy: int, shape: Scale, served: list[int], rng: random.Random, refs: References, counts: Counter[str]
) -> tuple[list[Result], list[Result], list[Result]]:
    goals = _bulk(Result, [_result(strategy, 1, str(g), None) for g in range(1, shape.goals + 1)], counts)
    objectives = _bulk(
        Result,
        [
            _result(strategy, 2, f"{goal.code}.{o}", goal.pk)
            for goal in goals
            for o in range(1, shape.objectives_per_goal + 1)
        ],
        counts,
    )
    per_objective = _spread(shape.measures_per_goal, shape.objectives_per_goal)
    measures = _bulk(
        Result,
        [
            _result(strategy, 3, f"{objective.code}.{m}", objective.pk)
            for objective in objectives
            for m in range(1, per_objective[int(objective.code.split(".")[1]) - 1] + 1)
        ],
        counts,
    )
    gcm_links, sdg_links = [], []
    for measure in measures:
        for gcm in rng.sample(served, rng.choice((1, 1, 2))):
            gcm_links.append(Result.gcm_objectives.through(result_id=measure.pk, gcmobjective_id=gcm))
    for result in objectives + measures:
        if rng.random() < (0.3 if result.depth == 2 else 0.2):
            sdg = refs.sdg[0] if rng.random() < 0.6 else rng.choice(refs.sdg)
            sdg_links.append(Result.sdg_targets.through(result_id=result.pk, sdgtarget_id=sdg))
    _bulk(Result.gcm_objectives.through, gcm_links, counts, "result GCM objective")
    _bulk(Result.sdg_targets.through, sdg_links, counts, "result SDG target")
    return goals, objectives, measures


def _served_gcm(rng: random.Random, refs: References, shape: Scale) -> list[int]:
    """The GCM objectives the strategy serves: all but `gcm_gaps` of them (its coverage gaps)."""
    gaps = set(rng.sample(refs.gcm, min(shape.gcm_gaps, len(refs.gcm) - 1)))
    return [pk for pk in refs.gcm if pk not in gaps]


DONORS = ("European Union", "UNHCR", "IOM", "GIZ", "SDC", "UNDP", "World Bank", "Sweden", "Italy", "Austria")
SOURCES = (ActivityBudget.Source.STATE_BUDGET, ActivityBudget.Source.DONOR, ActivityBudget.Source.UNFUNDED)
PACES = (("on_time", 65), ("slow", 22), ("late", 9), ("cancelled", 4))


def _activities(
    strategy: int,
    shape: Scale,
    measures: list[Result],
    institutions: list[int],
    served: list[int],
    rng: random.Random,
    refs: References,
    counts: Counter[str],
) -> list[Planned]:
    per_measure = _spread(shape.activities, len(measures))
    rng.shuffle(per_measure)
    rows, planned = [], []
    for measure, number in zip(measures, per_measure, strict=True):
        for n in range(1, number + 1):
            code = f"{measure.code}.{n}"
            start, start_q, end, end_q = _timeframe(shape, rng)
            topic_en, topic_sq = TOPICS[(n + len(measure.code)) % len(TOPICS)]
            rows.append(
                Activity(
                    strategy_id=strategy,
                    measure_id=measure.pk,
                    code=code,
                    sort_key=sort_key(code),
                    title_en=f"Activity {code}: {topic_en}",
                    title_sq=f"Aktiviteti {code}: {topic_sq}",
                    lead_id=rng.choice(institutions),
                    start_year=start,
                    start_quarter=start_q,
                    end_year=end,
                    end_quarter=end_q,
                    gender_marker=rng.choices((0, 1, 2), weights=(55, 35, 10))[0],
                )
            )
    _bulk(Activity, rows, counts)
    partners, groups, gcm = [], [], []
    budget: list[ActivityBudget] = []
    for activity in rows:
        if rng.random() < 0.3:
            others = [pk for pk in institutions if pk != activity.lead_id]
            chosen = rng.sample(others, min(len(others), rng.choice((1, 2))))
            for place, pk in enumerate(chosen, start=1):  # supporting institutions, in the order drawn
                partners.append(Activity.partners.through(activity_id=activity.pk, institution_id=pk, position=place))
        if rng.random() < 0.5:
            for pk in rng.sample(refs.target_groups, min(len(refs.target_groups), rng.choice((1, 2)))):
                groups.append(Activity.target_groups.through(activity_id=activity.pk, targetgroup_id=pk))
        if rng.random() < 0.2:
            for pk in rng.sample(served, rng.choice((1, 2))):
                gcm.append(Activity.gcm_objectives.through(activity_id=activity.pk, gcmobjective_id=pk))
        amounts = _budget(activity, rng, budget)
        first = activity.start_year * 4 + (activity.start_quarter or 1) - 1
        last = activity.end_year * 4 + (activity.end_quarter or 4) - 1
        pace = rng.choices([p for p, _w in PACES], weights=[w for _p, w in PACES])[0]
        planned.append(
            Planned(
                pk=activity.pk,
                lead=activity.lead_id,
                first=first,
                last=last,
                budget=amounts,
                pace=pace,
                factor=rng.uniform(0.92, 1.05) if pace == "on_time" else rng.uniform(0.55, 0.8),
                delay=rng.randint(2, 4),
                cancel_at=first + rng.randint(1, max(1, last - first)),
            )
        )
    _bulk(Activity.partners.through, partners, counts, "activity partner")
    _bulk(Activity.target_groups.through, groups, counts, "activity target group")
    _bulk(Activity.gcm_objectives.through, gcm, counts, "activity GCM objective")
    _bulk(ActivityBudget, budget, counts, "budget line")
    return planned


def _timeframe(shape: Scale, rng: random.Random) -> tuple[int, int | None, int, int | None]:
    """Start year and quarter, end year and quarter: most activities run the whole plan, the others part of it."""
    if rng.random() < shape.full_span_share:
        return shape.first_year, None, shape.last_year, None
    span = len(shape.years) - 1
    start, start_q = shape.first_year + rng.randint(0, min(1, span)), rng.choice((None, None, 2, 3))
    end, end_q = shape.last_year - rng.randint(0, min(1, span)), rng.choice((None, None, 2))
    if (start, start_q or 1) > (end, end_q or 4):
        end, end_q = shape.last_year, None
    return start, start_q, end, end_q


def _budget(activity: Activity, rng: random.Random, lines: list[ActivityBudget]) -> dict[int, dict[str, int]]:
    """1-3 budget lines per year of the activity's timeframe; the amounts by year and source."""
    scale = rng.choice((5, 10, 20, 50, 100))
    donor = rng.choice(DONORS)
    amounts: dict[int, dict[str, int]] = {}
    for year in range(activity.start_year, activity.end_year + 1):
        count = rng.choices((1, 2, 3), weights=(45, 40, 15))[0]
        sources = (
            rng.sample(SOURCES[1:], count - 1) + [SOURCES[0]] if rng.random() < 0.85 else rng.sample(SOURCES, count)
        )
        amounts[year] = {}
        for source in sources:
            amount = rng.randint(1, 40) * scale * 100
            amounts[year][source] = amount
            lines.append(
                ActivityBudget(
                    activity_id=activity.pk,
                    year=year,
                    source=source,
                    amount=Decimal(amount),
                    donor=donor if source == ActivityBudget.Source.DONOR else "",
                )
            )
    return amounts


UNITS = ("persons", "cases", "officials trained", "returnees assisted", "applications processed", "agreements")
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _counted(total: int, share: float, minimum: int = 0) -> int:
    return min(total, max(minimum, round(total * share)))


def _indicators(
    strategy: int,
    shape: Scale,
    goals: list[Result],
    objectives: list[Result],
    measures: list[Result],
    institutions: list[int],
    rng: random.Random,
    refs: References,
    counts: Counter[str],
) -> list[Measured]:
    n = shape.indicators
    homes = ([g for g in goals for _i in range(2)] + [o for o in objectives for _i in range(3)])[:n]
    homes += [measures[i % len(measures)] for i in range(n - len(homes))]
    homes.sort(key=lambda result: result.sort_key)
    n_yes, n_percent = _counted(n, 0.03, 1 if n >= 5 else 0), _counted(n, 0.12)
    types = [Indicator.ValueType.YES_NO] * n_yes + [Indicator.ValueType.PERCENT] * n_percent
    types += [Indicator.ValueType.NUMBER] * (n - len(types))
    rng.shuffle(types)
    others = n - n_yes  # yes/no indicators are annual; the annual share is made up among the others
    n_annual = max(0, _counted(n, shape.annual_share) - n_yes)
    n_quarterly = _counted(others - n_annual, 0.1)
    frequencies = [Indicator.Frequency.ANNUAL] * n_annual + [Indicator.Frequency.QUARTERLY] * n_quarterly
    frequencies += [Indicator.Frequency.SEMIANNUAL] * (others - len(frequencies))
    rng.shuffle(frequencies)
    directions = [Indicator.Direction.DECREASE] * _counted(n, 0.15) + [Indicator.Direction.MAINTAIN] * _counted(n, 0.03)
    directions += [Indicator.Direction.INCREASE] * (n - len(directions))
    rng.shuffle(directions)
    kinds = {1: Indicator.Kind.IMPACT, 2: Indicator.Kind.OUTCOME, 3: Indicator.Kind.OUTPUT}
    rows, measured, targets, links = [], [], [], []
    letter: Counter[int] = Counter()
    for home, value_type, direction in zip(homes, types, directions, strict=True):
        code = f"{home.code}.{LETTERS[letter[home.pk] % 26]}"
        letter[home.pk] += 1
        yes_no = value_type == Indicator.ValueType.YES_NO
        frequency = Indicator.Frequency.ANNUAL if yes_no else frequencies.pop()
        direction = Indicator.Direction.INCREASE if yes_no else direction
        unit = "%" if value_type == Indicator.ValueType.PERCENT else "" if yes_no else rng.choice(UNITS)
        baseline, path = _target_path(shape, value_type, direction, rng)
        responsible = rng.choice(institutions)
        rows.append(
            Indicator(
                strategy_id=strategy,
                result_id=home.pk,
                code=code,
                sort_key=item_sort_key(code),
                name_en=f"Indicator {code}: {unit or 'in place'}",
                name_sq=f"Treguesi {code}: {unit or 'në fuqi'}",
                kind=kinds[home.depth],
                unit_sq=UNITS_SQ.get(unit, ""),
                unit_en=unit,
                value_type=value_type,
                direction=direction,
                baseline=Decimal(str(baseline)),
                baseline_year=shape.first_year - 1,
                frequency=frequency,
                data_source_sq="Të dhëna administrative",
                data_source_en="Administrative records",
                responsible_id=responsible,
            )
        )
        weights = [] if yes_no else [[rng.uniform(0.5, 1.5) for _c in cells] for _d, cells in refs.dimensions]
        measured.append(
            Measured(
                pk=0,
                responsible=responsible,
                value_type=value_type,
                annual=frequency == Indicator.Frequency.ANNUAL,
                baseline=baseline,
                targets=path,
                performance=rng.uniform(0.7, 1.1),
                weights=weights,
            )
        )
    _bulk(Indicator, rows, counts)
    for indicator, item in zip(rows, measured, strict=True):
        item.pk = indicator.pk
        targets += [
            IndicatorTarget(indicator_id=indicator.pk, year=year, value=Decimal(str(value)))
            for year, value in item.targets.items()
        ]
        if item.weights:
            links += [
                Indicator.disaggregation.through(indicator_id=indicator.pk, disaggregationdimension_id=dim)
                for dim, _cells in refs.dimensions
            ]
    _bulk(IndicatorTarget, targets, counts, "indicator target")
    _bulk(Indicator.disaggregation.through, links, counts, "indicator dimension")
    return measured


def _target_path(shape: Scale, value_type: str, direction: str, rng: random.Random) -> tuple[float, dict[int, float]]:
    """A baseline and a target for each year, moving evenly from the baseline to the final target."""
    years = list(shape.years)
    if value_type == Indicator.ValueType.YES_NO:
        switch = rng.choice(years)
        return 0, {year: 1 if year >= switch else 0 for year in years}
    if value_type == Indicator.ValueType.PERCENT:
        baseline = round(rng.uniform(10, 70), 1)
        final = {
            "increase": min(100.0, baseline + rng.uniform(5, 25)),
            "decrease": max(0.0, baseline - rng.uniform(5, 20)),
        }
        end, digits = final.get(direction, baseline), 1
    else:
        baseline = rng.randint(20, 2000)
        end, digits = (
            baseline * {"increase": rng.uniform(1.3, 2.0), "decrease": rng.uniform(0.5, 0.8)}.get(direction, 1),
            0,
        )
    path = {year: round(baseline + (end - baseline) * (k + 1) / len(years), digits) for k, year in enumerate(years)}
    return baseline, {year: int(value) if digits == 0 else value for year, value in path.items()}


# --- monitoring ----------------------------------------------------------------------------------------------

Status = ActivityProgress.Status
OPEN_OUTCOMES = (  # the last two cycles, still open: (approved, submitted, returned, draft) weights
    (70, 15, 10, 5),
    (40, 25, 15, 20),
)
REPORT_STATUSES = (
    ProgressReport.Status.APPROVED,
    ProgressReport.Status.SUBMITTED,
    ProgressReport.Status.RETURNED,
    ProgressReport.Status.DRAFT,
)
NARRATIVES: dict[str, tuple[str, ...]] = {  # by ActivityProgress.Status value
    Status.DELAYED: ("Procurement took longer than planned.", "Waiting for the partner's co-financing."),
    Status.CANCELLED: ("Cancelled: replaced by another activity.",),
}


def _cycle_dates(year: int, half: int) -> tuple[datetime.date, datetime.date]:
    if half == 1:
        return datetime.date(year, 7, 1), datetime.date(year, 7, 31)
    return datetime.date(year + 1, 1, 5), datetime.date(year + 1, 1, 31)


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, rng.randint(7, 15), rng.randint(0, 59), tzinfo=datetime.UTC)


def _monitoring(
    strategy: int,
    shape: Scale,
    activities: list[Planned],
    indicators: list[Measured],
    rng: random.Random,
    refs: References,
    counts: Counter[str],
) -> None:
    periods = [(year, half) for year in shape.years for half in (1, 2)]
    cycles = []
    for position, (year, half) in enumerate(periods):
        opens, due = _cycle_dates(year, half)
        is_open = position >= len(periods) - len(OPEN_OUTCOMES)
        status = ReportingCycle.Status.OPEN if is_open else ReportingCycle.Status.CLOSED
        cycles.append(
            ReportingCycle(
                strategy_id=strategy,
                kind=ReportingCycle.Kind.HALF_YEAR,
                year=year,
                half=half,
                opens_on=opens,
                due_on=due,
                status=status,
            )
        )
    _bulk(ReportingCycle, cycles, counts, "reporting cycle")
    for position, cycle in enumerate(cycles):
        first_q = cycle.year * 4 + (0 if cycle.half == 1 else 2)
        last_q = first_q + 1
        under_way = [a for a in activities if a.first <= last_q and a.last >= first_q]
        indicators_due = [i for i in indicators if cycle.half == 2 or not i.annual]
        reporters = sorted({a.lead for a in under_way} | {i.responsible for i in indicators_due})
        open_at = position - (len(cycles) - len(OPEN_OUTCOMES))
        reports = _bulk(
            ProgressReport, [_report(cycle, pk, open_at, rng) for pk in reporters], counts, "progress report"
        )
        report_of = {report.institution_id: report for report in reports}
        lines = [_activity_line(a, report_of[a.lead], cycle, last_q, rng) for a in under_way]
        _bulk(ActivityProgress, lines, counts, "activity progress")
        values: list[IndicatorValue] = []
        for indicator in indicators_due:
            _indicator_values(indicator, report_of[indicator.responsible], cycle, refs, rng, values)
        _bulk(IndicatorValue, values, counts, "indicator value")


def _report(cycle: ReportingCycle, institution: int, open_at: int, rng: random.Random) -> ProgressReport:
    """A report in a closed cycle is approved (a few late); in the open ones, in every state."""
    if open_at < 0:
        status = ProgressReport.Status.APPROVED
    else:
        status = rng.choices(REPORT_STATUSES, weights=OPEN_OUTCOMES[open_at])[0]
    report = ProgressReport(cycle_id=cycle.pk, institution_id=institution, status=status)
    report.first_saved_at = _at(cycle.opens_on + datetime.timedelta(days=rng.randint(0, 10)), rng)
    if status == ProgressReport.Status.DRAFT:
        return report
    window = (cycle.due_on - cycle.opens_on).days
    report.submitted_late = open_at < 0 and rng.random() < 0.08
    delay = window + rng.randint(1, 21) if report.submitted_late else rng.randint(11, max(11, window))
    report.submitted_at = _at(cycle.opens_on + datetime.timedelta(days=delay), rng)
    if status == ProgressReport.Status.APPROVED:
        review = rng.randint(2, 25) if open_at < 0 else rng.randint(1, 7)
        report.approved_at = report.submitted_at + datetime.timedelta(days=review)
    elif status == ProgressReport.Status.RETURNED:
        report.return_reason = "Please complete the spending figures and explain the delays."
    return report


def _activity_line(
    activity: Planned, report: ProgressReport, cycle: ReportingCycle, last_q: int, rng: random.Random
) -> ActivityProgress:
    line = ActivityProgress(report_id=report.pk, activity_id=activity.pk)
    if report.status == ProgressReport.Status.DRAFT and rng.random() < 0.5:
        return line  # not filled in yet
    status, percent = _progress(activity, last_q, rng)
    line.status, line.percent_complete = status, percent
    line.narrative_sq = rng.choice(NARRATIVES[status]) if status in NARRATIVES else ""
    if status in (Status.ON_TRACK, Status.DELAYED, Status.COMPLETED):
        planned = activity.budget.get(cycle.year, {})
        for source, name in ((SOURCES[0], "spent_state_budget"), (SOURCES[1], "spent_donor")):
            if source in planned:
                setattr(line, name, Decimal(int(planned[source] * rng.uniform(0.25, 0.55))))
    return line


def _progress(activity: Planned, last_q: int, rng: random.Random) -> tuple[str, int]:
    """Status and percent complete at the end of the period (quarter index `last_q`), at the activity's pace."""
    total = activity.last - activity.first + 1
    started = activity.first + (activity.delay if activity.pace == "late" else 0)
    if activity.pace == "cancelled" and last_q >= activity.cancel_at:
        return Status.CANCELLED, min(99, round(100 * (activity.cancel_at - activity.first) / total * 0.7))
    if last_q < started:
        return Status.NOT_STARTED, 0
    elapsed = min(total, last_q - started + 1) / total
    if last_q >= activity.last and (activity.pace == "on_time" or rng.random() < 0.5):
        return Status.COMPLETED, 100
    percent = max(1, min(99, round(100 * elapsed * activity.factor)))
    return (Status.ON_TRACK if activity.pace == "on_time" else Status.DELAYED), percent


def _indicator_values(
    indicator: Measured,
    report: ProgressReport,
    cycle: ReportingCycle,
    refs: References,
    rng: random.Random,
    values: list[IndicatorValue],
) -> None:
    """The total and one value per category; each dimension's counts add up to the total."""
    empty = report.status == ProgressReport.Status.DRAFT and rng.random() < 0.5
    total = None if empty else _value(indicator, cycle, rng)
    values.append(IndicatorValue(report_id=report.pk, indicator_id=indicator.pk, value=_decimal(total)))
    for (_dimension, categories), weights in zip(refs.dimensions, indicator.weights, strict=False):
        if total is None:
            cells: list[float | None] = [None] * len(categories)
        elif indicator.value_type == Indicator.ValueType.NUMBER:
            cells = list(_split(int(total), weights))
        else:  # a percent of each group, around the total's
            cells = [round(min(100.0, max(0.0, total + rng.uniform(-8, 8))), 1) for _c in categories]
        values += [
            IndicatorValue(report_id=report.pk, indicator_id=indicator.pk, category_id=category, value=_decimal(cell))
            for category, cell in zip(categories, cells, strict=True)
        ]


def _value(indicator: Measured, cycle: ReportingCycle, rng: random.Random) -> float:
    """Where the indicator stands at the end of the period: part of the way to the year's target."""
    target = indicator.targets[cycle.year]
    if indicator.value_type == Indicator.ValueType.YES_NO:
        return 1 if target and rng.random() < 0.9 else 0
    before = indicator.targets.get(cycle.year - 1, indicator.baseline)
    expected = before + (target - before) * (0.5 if cycle.half == 1 else 1)
    value = indicator.baseline + (expected - indicator.baseline) * indicator.performance * rng.uniform(0.95, 1.05)
    if indicator.value_type == Indicator.ValueType.PERCENT:
        return round(min(100.0, max(0.0, value)), 1)
    return max(0, round(value))


def _split(total: int, weights: list[float]) -> list[int]:
    """`total` in whole parts proportional to `weights` that add up to it (largest remainders)."""
    whole = sum(weights)
    shares = [total * weight / whole for weight in weights]
    parts = [int(share) for share in shares]
    by_remainder = sorted(range(len(parts)), key=lambda i: shares[i] - parts[i], reverse=True)
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


# --- deleting ------------------------------------------------------------------------------------------------


def delete_bench() -> tuple[int, int]:
    """Delete every benchmark strategy (`BENCH-*`) with everything under it, and the bench countries' institutions.

    Raw deletes, children first, for the tables the generator fills: the ORM's cascade would load every row and,
    through django-simple-history, write a history row for each. What others may have added (timelines, comments,
    evidence, trainings ...) goes through the ORM; the strategies' and institutions' own deletion history rows are
    removed too. Returns the numbers of strategies and institutions deleted.
    """
    strategies = list(Strategy.objects.filter(code__startswith=CODE_PREFIX).values_list("pk", flat=True))
    bench_institutions = Q(country__in=COUNTRIES, code__regex=r"^[A-Z]{2}-I[0-9]+$")
    institutions = list(Institution.objects.filter(bench_institutions).values_list("pk", flat=True))
    with transaction.atomic():
        reports = ProgressReport.objects.filter(cycle__strategy__in=strategies)
        Evidence.objects.filter(line__report__in=reports).delete()
        for model in (ReportEvent, ReviewComment, Reminder):
            model.objects.filter(report__in=reports).delete()
        for queryset in (
            ActivityStanding.objects.filter(strategy__in=strategies),
            IndicatorStanding.objects.filter(strategy__in=strategies),
            IndicatorValue.objects.filter(report__cycle__strategy__in=strategies),
            ActivityProgress.objects.filter(report__cycle__strategy__in=strategies),
            ProgressReport.objects.filter(cycle__strategy__in=strategies),
            ReportingCycle.objects.filter(strategy__in=strategies),
            IndicatorTarget.objects.filter(indicator__strategy__in=strategies),
            Indicator.disaggregation.through.objects.filter(indicator__strategy__in=strategies),
            Indicator.objects.filter(strategy__in=strategies),
            ActivityBudget.objects.filter(activity__strategy__in=strategies),
            Activity.partners.through.objects.filter(activity__strategy__in=strategies),
            Activity.target_groups.through.objects.filter(activity__strategy__in=strategies),
            Activity.gcm_objectives.through.objects.filter(activity__strategy__in=strategies),
            Activity.objects.filter(strategy__in=strategies),
            Result.gcm_objectives.through.objects.filter(result__strategy__in=strategies),
            Result.sdg_targets.through.objects.filter(result__strategy__in=strategies),
            Result.objects.filter(strategy__in=strategies),
        ):
            queryset._raw_delete(queryset.db)
        Strategy.objects.filter(pk__in=strategies).delete()
        Strategy.history.filter(id__in=strategies).delete()
        Institution.objects.filter(pk__in=institutions).delete()
        Institution.history.filter(id__in=institutions).delete()
    return len(strategies), len(institutions)
