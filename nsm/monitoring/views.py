"""Monitoring pages: the reports a user may see, a strategy's cycles, a cycle's board, a report and its review.

Views parse, call a selector or a service, and render; every write is a POST that redirects back with a message.
A step with consequences (open or close a cycle; return, approve or reopen a report) first asks on a confirmation
page that says what will happen (nsm.core.confirm): it acts only on a POST that carries the confirmation.
Reports are reached through `access.get_for_user` on `ProgressReport`'s scoped querysets: whatever a user may not
see, or may not do (fill in, review), answers 404, as a missing report does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from nsm.accounts import access
from nsm.core.confirm import Confirmation, ask, confirmed, posted_or
from nsm.core.forms import add_errors
from nsm.core.paging import page_links, page_of
from nsm.monitoring import reminders, selectors, services
from nsm.monitoring.forms import BoardFilterForm, CycleForm, ReportFilterForm, ReportForm, field_name, report_rows
from nsm.monitoring.models import ActivityProgress, Evidence, ProgressReport, ReportingCycle, ReportQuerySet
from nsm.strategy.models import Strategy

REPORTS_A_PAGE = 50
BOARD_ROWS_A_PAGE = 100
OUT_OF_DATE = gettext_lazy("This page is out of date: reload it and make your change again.")

# --- Helpers ---


def _reports() -> ReportQuerySet:
    return ProgressReport.objects.select_related("cycle__strategy", "institution")


def _report(request: HttpRequest, pk: int, *, write: bool = False) -> ProgressReport:
    """The report if the user may see it (or fill it in, with write=True); else 404."""
    return access.get_for_user(_reports(), request.user, pk, write=write)


def _reviewed_report(request: HttpRequest, pk: int) -> ProgressReport:
    """The report if the user may review it (the secretariat); else 404."""
    return access.get_for_user(_reports().reviewable_by(request.user), request.user, pk)


def _may(scoped: QuerySet[Any], obj: Any) -> bool:
    return scoped.filter(pk=obj.pk).exists()


def _overseen_cycle(request: HttpRequest, pk: int) -> ReportingCycle:
    """A cycle whose board the user may see: the secretariat's and the coordinator's of the country; else 404."""
    cycles = ReportingCycle.objects.select_related("strategy").overseen_by(request.user)
    return access.get_for_user(cycles, request.user, pk)


def _posted_int(request: HttpRequest, name: str) -> int | None:
    raw = request.POST.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None  # a bigint holds 18 digits


def report_url(report: ProgressReport, anchor: str = "") -> str:
    return reverse("monitoring:report", args=[report.pk]) + (f"#{anchor}" if anchor else "")


def _line_anchor(request: HttpRequest) -> str:
    if activity := _posted_int(request, "activity"):
        return f"activity-{activity}"
    if indicator := _posted_int(request, "indicator"):
        return f"indicator-{indicator}"
    return ""


def _act(request: HttpRequest, back: str, run: Callable[[int], Any], done: str | Callable[[Any], str]) -> HttpResponse:
    """Run a POSTed step with the version the page showed; say what happened, or why not, on the page it returns to."""
    version = _posted_int(request, "version")
    if version is None:
        messages.error(request, OUT_OF_DATE)
        return redirect(back)
    try:
        outcome = run(version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done(outcome) if callable(done) else done)
    return redirect(back)


# --- Lists ---


@login_required
@access.internal_page
def report_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    visible = ProgressReport.objects.visible_to(user)
    cycles, institutions = selectors.report_filter_choices(visible)
    form = ReportFilterForm(request.GET or None, cycles=cycles, institutions=institutions)
    wanted = form.wanted()
    page = page_of(request, selectors.filtered_reports(selectors.reports_for_user(visible), wanted), REPORTS_A_PAGE)
    strategies = [s for s in Strategy.objects.visible_to(user) if access.may_oversee(user, s.country)]
    focal_point = bool(access.institution_ids(user, access.FOCAL_POINTS))
    context = {
        "page": page, "page_links": page_links(request, page), "form": form, "filtered": wanted.filtered,
        "total": visible.count() if wanted.filtered else page.paginator.count,
        "strategies": strategies, "focal_point": focal_point,
    }  # fmt: skip
    return render(request, "monitoring/report_list.html", context)


@login_required
@access.internal_page
def shared_lines(request: HttpRequest) -> HttpResponse:
    """The lines of other institutions' reports on activities that name the user's institution beside the lead:
    read (once submitted) and commented on."""
    institutions = access.institution_ids(request.user, access.FOCAL_POINTS)
    refused: dict[str, Any] = {}
    if request.method == "POST":
        line = get_object_or_404(
            selectors.shared_line_queryset(institutions).select_related("report", "activity"),
            pk=_posted_int(request, "line") or 0,
        )
        text = request.POST.get("text", "")
        try:
            services.add_line_comment(line, by=request.user, institution_ids=institutions, text=text)
        except ValidationError as error:  # the page again, the text kept beside its error
            refused = {"line": line.pk, "text": text, "errors": error.messages}
        else:
            messages.success(request, _("Your comment was added."))
            return redirect(reverse("monitoring:shared-lines") + f"#line-{line.pk}")
    lines, more = selectors.shared_lines(institutions, also=refused.get("line"))
    context = {
        "lines": lines, "more": more, "shown": selectors.SHARED_LINES_SHOWN, "focal_point": bool(institutions),
        "refused": refused,
    }  # fmt: skip
    return render(request, "monitoring/shared_lines.html", context, status=400 if refused else 200)


def _created_cycle(request: HttpRequest, strategy: Strategy, form: CycleForm) -> ReportingCycle | None:
    """The cycle made from a valid POSTed form; None with the errors on the form."""
    if not form.is_valid():
        return None
    try:
        cycle = services.create_cycle(strategy, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        add_errors(form, error)
        return None
    messages.success(
        request, _("The cycle %(label)s was created. Open it when reporting starts.") % {"label": cycle.label}
    )
    return cycle


@login_required
def cycle_list(request: HttpRequest, code: str) -> HttpResponse:
    strategy = access.get_for_user(Strategy.objects, request.user, code, field="code")
    may_manage = access.may_review(request.user, strategy.country)
    if request.method == "POST" and not may_manage:
        raise Http404
    form = CycleForm(request.POST or None, strategy=strategy) if may_manage else None
    if request.method == "POST" and form is not None and _created_cycle(request, strategy, form):
        return redirect("monitoring:cycles", strategy.code)
    cycles = (
        ReportingCycle.objects.visible_to(request.user)
        .filter(strategy=strategy)
        .annotate(n_reports=Count("reports"))
        .order_by("-year", "-half", "kind")
    )
    context = {
        "strategy": strategy, "cycles": cycles, "form": form,
        "may_oversee": access.may_oversee(request.user, strategy.country),
    }  # fmt: skip
    return render(request, "monitoring/cycle_list.html", context)


# --- The board of a cycle ---


@login_required
def cycle_board(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _overseen_cycle(request, pk)
    board = selectors.board(cycle, ProgressReport.objects.visible_to(request.user))
    counts = [(status, label, board.counts.get(status, 0)) for status, label in ProgressReport.BoardStatus.choices]
    form = BoardFilterForm(request.GET or None)
    status, text = form.wanted()
    page = page_of(request, selectors.board_rows(board, status=status, text=text), BOARD_ROWS_A_PAGE)
    context = {
        "cycle": cycle, "strategy": cycle.strategy, "board": board, "counts": counts, "form": form,
        "filtered": bool(status or text), "page": page, "page_links": page_links(request, page),
        "may_manage": _may(ReportingCycle.objects.editable_by(request.user), cycle),
    }  # fmt: skip
    return render(request, "monitoring/cycle_board.html", context)


def _managed_cycle(request: HttpRequest, pk: int) -> ReportingCycle:
    return access.get_for_user(ReportingCycle.objects.select_related("strategy"), request.user, pk, write=True)


def _cycle_context(cycle: ReportingCycle) -> dict[str, Any]:
    """What a confirmation page about `cycle` needs for its breadcrumbs."""
    return {"cycle": cycle, "strategy": cycle.strategy, "may_oversee": True}


def _open_confirmation(request: HttpRequest, cycle: ReportingCycle, back: str) -> Confirmation:
    """Opening in words: how many reports it creates (for whom, by the rule opening uses), and when they are due."""
    institutions = selectors.institutions_asked(cycle)
    count = len(institutions)
    if count:
        creates = ngettext(
            "This opens the cycle and creates %(count)s report, for the institution below: it leads an activity "
            "under way in the period or owns an indicator due in it.",
            "This opens the cycle and creates %(count)s reports, one for each institution below: each leads an "
            "activity under way in the period or owns an indicator due in it.",
            count,
        ) % {"count": count}
    else:
        creates = _(
            "This opens the cycle and creates no report: no institution leads an activity under way in the period "
            "or owns an indicator due in it."
        )
    due = _(
        "Their focal points can fill them in from now on; they are due on %(due)s. An open cycle cannot be planned "
        "again: it can only be closed."
    ) % {"due": date_format(cycle.due_on, "DATE_FORMAT")}
    overdue = count and cycle.is_past_due()
    return Confirmation(
        heading=_("Open the cycle %(label)s?") % {"label": cycle.label},
        consequences=(creates, due) if count else (creates,),
        warning=_("The due date has passed: every report will be overdue at once.") if overdue else "",
        items=tuple(f"{institution.code}: {institution.name}" for institution in institutions),
        items_label=_("A report for:") if count else "",
        hidden=(("version", posted_or(request, "version", cycle.version)),),
        button=_("Open the cycle"),
        cancel_url=back,
        breadcrumbs="monitoring/_breadcrumbs.html",
    )


@login_required
def cycle_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, saying how many reports opening creates and whether they are overdue at once; then open the cycle."""
    cycle = _managed_cycle(request, pk)
    back = reverse("monitoring:cycle", args=[cycle.pk])
    if not confirmed(request):
        if cycle.status != ReportingCycle.Status.PLANNED:  # opened or closed meanwhile: nothing to ask
            messages.error(request, _("Only a planned cycle can be opened."))
            return redirect(back)
        return ask(request, _open_confirmation(request, cycle, back), _cycle_context(cycle))

    def opened(reports: list[ProgressReport]) -> str:
        return ngettext(
            "The cycle is open: %(count)s report was created.",
            "The cycle is open: %(count)s reports were created.",
            len(reports),
        ) % {"count": len(reports)}

    return _act(request, back, lambda version: services.open_cycle(cycle, by=request.user, version=version), opened)


