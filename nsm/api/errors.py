"""One error shape for every refusal of the API, and the exception handlers that produce it.

    {"error": {"code": "...", "message": "...", "details": [{"field": ..., "line": {...}, "message": ...}]}}

`code` is stable and meant for programs; `message` and the details' messages are for people, in the request's
language. A refused stale save also carries `current_version`. The status says the kind of refusal:
400 malformed request, 401 no valid key, 403 a role that may see but not do, 404 not found (or not visible),
409 stale version, locked report or a step that does not apply, 413 a body larger than `API_MAX_BODY_BYTES`,
422 values that break a rule, 500 our fault. The details stop at `MAX_DETAILS`, the last one saying how many more.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid

from nsm.api.schemas import TEXT_RULE
from nsm.core.stale import StaleVersion
from nsm.monitoring.services import LineError, ReportInvalid, ReportLocked, TransitionRefused
from nsm.reference.models import DisaggregationCategory

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger("django.request")

MAX_DETAILS = 100  # a request with 40,000 wrong lines gets a readable answer, not 40,000 details


# --- The shape, as documented in the OpenAPI document ---


class ErrorLine(Schema):
    """The report line an error is about."""

    kind: str  # "activity" | "indicator"
    id: int | None
    code: str


class ErrorDetail(Schema):
    """One problem: the field (`activities.0.percent_complete`, `total`, `cells.female`, `reason` ...), the line of
    the report it concerns, and what is wrong."""

    field: str | None = None
    line: ErrorLine | None = None
    message: str


class ErrorBody(Schema):
    code: str
    message: str
    details: list[ErrorDetail] = []
    current_version: int | None = None


class ErrorOut(Schema):
    error: ErrorBody


def error_responses(*statuses: int) -> dict[frozenset[int], type[ErrorOut]]:
    """The error part of an operation's `response=`: always 400, 401, 413 and 500, plus `statuses`."""
    return {frozenset({400, 401, 413, 500, *statuses}): ErrorOut}


# --- Raising ---


