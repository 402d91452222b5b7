"""Pages of the evidence base: the indicators by topic, an indicator's series and chart, and the secretariat's edits.

Every member of an institution of the country reads; its coordinators and secretariat (`access.may_manage`)
change. Objects are reached through `access.get_for_user`: another country's indicator, or an edit page for a
reader, answers 404, as a missing one does.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from nsm.accounts import access
from nsm.accounts.models import Institution
from nsm.context import charts, importer, selectors, services
from nsm.context.forms import ImportForm, IndicatorForm, ValueForm
from nsm.context.models import ContextIndicator, ContextValue
from nsm.core.forms import add_errors
from nsm.core.stale import StaleVersion


def editable_countries(user: Any) -> list[str]:
    """The countries whose context indicators the user may change (a superuser: every institution's country)."""
    if access.is_superuser(user):
        return sorted(set(Institution.objects.values_list("country", flat=True))) or ["AL"]
    return sorted(access.managed_countries(user))


def _indicator(request: HttpRequest, pk: int, *, write: bool = False) -> ContextIndicator:
    return access.get_for_user(ContextIndicator.objects.all(), request.user, pk, write=write)


def _saved(form: Any, save: Any) -> bool:
    """Run `save` with a valid form; model errors go back to the form."""
    if not form.is_valid():
        return False
    try:
        save()
    except StaleVersion as error:
        add_errors(form, error)
        form.add_error(None, _("Your values are still in the form: save again to replace those changes, or cancel."))
        form.renew_version(error.current_version)
        return False
    except ValidationError as error:
        add_errors(form, error)
        return False
    return True


@login_required
@access.internal_page
def indicator_list(request: HttpRequest) -> HttpResponse:
    series = selectors.series_for(ContextIndicator.objects.visible_to(request.user))
    return render(
        request,
        "context/indicator_list.html",
        {"groups": selectors.by_topic(series), "can_edit": bool(editable_countries(request.user))},
    )


@login_required
def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk)
    series = selectors.series_of(indicator, indicator.values.order_by("year"))
    chart = charts.render_svg(charts.series_chart(series)) if series.numeric_points else None
    can_edit = access.may_manage(request.user, indicator.country)
    return render(request, "context/indicator_detail.html", {"series": series, "chart": chart, "can_edit": can_edit})


@login_required
def indicator_add(request: HttpRequest) -> HttpResponse:
    countries = editable_countries(request.user)
    if not countries:
        raise Http404
    form = IndicatorForm(request.POST or None, countries=countries)
    if request.method == "POST" and _saved(form, lambda: _create_indicator(request, form, countries)):
        messages.success(request, _("The indicator was added."))
        return redirect("context:indicator", form.instance.pk)
    cancel = reverse("context:list")
    return render(
        request, "context/form.html", {"form": form, "heading": _("Add a context indicator"), "cancel": cancel}
    )


def _create_indicator(request: HttpRequest, form: IndicatorForm, countries: list[str]) -> None:
    data = dict(form.cleaned_data)
    country = data.pop("country", countries[0])
    form.instance = services.create_indicator(by=request.user, country=country, **data)


@login_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk, write=True)
    form = IndicatorForm(request.POST or None, instance=ContextIndicator.objects.get(pk=pk))
    save = lambda: services.update_indicator(indicator, by=request.user, **form.cleaned_data)  # noqa: E731
    if request.method == "POST" and _saved(form, save):
        messages.success(request, _("Your changes were saved."))
        return redirect("context:indicator", pk)
    cancel = reverse("context:indicator", args=[pk])
    heading = _("Edit %(name)s") % {"name": indicator}
    return render(request, "context/form.html", {"form": form, "heading": heading, "cancel": cancel, "obj": indicator})


@login_required
def value_add(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _indicator(request, pk, write=True)
    form = ValueForm(
        request.POST or None, instance=ContextValue(indicator=indicator), initial={"source": indicator.source}
    )
    save = lambda: services.add_value(indicator, by=request.user, **form.cleaned_data)  # noqa: E731
    if request.method == "POST" and _saved(form, save):
        messages.success(request, _("The value was added."))
        return redirect("context:indicator", pk)
    cancel = reverse("context:indicator", args=[pk])
    heading = _("Add a value to %(name)s") % {"name": indicator}
    return render(request, "context/form.html", {"form": form, "heading": heading, "cancel": cancel, "obj": indicator})


def _value(request: HttpRequest, pk: int) -> ContextValue:
    return access.get_for_user(ContextValue.objects.select_related("indicator"), request.user, pk, write=True)


@login_required
def value_edit(request: HttpRequest, pk: int) -> HttpResponse:
    value = _value(request, pk)
    form = ValueForm(request.POST or None, instance=ContextValue.objects.select_related("indicator").get(pk=pk))
    save = lambda: services.update_value(value, by=request.user, version=form.edited_version, **form.content())  # noqa: E731
    if request.method == "POST" and _saved(form, save):
        messages.success(request, _("Your changes were saved."))
        return redirect("context:indicator", value.indicator_id)
    cancel = reverse("context:indicator", args=[value.indicator_id])
    heading = _("Edit the value of %(name)s for %(year)s") % {"name": value.indicator, "year": value.year_label}
    return render(
        request, "context/form.html", {"form": form, "heading": heading, "cancel": cancel, "obj": value.indicator}
    )


@login_required
def value_delete(request: HttpRequest, pk: int) -> HttpResponse:
    value = _value(request, pk)
    if request.method == "POST":
        services.delete_value(value, by=request.user)
        messages.success(request, _("The value was deleted; its history is kept."))
        return redirect("context:indicator", value.indicator_id)
    return render(request, "context/value_delete.html", {"value": value, "obj": value.indicator})


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    countries = editable_countries(request.user)
    if not countries:
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None, countries=countries)
    errors: list[str] = []
    error_count = 0
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        country = form.cleaned_data.get("country", countries[0])
        try:
            summary = importer.import_file(upload, country=country, by=request.user, name=upload.name)
        except importer.ContextImportError as error:
            errors, error_count = error.messages, error.total
        else:
            messages.success(request, summary.line())
            return redirect("context:list")
    return render(request, "context/import.html", {"form": form, "errors": errors, "error_count": error_count})
