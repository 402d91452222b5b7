"""Monitoring through the API: reports (list, read, save lines, submit, review, comment) and cycles (list, read,
close). Handlers parse, reach the object through its queryset's scopes, call a selector or a service, answer.

Who may do what is the pages' rule: an object the caller may not see answers 404; one it may see but not act on
(a coordinator approving, the secretariat filling in lines) answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status

from nsm.accounts import access
from nsm.api import lines, schemas
from nsm.api.auth import AuthenticatedRequest
from nsm.api.errors import error_responses, forbidden
from nsm.monitoring import selectors, services
from nsm.monitoring.models import ProgressReport, ReportingCycle

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

router = Router()

REVIEW_ONLY = gettext_lazy("Only the secretariat reviews reports.")


# --- Reaching objects ---


def _reports() -> QuerySet[ProgressReport]:
    return ProgressReport.objects.select_related("cycle__strategy", "institution")


def _report(
    request: AuthenticatedRequest,
    pk: int,
    *,
    may: Callable[[Any], QuerySet[ProgressReport]] | None = None,
    refusal: StrOrPromise = "",
) -> ProgressReport:
    """The report if the caller may see it (else 404) and, with `may` (the queryset's `editable_by` or
    `reviewable_by`), act on it (else 403 with `refusal`)."""
    report = access.get_for_user(_reports(), request.auth, pk)
    if may is not None and not may(request.auth).filter(pk=report.pk).exists():
        raise forbidden(refusal)
    return report


def _detail(report: ProgressReport) -> dict[str, Any]:
    """The report as it is now, after a change (a fresh read: the services work on their own locked copy)."""
    return schemas.report_detail_out(selectors.report_detail(_reports().get(pk=report.pk)))


def _cycle(request: AuthenticatedRequest, pk: int) -> ReportingCycle:
    return access.get_for_user(ReportingCycle.objects.select_related("strategy"), request.auth, pk)


# --- Reports ---


@router.get("/reports", response={200: schemas.ReportPage, **error_responses()}, tags=["reports"])
def list_reports(request: AuthenticatedRequest, filters: Query[schemas.ReportFilters]) -> dict[str, Any]:
    """The reports you may see, newest cycle first: your institution's as a focal point, every report of the
    country for the secretariat and the coordinator, approved ones for viewers."""
    reports: QuerySet[ProgressReport] = ProgressReport.objects.visible_to(request.auth)
    if filters.cycle is not None:
        reports = reports.filter(cycle_id=filters.cycle)
    if filters.status:
        reports = reports.filter(status=filters.status)
    if filters.institution:
        reports = reports.filter(institution__code__iexact=filters.institution)
    reports = selectors.reports_for_user(reports)
    page = reports[filters.offset : filters.offset + filters.limit]
    return {
        "count": reports.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [schemas.report_out(report) for report in page],
    }


@router.get("/reports/{report_id}", response={200: schemas.ReportDetailOut, **error_responses(404)}, tags=["reports"])
def get_report(request: AuthenticatedRequest, report_id: schemas.PathId) -> dict[str, Any]:
    """A report with its activity and indicator lines, what is still missing, comments and timeline."""
    return schemas.report_detail_out(selectors.report_detail(_report(request, report_id)))


def _minimal(request: AuthenticatedRequest) -> bool:
    """Whether the client asked for the short answer (RFC 7240: `Prefer: return=minimal`)."""
    preferences = request.headers.get("Prefer", "")[:200].lower()
    return "return=minimal" in {part.strip() for part in preferences.replace(";", ",").split(",")}


def _save_lines(
    request: AuthenticatedRequest, report_id: int, payload: schemas.AnyLinesIn, *, whole: bool
) -> dict[str, Any]:
    report = _report(
        request,
        report_id,
        may=ProgressReport.objects.editable_by,
        refusal=_("Only the institution's focal points fill in its report."),
    )
    with transaction.atomic():
        # The row locked while the lines are read, so that the values a PATCH keeps are the stored ones when the
        # service (in the same transaction) compares the version and writes.
        ProgressReport.objects.select_for_update().filter(pk=report.pk).values_list("pk").get()
        activities, indicators = lines.line_inputs(report, payload, whole=whole)
        changed = services.save_report(
            report, by=request.auth, version=payload.version, activities=activities, indicators=indicators
        )
    if _minimal(request):  # the new version only: a client saving again needs no more (one query, not the report)
        version, status = ProgressReport.objects.filter(pk=report.pk).values_list("version", "status").get()
        return {"id": report.pk, "version": version, "status": status, "changed": changed}
    return _detail(report)


@router.patch(
    "/reports/{report_id}/lines",
    response={200: schemas.ReportDetailOut | schemas.SavedOut, **error_responses(403, 404, 409, 422)},
    tags=["reports"],
)
def patch_lines(request: AuthenticatedRequest, report_id: schemas.PathId, payload: schemas.LinesIn) -> dict[str, Any]:
    """Change the fields each line sends, as edited from `version`; fields left out keep their values, a field sent
    as null is emptied, and so for the cells of an indicator. Lines left out keep theirs. Every line is checked
    first; if anything is wrong, 422 lists every problem and nothing is written. A line sent twice is refused.
    Your institution's focal points only. With `Prefer: return=minimal` the answer is the new version only."""
    return _save_lines(request, report_id, payload, whole=False)


