"""A control character in an address is refused in words before anything reads it.

PostgreSQL cannot hold NUL in a text, so `/public/%00/` used to end in a 500 as soon as a view looked the slug up;
a file server would fail on it the same way. NUL and the other control characters (nsm.core.limits: all but tab,
line feed and carriage return) never belong in an address, so a path or a query string that holds one is answered
at once with a 400 that says why, and the request goes no further. Under `/api/` the answer has the API's error
shape (nsm/api/errors.py: `{"error": {"code", "message", "details"}}`, written out here because the ground floor
imports no app); elsewhere it is a short text page.
"""

from collections.abc import Callable
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from nsm.core.limits import has_control_characters

API_PREFIX = "/api/"


def _refused_part(request: HttpRequest) -> str | None:
    """`path` or `query` when that part of the address holds a control character, else None."""
    if has_control_characters(request.path):
        return "path"
    query = request.META.get("QUERY_STRING", "")
    if query and has_control_characters(unquote(query.replace("+", " "), errors="replace")):
        return "query"
    return None


class ControlCharacterMiddleware:
    """Answers 400 to an address whose path or query string holds a control character (such as NUL)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        part = _refused_part(request)
        if part is None:
            return self.get_response(request)
        with translation.override(translation.get_language_from_request(request)):  # before LocaleMiddleware
            message = _("The address holds a control character (such as NUL), which no address of this site has.")
        if request.path.startswith(API_PREFIX):
            details = [{"field": part, "line": None, "message": message}]
            error = {"code": "bad_request", "message": message, "details": details}
            return JsonResponse({"error": error}, status=400)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
