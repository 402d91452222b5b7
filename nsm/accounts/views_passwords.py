"""Changing one's password, and resetting a forgotten one by e-mail: Django's own views, with the site's templates,
the password rules listed in words, a rate limit on reset requests and a line in the security log for each change.

A reset link is valid for PASSWORD_RESET_TIMEOUT and once: Django's token is made from the password's hash, so it
stops working as soon as the password changes. The reset does not sign the user in (`post_reset_login = False`):
they sign in with the new password, and then, when their role needs it, give their two-factor code. Changing the
password (by either way) also ends the user's other sessions: Django checks each session against the password's hash.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.password_validation import password_validators_help_texts
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from nsm.accounts import forms, passwords, security


def _minutes() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 60)


class PasswordChangeView(auth_views.PasswordChangeView):
    """For a signed-in user: the current password and a new one twice. The session stays signed in."""

    form_class = forms.PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs, password_rules=password_validators_help_texts())

    def form_valid(self, form: forms.PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        security.log_password_changed(self.request, form.user)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """An e-mail address; an e-mail with a link to each active user of that address, the same answer for any
    address. Past the limit of requests an hour (for the address, or from the client's address): 429, no e-mail."""

    form_class = forms.PasswordResetForm
    template_name = "accounts/password_reset.html"
    subject_template_name = "accounts/password_reset_subject.txt"
    email_template_name = "accounts/password_reset_email.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")

    def form_valid(self, form: forms.PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        if not passwords.reset_request_allowed(email=email, ip=security.client_ip(self.request)):
            security.log_password_reset_limited(self.request)
            context = {"limit": settings.PASSWORD_RESET_LIMIT}
            response = render(self.request, "accounts/password_reset_limited.html", context, status=429)
            response["Retry-After"] = str(passwords.WINDOW_SECONDS)
            return response
        security.log_password_reset_requested(self.request)
        # Links start with the platform's configured address, not with the Host header of the request.
        self.extra_email_context = {"site_url": settings.SITE_URL.rstrip("/"), "minutes": _minutes()}
        return super().form_valid(form)


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs, minutes=_minutes())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link of the e-mail: a new password twice, or, when the link was used or has expired, a sentence."""

    form_class = forms.SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")
    post_reset_login = False

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        rules = password_validators_help_texts()
        return super().get_context_data(**kwargs, password_rules=rules, minutes=_minutes())

    def form_valid(self, form: forms.SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        security.log_password_reset(self.request, form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
