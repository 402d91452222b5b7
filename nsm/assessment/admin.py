from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from nsm.assessment.models import Assessment, Domain, SubCategory


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ("number", "label_en", "label_sq", "verified")


@admin.register(SubCategory)
class SubCategoryAdmin(admin.ModelAdmin):
    list_display = ("number", "label_en", "verified")
    list_filter = ("domain",)


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    list_display = ("strategy", "year", "status")
    list_filter = ("status",)
