"""Admin for the plan, for superusers: every object with its history (simple-history's admin).

Day-to-day editing happens on the plan's own pages, whose services keep codes in order; the admin is the
fallback for repairs, so it shows history and keeps the code lists searchable.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from nsm.core import stale
from nsm.strategy import services
from nsm.strategy.models import (
    Activity,
    ActivityBudget,
    ActivityInstitution,
    Indicator,
    IndicatorTarget,
    Named,
    Result,
    Strategy,
)


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


class ActivityBodiesFormSet(forms.BaseInlineFormSet):
    """Checks the other institutions named as the plan's services do (`Activity.clean_partners`): each of the
    strategy's country, none of them the lead again, and a marked lead's place among the responsible ones. The lead
    and strategy are those of the activity's form, validated before the inlines."""

    named: tuple[Named, ...] = ()

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        self.named = named_in(self.forms)
        try:
            self.instance.clean_partners(self.named)
        except ValidationError as error:
            raise ValidationError(error.messages) from error


def named_in(row_forms: Any) -> tuple[Named, ...]:
    """The institutions of the inline's rows kept (not deleted, not empty) by their place, those without one (0)
    after them, each group as listed."""
    rows = [
        (form.cleaned_data.get("position") or 0, index, form.cleaned_data)
        for index, form in enumerate(row_forms)
        if form.cleaned_data and form.cleaned_data.get("institution") and not form.cleaned_data.get("DELETE")
    ]
    rows.sort(key=lambda row: (row[0] == 0, row[0], row[1]))
    return tuple(Named(data["institution"].pk, bool(data.get("responsible"))) for _place, _index, data in rows)


class ActivityInstitutionInline(admin.TabularInline):
    """The institutions named beside the lead, in the plan's order: responsible with it, or supporting."""

    model = ActivityInstitution
    formset = ActivityBodiesFormSet
    fields = ("institution", "position", "responsible")
    autocomplete_fields = ("institution",)
    ordering = ("position",)
    extra = 0


@admin.register(Activity)
class ActivityAdmin(VersionedAdmin):
    list_display = ("code", "title_sq", "title_en", "lead", "start_label", "end_label", "gender_marker")
    list_filter = ("strategy", "gender_marker", "lead")
    list_select_related = ("lead",)
    search_fields = ("code", "title_sq", "title_en", "lead__code")
    autocomplete_fields = ("measure", "lead")
    filter_horizontal = ("target_groups", "gcm_objectives")
    inlines = (ActivityInstitutionInline, ActivityBudgetInline)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Saved without a history row: `save_related` records one, once the institutions are saved too."""
        obj.skip_history_when_saving = True
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """The other institutions are saved as the services save them: numbered 1, 2, ... in the order given."""
        super().save_formset(request, form, formset, change)
        if isinstance(formset, ActivityBodiesFormSet) and formset.has_changed():
            services.set_named(form.instance, formset.named)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """One history row per admin save, with the activity's final state (its lead and its list together)."""
        super().save_related(request, form, formsets, change)
        activity = form.instance
        del activity.skip_history_when_saving
        activity.save()
        if not change:
            record = activity.history.first()
            record.history_type = "+"
            record.save(update_fields=["history_type"])


@admin.register(Indicator)
class IndicatorAdmin(VersionedAdmin):
    list_display = ("code", "name_sq", "name_en", "kind", "unit_sq", "unit_en", "result", "responsible")
    list_filter = ("strategy", "kind", "frequency")
    list_select_related = ("result", "responsible")
    search_fields = ("code", "name_sq", "name_en")
    autocomplete_fields = ("result", "responsible")
    filter_horizontal = ("disaggregation",)
    inlines = (IndicatorTargetInline,)