@login_required
def cycle_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, saying that every report in it becomes read-only; then close the cycle."""
    cycle = _managed_cycle(request, pk)
    back = reverse("monitoring:cycle", args=[cycle.pk])
    if not confirmed(request):
        return ask(request, _close_confirmation(request, cycle, back), _cycle_context(cycle))
    done = _("The cycle is closed: its reports are read-only.")
    return _act(request, back, lambda version: services.close_cycle(cycle, by=request.user, version=version), done)


@login_required
def cycle_remind(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, naming the institutions overdue and who is written to; then remind them all at once."""
    cycle = _managed_cycle(request, pk)
    back = reverse("monitoring:cycle", args=[cycle.pk])
    overdue = reminders.overdue_reports(cycle)
    if not overdue:
        messages.info(request, _("No institution of this cycle is overdue: nobody to remind."))
        return redirect(back)
    if not confirmed(request):
        confirmation = Confirmation(
            heading=_("Remind the institutions overdue?"),
            consequences=(
                _(
                    "Each focal point of the institutions below gets an e-mail saying that the report is overdue, "
                    "with its link. An institution reminded so today is not written to again today."
                ),
            ),
            items=tuple(f"{report.institution.code}: {report.institution.name}" for report in overdue),
            items_label=_("Overdue:"),
            button=_("Send the reminders"),
            cancel_url=back,
        )
        return ask(request, confirmation, _cycle_context(cycle))
    run = reminders.remind_overdue(cycle, by=request.user)
    messages.success(
        request,
        ngettext("%(count)s institution was reminded.", "%(count)s institutions were reminded.", len(run.sent))
        % {"count": len(run.sent)},
    )
    if run.without_recipients:
        codes = ", ".join(item.report.institution.code for item in run.without_recipients)
        messages.warning(request, _("No focal point with an e-mail address to write to: %(codes)s.") % {"codes": codes})
    if run.failed:
        codes = ", ".join(item.report.institution.code for item, _error in run.failed)
        messages.error(request, _("The e-mail could not be sent to: %(codes)s. Try again later.") % {"codes": codes})
    already = len(overdue) - len(run.sent) - len(run.without_recipients) - len(run.failed)
    if already:
        messages.info(
            request,
            ngettext(
                "%(count)s institution had been reminded today already: not written to again.",
                "%(count)s institutions had been reminded today already: not written to again.",
                already,
            )
            % {"count": already},
        )
    return redirect(back)


