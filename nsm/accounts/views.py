"""The public list of institutions, shown among the reference data; a user's API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from nsm.accounts import access, services
from nsm.accounts.forms import ApiTokenForm
from nsm.accounts.models import ApiToken, Institution

KIND_ORDER = {kind: position for position, kind in enumerate(Institution.Kind.values)}


def institutions(request: HttpRequest) -> HttpResponse:
    """Every institution, grouped by kind (in the order of `Institution.Kind`), bodies that are gone last."""
    rows = sorted(Institution.objects.all(), key=lambda i: (KIND_ORDER.get(i.kind, 99), not i.is_active, i.code))
    return render(request, "accounts/institutions.html", {"page": "institutions", "institutions": rows})


def _tokens_page(request: HttpRequest, form: ApiTokenForm, **extra: object) -> HttpResponse:
    tokens = ApiToken.objects.filter(user=request.user)
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
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = access.get_for_user(ApiToken.objects, request.user, pk, write=True)
    services.revoke_api_token(token, by=request.user)
    messages.success(request, _("The token %(name)s was revoked.") % {"name": token.name})
    return redirect("accounts:tokens")
