"""The Documents pages: /documents/ (the strategies whose documents the user may read) and /documents/<code>/ (the
form that asks for a document, and the documents made before, with who asked, when and from which data).

Reading follows the analysis (`strategy_for_analyst`: the secretariat, the coordinator and viewers of the country);
asking for a document is for the plan's editors (the secretariat and the coordinator). A document being made shows
its progress in a fragment that the page asks for again every 2 seconds (htmx) until it is ready or has failed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from nsm.accounts import access
from nsm.analytics.periods import Period, action_plan_spans, periods_of
from nsm.analytics.views_common import (
    StampedStrategy,
    analysed_strategies,
    latest_reported_period,
    strategy_for_analyst,
)
from nsm.consultation.models import ConsultationReport
from nsm.reports import services
from nsm.reports.consultation import generate_consultation
from nsm.reports.generate import FORMATS, LANGUAGES
from nsm.reports.models import GeneratedDocument


class DocumentForm(forms.Form):
    """What to make: the document, its period (the monitoring report only), language and format."""

    kind = forms.ChoiceField(label=_("Document"), choices=GeneratedDocument.Kind.choices)
    period = forms.CharField(label=_("Period"), required=False, max_length=16)
    language = forms.ChoiceField(label=_("Language of the document"), choices=lambda: settings.LANGUAGES)
    fmt = forms.ChoiceField(label=_("Format"), choices=GeneratedDocument.Format.choices)

    def clean_period(self) -> Period | None:
        raw = self.cleaned_data["period"].strip()
        if not raw:
            return None
        try:
            return Period.parse(raw)
        except ValueError as error:
            raise ValidationError(str(error)) from error


@login_required
@access.internal_page
def index(request: HttpRequest) -> HttpResponse:
    """The strategies whose documents the user may read: straight to the one when there is only one."""
    strategies = analysed_strategies(request.user)
    if len(strategies) == 1:
        return redirect("reports:documents", strategies[0].code)
    return render(request, "reports/index.html", {"strategies": strategies})


@login_required
def documents(request: HttpRequest, code: str) -> HttpResponse:
    strategy = strategy_for_analyst(request.user, code)
    initial = {
        "kind": GeneratedDocument.Kind.ANNUAL,
        "period": latest_reported_period(strategy).slug,
        "language": get_language(),
        "fmt": GeneratedDocument.Format.DOCX,
    }
    return _page(request, strategy, DocumentForm(initial=initial))


@login_required
@require_POST
def request_document(request: HttpRequest, code: str) -> HttpResponse:
    strategy = strategy_for_analyst(request.user, code)
    if not access.may_manage(request.user, strategy.country):
        raise Http404
    form = DocumentForm(request.POST)
    if form.is_valid():
        try:
            document = services.request_document(strategy, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            url = reverse("reports:documents", args=[strategy.code])
            return redirect(f"{url}?new={document.pk}#document-{document.pk}")
    return _page(request, strategy, form, status=400)


def _page(request: HttpRequest, strategy: StampedStrategy, form: DocumentForm, status: int = 200) -> HttpResponse:
    """The page: the form (for those who may ask) and every document of the strategy, in three queries (documents
    left half-made by a stopped worker are marked failed first)."""
    services.fail_stalled()
    listed = list(strategy.documents.select_related("requested_by"))
    for document in listed:
        document.strategy = strategy  # for the fragment's URLs, without a query per row
        document.current = document.made_from(strategy.analysis_stamp)
    context: dict[str, Any] = {
        "strategy": strategy,
        "form": form,
        "periods": periods_of(strategy, plans=action_plan_spans(strategy)),
        "annual_periods": periods_of(strategy),  # the years and half-years whose report is written and issued
        "documents": listed,
        "new": request.GET.get("new", ""),
        "can_request": access.may_manage(request.user, strategy.country),
        "reads_gcm_review": access.may_read_gcm_review(request.user, strategy.country),
        "may_remark": access.may_remark(request.user, strategy.country),
    }
    return render(request, "reports/documents.html", context, status=status)


def _document(request: HttpRequest, code: str, pk: int) -> tuple[GeneratedDocument, StampedStrategy]:
    """The strategy's document `pk` and the strategy (with its stamp) if the user may read the strategy's
    documents; 404 otherwise."""
    strategy = strategy_for_analyst(request.user, code)
    documents = GeneratedDocument.objects.visible_to(request.user).select_related("requested_by")
    document = get_object_or_404(documents, strategy=strategy, pk=pk)
    document.strategy = strategy
    return document, strategy


@login_required
def status(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The document's row, showing how far it has got (asked for again by the page until it is finished)."""
    document, strategy = _document(request, code, pk)
    if document.status == GeneratedDocument.Status.RUNNING and services.stalled(document):
        services.fail_stalled()  # its worker was killed: the row says so and the page stops asking
        document.refresh_from_db(fields=["status", "error", "step", "finished_at"])  # keeps the annotated strategy
    document.current = document.made_from(strategy.analysis_stamp)
    context = {"document": document, "strategy": strategy, "new": request.GET.get("new", "")}
    return render(request, "reports/_row.html", context)


@login_required
def download(request: HttpRequest, code: str, pk: int) -> FileResponse:
    document, _strategy = _document(request, code, pk)
    if document.status != GeneratedDocument.Status.DONE or not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except OSError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=document.filename, content_type=document.content_type)


CONSULTATION_FILE_SECONDS = 3600


def consultation(request: HttpRequest, pk: int, language: str, fmt: str) -> HttpResponse:
    """An issued consultation report as Word, PDF or Excel, in Albanian or English: for anyone, since issuing
    publishes it (its content holds no e-mail address); made from what was issued, never from the comments now."""
    issued = ConsultationReport.objects.filter(pk=pk).first()
    if issued is None or fmt not in FORMATS or language not in LANGUAGES:
        raise Http404
    # What an issue says never changes: the file is kept a while, so that public downloads do not each render it.
    key = f"consultation-report:{issued.pk}:{language}:{fmt}"
    output = cache.get(key)
    if output is None:
        output = generate_consultation(issued, language=language, fmt=fmt)
        cache.set(key, output, CONSULTATION_FILE_SECONDS)
    return HttpResponse(
        output.content,
        content_type=output.content_type,
        headers={"Content-Disposition": f'attachment; filename="{output.filename}"'},
    )