@login_required
def cycle_workbook(request: HttpRequest, pk: int) -> HttpResponse:
    """The board as an Excel workbook: one row per institution's report, as the page shows it."""
    from nsm.monitoring.workbook import board_workbook  # openpyxl, loaded when a workbook is asked for

    cycle = _overseen_cycle(request, pk)
    board = selectors.board(cycle, ProgressReport.objects.visible_to(request.user))
    data = board_workbook(board)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{cycle.strategy.code}-{cycle.label}-board.xlsx"'
    return response


def _close_confirmation(request: HttpRequest, cycle: ReportingCycle, back: str) -> Confirmation:
    consequences = [
        _(
            "Every report in the cycle becomes read-only, whatever its status. Reports not yet submitted stay as "
            "they are; only the secretariat can reopen a report afterwards, with a reason."
        )
    ]
    if waiting := selectors.reports_not_submitted(cycle):
        consequences.append(
            ngettext(
                "%(count)s report is not submitted yet: it is locked as it is.",
                "%(count)s reports are not submitted yet: they are locked as they are.",
                waiting,
            )
            % {"count": waiting}
        )
    return Confirmation(
        heading=_("Close the cycle %(label)s?") % {"label": cycle.label},
        consequences=tuple(consequences),
        hidden=(("version", posted_or(request, "version", cycle.version)),),
        button=_("Close the cycle"),
        style="danger",
        cancel_url=back,
        breadcrumbs="monitoring/_breadcrumbs.html",
    )


