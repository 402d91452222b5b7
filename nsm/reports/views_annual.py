"""The annual monitoring report as the secretariat writes and issues it: /documents/<code>/annual/<period>/.

The page shows the period's narrative (analysis, conclusions, recommendations, in Albanian and English, Markdown) and
every issue of the report with its files. The secretariat edits the narrative (a preview shows it as it will read,
sanitized), makes a draft document on the Documents page and issues the report (after a confirmation); the
coordinator and viewers of the country read the narrative and the issues. The issued files are downloaded as they
were made when issued: by anyone when the strategy is public (its public list of reports), else by the readers of
its analysis.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from nsm.accounts import access
from nsm.analytics.periods import Period
from nsm.analytics.views_common import StampedStrategy, strategy_for_analyst
from nsm.core.confirm import Confirmation, ask, confirmed
from nsm.core.forms import add_errors
from nsm.core.markdown import to_html
from nsm.core.stale import StaleVersion
from nsm.reports import issued
from nsm.reports.annual import Narrative
from nsm.reports.forms import NarrativeForm, PreviewForm
from nsm.reports.generate import FORMATS
from nsm.reports.models import NARRATIVE_PARTS, IssuedAnnualFile, IssuedAnnualReport, narrative_fields
from nsm.reports.views_remarks import block as remarks_block
from nsm.strategy.models import Strategy


def _strategy_and_period(request: HttpRequest, code: str, period: str) -> tuple[StampedStrategy, Period]:
    """The strategy whose analysis the user reads, and a period of its action plan; 404 otherwise."""
    strategy = strategy_for_analyst(request.user, code)
    try:
        chosen = Period.parse(period)
        issued.check_period(strategy, chosen)
    except (ValueError, ValidationError) as error:
        raise Http404 from error
    return strategy, chosen


@login_required
def annual(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """The page; a POST (the secretariat) saves the narrative, or shows the form again with its errors."""
    strategy, chosen = _strategy_and_period(request, code, period)
    narrative = issued.narrative_of(strategy, chosen)
    version = narrative.version if narrative else 0
    if request.method != "POST":
        initial = {name: getattr(narrative, name) for name in narrative_fields()} if narrative else {}
        return _page(request, strategy, chosen, NarrativeForm(initial=initial, version=version))
    if not issued.may_edit(request.user, strategy):
        raise Http404
    form = NarrativeForm(request.POST, version=version)
    if form.is_valid():
        try:
            issued.save_narrative(
                strategy, chosen, by=request.user, texts=form.texts(), version=form.cleaned_data["version"]
            )
        except StaleVersion as error:  # changed meanwhile: the typed texts stay, and a second save may replace it
            add_errors(form, error)
            form.add_error(None, _("Your text is still in the form: save again to replace those changes, or cancel."))
            form.renew_version(error.current_version)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The narrative was saved."))
            return redirect("reports:annual", strategy.code, chosen.slug)
    return _page(request, strategy, chosen, form, status=400)


def _page(
    request: HttpRequest, strategy: StampedStrategy, period: Period, form: NarrativeForm, status: int = 200
) -> HttpResponse:
    narrative = Narrative.of(issued.narrative_of(strategy, period))
    language = "sq" if (get_language() or "").startswith("sq") else "en"
    titles = {"analysis": _("Analysis"), "conclusions": _("Conclusions"), "recommendations": _("Recommendations")}
    context: dict[str, Any] = {
        "strategy": strategy,
        "period": period,
        "form": form,
        "parts": [
            (
                part,
                titles[part],
                [form[f"{part}_sq"], form[f"{part}_en"]],
                to_html(narrative.text(part, language), heading_offset=3),
            )
            for part in NARRATIVE_PARTS
        ],
        "issues": list(issued.issues_of(strategy, period)),
        "may_edit": issued.may_edit(request.user, strategy),
        "may_draft": access.may_manage(request.user, strategy.country),
        "formats": FORMATS,
        "remarks": remarks_block(request, strategy, f"annual-{period.slug}"),
    }
    return render(request, "reports/annual.html", context, status=status)


@login_required
@require_POST
def preview(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """A narrative text as the page will show it (htmx): Markdown made HTML, sanitized."""
    strategy, _chosen = _strategy_and_period(request, code, period)
    if not issued.may_edit(request.user, strategy):
        raise Http404
    name = request.POST.get("field", "")
    if name not in narrative_fields():
        return HttpResponse(_("There is no such text in the narrative."), status=400)
    form = PreviewForm({"text": request.POST.get(name, "")})
    if not form.is_valid():
        return render(request, "reports/_preview.html", {"errors": form.errors["text"]}, status=400)
    return render(request, "reports/_preview.html", {"html": to_html(form.cleaned_data["text"], heading_offset=3)})


@login_required
def issue(request: HttpRequest, code: str, period: str) -> HttpResponse:
    """Ask, saying what issuing freezes and publishes (and, for a correction, what it corrects); then issue."""
    strategy, chosen = _strategy_and_period(request, code, period)
    if not issued.may_edit(request.user, strategy):
        raise Http404
    back = reverse("reports:annual", args=[strategy.code, chosen.slug])
    before = IssuedAnnualReport.objects.filter(strategy=strategy, period=chosen.slug).count()
    warning = ""
    if confirmed(request):
        try:
            made = issued.issue_annual_report(strategy, chosen, by=request.user, reason=request.POST.get("reason", ""))
        except ValidationError as error:
            warning = " ".join(error.messages)  # asked again, with what was typed
        else:
            messages.success(request, _("Issue %(number)s of the report was issued.") % {"number": made.number})
            return redirect(back)
    return ask(request, _confirmation(strategy, chosen, before, back, warning, request), {"strategy": strategy})


def _confirmation(
    strategy: Strategy, period: Period, before: int, back: str, warning: str, request: HttpRequest
) -> Confirmation:
    public = (
        _("The strategy's page is public: the issue is published there at once, with its files.")
        if strategy.is_public
        else _("The strategy's page is not public: the issue is read by the secretariat, the coordinator and viewers.")
    )
    return Confirmation(
        heading=_("Issue the monitoring report %(period)s?") % {"period": period},
        consequences=(
            _(
                "The report is made now from the approved data and the narrative as they are, in Albanian and "
                "English, as Word, PDF and Excel, and kept: a later change of the data or of the narrative does not "
                "change it. A correction is a new issue."
            ),
            public,
        ),
        warning=warning
        or (
            _("Issue %(number)s was issued before: this one is issued as no. %(next)s and both stay listed.")
            % {"number": before, "next": before + 1}
            if before
            else ""
        ),
        reason_label=_("What this issue corrects") if before else "",
        reason=request.POST.get("reason", "") if request.method == "POST" else "",
        button=_("Issue the report"),
        cancel_url=back,
    )


def issued_file(request: HttpRequest, pk: int, language: str, fmt: str) -> HttpResponseBase:
    """One file of an issued report, as it was made when issued: anybody's when the strategy is public; else for the
    readers of its analysis (others: sent to sign in, or 404)."""
    found = IssuedAnnualFile.objects.select_related("issue__strategy").filter(issue_id=pk, language=language, fmt=fmt)
    row = found.first()
    if row is None:
        raise Http404
    strategy = row.issue.strategy
    if not strategy.is_public:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access.may_analyse(request.user, strategy.country):
            raise Http404
    try:
        handle = row.file.open("rb")
    except OSError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=row.filename, content_type=row.content_type)


@require_GET
def published(request: HttpRequest, code: str) -> HttpResponse:
    """The monitoring reports issued for a public strategy, with their files, for anybody."""
    strategy = get_object_or_404(Strategy, code=code, is_public=True)
    return render(request, "reports/published.html", {"strategy": strategy, "issues": list(issued.issues_of(strategy))})
