"""The API: `/api/v1/`, token authentication, one error shape, the OpenAPI document and its docs page.

`openapi.json` is public (it describes the shape of the API, no data); the docs page is for people signed in, and
loads Swagger UI from ninja's own static files: nothing is fetched from another host.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from nsm.api import analytics, errors, monitoring, opendata, plan, values
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
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, self.template, {"api": api, "swagger_settings": settings})


class Api(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        """Operation ids are the handlers' names (`list_reports`, `approve` ...), stable for generated clients."""
        return operation.view_func.__name__


api = Api(
    title="NSM API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=BearerKey(),
    docs=SignedInSwagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    docs_url="/docs",
)
errors.install(api)
api.add_router("", plan.router)
api.add_router("", values.router)
api.add_router("", monitoring.router)
api.add_router("", analytics.router)
api.add_router("", opendata.router)


def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Any other address under /api/v1/: a 404 in the API's error shape, not Django's HTML page."""
    return JsonResponse(errors.body("not_found", _("There is no such address in the API.")), status=404)