class ApiError(Exception):
    """A refusal with its status, stable code, message and details."""

    def __init__(
        self,
        status: int,
        code: str,
        message: StrOrPromise,
        details: Sequence[dict[str, Any]] = (),
        current_version: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = list(details)
        self.current_version = current_version


def forbidden(message: StrOrPromise) -> ApiError:
    return ApiError(403, "forbidden", message)


def refuse_large_body(request: HttpRequest) -> None:
    """A body longer than `API_MAX_BODY_BYTES` (by its Content-Length, before it is read) is refused: 413."""
    limit = settings.API_MAX_BODY_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0  # Django reads no body without a valid length
    if length > limit:
        raise too_large(length, limit)


def too_large(length: int | None, limit: int) -> ApiError:
    sizes = {"limit": f"{limit // 1024:,}"}
    if length is None:
        message = _("The request body is larger than the %(limit)s KB the API reads; nothing was read.") % sizes
    else:
        sizes["length"] = f"{-(-length // 1024):,}"
        message = _("The request body has %(length)s KB; the API reads at most %(limit)s KB. Nothing was read.") % sizes
    return ApiError(413, "too_large", message)


def _capped(details: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(details) <= MAX_DETAILS:
        return details
    more = len(details) - MAX_DETAILS
    message = ngettext("… and %(count)s more problem.", "… and %(count)s more problems.", more) % {"count": f"{more:,}"}
    return [*details[:MAX_DETAILS], {"field": None, "line": None, "message": message}]


def body(
    code: str, message: StrOrPromise, details: Iterable[dict[str, Any]] = (), current_version: int | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": str(message), "details": _capped(list(details))}
    if current_version is not None:
        error["current_version"] = current_version
    return {"error": error}


# --- Translating exceptions ---


def _line_details(errors: Sequence[LineError]) -> list[dict[str, Any]]:
    """Service line errors as details; `cell:<category id>` fields become `cells.<category code>`."""
    cell_ids = {int(e.field.partition(":")[2]) for e in errors if e.field.startswith("cell:")}
    codes = dict(DisaggregationCategory.objects.filter(pk__in=cell_ids).values_list("pk", "code")) if cell_ids else {}
    details = []
    for error in errors:
        field = error.field or None
        if field and field.startswith("cell:"):
            pk = int(field.partition(":")[2])
            field = f"cells.{codes.get(pk, pk)}"
        line = None if error.kind == "report" else {"kind": error.kind, "id": error.object_id, "code": error.code}
        details.append({"field": field, "line": line, "message": str(error.message)})
    return details


def _validation_details(error: ValidationError) -> list[dict[str, Any]]:
    if hasattr(error, "error_dict"):
        return [
            {"field": None if name == NON_FIELD_ERRORS else name, "line": None, "message": message}
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"field": None, "line": None, "message": message} for message in error.messages]


def _request_details(errors: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Where pydantic found a malformed value: the location without its source (`body`, `query`, `path`) and,
    for a body, without the name of the handler's argument."""
    details = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        if location and location[0] == "body":
            location = location[2:]
        elif location:
            location = location[1:]
        details.append({"field": ".".join(location) or None, "line": None, "message": error.get("msg", "")})
    return details


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers (`{"detail": ...}`) by ours, for every kind of error."""

    def respond(request: HttpRequest, status: int, content: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, content, status=status)

    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        response = respond(request, exc.status, body(exc.code, exc.message, exc.details, exc.current_version))
        if exc.status == 401:
            response["WWW-Authenticate"] = "Bearer"
        return response

    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = _("Send a valid API key in the header: Authorization: Bearer <key>.")
        response = respond(request, 401, body("unauthorized", message))
        response["WWW-Authenticate"] = "Bearer"
        return response

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, ApiError):  # the body parser's own refusal (api.StrictJsonParser)
            return api_error(request, exc.__cause__)
        if exc.status_code == 400:
            return respond(request, 400, body("bad_request", _("The request body could not be read: send JSON.")))
        return respond(request, exc.status_code, body("error", str(exc)))

    def malformed(request: HttpRequest, exc: RequestInvalid) -> HttpResponse:
        if all(error.get("type") == TEXT_RULE and error.get("loc", ("",))[0] == "body" for error in exc.errors):
            # well formed, but a text is too long or holds a control character: a value that breaks a rule
            details = _request_details(exc.errors)
            message = details[0]["message"] if len(details) == 1 else _("Some values are not valid: see the details.")
            return respond(request, 422, body("invalid", message, details))
        message = _("The request is malformed: see the details.")
        return respond(request, 400, body("bad_request", message, _request_details(exc.errors)))

    def body_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        """Django's own bound (DATA_UPLOAD_MAX_MEMORY_SIZE), when API_MAX_BODY_BYTES is set above it."""
        return api_error(request, too_large(None, settings.DATA_UPLOAD_MAX_MEMORY_SIZE))

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, body("not_found", _("Not found.")))

    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, body("forbidden", str(exc) or _("Your role does not allow this.")))

    def report_invalid(request: HttpRequest, exc: ReportInvalid) -> HttpResponse:
        message = _("Nothing was saved: some lines break a rule or are incomplete. See the details.")
        return respond(request, 422, body("invalid", message, _line_details(exc.line_errors)))

    def stale(request: HttpRequest, exc: StaleVersion) -> HttpResponse:
        message = _("Someone else changed this since the version you sent; nothing was written.")
        details = [{"field": None, "line": None, "message": m} for m in exc.messages]
        return respond(request, 409, body("stale", message, details, exc.current_version))

    def locked(request: HttpRequest, exc: ReportLocked) -> HttpResponse:
        return respond(request, 409, body("locked", " ".join(exc.messages)))

    def not_allowed(request: HttpRequest, exc: TransitionRefused) -> HttpResponse:
        return respond(request, 409, body("not_allowed", " ".join(exc.messages)))

    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = _validation_details(exc)
        message = details[0]["message"] if len(details) == 1 else _("Some values are not valid: see the details.")
        return respond(request, 422, body("invalid", message, details))

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("API error: %s %s", request.method, request.path, exc_info=exc, extra={"request": request})
        return respond(request, 500, body("server_error", _("Something went wrong on our side.")))

    handlers: list[tuple[type[Exception], Any]] = [
        (ApiError, api_error),
        (AuthenticationError, unauthenticated),
        (HttpError, http_error),
        (RequestDataTooBig, body_too_big),
        (RequestInvalid, malformed),
        (Http404, not_found),
        (PermissionDenied, permission_denied),
        (ReportInvalid, report_invalid),
        (StaleVersion, stale),
        (ReportLocked, locked),
        (TransitionRefused, not_allowed),
        (ValidationError, invalid),
        (Exception, server_error),
    ]
    for exception, handler in handlers:
        api.add_exception_handler(exception, handler)
