"""The self-assessment pages: a strategy's assessments (and a new one), an assessment with its values and the
comparison with the previous one, its answers form, its document.

Whoever reads the analysis of the strategy's country reads them (`may_analyse`, `Assessment.visible_to`); its
secretariat makes and answers them (`may_assess`, `Assessment.editable_by`). What a user may not see or change
answers 404, as a missing assessment does. Nothing here is public.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nsm.accounts import access
from nsm.assessment import selectors, services
from nsm.assessment.document import generate_assessment
from nsm.assessment.forms import AnswersForm, NewAssessmentForm
from nsm.assessment.methodology import THRESHOLDS, Category
from nsm.assessment.models import Assessment
from nsm.core.forms import add_errors
from nsm.core.stale import StaleVersion
from nsm.reports.generate import FORMATS, LANGUAGES, DocumentError
from nsm.reports.views_remarks import block as remarks_block
from nsm.strategy.models import Strategy


def _strategy(request: HttpRequest, code: str) -> Strategy:
    strategy = access.get_for_user(Strategy.objects, request.user, code, field="code")
    if not access.may_analyse(request.user, strategy.country):
        raise Http404
    return strategy


def _assessment(request: HttpRequest, pk: int, *, write: bool = False) -> Assessment:
    return access.get_for_user(Assessment.objects.select_related("strategy"), request.user, pk, write=write)


def _list_page(request: HttpRequest, strategy: Strategy, form: NewAssessmentForm | None, status: int = 200):
    may_assess = access.may_assess(request.user, strategy.country)
    assessments = list(selectors.assessments_of(strategy, request.user))
    return render(
        request,
        "assessment/list.html",
        {
            "strategy": strategy,
            "rows": selectors.list_scores(assessments),
            "form": form or (NewAssessmentForm() if may_assess else None),
            "may_assess": may_assess,
        },
        status=status,
    )


@login_required
def assessment_list(request: HttpRequest, code: str) -> HttpResponse:
    return _list_page(request, _strategy(request, code), None)


@login_required
@require_POST
def create(request: HttpRequest, code: str) -> HttpResponse:
    strategy = _strategy(request, code)
    if not access.may_assess(request.user, strategy.country):
        raise Http404
    form = NewAssessmentForm(request.POST)
    if form.is_valid():
        try:
            assessment = services.create_assessment(strategy, year=form.cleaned_data["year"], by=request.user)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Self-assessment %(year)s made: answer its sub-categories.") % {"year": assessment.year}
            )
            return redirect("assessment:answers", assessment.pk)
    return _list_page(request, strategy, form, status=400)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    scores = selectors.scores(assessment)
    return render(
        request,
        "assessment/detail.html",
        {
            "assessment": assessment,
            "strategy": assessment.strategy,
            "scores": scores,
            "comparison": selectors.comparison(scores),
            "may_assess": access.may_assess(request.user, assessment.strategy.country),
            "thresholds": [(floor, Category(category).label) for floor, category in THRESHOLDS],
            "languages": LANGUAGES,
            "formats": list(FORMATS),
            "remarks": remarks_block(request, assessment.strategy, f"sdg-{assessment.year}", back=""),
        },
    )


@login_required
def answers(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk, write=True)
    scores = selectors.scores(assessment)
    measures, activities = selectors.plan_items(assessment.strategy)
    form = AnswersForm(
        request.POST or None,
        answers=scores.answers,
        measures=measures,
        activities=activities,
        version=assessment.version,
        note=assessment.note,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = services.save_answers(
                    assessment,
                    by=request.user,
                    version=form.edited_version,
                    answers=form.given(),
                    note=form.cleaned_data["note"],
                )
            except StaleVersion as error:
                add_errors(form, error)
                form.renew_version(error.current_version)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Saved: %(count)s changes.") % {"count": changed})
                return redirect("assessment:detail", assessment.pk)
        status = 400
    suggested = selectors.suggestions(assessment.strategy)
    for answer in scores.answers:
        answer.suggested = suggested.get(answer.subcategory_id)  # type: ignore[attr-defined]
    return render(
        request,
        "assessment/answers.html",
        {"assessment": assessment, "strategy": assessment.strategy, "form": form},
        status=status,
    )


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


@login_required
@require_POST
def suggest(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk, write=True)
    try:
        count = services.add_suggestions(assessment, by=request.user, version=_version(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Suggested measures and activities added to %(count)s sub-categories.") % {"count": count}
        )
    return redirect("assessment:answers", assessment.pk)


@login_required
@require_POST
def status(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk, write=True)
    try:
        services.set_status(
            assessment, by=request.user, version=_version(request), status=request.POST.get("status", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("assessment:detail", assessment.pk)
    messages.success(
        request, _("The self-assessment is now: %(status)s.") % {"status": assessment.get_status_display()}
    )
    return redirect("assessment:detail", assessment.pk)


@login_required
def document(request: HttpRequest, pk: int, language: str, fmt: str) -> HttpResponse:
    """The self-assessment as Word, PDF or Excel, in Albanian or English, made as the answers stand."""
    assessment = _assessment(request, pk)
    if fmt not in FORMATS or language not in LANGUAGES:
        raise Http404
    try:
        output = generate_assessment(assessment, language=language, fmt=fmt)
    except DocumentError as error:  # pragma: no cover - the language and format are checked above
        raise Http404 from error
    return HttpResponse(
        output.content,
        content_type=output.content_type,
        headers={"Content-Disposition": f'attachment; filename="{output.filename}"'},
    )
