from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from nsm.context.models import ContextIndicator, ContextValue


class ValueInline(admin.TabularInline):
    model = ContextValue
    extra = 0
    fields = ["year", "period", "value", "value_text", "unit", "source", "verified"]


@admin.register(ContextIndicator)
class ContextIndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_en", "country", "topic", "unit_en"]
    list_filter = ["country", "topic"]
    search_fields = ["code", "name_sq", "name_en"]
    inlines = [ValueInline]


@admin.register(ContextValue)
class ContextValueAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "value", "value_text", "verified"]
    list_filter = ["indicator__country", "verified"]
    list_select_related = ["indicator"]
