"""The API: `/api/v1/`, token authentication, one error shape, the OpenAPI document and its docs page.

`openapi.json` is public (it describes the shape of the API, no data); the docs page is for people signed in, past
the second step of sign-in when their role needs one, and loads Swagger UI from ninja's own static files: nothing
is fetched from another host.

Bodies are bounded before they are read (`API_MAX_BODY_BYTES`, 413) and read as strict JSON: a key given twice in
one object is refused, where Python's reader would silently keep the last one.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger
from ninja.parser import Parser

from nsm.accounts import twofactor
from nsm.api import analytics, errors, monitoring, opendata, plan, search, values
from nsm.api.auth import BearerKey

DESCRIPTION = """\
The monitoring of the National Strategy on Migration: the plan (strategies, results, activities, indicators and
their targets), indicator values as reported, progress reports and their review, reporting cycles, and the analysis
roll-ups (implementation, indicator achievement, budget, reporting compliance, GCM alignment).

Authenticate with a token made on your **API tokens** page: `Authorization: Bearer <key>`. You see and do through
the API exactly what you see and do in the pages. Lists are pages: `limit` (1-200, default 50) and `offset` in,
`{"count", "limit", "offset", "items"}` out. Amounts are strings with two decimals. Every error has the shape
`{"error": {"code", "message", "details": [{"field", "line": {"kind", "id", "code"}, "message"}]}}`.

**Open data**, without a token: `/open/strategies` and, for each published strategy, its approved indicator
figures and activities by year as JSON and CSV (`/open/strategies/{code}/indicators.csv` ...).
"""


class SignedInSwagger(Swagger):
    """Swagger UI from local static files, for signed-in people; no call to Swagger's online validator."""

    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if twofactor.needs_two_factor(request.user) and not twofactor.is_verified(request):
            # The site's TwoFactorMiddleware lets /api/ pass (a token authenticates each call): this page is the
            # one session page under /api/, so it asks for the code itself (the code page sends to enrolment).
            return HttpResponseRedirect(
                reverse("accounts:two-factor") + "?" + urlencode({"next": request.get_full_path()})
            )
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, self.template, {"api": api, "swagger_settings": settings})


def _refuse_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            message = _('The key "%(key)s" is given twice in one object of the body; give it once.') % {"key": key}
            raise errors.ApiError(400, "bad_request", message, [{"field": key, "line": None, "message": message}])
        seen[key] = value
    return seen


class StrictJsonParser(Parser):
    """JSON whose objects name each key once (`{"female": 5, "female": 6}` is refused, not read as 6)."""

    def parse_body(self, request: HttpRequest) -> Any:
        return json.loads(request.body, object_pairs_hook=_refuse_repeated_keys)


class Api(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        """Operation ids are the handlers' names (`list_reports`, `approve` ...), stable for generated clients."""
        return operation.view_func.__name__

    def create_temporal_response(self, request: HttpRequest) -> HttpResponse:
        """Ninja calls this after authentication and before it reads the body: the place to refuse, unread, a body
        longer than `API_MAX_BODY_BYTES` (413 in the API's error shape, through the exception handlers)."""
        errors.refuse_large_body(request)
        return super().create_temporal_response(request)


api = Api(
    title="NSM API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=BearerKey(),
    parser=StrictJsonParser(),
    docs=SignedInSwagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    docs_url="/docs",
)
errors.install(api)
api.add_router("", plan.router)
api.add_router("", values.router)
api.add_router("", monitoring.router)
api.add_router("", analytics.router)
api.add_router("", opendata.router)
api.add_router("", search.router)


def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Any other address under /api/v1/: a 404 in the API's error shape, not Django's HTML page."""
    return JsonResponse(errors.body("not_found", _("There is no such address in the API.")), status=404)