# --- A report ---


def _saved(
    request: HttpRequest, report: ProgressReport, form: ReportForm, *, submit: bool
) -> services.SaveOutcome | HttpResponse | None:
    """Save (or save, then submit) the POSTed report: what the save did; a redirect when it was refused outright
    (the report is locked); None when the form shows errors: every one, those of the inputs that could not be read
    and the services' rules for the rest, at once."""
    if not form.is_valid():
        if refused := services.check_report(
            report, activities=form.activity_inputs(), indicators=form.indicator_inputs()
        ):
            form.add_line_errors([*refused.line_errors, *refused.warnings])
        return None
    save = services.save_and_submit_report if submit else services.save_report_edits
    try:
        return save(
            report, by=request.user, version=form.edited_version, activities=form.activity_inputs(),
            indicators=form.indicator_inputs(), original=form.original_inputs(),
        )  # fmt: skip
    except services.ReportInvalid as error:
        form.add_line_errors([*error.line_errors, *error.warnings])
        return None
    except ValidationError as error:  # locked: approved, submitted or closed meanwhile
        messages.error(request, " ".join(error.messages))
        return redirect(report_url(report))


def _edited(request: HttpRequest, report: ProgressReport, form: ReportForm, *, submit: bool = False) -> HttpResponse:
    """The answer to a POSTed report form: the page again with every error and the typed values when the save was
    refused, or with the values both people changed side by side; else back to the report with what happened."""
    outcome = _saved(request, report, form, submit=submit)
    if isinstance(outcome, HttpResponse):
        return outcome
    if outcome is None:
        if "evidence" in request.POST or "remove_evidence" in request.POST:
            messages.error(request, _("The file was not changed: correct the errors below first, then try again."))
        typed = services.typed_warnings(report, activities=form.activity_inputs(), indicators=form.indicator_inputs())
        return _report_page(request, form.detail, form, may_edit=True, warnings=typed, unsaved=True)
    anchor = _evidence_step(request, report)
    _say(request, outcome, submit=submit)
    if outcome.conflicts:
        detail = selectors.report_detail(_report(request, report.pk))
        names = [field_name(services.LineError(c.kind, c.object_id, c.field, "")) for c in outcome.conflicts]
        fresh = ReportForm(detail=detail, typed={name: request.POST.get(name, "") for name in names})
        fresh.show_conflicts(outcome.conflicts)
        return _report_page(request, detail, fresh, may_edit=True, news=outcome.news, unsaved=True)
    return redirect(report_url(report, anchor))