@router.put(
    "/reports/{report_id}/lines",
    response={200: schemas.ReportDetailOut | schemas.SavedOut, **error_responses(403, 404, 409, 422)},
    tags=["reports"],
)
def save_lines(
    request: AuthenticatedRequest, report_id: schemas.PathId, payload: schemas.FullLinesIn
) -> dict[str, Any]:
    """Replace the lines sent, each whole, as edited from `version`: every field of every line sent, and every cell
    of an indicator (a line that leaves one out is refused, 422, naming it: use PATCH to change some fields).
    Lines left out keep their values. Every line is checked first; if anything is wrong, 422 lists every problem and
    nothing is written. A line sent twice is refused. Your institution's focal points only. With
    `Prefer: return=minimal` the answer is the new version only (`id`, `version`, `status`, `changed`)."""
    return _save_lines(request, report_id, payload, whole=True)


@router.post(
    "/reports/{report_id}/submit",
    response={200: schemas.ReportDetailOut, **error_responses(403, 404, 409, 422)},
    tags=["reports"],
)
def submit(request: AuthenticatedRequest, report_id: schemas.PathId, payload: schemas.VersionIn) -> dict[str, Any]:
    """Submit the report for review; 422 lists what is still missing. After the due date it is marked late."""
    report = _report(
        request,
        report_id,
        may=ProgressReport.objects.editable_by,
        refusal=_("Only the institution's focal points submit its report."),
    )
    services.submit_report(report, by=request.auth, version=payload.version)
    return _detail(report)


@router.post(
    "/reports/{report_id}/return",
    response={200: schemas.ReportDetailOut, **error_responses(403, 404, 409, 422)},
    tags=["reports"],
)
def return_report(
    request: AuthenticatedRequest, report_id: schemas.PathId, payload: schemas.ReasonIn
) -> dict[str, Any]:
    """Send a submitted report back to its institution, saying why (secretariat)."""
    report = _report(request, report_id, may=ProgressReport.objects.reviewable_by, refusal=REVIEW_ONLY)
    services.return_report(report, by=request.auth, reason=payload.reason, version=payload.version)
    return _detail(report)


@router.post(
    "/reports/{report_id}/approve",
    response={200: schemas.ReportDetailOut, **error_responses(403, 404, 409)},
    tags=["reports"],
)
def approve(
    request: AuthenticatedRequest, report_id: schemas.PathId, payload: schemas.OptionalVersionIn | None = None
) -> dict[str, Any]:
    """Approve a submitted report: it becomes read-only (secretariat). The body may be left out."""
    report = _report(request, report_id, may=ProgressReport.objects.reviewable_by, refusal=REVIEW_ONLY)
    services.approve_report(report, by=request.auth, version=payload.version if payload else None)
    return _detail(report)


