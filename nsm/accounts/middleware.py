"""Two middlewares: the second step of sign-in for those who need it, and the log of refused requests."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from nsm.accounts import security, twofactor

API_PREFIX = "/api/"


def _open_paths() -> tuple[str, ...]:
    """What a user who still owes a code may reach: sign-out, the code and enrollment pages, the language switch."""
    return (
        reverse("accounts:logout"),
        reverse("accounts:two-factor"),
        reverse("accounts:two-factor-enroll"),
        reverse("set_language"),
    )


class TwoFactorMiddleware:
    """Sends a user who needs two-factor sign-in (twofactor.needs_two_factor) and whose session is not verified yet to
    the code page, or to the enrollment page without a device, with the page asked for as `next`.

    Static files and the API (`/api/`: a token, made from a verified session, authenticates each call) pass.
    Installed after AuthenticationMiddleware. django-otp's OTPMiddleware is not used: it reads the device in a query
    of its own on every request; `twofactor.is_verified` reads it with the user (backends.ModelBackend).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if path.startswith(API_PREFIX) or path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return self.get_response(request)
        user = request.user
        if path in _open_paths() or not twofactor.needs_two_factor(user) or twofactor.is_verified(request):
            return self.get_response(request)
        return self._second_step(request)

    @staticmethod
    def _second_step(request: HttpRequest) -> HttpResponse:
        name = "accounts:two-factor" if twofactor.confirmed_device(request.user) else "accounts:two-factor-enroll"
        url = reverse(name)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):  # htmx: load the whole page, not the code form inside a fragment
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)


class RefusalLogMiddleware:
    """Logs to "nsm.security" every 403, every 404 answered to a signed-in user (a page or object they may not see
    looks missing: access.get_for_user), and the API's 401, 403 and 404. 404s for anonymous visitors are not
    logged: they are mostly robots."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        status = response.status_code
        if status in (401, 403, 404):
            user = getattr(request, "user", None)
            signed_in = bool(getattr(user, "is_authenticated", False))
            if status == 403 or signed_in or request.path.startswith(API_PREFIX):
                security.log_refusal(request, status)
        return response
