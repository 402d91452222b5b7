"""The GCM review page: /documents/<code>/gcm-review/?period=2025.

The 23 objectives of the Global Compact for the period, each with the data-drafted summary of what the plan and its
approved reports say about it and the text the secretariat writes beside it; the free chapters (context and method,
guiding principles, challenges, next steps); the draft as Word, PDF or Excel in either language. The secretariat
writes (`may_write_gcm_review`), the coordinator reads (`may_read_gcm_review`); anybody else gets 404, as for a page
that does not exist. A preview of a text as it will print (Markdown) is asked for with htmx.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from nsm.accounts import access
from nsm.analytics.periods import Period
from nsm.analytics.views_common import StampedStrategy, latest_reported_period, strategy_for_analyst
from nsm.core.markdown import to_html
from nsm.core.stale import StaleVersion
from nsm.reports import services
from nsm.reports.forms import ReviewTextForm
from nsm.reports.gcm_review import review_data, review_periods, review_texts
from nsm.reports.generate import FORMATS, LANGUAGES, DocumentError, generate
from nsm.reports.models import GCM_OBJECTIVES, REVIEW_TEXT_CHARS, GcmReview
from nsm.reports.views_remarks import block as remarks_block

CHAPTER_TITLES = {
    "context": gettext_lazy("National context and method"),
    "principles": gettext_lazy("The guiding principles"),
    "challenges": gettext_lazy("Challenges"),
    "next_steps": gettext_lazy("Next steps"),
}


def _strategy(request: HttpRequest, code: str) -> StampedStrategy:
    """The strategy whose review the user may read; 404 otherwise (viewers and focal points included)."""
    strategy = strategy_for_analyst(request.user, code)
    if not access.may_read_gcm_review(request.user, strategy.country):
        raise Http404
    return strategy


def _period(strategy: StampedStrategy, raw: str) -> tuple[Period, str]:
    """The period asked for (a year or an action plan's years) and, when it is not one of the strategy's, the
    reason in words and the default period: that of the review written last, else the latest with approved reports."""
    default = latest_reported_period(strategy)
    reviews = GcmReview.objects.filter(strategy=strategy).order_by("-updated_at", "-pk")
    written = reviews.values_list("period", flat=True).first()
    with contextlib.suppress(ValueError):
        if written and Period.parse(written) in review_periods(strategy):
            default = Period.parse(written)
    if not raw:
        return default, ""
    try:
        period = Period.parse(raw)
    except ValueError as error:
        return default, str(error)
    if period not in review_periods(strategy):
        refusal = _("%(period)s is not a year or the years of an action plan of %(code)s: %(shown)s is shown.")
        return default, refusal % {"period": period, "code": strategy.code, "shown": default}
    return period, ""


def _forms(review: GcmReview | None, texts: dict[int, Any]) -> dict[str, ReviewTextForm]:
    """A form for each chapter and each objective, filled with what is written (version 0: nothing yet)."""
    found: dict[str, ReviewTextForm] = {}
    for chapter in GcmReview.CHAPTERS:
        initial = {"text_sq": "", "text_en": "", "version": 0}
        if review is not None:
            initial = {
                "text_sq": getattr(review, f"{chapter}_sq"),
                "text_en": getattr(review, f"{chapter}_en"),
                "version": review.version,
            }
        found[chapter] = ReviewTextForm(initial=initial, part=chapter)
    for number in range(1, GCM_OBJECTIVES + 1):
        text = texts.get(number)
        initial = {"text_sq": text.text_sq, "text_en": text.text_en, "version": text.version} if text else {}
        found[f"objective-{number}"] = ReviewTextForm(initial={"version": 0, **initial}, part=f"objective-{number}")
    return found


def _page(
    request: HttpRequest, strategy: StampedStrategy, period: Period, *, refused: ReviewTextForm | None = None,
    notice: str = "", status: int = 200,
) -> HttpResponse:  # fmt: skip
    data = review_data(strategy, period)
    review, texts = review_texts(strategy, period)
    forms = _forms(review, texts)
    if refused is not None:
        forms[refused.part] = refused  # the user's typed values, with the reason
    can_write = access.may_write_gcm_review(request.user, strategy.country)
    chapters = [(chapter, CHAPTER_TITLES[chapter], forms[chapter]) for chapter in GcmReview.CHAPTERS]
    objectives = [
        (objective, objective.summary(strategy.currency), forms[f"objective-{objective.number}"])
        for objective in data.objectives
    ]
    context = {
        "strategy": strategy,
        "period": period,
        "periods": review_periods(strategy),
        "notice": notice,
        "data": data,
        "review": review,
        "chapters": chapters,
        "objectives": objectives,
        "refused": refused.part if refused is not None else "",
        "can_write": can_write,
        "formats": FORMATS,
        "languages": LANGUAGES,
        "limit": REVIEW_TEXT_CHARS,
        "remarks": remarks_block(request, strategy, f"gcm-{period.slug}"),
    }
    return render(request, "reports/gcm_review.html", context, status=status)


@login_required
@require_GET
def review(request: HttpRequest, code: str) -> HttpResponse:
    strategy = _strategy(request, code)
    period, notice = _period(strategy, request.GET.get("period", "")[:32])
    return _page(request, strategy, period, notice=notice)


@login_required
@require_POST
def save(request: HttpRequest, code: str) -> HttpResponse:
    """Save one text (a chapter's or an objective's, both languages): the secretariat only."""
    strategy = _strategy(request, code)
    if not access.may_write_gcm_review(request.user, strategy.country):
        raise Http404
    period, notice = _period(strategy, request.POST.get("period", "")[:32])
    part = request.POST.get("part", "")[:32]
    raw = part.removeprefix("objective-")
    number = int(raw) if raw.isascii() and raw.isdigit() else 0  # "²" is a digit to isdigit(), not to int()
    if notice or not (part in GcmReview.CHAPTERS or 1 <= number <= GCM_OBJECTIVES):
        return HttpResponse(notice or _("There is no such text in the GCM review."), status=400)
    form = ReviewTextForm(request.POST, part=part)
    if form.is_valid():
        texts = {"text_sq": form.cleaned_data["text_sq"], "text_en": form.cleaned_data["text_en"]}
        version, by = form.cleaned_data["version"], request.user
        try:
            if number:
                services.write_review_objective(
                    strategy, period, number=number, version=version, by=request.user, **texts
                )
            else:
                services.write_review_chapter(strategy, period, chapter=part, version=version, by=by, **texts)
        except StaleVersion as error:
            form.add_error(None, error)
            form.renew_version(error.current_version)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            url = reverse("reports:gcm-review", args=[strategy.code])
            return redirect(f"{url}?period={period.slug}#{part}")
    return _page(request, strategy, period, refused=form, status=400)


@login_required
@require_POST
def preview(request: HttpRequest, code: str) -> HttpResponse:
    """A text as it will print (Markdown to HTML), for the page's preview (htmx): the field `<part>-text_<lang>`."""
    strategy = _strategy(request, code)
    if not access.may_write_gcm_review(request.user, strategy.country):
        raise Http404
    part = request.POST.get("part", "")[:32]
    language = request.POST.get("language", "")
    if language not in LANGUAGES:
        return HttpResponse(_("Choose the language to preview: sq or en."), status=400)
    text = request.POST.get(f"{part}-text_{language}", "")
    if len(text) > REVIEW_TEXT_CHARS:
        refusal = _("The text has %(length)s characters; at most %(limit)s are kept.")
        shown = f'<p class="text-danger">{escape(refusal % {"length": len(text), "limit": REVIEW_TEXT_CHARS})}</p>'
        return HttpResponse(shown)
    html = str(to_html(text)) or f'<p class="text-body-secondary">{escape(_("Nothing written yet."))}</p>'
    return HttpResponse(html)


@login_required
@require_GET
def download(request: HttpRequest, code: str, language: str, fmt: str) -> HttpResponse:
    """The draft as a file, made now from the data and the texts as they are (the coordinator too)."""
    strategy = _strategy(request, code)
    if fmt not in FORMATS or language not in LANGUAGES:
        raise Http404
    period, notice = _period(strategy, request.GET.get("period", "")[:32])
    if notice:
        return HttpResponse(notice, status=400, content_type="text/plain; charset=utf-8")
    try:
        output = generate("gcm-review", strategy, period=period, language=language, fmt=fmt)
    except DocumentError as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    return HttpResponse(
        output.content,
        content_type=output.content_type,
        headers={"Content-Disposition": f'attachment; filename="{output.filename}"'},
    )
