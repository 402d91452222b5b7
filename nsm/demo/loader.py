"""Load the illustrative demo plan (`content.py`) into the database, idempotently.

The loader adds what is missing and corrects what differs from the content; it never deletes. Rows it
does not know (an activity someone added to the demo plan, say) are left alone. It reads every existing
row of the demo strategy once, compares field values and many-to-many sets in memory, and saves only what
differs, each save validated (`full_clean`) and recorded in history as the demo admin's, so that a second
run writes nothing.

Reference data (institutions, GCM objectives, SDG targets, target groups, disaggregation dimensions) comes
from the data migrations; the loader only looks it up, and names everything missing at once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils.translation import gettext as _

from nsm.accounts import twofactor
from nsm.accounts.models import Institution, Membership, User
from nsm.audit import acting_as
from nsm.demo import (
    annual,
    capacity,
    chapters,
    consultation,
    content,
    context,
    diaspora,
    gcm_review,
    monitoring,
    remarks,
    sdg_1072,
    workinggroup,
)
from nsm.reference.models import DisaggregationDimension, GcmObjective, SdgTarget, TargetGroup
from nsm.strategy.models import (
    Activity,
    ActivityBudget,
    Indicator,
    IndicatorTarget,
    Result,
    Strategy,
    named_list,
)
from nsm.strategy.services import create_with_history, set_m2m_quietly

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

REASON = "demo data"
# The demo logins that need two-factor sign-in (admin, coordinator, secretariat) share this authenticator secret
# (base32), printed by `nsm demo --logins`; `nsm totp-code USERNAME` prints the current code. Demo only.
DEMO_TOTP_SECRET = "NSMDEMOTOTPKEYFORDEMOSONLYNSMDEM"  # noqa: S105


class MissingReferenceData(Exception):
    """The demo uses codes that the reference data in the database does not have."""


@dataclass
class LoadSummary:
    """What one run did, counted per kind of row (strategy, result, activity, budget line ...)."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))

    def line(self) -> str:
        return _(
            "Demo %(code)s (illustrative, not the adopted text): %(created)d created, %(updated)d updated, "
            "%(unchanged)d unchanged."
        ) % {
            "code": content.STRATEGY["code"],
            "created": sum(self.created.values()),
            "updated": sum(self.updated.values()),
            "unchanged": sum(self.unchanged.values()),
        }


@dataclass
class References:
    """Reference rows by code, read once."""

    institutions: dict[str, Institution]
    gcm: dict[int, GcmObjective]
    sdg: dict[str, SdgTarget]
    target_groups: dict[str, TargetGroup]
    dimensions: dict[str, DisaggregationDimension]


def load_demo(*, stdout: SupportsWrite[str] | None = None) -> LoadSummary:
    """Create or correct the demo users and the demo plan, and the second, two-level demo plan (`diaspora.py`); add
    the first plan's monitoring cycles (`monitoring.py`), consultation (`consultation.py`), draft GCM review
    (`gcm_review.py`), SDG 10.7.2 self-assessments (`sdg_1072.py`) and issued 2024 monitoring report (`annual.py`)
    when missing; write the summary line to `stdout` when given."""
    plan = content.flatten()
    references = read_references(plan.references(), content.STRATEGY["country"])
    summary = LoadSummary()
    with transaction.atomic():
        admin = _ensure_users(references, summary)
        with acting_as(admin, reason=REASON):
            strategy = _sync_strategy(content.STRATEGY, summary)
            _sync_plan(strategy, plan, references, summary)
            diaspora.load_diaspora(admin=admin, summary=summary)  # a second plan, of two levels
        monitoring.load_monitoring(strategy, admin=admin, summary=summary)
        consultation.load_consultation(strategy, admin=admin, summary=summary)
        capacity.load_trainings(strategy, admin=admin, summary=summary)
        workinggroup.load_working_group(strategy, summary=summary)
        context.load_context(admin=admin, summary=summary, country=strategy.country)
        gcm_review.load_gcm_review(strategy, summary=summary)
        sdg_1072.load_sdg_1072(strategy, summary=summary)
        chapters.load_chapters(strategy, summary=summary)  # drafted from the plan, the meetings and the evidence
        annual.load_annual_report(strategy, summary=summary)  # last: it reads the approved 2024 reports
        remarks.load_remarks(strategy, summary=summary)  # on the drafts above
    if stdout is not None:
        stdout.write(summary.line() + "\n")
    return summary


