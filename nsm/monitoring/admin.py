"""Admin for monitoring, for superusers: cycles, reports with their lines, events and comments, with history.

Reporting and review happen on the monitoring pages, whose services keep versions, events and rules; the admin is
the fallback for repairs and for looking things up, so reports' lines and timeline are shown read-only here.
"""

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from nsm.monitoring import kept
from nsm.monitoring.models import (
    ActivityProgress,
    Evidence,
    IndicatorValue,
    ProgressReport,
    Reminder,
    ReportEvent,
    ReportingCycle,
    ReviewComment,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ActivityProgressInline(ReadOnlyInline):
    model = ActivityProgress
    fields = ("activity", "status", "percent_complete", "spent_state_budget", "spent_donor", "spent_other")


class ReportEventInline(ReadOnlyInline):
    model = ReportEvent
    fields = ("kind", "user", "at", "version", "reason", "late")
    show_change_link = False


class ReviewCommentInline(ReadOnlyInline):
    model = ReviewComment
    fields = ("activity", "indicator", "text", "author", "created_at")


class KeptFiguresFollow:
    """A repair in the admin (the fallback for repairs) writes the kept figures of the strategies it touches again
    (`nsm.monitoring.kept`), so that the analysis follows it. `strategy_path`: from the model to its strategy's id."""

    strategy_path = ""

    def _strategies(self, pks: Any) -> set[int]:
        model = self.model  # type: ignore[attr-defined]
        return set(model.objects.filter(pk__in=pks).values_list(self.strategy_path, flat=True))

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        before = self._strategies([obj.pk]) if obj.pk else set()
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        kept.rebuild(before | self._strategies([obj.pk]))

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        kept.rebuild(self._strategies([form.instance.pk]))

    def delete_model(self, request: Any, obj: Any) -> None:
        strategies = self._strategies([obj.pk])
        super().delete_model(request, obj)  # type: ignore[misc]
        kept.rebuild(strategies)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        strategies = set(queryset.values_list(self.strategy_path, flat=True))
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        kept.rebuild(strategies)


@admin.register(ReportingCycle)
class ReportingCycleAdmin(KeptFiguresFollow, SimpleHistoryAdmin):
    strategy_path = "strategy_id"
    list_display = ("__str__", "kind", "year", "half", "opens_on", "due_on", "status")
    list_filter = ("strategy", "status", "kind", "year")
    list_select_related = ("strategy",)
    readonly_fields = ("version",)


@admin.register(ProgressReport)
class ProgressReportAdmin(KeptFiguresFollow, SimpleHistoryAdmin):
    strategy_path = "cycle__strategy_id"
    list_display = ("__str__", "institution", "status", "submitted_at", "submitted_late", "approved_at", "version")
    list_filter = ("status", "submitted_late", "cycle__strategy", "cycle")
    list_select_related = ("cycle__strategy", "institution")
    search_fields = ("institution__code", "institution__name_sq", "institution__name_en")
    readonly_fields = ("version", "first_saved_at", "submitted_at", "approved_at")
    inlines = (ActivityProgressInline, ReviewCommentInline, ReportEventInline)


@admin.register(ActivityProgress)
class ActivityProgressAdmin(KeptFiguresFollow, SimpleHistoryAdmin):
    strategy_path = "report__cycle__strategy_id"
    list_display = ("__str__", "status", "percent_complete")
    list_filter = ("status", "report__cycle")
    list_select_related = ("report__cycle__strategy", "report__institution", "activity")
    search_fields = ("activity__code", "report__institution__code")
    raw_id_fields = ("report", "activity")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(KeptFiguresFollow, SimpleHistoryAdmin):
    strategy_path = "report__cycle__strategy_id"
    list_display = ("__str__", "value", "source")
    list_filter = ("report__cycle",)
    list_select_related = ("report__cycle__strategy", "report__institution", "indicator", "category")
    search_fields = ("indicator__code", "report__institution__code")
    raw_id_fields = ("report", "indicator")


@admin.register(Evidence)
class EvidenceAdmin(SimpleHistoryAdmin):
    list_display = ("name", "content_type", "size", "uploaded_by", "uploaded_at")
    list_select_related = ("uploaded_by",)
    search_fields = ("name",)
    raw_id_fields = ("line",)


@admin.register(ReportEvent)
class ReportEventAdmin(admin.ModelAdmin):
    list_display = ("report", "kind", "user", "at", "late")
    list_filter = ("kind", "late")
    list_select_related = ("report__cycle__strategy", "report__institution", "user")
    raw_id_fields = ("report",)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("report", "kind", "sent_at")
    list_filter = ("kind",)
    list_select_related = ("report__cycle__strategy", "report__institution")
    raw_id_fields = ("report",)