def _say(request: HttpRequest, outcome: services.SaveOutcome, *, submit: bool) -> None:
    if outcome.news and not outcome.conflicts:  # with conflicts, the page itself shows the news above the form
        messages.success(request, outcome.news[0])
        if len(outcome.news) > 1:
            messages.info(request, " · ".join(outcome.news[1:]))
    if submit and outcome.submitted:
        messages.success(request, _("Your changes were saved and the report was submitted to the secretariat."))
    elif submit and outcome.missing:
        messages.error(
            request,
            _("Your changes were saved, but the report was not submitted: %(missing)s")
            % {"missing": " ".join(services.ReportInvalid(outcome.missing).messages)},
        )
    elif submit:
        messages.warning(
            request, _("The report was not submitted: it changed meanwhile. Check the values, then submit again.")
        )
    elif outcome.changed and not outcome.news:
        messages.success(request, _("Your changes were saved."))
    elif not outcome.changed and not outcome.news and not outcome.conflicts:
        messages.info(request, _("Nothing had changed: nothing was saved."))


@login_required
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The report: a form of every line for its focal points while it is editable, else its values as text.

    Without JavaScript, the evidence buttons post this form too (`evidence`, `remove_evidence`): the typed values
    are saved first, then the file is added or removed."""
    posted = request.method == "POST"
    report = _report(request, pk, write=posted)
    if posted and not report.is_editable:  # approved, submitted or closed since the page was shown: it says why
        messages.error(request, _("The report cannot be changed now: nothing was saved."))
        return redirect(report_url(report))
    may_edit = posted or _may(ProgressReport.objects.editable_by(request.user), report)
    detail = selectors.report_detail(report)
    computed = any(line.indicator.computed_from for line in detail.indicators)
    if not posted and computed and services.refresh_computed_values(report, by=request.user):
        detail = selectors.report_detail(_report(request, pk))  # new values, and the version that went up with them
    form = ReportForm(request.POST if posted else None, detail=detail) if may_edit and report.is_editable else None
    if posted and form is not None:
        return _edited(request, report, form)
    return _report_page(request, detail, form, may_edit=may_edit)


def _report_page(
    request: HttpRequest,
    detail: selectors.ReportDetail,
    form: ReportForm | None,
    *,
    may_edit: bool,
    news: tuple[str, ...] = (),
    warnings: dict[tuple[str, int], list[services.LineError]] | None = None,
    unsaved: bool = False,
) -> HttpResponse:
    report = detail.report
    warnings = services.report_warnings(detail) if warnings is None else warnings
    review = selectors.review_context(detail)
    activities, indicators = report_rows(detail, form, warnings, review)
    context = {
        "report": report, "cycle": report.cycle, "strategy": report.cycle.strategy, "detail": detail,
        "activities": activities, "indicators": indicators, "form": form, "news": news, "may_edit": may_edit,
        "unsaved": unsaved, "flagged": sum(len(found) for found in warnings.values()),
        "may_review": _may(ProgressReport.objects.reviewable_by(request.user), report),
        "may_oversee": access.may_oversee(request.user, report.cycle.strategy.country),
        "board_status": report.board_status(), "board_status_label": report.get_board_status_display(),
        "evidence_max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024), "returned": review.returned,
    }  # fmt: skip
    return render(request, "monitoring/report.html", context)


@login_required
def report_history(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    events = report.events.select_related("user").order_by("-at", "-pk")
    context = {
        "report": report, "cycle": report.cycle, "strategy": report.cycle.strategy, "events": events,
        "history": selectors.report_history(report),
        "may_oversee": access.may_oversee(request.user, report.cycle.strategy.country),
    }  # fmt: skip
    return render(request, "monitoring/report_history.html", context)


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit: from the report form (its Submit button), the typed values are saved first, then the report is
    submitted; a bare POST with the version only (nothing typed) submits the report as stored."""
    report = _report(request, pk, write=True)
    if "original" in request.POST:
        if not report.is_editable:
            messages.error(request, _("The report cannot be changed now: nothing was saved."))
            return redirect(report_url(report))
        return _edited(request, report, ReportForm(request.POST, detail=selectors.report_detail(report)), submit=True)
    done = _("The report was submitted to the secretariat.")
    return _act(
        request, report_url(report), lambda version: services.submit_report(report, by=request.user, version=version),
        done,
    )  # fmt: skip


