"""What roll-ups are grouped by, and the scope they are narrowed to.

Each dimension says how SQL finds an activity's group (a column of the `scope` CTE, or a bridge CTE for the
many-to-many tags) and how the groups are named and ordered afterwards (one query per dimension, for the keys found).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from nsm.accounts.models import Institution
from nsm.analytics import sql
from nsm.reference.models import GcmObjective, SdgTarget, TargetGroup
from nsm.strategy.models import Activity, Result


@dataclass(frozen=True)
class Filters:
    """The scope of a roll-up: one strategy, optionally one goal, one lead institution, one GCM objective."""

    strategy_id: int
    goal_id: int | None = None
    institution_id: int | None = None
    gcm_id: int | None = None

    @classmethod
    def of(cls, strategy, *, goal=None, institution=None, gcm=None) -> Filters:
        return cls(
            strategy.pk, getattr(goal, "pk", goal), getattr(institution, "pk", institution), getattr(gcm, "pk", gcm)
        )

    @property
    def narrowed(self) -> bool:
        return bool(self.goal_id or self.institution_id or self.gcm_id)


@dataclass(frozen=True)
class Group:
    key: Any
    label: str
    order: Any
    code: str = ""


def _results(keys: Iterable[Any]) -> dict[Any, Group]:
    return {
        result.pk: Group(result.pk, f"{result.display_code} {result.title}", result.sort_key, result.display_code)
        for result in Result.objects.filter(pk__in=list(keys))
    }


def _institutions(keys: Iterable[Any]) -> dict[Any, Group]:
    return {
        institution.pk: Group(
            institution.pk, f"{institution.code}: {institution.name}", institution.code, institution.code
        )
        for institution in Institution.objects.filter(pk__in=list(keys))
    }


def _gcm(keys: Iterable[Any]) -> dict[Any, Group]:
    return {
        gcm.pk: Group(
            gcm.pk,
            _("GCM %(number)s: %(label)s") % {"number": gcm.number, "label": gcm.short_label or gcm.title},
            gcm.number,
            str(gcm.number),
        )
        for gcm in GcmObjective.objects.filter(pk__in=list(keys))
    }


def _sdg(keys: Iterable[Any]) -> dict[Any, Group]:
    return {
        target.pk: Group(target.pk, _("SDG %(code)s") % {"code": target.code}, target.sort_key, target.code)
        for target in SdgTarget.objects.filter(pk__in=list(keys))
    }


def _target_groups(keys: Iterable[Any]) -> dict[Any, Group]:
    return {
        group.pk: Group(group.pk, group.name, (group.position, group.code), group.code)
        for group in TargetGroup.objects.filter(pk__in=list(keys))
    }


def _gender_markers(keys: Iterable[Any]) -> dict[Any, Group]:
    labels = dict(Activity.GenderMarker.choices)
    return {key: Group(key, str(labels.get(key, key)), key, str(key)) for key in keys}


def _years(keys: Iterable[Any]) -> dict[Any, Group]:
    return {key: Group(key, str(key), key, str(key)) for key in keys}


@dataclass(frozen=True)
class Dimension:
    name: str
    column: str  # the group key, as SQL reads it from the `scope` row `s` or the bridge row `g`
    bridge: str  # a CTE joined on g.activity_id = s.id, or ""
    names: Callable[[Iterable[Any]], dict[Any, Group]]

    def ctes(self) -> list[str]:
        return [self.bridge] if self.bridge else []

    def join(self) -> str:
        name = self.bridge.split("(", 1)[0] if self.bridge else ""
        return f"JOIN {name} g ON g.activity_id = s.id" if name else ""


DIMENSIONS = {
    "goal": Dimension("goal", "s.goal_id", "", _results),
    "objective": Dimension("objective", "s.objective_id", "", _results),
    "measure": Dimension("measure", "s.measure_id", "", _results),
    "institution": Dimension("institution", "s.lead_id", "", _institutions),
    "gender_marker": Dimension("gender_marker", "s.gender_marker", "", _gender_markers),
    "gcm": Dimension("gcm", "g.gcm_id", sql.activity_gcm_cte(), _gcm),
    "sdg": Dimension("sdg", "g.sdg_id", sql.activity_sdg_cte(), _sdg),
    "target_group": Dimension(
        "target_group",
        "g.targetgroup_id",
        f"act_tg(activity_id, targetgroup_id) AS (SELECT activity_id, targetgroup_id FROM {sql.T['activity_tg']})",
        _target_groups,
    ),
}


def dimension(name: str) -> Dimension:
    try:
        return DIMENSIONS[name]
    except KeyError:
        raise ValueError(name) from None


def labelled(dimension_name: str, keys: Iterable[Any], known: Mapping[Any, Group] | None = None) -> dict[Any, Group]:
    """The groups of these keys, named and ordered; `known` groups (from another roll-up of the same request) are
    reused, and only the others are read."""
    wanted = set(keys)
    found = {key: known[key] for key in wanted if known and key in known}
    missing = wanted - set(found)
    if missing:
        names = _years if dimension_name == "year" else dimension(dimension_name).names
        found.update(names(missing))
    return found