@router.post(
    "/reports/{report_id}/reopen",
    response={200: schemas.ReportDetailOut, **error_responses(403, 404, 409, 422)},
    tags=["reports"],
)
def reopen(request: AuthenticatedRequest, report_id: schemas.PathId, payload: schemas.ReasonIn) -> dict[str, Any]:
    """Make an approved report, or one of a closed cycle, editable again, saying why (secretariat)."""
    report = _report(request, report_id, may=ProgressReport.objects.reviewable_by, refusal=REVIEW_ONLY)
    services.reopen_report(report, by=request.auth, reason=payload.reason, version=payload.version)
    return _detail(report)


@router.post(
    "/reports/{report_id}/comments",
    response={201: schemas.CommentOut, **error_responses(403, 404, 422)},
    tags=["reports"],
)
def comment(
    request: AuthenticatedRequest, report_id: schemas.PathId, payload: schemas.CommentIn
) -> Status[dict[str, Any]]:
    """Comment on the report, or on one of its lines: an activity or an indicator (secretariat)."""
    report = _report(request, report_id, may=ProgressReport.objects.reviewable_by, refusal=REVIEW_ONLY)
    made = services.add_comment(
        report, by=request.auth, text=payload.text, activity_id=payload.activity_id, indicator_id=payload.indicator_id
    )
    made.author = request.auth
    return Status(201, schemas.comment_out(made))


# --- Cycles ---


@router.get("/cycles", response={200: schemas.CyclePage, **error_responses()}, tags=["cycles"])
def list_cycles(request: AuthenticatedRequest, filters: Query[schemas.CycleFilters]) -> dict[str, Any]:
    """The reporting cycles of the strategies you may see, newest first."""
    cycles = ReportingCycle.objects.visible_to(request.auth).select_related("strategy")
    if filters.strategy:
        cycles = cycles.filter(strategy__code=filters.strategy)
    if filters.status:
        cycles = cycles.filter(status=filters.status)
    cycles = cycles.order_by("-year", "-half", "strategy__code")
    page = cycles[filters.offset : filters.offset + filters.limit]
    return {
        "count": cycles.count(),
        "limit": filters.limit,
        "offset": filters.offset,
        "items": [schemas.cycle_out(cycle) for cycle in page],
    }


@router.get("/cycles/{cycle_id}", response={200: schemas.CycleDetailOut, **error_responses(404)}, tags=["cycles"])
def get_cycle(request: AuthenticatedRequest, cycle_id: schemas.PathId) -> dict[str, Any]:
    """A cycle with the reports in it that you may see, each with its board status and how much is filled in."""
    cycle = _cycle(request, cycle_id)
    return schemas.cycle_detail_out(selectors.board(cycle, ProgressReport.objects.visible_to(request.auth)))


@router.post(
    "/cycles/{cycle_id}/close",
    response={200: schemas.CycleDetailOut, **error_responses(403, 404, 409)},
    tags=["cycles"],
)
def close_cycle(
    request: AuthenticatedRequest, cycle_id: schemas.PathId, payload: schemas.OptionalVersionIn | None = None
) -> dict[str, Any]:
    """Close an open cycle: every report in it becomes read-only until the secretariat reopens one (secretariat).
    The body may be left out."""
    cycle = _cycle(request, cycle_id)
    if not ReportingCycle.objects.editable_by(request.auth).filter(pk=cycle.pk).exists():
        raise forbidden(_("Only the secretariat closes cycles."))
    closed = services.close_cycle(cycle, by=request.auth, version=payload.version if payload else None)
    return schemas.cycle_detail_out(selectors.board(closed, ProgressReport.objects.visible_to(request.auth)))
