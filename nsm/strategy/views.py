"""Pages of the plan: browse it (everyone signed in, in their country) and edit it (coordinator, secretariat).

Views only parse, call a selector or a service, and render. Objects are reached through `access.get_for_user`:
another country's plan answers 404, and a reader of the same country gets 403 on an edit page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Manager, Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nsm.accounts import access
from nsm.core.forms import add_errors
from nsm.core.stale import StaleVersion
from nsm.strategy import selectors, services
from nsm.strategy.forms import (
    ActionPlanForm,
    ActivityForm,
    BudgetGridForm,
    EditsPlanItem,
    IndicatorForm,
    PlanFilterForm,
    ResultForm,
    TargetsForm,
    WithdrawForm,
    donor_formset,
)
from nsm.strategy.models import ActionPlan, Activity, Indicator, Result, Strategy
from nsm.strategy.suggest import suggest_gcm

M = TypeVar("M", bound=Model)

# --- Helpers ---


def _strategy(request: HttpRequest, code: str) -> Strategy:
    return access.get_for_user(Strategy.objects, request.user, code, field="code")


def _editable_strategy(request: HttpRequest, code: str) -> Strategy:
    """The strategy if the user may change its plan: 404 when they cannot see it, 403 if they only read it."""
    strategy = _strategy(request, code)
    if not access.can_edit_plan(request.user, strategy.country):
        raise PermissionDenied
    return strategy


def _get(request: HttpRequest, queryset: QuerySet[M] | Manager[M], strategy: Strategy, pk: int, write: bool) -> M:
    obj = access.get_for_user(queryset.filter(strategy=strategy), request.user, pk, write=write)
    obj.strategy = strategy  # type: ignore[attr-defined]  # every plan object has one; its levels name the results
    return obj


def _context(request: HttpRequest, strategy: Strategy, **extra: Any) -> dict[str, Any]:
    return {"strategy": strategy, "can_edit": access.can_edit_plan(request.user, strategy.country), **extra}


def _saved(request: HttpRequest, form: Any, save: Callable[[], Any], *, valid: bool = True) -> Any:
    """Run `save` on a valid POSTed form; model errors go back to the form. None when nothing was saved.

    `valid` is False when another part of the page (the donor lines of a budget) did not validate.
    """
    if request.method != "POST" or not (form.is_valid() and valid):
        return None
    try:
        obj = save()
    except StaleVersion as error:
        add_errors(form, error)
        form.add_error(None, _("Your values are still in the form: save again to replace those changes, or cancel."))
        form.renew_version(error.current_version)
        return None
    except ValidationError as error:
        add_errors(form, error)
        return None
    messages.success(request, _("Your changes were saved."))
    return obj or True


F = TypeVar("F", bound=EditsPlanItem)


def _amending(form: F, strategy: Strategy) -> F:
    """The form, asking for the amendment's reason when the plan is adopted."""
    form.add_amendment_reason(strategy)
    return form


def _edited(request: HttpRequest, form: Any, update: Callable[..., Any], obj: Model) -> bool:
    """Save the changes of an edit form through `update`, checked against the version the form was rendered with."""

    def save() -> Any:
        return update(
            obj, by=request.user, data=form.content(), version=form.edited_version, reason=form.amendment_reason
        )

    return bool(_saved(request, form, save))


def _reason_missing(error: ValidationError) -> list[str]:
    """The amendment's refusal (an adopted plan changed without a reason), or nothing."""
    return error.message_dict.get("amendment_reason", []) if hasattr(error, "error_dict") else []