def _sync_plan(strategy: Strategy, plan: content.Plan, refs: References, summary: LoadSummary) -> None:
    results = _sync_results(strategy, plan.results, refs, summary)
    activities = _sync_activities(strategy, results, plan.activities, refs, summary)
    _sync_budget(strategy, activities, plan.budget, summary)
    indicators = _sync_indicators(strategy, results, plan.indicators, refs, summary)
    _sync_targets(strategy, indicators, plan.targets, summary)


# --- reference data --------------------------------------------------------------------------------------


def read_references(wanted: dict[str, Any], country: str) -> References:
    """The reference rows named in `wanted` (kind -> codes), in five queries; raises MissingReferenceData naming
    every gap."""
    refs = References(
        institutions={i.code: i for i in Institution.objects.filter(country=country, code__in=wanted["institutions"])},
        gcm={g.number: g for g in GcmObjective.objects.filter(number__in=wanted["gcm_objectives"])},
        sdg={t.code: t for t in SdgTarget.objects.filter(code__in=wanted["sdg_targets"])},
        target_groups={t.code: t for t in TargetGroup.objects.filter(code__in=wanted["target_groups"])},
        dimensions={d.code: d for d in DisaggregationDimension.objects.filter(code__in=wanted["disaggregation"])},
    )
    found: dict[str, dict[Any, Any]] = {
        "institutions": refs.institutions,
        "gcm_objectives": refs.gcm,
        "sdg_targets": refs.sdg,
        "target_groups": refs.target_groups,
        "disaggregation": refs.dimensions,
    }
    missing = {kind: sorted(set(codes) - set(found[kind]), key=str) for kind, codes in wanted.items()}
    missing = {kind: codes for kind, codes in missing.items() if codes}
    if missing:
        listing = "; ".join(f"{kind}: {', '.join(map(str, codes))}" for kind, codes in missing.items())
        raise MissingReferenceData(
            _("The demo needs reference data that is not in the database (%(listing)s). Run `nsm migrate` first.")
            % {"listing": listing}
        )
    return refs


# --- the generic compare-and-save step -------------------------------------------------------------------


def _differs(obj: models.Model, name: str, value: Any) -> bool:
    """Compare a field with the wanted value; foreign keys by id, so that no related row is fetched."""
    if isinstance(value, models.Model) or (value is None and name in _fk_names(obj)):
        return getattr(obj, f"{name}_id") != (value.pk if value is not None else None)
    return getattr(obj, name) != value


def _fk_names(obj: models.Model) -> set[str]:
    return {f.name for f in obj._meta.concrete_fields if f.is_relation}


_M = TypeVar("_M", bound=models.Model)


def _sync_row(
    model: type[_M],
    obj: _M | None,
    values: dict[str, Any],
    m2m: dict[str, Any],
    summary: LoadSummary,
) -> _M:
    """Create `obj` when None, else save only the fields and many-to-many sets that differ.

    History: one row per created or changed object, holding its many-to-many sets too (as the services do).
    """
    if obj is None:
        # Every concrete model has a model_name (the stubs allow None).
        obj = create_with_history(model(), {**values, **{name: ids for name, ids in m2m.items() if ids}})
        summary.created[cast(str, model._meta.model_name)] += 1
        return obj
    fields_changed = _assign(obj, values)
    sets = {name: ids for name, ids in m2m.items() if _current(obj, name) != ids}
    if sets:
        set_m2m_quietly(obj, sets)
    if fields_changed or sets:
        _save(obj, validate=fields_changed)
    counter = summary.updated if fields_changed or sets else summary.unchanged
    counter[cast(str, model._meta.model_name)] += 1
    return obj