def _ask_review(request: HttpRequest, report: ProgressReport, **say: Any) -> HttpResponse:
    """The confirmation of a review step on `report`, carrying the version the user saw."""
    confirmation = Confirmation(
        hidden=(("version", posted_or(request, "version", report.version)),),
        cancel_url=report_url(report, "review"),
        breadcrumbs="monitoring/_breadcrumbs.html",
        **say,
    )
    context = {"report": report, "cycle": report.cycle, "strategy": report.cycle.strategy, "may_oversee": True}
    return ask(request, confirmation, context)


def _whose(report: ProgressReport) -> dict[str, str]:
    return {"institution": report.institution.code, "cycle": report.cycle.label}


@login_required
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    report = _reviewed_report(request, pk)
    reason = request.POST.get("reason", "")
    if not confirmed(request):
        return _ask_review(
            request, report,
            heading=_("Return the report of %(institution)s for %(cycle)s?") % _whose(report),
            consequences=(
                _("The report goes back to %(institution)s: its focal points see your reason and your comments, "
                  "correct the report and submit it again.") % _whose(report),
            ),
            reason_label=_("Reason for returning the report"), reason=reason,
            button=_("Return the report"), style="warning",
        )  # fmt: skip

    def run(version: int) -> Any:
        return services.return_report(report, by=request.user, reason=reason, version=version)

    return _act(request, report_url(report), run, _("The report was returned to %(code)s.") % {
        "code": report.institution.code})  # fmt: skip


@login_required
def report_approve(request: HttpRequest, pk: int) -> HttpResponse:
    report = _reviewed_report(request, pk)
    if not confirmed(request):
        return _ask_review(
            request, report,
            heading=_("Approve the report of %(institution)s for %(cycle)s?") % _whose(report),
            consequences=(
                _("The report becomes read-only: its focal points can no longer change it."),
                _("Its figures count as approved from then on: in the analysis, in the documents and, when the "
                  "strategy's public page is on, on that page."),
                _("Only the secretariat can reopen it afterwards, with a reason."),
            ),
            button=_("Approve the report"), style="success",
        )  # fmt: skip
    done = _("The report was approved; it is now read-only.")
    return _act(
        request, report_url(report), lambda version: services.approve_report(report, by=request.user, version=version),
        done,
    )  # fmt: skip


@login_required
def report_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    report = _reviewed_report(request, pk)
    reason = request.POST.get("reason", "")
    if not confirmed(request):
        consequences = [_("Its focal points can change the report again; it must be submitted and approved again.")]
        if report.status == ProgressReport.Status.APPROVED:
            consequences.append(
                _("Its figures stop counting as approved (in the analysis, the documents and the public page) "
                  "until it is approved again.")
            )  # fmt: skip
        return _ask_review(
            request, report,
            heading=_("Reopen the report of %(institution)s for %(cycle)s?") % _whose(report),
            consequences=tuple(consequences),
            reason_label=_("Reason for reopening the report"), reason=reason,
            button=_("Reopen the report"), style="warning",
        )  # fmt: skip

    def run(version: int) -> Any:
        return services.reopen_report(report, by=request.user, reason=reason, version=version)

    return _act(request, report_url(report), run, _("The report was reopened: its focal points can change it again."))


@login_required
@require_POST
def report_comment(request: HttpRequest, pk: int) -> HttpResponse:
    report = _reviewed_report(request, pk)
    try:
        services.add_comment(
            report, by=request.user, text=request.POST.get("text", ""),
            activity_id=_posted_int(request, "activity"), indicator_id=_posted_int(request, "indicator"),
        )  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your comment was added."))
    return redirect(report_url(report, _line_anchor(request) or "comments"))


# --- Evidence ---
#
# The upload and remove buttons sit in the report form. With JavaScript, htmx posts only the file (or nothing) with
# the evidence version (`evidence_version`, kept up to date by each answer) to `evidence_add` / `evidence_remove`
# and puts the answer, the line's evidence block, in its place: the page stays, and so does whatever was typed.
# Without JavaScript, the buttons post the whole form to the report page, which saves the typed values first.


