"""The second step of sign-in (a code from an authenticator app, or enrolling one) and the lockout page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from nsm.accounts import twofactor
from nsm.accounts.forms import TwoFactorCodeForm


def _next_url(request: HttpRequest) -> str:
    """Where to go once verified: `next` when it is an address of this site, else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and safe else reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


def _done(request: HttpRequest) -> bool:
    return not twofactor.needs_two_factor(request.user) or twofactor.is_verified(request)


@never_cache
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Ask for the code of the user's authenticator app; the right one verifies the session."""
    target = _next_url(request)
    if _done(request):
        return redirect(target)
    device = twofactor.confirmed_device(request.user)
    if device is None:
        return redirect(_with_next("accounts:two-factor-enroll", target))
    form = TwoFactorCodeForm(request.POST or None)
    if form.is_valid():
        try:
            twofactor.verify_code(request, device=device, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error.messages)
        else:
            return redirect(target)
    context = {"form": form, "next": target, "support_contact": settings.SUPPORT_CONTACT}
    return render(request, "accounts/two_factor.html", context)


@never_cache
@login_required
def two_factor_enroll(request: HttpRequest) -> HttpResponse:
    """Without a device yet: show a secret (as a QR code and as text) and confirm it with a first code.

    Only while the user has no confirmed device: replacing one goes through the secretariat or the coordinator (the
    people pages' reset) or an administrator (docs/security.md)."""
    target = _next_url(request)
    if _done(request):
        return redirect(target)
    if twofactor.confirmed_device(request.user) is not None:
        return redirect(_with_next("accounts:two-factor", target))
    device = twofactor.pending_device(request.user)
    form = TwoFactorCodeForm(request.POST or None)
    if form.is_valid():
        try:
            twofactor.confirm_device(request, device=device, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error.messages)
        else:
            messages.success(
                request, _("Two-factor sign-in is set up. From now on you will enter a code after your password.")
            )
            return redirect(target)
    secret = twofactor.secret_base32(device)
    context = {
        "form": form,
        "next": target,
        "qr_code": twofactor.qr_data_uri(device),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "support_contact": settings.SUPPORT_CONTACT,
    }
    return render(request, "accounts/two_factor_enroll.html", context)


def locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): 429, when to try again, and whom to ask."""
    cool_off = settings.AXES_COOLOFF_TIME
    context = {
        "minutes": int(cool_off.total_seconds() // 60),
        "retry_at": timezone.localtime() + cool_off,
        "support_contact": settings.SUPPORT_CONTACT,
    }
    response = render(request, "accounts/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response
