"""Admin for the plan, for superusers: every object with its history (simple-history's admin).

Day-to-day editing happens on the plan's own pages, whose services keep codes in order; the admin is the
fallback for repairs, so it shows history and keeps the code lists searchable.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from nsm.core import stale
from nsm.strategy.models import Activity, ActivityBudget, Indicator, IndicatorTarget, Result, Strategy


class ActivityBudgetInline(admin.TabularInline):
    """An activity's cost, one line per year, source and donor."""

    model = ActivityBudget
    fields = ("year", "source", "donor", "amount")
    extra = 0


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    fields = ("year", "value")
    extra = 0


class VersionedAdmin(SimpleHistoryAdmin):
    """An admin save counts as a change: the version goes up, so a form open on a plan page becomes stale."""

    def save_model(self, request, obj, form, change) -> None:
        if change:
            stale.bump_version(obj, save=False)
        super().save_model(request, obj, form, change)


@admin.register(Strategy)
class StrategyAdmin(SimpleHistoryAdmin):
    list_display = (
        "code",
        "title_sq",
        "title_en",
        "country",
        "start_year",
        "end_year",
        "status",
        "is_illustrative",
    )
    list_filter = ("status", "country", "is_illustrative")
    search_fields = ("code", "title_sq", "title_en")


@admin.register(Result)
class ResultAdmin(VersionedAdmin):
    list_display = ("code", "depth", "title_sq", "title_en", "strategy")
    list_filter = ("depth", "strategy")
    list_select_related = ("strategy",)
    search_fields = ("code", "title_sq", "title_en")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("gcm_objectives", "sdg_targets")


class ActivityAdminForm(forms.ModelForm):
    """Checks the supporting institutions as the plan's services do: each of the strategy's country (the lead is
    checked by the model's clean())."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned is None:  # ModelForm.clean returns cleaned_data; the stubs allow a clean that returns nothing
            cleaned = self.cleaned_data
        if cleaned.get("strategy") and cleaned.get("partners"):
            try:
                Activity(strategy=cleaned["strategy"]).clean_partners(cleaned["partners"])
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(Activity)
class ActivityAdmin(VersionedAdmin):
    form = ActivityAdminForm
    list_display = ("code", "title_sq", "title_en", "lead", "start_label", "end_label", "gender_marker")
    list_filter = ("strategy", "gender_marker", "lead")
    list_select_related = ("lead",)
    search_fields = ("code", "title_sq", "title_en", "lead__code")
    autocomplete_fields = ("measure", "lead", "partners")
    filter_horizontal = ("target_groups", "gcm_objectives")
    inlines = (ActivityBudgetInline,)


@admin.register(Indicator)
class IndicatorAdmin(VersionedAdmin):
    list_display = ("code", "name_sq", "name_en", "kind", "unit", "result", "responsible")
    list_filter = ("strategy", "kind", "frequency")
    list_select_related = ("result", "responsible")
    search_fields = ("code", "name_sq", "name_en")
    autocomplete_fields = ("result", "responsible")
    filter_horizontal = ("disaggregation",)
    inlines = (IndicatorTargetInline,)
