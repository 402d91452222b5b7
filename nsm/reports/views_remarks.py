"""Remarks on the drafts: /documents/<code>/remarks/ (every remark on the strategy's drafts, open ones first),
/documents/<code>/remarks/<subject>/ (the remarks on one draft, and the form to post one) and
/documents/remarks/<pk>/answer/ (the secretariat's answer, which resolves a remark).

The coordinator and the secretariat of the strategy's country read and post remarks (`access.may_remark`); the
secretariat answers them (`access.may_answer_remarks`): anybody else gets 404, as for a page that does not exist, and
the coordinator 403 on the answer. The drafts' pages (the monitoring report, the GCM review, a chapter's edit page, the
self-assessment) show the same block of remarks (`block`), whose forms post here. A refused post or answer shows the
remarks page again with the typed text and every error.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nsm.accounts import access
from nsm.core.forms import add_errors
from nsm.reports import remarks
from nsm.reports.forms import AnswerForm, RemarkForm
from nsm.reports.models import Remark
from nsm.strategy.models import Strategy

DRAFT = "draft"  # `back`: go to the draft's own page once posted; else to the page of its remarks


def _strategy(request: HttpRequest, code: str) -> Strategy:
    strategy = access.get_for_user(Strategy.objects, request.user, code, field="code")
    if not access.may_remark(request.user, strategy.country):
        raise Http404
    return strategy


def block(
    request: HttpRequest,
    strategy: Strategy,
    key: str,
    *,
    form: RemarkForm | None = None,
    refused: tuple[int, AnswerForm] | None = None,
    back: str = DRAFT,
    can_post: bool = True,
) -> dict[str, Any] | None:
    """The context of the remarks' block (`reports/_remarks.html`) on a draft's page, `back` to that page once
    posted; None for a user who does not read remarks. One query."""
    if not access.may_remark(request.user, strategy.country):
        return None
    may_answer = access.may_answer_remarks(request.user, strategy.country)
    rows = []
    for remark in remarks.remarks_on(strategy, key):
        answer_form = None
        if may_answer and refused and refused[0] == remark.pk:
            answer_form = refused[1]  # its errors and typed text, even on a remark answered meanwhile
        elif may_answer and remark.status == Remark.Status.OPEN:
            answer_form = AnswerForm(initial={"back": back}, auto_id=f"id_answer_{remark.pk}_%s")
        rows.append((remark, answer_form))
    return {
        "key": key,
        "code": strategy.code,
        "rows": rows,
        "open": sum(1 for remark, _form in rows if remark.status == Remark.Status.OPEN),
        "form": form or RemarkForm(initial={"back": back}),
        "may_answer": may_answer,
        "can_post": can_post,
    }


@login_required
def remark_list(request: HttpRequest, code: str) -> HttpResponse:
    """Every remark on the strategy's drafts, open ones first, each with its draft."""
    strategy = _strategy(request, code)
    rows = [(remark, remarks.described(strategy, remark.subject)) for remark in remarks.remarks_of(strategy)]
    context = {"strategy": strategy, "rows": rows, "open": sum(1 for r, _a in rows if r.status == Remark.Status.OPEN)}
    return render(request, "reports/remark_list.html", context)


@login_required
def remarks_page(request: HttpRequest, code: str, subject: str) -> HttpResponse:
    """The remarks on one draft and the form to post one; a POST posts it."""
    strategy = _strategy(request, code)
    about = remarks.found(strategy, subject)
    # A draft gone since its remarks were posted (a period no longer in the plan): they are still read and answered
    # here, and no new one is posted.
    if not about.exists and (
        request.method == "POST" or not Remark.objects.filter(strategy=strategy, subject=subject).exists()
    ):
        raise Http404
    if request.method != "POST":
        return _page(request, strategy, about)
    form = RemarkForm(request.POST)
    if form.is_valid():
        try:
            remarks.post(strategy, about.key, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The remark was posted."))
            return _back(strategy, about, form.cleaned_data["back"])
    return _page(request, strategy, about, form=form, status=400)


def _page(
    request: HttpRequest,
    strategy: Strategy,
    about: remarks.About,
    *,
    form: RemarkForm | None = None,
    refused: tuple[int, AnswerForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "strategy": strategy,
        "about": about,
        "remarks": block(request, strategy, about.key, form=form, refused=refused, back="", can_post=about.exists),
        # A chapter's writer goes on to edit it from its remarks.
        "chapter": about.key.removeprefix("chapter-")
        if about.key.startswith("chapter-") and access.may_write_chapters(request.user, strategy.country)
        else "",
    }
    return render(request, "reports/remarks.html", context, status=status)


def _back(strategy: Strategy, about: remarks.About, back: str) -> HttpResponse:
    """To the draft's page (a gone draft has none), else to the page of its remarks."""
    if back == DRAFT and about.url:
        return redirect(f"{about.url.partition('#')[0]}#remarks")
    return redirect(reverse("reports:remarks", args=[strategy.code, about.key]) + "#remarks")


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretariat's answer to a remark (403 for the coordinator, who reads it)."""
    remark = access.get_for_user(Remark.objects.select_related("strategy"), request.user, pk)
    strategy = remark.strategy
    if not access.may_answer_remarks(request.user, strategy.country):
        raise PermissionDenied
    about = remarks.found(strategy, remark.subject)  # a draft gone since: its remarks are still answered
    form = AnswerForm(request.POST, auto_id=f"id_answer_{remark.pk}_%s")
    if form.is_valid():
        try:
            remarks.answer(remark, by=request.user, text=form.cleaned_data["answer"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The remark was answered and is resolved."))
            return _back(strategy, about, form.cleaned_data["back"])
    return _page(request, strategy, about, refused=(remark.pk, form), status=400)
