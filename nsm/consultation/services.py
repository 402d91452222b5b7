"""Every change of the drafting and consultation app: one typed function per change, atomic, validated, audited.

Each service checks that `by` may do it, runs inside `acting_as(by)` so that simple-history names the author, locks
the strategy row so that two editors cannot number two versions alike, and saves each object (no `update()`).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from nsm.accounts import access
from nsm.audit import acting_as
from nsm.consultation import versions
from nsm.consultation.models import PlanVersion
from nsm.strategy.models import Strategy

# --- Versions and the strategy's status ---

Status = Strategy.Status

# The moves `set_strategy_status` makes; adoption goes through `adopt_version`, which records the legal act.
TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFTING: {Status.CONSULTATION},
    Status.CONSULTATION: {Status.DRAFTING, Status.ADOPTED},
    Status.ADOPTED: {Status.CLOSED},
    Status.CLOSED: set(),
}


def _require_editor(by: Any, strategy: Strategy) -> None:
    if not access.can_edit_plan(by, strategy.country):
        raise PermissionDenied(_("Only the coordinator and the secretariat change the plan's versions."))


def _lock_strategy(strategy: Strategy) -> Strategy:
    return Strategy.objects.select_for_update().get(pk=strategy.pk)


def _save_status(strategy: Strategy, status: str, **fields: Any) -> Strategy:
    """Save the (locked) strategy row with its new status, so that its history records the change."""
    strategy.status = status
    for name, value in fields.items():
        setattr(strategy, name, value)
    strategy.full_clean()
    strategy.save()
    return strategy


def freeze_version(
    strategy: Strategy, *, by: Any, label: str = "", purpose: str = PlanVersion.Purpose.WORKING
) -> PlanVersion:
    """Freeze the plan as it stands as the strategy's next version (v1, v2 ...).

    A version frozen for consultation moves a strategy still in drafting to consultation.
    """
    _require_editor(by, strategy)
    with transaction.atomic(), acting_as(by):
        locked = _lock_strategy(strategy)
        last = PlanVersion.objects.filter(strategy=locked).order_by("-number").values_list("number", flat=True).first()
        version = PlanVersion(
            strategy=locked,
            number=(last or 0) + 1,
            label=label.strip(),
            purpose=purpose,
            snapshot=versions.snapshot(locked),
            created_by=by if getattr(by, "pk", None) else None,
            last_amendment=locked.amendments.order_by("-pk").first(),
        )
        version.full_clean()
        version.save()
        if purpose == PlanVersion.Purpose.CONSULTATION and locked.status == Status.DRAFTING:
            _save_status(locked, Status.CONSULTATION)
        _refresh(strategy, locked)
        return version


def adopt_version(version: PlanVersion, *, by: Any, act_number: str, act_date: datetime.date | None) -> PlanVersion:
    """Record that `version` is the adopted plan, by the legal act `act_number` of `act_date`; the strategy follows.

    Only one version of a strategy is the adopted one, and a closed strategy is not adopted again.
    """
    _require_editor(by, version.strategy)
    act_number = (act_number or "").strip()
    errors = {}
    if not act_number:
        errors["act_number"] = _("Give the number of the decision that adopts the plan.")
    if act_date is None:
        errors["act_date"] = _("Give the date of the decision that adopts the plan.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), acting_as(by):
        strategy = _lock_strategy(version.strategy)
        version = PlanVersion.objects.select_for_update().get(pk=version.pk)
        if version.is_adopted:
            raise ValidationError(_("This version is already the adopted one."))
        if PlanVersion.objects.filter(strategy=strategy, is_adopted=True).exists():
            raise ValidationError(_("Another version of this strategy is the adopted one."))
        if strategy.status == Status.CLOSED:
            raise ValidationError(_("The strategy is closed: it cannot be adopted again."))
        version.is_adopted, version.act_number, version.act_date = True, act_number, act_date
        version.full_clean()
        version.save()
        _save_status(strategy, Status.ADOPTED, adopting_act=act_number, adopted_on=act_date)
        _refresh(version.strategy, strategy)
        return version


def set_strategy_status(strategy: Strategy, *, by: Any, status: str) -> Strategy:
    """Move the strategy to `status`: drafting <-> consultation (with a version), consultation or adopted -> ...

    To consultation only once a version has been frozen; to adopted only through an adopted version with its legal
    act (`adopt_version`); from adopted only to closed.
    """
    _require_editor(by, strategy)
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    with transaction.atomic(), acting_as(by):
        locked = _lock_strategy(strategy)
        if status == locked.status:
            return locked
        if status == Status.ADOPTED and not locked.versions.filter(is_adopted=True).exists():
            raise ValidationError(
                _("A plan is adopted by a legal act: adopt a version with its decision number and date.")
            )
        if status not in TRANSITIONS[locked.status]:
            raise ValidationError(
                _("A strategy cannot go from %(old)s to %(new)s.")
                % {"old": locked.get_status_display(), "new": Status(status).label}
            )
        if status == Status.CONSULTATION and not locked.versions.exists():
            raise ValidationError(_("Freeze a version of the plan before it goes to consultation."))
        _save_status(locked, status)
        _refresh(strategy, locked)
        return locked


def _refresh(stale: Strategy, fresh: Strategy) -> None:
    """Let the caller's strategy object show the saved status."""
    for name in ("status", "adopting_act", "adopted_on"):
        setattr(stale, name, getattr(fresh, name))