def _evidence(pk: int, reports: QuerySet[ProgressReport]) -> Evidence:
    """An evidence file of one of `reports` (those the user may see, or fill in); else 404."""
    return get_object_or_404(Evidence.objects.select_related("line__report").filter(line__report__in=reports), pk=pk)


def _evidence_step(request: HttpRequest, report: ProgressReport) -> str:
    """The evidence button pressed without JavaScript, once the typed values are saved: add or remove the file.
    Returns the anchor of the line, to go back to."""
    activity_id, removed = _posted_int(request, "evidence"), _posted_int(request, "remove_evidence")
    if activity_id is None and removed is None:
        return ""
    current = _report(request, report.pk, write=True)  # the version the save left
    try:
        if activity_id is not None:
            upload = request.FILES.get(f"evidence_file_{activity_id}")
            if upload is None:
                raise ValidationError(_("Choose a file to upload."))
            evidence = services.add_evidence(
                current, by=request.user, activity_id=activity_id, upload=upload, version=current.version
            )
            messages.success(request, _("%(name)s was uploaded.") % {"name": evidence.name})
            return f"activity-{activity_id}"
        evidence = _evidence(removed or 0, ProgressReport.objects.editable_by(request.user).filter(pk=report.pk))
        services.remove_evidence(evidence, by=request.user, version=current.version)
        messages.success(request, _("%(name)s was removed.") % {"name": evidence.name})
        return f"activity-{evidence.line.activity_id}"
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return f"activity-{activity_id}" if activity_id else ""


def _evidence_block(
    request: HttpRequest, report: ProgressReport, activity_id: int | None, said: str, *, refused: bool = False
) -> HttpResponse:
    """The evidence block of one line, as htmx puts it in place, with the report's version for the next step."""
    line = get_object_or_404(
        ActivityProgress.objects.select_related("activity").prefetch_related("evidence"),
        report=report,
        activity_id=activity_id,
    )
    report.refresh_from_db(fields=["version"])
    context = {
        "report": report, "activity": line.activity, "evidence_list": line.evidence.all(), "editable": True,
        "evidence_max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024), "said": said, "refused": refused,
        "swap_version": True,
    }  # fmt: skip
    return render(request, "monitoring/_evidence.html", context)


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk, write=True)
    if _htmx(request):
        activity_id = _posted_int(request, "evidence")
        upload = request.FILES.get(f"evidence_file_{activity_id}")
        try:
            if upload is None or activity_id is None:
                raise ValidationError(_("Choose a file to upload."))
            evidence = services.add_evidence(
                report, by=request.user, activity_id=activity_id, upload=upload,
                version=_posted_int(request, "evidence_version"),
            )  # fmt: skip
        except ValidationError as error:
            return _evidence_block(request, report, activity_id, " ".join(error.messages), refused=True)
        return _evidence_block(request, report, activity_id, _("%(name)s was uploaded.") % {"name": evidence.name})
    activity_id = _posted_int(request, "activity")
    upload = request.FILES.get("file")
    back = report_url(report, f"activity-{activity_id}" if activity_id else "")
    if upload is None or activity_id is None:
        messages.error(request, _("Choose a file to upload."))
        return redirect(back)

    def run(version: int) -> Evidence:
        return services.add_evidence(report, by=request.user, activity_id=activity_id, upload=upload, version=version)

    return _act(request, back, run, lambda evidence: _("%(name)s was uploaded.") % {"name": evidence.name})


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = _evidence(pk, ProgressReport.objects.visible_to(request.user))
    try:
        handle = evidence.file.open("rb")
    except OSError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=evidence.name, content_type=evidence.content_type)


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _evidence(pk, ProgressReport.objects.editable_by(request.user))
    report, activity_id = evidence.line.report, evidence.line.activity_id
    done = _("%(name)s was removed.") % {"name": evidence.name}
    if _htmx(request):
        try:
            services.remove_evidence(evidence, by=request.user, version=_posted_int(request, "evidence_version"))
        except ValidationError as error:
            return _evidence_block(request, report, activity_id, " ".join(error.messages), refused=True)
        return _evidence_block(request, report, activity_id, done)
    back = report_url(report, f"activity-{activity_id}")
    return _act(
        request, back, lambda version: services.remove_evidence(evidence, by=request.user, version=version), done
    )