def _current(obj: models.Model, name: str) -> Any:
    """A many-to-many value as `m2m` gives it: an activity's other institutions in order, else a set of ids."""
    if isinstance(obj, Activity) and name == "partners":
        return obj.named
    return {o.pk for o in getattr(obj, name).all()}


def _assign(obj: models.Model, values: dict[str, Any]) -> bool:
    """Set the fields whose value differs; True when there was any."""
    changed = [name for name, value in values.items() if _differs(obj, name, value)]
    for name in changed:
        setattr(obj, name, values[name])
    return bool(changed)


def _save(obj: models.Model, *, validate: bool = True) -> None:
    """Validate (unless only many-to-many sets changed, which `full_clean` does not look at) and save."""
    if validate:
        obj.full_clean()
    obj.save()


# --- users -----------------------------------------------------------------------------------------------


def _ensure_users(refs: References, summary: LoadSummary) -> User:
    """Create the demo users that are missing (an existing user keeps its password) and their memberships."""
    existing = {u.username: u for u in User.objects.filter(username__in=[d.username for d in content.USERS])}
    missing = [d for d in content.USERS if d.username not in existing]
    password = make_password(content.PASSWORD) if missing else ""  # hashed once: hashing is slow on purpose
    users = {**existing, **{d.username: _create_user(d, password, summary) for d in missing}}
    if existing:
        summary.unchanged["user"] += len(existing)
    admin = users["admin"]
    memberships = {(m.user_id, m.institution_id): m for m in Membership.objects.filter(user__in=list(users.values()))}
    with acting_as(admin, reason=REASON):
        for demo in content.USERS:
            if demo.institution:
                user, institution = users[demo.username], refs.institutions[demo.institution]
                current = memberships.get((user.pk, institution.pk))
                values = {"user": user, "institution": institution, "role": demo.role}
                _sync_row(Membership, current, values, {}, summary)
    _ensure_two_factor_devices(users, summary)
    return admin


def _ensure_two_factor_devices(users: dict[str, User], summary: LoadSummary) -> None:
    """The demo users who need two-factor sign-in get a device with DEMO_TOTP_SECRET, unless they have one."""
    for demo in content.USERS:
        if demo.role not in {"superuser", *twofactor.TWO_FACTOR_ROLES}:
            continue
        user = users[demo.username]
        if twofactor.confirmed_device(user) is None:
            twofactor.add_confirmed_device(user, secret=DEMO_TOTP_SECRET, name="demo")
            summary.created["two-factor device"] += 1
        else:
            summary.unchanged["two-factor device"] += 1


def _create_user(demo: content.DemoUser, password: str, summary: LoadSummary) -> User:
    superuser = demo.role == "superuser"
    user = User(
        username=demo.username,
        first_name=demo.first_name,
        last_name=demo.last_name,
        email=f"{demo.username}@example.org",
        is_staff=superuser,
        is_superuser=superuser,
    )
    user.password = password
    user.full_clean()
    user.save()
    summary.created["user"] += 1
    return user


# --- the plan --------------------------------------------------------------------------------------------


def _sync_strategy(values: dict[str, Any], summary: LoadSummary) -> Strategy:
    """The strategy row of `values` (found by its code), created or corrected."""
    current = Strategy.objects.filter(code=values["code"]).first()
    return _sync_row(Strategy, current, dict(values), {}, summary)


def _sync_results(
    strategy: Strategy, rows: list[content.ResultRow], refs: References, summary: LoadSummary
) -> dict[str, Result]:
    """Goals, objectives and measures, parents first (the content lists them in that order)."""
    existing = {
        r.code: r for r in Result.objects.filter(strategy=strategy).prefetch_related("gcm_objectives", "sdg_targets")
    }
    results: dict[str, Result] = {}
    for row in rows:
        parent_code = row.code.rpartition(".")[0]
        values = {
            "strategy": strategy,
            "parent": results[parent_code] if parent_code else None,
            "depth": row.code.count(".") + 1,
            "code": row.code,
            "title_sq": row.title_sq,
            "title_en": row.title_en,
        }
        m2m = {
            "gcm_objectives": {refs.gcm[n].pk for n in row.gcm},
            "sdg_targets": {refs.sdg[c].pk for c in row.sdg},
        }
        results[row.code] = _sync_row(Result, existing.get(row.code), values, m2m, summary)
        results[row.code].strategy = strategy
    return results


