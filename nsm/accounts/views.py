"""The sign-in page, one attempt at a time per user name and address; the public list of institutions, shown among
the reference data; a user's API tokens."""

import hashlib
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from nsm.accounts import access, security, services
from nsm.accounts.forms import ApiTokenForm
from nsm.accounts.models import ApiToken, Institution
from nsm.core.confirm import Confirmation, ask, confirmed

KIND_ORDER = {kind: position for position, kind in enumerate(Institution.Kind.values)}


def _hold_sign_in_lock(request: HttpRequest) -> None:
    """Until the transaction ends, hold the lock of the user name tried from this address (PostgreSQL: an advisory
    lock on a hash of both; SQLite: its IMMEDIATE transaction already runs alone)."""
    if connection.vendor != "postgresql":
        return
    tried = f"{request.POST.get('username', '')[:150].lower()}\n{security.client_ip(request)}"
    key = int.from_bytes(hashlib.sha256(tried.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


class SignInView(auth_views.LoginView):
    """Django's sign-in page, whose attempts for one user name from one address run one after another: django-axes
    then checks each against the failures recorded by those before it, so that parallel attempts cannot try more
    passwords than NSM_LOGIN_FAILURES before the lockout (without the lock, 20 at once checked 11 to 14)."""

    template_name = "accounts/login.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with transaction.atomic():
            _hold_sign_in_lock(request)
            return super().post(request, *args, **kwargs)


def institutions(request: HttpRequest) -> HttpResponse:
    """The institutions the visitor may see (`access.institutions_visible_to`: their own countries' and those of the
    countries that publish a strategy or a public round), of one country with `?country=AL`; grouped by kind (in
    the order of `Institution.Kind`), bodies that are gone last."""
    visible = access.institutions_visible_to(Institution.objects.all(), request.user)
    country = request.GET.get("country", "").strip().upper()
    if country:
        visible = visible.filter(country=country[:2])
    rows = sorted(visible, key=lambda i: (KIND_ORDER.get(i.kind, 99), not i.is_active, i.country, i.code))
    context = {"page": "institutions", "institutions": rows, "countries": len({i.country for i in rows}) > 1}
    return render(request, "accounts/institutions.html", context)


def _tokens_page(request: HttpRequest, form: ApiTokenForm, **extra: object) -> HttpResponse:
    # Behind login_required, so never the anonymous visitor, who has no tokens.
    user = request.user
    tokens = ApiToken.objects.filter(user=user) if user.is_authenticated else ApiToken.objects.none()
    return render(request, "accounts/tokens.html", {"form": form, "tokens": tokens, **extra})


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's API tokens (active, expired and revoked) and the form to make one."""
    return _tokens_page(request, ApiTokenForm())


@login_required
@require_POST
@never_cache
def token_create(request: HttpRequest) -> HttpResponse:
    """Make a token and show its key, this once: it is not stored and cannot be shown again."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _tokens_page(request, form)
    try:
        token, key = services.create_api_token(
            request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
    except ValidationError as error:
        form.add_error(None, error.messages)
        return _tokens_page(request, form)
    return _tokens_page(request, ApiTokenForm(), new_token=token, new_key=key)


@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, saying that every program using the key is refused from then on; then revoke the token."""
    token = access.get_for_user(ApiToken.objects, request.user, pk, write=True)
    if not confirmed(request):
        confirmation = Confirmation(
            heading=_("Revoke the token %(name)s?") % {"name": token.name},
            consequences=(
                _(
                    "Every program that uses its key (it begins with %(prefix)s) is refused from then on. A revoked "
                    "token cannot be used again: make a new one for a program that still needs access."
                )
                % {"prefix": token.prefix},
            ),
            button=_("Revoke the token"),
            style="danger",
            cancel_url=reverse("accounts:tokens"),
        )
        return ask(request, confirmation)
    services.revoke_api_token(token, by=request.user)
    messages.success(request, _("The token %(name)s was revoked.") % {"name": token.name})
    return redirect("accounts:tokens")
