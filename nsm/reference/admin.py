"""Admin for the code lists: read-only except for superusers, because data migrations own the rows."""

from typing import ClassVar

from django.contrib import admin
from django.http import HttpRequest

from nsm.reference.models import (
    County,
    DisaggregationCategory,
    DisaggregationDimension,
    GcmObjective,
    GcmPrinciple,
    MgiDomain,
    Municipality,
    SdgIndicator,
    SdgTarget,
    TargetGroup,
)


class CodeListAdmin(admin.ModelAdmin):
    """Staff may look; only a superuser may change a row (a later data migration may overwrite it)."""

    list_filter: ClassVar[tuple[str, ...]] = ("verified",)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser


@admin.register(GcmObjective)
class GcmObjectiveAdmin(CodeListAdmin):
    list_display = ("number", "short_label_en", "title_en", "title_sq", "verified")
    search_fields = ("title_en", "title_sq", "short_label_en", "short_label_sq")


@admin.register(GcmPrinciple)
class GcmPrincipleAdmin(CodeListAdmin):
    list_display = ("letter", "title_en", "title_sq", "verified")
    search_fields = ("title_en", "title_sq", "summary_en", "summary_sq")


@admin.register(SdgTarget)
class SdgTargetAdmin(CodeListAdmin):
    list_display = ("code", "title_en", "verified")
    search_fields = ("code", "title_en", "title_sq")


@admin.register(SdgIndicator)
class SdgIndicatorAdmin(CodeListAdmin):
    list_display = ("code", "target", "title_en", "custodian", "verified")
    list_select_related = ("target",)
    search_fields = ("code", "title_en", "title_sq", "custodian")


@admin.register(MgiDomain)
class MgiDomainAdmin(CodeListAdmin):
    list_display = ("number", "name_en", "name_sq", "verified")
    search_fields = ("name_en", "name_sq", "focus_areas_en", "focus_areas_sq")


@admin.register(TargetGroup)
class TargetGroupAdmin(CodeListAdmin):
    list_display = ("code", "name_en", "name_sq", "position")
    search_fields = ("code", "name_en", "name_sq")


class DisaggregationCategoryInline(admin.TabularInline):
    model = DisaggregationCategory
    fields = ("code", "name_en", "name_sq", "position")
    extra = 0


@admin.register(DisaggregationDimension)
class DisaggregationDimensionAdmin(CodeListAdmin):
    list_display = ("code", "name_en", "name_sq", "position")
    search_fields = ("code", "name_en", "name_sq")
    inlines = (DisaggregationCategoryInline,)


@admin.register(County)
class CountyAdmin(CodeListAdmin):
    list_display = ("code", "name_sq", "name_en", "verified")
    search_fields = ("code", "name_sq", "name_en")


@admin.register(Municipality)
class MunicipalityAdmin(CodeListAdmin):
    list_display = ("name_sq", "name_en", "county", "verified")
    list_filter = ("county", "verified")
    list_select_related = ("county",)
    search_fields = ("name_sq", "name_en", "name_ascii")