def _sync_activities(
    strategy: Strategy,
    results: dict[str, Result],
    rows: list[content.ActivityRow],
    refs: References,
    summary: LoadSummary,
) -> dict[str, Activity]:
    existing = {
        a.code: a
        for a in Activity.objects.filter(strategy=strategy).prefetch_related(
            "bodies", "target_groups", "gcm_objectives"
        )
    }
    activities: dict[str, Activity] = {}
    for row in rows:
        (start_year, start_quarter), (end_year, end_quarter) = map(content.parse_period, (row.start, row.end))
        values = {
            "strategy": strategy,
            "measure": results[row.measure],
            "code": row.code,
            "title_sq": row.title_sq,
            "title_en": row.title_en,
            "lead": refs.institutions[row.lead],
            "start_year": start_year,
            "start_quarter": start_quarter,
            "end_year": end_year,
            "end_quarter": end_quarter,
            "gender_marker": row.gender_marker,
        }
        m2m = {
            "partners": named_list(refs.institutions[c].pk for c in row.partners),  # supporting, in order
            "target_groups": {refs.target_groups[c].pk for c in row.target_groups},
            "gcm_objectives": {refs.gcm[n].pk for n in row.gcm},
        }
        activities[row.code] = _sync_row(Activity, existing.get(row.code), values, m2m, summary)
        activities[row.code].strategy = strategy
    return activities


def _sync_budget(
    strategy: Strategy, activities: dict[str, Activity], rows: list[content.BudgetRow], summary: LoadSummary
) -> None:
    existing = {
        (b.activity_id, b.year, b.source, b.donor): b
        for b in ActivityBudget.objects.filter(activity__strategy=strategy)
    }
    for row in rows:
        activity = activities[row.activity]
        current = existing.get((activity.pk, row.year, row.source, row.donor))
        values = {
            "activity": activity,
            "year": row.year,
            "source": row.source,
            "donor": row.donor,
            "amount": row.amount,
        }
        _sync_row(ActivityBudget, current, values, {}, summary)


def _sync_indicators(
    strategy: Strategy,
    results: dict[str, Result],
    rows: list[content.IndicatorRow],
    refs: References,
    summary: LoadSummary,
) -> dict[str, Indicator]:
    existing = {i.code: i for i in Indicator.objects.filter(strategy=strategy).prefetch_related("disaggregation")}
    indicators: dict[str, Indicator] = {}
    for row in rows:
        item = row.indicator
        values = {
            "strategy": strategy,
            "result": results[row.result],
            "code": row.code,
            "name_sq": item.name_sq,
            "name_en": item.name_en,
            "kind": item.kind,
            "unit_sq": content.UNITS_SQ.get(item.unit, ""),
            "unit_en": item.unit,
            "value_type": item.value_type,
            "direction": item.direction,
            "baseline": Decimal(str(item.baseline)),
            "baseline_year": item.baseline_year,
            "data_source_sq": "",
            "data_source_en": item.data_source,  # written in English only: shown as such on Albanian pages
            "frequency": item.frequency,
            "responsible": refs.institutions[item.responsible],
        }
        m2m = {"disaggregation": {refs.dimensions[c].pk for c in item.disaggregation.split()}}
        indicators[row.code] = _sync_row(Indicator, existing.get(row.code), values, m2m, summary)
        indicators[row.code].strategy = strategy
    return indicators


def _sync_targets(
    strategy: Strategy,
    indicators: dict[str, Indicator],
    rows: list[tuple[str, int, Decimal]],
    summary: LoadSummary,
) -> None:
    existing = {(t.indicator_id, t.year): t for t in IndicatorTarget.objects.filter(indicator__strategy=strategy)}
    for code, year, value in rows:
        indicator = indicators[code]
        values = {"indicator": indicator, "year": year, "value": value}
        _sync_row(IndicatorTarget, existing.get((indicator.pk, year)), values, {}, summary)