def _move(request: HttpRequest, move: Callable[..., Any], obj: Any, back: str) -> HttpResponse:
    """Move `obj` up or down as the POSTed buttons say; a refused move says why on the page it returns to. In an
    adopted plan a move is an amendment: a page asks for its reason first, and asks again, with the reason typed
    kept, when it is refused."""
    direction = request.POST.get("direction")
    version = request.POST.get("version") or request.GET.get("version") or ""
    if direction not in ("up", "down") or not version.isdigit():
        return HttpResponseBadRequest(_("Move up or down, from a page of the plan."))
    reason = request.POST.get("amendment_reason", "")
    try:
        move(obj, by=request.user, direction=direction, version=int(version), reason=reason)
    except ValidationError as error:
        if missing := _reason_missing(error):
            context = {
                "obj": obj, "direction": direction, "version": version, "reason": reason, "errors": missing,
                "next": request.POST.get("next", ""), "cancel_url": back, "strategy": obj.strategy,
            }  # fmt: skip
            return render(request, "strategy/move_reason.html", context)
        messages.error(request, " ".join([*error.messages, _("Nothing was moved.")]))
    return _back(request, back)


def _delete_page(
    request: HttpRequest,
    strategy: Strategy,
    obj: Any,
    *,
    kind: str,
    delete: Callable[..., Any],
    done: str,
    page: str,
    ancestors: list[Result],
) -> HttpResponse:
    """GET: what deleting `obj` would take with it, or, when reports hold data about it, why it can only be
    withdrawn. POST: delete it as confirmed on that page (showing its `version`); if it changed since, say what
    and keep it; an adopted plan's missing reason is asked again on the page, with what was typed."""
    summary = selectors.deletion_summary(obj)
    context = _context(
        request, strategy, obj=obj, kind=kind, summary=summary, cancel_url=page, ancestors=ancestors,
        refusal=services.reported_refusal(obj, summary) if summary.is_reported else "",
    )  # fmt: skip
    if request.method != "POST":
        return render(request, "strategy/confirm_delete.html", context)
    version = request.POST.get("version", "")
    if not version.isdigit():
        messages.error(request, _("This page is out of date: reload it and make your change again."))
        return redirect(page)
    reason = request.POST.get("amendment_reason", "")
    try:
        delete(obj, by=request.user, version=int(version), reason=reason)
    except ValidationError as error:
        if missing := _reason_missing(error):
            return render(request, "strategy/confirm_delete.html", {**context, "errors": missing, "reason": reason})
        messages.error(request, " ".join([*error.messages, _("Nothing was deleted.")]))
        return redirect(page)
    messages.success(request, _("%(item)s was deleted.") % {"item": obj.code})
    return redirect(done)


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to the page the user came from (a `next` on this site), else to `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


def _ancestors(result: Result | None, *, including: bool = True) -> list[Result]:
    """The results above `result` (and it, when `including`), from the goal down, for the breadcrumbs."""
    chain = []
    node = result if including else getattr(result, "parent", None)
    while node is not None:
        chain.append(node)
        node = node.parent
    return chain[::-1]


def _edit_page(request: HttpRequest, strategy: Strategy, form: Any, heading: str, **extra: Any) -> HttpResponse:
    """The one form page of the plan: heading, breadcrumbs down to the parent, fields, save and cancel."""
    parent = extra.get("parent")
    context = _context(request, strategy, form=form, heading=heading, ancestors=_ancestors(parent), **extra)
    return render(request, "strategy/edit_form.html", context)


def _cancel(parent: Result | None, strategy: Strategy) -> str:
    return result_url(parent) if parent else reverse("strategy:detail", args=[strategy.code])


def result_url(result: Result) -> str:
    return reverse("strategy:result", args=[result.strategy.code, result.pk])


def activity_url(activity: Activity) -> str:
    return reverse("strategy:activity", args=[activity.strategy.code, activity.pk])


def indicator_url(indicator: Indicator) -> str:
    return reverse("strategy:indicator", args=[indicator.strategy.code, indicator.pk])


# --- Browse ---


@login_required
def strategy_detail(request: HttpRequest, code: str) -> HttpResponse:
    strategy = _strategy(request, code)
    plans = selectors.action_plans(strategy)
    wanted = request.GET.get("plan", "")
    chosen = next((plan for plan in plans if str(plan.start_year) == wanted), None) if len(plans) > 1 else None
    tree = selectors.plan_tree(strategy, within=chosen.years if chosen else None)
    form = PlanFilterForm(request.GET or None, strategy=strategy, tree=tree)
    shown = selectors.shown_plan(strategy, tree, form.wanted())
    context = _context(request, strategy, tree=tree, action_plans=plans, chosen_plan=chosen, form=form, shown=shown)
    return render(request, "strategy/strategy_detail.html", context)


@login_required
def result_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    strategy = _strategy(request, code)
    queryset = Result.objects.select_related("parent__parent__parent").prefetch_related("gcm_objectives", "sdg_targets")
    result = _get(request, queryset, strategy, pk, write=False)
    tree = selectors.plan_tree(strategy)
    context = _context(
        request, strategy, result=result, node=tree.node(result.pk), tree=tree,
        child_level=strategy.level_name(result.depth + 1), ancestors=_ancestors(result, including=False),
        indicators=selectors.indicator_table(result.indicators.all()), history=selectors.history_for(result),
    )  # fmt: skip
    return render(request, "strategy/result_detail.html", context)


@login_required
def activity_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    strategy = _strategy(request, code)
    activity = _get(request, selectors.activity_for_page(Activity.objects), strategy, pk, write=False)
    context = _context(
        request, strategy, activity=activity, budget=selectors.budget_table(activity),
        stated_lines=[line for line in activity.budget_lines.all() if line.currency],
        ancestors=_ancestors(activity.measure), parent_level=strategy.level_name(strategy.result_depth),
        history=selectors.history_for(activity),
    )  # fmt: skip
    return render(request, "strategy/activity_detail.html", context)


@login_required
def indicator_list(request: HttpRequest, code: str) -> HttpResponse:
    strategy = _strategy(request, code)
    table = selectors.indicator_table(Indicator.objects.filter(strategy=strategy))
    return render(request, "strategy/indicator_list.html", _context(request, strategy, table=table))


@login_required
def amendment_list(request: HttpRequest, code: str) -> HttpResponse:
    """Every change made to the plan since its adoption: what, who, when, why (newest first)."""
    strategy = _strategy(request, code)
    amendments = strategy.amendments.select_related("made_by")
    return render(request, "strategy/amendments.html", _context(request, strategy, amendments=amendments))


@login_required
def action_plan_list(request: HttpRequest, code: str) -> HttpResponse:
    """The strategy's successive action plans, with the activities and costs of their years; an editor of the plan
    adds the next one here."""
    strategy = _strategy(request, code)
    form = None
    if access.can_edit_plan(request.user, strategy.country):
        plans = selectors.action_plans(strategy)
        following = plans[-1].end_year + 1
        initial = {"start_year": following, "end_year": strategy.end_year} if following <= strategy.end_year else {}
        form = ActionPlanForm(request.POST or None, initial=initial, strategy=strategy)
        if _saved(
            request, form, lambda: services.add_action_plan(strategy=strategy, by=request.user, **form.cleaned_data)
        ):
            return redirect("strategy:action_plans", strategy.code)
    elif request.method == "POST":
        raise PermissionDenied
    context = _context(request, strategy, rows=selectors.action_plan_rows(strategy), form=form)
    return render(request, "strategy/action_plans.html", context)


@login_required
def action_plan_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    strategy = _editable_strategy(request, code)
    plan = ActionPlan.objects.filter(strategy=strategy, pk=pk).first()
    if plan is None:
        raise Http404
    form = ActionPlanForm(request.POST or None, instance=plan, strategy=strategy)
    if _saved(request, form, lambda: services.update_action_plan(plan, by=request.user, data=form.cleaned_data)):
        return redirect("strategy:action_plans", strategy.code)
    heading = _("Change the action plan %(years)s") % {"years": plan.years_label}
    return _edit_page(
        request, strategy, form, heading, obj=plan, cancel_url=reverse("strategy:action_plans", args=[code])
    )


@login_required
def indicator_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    strategy = _strategy(request, code)
    queryset = selectors.indicators_for_page(Indicator.objects).select_related("result__parent__parent__parent")
    indicator = _get(request, queryset, strategy, pk, write=False)
    context = _context(
        request, strategy, indicator=indicator, history=selectors.history_for(indicator),
        ancestors=_ancestors(indicator.result),
    )  # fmt: skip
    return render(request, "strategy/indicator_detail.html", context)


# --- Results ---


@login_required
def result_add(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    """Add a result of the first level (no pk) or a child of result `pk` on the next level (an objective under a
    goal, a measure under an objective, in the plan's own levels)."""
    strategy = _editable_strategy(request, code)
    parent = _get(request, Result.objects, strategy, pk, write=True) if pk else None
    if parent is not None and parent.holds_activities:
        raise PermissionDenied
    depth = parent.depth + 1 if parent else 1
    instance = Result(strategy=strategy, parent=parent, depth=depth, code=services.next_result_code(strategy, parent))
    form = _amending(ResultForm(request.POST or None, instance=instance), strategy)
    result = _saved(
        request, form, lambda: services.create_result(strategy=strategy, parent=parent, by=request.user,
                                                      reason=form.amendment_reason, **form.content())
    )  # fmt: skip
    if result:
        return redirect(result_url(result))
    heading = _("New: %(level)s") % {"level": strategy.level_name(depth)}
    return _edit_page(request, strategy, form, heading, parent=parent, obj=None, cancel_url=_cancel(parent, strategy))


@login_required
def result_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    strategy = _editable_strategy(request, code)
    result = _get(request, Result.objects, strategy, pk, write=True)
    form = _amending(ResultForm(request.POST or None, instance=result), strategy)
    if _edited(request, form, services.update_result, result):
        return redirect(result_url(result))
    heading = _("Change %(level)s %(code)s") % {"level": result.level_label, "code": result.display_code}
    return _edit_page(request, strategy, form, heading, obj=result, parent=result.parent, cancel_url=result_url(result))


@require_POST
@login_required
def result_move(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    strategy = _editable_strategy(request, code)
    result = _get(request, Result.objects, strategy, pk, write=True)
    back = reverse("strategy:detail", args=[strategy.code]) + f"#result-{result.pk}"
    return _move(request, services.move_result, result, back)


@login_required
def result_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    strategy = _editable_strategy(request, code)
    result = _get(request, Result.objects.select_related("parent"), strategy, pk, write=True)
    done = result_url(result.parent) if result.parent else reverse("strategy:detail", args=[strategy.code])
    return _delete_page(
        request, strategy, result, kind="result", delete=services.delete_result, done=done, page=result_url(result),
        ancestors=_ancestors(result),
    )  # fmt: skip


# --- Activities ---


@login_required
def activity_add(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    strategy = _editable_strategy(request, code)
    measure = _get(request, Result.objects.filter(depth=strategy.result_depth), strategy, pk, write=True)
    instance = Activity(strategy=strategy, measure=measure, code=services.next_activity_code(measure))
    form = _amending(ActivityForm(request.POST or None, instance=instance, strategy=strategy), strategy)
    activity = _saved(
        request,
        form,
        lambda: services.create_activity(
            measure=measure, by=request.user, reason=form.amendment_reason, **form.content()
        ),
    )
    if activity:
        return redirect(activity_url(activity))
    heading = _("New: %(level)s under %(code)s") % {"level": strategy.activity_level_name, "code": measure.display_code}
    return _edit_page(
        request,
        strategy,
        form,
        heading,
        parent=measure,
        obj=None,
        cancel_url=_cancel(measure, strategy),
        gcm_suggestions=suggest_gcm(form.instance),
    )


@login_required
def activity_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    strategy = _editable_strategy(request, code)
    activity = _get(request, Activity.objects.select_related("measure"), strategy, pk, write=True)
    form = _amending(ActivityForm(request.POST or None, instance=activity, strategy=strategy), strategy)
    if _edited(request, form, services.update_activity, activity):
        return redirect(activity_url(activity))
    heading = _("Change %(level)s %(code)s") % {"level": strategy.activity_level_name, "code": activity.display_code}
    return _edit_page(
        request,
        strategy,
        form,
        heading,
        obj=activity,
        parent=activity.measure,
        cancel_url=activity_url(activity),
        gcm_suggestions=suggest_gcm(form.instance),
    )


@require_POST
@login_required
def activity_move(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    strategy = _editable_strategy(request, code)
    activity = _get(request, Activity.objects, strategy, pk, write=True)
    back = reverse("strategy:detail", args=[strategy.code]) + f"#activity-{activity.pk}"
    return _move(request, services.move_activity, activity, back)


@login_required
def activity_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    strategy = _editable_strategy(request, code)
    activity = _get(request, Activity.objects.select_related("measure"), strategy, pk, write=True)
    return _delete_page(
        request, strategy, activity, kind="activity", delete=services.delete_activity,
        done=result_url(activity.measure), page=activity_url(activity), ancestors=_ancestors(activity.measure),
    )  # fmt: skip


@login_required
def activity_budget(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The budget grid (year x source) and the donor lines of one activity, saved together."""
    strategy = _editable_strategy(request, code)
    activity = _get(
        request,
        Activity.objects.select_related("strategy", "measure__parent__parent__parent"),
        strategy,
        pk,
        write=True,
    )
    grid = _amending(BudgetGridForm(request.POST or None, activity=activity), strategy)
    donors = donor_formset(request.POST or None, activity=activity, years=list(strategy.years))

    def save() -> Activity:
        lines = grid.lines() + [line for form in donors.forms if (line := form.line()) is not None]
        return services.set_budget_lines(
            activity, by=request.user, lines=lines, version=grid.edited_version, reason=grid.amendment_reason
        )

    donors_valid = donors.is_valid()  # validated whatever the grid holds, so that every error shows at once
    if _saved(request, grid, save, valid=donors_valid):
        return redirect(activity_url(activity))
    context = _context(
        request, strategy, activity=activity, grid=grid, donors=donors, ancestors=_ancestors(activity.measure)
    )
    return render(request, "strategy/budget_form.html", context)


# --- Indicators ---


@login_required
def indicator_add(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    strategy = _editable_strategy(request, code)
    result = _get(request, Result.objects, strategy, pk, write=True)
    instance = Indicator(strategy=strategy, result=result, code=services.next_indicator_code(result))
    form = _amending(IndicatorForm(request.POST or None, instance=instance, strategy=strategy), strategy)
    indicator = _saved(
        request,
        form,
        lambda: services.create_indicator(
            result=result, by=request.user, reason=form.amendment_reason, **form.content()
        ),
    )
    if indicator:
        return redirect(indicator_url(indicator))
    heading = _("New indicator for %(code)s") % {"code": result.code}
    return _edit_page(request, strategy, form, heading, parent=result, obj=None, cancel_url=_cancel(result, strategy))


@login_required
def indicator_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    strategy = _editable_strategy(request, code)
    indicator = _get(request, Indicator.objects.select_related("result"), strategy, pk, write=True)
    form = _amending(IndicatorForm(request.POST or None, instance=indicator, strategy=strategy), strategy)
    if _edited(request, form, services.update_indicator, indicator):
        return redirect(indicator_url(indicator))
    heading = _("Change indicator %(code)s") % {"code": indicator.code}
    return _edit_page(
        request,
        strategy,
        form,
        heading,
        obj=indicator,
        parent=indicator.result,
        cancel_url=indicator_url(indicator),
    )


@require_POST
@login_required
def indicator_move(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    strategy = _editable_strategy(request, code)
    indicator = _get(request, Indicator.objects.select_related("result"), strategy, pk, write=True)
    return _move(
        request, services.move_indicator, indicator, result_url(indicator.result) + f"#indicator-{indicator.pk}"
    )


@login_required
def indicator_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    strategy = _editable_strategy(request, code)
    indicator = _get(request, Indicator.objects.select_related("result"), strategy, pk, write=True)
    return _delete_page(
        request, strategy, indicator, kind="indicator", delete=services.delete_indicator,
        done=result_url(indicator.result), page=indicator_url(indicator), ancestors=_ancestors(indicator.result),
    )  # fmt: skip


@login_required
def indicator_targets(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    strategy = _editable_strategy(request, code)
    indicator = _get(
        request,
        Indicator.objects.select_related("strategy", "result__parent__parent__parent"),
        strategy,
        pk,
        write=True,
    )
    form = _amending(TargetsForm(request.POST or None, indicator=indicator), strategy)

    def save() -> Indicator:
        return services.set_targets(
            indicator,
            by=request.user,
            targets=form.targets(),
            version=form.edited_version,
            reason=form.amendment_reason,
        )

    if _saved(request, form, save):
        return redirect(indicator_url(indicator))
    context = _context(request, strategy, indicator=indicator, form=form, ancestors=_ancestors(indicator.result))
    return render(request, "strategy/targets_form.html", context)


# --- Withdraw and restore ---

WITHDRAWABLE: dict[str, Any] = {
    "result": (Result.objects.select_related("parent__parent__parent"), result_url),
    "activity": (Activity.objects.select_related("measure__parent__parent__parent"), activity_url),
    "indicator": (Indicator.objects.select_related("result__parent__parent__parent"), indicator_url),
}


def _withdrawable(request: HttpRequest, code: str, kind: str, pk: int) -> tuple[Strategy, Any, str]:
    if kind not in WITHDRAWABLE:
        raise Http404
    strategy = _editable_strategy(request, code)
    queryset, url = WITHDRAWABLE[kind]
    obj = _get(request, queryset, strategy, pk, write=True)
    return strategy, obj, url(obj)


def _parent(obj: Any) -> Result | None:
    return getattr(obj, "parent", None) if isinstance(obj, Result) else getattr(obj, "measure", None) or obj.result


@login_required
def withdraw(request: HttpRequest, code: str, kind: str, pk: int) -> HttpResponse:
    """Withdraw a result, activity or indicator: it leaves future cycles; what reports hold of it is kept."""
    strategy, obj, page = _withdrawable(request, code, kind, pk)
    form = WithdrawForm(request.POST or None, obj=obj)

    def save() -> Any:
        data = form.cleaned_data
        return services.withdraw(
            obj, by=request.user, reason=data["reason"], on=data["withdrawn_on"], version=form.edited_version
        )

    if _saved(request, form, save):
        return redirect(page)
    context = _context(
        request, strategy, obj=obj, kind=kind, form=form, cancel_url=page, summary=selectors.deletion_summary(obj),
        ancestors=_ancestors(_parent(obj)),
    )  # fmt: skip
    return render(request, "strategy/withdraw.html", context)


@require_POST
@login_required
def restore(request: HttpRequest, code: str, kind: str, pk: int) -> HttpResponse:
    obj, page = _withdrawable(request, code, kind, pk)[1:]
    version = request.POST.get("version", "")
    if not version.isdigit():
        messages.error(request, _("This page is out of date: reload it and make your change again."))
        return redirect(page)
    try:
        services.restore(obj, by=request.user, version=int(version), reason=request.POST.get("amendment_reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join([*error.messages, _("Nothing was restored.")]))
        return redirect(page)
    messages.success(request, _("%(item)s is back in the plan.") % {"item": obj.code})
    return redirect(page)
