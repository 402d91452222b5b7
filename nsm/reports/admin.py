"""Admin for generated documents, for superusers: looking up who asked for what and why one failed.

Documents are asked for on the Documents page and made by the worker; the rows are the record of that, so the admin
shows them read-only (deleting one, with its file, is allowed for clearing up).
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from nsm.reports.models import GeneratedDocument


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(admin.ModelAdmin):
    list_display = ("pk", "strategy", "kind", "period", "language", "fmt", "status", "requested_by", "requested_at")
    list_filter = ("status", "kind", "fmt", "language", "strategy")
    list_select_related = ("strategy", "requested_by")
    search_fields = ("strategy__code", "filename", "requested_by__username", "error")
    date_hierarchy = "requested_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: GeneratedDocument | None = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: GeneratedDocument) -> None:
        obj.file.delete(save=False)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[GeneratedDocument]) -> None:
        for document in queryset:
            document.file.delete(save=False)
        super().delete_queryset(request, queryset)
