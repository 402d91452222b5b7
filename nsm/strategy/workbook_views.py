"""The action-plan workbook on the web: upload -> preview -> confirm or cancel, the empty template, the export.

The upload is kept in `default_storage` under `imports/<uuid>.xlsx` between the preview and the confirmation
(its key in the session), so that the app servers keep no state; the confirmation reads it again, applies it
and deletes it, and so does Cancel (without applying). Uploads abandoned otherwise (the page closed) are
deleted by a later upload once older than UPLOAD_MAX_AGE. Only users who may edit plans import; a strategy
the user may not see answers 404.
"""

import io
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from nsm.accounts import access
from nsm.strategy.models import AMENDED_STATUSES, Strategy
from nsm.strategy.workbook import (
    ImportSummary,
    ParsedPlan,
    PreviewOutdated,
    WorkbookError,
    apply_plan,
    plan_changes,
    read_workbook,
    write_template,
    write_workbook,
)

SESSION_KEY = "nsm_workbook_import"
UPLOAD_FOLDER = "imports"
UPLOAD_MAX_AGE = timedelta(hours=24)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Action plan workbook (.xlsx)"))


class MatrixUploadForm(forms.Form):
    """The plan as adopted (docs/import-matrix.md): one Excel sheet or one Word table, for a strategy the user may
    change; its columns are mapped on the next page (nsm/strategy/matrix_views.py)."""

    strategy = forms.ModelChoiceField(
        label=_("Strategy"), queryset=Strategy.objects.none(), to_field_name="code", empty_label=None
    )
    file = forms.FileField(label=_("The action plan as adopted (.xlsx or .docx)"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["strategy"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - for the type checker
        field.queryset = Strategy.objects.editable_by(user).order_by("code")
        field.widget.attrs["class"] = "form-select"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".docx")):
            raise forms.ValidationError(
                _("The file is neither an Excel workbook (.xlsx) nor a Word document (.docx): save the plan as one.")
            )
        return upload


def require_editor(request: HttpRequest) -> None:
    if not access.can_edit_plan(request.user):
        raise PermissionDenied


def _read(request: HttpRequest, file: Any, name: str) -> ParsedPlan:
    """Read the workbook. Its strategy must be one the user may change: 404 if they may not even see it
    (checked before any error is shown: errors could tell about that plan), 403 for another country's."""
    parsed = read_workbook(file, name=name)
    existing = Strategy.objects.filter(code=parsed.strategy_code).first() if parsed.strategy_code else None
    if existing is not None:
        access.get_for_user(Strategy.objects, request.user, existing.code, field="code")
    countries = {country for country in (parsed.country, getattr(existing, "country", "")) if country}
    if not all(access.can_edit_plan(request.user, country) for country in countries):
        raise PermissionDenied
    return parsed


def discard_kept(request: HttpRequest, session_key: str = SESSION_KEY) -> None:
    """Forget the upload kept under `session_key`, deleting the stored file."""
    stored = request.session.pop(session_key, None)
    if stored:
        default_storage.delete(stored["key"])


def purge_abandoned_uploads() -> None:
    """Delete kept uploads older than UPLOAD_MAX_AGE: previews nobody confirmed or cancelled."""
    try:
        _folders, names = default_storage.listdir(UPLOAD_FOLDER)
    except (FileNotFoundError, NotImplementedError):
        return
    oldest_kept = timezone.now() - UPLOAD_MAX_AGE
    for name in names:
        key = f"{UPLOAD_FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(key) < oldest_kept:
                default_storage.delete(key)
        except (FileNotFoundError, NotImplementedError):
            continue  # deleted meanwhile by another request, or a storage that cannot tell its age


def keep_upload(
    request: HttpRequest, upload: Any, *, session_key: str = SESSION_KEY, extension: str = "xlsx", **values: Any
) -> None:
    """Keep the upload for the next step, in place of any earlier one of this session; the session keeps its key and
    name with `values` (for the workbook, the fingerprint of the preview shown: the confirmation applies the file
    only if it still does what the preview said)."""
    discard_kept(request, session_key)
    upload.seek(0)
    key = default_storage.save(f"{UPLOAD_FOLDER}/{uuid.uuid4()}.{extension}", upload)
    request.session[session_key] = {"key": key, "name": upload.name, **values}


def kept_upload(
    request: HttpRequest, session_key: str, *, pop: bool = False, needs: tuple[str, ...] = ()
) -> dict[str, Any] | None:
    """The upload kept under `session_key` (with the values `needs`), taken out of the session with `pop`; None,
    with the message saying so, when it is gone."""
    stored = request.session.pop(session_key, None) if pop else request.session.get(session_key)
    if not stored or any(name not in stored for name in needs) or not default_storage.exists(stored["key"]):
        request.session.pop(session_key, None)
        messages.error(request, _("The uploaded file is no longer available: please upload it again."))
        return None
    return stored


def upload_page(request: HttpRequest, form: UploadForm, **context: Any) -> HttpResponse:
    """The import page: the workbook's form, and the adopted matrix's (`matrix_form`, with `matrix_errors`)."""
    limit = filesizeformat(settings.IMPORT_MAX_BYTES)
    if "matrix_form" not in context:
        initial = {"strategy": request.GET.get("strategy", "")}
        context["matrix_form"] = MatrixUploadForm(user=request.user, initial=initial)
    return render(request, "strategy/import.html", {"form": form, "limit": limit, **context})


@login_required
def import_plan(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: read the upload, keep it, and show what importing it would change."""
    require_editor(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return upload_page(request, form)
    purge_abandoned_uploads()
    upload = form.cleaned_data["file"]
    try:
        parsed = _read(request, upload, upload.name)
    except WorkbookError as error:
        return upload_page(request, form, errors=error.messages, error_count=error.total)
    if not parsed.is_valid:
        return upload_page(
            request,
            form,
            errors=parsed.errors.lines(),
            error_count=parsed.errors.total,
            warnings=parsed.warnings.lines(),
        )
    preview = plan_changes(parsed)
    if preview.has_changes:  # else there is nothing to confirm, and nothing to keep
        keep_upload(request, upload, fingerprint=preview.fingerprint())
    return preview_page(request, preview, upload.name)


def preview_page(request: HttpRequest, preview: Any, file_name: str, **context: Any) -> HttpResponse:
    """What the import would do; for an adopted plan, with the amendment's reason to give."""
    context = {"preview": preview, "file_name": file_name, "amended": is_amended(preview.strategy_code), **context}
    return render(request, "strategy/import_preview.html", context)


@login_required
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Apply the upload kept at the preview, then delete it and go to the plan."""
    require_editor(request)

    def read(stored: dict[str, Any]) -> tuple[ParsedPlan, Callable[..., ImportSummary]]:
        with default_storage.open(stored["key"], "rb") as file:
            return _read(request, file, stored["name"]), apply_plan

    def refused(error: WorkbookError) -> HttpResponse:
        return upload_page(request, UploadForm(), errors=error.messages, error_count=error.total)

    return confirm_kept(request, SESSION_KEY, read=read, refused=refused)


def confirm_kept(
    request: HttpRequest,
    session_key: str,
    *,
    read: Callable[[dict[str, Any]], tuple[ParsedPlan, Callable[..., ImportSummary]]],
    refused: Callable[[WorkbookError], HttpResponse],
    needs: tuple[str, ...] = (),
    **links: str,
) -> HttpResponse:
    """The confirmation of an upload kept at its preview (the workbook's, the matrix's): `read` gives the plan and
    the function that applies it (as apply_plan); applied, the file is deleted and the user goes to the plan. An
    adopted plan without the amendment's reason, or a plan changed since the preview, is previewed again (`links`:
    the preview's confirm, cancel and columns URLs); a file that cannot be read is deleted and `refused`."""
    stored = kept_upload(request, session_key, pop=True, needs=needs)
    if stored is None:
        return redirect("strategy:import")
    reason = request.POST.get("amendment_reason", "")
    try:
        parsed, apply = read(stored)
        if not reason.strip() and is_amended(parsed.strategy_code):
            request.session[session_key] = stored  # kept: the user gives the reason and confirms again
            preview = plan_changes(parsed)
            errors = [_("The plan is adopted: every change is an amendment. Say why this import is made.")]
            return preview_page(request, preview, stored["name"], reason_errors=errors, **links)
        summary = apply(parsed, by=request.user, expected=stored.get("fingerprint", ""), amendment_reason=reason)
    except PreviewOutdated as outdated:
        request.session[session_key] = {**stored, "fingerprint": outdated.preview.fingerprint()}
        messages.warning(
            request, _("The plan changed since the preview. Nothing was saved: check what the import would do now.")
        )
        return preview_page(request, outdated.preview, stored["name"], reason=reason, **links)
    except WorkbookError as error:
        default_storage.delete(stored["key"])
        return refused(error)
    default_storage.delete(stored["key"])
    messages.success(request, summary.summary())
    return redirect("strategy:detail", parsed.strategy_code)


def is_amended(strategy_code: str) -> bool:
    return Strategy.objects.filter(code=strategy_code, status__in=AMENDED_STATUSES).exists()


@login_required
@require_POST
def import_cancel(request: HttpRequest) -> HttpResponse:
    """Forget the upload kept at the preview, deleting the stored file, and go back to the upload form."""
    require_editor(request)
    discard_kept(request)
    messages.info(request, _("The import was cancelled: nothing was saved."))
    return redirect("strategy:import")


def _xlsx(write: Any, filename: str) -> FileResponse:
    buffer = io.BytesIO()
    write(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=filename)


def headers_language() -> str:
    """Albanian headers for an Albanian interface; the import reads either."""
    return "sq" if (get_language() or "").startswith("sq") else "en"


@login_required
def import_template(request: HttpRequest) -> FileResponse:
    return _xlsx(lambda f: write_template(f, language=headers_language()), "nsm-action-plan-template.xlsx")


@login_required
def export_plan(request: HttpRequest, code: str) -> FileResponse:
    strategy = access.get_for_user(Strategy.objects, request.user, code, field="code")
    return _xlsx(lambda f: write_workbook(strategy, f, language=headers_language()), f"{strategy.code}.xlsx")


urlpatterns = [
    path("import/", import_plan, name="import"),
    path("import/confirm/", import_confirm, name="import_confirm"),
    path("import/cancel/", import_cancel, name="import_cancel"),
    path("import/template.xlsx", import_template, name="import_template"),
    path("<str:code>/export.xlsx", export_plan, name="export"),
]
