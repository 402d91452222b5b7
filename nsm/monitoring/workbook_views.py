"""The report workbook on the web: download a report as Excel (anyone who may see it), upload it filled in (its
institution's focal points). A report the user may not see answers 404; one it may only read answers 403 on upload.
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from nsm.accounts import access
from nsm.core.stale import StaleVersion
from nsm.monitoring import services
from nsm.monitoring.models import ProgressReport
from nsm.monitoring.workbook import WorkbookError, export_report, import_report, workbook_name
from nsm.strategy.workbook_views import headers_language

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report(request: HttpRequest, pk: int) -> ProgressReport:
    reports = ProgressReport.objects.select_related("cycle__strategy", "institution")
    return access.get_for_user(reports, request.user, pk)


@login_required
@require_GET
def report_workbook(request: HttpRequest, pk: int) -> FileResponse:
    """The report as a workbook prefilled with its lines, headers in the interface's language."""
    report = _report(request, pk)
    data = export_report(report, headers_language())
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=workbook_name(report), content_type=XLSX)


def _refused(request: HttpRequest, report: ProgressReport, errors: list[str], count: int | None = None) -> HttpResponse:
    """The refusal's messages (at most IMPORT_MAX_ERRORS, then "and N more errors") and how many there were."""
    context = {"report": report, "errors": errors, "error_count": len(errors) if count is None else count}
    return render(request, "monitoring/upload_errors.html", context, status=400)


@login_required
@require_POST
def report_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the values of an uploaded workbook, or list every error with its cell; nothing is saved on error."""
    report = _report(request, pk)
    if not ProgressReport.objects.editable_by(request.user).filter(pk=report.pk).exists():
        raise PermissionDenied
    upload = request.FILES.get("file")
    if upload is None:
        return _refused(request, report, [_("Choose the report's workbook (.xlsx) to upload.")])
    try:
        outcome = import_report(report, upload, request.user)
    except WorkbookError as error:
        return _refused(request, report, error.messages, error.total)
    except (services.ReportLocked, StaleVersion) as error:
        return _refused(request, report, list(error.messages))
    if outcome.has_changes:
        messages.success(request, outcome.message)
    else:
        messages.info(request, outcome.message)
    return redirect("monitoring:report", report.pk)
